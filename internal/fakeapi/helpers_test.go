package fakeapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client/signer"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

const (
	testToken = "static-test-token"
	testAK    = "TESTAK0123456789"
	testSK    = "test-secret-key-never-echoed"
	projectID = fakeapi.DefaultProjectID
)

func testConfig() fakeapi.Config {
	return fakeapi.Config{
		Tokens:     []string{testToken},
		AccessKeys: map[string]string{testAK: testSK},
		Users:      []fakeapi.User{{Name: "alice", Password: "s3cret", Domain: "acme"}},
	}
}

// seeded starts a fake holding SeedSample data.
func seeded(t *testing.T) (*fakeapi.Server, string) {
	t.Helper()
	s, base := fakeapi.Start(t, testConfig())
	s.SeedSample()
	return s, base
}

func tasksPath(instance, nsEscaped string, policy, exec string) string {
	return "/v2/" + projectID + "/instances/" + instance + "/namespaces/" + nsEscaped +
		"/retention/policies/" + policy + "/executions/" + exec + "/tasks"
}

var sampleTasks = tasksPath("ins-demo", "platform", "7", "113")

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// errorCode checks the SWR error shape and returns error_code.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	code, _ := m["error_code"].(string)
	msg, _ := m["error_msg"].(string)
	if code == "" || msg == "" {
		t.Fatalf("status %d body %s lacks error_code/error_msg", r.status, r.body)
	}
	return code
}

type reqOpt func(*http.Request)

func withToken(tok string) reqOpt {
	return func(r *http.Request) { r.Header.Set("X-Auth-Token", tok) }
}

func withHeader(k, v string) reqOpt {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

// do sends a request; opts run in order (sign last).
func do(t *testing.T, method, url string, body []byte, opts ...reqOpt) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func get(t *testing.T, url string, opts ...reqOpt) response {
	t.Helper()
	if len(opts) == 0 {
		opts = []reqOpt{withToken(testToken)}
	}
	return do(t, http.MethodGet, url, nil, opts...)
}

// sign signs with the test AK/SK over body at time now.
func sign(t *testing.T, body []byte, sk string, now time.Time) reqOpt {
	return func(r *http.Request) {
		if err := signer.Sign(r, body, signer.Credentials{AccessKey: testAK, SecretKey: sk}, now); err != nil {
			t.Fatal(err)
		}
	}
}

type taskList struct {
	Total int            `json:"total"`
	Tasks []fakeapi.Task `json:"tasks"`
}

func decodeTasks(t *testing.T, r response) taskList {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var l taskList
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	if l.Tasks == nil {
		t.Fatalf("tasks is null, want an array: %s", r.body)
	}
	return l
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q", s, sub)
	}
}
