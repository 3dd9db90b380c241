package provider

import (
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// API faults the client rides out with retries end in the right result.
func TestAccProvider_RidesOutTransientFaults(t *testing.T) {
	clearProviderEnv(t)
	faults := map[string]fakeapi.Fault{
		"429 Retry-After seconds": {Path: "/tasks", Status: 429, Header: map[string]string{"Retry-After": "1"}, Times: 1},
		"429 Retry-After date":    {Path: "/tasks", Status: 429, Header: map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, Times: 2},
		"502 HTML gateway page":   {Path: "/tasks", Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>", Header: map[string]string{"Content-Type": "text/html"}, Times: 2},
		"503":                     {Path: "/tasks", Status: 503, Times: 1},
		"connection reset":        {Path: "/tasks", ResetConnection: true, Times: 2},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			fake, url := startFake(t)
			tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 120, 2)
			fake.SetTasks(testExecution, tasks)
			fake.AddFault(fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(url, authToken).tasks(testExecution).String(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
					},
				}},
			})
		})
	}
}

// Faults that do not go away end in a diagnostic that says what happened.
func TestAccProvider_PersistentFaultDiagnostics(t *testing.T) {
	clearProviderEnv(t)
	cases := []struct {
		name   string
		fault  fakeapi.Fault
		extra  string
		expect *regexp.Regexp
	}{
		{"throttled", fakeapi.Fault{Path: "/tasks", Status: 429}, "",
			diagPattern("SWR API throttled the requests", "APIG.0308", "after 2 attempts")},
		{"server never answers", fakeapi.Fault{Path: "/tasks", Hang: true}, "timeouts {\n  read = \"2s\"\n}",
			diagPattern("Timed out reading retention execution tasks", "read timeout", "timeouts")},
		{"html page with 200", fakeapi.Fault{Path: "/tasks", Status: 200, Body: "<html>maintenance</html>", Header: map[string]string{"Content-Type": "text/html"}}, "",
			diagPattern("Unreadable response from the SWR API", "text/html", "maintenance")},
		{"truncated json", fakeapi.Fault{Path: "/tasks", Status: 200, Body: `{"total":3,"tasks":[{"id":1,`}, "",
			diagPattern("Unreadable response", "invalid JSON")},
		{"total outside int32", fakeapi.Fault{Path: "/tasks", Status: 200, Body: `{"total":4294967296,"tasks":[]}`}, "",
			diagPattern("Unreadable response", `"total" is not a 32-bit integer`)},
		{"total larger than the pages", fakeapi.Fault{Path: "/tasks", Status: 200, Body: `{"total":5,"tasks":[]}`}, "",
			diagPattern("Inconsistent listing of retention execution tasks", "3 attempts", "total of 5 but listed 0")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1))
			fake.AddFault(tc.fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(url, authToken, "max_retries = 1").tasks(testExecution, tc.extra).String(),
					ExpectError: tc.expect,
				}},
			})
		})
	}
}

