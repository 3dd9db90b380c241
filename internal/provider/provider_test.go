package provider

// The test helpers every test file of the package shares: the credentials the
// fake accepts, the provider factories, the one builder of HCL configurations,
// and the checks and fixtures used by more than one data source's tests.
//
// Acceptance tests (the ones that run a CLI) are named TestAcc<DataSource>_<Case>,
// or TestAccProvider_<Case> for the provider's own behaviour; no other test starts
// with TestAcc, so -run '^TestAcc' selects exactly the acceptance suite.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Credentials the test fakes accept. They are fake, and distinct enough that a
// test can search logs and state for them.
const (
	testToken         = "tok-3f9a1c7e5b2d4a6c8e0f"
	testAccessKey     = "AKTESTSWR0123456789"
	testSecretKey     = "sk-9b8a7c6d5e4f3a2b1c0d"
	testSecurityToken = "sectok-1a2b3c4d5e6f7a8b"
	testUser          = "platform-bot"
	testPassword      = "pw-Zq8!xR2#vL5@"
	testDomain        = "acme"
)

// testProtoV6ProviderFactories serve the provider in-process to the CLI under test.
var testProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"swr": providerserver.NewProtocol6WithError(New("test")()),
}

// startFake starts the fake API on loopback with every test credential accepted.
func startFake(t *testing.T) (*fakeapi.Server, string) {
	t.Helper()
	return fakeapi.Start(t, fakeConfig())
}

func fakeConfig() fakeapi.Config {
	return fakeapi.Config{
		Tokens:     []string{testToken},
		AccessKeys: map[string]string{testAccessKey: testSecretKey},
		Users:      []fakeapi.User{{Name: testUser, Password: testPassword, Domain: testDomain}},
	}
}

// clearProviderEnv unsets every environment variable the provider reads, so the
// developer's own settings cannot change a test.
func clearProviderEnv(t *testing.T) {
	t.Helper()
	names := []string{}
	for _, a := range providerArguments {
		names = append(names, a.env...)
	}
	for _, v := range ecosystemVariables {
		names = append(names, v.name)
	}
	for _, name := range names {
		if _, ok := os.LookupEnv(name); ok {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// authMethod is a way the provider block authenticates in a test configuration.
type authMethod string

const (
	authToken         authMethod = "token"
	authAKSK          authMethod = "aksk"
	authAKSKTemporary authMethod = "aksk-temporary"
	authPassword      authMethod = "password"
	authNone          authMethod = "none"
)

// authArgs are the provider arguments of each way to authenticate.
var authArgs = map[authMethod][]string{
	authToken:         {fmt.Sprintf("auth_token = %q", testToken)},
	authAKSK:          {fmt.Sprintf("access_key = %q", testAccessKey), fmt.Sprintf("secret_key = %q", testSecretKey)},
	authAKSKTemporary: {fmt.Sprintf("access_key = %q", testAccessKey), fmt.Sprintf("secret_key = %q", testSecretKey), fmt.Sprintf("security_token = %q", testSecurityToken)},
	authPassword:      {fmt.Sprintf("user_name = %q", testUser), fmt.Sprintf("password = %q", testPassword), fmt.Sprintf("domain_name = %q", testDomain)},
}

// authEnv gives each way to authenticate through environment variables.
var authEnv = map[authMethod]map[string]string{
	authToken:         {"HW_AUTH_TOKEN": testToken},
	authAKSKTemporary: {"HW_ACCESS_KEY": testAccessKey, "HW_SECRET_KEY": testSecretKey, "HW_SECURITY_TOKEN": testSecurityToken},
	authPassword:      {"HW_USER_NAME": testUser, "HW_USER_PASSWORD": testPassword, "HW_DOMAIN_NAME": testDomain},
}

// testConfig is the one builder of test configurations: HCL blocks, in order.
// Each method returns a new configuration, so a common start can be extended
// in several ways. Start with providerConfig, or with testConfig{} for a
// provider block written out by hand.
type testConfig struct{ blocks []string }

// providerConfig starts a configuration whose provider block is aimed at the fake
// at url, authenticating by auth, with args (e.g. "max_retries = 1") added. Every
// such block sets endpoint and iam_endpoint: tests never send traffic anywhere but
// loopback.
func providerConfig(url string, auth authMethod, args ...string) testConfig {
	lines := []string{fmt.Sprintf("endpoint = %q", url), fmt.Sprintf("iam_endpoint = %q", url), fmt.Sprintf("region = %q", fakeapi.DefaultRegion)}
	lines = append(lines, authArgs[auth]...)
	return testConfig{}.block(`provider "swr"`, append(lines, args...)...)
}

// block adds `header { ... }` with one argument (or nested block) a line; empty
// arguments are left out.
func (c testConfig) block(header string, args ...string) testConfig {
	body := ""
	for _, a := range args {
		if a == "" {
			continue
		}
		body += "  " + strings.ReplaceAll(a, "\n", "\n  ") + "\n"
	}
	return testConfig{blocks: append(slices.Clip(c.blocks), header+" {\n"+body+"}\n")}
}

// data adds a data block of type swr_<kind> named name.
func (c testConfig) data(kind, name string, args ...string) testConfig {
	return c.block(fmt.Sprintf("data \"swr_%s\" %q", kind, name), args...)
}

// tasks adds the swr_retention_execution_tasks data source at tasksAddress over
// the execution key, with extra arguments (e.g. `status = "Failed"`).
func (c testConfig) tasks(key fakeapi.ExecutionKey, extra ...string) testConfig {
	return c.data("retention_execution_tasks", "x", executionArgs(key, extra...)...)
}

// subTasks adds a swr_retention_execution_sub_tasks data source named name over
// the sub-tasks of taskID in testExecution, with extra arguments.
func (c testConfig) subTasks(name string, taskID int64, extra ...string) testConfig {
	return c.data("retention_execution_sub_tasks", name, executionArgs(testExecution, append([]string{fmt.Sprintf("task_id = %d", taskID)}, extra...)...)...)
}

func (c testConfig) String() string { return strings.Join(c.blocks, "\n") }

// policyArgs are the arguments that name a policy, then extra ones.
func policyArgs(instanceID, namespace string, policyID int64, extra ...string) []string {
	return append([]string{fmt.Sprintf("instance_id = %q", instanceID), fmt.Sprintf("namespace_name = %q", namespace),
		fmt.Sprintf("policy_id = %d", policyID)}, extra...)
}

// executionArgs are the arguments that name the execution key, then extra ones.
func executionArgs(key fakeapi.ExecutionKey, extra ...string) []string {
	return policyArgs(key.InstanceID, key.Namespace, key.PolicyID, append([]string{fmt.Sprintf("execution_id = %d", key.ExecutionID)}, extra...)...)
}

// tasksAddress is the address of the data source testConfig.tasks adds.
const tasksAddress = "data.swr_retention_execution_tasks.x"

// testExecution is where the tests put their tasks.
var testExecution = fakeapi.ExecutionKey{InstanceID: "ins-test", Namespace: "platform", PolicyID: 7, ExecutionID: 113}

// expectedTasks is the exact state value of the tasks, field by field.
func expectedTasks(tasks []fakeapi.Task) knownvalue.Check {
	return listOf(tasks, func(t fakeapi.Task) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":              knownvalue.Int64Exact(t.ID),
			"execution_id":    knownvalue.Int64Exact(t.ExecutionID),
			"repository":      knownvalue.StringExact(t.Repository),
			"job_id":          knownvalue.StringExact(t.JobID),
			"status":          knownvalue.StringExact(t.Status),
			"status_code":     knownvalue.Int64Exact(int64(t.StatusCode)),
			"status_revision": knownvalue.Int64Exact(t.StatusRevision),
			"start_time":      knownvalue.StringExact(t.StartTime),
			"end_time":        timeCheck(t.EndTime),
			"total":           knownvalue.Int64Exact(t.Total),
			"retained":        knownvalue.Int64Exact(t.Retained),
			"failed":          knownvalue.Bool(taskFailed(t)),
		})
	})
}

