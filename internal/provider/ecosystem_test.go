package provider

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Every variable of ecosystemVariables is used: alone in the environment, it
// is the source of the argument it is read as; or, when it is no argument's,
// nothing reads it as one and the docs say what it does instead.
func TestEcosystemVariables_ReadOrNamed(t *testing.T) {
	for _, v := range ecosystemVariables {
		a := providerArgumentNamed(v.argument)
		if a == nil {
			for _, other := range providerArguments {
				if slices.Contains(other.env, v.name) {
					t.Errorf("%s is read as %s, but ecosystemVariables says it is no argument's", v.name, other.name)
				}
			}
			if v.effect == "" || !strings.Contains(v.here(), "`"+v.name+"`") {
				t.Errorf("%s is not read as an argument, and its row does not name it with what it does: %q", v.name, v.effect)
			}
			continue
		}
		s := settingsFrom(nil, env(map[string]string{v.name: "value-of-" + v.name}))
		if got := stringValue(t, a, &s); got != "value-of-"+v.name || s.source[a.name] != v.name {
			t.Errorf("%s alone: %s = %q from %q", v.name, a.name, got, s.source[a.name])
		}
	}
}

// stringValue is the value of a string argument in s.
func stringValue(t *testing.T, a *providerArgument, s *settings) string {
	t.Helper()
	p, ok := a.field(s).(*string)
	if !ok {
		t.Fatalf("%s is not a string argument", a.name)
	}
	return *p
}

// Each variable a Huawei Cloud user already has, beside the others it comes
// with: what the provider reads, and that it configures without a diagnostic.
func TestProviderSettings_HuaweicloudVariables(t *testing.T) {
	region := map[string]string{"HW_REGION_NAME": "cn-north-4"}
	for _, tc := range []struct {
		name   string
		env    map[string]string
		source map[string]string // argument: the variable it must come from
	}{
		{"the SDKs' access key pair", map[string]string{"HUAWEICLOUD_SDK_AK": testAccessKey, "HUAWEICLOUD_SDK_SK": testSecretKey},
			map[string]string{"access_key": "HUAWEICLOUD_SDK_AK", "secret_key": "HUAWEICLOUD_SDK_SK"}},
		{"the SDKs' temporary keys", map[string]string{"HUAWEICLOUD_SDK_AK": testAccessKey, "HUAWEICLOUD_SDK_SK": testSecretKey, "HUAWEICLOUD_SDK_SECURITY_TOKEN": testSecurityToken},
			map[string]string{"access_key": "HUAWEICLOUD_SDK_AK", "secret_key": "HUAWEICLOUD_SDK_SK", "security_token": "HUAWEICLOUD_SDK_SECURITY_TOKEN"}},
		{"CLOUD_SDK_AK and CLOUD_SDK_SK with HW_SECURITY_TOKEN, as the huaweicloud provider reads them",
			map[string]string{"CLOUD_SDK_AK": testAccessKey, "CLOUD_SDK_SK": testSecretKey, "HW_SECURITY_TOKEN": testSecurityToken},
			map[string]string{"access_key": "CLOUD_SDK_AK", "secret_key": "CLOUD_SDK_SK", "security_token": "HW_SECURITY_TOKEN"}},
		{"HW_ACCESS_KEY and HW_SECRET_KEY with HW_SECURITY_TOKEN", map[string]string{"HW_ACCESS_KEY": testAccessKey, "HW_SECRET_KEY": testSecretKey, "HW_SECURITY_TOKEN": testSecurityToken},
			map[string]string{"access_key": "HW_ACCESS_KEY", "secret_key": "HW_SECRET_KEY", "security_token": "HW_SECURITY_TOKEN"}},
		{"OS_AUTH_URL", map[string]string{"HW_AUTH_TOKEN": testToken, "OS_AUTH_URL": "https://iam.example.test/v3"},
			map[string]string{"iam_endpoint": "OS_AUTH_URL"}},
		{"HW_AUTH_URL before OS_AUTH_URL", map[string]string{"HW_AUTH_TOKEN": testToken, "HW_AUTH_URL": "https://iam.a.example.test", "OS_AUTH_URL": "https://iam.b.example.test"},
			map[string]string{"iam_endpoint": "HW_AUTH_URL"}},
		{"HW_PROJECT_NAME", map[string]string{"HW_AUTH_TOKEN": testToken, "HW_PROJECT_NAME": "cn-north-4_team"}, map[string]string{"project_name": "HW_PROJECT_NAME"}},
		{"OS_PROJECT_NAME", map[string]string{"HW_AUTH_TOKEN": testToken, "OS_PROJECT_NAME": "cn-north-4_team"}, map[string]string{"project_name": "OS_PROJECT_NAME"}},
		{"HUAWEICLOUD_SDK_PROJECT_ID", map[string]string{"HW_AUTH_TOKEN": testToken, "HUAWEICLOUD_SDK_PROJECT_ID": "0123"}, map[string]string{"project_id": "HUAWEICLOUD_SDK_PROJECT_ID"}},
		{"HW_CLOUD of the public site", map[string]string{"HW_AUTH_TOKEN": testToken, "HW_CLOUD": "myhuaweicloud.com"}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range region {
				vars[k] = v
			}
			for k, v := range tc.env {
				vars[k] = v
			}
			s := settingsFrom(nil, env(vars))
			for arg, want := range tc.source {
				if s.source[arg] != want || stringValue(t, providerArgumentNamed(arg), &s) != vars[want] {
					t.Errorf("%s from %q, want %s", arg, s.source[arg], want)
				}
			}
			if diags := configureDiags(s); diags.HasError() {
				t.Errorf("unexpected diagnostics: %v", diags)
			}
		})
	}
}