// A 200 answer with null or missing fields and unknown extra fields is read, nulls
// as zero values and empty times as null.
func TestAccRetentionExecutionTasksDataSource_NullMissingAndExtraFields(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", Status: 200, Body: `{"total":2,"extra":{"x":1},"tasks":[
		{"id":11,"execution_id":113,"repository":null,"job_id":"j","status":"InProgress","status_code":2,"start_time":"2021-02-01T03:53:32Z","end_time":null,"total":3,"retained":1,"new_field":"ignored"},
		{"id":12}]}`})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).tasks(testExecution).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks").AtSliceIndex(0).AtMapKey("repository"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks").AtSliceIndex(0).AtMapKey("end_time"), knownvalue.Null()),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks").AtSliceIndex(0).AtMapKey("start_time"), knownvalue.StringExact("2021-02-01T03:53:32Z")),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks").AtSliceIndex(1).AtMapKey("id"), knownvalue.Int64Exact(12)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks").AtSliceIndex(1).AtMapKey("start_time"), knownvalue.Null()),
			},
		}},
	})
}

// Hostile path values are rejected at validate time, and the ones accepted (unicode,
// dots inside a name) travel as one escaped path segment to the right route.
func TestAccProvider_HostilePathValues(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	for _, bad := range []string{"a/b", "%2F", "a?b", "a#b", "a b", "\tx", "..", "."} {
		key := fakeapi.ExecutionKey{InstanceID: bad, Namespace: "ok", PolicyID: 1, ExecutionID: 1}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      providerConfig(url, authToken).tasks(key).String(),
				ExpectError: regexp.MustCompile(`(?s)instance_id`),
			}},
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("rejected values sent %d requests", n)
	}

	key := fakeapi.ExecutionKey{InstanceID: "ins-ünï", Namespace: "名前.v1..x", PolicyID: 3, ExecutionID: 4}
	tasks := fakeapi.GenerateTasks(4, 2, 1)
	fake.SetTasks(key, tasks)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).tasks(key).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
			},
			Check: func(*terraform.State) error {
				for _, r := range fake.Requests() {
					if !strings.HasPrefix(r.Path, "/v2/") {
						continue
					}
					want := fmt.Sprintf("/instances/%s/namespaces/%s/retention/policies/3/executions/4/tasks", neturl.PathEscape(key.InstanceID), neturl.PathEscape(key.Namespace))
					if !strings.HasSuffix(r.EscapedPath, want) {
						return fmt.Errorf("request went to %s, want …%s", r.EscapedPath, want)
					}
				}
				return nil
			},
		}},
	})
}

// Arguments unknown until apply defer the read, as Terraform expects: no error,
// the plan shows the read for apply, and no list request goes out at plan time.
func TestAccProvider_UnknownArgumentsDeferTheRead(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 5, 1)
	fake.SetTasks(testExecution, tasks)
	config := providerConfig(url, authToken).
		block(`resource "terraform_data" "ns"`, fmt.Sprintf("input = %q", testExecution.Namespace)).
		data("retention_execution_tasks", "x", fmt.Sprintf("instance_id = %q", testExecution.InstanceID), "namespace_name = terraform_data.ns.output",
			fmt.Sprintf("policy_id = %d", testExecution.PolicyID), fmt.Sprintf("execution_id = %d", testExecution.ExecutionID)).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(tasksAddress, plancheck.ResourceActionRead),
				noRequestsYet{fake: fake, path: "/tasks"},
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
			},
		}},
	})
}

// noRequestsYet is a plan check that the fake has had no request to a path
// containing path so far.
type noRequestsYet struct {
	fake *fakeapi.Server
	path string
}

func (c noRequestsYet) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if n := c.fake.CountRequests(c.path); n > 0 {
		resp.Error = fmt.Errorf("%d requests to …%s by plan time, want none: the read must wait for apply", n, c.path)
	}
}

// TLS is verified by default; insecure = true and ca_cert_file both reach a fake
// with a self-signed certificate.
func TestAccProvider_TLS(t *testing.T) {
	clearProviderEnv(t)
	fake, url := fakeapi.StartTLS(t, fakeConfig())
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 3, 1)
	fake.SetTasks(testExecution, tasks)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, fake.TLSCertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := []statecheck.StateCheck{statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks))}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(url, authToken, "max_retries = 1").tasks(testExecution).String(),
				ExpectError: regexp.MustCompile(`(?s)Cannot reach IAM.*/v3/projects.*certificate`), // the project lookup goes first
			},
			{Config: providerConfig(url, authToken, "insecure = true").tasks(testExecution).String(), ConfigStateChecks: ok},
			{Config: providerConfig(url, authToken, fmt.Sprintf("ca_cert_file = %q", caFile)).tasks(testExecution).String(), ConfigStateChecks: ok},
		},
	})
	t.Setenv("HW_CACERT", caFile)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: providerConfig(url, authToken).tasks(testExecution).String(), ConfigStateChecks: ok}},
	})
}

// With TF_LOG=trace, no secret of any auth method appears in the log, in a
// diagnostic, or in state, even when the server echoes the request's secrets in
// its request id and error message (which the log and the diagnostic quote): the
// test checks that they arrived, masked.
func TestAccProvider_SecretsNeverLeak(t *testing.T) {
	clearProviderEnv(t)
	secrets := []string{testToken, testSecretKey, testSecurityToken, testPassword}
	for _, auth := range []authMethod{authToken, authAKSKTemporary, authPassword} {
		t.Run(string(auth), func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "trace.log")
			t.Setenv("TF_LOG", "TRACE")
			t.Setenv("TF_ACC_LOG_PATH", logFile)
			fake, url := startFake(t)
			fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, 150, 1))
			// The second read fails with a 500 on both attempts (max_retries = 1), so
			// diagnostics and retries are covered too. (A 403 would not be retried.)
			denied := testExecution
			denied.ExecutionID = 115
			fake.SetTasks(denied, nil)
			findSecret := func(text string) string {
				for _, secret := range secrets {
					if i := strings.Index(text, secret); i >= 0 {
						lo, hi := max(0, i-200), min(len(text), i+50)
						return fmt.Sprintf("secret %q… found: …%s…", secret[:4], strings.ReplaceAll(text[lo:hi], secret, "<SECRET>"))
					}
				}
				return ""
			}
			noLeakInState := func(s *terraform.State) error {
				for _, m := range s.Modules {
					for addr, r := range m.Resources {
						for k, v := range r.Primary.Attributes {
							if found := findSecret(v); found != "" {
								return fmt.Errorf("state %s.%s: %s", addr, k, found)
							}
						}
					}
				}
				return nil
			}
			// Credentials come from the environment: the test harness itself writes the
			// configuration files into the log, which is not the provider's doing.
			var echoed []string // this method's secrets, which the failing read echoes
			for name, value := range authEnv[auth] {
				t.Setenv(name, value)
				if slices.Contains(secrets, value) {
					echoed = append(echoed, value)
				}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: providerConfig(url, authNone).tasks(testExecution).String(), Check: noLeakInState},
				},
			})
			echo := strings.Join(echoed, "-")
			fake.AddFault(fakeapi.Fault{Path: "/executions/115/", Status: 500, Header: map[string]string{"X-Request-Id": "req-" + echo},
				Body: `{"error_code":"SWR.0500","error_msg":"cannot use ` + echo + `"}`})
			var diagnostics string
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProtoV6ProviderFactories,
				// The failing step's error is every diagnostic of the run: kept to be searched.
				ErrorCheck: func(err error) error { diagnostics = err.Error(); return nil },
				Steps: []resource.TestStep{
					{Config: providerConfig(url, authNone, "max_retries = 1").tasks(denied).String()},
				},
			})
			masked := strings.Repeat("***-", len(echoed)-1) + "***"
			if !strings.Contains(diagnostics, "SWR service error") || !strings.Contains(diagnostics, "Request id (for support): req-"+masked) ||
				!strings.Contains(diagnostics, "cannot use "+masked) {
				t.Fatalf("the failed read's diagnostics do not quote the masked request id and message:\n%s", diagnostics)
			}
			if found := findSecret(diagnostics); found != "" {
				t.Errorf("in a diagnostic: %s", found)
			}
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "SWR API request") || !strings.Contains(string(data), "req-"+masked) {
				t.Fatalf("the trace log (%d bytes) holds no API request entry with the masked request id: is the provider logging?", len(data))
			}
			if found := findSecret(string(data)); found != "" {
				t.Errorf("in the trace log: %s", found)
			}
		})
	}
}

// A port that refuses connections for a moment after it has answered (a gateway
// restarting between two pages) is waited for: the read retries the refused
// pages and returns every task exactly once. A port that never answered still
// fails at once (TestAccProvider_ConnectionRefused).
func TestAccProvider_ReadSurvivesARefusalWindowAfterTheEndpointAnswered(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 250, 3)
	fake.SetTasks(testExecution, tasks)
	// The first page is answered, then the port refuses for a second: the
	// default back-off waits at least 15 s over its 5 retries, so the read
	// outlasts the window whatever the jitter.
	fake.AddFault(fakeapi.Fault{Path: "/tasks", RefuseFor: time.Second, Times: 1})
	refused := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: fake.ResetRequests,
			Config:    providerConfig(url, authToken).tasks(testExecution).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
			},
			Check: func(*terraform.State) error {
				refused = fake.CountRequests("/tasks") >= 3
				return nil
			},
		}},
	})
	if !refused {
		t.Errorf("the fake answered %d page requests, want the 3 pages", fake.CountRequests("/tasks"))
	}
}
