package provider

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/demo"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Every directory of examples/ that holds a .tf file is one example, and every
// example is run by TestAccExamples_RunAsShipped on the CLI under test, against
// the fake's sample data, as shipped (the docs show them verbatim). Each entry of
// exampleCases runs its directory and asserts what a user reads: the outputs,
// worked out from the fake over HTTP (never through the provider), every warning
// and, for the gates, the error that stops the plan. A new example without an
// entry fails TestExamples_EveryDirectoryHasACase.
//
// Two kinds of examples cannot run alone, and say so in their first comment:
//   - a provider block only (examples/provider/*/): the case adds a data source
//     that reads through it;
//   - a data-source snippet (examples/data-sources/): it has no required_providers
//     and no provider block; the case adds required_providers, and the provider
//     is configured from the environment (region, endpoints, token).
var exampleCases = map[string]func(*testing.T, string){
	"account-audit":     testAccountAuditExample,
	"account-audit-hcl": testAccountAuditHCLExample,
	"audit":             testAuditExample,
	"demo":              testDemoExample,

	"provider":                  testProviderExample,
	"provider/access-key":       testProviderAccessKeyExample,
	"provider/custom-endpoints": testProviderCustomEndpointsExample,
	"provider/environment":      testProviderEnvironmentExample,
	"provider/password":         testProviderPasswordExample,
	"provider/token":            testProviderTokenExample,

	"data-sources/swr_instances":                                  testInstancesExample,
	"data-sources/swr_namespaces":                                 testNamespacesExample,
	"data-sources/swr_retention_policies":                         testPoliciesExample,
	"data-sources/swr_retention_audit":                            testFirstAuditExample,
	"data-sources/swr_retention_audit/gate":                       testRetentionAuditGateExample,
	"data-sources/swr_retention_executions":                       testExecutionsExample,
	"data-sources/swr_retention_execution_tasks":                  testTasksExample,
	"data-sources/swr_retention_execution_tasks/failed-tasks":     testFailedTasksExample,
	"data-sources/swr_retention_execution_tasks/gate":             testTasksGateExample,
	"data-sources/swr_retention_execution_tasks/removed-versions": testRemovedVersionsExample,
	"data-sources/swr_retention_execution_tasks/progress":         testProgressExample,
	"data-sources/swr_retention_execution_tasks/timeouts":         testTimeoutsExample,
	"data-sources/swr_retention_execution_sub_tasks":              testSubTasksExample,
}

// The phrases that say an example cannot run alone.
const (
	providerBlockOnly = "A provider block only, which cannot run alone"
	snippetOnly       = "A snippet, which cannot run alone"
)

// exampleDirs walks examples/ and returns every directory holding a .tf file,
// relative to examples/, slash-separated.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..", "examples")
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		seen[filepath.ToSlash(rel)] = true
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
}

// exampleFiles returns the .tf files of one example directory (not its
// subdirectories, which are examples of their own), by name.
func exampleFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "examples", filepath.FromSlash(dir), "*.tf"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("examples/%s: no .tf file (%v)", dir, err)
	}
	files := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = string(data)
	}
	return files
}

// exampleSource is the example's configuration as one file (a module's files are
// one configuration whatever their split), in file-name order.
func exampleSource(t *testing.T, dir string) string {
	t.Helper()
	files := exampleFiles(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(files[n])
		b.WriteString("\n")
	}
	return b.String()
}

// Every example has a case, every case an example, and an example that cannot
// run alone says so: a new example without a test fails here, in make unit.
func TestExamples_EveryDirectoryHasACase(t *testing.T) {
	dirs := exampleDirs(t)
	for _, d := range dirs {
		if exampleCases[d] == nil {
			t.Errorf("examples/%s has no entry in exampleCases (examples_test.go): every example is run by TestAccExamples_RunAsShipped", d)
			continue
		}
		src := exampleSource(t, d)
		switch {
		case strings.HasPrefix(d, "provider/") && !strings.Contains(src, providerBlockOnly):
			t.Errorf("examples/%s is a provider block only and does not say %q", d, providerBlockOnly)
		case !strings.Contains(src, "required_providers") && !strings.HasPrefix(d, "provider/") && !strings.Contains(src, snippetOnly):
			t.Errorf("examples/%s has no required_providers and does not say %q", d, snippetOnly)
		}
	}
	for d := range exampleCases {
		if !slices.Contains(dirs, d) {
			t.Errorf("exampleCases has %q, which is no directory of examples/ with a .tf file", d)
		}
	}
}

