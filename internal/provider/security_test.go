package provider

import (
	"fmt"
	neturl "net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Tests of a server that misbehaves on purpose (issue 13): the provider must not
// let it take credentials elsewhere, lock the user out, or hang a plan.

// expectRequests is a check that the fake received exactly want requests whose
// path contains path so far.
func expectRequests(fake *fakeapi.Server, path string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := fake.CountRequests(path); n != want {
			return fmt.Errorf("%d requests to %q, want %d", n, path, want)
		}
		return nil
	}
}

// A redirect to another listener ends in a diagnostic naming the status and the
// Location host, and the other listener receives nothing: no token, no signature,
// no password.
func TestAccProvider_RedirectToAnotherHostRefused(t *testing.T) {
	clearProviderEnv(t)
	for _, tc := range []struct {
		name, path string
		auth       authMethod
	}{
		{"API redirect with a token", "/tasks", authToken},
		{"API redirect with AK/SK", "/tasks", authAKSKTemporary},
		{"IAM login redirect", "/v3/auth/tokens", authPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
			foreign, foreignURL := startFake(t)
			u, _ := neturl.Parse(foreignURL)
			fake.AddFault(fakeapi.Fault{Path: tc.path, RedirectTo: foreignURL})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(url, tc.auth).tasks(testExecution).String(),
					ExpectError: diagPattern("The API redirected to another host", "HTTP 307", u.Host, "does not follow"),
				}},
			})
			if n := foreign.CountRequests(""); n != 0 {
				t.Errorf("the other listener received %d requests, want 0", n)
			}
		})
	}
}

// hcl of n tasks data sources of the same execution.
func manyTasksDataSources(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "\ndata \"swr_retention_execution_tasks\" \"x%d\" {\n  instance_id    = %q\n  namespace_name = %q\n  policy_id      = %d\n  execution_id   = %d\n}\n",
			i, testExecution.InstanceID, testExecution.Namespace, testExecution.PolicyID, testExecution.ExecutionID)
	}
	return b.String()
}

// A wrong password with 10 data sources is one failed login, not 10: IAM lock-out
// policies count failed logins.
func TestAccProvider_WrongPasswordTriedOnce(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
	provider := providerConfig(url, authNone, fmt.Sprintf("  user_name = %q", testUser), `  password = "not-the-password"`,
		fmt.Sprintf("  domain_name = %q", testDomain)).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider + manyTasksDataSources(10),
			ExpectError: diagPattern("IAM authentication failed", "401"),
		}},
	})
	if n := fake.CountRequests("/v3/auth/tokens"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
	if n := fake.CountRequests("/tasks"); n != 0 {
		t.Errorf("%d page requests without a token, want 0", n)
	}
}

// A token that expires while 4 page requests are in flight costs one new token:
// 2 token requests for the read.
func TestAccProvider_TokenExpiryUnderConcurrency(t *testing.T) {
	clearProviderEnv(t)
	cfg := fakeConfig()
	// The first token serves the project-id lookup and the first page, then expires.
	cfg.RequirePassword, cfg.RotateTokensAfter = true, 2
	fake, url := fakeapi.Start(t, cfg)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 500, 4)
	fake.SetTasks(testExecution, tasks)
	// Latency comes before authentication in the fake: pages 2 to 5 are all in
	// flight with the first token when it has expired.
	fake.SetLatency(30 * time.Millisecond)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authPassword, "  max_concurrent_requests = 4").tasks(testExecution).
				block(`output "task_count"`, "value = length("+tasksAddress+".tasks)").String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("task_count", knownvalue.Int64Exact(int64(len(tasks)))),
			},
			Check: resource.ComposeTestCheckFunc(
				expectRequests(fake, "/v3/auth/tokens", 2),
				// 5 pages, and each of the 4 that met the expired token once more.
				expectRequests(fake, "/tasks", 9),
			),
		}},
	})
}

