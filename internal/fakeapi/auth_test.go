package fakeapi_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client/signer"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func nowUTC() time.Time { return time.Now().UTC() }

func TestAuthRejections(t *testing.T) {
	s, base := seeded(t)
	u := base + sampleTasks + "?limit=5"
	now := nowUTC()

	reject := func(name string, r response, code string) {
		t.Helper()
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401 (%s)", name, r.status, r.body)
			return
		}
		if got := r.errorCode(t); got != code {
			t.Errorf("%s: error_code %s, want %s", name, got, code)
		}
		for _, secret := range []string{testSK, "wrong-token-value"} {
			if strings.Contains(string(r.body), secret) {
				t.Errorf("%s: body echoes a credential", name)
			}
		}
	}
	reject("no auth", do(t, http.MethodGet, u, nil), "APIG.0301")
	reject("bad token", get(t, u, withToken("wrong-token-value")), "APIG.0301")
	reject("wrong sk", do(t, http.MethodGet, u, nil, sign(t, nil, "another-secret", now)), "APIG.0301")
	reject("basic auth", do(t, http.MethodGet, u, nil, withHeader("Authorization", "Basic eDp5")), "APIG.0301")
	reject("garbled signature header", do(t, http.MethodGet, u, nil, withHeader("Authorization", "SDK-HMAC-SHA256 nonsense")), "APIG.0301")
	reject("stale date", do(t, http.MethodGet, u, nil, sign(t, nil, testSK, now.Add(-20*time.Minute))), "APIG.0301")
	reject("future date", do(t, http.MethodGet, u, nil, sign(t, nil, testSK, now.Add(20*time.Minute))), "APIG.0301")
	reject("unknown ak", do(t, http.MethodGet, u, nil, func(r *http.Request) {
		_ = signer.Sign(r, nil, signer.Credentials{AccessKey: "OTHERAK", SecretKey: testSK}, now)
	}), "APIG.0301")

	// Tampering after signing: query, path, a signed header.
	tamper := func(name string, change func(*http.Request)) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("X-Project-Id", projectID)
		if err := signer.Sign(req, nil, signer.Credentials{AccessKey: testAK, SecretKey: testSK}, now); err != nil {
			t.Fatal(err)
		}
		change(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		reject(name, response{status: resp.StatusCode, body: b}, "APIG.0301")
	}
	tamper("query", func(r *http.Request) { r.URL.RawQuery = "limit=6" })
	tamper("added query", func(r *http.Request) { r.URL.RawQuery += "&status=Failed" })
	tamper("path", func(r *http.Request) { r.URL.Path = strings.Replace(r.URL.Path, "113", "112", 1) })
	tamper("signed header", func(r *http.Request) { r.Header.Set("X-Project-Id", "x"+projectID[1:]) })
	tamper("date", func(r *http.Request) { r.Header.Set(signer.HeaderDate, now.Add(time.Second).Format(signer.DateFormat)) })

	// A good signature, with a security token and the Host header signed as the SDK does.
	good := do(t, http.MethodGet, u, nil, withHeader("Host", strings.TrimPrefix(base, "http://")), func(r *http.Request) {
		if err := signer.Sign(r, nil, signer.Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "sts-token"}, now); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Header.Get("Authorization"), "host;") {
			t.Fatalf("host not signed: %s", r.Header.Get("Authorization"))
		}
	})
	if good.status != http.StatusOK {
		t.Fatalf("good signature: %d %s", good.status, good.body)
	}
	// A signed POST covers its body.
	execURL := base + "/v2/" + projectID + "/instances/ins-demo/namespaces/platform/retention/policies/7/executions"
	body := []byte(`{"dry_run":true}`)
	if r := do(t, http.MethodPost, execURL, body, sign(t, body, testSK, now)); r.status != http.StatusCreated {
		t.Fatalf("signed POST: %d %s", r.status, r.body)
	}
	if r := do(t, http.MethodPost, execURL, []byte(`{"dry_run":false}`), sign(t, body, testSK, now)); r.status != http.StatusUnauthorized {
		t.Fatalf("POST with a body other than the signed one: %d", r.status)
	}

	var methods []string
	for _, rec := range s.Requests() {
		methods = append(methods, rec.AuthMethod)
	}
	if methods[0] != "none" || methods[1] != "token" || methods[2] != "aksk" {
		t.Fatalf("recorded auth methods %v", methods)
	}
}

