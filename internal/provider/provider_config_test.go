package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// A value in the configuration wins over the environment; the environment fills in
// what the configuration leaves out, with the documented fallbacks.
func TestProviderSettings_ConfigurationWinsOverEnvironment(t *testing.T) {
	s := settingsFrom(map[string]attr.Value{
		"region":      types.StringValue("ap-southeast-1"),
		"access_key":  types.StringValue("AK-from-hcl"),
		"secret_key":  types.StringValue("SK-from-hcl"),
		"max_retries": types.Int64Value(2),
		"insecure":    types.BoolNull(),
	}, env(map[string]string{
		"HW_REGION_NAME":              "cn-north-4",
		"HW_ACCESS_KEY":               "AK-from-env",
		"CLOUD_SDK_SK":                "SK-from-sdk-env",
		"HW_PROJECT_ID":               "p-env",
		"HW_MAX_RETRIES":              "9",
		"HW_INSECURE":                 "true",
		"SWR_MAX_CONCURRENT_REQUESTS": "8",
		"OS_CACERT":                   "/etc/ca.pem",
	}))
	if s.Region != "ap-southeast-1" || s.Credentials.AccessKey != "AK-from-hcl" || s.Credentials.SecretKey != "SK-from-hcl" || s.MaxRetries != 2 {
		t.Errorf("configuration did not win: region %q, access key %q, retries %d", s.Region, s.Credentials.AccessKey, s.MaxRetries)
	}
	if s.ProjectID != "p-env" || !s.Insecure || s.MaxConcurrentRequests != 8 || s.caCertFile != "/etc/ca.pem" {
		t.Errorf("environment not used: %+v", s)
	}
	if s.source["region"] != fromConfig || s.source["project_id"] != "HW_PROJECT_ID" || s.source["ca_cert_file"] != "OS_CACERT" || s.source["password"] != "" {
		t.Errorf("sources %v", s.source)
	}
	s.caCertFile = "" // no such file here; the CA file has its own tests
	if diags := configureDiags(s); diags.HasError() {
		t.Errorf("unexpected errors: %v", diags)
	}
}

// configureDiags are the diagnostics of configuring the provider with s.
func configureDiags(s settings) diag.Diagnostics {
	var diags diag.Diagnostics
	s.newClient("test", &diags)
	return diags
}

func TestProviderSettings_Defaults(t *testing.T) {
	s := settingsFrom(nil, env(nil))
	if s.MaxRetries != client.DefaultMaxRetries || s.MaxConcurrentRequests != client.DefaultMaxConcurrentRequests || s.Insecure {
		t.Errorf("defaults: retries %d, concurrency %d, insecure %v", s.MaxRetries, s.MaxConcurrentRequests, s.Insecure)
	}
}

