package fakeapi

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client/signer"
)

const (
	maxBody       = 1 << 20
	maxSkew       = 15 * time.Minute
	tokenLifetime = 24 * time.Hour
	iamTimeFormat = "2006-01-02T15:04:05.000000Z"
)

type issuedToken struct {
	projectID string // "" when unscoped
	expiresAt time.Time
	expired   bool
}

// caller is an authenticated request's identity.
type caller struct {
	method        string // "token" or "aksk"
	issued        bool   // token issued by POST /v3/auth/tokens
	projectID     string // scope of an issued token ("" when unscoped)
	headerProject string // X-Project-Id, when sent
}

func unauthorized(msg string) *apiError {
	return &apiError{http.StatusUnauthorized, "APIG.0301", msg}
}

// readBody reads (a bounded amount of) the body and puts it back for later readers.
func readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body
}

// authenticate checks the token or the AK/SK signature, as the gateway does.
// Messages never echo a credential.
func (s *Server) authenticate(r *http.Request) (caller, *apiError) {
	c, e := s.authenticateCredentials(r)
	c.headerProject = r.Header.Get("X-Project-Id")
	return c, e
}

func (s *Server) authenticateCredentials(r *http.Request) (caller, *apiError) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if s.requirePassword {
			return caller{}, unauthorized("Incorrect IAM authentication information: this fake requires a token issued by POST /v3/auth/tokens")
		}
		return s.verifySignature(r, auth)
	}
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		if _, ok := s.tokens[tok]; ok && !s.requirePassword {
			return caller{method: "token"}, nil
		}
		s.tokMu.Lock()
		it := s.issued[tok]
		var c caller
		expired := false
		if it != nil {
			expired = it.expired || !s.now().Before(it.expiresAt)
			c = caller{method: "token", issued: true, projectID: it.projectID}
			if !expired {
				s.countIssuedUseLocked()
			}
		}
		s.tokMu.Unlock()
		switch {
		case it == nil:
			return caller{}, unauthorized("Incorrect IAM authentication information: verify token fail")
		case expired:
			return caller{}, &apiError{http.StatusUnauthorized, "APIG.0307", "The token must be updated."}
		}
		return c, nil
	}
	return caller{}, unauthorized("Incorrect IAM authentication information: no X-Auth-Token header and no AK/SK signature")
}

func (s *Server) verifySignature(r *http.Request, auth string) (caller, *apiError) {
	if !strings.HasPrefix(auth, signer.Algorithm+" ") {
		return caller{}, unauthorized("Incorrect IAM authentication information: unsupported Authorization scheme")
	}
	parsed, err := signer.ParseAuthorization(auth)
	if err != nil {
		return caller{}, unauthorized("Incorrect IAM authentication information: malformed Authorization header")
	}
	if _, ok := s.accessKeys[parsed.AccessKey]; !ok {
		return caller{}, unauthorized("Incorrect IAM authentication information: unknown access key")
	}
	date, err := time.Parse(signer.DateFormat, r.Header.Get(signer.HeaderDate))
	if err != nil {
		return caller{}, unauthorized("Incorrect IAM authentication information: missing or malformed X-Sdk-Date header")
	}
	if d := s.now().Sub(date); d > maxSkew || d < -maxSkew {
		return caller{}, unauthorized("Incorrect IAM authentication information: X-Sdk-Date is more than 15 minutes away from the server time")
	}
	body := readBody(r)
	vr := r
	for _, h := range parsed.SignedHeaders {
		if h == "host" && r.Header.Get("Host") == "" {
			// net/http moves Host out of the header map; put it back as the gateway sees it.
			clone := *r
			clone.Header = r.Header.Clone()
			clone.Header.Set("Host", r.Host)
			vr = &clone
		}
	}
	lookup := func(ak string) (string, bool) {
		sk, ok := s.accessKeys[ak]
		return sk, ok
	}
	if err := signer.Verify(vr, body, lookup, s.now(), maxSkew); err != nil {
		return caller{}, unauthorized("Incorrect IAM authentication information: verify aksk signature fail")
	}
	return caller{method: "aksk"}, nil
}

