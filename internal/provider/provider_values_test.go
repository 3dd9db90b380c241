package provider

// Values users really write in the provider block and the environment (issue 20):
// empty strings, region names, the versioned IAM URL, credentials from two
// variable families, values read with file().

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

// strings of a configuration, by argument name.
func hcl(values map[string]string) map[string]attr.Value {
	out := map[string]attr.Value{}
	for k, v := range values {
		out[k] = types.StringValue(v)
	}
	return out
}

// oneDiagnostic is the only diagnostic of diags, failing t when there are others.
func oneDiagnostic(t *testing.T, diags diag.Diagnostics) diag.Diagnostic {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %d: %v", len(diags), diags)
	}
	return diags[0]
}

// wantDiagnostic fails t unless d is an error on attribute attr with summary
// and a detail holding every one of parts.
func wantDiagnostic(t *testing.T, d diag.Diagnostic, attr, summary string, parts ...string) {
	t.Helper()
	withPath, _ := d.(diag.DiagnosticWithPath)
	switch {
	case d.Severity() != diag.SeverityError || d.Summary() != summary:
		t.Errorf("got %s %q: %s; want the error %q", d.Severity(), d.Summary(), d.Detail(), summary)
	case attr == "" && withPath != nil, attr != "" && (withPath == nil || !withPath.Path().Equal(path.Root(attr))):
		t.Errorf("%q is on %v, want %q", d.Summary(), withPath, attr)
	}
	for _, p := range parts {
		if !strings.Contains(d.Detail(), p) {
			t.Errorf("%q: detail %q lacks %q", d.Summary(), d.Detail(), p)
		}
	}
}

// "" in the provider block is the same as leaving the argument out, for every
// string argument: the environment variable applies, else the default.
func TestProviderSettings_EmptyStringIsUnset(t *testing.T) {
	empty, environment := map[string]string{}, map[string]string{}
	for _, a := range providerArguments {
		if _, ok := a.field(&settings{}).(*string); ok {
			empty[a.name] = ""
			environment[a.env[0]] = "from-" + a.env[0]
		}
	}
	s := settingsFrom(hcl(empty), env(environment))
	for _, a := range providerArguments {
		if p, ok := a.field(&s).(*string); ok && (*p != "from-"+a.env[0] || s.source[a.name] != a.env[0]) {
			t.Errorf("%s = \"\": %q from %q, want %s", a.name, *p, s.source[a.name], a.env[0])
		}
	}
	s = settingsFrom(hcl(map[string]string{"request_timeout": "", "endpoint": ""}), env(nil))
	if s.Endpoint != "" || s.RequestTimeout.String() != "1m0s" || len(s.source) != 0 {
		t.Errorf("empty with no environment: endpoint %q, timeout %s, sources %v", s.Endpoint, s.RequestTimeout, s.source)
	}
	// So auth_token = "" beside HW_AUTH_TOKEN is the token of the environment, not "no credentials".
	if diags := configureDiags(settingsFrom(hcl(map[string]string{"auth_token": "", "region": "cn-north-4", "project_id": "p"}),
		env(map[string]string{"HW_AUTH_TOKEN": testToken}))); len(diags) != 0 {
		t.Errorf("auth_token = \"\" with HW_AUTH_TOKEN set: %v", diags)
	}
}

// A region is a region name; anything else is an error on region, naming where
// it came from, before an endpoint is built from it.
func TestProviderSettings_RegionIsARegionName(t *testing.T) {
	for _, region := range []string{"attacker.example/", "attacker.example:8443/x", "CN-North-4"} {
		d := oneDiagnostic(t, configureDiags(settingsFrom(hcl(map[string]string{"region": region, "auth_token": testToken}), env(nil))))
		wantDiagnostic(t, d, "region", "Invalid region", fmt.Sprintf("region %q is not a region name: lower-case letters, digits and hyphens, such as cn-north-4.", region),
			"region from the provider block.")
	}
	d := oneDiagnostic(t, configureDiags(settingsFrom(nil, env(map[string]string{"HW_REGION_NAME": "attacker.example/", "HW_AUTH_TOKEN": testToken}))))
	wantDiagnostic(t, d, "region", "Invalid region", "region from HW_REGION_NAME.", "Fix or unset HW_REGION_NAME")
	// A trailing line break, as file() leaves it, is reported on region with chomp().
	d = oneDiagnostic(t, configureDiags(settingsFrom(hcl(map[string]string{"region": "cn-north-4\n", "auth_token": testToken}), env(nil))))
	wantDiagnostic(t, d, "region", "Invalid region", "ends with a line break", "chomp(")
}

