package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func nullModel() providerModel {
	return providerModel{
		Region: types.StringNull(), Endpoint: types.StringNull(), IAMEndpoint: types.StringNull(), ProjectID: types.StringNull(),
		AuthToken: types.StringNull(), AccessKey: types.StringNull(), SecretKey: types.StringNull(), SecurityToken: types.StringNull(),
		UserName: types.StringNull(), Password: types.StringNull(), DomainName: types.StringNull(), Insecure: types.BoolNull(),
		CACertFile: types.StringNull(), MaxRetries: types.Int64Null(), MaxConcurrentRequests: types.Int64Null(),
	}
}

// A value in the configuration wins over the environment; the environment fills in
// what the configuration leaves out, with the documented fallbacks.
func TestProviderSettings_ConfigurationWinsOverEnvironment(t *testing.T) {
	m := nullModel()
	m.Region = types.StringValue("ap-southeast-1")
	m.AccessKey = types.StringValue("AK-from-hcl")
	m.MaxRetries = types.Int64Value(2)
	s := settingsFrom(m, env(map[string]string{
		"HW_REGION_NAME":              "cn-north-4",
		"HW_ACCESS_KEY":               "AK-from-env",
		"CLOUD_SDK_SK":                "SK-from-sdk-env",
		"HW_PROJECT_ID":               "p-env",
		"HW_MAX_RETRIES":              "9",
		"HW_INSECURE":                 "true",
		"SWR_MAX_CONCURRENT_REQUESTS": "8",
		"OS_CACERT":                   "/etc/ca.pem",
	}))
	if s.region != "ap-southeast-1" || s.credentials.AccessKey != "AK-from-hcl" || s.maxRetries != 2 {
		t.Errorf("configuration did not win: region %q, access key %q, retries %d", s.region, s.credentials.AccessKey, s.maxRetries)
	}
	if s.credentials.SecretKey != "SK-from-sdk-env" || s.projectID != "p-env" || !s.insecure || s.maxConcurrentRequests != 8 || s.caCertFile != "/etc/ca.pem" {
		t.Errorf("environment not used: %+v", s)
	}
	var diags diag.Diagnostics
	s.check(&diags)
	if diags.HasError() {
		t.Errorf("unexpected errors: %v", diags)
	}
}

func TestProviderSettings_Defaults(t *testing.T) {
	s := settingsFrom(nullModel(), env(nil))
	if s.maxRetries != client.DefaultMaxRetries || s.maxConcurrentRequests != client.DefaultMaxConcurrentRequests || s.insecure {
		t.Errorf("defaults: retries %d, concurrency %d, insecure %v", s.maxRetries, s.maxConcurrentRequests, s.insecure)
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
			var diags diag.Diagnostics
			settingsFrom(nullModel(), env(tc.env)).check(&diags)
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

// The default endpoints are built from the region, without sending anything.
func TestProvider_DefaultEndpoints(t *testing.T) {
	for region, want := range map[string][2]string{
		"cn-north-4":     {"https://swr-api.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com"},
		"eu-west-101":    {"https://swr-api.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu"},
		"ap-southeast-1": {"https://swr-api.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com"},
	} {
		c, err := client.New(client.Config{Region: region, Credentials: client.Credentials{Token: "t"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Endpoint() != want[0] || c.IAMEndpoint() != want[1] {
			t.Errorf("region %s: endpoints %s, %s; want %s, %s", region, c.Endpoint(), c.IAMEndpoint(), want[0], want[1])
		}
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
	}{
		{"no credentials", providerConfig(url, authNone), regexp.MustCompile(`No SWR credentials`)},
		{"two methods", providerConfig(url, authToken, fmt.Sprintf("access_key = %q", testAccessKey), fmt.Sprintf("secret_key = %q", testSecretKey)), regexp.MustCompile(`More than one way to authenticate`)},
		{"half pair", providerConfig(url, authNone, fmt.Sprintf("access_key = %q", testAccessKey)), regexp.MustCompile(`Missing secret_key`)},
		{"endpoint not a URL", testConfig{}.block(`provider "swr"`, `endpoint = "not a url"`, fmt.Sprintf("iam_endpoint = %q", url),
			`region = "cn-north-4"`, fmt.Sprintf("auth_token = %q", testToken)), regexp.MustCompile(`(?s)Invalid endpoint.*must start with https://`)},
		{"no region and no endpoint", testConfig{}.block(`provider "swr"`, fmt.Sprintf("auth_token = %q", testToken)), regexp.MustCompile(`(?s)Missing region.*endpoint`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
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