// issueToken asks the fake's IAM for a token.
func issueToken(t *testing.T, base, user, password, domain, scope string) response {
	t.Helper()
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user +
		`","password":"` + password + `","domain":{"name":"` + domain + `"}}}},"scope":{"project":` + scope + `}}}`
	return do(t, http.MethodPost, base+"/v3/auth/tokens", []byte(body), withHeader("Content-Type", "application/json"))
}

func TestIAMTokenFlow(t *testing.T) {
	cfg := testConfig()
	cfg.ExtraProjects = []string{"cn-south-1"}
	s, base := fakeapi.Start(t, cfg)
	s.SeedSample()
	u := base + sampleTasks

	for _, bad := range [][3]string{{"alice", "wrong", "acme"}, {"bob", "s3cret", "acme"}, {"alice", "s3cret", "other"}} {
		r := issueToken(t, base, bad[0], bad[1], bad[2], `{"name":"cn-north-4"}`)
		if r.status != http.StatusUnauthorized || r.header.Get("X-Subject-Token") != "" {
			t.Fatalf("wrong credentials %v: %d", bad, r.status)
		}
		var e struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Title   string `json:"title"`
			} `json:"error"`
		}
		if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code != 401 || e.Error.Message != "The username or password is wrong." || e.Error.Title != "Unauthorized" {
			t.Fatalf("IAM error body %s", r.body)
		}
	}
	if r := do(t, http.MethodPost, base+"/v3/auth/tokens", []byte(`{"auth":`)); r.status != http.StatusBadRequest {
		t.Fatalf("malformed JSON: %d", r.status)
	}
	if r := issueToken(t, base, "alice", "s3cret", "acme", `{"name":"nowhere"}`); r.status != http.StatusBadRequest {
		t.Fatalf("unknown project scope: %d", r.status)
	}

	r := issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-north-4"}`)
	tok := r.header.Get("X-Subject-Token")
	if r.status != http.StatusCreated || len(tok) < 100 || strings.Contains(string(r.body), tok) {
		t.Fatalf("issue: %d token len %d", r.status, len(tok))
	}
	var ib struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			IssuedAt  string `json:"issued_at"`
			Project   struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"token"`
	}
	if err := json.Unmarshal(r.body, &ib); err != nil || ib.Token.Project.ID != projectID || ib.Token.Project.Name != "cn-north-4" {
		t.Fatalf("token body %s", r.body)
	}
	exp, err1 := time.Parse(time.RFC3339Nano, ib.Token.ExpiresAt)
	iss, err2 := time.Parse(time.RFC3339Nano, ib.Token.IssuedAt)
	if err1 != nil || err2 != nil || exp.Sub(iss) != 24*time.Hour {
		t.Fatalf("token times %q %q", ib.Token.IssuedAt, ib.Token.ExpiresAt)
	}
	if r := get(t, u, withToken(tok)); r.status != http.StatusOK {
		t.Fatalf("issued token rejected: %d %s", r.status, r.body)
	}

	// A token scoped by id works too; one scoped to another project is refused (403).
	r = issueToken(t, base, "alice", "s3cret", "acme", `{"id":"`+projectID+`"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("scope by id: %d", r.status)
	}
	byID := r.header.Get("X-Subject-Token")
	r = issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-south-1"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("scope extra project: %d", r.status)
	}
	if r := get(t, u, withToken(r.header.Get("X-Subject-Token"))); r.status != http.StatusForbidden {
		t.Fatalf("token of another project: %d", r.status)
	}

	s.ExpireIssuedTokens()
	for _, old := range []string{tok, byID} {
		r := get(t, u, withToken(old))
		if r.status != http.StatusUnauthorized || r.errorCode(t) != "APIG.0307" {
			t.Fatalf("expired token: %d %s", r.status, r.body)
		}
		mustContain(t, string(r.body), "The token must be updated.")
	}
	if r := get(t, u, withToken(testToken)); r.status != http.StatusOK {
		t.Fatalf("static token after expiry: %d", r.status)
	}
	fresh := issueToken(t, base, "alice", "s3cret", "acme", `{"name":"cn-north-4"}`).header.Get("X-Subject-Token")
	if r := get(t, u, withToken(fresh)); r.status != http.StatusOK {
		t.Fatalf("token issued after expiry: %d", r.status)
	}
	if n := s.CountRequests("/v3/auth/tokens"); n != 9 {
		t.Fatalf("%d IAM token requests recorded", n)
	}
	for _, rec := range s.Requests() {
		if rec.Path == "/v3/auth/tokens" && rec.AuthMethod != "iam-password" {
			t.Fatalf("IAM request recorded as %q", rec.AuthMethod)
		}
	}
}

