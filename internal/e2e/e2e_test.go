package e2e

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestDevOverridesNamesBothRegistries(t *testing.T) {
	got := DevOverrides("/tmp/plugins")
	for _, want := range []string{
		`"registry.terraform.io/swr-iac/swr" = "/tmp/plugins"`,
		`"registry.opentofu.org/swr-iac/swr" = "/tmp/plugins"`,
		"direct {}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("DevOverrides lacks %s:\n%s", want, got)
		}
	}
}

func TestParseVersionLine(t *testing.T) {
	for _, tc := range []struct{ in, product, version string }{
		{"Terraform v1.11.4\non linux_amd64\n", Terraform, "1.11.4"},
		{"OpenTofu v1.12.6\non linux_amd64\n", OpenTofu, "1.12.6"},
		{"Terraform v1.6.0-beta1\n", Terraform, "1.6.0-beta1"},
	} {
		p, v, err := parseVersionLine(tc.in)
		if err != nil || p != tc.product || v.String() != tc.version {
			t.Errorf("parseVersionLine(%q) = %q, %v, %v; want %q %q", tc.in, p, v, err, tc.product, tc.version)
		}
	}
	if _, _, err := parseVersionLine("bash 5.2\n"); err == nil {
		t.Error("a non-CLI version line was accepted")
	}
}

// fakeCLI writes an executable that answers `version` with line.
func fakeCLI(t *testing.T, dir, name, line string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho '"+line+"'\necho 'on linux_amd64'\n"), 0o755); err != nil { //nolint:gosec // G306: an executable stand-in for a CLI
		t.Fatal(err)
	}
	return p
}

func TestSupportedVersions(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"Terraform v1.4.7", false},
		{"Terraform v1.5.0", true},
		{"Terraform v1.11.4", true},
		{"OpenTofu v1.5.0", false},
		{"OpenTofu v1.6.0", true},
	} {
		c, err := InspectCLI(context.Background(), fakeCLI(t, dir, "cli", tc.line))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Supported()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Supported() = %v, want ok=%v", tc.line, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "too old") {
			t.Errorf("%s: the error does not say why: %v", tc.line, err)
		}
	}
}

func TestFindCLI(t *testing.T) {
	ctx := context.Background()
	path, tools := t.TempDir(), t.TempDir()
	t.Setenv("PATH", path)

	if _, _, err := FindCLI(ctx, "", tools); !errors.Is(err, ErrNoCLI) {
		t.Fatalf("no CLI anywhere: err = %v, want ErrNoCLI", err)
	}

	fakeCLI(t, tools, "tofu", "OpenTofu v1.12.6")
	c, where, err := FindCLI(ctx, "", tools)
	if err != nil || c.Product != OpenTofu || !strings.Contains(where, tools) {
		t.Fatalf("build in tools: %v %q %v", c, where, err)
	}

	fakeCLI(t, path, "terraform", "Terraform v1.11.4")
	c, where, err = FindCLI(ctx, "", tools)
	if err != nil || c.Product != Terraform || where != "found on PATH" {
		t.Fatalf("PATH before tools: %v %q %v", c, where, err)
	}

	old := fakeCLI(t, t.TempDir(), "terraform", "Terraform v1.3.0")
	if _, _, err := FindCLI(ctx, old, tools); err == nil || !strings.Contains(err.Error(), "1.5.0") {
		t.Fatalf("DEMO_CLI too old: err = %v, want one naming the minimum", err)
	}
	if _, _, err := FindCLI(ctx, "no-such-cli", tools); err == nil || !strings.Contains(err.Error(), "not found on PATH") {
		t.Fatalf("DEMO_CLI unknown name: err = %v", err)
	}
	c, where, err = FindCLI(ctx, "terraform", tools)
	if err != nil || c.Product != Terraform || where != "DEMO_CLI" {
		t.Fatalf("DEMO_CLI by name: %v %q %v", c, where, err)
	}
}

