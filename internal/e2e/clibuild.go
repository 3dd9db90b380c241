package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Pinned CLI releases the acceptance suite runs by default (make tools).
const (
	TerraformVersion = "1.5.7"
	OpenTofuVersion  = "1.12.6"
)

// BuildCLI builds product at ver into binDir from the Go module proxy, unless a
// build of that version is already there, and returns it. No CLI can be
// downloaded as a release on the machines this runs on; building takes minutes.
func BuildCLI(ctx context.Context, product, ver, binDir string) (CLI, error) {
	name := map[string]string{Terraform: "terraform", OpenTofu: "tofu"}[product]
	if name == "" {
		return CLI{}, fmt.Errorf("unknown CLI %q", product)
	}
	out := filepath.Join(binDir, name)
	if c, err := InspectCLI(ctx, out); err == nil && c.Version.String() == ver {
		return c, nil
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return CLI{}, err
	}
	var err error
	if product == Terraform {
		err = goRun(ctx, "", []string{"GOBIN=" + binDir}, "install", "github.com/hashicorp/terraform@v"+ver)
	} else {
		err = buildOpenTofu(ctx, ver, out)
	}
	if err != nil {
		return CLI{}, err
	}
	return InspectCLI(ctx, out)
}

// buildOpenTofu builds inside a writable copy of the downloaded module: its
// go.mod has a replace directive, which `go install pkg@version` refuses.
func buildOpenTofu(ctx context.Context, ver, out string) error {
	work, err := os.MkdirTemp("", "swr-tofu-build-")
	if err != nil {
		return err
	}
	// os.CopyFS below makes the copy writable, so it can be removed whole.
	defer os.RemoveAll(work)
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", "github.com/opentofu/opentofu@v"+ver) //nolint:gosec // G204: the go command on a module version the developer pins
	cmd.Dir = work
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go mod download opentofu v%s: %w", ver, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(data, &mod); err != nil || mod.Dir == "" {
		return fmt.Errorf("go mod download opentofu v%s: %s %v", ver, mod.Error, err)
	}
	src := filepath.Join(work, "src")
	if err := os.CopyFS(src, os.DirFS(mod.Dir)); err != nil {
		return err
	}
	return goRun(ctx, src, nil, "build", "-ldflags", "-X github.com/opentofu/opentofu/version.dev=no", "-o", out, "./cmd/tofu")
}

// goRun runs the go command with -buildvcs=false (module copies have no VCS).
func goRun(ctx context.Context, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOFLAGS=-buildvcs=false"), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, msg)
	}
	return nil
}
