package installtest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestLockEntryReadsTheProviderBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
	_ = os.WriteFile(path, []byte(`# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/hashicorp/other" {
  version = "9.9.9"
  hashes  = ["h1:other"]
}

provider "registry.terraform.io/swr-iac/swr" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:abc=",
    "zh:0123",
  ]
}
`), 0o600)
	v, hashes, err := LockEntry(path, "registry.terraform.io/swr-iac/swr")
	if err != nil || v != "0.1.0" || strings.Join(hashes, ",") != "h1:abc=,zh:0123" {
		t.Errorf("LockEntry = %q %v %v", v, hashes, err)
	}
	if _, _, err := LockEntry(path, "registry.opentofu.org/swr-iac/swr"); err == nil {
		t.Error("a provider not in the file was found")
	}
	dir := t.TempDir()
	if err := writeRegistryLock(dir, "registry.opentofu.org/swr-iac/swr", "1.2.3", "zh:ff"); err != nil {
		t.Fatal(err)
	}
	v, hashes, err = LockEntry(filepath.Join(dir, ".terraform.lock.hcl"), "registry.opentofu.org/swr-iac/swr")
	if err != nil || v != "1.2.3" || len(hashes) != 1 || hashes[0] != "zh:ff" {
		t.Errorf("the registry lock file reads back as %q %v %v", v, hashes, err)
	}
}

func TestConfigPinsTheVersionAndTheFakesProject(t *testing.T) {
	src := Config("0.1.0-SNAPSHOT-abc")
	if _, diags := hclsyntax.ParseConfig([]byte(src), "main.tf", hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("not HCL: %v\n%s", diags, src)
	}
	for _, want := range []string{`version = "0.1.0-SNAPSHOT-abc"`, `project_id   = "` + fakeapi.DefaultProjectID + `"`, "execution_id   = 113", "execution_id   = 114"} {
		if !strings.Contains(src, want) {
			t.Errorf("the configuration lacks %s", want)
		}
	}
}

// Tampering with the binary inside changes the h1: hash but keeps the names.
func TestTamperBinaryChangesH1(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.zip")
	out, _ := os.Create(src)
	zw := zip.NewWriter(out)
	w, _ := zw.Create("terraform-provider-swr_v1.0.0")
	_, _ = w.Write([]byte("binary"))
	w, _ = zw.Create("LICENSE")
	_, _ = w.Write([]byte("MPL"))
	_ = zw.Close()
	_ = out.Close()
	dst := filepath.Join(dir, "t.zip")
	if err := tamperBinary(src, "terraform-provider-swr_v1.0.0", dst); err != nil {
		t.Fatal(err)
	}
	a, _ := e2e.H1(src)
	b, err := e2e.H1(dst)
	if err != nil || a == b {
		t.Errorf("h1 before %s, after %s (%v): want a change", a, b, err)
	}
	if names, err := zipNames(dst); err != nil || strings.Join(names, " ") != "terraform-provider-swr_v1.0.0 LICENSE" {
		t.Errorf("tampered zip holds %v %v", names, err)
	}
	// A byte appended to the zip changes its zh: hash but not its h1: hash.
	c := filepath.Join(dir, "c.zip")
	_ = copyFile(src, c)
	_ = appendByte(c)
	zhA, _ := e2e.ZH(src)
	zhC, _ := e2e.ZH(c)
	h1C, err := e2e.H1(c)
	if zhA == zhC || err != nil || h1C != a {
		t.Errorf("appended byte: zh %s -> %s, h1 %s -> %s (%v)", zhA, zhC, a, h1C, err)
	}
}
