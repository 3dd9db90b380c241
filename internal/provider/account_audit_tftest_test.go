package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accountAuditTestFile is the test of the account audit's gate, beside it.
var accountAuditTestFile = filepath.Join("..", "..", "examples", "account-audit", "main.tftest.hcl")

// isOpenTofu: the CLI under test is OpenTofu (terraform test has no mocks before
// Terraform 1.7, and the pinned Terraform is 1.5.7).
func isOpenTofu(t *testing.T) bool {
	t.Helper()
	return strings.Contains(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu")
}

// tofuTest runs `tofu test` on the example main.tf given and its test file,
// with the provider served in-process (reattached, as every example case), and
// returns the output and whether it passed.
func tofuTest(t *testing.T, mainTF string) (string, bool) {
	t.Helper()
	testFile, err := os.ReadFile(accountAuditTestFile)
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkdir(t, mainTF, nil)
	if err := os.WriteFile(filepath.Join(w.dir, "main.tftest.hcl"), testFile, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := w.try("test")
	return stdout + stderr, err == nil
}

// examples/account-audit/main.tftest.hcl, run by `tofu test` as a team would in
// its pipeline: every run passes (a clean account passes the gate, a failed run
// fails it, and only warns with fail_on_failure = false). Without the gate (the
// postcondition taken out of main.tf) the same test fails on the failed run:
// the test proves the gate, not itself.
func TestAccAccountAuditExample_TofuTest(t *testing.T) {
	if os.Getenv("TF_ACC") != "" && !isOpenTofu(t) {
		t.Skip("terraform test has mock_provider from Terraform 1.7; the pinned Terraform is 1.5.7: run with OpenTofu")
	}
	src := exampleSource(t, "account-audit")
	out, passed := tofuTest(t, src)
	if !passed || !strings.Contains(out, "3 passed, 0 failed") {
		t.Fatalf("tofu test of examples/account-audit did not pass its 3 runs:\n%s", out)
	}

	start := strings.Index(src, "    postcondition {")
	end := strings.Index(src[start:], "\n    }\n")
	if start < 0 || end < 0 {
		t.Fatal("examples/account-audit/main.tf has no postcondition block")
	}
	withoutGate := src[:start] + src[start+end+len("\n    }\n"):]
	out, passed = tofuTest(t, withoutGate)
	if passed || !strings.Contains(out, `run "failed_run_fails_the_gate"... fail`) {
		t.Fatalf("tofu test passed without the gate:\n%s", out)
	}
}