// Values that cannot be HTTP header values are refused at configure time, on the
// argument (or naming the variable), with chomp() for a trailing line break.
func TestProviderSettings_ValuesThatCannotBeHeaders(t *testing.T) {
	base := map[string]string{"region": "cn-north-4", "project_id": "p"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for bk, bv := range base {
			m[bk] = bv
		}
		return m
	}
	d := oneDiagnostic(t, configureDiags(settingsFrom(hcl(with("auth_token", testToken+"\n")), env(nil))))
	wantDiagnostic(t, d, "auth_token", "Invalid auth_token", "auth_token (from the provider block) ends with a line break",
		`wrap it in chomp(), e.g. auth_token = chomp(file("..."))`)
	d = oneDiagnostic(t, configureDiags(settingsFrom(hcl(base), env(map[string]string{"HW_AUTH_TOKEN": testToken + "\r\n"}))))
	wantDiagnostic(t, d, "auth_token", "Invalid auth_token", "auth_token (from HW_AUTH_TOKEN) ends with a line break", "Remove the line break from HW_AUTH_TOKEN.")
	d = oneDiagnostic(t, configureDiags(settingsFrom(hcl(with("auth_token", "tok\x01en")), env(nil))))
	wantDiagnostic(t, d, "auth_token", "Invalid auth_token", `auth_token holds a control character ('\x01' at byte 3), which an HTTP header cannot carry.`,
		"auth_token from the provider block.")
}

// An access key pair comes from one place; errors say where each value came
// from and which variable to set.
func TestProviderSettings_AccessKeysFromOneFamily(t *testing.T) {
	region := map[string]string{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"}
	withRegion := func(m map[string]string) map[string]string {
		for k, v := range region {
			m[k] = v
		}
		return m
	}
	// The SDK's family alone is used whole.
	s := settingsFrom(nil, env(withRegion(map[string]string{"CLOUD_SDK_AK": testAccessKey, "CLOUD_SDK_SK": testSecretKey})))
	if s.Credentials.AccessKey != testAccessKey || s.Credentials.SecretKey != testSecretKey || len(configureDiags(s)) != 0 {
		t.Errorf("CLOUD_SDK_AK/SK: %+v", s.Credentials)
	}
	// HW_ACCESS_KEY of one pair beside CLOUD_SDK_AK/SK of another is never combined.
	s = settingsFrom(nil, env(withRegion(map[string]string{"HW_ACCESS_KEY": "AK-other", "CLOUD_SDK_AK": testAccessKey, "CLOUD_SDK_SK": testSecretKey})))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "secret_key", "Missing secret_key", "access_key is set but secret_key is not.",
		"access_key from HW_ACCESS_KEY.", "Set secret_key in the provider block or HW_SECRET_KEY.",
		"CLOUD_SDK_AK and CLOUD_SDK_SK are set too, but the values of an access key pair are never taken from two places.")
	// The provider block is a place of its own: access_key there takes no secret key from the environment.
	s = settingsFrom(hcl(map[string]string{"access_key": testAccessKey}), env(withRegion(map[string]string{"HW_SECRET_KEY": testSecretKey})))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "secret_key", "Missing secret_key", "access_key from the provider block.",
		"Set secret_key in the provider block, beside access_key.", "HW_SECRET_KEY is set too")
	// access_key = "" is unset: the environment's pair applies, and a missing part names its variable, which is unset.
	s = settingsFrom(hcl(map[string]string{"access_key": ""}), env(withRegion(map[string]string{"HW_ACCESS_KEY": testAccessKey})))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "secret_key", "Missing secret_key", "access_key from HW_ACCESS_KEY.", "or HW_SECRET_KEY.")
	// A stale HW_SECURITY_TOKEN beside HW_AUTH_TOKEN is not "a token and an access key pair".
	s = settingsFrom(nil, env(withRegion(map[string]string{"HW_AUTH_TOKEN": testToken, "HW_SECURITY_TOKEN": testSecurityToken})))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "security_token", "Invalid security_token",
		"security_token is set without access_key and secret_key: a security token only goes with the temporary access key pair it belongs to.",
		"security_token from HW_SECURITY_TOKEN.", "Fix or unset HW_SECURITY_TOKEN.")
	// Two ways, each named with where it came from.
	s = settingsFrom(hcl(map[string]string{"auth_token": testToken}), env(withRegion(map[string]string{"HW_ACCESS_KEY": testAccessKey, "HW_SECRET_KEY": testSecretKey})))
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(s)), "", "More than one way to authenticate",
		"auth_token from the provider block, access_key from HW_ACCESS_KEY and secret_key from HW_SECRET_KEY.")
	// None: every way with its variables, from the table.
	wantDiagnostic(t, oneDiagnostic(t, configureDiags(settingsFrom(nil, env(region)))), "", "No SWR credentials",
		"auth_token (HW_AUTH_TOKEN); access_key and secret_key (HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and CLOUD_SDK_SK, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), and security_token if the keys are temporary; "+
			"or user_name, password and domain_name (HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME).")
}