// filterTasks keeps the tasks in status.
func filterTasks(tasks []fakeapi.Task, status string) []fakeapi.Task {
	var out []fakeapi.Task
	for _, t := range tasks {
		if t.Status == status {
			out = append(out, t)
		}
	}
	return out
}

// expectedSubTasks is the exact state value of the sub-tasks, field by field.
func expectedSubTasks(subs []fakeapi.SubTask) knownvalue.Check {
	return listOf(subs, func(s fakeapi.SubTask) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":          knownvalue.Int64Exact(s.ID),
			"job_id":      knownvalue.StringExact(fmt.Sprint(s.JobID)),
			"namespace":   knownvalue.StringExact(s.Namespace),
			"repository":  knownvalue.StringExact(s.Repository),
			"tag":         knownvalue.StringExact(s.Tag),
			"digest":      knownvalue.StringExact(s.Digest),
			"action":      knownvalue.StringExact(s.Action),
			"status":      knownvalue.StringExact(s.Status),
			"status_text": knownvalue.StringExact(s.StatusText),
			"op_time":     timeCheck(s.OpTime),
		})
	})
}

// timeCheck is the state value of an RFC 3339 API time: the same instant in UTC,
// null when empty.
func timeCheck(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(fmt.Sprintf("timeCheck: fixture time %q is not RFC 3339: %v", s, err))
	}
	return knownvalue.StringExact(t.UTC().Format(time.RFC3339Nano))
}

// listOf checks a list element by element, each with check.
func listOf[T any](items []T, check func(T) knownvalue.Check) knownvalue.Check {
	elems := make([]knownvalue.Check, len(items))
	for i, item := range items {
		elems[i] = check(item)
	}
	return knownvalue.ListExact(elems)
}

// noQueryParams fails when a request to a path ending in pathSuffix carried any
// of params.
func noQueryParams(fake *fakeapi.Server, pathSuffix string, params ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, r := range fake.Requests() {
			for _, p := range params {
				if strings.HasSuffix(r.Path, pathSuffix) && r.Query.Has(p) {
					return fmt.Errorf("request %s?%s carries %s", r.Path, r.RawQuery, p)
				}
			}
		}
		return nil
	}
}

// diagPattern matches a diagnostic holding parts in order, whatever the CLI's line
// wrapping did to the spaces inside them.
func diagPattern(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// fetchAll reads every page of a list of the fake into v (a pointer to a slice),
// straight over HTTP: the expectations do not go through the code under test.
func fetchAll(t *testing.T, url string, v any) {
	t.Helper()
	var all []json.RawMessage
	for offset := 0; ; offset += 100 {
		pageURL := fmt.Sprintf("%s?limit=100&offset=%d", url, offset)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, pageURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page map[string]json.RawMessage
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", pageURL, resp.StatusCode, err)
		}
		// A page is {"total": N, "<items>": [...]}: one list beside the total.
		var total int
		var items []json.RawMessage
		for k, raw := range page {
			dst := any(&items)
			if k == "total" {
				dst = &total
			}
			if err := json.Unmarshal(raw, dst); err != nil {
				t.Fatalf("GET %s: field %q: %v", pageURL, k, err)
			}
		}
		all = append(all, items...)
		if len(all) >= total || len(items) == 0 {
			break
		}
	}
	joined, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(joined, v); err != nil {
		t.Fatal(err)
	}
}
