//go:build linux || darwin

package guides

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// inModuleLayout copies an example, its tests (*.tftest.hcl) with it, to
// examples/<example> under a new directory, which it returns: the guide's
// blocks start with `cd examples/<example>` from the module's root.
func inModuleLayout(t *testing.T, h *harness, example string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join(h.root, "examples", filepath.FromSlash(example))
	dst := filepath.Join(root, "examples", filepath.FromSlash(example))
	if err := e2e.CopyConfig(src, dst); err != nil {
		t.Fatal(err)
	}
	tests, err := filepath.Glob(filepath.Join(src, "*.tftest.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tests {
		data, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// placeholderKeys is the guide's export line as it stands, placeholders and all.
const placeholderKeys = "HW_ACCESS_KEY=... HW_SECRET_KEY=..."

// "Audit an account", the pipeline gate, as a user types it on the sample
// account (a failed run), the one change the access key pair the fake accepts
// for the guide's placeholders: the first plan is stopped by the data source's
// postcondition, naming the failed policy, its run and its repositories; the
// second, the gate off, passes with both findings as warnings.
func testAccountAuditGate(t *testing.T, h *harness, s snippet) {
	if !strings.Contains(s.text, placeholderKeys) {
		t.Fatalf("the block no longer exports %q, which this test fills in:\n%s", placeholderKeys, s.text)
	}
	c := newCredentials(t)
	_, url := sampleFake(t, c)
	root := inModuleLayout(t, h, "account-audit")
	script := strings.Replace(s.text, placeholderKeys, "HW_ACCESS_KEY="+c.accessKey+" HW_SECRET_KEY="+c.secretKey, 1)
	r := bash(t, root, h.env(url, nil), false, script)
	text := oneLine(r.output)
	finding := "demo/platform/platform-keep-latest-10 (execution 113 Failed: team-1/app-38,"
	if !strings.Contains(text, "Resource postcondition failed") || !strings.Contains(text, "1 retention policy failed its newest finished execution: "+finding) {
		t.Errorf("the gate's plan did not fail with the finding %q", finding)
	}
	if r.status != 0 || strings.Count(text, "Warning: Check block assertion failed") != 2 {
		t.Errorf("the report's plan exited %d; want 0 with the failed run and the namespaces as two warnings", r.status)
	}
	mustNotHold(t, root, c.secrets(), map[string]string{"the output": r.output})
}

// "Test the gate": `tofu test` passes the example's three runs with OpenTofu.
// The guide says the pinned Terraform (1.5.7, no mock_provider) does not run
// it: with Terraform under test the block must not pass.
func testAccountAuditTofuTest(t *testing.T, h *harness, s snippet) {
	root := inModuleLayout(t, h, "account-audit")
	r := bash(t, root, h.env("", nil), false, s.text)
	if h.cli.Product != e2e.OpenTofu {
		if r.status == 0 && strings.Contains(r.output, "3 passed") {
			t.Errorf("%s passed the test of the gate; the guide says only Terraform 1.7 or later runs it", h.cli)
		}
		return
	}
	if r.status != 0 || !strings.Contains(oneLine(r.output), "3 passed, 0 failed") {
		t.Errorf("tofu test exited %d; the guide says it passes the gate's runs", r.status)
	}
}
