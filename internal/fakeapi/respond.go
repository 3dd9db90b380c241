package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

type apiError struct {
	status int
	code   string
	msg    string
}

// statusCode is the placeholder SWR error code of a status (see the package doc).
func statusCode(status int) string {
	return fmt.Sprintf("SWR.FAKE.%d", status)
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, statusCode(http.StatusBadRequest), fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{http.StatusNotFound, statusCode(http.StatusNotFound), fmt.Sprintf(format, args...)}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{"error_code":"SWR.FAKE.500","error_msg":"cannot encode the response"}`)
	}
	return b
}

// errorJSON is the SWR error body; a 403 carries an opaque encoded_authorization_message.
func errorJSON(e apiError, requestID string) []byte {
	body := errorBody{ErrorCode: e.code, ErrorMsg: e.msg}
	if e.status == http.StatusForbidden {
		body.EncodedAuthorizationMessage = encodedDenial(requestID, e.msg)
	}
	return mustJSON(body)
}

// encodedDenial is an opaque base64 string standing for STS's encrypted denial reason.
func encodedDenial(requestID, reason string) string {
	var buf []byte
	seed := []byte(requestID + "\x00" + reason)
	for i := 0; i < 3; i++ {
		sum := sha256.Sum256(append(seed, byte(i)))
		buf = append(buf, sum[:]...)
	}
	return base64.StdEncoding.EncodeToString(buf)
}

func writeError(w http.ResponseWriter, e apiError) {
	body := errorJSON(e, w.Header().Get("X-Request-Id"))
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

func writeIAMError(w http.ResponseWriter, status int, msg string) {
	body := mustJSON(iamErrorBody{Error: iamError{Code: status, Message: msg, Title: http.StatusText(status)}})
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body := mustJSON(v)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
