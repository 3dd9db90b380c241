//go:build linux || darwin

package guides

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// runs are the tests of the shell blocks that run here, by snippet key.
var runs = map[string]func(*testing.T, *harness, snippet){
	"templates/guides/gate-a-pipeline.md.tmpl § In CI #1":                                        testGatePlan,
	"templates/guides/gate-a-pipeline.md.tmpl § In CI #2":                                        testGateApply,
	"templates/guides/read-while-a-policy-runs.md.tmpl § Follow an execution while it runs #1":   testPlanAfterApply,
	"templates/guides/read-while-a-policy-runs.md.tmpl § Seeing it happen #1":                    testRequestLines,
	"templates/guides/troubleshooting.md.tmpl § Logging #1":                                      testLoggingLevels,
	"templates/guides/audit-an-account.md.tmpl § The pipeline gate: `examples/account-audit` #1": testAccountAuditGate,
	"templates/guides/audit-an-account.md.tmpl § Test the gate #1":                               testAccountAuditTofuTest,
	"README.md § Run an example by hand, without a cloud #1":                                     testByHand,
	"README.md § Run an example by hand, without a cloud #2":                                     partOfByHand,
	"README.md § Run an example by hand, without a cloud #3":                                     partOfByHand,
}

// Every shell block of runs, as the docs give it, on the CLI under test.
func TestAccGuides_ShellSnippetsRunAsDocumented(t *testing.T) {
	h := acc(t)
	snippets := allSnippets(t, h.root)
	for key, run := range runs {
		s, ok := snippets[key]
		if !ok {
			t.Errorf("no shell block %q (see TestGuides_EveryShellSnippetIsRunOrExcused)", key)
			continue
		}
		t.Run(key, func(t *testing.T) { run(t, h, s) })
	}
}

func merged(envs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, e := range envs {
		maps.Copy(out, e)
	}
	return out
}

// oneLine is s with whitespace and the CLI's box drawing collapsed, for
// comparing messages the CLI wraps.
func oneLine(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(s)), " ")
}

// ansiEscape is a colour escape of the CLI's output (the snippets do not ask for -no-color).
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// The gate's CI snippet, for each way to authenticate from the environment, with
// the CLI's trace log on: on the sample (a failed run) it stops the pipeline
// with its message; with the gate off it writes audit.json from the plan; after
// the plan alone `output -json` prints {}; and no file it leaves (the plan file
// and its entries, audit.json, the log, the data directory), nor what it
// printed, holds the token, the secret key or the password. A plan takes the
// state lock, which the snippet's -lock=false leaves alone.
func testGatePlan(t *testing.T, h *harness, s snippet) {
	for _, method := range []string{authToken, authAKSK, authPassword} {
		t.Run(method, func(t *testing.T) {
			c, dir, gateOn, gateOff := gateSetup(t, h, method)

			failed := bash(t, dir, gateOn, true, s.text)
			if text := oneLine(failed.output); failed.status != 1 || !strings.Contains(text, "retention audit failed: see the error above") ||
				!strings.Contains(text, "ended Failed, with") {
				t.Fatalf("on a failed run the snippet exited %d; want 1 with the gate's message and the finding", failed.status)
			}

			passed := bash(t, dir, gateOff, true, s.text)
			if passed.status != 0 {
				t.Fatalf("with the gate off the snippet exited %d", passed.status)
			}
			var report struct {
				PlannedValues struct {
					Outputs map[string]struct{ Value any } `json:"outputs"`
				} `json:"planned_values"`
			}
			data, err := os.ReadFile(filepath.Join(dir, "audit.json"))
			if err == nil {
				err = json.Unmarshal(data, &report)
			}
			if _, ok := report.PlannedValues.Outputs["versions_removed"]; err != nil || !ok {
				t.Errorf("audit.json has no planned_values.outputs.versions_removed (%v)", err)
			}

			empty := bash(t, dir, gateOn, false, "terraform output -json")
			if empty.status != 0 || strings.TrimSpace(empty.output) != "{}" {
				t.Errorf("output -json after a plan alone: exit %d, %q; the guide says {} and 0", empty.status, empty.output)
			}

			for _, f := range []string{"audit.tfplan", "audit.json", "trace.log"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("the pipeline left no %s to search: %v", f, err)
				}
			}
			if requestLines(t, filepath.Join(dir, "trace.log")) == 0 {
				t.Error("trace.log has no request line of the provider: the search would miss what the provider logs")
			}
			n := mustNotHold(t, dir, c.secrets(), map[string]string{
				"the failed run's output": failed.output, "the passed run's output": passed.output})
			t.Logf("searched %d files for %d secrets", n, len(c.secrets()))

			if method != authToken {
				return
			}
			holdStateLock(t, dir)
			locked := bash(t, dir, gateOff, false, "terraform plan -input=false")
			if locked.status != 1 || !strings.Contains(oneLine(locked.output), "Error acquiring the state lock") {
				t.Errorf("a plan beside a held state lock exited %d; the guide says it fails with Error acquiring the state lock", locked.status)
			}
			if r := bash(t, dir, gateOff, true, s.text); r.status != 0 {
				t.Errorf("the snippet (-lock=false) beside a held state lock exited %d, want 0", r.status)
			}
		})
	}
}

