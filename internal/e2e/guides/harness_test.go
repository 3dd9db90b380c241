//go:build linux || darwin

package guides

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

// TestMain runs the package behind the proxy guard (the CLI and the provider it
// starts get the guard as their proxy): nothing a snippet runs leaves loopback.
func TestMain(m *testing.M) {
	code := proxyguard.Main(m)
	if shared.h != nil {
		shared.h.ws.Close()
	}
	os.Exit(code)
}

// harness is what every run shares: the provider built once from this module
// behind a dev_overrides CLI configuration, and the CLI under test
// (TF_ACC_TERRAFORM_PATH), on PATH as `terraform` and as `tofu`: the guides say
// `terraform`, and OpenTofu takes the same commands.
type harness struct {
	root      string
	ws        *e2e.Workspace
	cli       e2e.CLI
	bin       string
	cliConfig string // dev_overrides, and a filesystem mirror for init
}

var shared struct {
	once sync.Once
	h    *harness
	err  error
}

// acc returns the harness, or skips the test unless TF_ACC and
// TF_ACC_TERRAFORM_PATH are set (as the acceptance suite runs).
func acc(t *testing.T) *harness {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	shared.once.Do(func() { shared.h, shared.err = newHarness(moduleRoot(t)) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.h
}

func newHarness(root string) (*harness, error) {
	ctx := context.Background()
	cli, err := e2e.InspectCLI(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		return nil, err
	}
	ws, err := e2e.NewWorkspace(ctx, root)
	if err != nil {
		return nil, err
	}
	h := &harness{root: root, ws: ws, cli: cli}
	if h.bin, err = ws.Subdir("bin"); err != nil {
		ws.Close()
		return nil, err
	}
	for _, name := range []string{"terraform", "tofu"} {
		if err := os.Symlink(cli.Path, filepath.Join(h.bin, name)); err != nil {
			ws.Close()
			return nil, err
		}
	}
	if h.cliConfig, err = writeMirrorConfig(ws); err != nil {
		ws.Close()
		return nil, err
	}
	return h, nil
}

// mirrorVersion is the version the filesystem mirror offers the built provider as.
const mirrorVersion = "0.0.1"

// writeMirrorConfig writes a CLI configuration whose dev_overrides point at the
// built provider, as the workspace's does, and whose installation source is a
// filesystem mirror holding the same binary (unpacked layout) in place of the
// registry: `terraform init`, which the CI snippets run, asks the installation
// sources for every provider even when it is overridden, and the registry is
// out of reach here.
func writeMirrorConfig(ws *e2e.Workspace) (string, error) {
	mirror := filepath.Join(ws.Dir, "mirror")
	target := runtime.GOOS + "_" + runtime.GOARCH
	for _, host := range []string{e2e.TerraformRegistry, e2e.OpenTofuRegistry} {
		dir := filepath.Join(mirror, host, filepath.FromSlash(e2e.ProviderSource), mirrorVersion, target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.Link(ws.Provider, filepath.Join(dir, e2e.ProviderBinary+"_v"+mirrorVersion)); err != nil {
			return "", err
		}
	}
	overrides := strings.Replace(e2e.DevOverrides(ws.PluginDir), "direct {}", fmt.Sprintf("filesystem_mirror {\n    path = %q\n  }", mirror), 1)
	path := filepath.Join(ws.Dir, "guides.tfrc")
	return path, os.WriteFile(path, []byte(overrides), 0o600)
}

// Credentials the fake accepts, fresh for each test, so that a search for them
// finds only what this test's run wrote.
type credentials struct {
	token, accessKey, secretKey, user, password, domain string
}

func newCredentials(t *testing.T) credentials {
	t.Helper()
	r := func(prefix string) string {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return prefix + hex.EncodeToString(b)
	}
	return credentials{token: r("guide-token-"), accessKey: r("GUIDEAK"), secretKey: r("guide-sk-"),
		user: "ci-reader", password: r("guide-pw-"), domain: "example-account"}
}

// secrets are the values no file may hold, by name.
func (c credentials) secrets() map[string]string {
	return map[string]string{"the token": c.token, "the secret key": c.secretKey, "the password": c.password}
}

// Ways to authenticate, each as the environment a user exports.
const (
	authToken    = "token"
	authAKSK     = "access key pair"
	authPassword = "IAM user"
)

func (c credentials) env(method string) map[string]string {
	switch method {
	case authToken:
		return map[string]string{"HW_AUTH_TOKEN": c.token}
	case authAKSK:
		return map[string]string{"HW_ACCESS_KEY": c.accessKey, "HW_SECRET_KEY": c.secretKey}
	default:
		return map[string]string{"HW_USER_NAME": c.user, "HW_USER_PASSWORD": c.password, "HW_DOMAIN_NAME": c.domain}
	}
}

// sampleFake starts the fake with the sample data, accepting c.
func sampleFake(t *testing.T, c credentials) (*fakeapi.Server, string) {
	t.Helper()
	fake, url := fakeapi.Start(t, fakeapi.Config{
		Tokens:     []string{c.token},
		AccessKeys: map[string]string{c.accessKey: c.secretKey},
		Users:      []fakeapi.User{{Name: c.user, Password: c.password, Domain: c.domain}},
	})
	fake.SeedSample()
	return fake, url
}

// workdir copies an example directory into a new directory, as a user runs it; a
// data-source snippet gets the required_providers it leaves out.
func (h *harness) workdir(t *testing.T, example string) string {
	t.Helper()
	dir := t.TempDir()
	if err := e2e.CopyConfig(filepath.Join(h.root, "examples", filepath.FromSlash(example)), dir); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err == nil && !bytes.Contains(src, []byte("required_providers {")) {
		versions := "terraform {\n  required_providers {\n    swr = {\n      source = \"" + e2e.ProviderSource + "\"\n    }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "versions.tf"), []byte(versions), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// env is the environment of a snippet: the clean CLI environment (no setting of
// the caller's), the CLI under test first on PATH, the Go settings (for the
// snippets that build), the proxy guard, the provider aimed at the fake, and
// extra (credentials, log settings).
func (h *harness) env(url string, extra map[string]string) []string {
	env := e2e.CleanEnv(h.cliConfig)
	env["PATH"] = h.bin + string(os.PathListSeparator) + env["PATH"]
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GO") || strings.HasSuffix(strings.ToUpper(k), "_PROXY") {
			env[k] = v
		}
	}
	env["HW_REGION_NAME"] = fakeapi.DefaultRegion
	env["SWR_ENDPOINT"] = url
	env["HW_AUTH_URL"] = url
	for k, v := range extra {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// result is what a snippet's shell printed and its exit status.
type result struct {
	output string
	status int
}

// bash runs script with bash in dir. errexit runs it as CI runs a step (bash -e,
// as GitHub Actions does); without, as a user types the lines one by one. The
// shell gets a process group of its own, killed afterwards with whatever a
// snippet left running in the background.
func bash(t *testing.T, dir string, env []string, errexit bool, script string) result {
	t.Helper()
	args := []string{"--noprofile", "--norc"}
	if errexit {
		args = append(args, "-e")
	}
	out, err := os.CreateTemp(t.TempDir(), "out-*")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append(args, "-c", script)...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err = cmd.Run()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	status := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatalf("bash: %v", err)
	}
	text, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("$ %s(exit %d)\n%s", script, status, text)
	return result{output: string(text), status: status}
}

// mustNotHold fails the test for every file under dir (zip archives, such as a
// saved plan, searched entry by entry) and every extra text that holds one of
// the secrets, and returns how many files it searched.
func mustNotHold(t *testing.T, dir string, secrets map[string]string, extra map[string]string) int {
	t.Helper()
	check := func(where string, data []byte) {
		for name, secret := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %s", where, name)
			}
		}
	}
	files := 0
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		data, err := fs.ReadFile(root.FS(), rel)
		if err != nil {
			return err
		}
		files++
		check(rel, data)
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, f := range zr.File {
				r, err := f.Open()
				if err != nil {
					return err
				}
				entry, err := io.ReadAll(r)
				_ = r.Close()
				if err != nil {
					return err
				}
				check(rel+" (zip entry "+f.Name+")", entry)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range extra {
		check(where, []byte(text))
	}
	return files
}

// holdStateLock takes the lock a plan or apply takes on the default local state,
// terraform.tfstate in dir (an fcntl write lock, as the CLIs' local backend
// takes it), until the test ends: as a plan running alongside would hold it.
func holdStateLock(t *testing.T, dir string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "terraform.tfstate"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	lock := &syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, lock); err != nil {
		t.Fatalf("locking terraform.tfstate: %v", err)
	}
}

// freePort is a loopback port nothing listens on (for a snippet that names one).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// copyModule copies the module's files (not .git, the tools or build output)
// into dst, for snippets that build in the module's directory.
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	skip := map[string]bool{".git": true, ".tools": true, "dist": true, "bin": true}
	src, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = fs.WalkDir(src.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch {
		case skip[d.Name()] && rel != ".":
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			return nil
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(src.FS(), rel)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