func TestProviderSettings_CheckErrors(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		want  string
		isErr bool
	}{
		{"no credentials", map[string]string{"HW_REGION_NAME": "r"}, "No SWR credentials", true},
		{"two methods", map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", "HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"}, "More than one way to authenticate", true},
		{"ak without sk", map[string]string{"HW_REGION_NAME": "r", "HW_ACCESS_KEY": "a"}, "Missing secret_key", true},
		{"sk without ak", map[string]string{"HW_REGION_NAME": "r", "HW_SECRET_KEY": "s"}, "Missing access_key", true},
		{"password without domain", map[string]string{"HW_REGION_NAME": "r", "HW_USER_NAME": "u", "HW_USER_PASSWORD": "p"}, "Missing domain_name", true},
		{"endpoint not a URL", map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", "SWR_ENDPOINT": "swr.example"}, "Invalid endpoint", true},
		{"no region, no endpoint", map[string]string{"HW_AUTH_TOKEN": "t"}, "Missing region", true},
		{"bad retries in env", map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", "HW_MAX_RETRIES": "lots"}, "Invalid environment variable", true},
		{"plain http to remote host", map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", "SWR_ENDPOINT": "http://swr.example.com"}, "Credentials would travel in clear text", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := configureDiags(settingsFrom(nil, env(tc.env)))
			found := false
			for _, d := range diags {
				if d.Summary() == tc.want && (d.Severity() == diag.SeverityError) == tc.isErr {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %q (error=%v), got %v", tc.want, tc.isErr, diags)
			}
		})
	}
}

// An environment value that does not parse, or is out of the argument's range, is
// an error naming the variable and what it must be; the default is used meanwhile.
func TestProviderSettings_InvalidEnvironmentValueNamesTheRange(t *testing.T) {
	cases := []struct {
		variable, value, want string
	}{
		{"SWR_MAX_CONCURRENT_REQUESTS", "0", "a whole number from 1 to 32"},
		{"SWR_MAX_CONCURRENT_REQUESTS", "33", "a whole number from 1 to 32"},
		{"SWR_MAX_CONCURRENT_REQUESTS", "four", "a whole number from 1 to 32"},
		{"HW_MAX_RETRIES", "101", "a whole number from 0 to 100"},
		{"HW_MAX_RETRIES", "-1", "a whole number from 0 to 100"},
		{"HW_INSECURE", "yes", "true or false"},
	}
	for _, tc := range cases {
		t.Run(tc.variable+"="+tc.value, func(t *testing.T) {
			s := settingsFrom(nil, env(map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", tc.variable: tc.value}))
			if s.MaxConcurrentRequests != client.DefaultMaxConcurrentRequests || s.MaxRetries != client.DefaultMaxRetries || s.Insecure {
				t.Errorf("an invalid value changed the settings: %+v", s)
			}
			var diags diag.Diagnostics
			s.check(&diags)
			if len(diags) != 1 || !diags.HasError() {
				t.Fatalf("want one error, got %v", diags)
			}
			wantDetail := fmt.Sprintf("%s=%q is not %s.", tc.variable, tc.value, tc.want)
			if d := diags[0]; d.Summary() != "Invalid environment variable" || !strings.HasPrefix(d.Detail(), wantDetail) {
				t.Errorf("got %q: %q; want the detail to start with %q", d.Summary(), d.Detail(), wantDetail)
			}
		})
	}
	// The values at both ends of a range are valid.
	s := settingsFrom(nil, env(map[string]string{"SWR_MAX_CONCURRENT_REQUESTS": "32", "HW_MAX_RETRIES": "0"}))
	if s.MaxConcurrentRequests != 32 || s.MaxRetries != 0 || len(s.envErrors) != 0 {
		t.Errorf("range ends: concurrency %d, retries %d, errors %v", s.MaxConcurrentRequests, s.MaxRetries, s.envErrors)
	}
}

// The table of arguments is whole: unique names and variables, a variable for
// every argument, defaults that parse and lie in range, and the schema holds
// exactly its arguments, sensitive where the table says.
func TestProviderArguments_Consistent(t *testing.T) {
	names, vars := map[string]bool{}, map[string]string{}
	for _, a := range providerArguments {
		if names[a.name] {
			t.Errorf("argument %s appears twice", a.name)
		}
		names[a.name] = true
		if len(a.env) == 0 || a.description == "" {
			t.Errorf("argument %s needs a description and an environment variable", a.name)
		}
		if f := providerArgumentInFamily(a.family); a.family != "" && len(f.env) != len(a.env) {
			t.Errorf("%s has %d variables, %s of its family %d: a family's places are the indexes of its variables", a.name, len(a.env), f.name, len(f.env))
		}
		for _, v := range a.variables() {
			if other, ok := vars[v]; ok {
				t.Errorf("variable %s belongs to both %s and %s", v, other, a.name)
			}
			vars[v] = a.name
		}
		var s settings
		if a.def != "" {
			if err := a.set(&s, a.def); err != nil {
				t.Errorf("default %q of %s: %v", a.def, a.name, err)
			}
		}
		if err := a.set(&s, ""); err == nil && a.want() != "a string" {
			t.Errorf("%s accepts an empty value", a.name)
		}
	}
	attrs := providerSchemaAttributes()
	if len(attrs) != len(providerArguments) {
		t.Errorf("schema has %d attributes, the table %d arguments", len(attrs), len(providerArguments))
	}
	for _, a := range providerArguments {
		at, ok := attrs[a.name]
		if !ok {
			t.Errorf("schema lacks %s", a.name)
			continue
		}
		if at.IsSensitive() != a.sensitive || !at.IsOptional() {
			t.Errorf("%s: sensitive %v optional %v in the schema", a.name, at.IsSensitive(), at.IsOptional())
		}
		for _, v := range a.env {
			if !strings.Contains(at.GetMarkdownDescription(), "`"+v+"`") {
				t.Errorf("the description of %s does not name %s", a.name, v)
			}
		}
	}
	// Secrets are masked in logs by value; every sensitive argument must be one
	// of the credentials' secrets.
	secrets := map[string]bool{}
	var s settings
	for _, a := range providerArguments {
		if a.sensitive {
			if err := a.set(&s, "secret-of-"+a.name); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, v := range s.Credentials.Secrets() {
		secrets[v] = true
	}
	for _, a := range providerArguments {
		if a.sensitive && !secrets["secret-of-"+a.name] {
			t.Errorf("sensitive %s is not among the secrets the logs mask", a.name)
		}
	}
}

// A duration argument (request_timeout is one) is a row like any other: a string
// attribute with the row's duration validator, parsed from configuration or environment.
func TestProviderArguments_DurationKind(t *testing.T) {
	var got time.Duration
	a := providerArgument{name: "some_timeout", env: []string{"SWR_SOME_TIMEOUT"}, def: "60s", description: "A timeout.",
		field: func(*settings) any { return &got }}
	at, ok := a.schemaAttribute().(schema.StringAttribute)
	if !ok || len(at.Validators) != 1 {
		t.Fatalf("schema attribute %#v; want a string with the row's duration validator", a.schemaAttribute())
	}
	if !strings.Contains(at.MarkdownDescription, "Default: `60s`.") || !strings.Contains(at.MarkdownDescription, "Environment: `SWR_SOME_TIMEOUT`.") {
		t.Errorf("description %q", at.MarkdownDescription)
	}
	var s settings
	text, ok := configText(types.StringValue("2m30s"))
	if !ok || a.set(&s, text) != nil || got != 150*time.Second {
		t.Errorf("configuration value: %q %v -> %s", text, ok, got)
	}
	if err := a.set(&s, "soon"); err == nil {
		t.Error("accepted soon")
	}
	if a.want() != `a duration such as "60s" or "2m30s"` {
		t.Errorf("want %q", a.want())
	}
}

// Provider configuration problems stop the plan with a diagnostic, before any request.
func TestAccProvider_ConfigurationErrors(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
	cases := []struct {
		name     string
		provider testConfig
		expect   *regexp.Regexp
		env      map[string]string
	}{
		{"no credentials", providerConfig(url, authNone), regexp.MustCompile(`No SWR credentials`), nil},
		{"two methods", providerConfig(url, authToken, fmt.Sprintf("access_key = %q", testAccessKey), fmt.Sprintf("secret_key = %q", testSecretKey)), regexp.MustCompile(`More than one way to authenticate`), nil},
		{"half pair", providerConfig(url, authNone, fmt.Sprintf("access_key = %q", testAccessKey)), regexp.MustCompile(`Missing secret_key`), nil},
		{"endpoint not a URL", testConfig{}.block(`provider "swr"`, `endpoint = "not a url"`, fmt.Sprintf("iam_endpoint = %q", url),
			`region = "cn-north-4"`, fmt.Sprintf("auth_token = %q", testToken)), regexp.MustCompile(`(?s)Invalid endpoint.*must start with https://`), nil},
		{"no region and no endpoint", testConfig{}.block(`provider "swr"`, fmt.Sprintf("auth_token = %q", testToken)), regexp.MustCompile(`(?s)Missing region.*endpoint`), nil},
		// The default endpoints would be the public site's: the proxy guard would
		// refuse them, and records that nothing tried.
		{"HW_CLOUD names another cloud", testConfig{}.block(`provider "swr"`, `region = "cn-north-4"`, fmt.Sprintf("auth_token = %q", testToken)),
			regexp.MustCompile(`(?s)Default endpoint is not on the cloud HW_CLOUD names.*Default iam_endpoint is not on the cloud HW_CLOUD names`),
			map[string]string{"HW_CLOUD": "cloud.example.test"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxyguard.NoneLeft(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.provider.tasks(testExecution).String(), ExpectError: tc.expect}},
			})
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("bad provider configurations sent %d requests; want none", n)
	}
}

// Credentials and settings come from the environment variables users already have;
// the project id is looked up through IAM when none is given.
func TestAccProvider_EnvironmentAndProjectLookup(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 12, 5)
	fake.SetTasks(testExecution, tasks)
	t.Setenv("HW_REGION_NAME", fakeapi.DefaultRegion)
	t.Setenv("CLOUD_SDK_AK", testAccessKey)
	t.Setenv("CLOUD_SDK_SK", testSecretKey)
	t.Setenv("HW_AUTH_URL", url)
	t.Setenv("SWR_ENDPOINT", url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testConfig{}.block(`provider "swr"`).tasks(testExecution).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
			},
		}},
	})
	if n := fake.CountRequests("/v3/projects"); n == 0 {
		t.Fatal("the project id was not looked up through IAM")
	}
}

// A provider argument unknown until apply is an error on that attribute that says
// how to fix it (the HashiCups pattern), not a request with an empty value.
func TestAccProvider_UnknownArgumentIsAnAttributeError(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
	config := providerConfig(url, authNone, "auth_token = terraform_data.token.output").
		block(`resource "terraform_data" "token"`, fmt.Sprintf("input = %q", testToken)).
		tasks(testExecution).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: diagPattern("Unknown SWR provider argument", "auth_token", "environment variable"),
		}},
	})
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("an unknown argument sent %d requests", n)
	}
}