// gateSetup is the setting of one run of a gate snippet: new credentials, a
// fake of the sample that accepts them, a copy of examples/audit, and the
// environments with method's credentials and the CLI's trace log (trace.log) on,
// the gate on and the gate off (TF_VAR_fail_on_failure=false).
func gateSetup(t *testing.T, h *harness, method string) (c credentials, dir string, gateOn, gateOff []string) {
	t.Helper()
	c = newCredentials(t)
	_, url := sampleFake(t, c)
	dir = h.workdir(t, "audit")
	trace := map[string]string{"TF_LOG": "TRACE", "TF_LOG_PATH": filepath.Join(dir, "trace.log")}
	gateOn = h.env(url, merged(c.env(method), trace))
	gateOff = h.env(url, merged(c.env(method), trace, map[string]string{"TF_VAR_fail_on_failure": "false"}))
	return c, dir, gateOn, gateOff
}

// The gate's apply variant: on the sample the apply is the gate (exit 1); with
// the gate off, output -json holds the outputs, and neither the state nor any
// other file holds a secret.
func testGateApply(t *testing.T, h *harness, s snippet) {
	for _, method := range []string{authToken, authAKSK, authPassword} {
		t.Run(method, func(t *testing.T) {
			c, dir, gateOn, gateOff := gateSetup(t, h, method)
			failed := bash(t, dir, gateOn, true, s.text)
			if failed.status != 1 || !strings.Contains(oneLine(failed.output), "ended Failed, with") {
				t.Fatalf("on a failed run the apply snippet exited %d; want 1 with the finding", failed.status)
			}
			passed := bash(t, dir, gateOff, true, s.text)
			if passed.status != 0 {
				t.Fatalf("with the gate off the apply snippet exited %d", passed.status)
			}
			var outputs map[string]struct{ Value any }
			data, err := os.ReadFile(filepath.Join(dir, "audit.json"))
			if err == nil {
				err = json.Unmarshal(data, &outputs)
			}
			if _, ok := outputs["versions_removed"]; err != nil || !ok {
				t.Errorf("audit.json from output -json has no versions_removed (%v): %s", err, data)
			}
			if _, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err != nil {
				t.Errorf("the apply left no state to search: %v", err)
			}
			mustNotHold(t, dir, c.secrets(), map[string]string{
				"the failed run's output": failed.output, "the passed run's output": passed.output})
		})
	}
}

// "Follow an execution while it runs": without a state every plan exits 2 under
// -detailed-exitcode; after the snippet's apply its plan exits 0 while the
// execution holds still, and 2 once it moved on.
func testPlanAfterApply(t *testing.T, h *harness, s snippet) {
	c := newCredentials(t)
	fake, url := sampleFake(t, c)
	dir := h.workdir(t, "data-sources/swr_retention_execution_tasks/progress")
	env := h.env(url, c.env(authToken))
	planLine := ""
	for _, l := range strings.Split(s.text, "\n") {
		if strings.Contains(l, "plan -detailed-exitcode") {
			planLine = l
		}
	}
	if planLine == "" {
		t.Fatalf("the snippet has no plan -detailed-exitcode:\n%s", s.text)
	}
	if r := bash(t, dir, env, false, planLine); r.status != 2 {
		t.Errorf("a plan without a state exited %d; the guide says 2", r.status)
	}
	if r := bash(t, dir, env, false, s.text); r.status != 0 {
		t.Errorf("the plan after the apply exited %d; the guide says 0 while nothing changed", r.status)
	}
	key := fakeapi.ExecutionKey{InstanceID: fakeapi.SampleInstance, Namespace: fakeapi.SampleNamespace,
		PolicyID: fakeapi.SamplePolicyID, ExecutionID: fakeapi.SampleEmptyExecution}
	fake.SetTasks(key, fakeapi.GenerateTasks(key.ExecutionID, 3, 1))
	if r := bash(t, dir, env, false, planLine); r.status != 2 {
		t.Errorf("once the execution moved on the plan exited %d; the guide says 2", r.status)
	}
}

// requestLines counts the provider's request lines in a log file (none when
// there is no file).
func requestLines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "SWR API request")
}

