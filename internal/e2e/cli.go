package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
)

// Products, as the CLIs name themselves in `version`.
const (
	Terraform = "Terraform"
	OpenTofu  = "OpenTofu"
)

// minVersions are the oldest releases the provider supports (protocol 6 with
// the features the data sources use: check blocks need Terraform 1.5).
var minVersions = map[string]*version.Version{
	Terraform: version.Must(version.NewVersion("1.5.0")),
	OpenTofu:  version.Must(version.NewVersion("1.6.0")),
}

// CLI is a Terraform or OpenTofu executable and what it says it is.
type CLI struct {
	Path    string
	Product string // Terraform or OpenTofu
	Version *version.Version
}

func (c CLI) String() string { return fmt.Sprintf("%s v%s", c.Product, c.Version) }

// Registry is the host the CLI resolves ProviderSource against.
func (c CLI) Registry() string {
	if c.Product == OpenTofu {
		return OpenTofuRegistry
	}
	return TerraformRegistry
}

// Short is the conventional command name: terraform or tofu.
func (c CLI) Short() string {
	if c.Product == OpenTofu {
		return "tofu"
	}
	return "terraform"
}

var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\S+)`)

// parseVersionLine reads the first line of `version`. terraform-exec's Version
// gives the number but not which product answered, which the registry host and
// the minimum version depend on.
func parseVersionLine(out string) (string, *version.Version, error) {
	first, _, _ := strings.Cut(out, "\n")
	m := versionLine.FindStringSubmatch(strings.TrimSpace(first))
	if m == nil {
		return "", nil, fmt.Errorf("not a Terraform or OpenTofu version line: %q", first)
	}
	v, err := version.NewVersion(m[2])
	if err != nil {
		return "", nil, fmt.Errorf("version %q: %w", m[2], err)
	}
	return m[1], v, nil
}

// InspectCLI runs `<path> version` (with an empty CLI configuration) and says
// what the executable is.
func InspectCLI(ctx context.Context, path string) (CLI, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return CLI{}, err
	}
	empty, err := os.CreateTemp("", "swr-empty-*.tfrc")
	if err != nil {
		return CLI{}, err
	}
	_ = empty.Close()
	defer os.Remove(empty.Name())
	cmd := exec.CommandContext(ctx, abs, "version")
	cmd.Env = envList(CleanEnv(empty.Name()))
	out, err := cmd.Output()
	if err != nil {
		return CLI{}, fmt.Errorf("%s version: %w", abs, err)
	}
	product, v, err := parseVersionLine(string(out))
	if err != nil {
		return CLI{}, fmt.Errorf("%s: %w", abs, err)
	}
	return CLI{Path: abs, Product: product, Version: v}, nil
}

// Supported says whether the provider supports this CLI release, and if not, why.
func (c CLI) Supported() error {
	minimum := minVersions[c.Product]
	if minimum == nil {
		return fmt.Errorf("%s is not Terraform or OpenTofu", c.Path)
	}
	if c.Version.Core().LessThan(minimum) {
		return fmt.Errorf("%s at %s is too old: the provider needs %s ≥ %s", c, c.Path, c.Product, minimum)
	}
	return nil
}

// Terraform drives the CLI in workDir with terraform-exec, in CleanEnv(cliConfig).
func (c CLI) Terraform(workDir, cliConfig string) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(workDir, c.Path)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(CleanEnv(cliConfig)); err != nil {
		return nil, err
	}
	return tf, nil
}

// ErrNoCLI means that no Terraform or OpenTofu was found.
var ErrNoCLI = errors.New("no Terraform or OpenTofu CLI found")

// FindCLI finds the CLI to use: want when given (a path, or a name looked up on
// PATH), else tofu or terraform on PATH, else a build of either in toolsBin. A CLI
// found but too old is an error naming the minimum; none at all is ErrNoCLI.
func FindCLI(ctx context.Context, want, toolsBin string) (CLI, string, error) {
	if want != "" {
		path := want
		if !strings.ContainsRune(want, os.PathSeparator) {
			p, err := exec.LookPath(want)
			if err != nil {
				return CLI{}, "", fmt.Errorf("DEMO_CLI=%s: not found on PATH", want)
			}
			path = p
		}
		c, err := InspectCLI(ctx, path)
		if err != nil {
			return CLI{}, "", err
		}
		return c, "DEMO_CLI", c.Supported()
	}
	var tooOld error
	try := func(path, where string) (CLI, string, bool) {
		c, err := InspectCLI(ctx, path)
		if err != nil {
			return CLI{}, "", false
		}
		if err := c.Supported(); err != nil {
			tooOld = err
			return CLI{}, "", false
		}
		return c, where, true
	}
	for _, name := range []string{"tofu", "terraform"} {
		if p, err := exec.LookPath(name); err == nil {
			if c, where, ok := try(p, "found on PATH"); ok {
				return c, where, nil
			}
		}
	}
	for _, name := range []string{"tofu", "terraform"} {
		p := filepath.Join(toolsBin, name)
		if _, err := os.Stat(p); err == nil {
			if c, where, ok := try(p, "built earlier into "+toolsBin); ok {
				return c, where, nil
			}
		}
	}
	if tooOld != nil {
		return CLI{}, "", fmt.Errorf("%w that the provider supports (%v); install a newer one or set DEMO_CLI", ErrNoCLI, tooOld)
	}
	return CLI{}, "", ErrNoCLI
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