func TestStartFakeServesSampleOnLoopbackWithItsToken(t *testing.T) {
	f, err := StartFake(FakeOptions{Sample: true, Tasks: 250})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !strings.HasPrefix(f.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %s is not loopback", f.URL)
	}
	url := fmt.Sprintf("%s/v2/%s/instances/%s/namespaces/%s/retention/policies/%d/executions/%d/tasks?limit=100&offset=0",
		f.URL, fakeapi.DefaultProjectID, BenchExecution.InstanceID, BenchExecution.Namespace, BenchExecution.PolicyID, BenchExecution.ExecutionID)
	for _, tc := range []struct {
		token string
		want  int
	}{{f.Token, http.StatusOK}, {"wrong", http.StatusUnauthorized}} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Auth-Token", tc.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("token %q: status %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}
	if n, _, _ := f.RequestStats(); n != 2 {
		t.Errorf("the fake counted %d requests, want 2", n)
	}
}

// The h1: hash, computed here as the CLIs document it: SHA-256 over the lines
// "<sha256 hex>  <name>\n" of the zip's files sorted by name, base64-encoded.
func TestH1AndZHOfAZip(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "p.zip")
	files := map[string]string{"terraform-provider-swr_v1.0.0": "binary", "LICENSE": "MPL"}
	out, _ := os.Create(zipPath)
	zw := zip.NewWriter(out)
	for name, body := range files {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	_ = out.Close()

	var lines strings.Builder
	for _, name := range []string{"LICENSE", "terraform-provider-swr_v1.0.0"} {
		sum := sha256.Sum256([]byte(files[name]))
		fmt.Fprintf(&lines, "%x  %s\n", sum, name)
	}
	sum := sha256.Sum256([]byte(lines.String()))
	want := "h1:" + base64.StdEncoding.EncodeToString(sum[:])
	if got, err := H1(zipPath); err != nil || got != want {
		t.Errorf("H1 = %s, %v; want %s", got, err, want)
	}
	data, _ := os.ReadFile(zipPath)
	zsum := sha256.Sum256(data)
	if got, err := ZH(zipPath); err != nil || got != "zh:"+hex.EncodeToString(zsum[:]) {
		t.Errorf("ZH = %s, %v", got, err)
	}
}

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	st, ok := parseStat([]byte("4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1 2 3\n"))
	if !ok || st.ppid != 17 || st.cpu != 3.0 {
		t.Errorf("parseStat = %+v, %v; want ppid 17, 3 CPU seconds", st, ok)
	}
	if _, ok := parseStat([]byte("garbage")); ok {
		t.Error("garbage parsed")
	}
}

// The sampler finds a child of this process by its executable and reads its
// peak memory; another executable is not counted. The child (cat, waiting on its
// standard input) lives until the test closes that input, and the sampler samples
// once as it starts: it sees the child whatever the machine's speed, with no
// sleep or interval deciding it.
func TestSamplerMeasuresChildren(t *testing.T) {
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Skip("no cat")
	}
	cmd := exec.Command(cat)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := StartSampler(cat, "/nonexistent/provider", time.Hour)
	u := s.Stop()
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if u.CLIKiB <= 0 {
		t.Errorf("CLI peak memory %d KiB, want > 0", u.CLIKiB)
	}
	if u.ProviderProcs != 0 || u.ProviderKiB != 0 {
		t.Errorf("counted %d provider processes (%d KiB), want none", u.ProviderProcs, u.ProviderKiB)
	}
}

func TestCleanEnvDropsProviderSettings(t *testing.T) {
	t.Setenv("HW_ACCESS_KEY", "AK")
	t.Setenv("TF_LOG", "TRACE")
	env := CleanEnv("/x.tfrc")
	if env["TF_CLI_CONFIG_FILE"] != "/x.tfrc" || env["CHECKPOINT_DISABLE"] != "1" {
		t.Errorf("CleanEnv = %v", env)
	}
	for _, k := range []string{"HW_ACCESS_KEY", "TF_LOG"} {
		if _, ok := env[k]; ok {
			t.Errorf("CleanEnv keeps %s", k)
		}
	}
}