// A request that hangs costs one attempt of request_timeout, then is retried.
func TestAccProvider_HungRequestRetried(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1)
	fake.SetTasks(testExecution, tasks)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken, `  request_timeout = "1s"`).tasks(testExecution).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
			},
			Check: expectRequests(fake, "/tasks", 2),
		}},
	})
}

// When every attempt hangs, the diagnostic names request_timeout, not the read timeout.
func TestAccProvider_EveryAttemptHangs(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Hang: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(url, authToken, `  request_timeout = "1s"`, "  max_retries = 1").tasks(testExecution).String(),
			ExpectError: diagPattern("The SWR API did not answer in time", "after 2 attempts", "request_timeout (1s)"),
		}},
	})
}

// A bad request_timeout, in the configuration or the environment, is an error on
// the argument with an example.
func TestAccProvider_InvalidRequestTimeout(t *testing.T) {
	clearProviderEnv(t)
	_, url := startFake(t)
	steps := []resource.TestStep{}
	for _, bad := range []string{"soon", "0s", "-5m", "2h"} {
		steps = append(steps, resource.TestStep{
			Config:      providerConfig(url, authToken, fmt.Sprintf("  request_timeout = %q", bad)).tasks(testExecution).String(),
			ExpectError: diagPattern("Invalid request_timeout", fmt.Sprintf("request_timeout = %q", bad), `such as "60s"`),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProtoV6ProviderFactories, Steps: steps})

	t.Setenv("SWR_REQUEST_TIMEOUT", "forever")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(url, authToken).tasks(testExecution).String(),
			ExpectError: diagPattern("Invalid environment variable", `SWR_REQUEST_TIMEOUT="forever"`, `such as "60s"`),
		}},
	})
}

// Request ids holding terminal escapes and bidi overrides reach the diagnostic
// sanitised.
func TestAccProvider_HostileRequestIDSanitised(t *testing.T) {
	clearProviderEnv(t)
	cfg := fakeConfig()
	cfg.JunkRequestIDs = true
	fake, url := fakeapi.Start(t, cfg)
	fake.SetTasks(testExecution, nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 400})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(url, authToken).tasks(testExecution).String(),
			ExpectError: regexp.MustCompile(`Request id \(for support\): \?31m\?\?\?[0-9a-f]{32}`),
		}},
	})
}

// request_timeout: the configuration wins, SWR_REQUEST_TIMEOUT fills in, 60s by
// default, and a bad environment value is an error naming the variable.
func TestProviderSettings_RequestTimeout(t *testing.T) {
	if s := settingsFrom(nil, env(nil)); s.RequestTimeout != 60*time.Second {
		t.Errorf("default %s, want 60s", s.RequestTimeout)
	}
	if s := settingsFrom(nil, env(map[string]string{"SWR_REQUEST_TIMEOUT": "90s"})); s.RequestTimeout != 90*time.Second {
		t.Errorf("from the environment %s, want 90s", s.RequestTimeout)
	}
	configured := map[string]attr.Value{"request_timeout": types.StringValue("2m")}
	if s := settingsFrom(configured, env(map[string]string{"SWR_REQUEST_TIMEOUT": "90s"})); s.RequestTimeout != 2*time.Minute {
		t.Errorf("configured %s, want 2m", s.RequestTimeout)
	}
	for _, bad := range []string{"0s", "-5m", "2h", "soon"} {
		s := settingsFrom(nil, env(map[string]string{"SWR_REQUEST_TIMEOUT": bad}))
		if s.RequestTimeout != 60*time.Second {
			t.Errorf("SWR_REQUEST_TIMEOUT=%s: %s, want the default kept", bad, s.RequestTimeout)
		}
		var diags diag.Diagnostics
		s.check(&diags)
		if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "SWR_REQUEST_TIMEOUT") ||
			!strings.Contains(diags.Errors()[0].Detail(), "from 1s to 1h") {
			t.Errorf("SWR_REQUEST_TIMEOUT=%s: diagnostics %v, want an error naming the variable and the range", bad, diags)
		}
	}
}