// Every example, as shipped, against the fake's sample data (see exampleCases).
func TestAccExamples_RunAsShipped(t *testing.T) {
	for _, dir := range exampleDirs(t) {
		if exampleCases[dir] == nil {
			t.Errorf("examples/%s has no case (see TestExamples_EveryDirectoryHasACase)", dir)
			continue
		}
		t.Run(dir, func(t *testing.T) {
			clearProviderEnv(t)
			exampleCases[dir](t, exampleSource(t, dir))
		})
	}
}

// ---- running an example ------------------------------------------------------

// sampleFake starts a fake with the sample data and the test credentials, whose
// region and project are the fake's defaults unless cfg says otherwise.
func sampleFake(t *testing.T, edit func(*fakeapi.Config)) (*fakeapi.Server, string) {
	t.Helper()
	cfg := fakeConfig()
	if edit != nil {
		edit(&cfg)
	}
	fake, url := fakeapi.Start(t, cfg)
	fake.SeedSample()
	// As of now: the audit judges ages by the provider's clock, and sees the
	// sample's ages (one stale policy, one stuck run) rather than 2024's.
	fake.SetAsOf(time.Now())
	return fake, url
}

// aimAtFake points the provider's endpoints at url through the environment, so
// that a configuration that names only a region never leaves loopback.
func aimAtFake(t *testing.T, url string) {
	t.Helper()
	t.Setenv("SWR_ENDPOINT", url)
	t.Setenv("HW_AUTH_URL", url)
}

// snippetWorkdir runs a data-source snippet: required_providers added, the
// provider configured from the environment (the fake's region, endpoints, token).
func snippetWorkdir(t *testing.T, src, url string) *cliWorkdir {
	t.Helper()
	aimAtFake(t, url)
	t.Setenv("HW_REGION_NAME", fakeapi.DefaultRegion)
	t.Setenv("HW_AUTH_TOKEN", testToken)
	return newCLIWorkdir(t, requiredProviders+src, nil)
}

const requiredProviders = `terraform {
  required_providers {
    swr = {
      source = "swr-iac/swr"
    }
  }
}
`

// applied runs apply and returns the outputs and every warning a user reads.
func applied(w *cliWorkdir, vars ...string) (map[string]json.RawMessage, []string) {
	w.t.Helper()
	args := []string{"apply", "-auto-approve"}
	for _, v := range vars {
		args = append(args, "-var", v)
	}
	stdout, stderr, err := w.try(args...)
	if err != nil {
		w.t.Fatalf("apply: %v\n%s\n%s", err, stdout, stderr)
	}
	return w.outputs(), warningsOf(stdout + stderr)
}

// warningsOf returns each warning of a CLI run, whitespace collapsed.
func warningsOf(log string) []string {
	var out []string
	for _, w := range demo.Warnings(log) {
		out = append(out, strings.Join(strings.Fields(w), " "))
	}
	return out
}