// countIssuedUseLocked counts a request authenticated with an issued token and
// rotates the tokens once RotateTokensAfter of them have been served.
func (s *Server) countIssuedUseLocked() {
	if s.rotateTokensAfter <= 0 || s.rotatedOnce {
		return
	}
	s.issuedUses++
	if s.issuedUses >= s.rotateTokensAfter {
		s.rotatedOnce = true
		for _, t := range s.issued {
			t.expired = true
		}
	}
}

// ExpireIssuedTokens makes every token issued so far by POST /v3/auth/tokens
// invalid: using one gives 401 APIG.0307. Tokens issued later are valid.
func (s *Server) ExpireIssuedTokens() {
	s.tokMu.Lock()
	for _, t := range s.issued {
		t.expired = true
	}
	s.tokMu.Unlock()
}

type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// handleIssueToken is IAM's POST /v3/auth/tokens (password method).
func (s *Server) handleIssueToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	body := readBody(r)
	if err := json.Unmarshal(body, &req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	hasPassword := false
	for _, m := range req.Auth.Identity.Methods {
		if m == "password" {
			hasPassword = true
		}
	}
	if !hasPassword {
		writeIAMError(w, http.StatusBadRequest, "Only the password method is supported by this fake: auth.identity.methods must hold \"password\".")
		return
	}
	u := req.Auth.Identity.Password.User
	if u.Name == "" || u.Password == "" || u.Domain.Name == "" {
		writeIAMError(w, http.StatusBadRequest, "auth.identity.password.user needs name, password and domain.name.")
		return
	}
	if !s.checkUser(u.Name, u.Password, u.Domain.Name) {
		writeIAMError(w, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	var proj *project
	if sc := req.Auth.Scope; sc != nil && sc.Project != nil {
		for i := range s.projects {
			p := &s.projects[i]
			if (sc.Project.ID != "" && p.ID == sc.Project.ID) || (sc.Project.ID == "" && sc.Project.Name != "" && p.Name == sc.Project.Name) {
				proj = p
				break
			}
		}
		if proj == nil {
			writeIAMError(w, http.StatusBadRequest, "The project in auth.scope does not exist.")
			return
		}
	}
	now := s.now().UTC()
	tok := newToken()
	it := &issuedToken{expiresAt: now.Add(tokenLifetime)}
	tokenBody := map[string]any{
		"methods":    []string{"password"},
		"issued_at":  now.Format(iamTimeFormat),
		"expires_at": it.expiresAt.Format(iamTimeFormat),
		"user": map[string]any{
			"id":     derivedID("user", u.Domain.Name+"/"+u.Name),
			"name":   u.Name,
			"domain": map[string]any{"id": s.domainID, "name": u.Domain.Name},
		},
		"catalog": []any{},
	}
	if proj != nil {
		it.projectID = proj.ID
		tokenBody["project"] = map[string]any{
			"id":     proj.ID,
			"name":   proj.Name,
			"domain": map[string]any{"id": s.domainID, "name": u.Domain.Name},
		}
	}
	s.tokMu.Lock()
	s.issued[tok] = it
	s.tokMu.Unlock()
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, map[string]any{"token": tokenBody})
}

func (s *Server) checkUser(name, password, domain string) bool {
	ok := false
	for _, u := range s.users {
		match := subtle.ConstantTimeCompare([]byte(u.Name), []byte(name)) &
			subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) &
			subtle.ConstantTimeCompare([]byte(u.Domain), []byte(domain))
		if match == 1 {
			ok = true
		}
	}
	return ok
}

// newToken looks like an IAM token: a long base64 string starting "MII".
func newToken() string {
	b := make([]byte, 180)
	_, _ = rand.Read(b)
	return "MII" + base64.StdEncoding.EncodeToString(b)
}

// handleProjects is IAM's GET /v3/projects?name=.
func (s *Server) handleProjects(w http.ResponseWriter, r *http.Request) {
	if _, e := s.authenticate(r); e != nil {
		writeError(w, *e)
		return
	}
	q := r.URL.Query()
	names, filter := q["name"]
	ignoresName := s.currentAnswers().IAMIgnoresName
	out := make([]map[string]any, 0, len(s.projects))
	for _, p := range s.projects {
		if filter && (len(names) != 1 || names[0] != p.Name) && !ignoresName {
			continue
		}
		out = append(out, map[string]any{
			"id": p.ID, "name": p.Name, "domain_id": p.DomainID, "enabled": true,
			"is_domain": false, "parent_id": p.DomainID, "description": "",
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out})
}