// "Seeing it happen": the snippet's count is one line per request the fake
// answered; TF_LOG_PROVIDER_SWR_API=DEBUG alone logs none.
func testRequestLines(t *testing.T, h *harness, s snippet) {
	c := newCredentials(t)
	fake, url := sampleFake(t, c)
	dir := h.workdir(t, "demo")
	env := h.env(url, c.env(authToken))
	fake.ResetRequests()
	r := bash(t, dir, env, false, s.text)
	lines := strings.Split(strings.TrimSpace(r.output), "\n")
	count, err := strconv.Atoi(strings.TrimSpace(lines[len(lines)-1]))
	if r.status != 0 || err != nil || count == 0 || count != len(fake.Requests()) {
		t.Errorf("the snippet printed %q (exit %d); the fake answered %d requests", lines[len(lines)-1], r.status, len(fake.Requests()))
	}
	alone := bash(t, dir, env, false, "TF_LOG_PROVIDER_SWR_API=DEBUG TF_LOG_PATH=alone.log terraform plan")
	if n := requestLines(t, filepath.Join(dir, "alone.log")); alone.status != 0 || n != 0 {
		t.Errorf("TF_LOG_PROVIDER_SWR_API=DEBUG alone logged %d request lines (exit %d); the guides say none", n, alone.status)
	}
}

// Troubleshooting's logging block: the first plan logs every request, the
// second the provider's other lines without them.
func testLoggingLevels(t *testing.T, h *harness, s snippet) {
	c := newCredentials(t)
	fake, url := sampleFake(t, c)
	dir := h.workdir(t, "demo")
	fake.ResetRequests()
	r := bash(t, dir, h.env(url, c.env(authToken)), true, s.text)
	all := requestLines(t, filepath.Join(dir, "swr.log"))
	quiet, err := os.ReadFile(filepath.Join(dir, "swr-quiet.log"))
	switch {
	case r.status != 0 || err != nil:
		t.Fatalf("the block exited %d (%v)", r.status, err)
	case all == 0 || 2*all != len(fake.Requests()):
		t.Errorf("swr.log has %d request lines; the two plans sent %d requests", all, len(fake.Requests()))
	case strings.Contains(string(quiet), "SWR API request") || !strings.Contains(string(quiet), "provider"):
		t.Errorf("swr-quiet.log: want the provider's lines without the request lines:\n%.2000s", quiet)
	}
}

// partOfByHand: the README's by-hand blocks run as one session (testByHand).
func partOfByHand(t *testing.T, _ *harness, _ snippet) {
	t.Skip("run with block #1 of the section, as one shell session (testByHand)")
}

// The README's "Run an example by hand": its three blocks in one shell session,
// as a user types them, in a copy of the module (they build into it). The one
// change is the fake's port, 8080, for a free one: tests run side by side. The
// session waits for the fake to listen before the blocks that use it. The first
// plan fails as its comment says (naming the execution and the count of failed
// tasks), the second passes with the finding as a warning.
func testByHand(t *testing.T, h *harness, first snippet) {
	all := allSnippets(t, h.root)
	var blocks []string
	for i := 1; ; i++ {
		s, ok := all[strings.TrimSuffix(first.key(), "#1")+"#"+strconv.Itoa(i)]
		if !ok {
			break
		}
		blocks = append(blocks, s.text)
	}
	if len(blocks) != 3 {
		t.Fatalf("the section has %d shell blocks; this test runs the fake, the build and the plans", len(blocks))
	}
	comment := regexp.MustCompile(`# fails: execution (\d+) has (\d+) failed tasks`).FindStringSubmatch(blocks[2])
	if comment == nil {
		t.Fatalf("the README's plan no longer says which execution fails:\n%s", blocks[2])
	}
	port := freePort(t)
	dir := filepath.Join(t.TempDir(), "m")
	copyModule(t, h.root, dir)
	waitForFake := "for i in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null && break; sleep 0.1; done\n"
	script := strings.ReplaceAll(blocks[0], "127.0.0.1:8080", "127.0.0.1:"+port) + waitForFake +
		blocks[1] + strings.ReplaceAll(blocks[2], "127.0.0.1:8080", "127.0.0.1:"+port)
	env := h.env("", nil)
	kept := env[:0]
	for _, kv := range env { // the README exports these itself
		if !strings.HasPrefix(kv, "HW_") && !strings.HasPrefix(kv, "SWR_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			kept = append(kept, kv)
		}
	}
	r := bash(t, dir, kept, false, script)
	text := oneLine(r.output)
	want := "Retention execution " + comment[1] + " of policy platform-keep-latest-10 ended Failed, with " + comment[2] + " of"
	if !strings.Contains(text, want) {
		t.Errorf("the first plan did not fail as the README's comment says (%q)", want)
	}
	if r.status != 0 || !strings.Contains(text, "Warning: Check block assertion failed") {
		t.Errorf("the second plan exited %d; want 0 with the finding as a warning", r.status)
	}
}
