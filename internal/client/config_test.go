package client

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

// configErrorFields are the fields of the ConfigErrors joined in err.
func configErrorFields(t *testing.T, err error) []string {
	t.Helper()
	var fields []string
	var walk func(error)
	walk = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		var cfgErr *ConfigError
		if !errors.As(err, &cfgErr) {
			t.Fatalf("%v (%T) is not a ConfigError", err, err)
		}
		fields = append(fields, cfgErr.Field)
	}
	walk(err)
	return fields
}

// A region goes into host names, so only a region name is taken: anything else
// is an error on region, before any endpoint is built from it.
func TestConfig_RegionMustBeARegionName(t *testing.T) {
	for _, region := range []string{"attacker.example/", "attacker.example:8443/x", "cn-north-4\n", "CN-NORTH-4", "cn north 4", "-cn", "cn--north"} {
		_, err := New(Config{Region: region, Credentials: Credentials{Token: "t"}})
		if fields := configErrorFields(t, err); strings.Join(fields, ",") != FieldRegion {
			t.Errorf("region %q: errors on %v (%v), want one on region", region, fields, err)
		} else if !strings.Contains(err.Error(), "lower-case letters, digits and hyphens") {
			t.Errorf("region %q: %v", region, err)
		}
	}
	for _, region := range []string{"cn-north-4", "ap-southeast-1", "eu-west-101", "my-kualalumpur-1"} {
		if _, err := New(Config{Region: region, Credentials: Credentials{Token: "t"}}); err != nil {
			t.Errorf("region %q: %v", region, err)
		}
	}
}

// The default endpoints are built from the region, without sending anything.
func TestConfig_DefaultEndpoints(t *testing.T) {
	proxyguard.NoneLeft(t)
	for region, want := range map[string][2]string{
		"cn-north-4":     {"https://swr-api.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com"},
		"eu-west-101":    {"https://swr-api.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu"},
		"ap-southeast-1": {"https://swr-api.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com"},
		"ap-southeast-5": {"https://swr-api.ap-southeast-5.myhuaweicloud.com", GlobalIAMEndpoint},
	} {
		c, err := New(Config{Region: region, Credentials: Credentials{Token: "t"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{c.endpoint.String(), c.iamEndpoint.String()}; got != want {
			t.Errorf("region %s: endpoints %v, want %v", region, got, want)
		}
	}
}

// IAM takes the huaweicloud provider's form of HW_AUTH_URL, with the API version
// and with or without a trailing slash: the client asks /v3/projects, never
// /v3/v3/projects.
func TestConfig_IAMEndpointTakesTheVersionedForm(t *testing.T) {
	proxyguard.NoneLeft(t)
	fake, url := startFake(t)
	for _, iam := range []string{url, url + "/", url + "/v3", url + "/v3/"} {
		c := newTestClient(t, url, func(c *Config) { c.IAMEndpoint, c.ProjectID = iam, "" })
		if id, err := c.ProjectID(context.Background()); err != nil || id != fakeapi.DefaultProjectID {
			t.Errorf("iam_endpoint %q: project %q, %v", iam, id, err)
		}
	}
	if n, bad := fake.CountRequests("/v3/projects"), fake.CountRequests("/v3/v3"); n != 4 || bad != 0 {
		t.Errorf("%d project lookups and %d to /v3/v3; want 4 and 0", n, bad)
	}
}

// A value that cannot go into an HTTP header is refused by New, naming the
// credential, rather than failing every request as a connection error.
func TestConfig_CredentialsThatCannotBeHeadersAreRefused(t *testing.T) {
	for _, tc := range []struct {
		creds Credentials
		field string
	}{
		{Credentials{Token: "tok\n"}, FieldToken},
		{Credentials{Token: "to\x00k"}, FieldToken},
		{Credentials{AccessKey: "AK\r\n", SecretKey: "sk"}, FieldAccessKey},
		{Credentials{AccessKey: "AK", SecretKey: "sk", SecurityToken: "st\x7f"}, FieldSecurityToken},
	} {
		_, err := New(Config{Region: "cn-north-4", ProjectID: "p", Credentials: tc.creds})
		if fields := configErrorFields(t, err); strings.Join(fields, ",") != tc.field || !strings.Contains(err.Error(), "control character") {
			t.Errorf("%+v: errors on %v: %v; want one on %s", tc.creds, fields, err, tc.field)
		}
	}
}

// A security token alone is not a way to authenticate: beside a token it is its
// own error, not "two ways"; an access key pair from one family is checked whole.
func TestConfig_CredentialErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		creds  Credentials
		fields string
		reason string
	}{
		{Credentials{Token: "t", SecurityToken: "stale"}, FieldSecurityToken, "without access_key and secret_key"},
		{Credentials{}, "", "no credentials"},
		{Credentials{Token: "t", AccessKey: "a", SecretKey: "s"}, "", "more than one way to authenticate is set (auth_token, access_key, secret_key)"},
		{Credentials{AccessKey: "a"}, FieldSecretKey, "access_key is set but secret_key is not"},
		{Credentials{UserName: "u"}, FieldPassword + "," + FieldDomainName, "user_name is set but password is not"},
		{Credentials{UserName: "u", DomainName: "d"}, FieldPassword, "user_name and domain_name are set but password is not"},
	} {
		_, err := New(Config{Region: "cn-north-4", Credentials: tc.creds})
		if fields := configErrorFields(t, err); strings.Join(fields, ",") != tc.fields || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%+v: errors on %q: %v; want on %q with %q", tc.creds, fields, err, tc.fields, tc.reason)
		}
	}
}