// expectWarnings asserts the run warned exactly once per message, each with the
// title given, and no more.
func expectWarnings(t *testing.T, got []string, title string, messages ...string) {
	t.Helper()
	if len(got) != len(messages) {
		t.Errorf("%d warnings, want %d:\n%s", len(got), len(messages), strings.Join(got, "\n"))
	}
	for _, m := range messages {
		want := strings.Join(strings.Fields(m), " ")
		n := 0
		for _, w := range got {
			if strings.HasPrefix(w, "Warning: "+title) && strings.Contains(w, want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warnings %q say %q; want 1:\n%s", n, title, want, strings.Join(got, "\n"))
		}
	}
}

// planFails runs plan, which must fail with the error title and message given
// (compared with whitespace collapsed: the CLI wraps long messages).
func planFails(w *cliWorkdir, title, message string) {
	w.t.Helper()
	stdout, stderr, err := w.try("plan")
	if err == nil {
		w.t.Fatalf("plan succeeded; want it to fail with %q:\n%s", message, stdout)
	}
	text := strings.Join(strings.Fields(strings.ReplaceAll(stdout+stderr, "│", " ")), " ")
	for _, want := range []string{"Error: " + title, strings.Join(strings.Fields(message), " ")} {
		if !strings.Contains(text, want) {
			w.t.Errorf("plan failed without %q:\n%s\n%s", want, stdout, stderr)
		}
	}
}

// ---- the sample data, read over HTTP -----------------------------------------

// sampleRun is one execution of the sample's policy 7, read from the fake.
type sampleRun struct {
	execution fakeapi.Execution
	tasks     []fakeapi.Task
}

// taskFailed is the examples' notion of a failed task, the data source's
// failed: Failed, or finished with a status the API does not document.
func taskFailed(tk fakeapi.Task) bool {
	return client.TaskStatuses.Failed(tk.Status, tk.EndTime != "" || tk.StatusCode == 3)
}

// failed counts the run's failed tasks (taskFailed).
func (r sampleRun) failed() int {
	n := 0
	for _, tk := range r.tasks {
		if taskFailed(tk) {
			n++
		}
	}
	return n
}

// failedRepos are the repositories of the run's failed tasks, sorted, once each.
func (r sampleRun) failedRepos() []string {
	var repos []string
	for _, tk := range r.tasks {
		if taskFailed(tk) && !slices.Contains(repos, tk.Repository) {
			repos = append(repos, tk.Repository)
		}
	}
	sort.Strings(repos)
	return repos
}

func (r sampleRun) count(status string) int {
	n := 0
	for _, tk := range r.tasks {
		if tk.Status == status {
			n++
		}
	}
	return n
}

func (r sampleRun) removed() int64 {
	var n int64
	for _, tk := range r.tasks {
		n += tk.Total - tk.Retained
	}
	return n
}

// perStatus counts the tasks in every status, as tasks_per_status: each
// documented status a key, and each other status a task has.
func (r sampleRun) perStatus() map[string]any {
	out := map[string]any{}
	for _, s := range client.TaskStatuses {
		out[s] = r.count(s)
	}
	for _, tk := range r.tasks {
		out[tk.Status] = r.count(tk.Status)
	}
	return out
}

// samplePolicyPath is the API path of the sample's policy 7.
func samplePolicyPath(url string) string {
	return fmt.Sprintf("%s/v2/%s/instances/%s/namespaces/%s/retention/policies/%d", url, fakeapi.DefaultProjectID,
		fakeapi.SampleInstance, fakeapi.SampleNamespace, fakeapi.SamplePolicyID)
}

// sampleExecutions are the executions of policy 7 as the API lists them.
func sampleExecutions(t *testing.T, url string) []fakeapi.Execution {
	t.Helper()
	var execs []fakeapi.Execution
	fetchAll(t, samplePolicyPath(url)+"/executions", &execs)
	return execs
}

// sampleTasks are the tasks of one execution of policy 7.
func sampleTasks(t *testing.T, url string, execution int64) []fakeapi.Task {
	t.Helper()
	var tasks []fakeapi.Task
	fetchAll(t, fmt.Sprintf("%s/executions/%d/tasks", samplePolicyPath(url), execution), &tasks)
	return tasks
}

// newestFinishedRun is what an audit of policy 7 must read: the newest real
// execution that is not InProgress (ids grow with every run).
func newestFinishedRun(t *testing.T, url string) sampleRun {
	t.Helper()
	execs := sampleExecutions(t, url)
	sort.Slice(execs, func(i, j int) bool { return execs[i].ID > execs[j].ID })
	for _, e := range execs {
		if !e.DryRun && e.Status != "InProgress" {
			return sampleRun{execution: e, tasks: sampleTasks(t, url, e.ID)}
		}
	}
	t.Fatal("the sample's policy 7 has no finished real run")
	return sampleRun{}
}

// withoutFailures makes the sample's newest finished run a success: its Failed
// tasks Succeed and the execution's status is Succeed (Stopped tasks stay).
func withoutFailures(t *testing.T, fake *fakeapi.Server, url string) {
	t.Helper()
	run := newestFinishedRun(t, url)
	tasks := slices.Clone(run.tasks)
	for i := range tasks {
		if tasks[i].Status == "Failed" {
			tasks[i].Status = "Succeed"
		}
	}
	key := fakeapi.ExecutionKey{InstanceID: fakeapi.SampleInstance, Namespace: fakeapi.SampleNamespace,
		PolicyID: fakeapi.SamplePolicyID, ExecutionID: run.execution.ID}
	fake.SetTasks(key, tasks)
	execs := sampleExecutions(t, url)
	for i := range execs {
		if execs[i].ID == run.execution.ID {
			execs[i].Status = "Succeed"
		}
	}
	fake.SetExecutions(fakeapi.SampleInstance, fakeapi.SampleNamespace, fakeapi.SamplePolicyID, execs)
	if r := newestFinishedRun(t, url); r.count("Failed") != 0 || r.execution.Status != "Succeed" || r.count("Stopped") == 0 {
		t.Fatalf("the sample without failures: %s with %d failed and %d stopped tasks", r.execution.Status, r.count("Failed"), r.count("Stopped"))
	}
}

// taskFinding is the gates' message, as examples/audit and provider.tf word it.
func taskFinding(run sampleRun, policy string) string {
	msg := fmt.Sprintf("Retention execution %d of policy %s ended %s, with %d of %d tasks failed",
		run.execution.ID, policy, run.execution.Status, run.failed(), len(run.tasks))
	if repos := run.failedRepos(); len(repos) > 0 {
		msg += ": " + strings.Join(repos, ", ")
	}
	return msg + "."
}

// noWarnings: a successful read of the sample warns about nothing.
func noWarnings(t *testing.T, got []string) { t.Helper(); expectWarnings(t, got, "") }

// templateText is a docs template, whitespace collapsed.
func templateText(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "templates", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(data)), " ")
}