// A security token of another place than the key pair's is not used, and a
// missing part names it: HW_SECURITY_TOKEN goes with the huaweicloud
// provider's pairs, not with the SDKs' one.
func TestProviderSettings_SecurityTokenGoesWithItsPair(t *testing.T) {
	s := settingsFrom(nil, env(map[string]string{"HW_REGION_NAME": "cn-north-4",
		"HUAWEICLOUD_SDK_AK": testAccessKey, "HUAWEICLOUD_SDK_SK": testSecretKey, "HW_SECURITY_TOKEN": testSecurityToken}))
	if s.Credentials.SecurityToken != "" || !slices.Contains(s.unusedEnv, "HW_SECURITY_TOKEN") {
		t.Errorf("security token %q, unused %v", s.Credentials.SecurityToken, s.unusedEnv)
	}
	s = settingsFrom(nil, env(map[string]string{"HW_REGION_NAME": "cn-north-4", "CLOUD_SDK_AK": testAccessKey, "HW_SECURITY_TOKEN": testSecurityToken}))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "secret_key", "Missing secret_key", "access_key from CLOUD_SDK_AK", "Set secret_key in the provider block or CLOUD_SDK_SK.")
}

// recorder is a transport that records the requests the client would send and
// sends none.
type recorder struct {
	mu    sync.Mutex
	hosts []string
}

var errNotSent = errors.New("not sent: the test only records where requests would go")

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.hosts = append(r.hosts, req.URL.Host)
	r.mu.Unlock()
	return nil, errNotSent
}

func (r *recorder) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.hosts)
}

// While HW_CLOUD names another cloud, no default endpoint of the public site
// is used: the provider stops before it builds a client, each default it would
// use named, and nothing is sent (a recording transport checks, sending
// nothing). Endpoints of that cloud are used.
func TestProviderSettings_HWCloudKeepsCredentialsOffThePublicSite(t *testing.T) {
	base := map[string]string{"HW_REGION_NAME": "cn-north-4", "HW_AUTH_TOKEN": testToken, "HW_CLOUD": "cloud.example.test"}
	with := func(extra map[string]string) settings {
		vars := map[string]string{}
		for k, v := range base {
			vars[k] = v
		}
		for k, v := range extra {
			vars[k] = v
		}
		return settingsFrom(nil, env(vars))
	}
	rec := &recorder{}
	s := with(nil)
	s.Transport = rec
	var diags = configureDiags(s)
	if len(diags) != 2 {
		t.Fatalf("want two errors, got %v", diags)
	}
	if hosts := rec.sent(); len(hosts) > 0 {
		t.Errorf("requests for %v while HW_CLOUD names another cloud", hosts)
	}
	wantDiagnostic(t, diags[0], "endpoint", "Default endpoint is not on the cloud HW_CLOUD names",
		`HW_CLOUD="cloud.example.test" says the account is on another cloud than https://swr-api.cn-north-4.myhuaweicloud.com, the default endpoint of region "cn-north-4"`,
		"nothing was sent", "Set endpoint (or SWR_ENDPOINT) to your cloud's address, or unset HW_CLOUD")
	wantDiagnostic(t, diags[1], "iam_endpoint", "Default iam_endpoint is not on the cloud HW_CLOUD names",
		"https://iam.cn-north-4.myhuaweicloud.com, the default iam_endpoint", "Set iam_endpoint (or HW_AUTH_URL or OS_AUTH_URL)")
	// With a project id and a token, IAM is not asked: only the SWR endpoint matters.
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(with(map[string]string{"HW_PROJECT_ID": "p"}))), "endpoint", "Default endpoint is not on the cloud HW_CLOUD names")
	// The European site's region, whose defaults are on myhuaweicloud.eu.
	if diags := configureDiags(with(map[string]string{"HW_CLOUD": "myhuaweicloud.eu", "HW_REGION_NAME": "eu-west-101"})); diags.HasError() {
		t.Errorf("myhuaweicloud.eu and eu-west-101: %v", diags)
	}
	// The endpoints of that cloud: used, and the defaults never.
	s = with(map[string]string{"SWR_ENDPOINT": "https://swr-api.cn-north-4.cloud.example.test", "HW_AUTH_URL": "https://iam.cn-north-4.cloud.example.test/v3"})
	s.Transport, s.MaxRetries = rec, 0
	var configured = configureDiags(s)
	if configured.HasError() {
		t.Fatalf("endpoints of the cloud: %v", configured)
	}
	c := s.newClient("test", &configured)
	if _, err := c.ProjectID(context.Background()); !errors.Is(err, errNotSent) {
		t.Fatalf("project lookup: %v", err)
	}
	if hosts := rec.sent(); len(hosts) == 0 || slices.ContainsFunc(hosts, func(h string) bool { return !strings.HasSuffix(h, ".cloud.example.test") }) {
		t.Errorf("requests for %v, want only hosts of cloud.example.test", hosts)
	}
}