// Without a region, each setting that needs one is named; with the endpoint
// and the project id given, a token needs no region (and no IAM).
func TestConfig_RegionOnlyWhereNeeded(t *testing.T) {
	_, err := New(Config{Credentials: Credentials{Token: "t"}})
	if fields := configErrorFields(t, err); strings.Join(fields, ",") != FieldRegion ||
		!strings.Contains(err.Error(), "the default endpoint, iam_endpoint and project_id cannot be found: set them, or a region") {
		t.Errorf("%v", err)
	}
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", Credentials: Credentials{Token: "t"}}); err != nil {
		t.Errorf("token, endpoint and project id: %v", err)
	}
	// As troubleshooting's Missing region row says: an access key pair too.
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", Credentials: Credentials{AccessKey: "a", SecretKey: "s"}}); err != nil {
		t.Errorf("access key pair, endpoint and project id: %v", err)
	}
	// Only the project id missing: the message names it, not "them".
	_, err = New(Config{Endpoint: "http://127.0.0.1:1", IAMEndpoint: "http://127.0.0.1:2", Credentials: Credentials{Token: "t"}})
	if fields := configErrorFields(t, err); strings.Join(fields, ",") != FieldRegion ||
		!strings.Contains(err.Error(), "the default project_id cannot be found: set project_id, or a region") {
		t.Errorf("token and both endpoints, no project id: %v", err)
	}
	_, err = New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", Credentials: Credentials{UserName: "u", Password: "p", DomainName: "d"}})
	if fields := configErrorFields(t, err); strings.Join(fields, ",") != FieldRegion || !strings.Contains(err.Error(), "iam_endpoint") {
		t.Errorf("password without region or iam_endpoint: %v", err)
	}
	// A project name stands for the region's in the project lookup, not for
	// the IAM endpoint the lookup needs.
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", IAMEndpoint: "http://127.0.0.1:2", ProjectName: "team", Credentials: Credentials{Token: "t"}}); err != nil {
		t.Errorf("token, endpoints and project name: %v", err)
	}
	_, err = New(Config{Endpoint: "http://127.0.0.1:1", ProjectName: "team", Credentials: Credentials{Token: "t"}})
	if !strings.Contains(err.Error(), "the default iam_endpoint cannot be found") {
		t.Errorf("project name without region or iam_endpoint: %v", err)
	}
}

// max_retries 0 means no retry, the one meaning the provider documents.
func TestConfig_ZeroRetriesMeansNone(t *testing.T) {
	proxyguard.NoneLeft(t)
	fake, url := startFake(t)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 503})
	_, err := newTestClient(t, url, func(c *Config) { c.MaxRetries = 0 }).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	if !IsStatus(err, 503) {
		t.Fatalf("err %v", err)
	}
	if n := fake.CountRequests("/tasks"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// The tests' proxy guard (see main_test.go) is what the client's transport uses:
// a request for a host other than loopback reaches the guard, which refuses it.
// The host is under .invalid, which never resolves, so nothing could leave
// even without the guard.
func TestProxyGuard_SeesWhatWouldLeaveLoopback(t *testing.T) {
	c, err := New(Config{Endpoint: "https://swr-api.invalid", ProjectID: "p", Credentials: Credentials{Token: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	caught := proxyguard.Caught(t, func() {
		if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err == nil {
			t.Error("a request to swr-api.invalid succeeded")
		}
	})
	if strings.Join(caught, ";") != "CONNECT swr-api.invalid:443" {
		t.Errorf("the guard caught %v, want one CONNECT swr-api.invalid:443", caught)
	}
}