// quotesFinding asserts that the docs template quotes the message a user reads
// as it is: its excerpt that starts as the message does, up to the "...", is the
// start of the message.
func quotesFinding(t *testing.T, template, message string) {
	t.Helper()
	text := templateText(t, template)
	words := strings.Fields(message)
	start := strings.Join(words[:3], " ")
	i := strings.Index(text, start)
	if i < 0 {
		t.Fatalf("templates/%s does not quote the message %q", template, message)
	}
	excerpt, _, found := strings.Cut(text[i:], "...")
	excerpt = strings.TrimSuffix(strings.TrimSpace(excerpt), ",")
	if !found || !strings.HasPrefix(strings.Join(words, " "), excerpt) {
		t.Errorf("templates/%s quotes %q; the message is %q", template, excerpt, message)
	}
}

// A configuration the docs show inline (not through tffile) is an excerpt of an
// example: each of its lines is a line of one example, so that it is run too.
func TestExamples_InlineConfigurationsInTheDocsAreExcerpts(t *testing.T) {
	exampleLines := map[string]bool{}
	for _, d := range exampleDirs(t) {
		for _, src := range exampleFiles(t, d) {
			for _, l := range strings.Split(src, "\n") {
				exampleLines[strings.TrimSpace(l)] = true
			}
		}
	}
	var templates []string
	err := filepath.WalkDir(filepath.Join("..", "..", "templates"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			templates = append(templates, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for _, path := range templates {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		in := false
		for n, line := range strings.Split(string(data), "\n") {
			switch {
			case !in && (line == "```terraform" || line == "```hcl"):
				in = true
				blocks++
			case in && line == "```":
				in = false
			case in && strings.TrimSpace(line) != "" && !exampleLines[strings.TrimSpace(line)]:
				t.Errorf("%s:%d: %q is in no example: show an example with tffile, or an excerpt of one", path, n+1, line)
			}
		}
	}
	if blocks == 0 {
		t.Log("no inline configuration in templates/")
	}
}

// secretArguments are the provider's sensitive arguments, from its table.
func secretArguments() []string {
	var names []string
	for _, a := range providerArguments {
		if a.sensitive {
			names = append(names, a.name)
		}
	}
	return names
}

// Every example takes its credentials from the environment: a variable's value
// is written into a saved plan file (and `show -json` of it) whatever
// `sensitive` says, so no example sets a sensitive provider argument or
// declares a sensitive variable.
func TestExamples_NoSecretIsAVariable(t *testing.T) {
	secrets := secretArguments()
	if len(secrets) < 4 {
		t.Fatalf("the provider's table has %d sensitive arguments: %v", len(secrets), secrets)
	}
	for _, d := range exampleDirs(t) {
		for name, src := range exampleFiles(t, d) {
			for n, line := range strings.Split(src, "\n") {
				field, _, ok := strings.Cut(strings.TrimSpace(line), "=")
				field = strings.TrimSpace(field)
				if ok && (slices.Contains(secrets, field) || field == "sensitive") {
					t.Errorf("examples/%s/%s:%d: %q: credentials come from the environment (HW_AUTH_TOKEN, HW_SECRET_KEY, HW_USER_PASSWORD ...), never from a variable",
						d, name, n+1, strings.TrimSpace(line))
				}
			}
		}
	}
}
