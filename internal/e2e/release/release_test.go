package release

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRewriteConfigTargetsOnTheRealConfig(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := RewriteConfig(src, []string{"linux_amd64", "darwin_arm64"}, "/tmp/d")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, gone := range []string{"freebsd", "windows", "targets-begin", "\"386\"", "goos:", "goarch:"} {
		if strings.Contains(got, gone) {
			t.Errorf("the retargeted config still holds %q", gone)
		}
	}
	if !strings.Contains(got, "    targets:\n      - linux_amd64\n      - darwin_arm64\n    binary:") {
		t.Errorf("the retargeted config lacks the targets:\n%s", got)
	}
	for _, kept := range []string{"signs:", "--detach-sign", "checksum:", "extra_files:"} {
		if !strings.Contains(got, kept) {
			t.Errorf("the retargeted config lost %q", kept)
		}
	}
	if !strings.HasSuffix(got, "dist: \"/tmp/d\"\n") || strings.Count(got, "\ndist:") != 1 {
		t.Errorf("dist not set once")
	}
	if _, err := RewriteConfig([]byte("builds: []\n"), []string{"linux_amd64"}, ""); err == nil {
		t.Error("a config without markers was accepted for a retargeted build")
	}
}

// TestCheckSumsOfAnInspectedSnapshot: Inspect reads a snapshot, and CheckSums
// (which Inspect leaves to its callers) checks every sum against the files.
func TestCheckSumsOfAnInspectedSnapshot(t *testing.T) {
	root, dist := t.TempDir(), t.TempDir()
	_ = os.WriteFile(filepath.Join(root, "terraform-registry-manifest.json"), []byte(`{"version":1,"metadata":{"protocol_versions":["6.0"]}}`), 0o600)
	_ = os.WriteFile(filepath.Join(dist, "metadata.json"), []byte(`{"project_name":"terraform-provider-swr","version":"0.1.0-SNAPSHOT-abc"}`), 0o600)
	zip := "terraform-provider-swr_0.1.0-SNAPSHOT-abc_linux_amd64.zip"
	_ = os.WriteFile(filepath.Join(dist, zip), []byte("zip"), 0o600)
	manifest, _ := os.ReadFile(filepath.Join(root, "terraform-registry-manifest.json"))
	sums := fmt.Sprintf("%x  %s\n%x  terraform-provider-swr_0.1.0-SNAPSHOT-abc_manifest.json\n", sha256.Sum256([]byte("zip")), zip, sha256.Sum256(manifest))
	sumsPath := filepath.Join(dist, "terraform-provider-swr_0.1.0-SNAPSHOT-abc_SHA256SUMS")
	_ = os.WriteFile(sumsPath, []byte(sums), 0o600)

	s, err := Inspect(root, dist)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != "0.1.0-SNAPSHOT-abc" || filepath.Base(s.Zip("linux", "amd64")) != zip || len(s.Sums) != 2 {
		t.Errorf("Inspect = %+v", s)
	}
	if err := errors.Join(CheckSums(s.Dist, s.Version, s.Sums)...); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dist, zip), []byte("zip, tampered"), 0o600)
	if err := errors.Join(CheckSums(s.Dist, s.Version, s.Sums)...); err == nil || !strings.Contains(err.Error(), zip) {
		t.Errorf("a zip not matching SHA256SUMS: err = %v", err)
	}
}

func TestParseSumsRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "nothex  file\n", strings.Repeat("a", 64) + " one-space\n"} {
		if _, err := ParseSums([]byte(in)); err == nil {
			t.Errorf("ParseSums(%q) accepted", in)
		}
	}
}
