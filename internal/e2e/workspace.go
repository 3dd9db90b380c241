package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ProviderBinary is the provider's file name in a dev_overrides directory.
const ProviderBinary = "terraform-provider-swr"

// ProviderSource is the provider's address as configurations name it.
const ProviderSource = "swr-iac/swr"

// Registry hosts the CLIs resolve ProviderSource against.
const (
	TerraformRegistry = "registry.terraform.io"
	OpenTofuRegistry  = "registry.opentofu.org"
)

// FindRoot returns the directory of this module's go.mod, looking upwards from
// the working directory (the programs are run by `go run` from anywhere inside).
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/swr-iac/terraform-provider-swr\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the terraform-provider-swr module")
		}
		dir = parent
	}
}

// Workspace is a temporary directory holding a provider binary built from the
// module at Root and a CLI configuration whose dev_overrides point both
// registries' addresses of the provider at it. Close removes it.
type Workspace struct {
	Root      string // the module
	Dir       string // the temporary directory
	PluginDir string // holds ProviderBinary
	Provider  string // the provider binary
	CLIConfig string // the dev_overrides CLI configuration file
}

// NewWorkspace builds the provider (go build with buildFlags, e.g. -trimpath)
// into a new temporary directory and writes the dev_overrides configuration.
func NewWorkspace(ctx context.Context, root string, buildFlags ...string) (*Workspace, error) {
	dir, err := os.MkdirTemp("", "swr-e2e-")
	if err != nil {
		return nil, err
	}
	w := &Workspace{Root: root, Dir: dir, PluginDir: filepath.Join(dir, "plugins")}
	w.Provider = filepath.Join(w.PluginDir, ProviderBinary)
	w.CLIConfig = filepath.Join(dir, "cli.tfrc")
	if err := GoBuild(ctx, root, w.Provider, ".", buildFlags...); err != nil {
		w.Close()
		return nil, err
	}
	if err := WriteDevOverrides(w.CLIConfig, w.PluginDir); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Close removes the workspace's directory.
func (w *Workspace) Close() { _ = os.RemoveAll(w.Dir) }

// Subdir creates and returns a directory inside the workspace.
func (w *Workspace) Subdir(name string) (string, error) {
	d := filepath.Join(w.Dir, name)
	return d, os.MkdirAll(d, 0o755)
}

// GoBuild builds pkg of the module at root into out. Its output is kept quiet
// and shown only when the build fails.
func GoBuild(ctx context.Context, root, out, pkg string, flags ...string) error {
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...) //nolint:gosec // G204: the go command, building this module
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// DevOverrides is a CLI configuration that makes both registries' addresses of
// the provider resolve to the binary in pluginDir (no init, no registry) and
// installs any other provider directly.
func DevOverrides(pluginDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
    %q = %q
  }
  direct {}
}
`, TerraformRegistry+"/"+ProviderSource, pluginDir, OpenTofuRegistry+"/"+ProviderSource, pluginDir)
}

// WriteDevOverrides writes DevOverrides(pluginDir) to path.
func WriteDevOverrides(path, pluginDir string) error {
	return os.WriteFile(path, []byte(DevOverrides(pluginDir)), 0o600)
}

// CleanEnv is the environment every CLI run gets: PATH, HOME and TMPDIR of this
// process and the given CLI configuration, nothing else, so that no provider
// setting (HW_*, SWR_*, CLOUD_SDK_*), TF_* variable or user CLI configuration of
// the caller changes what the CLI or the provider do.
func CleanEnv(cliConfig string) map[string]string {
	env := map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"CHECKPOINT_DISABLE": "1",
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// CopyConfig copies the *.tf files of src into dst (created), the way a user
// runs an example directory.
func CopyConfig(src, dst string) error {
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .tf files in %s", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Indent prefixes every line of s with prefix (for a failed step's log).
func Indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix) + "\n"
}