func TestProjectsLookup(t *testing.T) {
	cfg := testConfig()
	cfg.ExtraProjects = []string{"cn-north-4", "ap-southeast-1"}
	_, base := fakeapi.Start(t, cfg)
	type projects struct {
		Projects []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			DomainID string `json:"domain_id"`
			Enabled  bool   `json:"enabled"`
		} `json:"projects"`
	}
	lookup := func(name string, opts ...reqOpt) (response, projects) {
		r := get(t, base+"/v3/projects?name="+name, opts...)
		var p projects
		if r.status == 200 {
			if err := json.Unmarshal(r.body, &p); err != nil || p.Projects == nil {
				t.Fatalf("projects body %s", r.body)
			}
		}
		return r, p
	}
	_, p := lookup("ap-southeast-1")
	if len(p.Projects) != 1 || p.Projects[0].Name != "ap-southeast-1" || len(p.Projects[0].ID) != 32 || !p.Projects[0].Enabled || p.Projects[0].DomainID == "" {
		t.Fatalf("one match: %+v", p)
	}
	_, p = lookup("cn-north-4", sign(t, nil, testSK, nowUTC()))
	if len(p.Projects) != 2 || p.Projects[0].ID != projectID || p.Projects[1].ID == projectID {
		t.Fatalf("two matches: %+v", p)
	}
	if _, p = lookup("nowhere"); len(p.Projects) != 0 {
		t.Fatalf("no match: %+v", p)
	}
	if r, _ := lookup("cn-north-4", withHeader("X-Other", "1")); r.status != 401 || r.errorCode(t) != "APIG.0301" {
		t.Fatalf("projects without auth: %d", r.status)
	}
	// A default-config fake: region cn-north-4 maps to the default project id.
	_, base2 := fakeapi.Start(t, fakeapi.Config{Tokens: []string{"x"}})
	r := get(t, base2+"/v3/projects?name=cn-north-4", withToken("x"))
	mustContain(t, string(r.body), `"id":"`+fakeapi.DefaultProjectID+`"`)
}

func TestTLS(t *testing.T) {
	s, base := fakeapi.StartTLS(t, testConfig())
	s.SeedSample()
	if !strings.HasPrefix(base, "https://127.0.0.1:") || strings.HasSuffix(base, "/") {
		t.Fatalf("base %q", base)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.TLSCertPEM()) {
		t.Fatal("TLSCertPEM is not a PEM certificate")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodGet, base+sampleTasks, nil)
	req.Header.Set("X-Auth-Token", testToken)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if resp, err := http.Get(base + sampleTasks); err == nil {
		resp.Body.Close()
		t.Fatal("an unknown certificate was accepted")
	}
	if fakeapi.New(fakeapi.Config{}).TLSCertPEM() != nil {
		t.Fatal("plain server has a certificate")
	}
}