// The acceptance tests of these values: the CLI shows the same diagnostics, and
// nothing is sent anywhere but the fake (the proxy guard records no other host).

// `endpoint = ""`, `iam_endpoint = ""` and `auth_token = ""` (a module's
// defaults) leave SWR_ENDPOINT, HW_AUTH_URL and HW_AUTH_TOKEN in force: every
// request goes to the fake, none towards the public endpoint.
func TestAccProvider_EmptyStringsLeaveTheEnvironmentInForce(t *testing.T) {
	clearProviderEnv(t)
	proxyguard.NoneLeft(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1)
	fake.SetTasks(testExecution, tasks)
	t.Setenv("SWR_ENDPOINT", url)
	t.Setenv("HW_AUTH_URL", url+"/v3")
	t.Setenv("HW_AUTH_TOKEN", testToken)
	config := testConfig{}.block(`provider "swr"`, `endpoint = ""`, `iam_endpoint = ""`, `auth_token = ""`, `project_id = ""`,
		fmt.Sprintf("region = %q", fakeapi.DefaultRegion)).tasks(testExecution).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks))},
		}},
	})
	if n, bad := fake.CountRequests("/v3/projects"), fake.CountRequests("/v3/v3"); n == 0 || bad != 0 {
		t.Errorf("%d project lookups at HW_AUTH_URL's /v3 form, %d to /v3/v3; want some and none", n, bad)
	}
}

// Values the provider refuses at configure time, as the CLI shows them; nothing
// is sent.
func TestAccProvider_RefusedValues(t *testing.T) {
	clearProviderEnv(t)
	proxyguard.NoneLeft(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
	token := fmt.Sprintf("auth_token = %q", testToken)
	cases := []struct {
		name   string
		env    map[string]string
		config testConfig
		expect *regexp.Regexp
	}{
		{"region with a path", nil, testConfig{}.block(`provider "swr"`, `region = "attacker.example/"`, token),
			diagPattern("Invalid region", `region "attacker.example/" is not a region name`, "lower-case letters, digits and hyphens")},
		{"region with a port", nil, testConfig{}.block(`provider "swr"`, `region = "attacker.example:8443/x"`, token),
			diagPattern("Invalid region", `region "attacker.example:8443/x" is not a region name`)},
		{"region read with file()", nil, testConfig{}.block(`provider "swr"`, `region = "cn-north-4\n"`, token),
			diagPattern("Invalid region", "ends with a line break", "chomp(")},
		{"token read with file()", nil, providerConfig(url, authNone, fmt.Sprintf("auth_token = %q", testToken+"\n")),
			diagPattern("Invalid auth_token", "auth_token (from the provider block) ends with a line break", "chomp(")},
		{"token with a control character", nil, providerConfig(url, authNone, `auth_token = "tok\u0001en"`),
			diagPattern("Invalid auth_token", "control character", "HTTP header")},
		{"access keys of two families", map[string]string{"HW_ACCESS_KEY": "AK-other", "CLOUD_SDK_AK": testAccessKey, "CLOUD_SDK_SK": testSecretKey},
			providerConfig(url, authNone),
			diagPattern("Missing secret_key", "access_key from HW_ACCESS_KEY", "HW_SECRET_KEY", "CLOUD_SDK_AK and CLOUD_SDK_SK are set too")},
		{"stale security token beside a token", map[string]string{"HW_AUTH_TOKEN": testToken, "HW_SECURITY_TOKEN": testSecurityToken},
			providerConfig(url, authNone),
			diagPattern("Invalid security_token", "without access_key and secret_key", "security_token from HW_SECURITY_TOKEN")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config.tasks(testExecution).String(), ExpectError: tc.expect}},
			})
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("refused configurations sent %d requests; want none", n)
	}
}
