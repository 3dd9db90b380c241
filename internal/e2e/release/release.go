// Package release builds the registry release artifacts locally, unsigned and
// unpublished (goreleaser release --snapshot --clean --skip=sign,publish), and
// checks them the way the registries read them: make release-snapshot, and the
// first step of the install test.
package release

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// Options of a snapshot build.
type Options struct {
	Root       string // the module
	Goreleaser string // the goreleaser binary
	Dist       string // output directory; empty: the config's (dist/)
	HostOnly   bool   // build this machine's platform only
	Log        io.Writer
}

// Snapshot is what a build produced.
type Snapshot struct {
	Dist       string
	Version    string
	SHA256SUMS string // path
	Manifest   string // path of the manifest copy beside the zips
	Sums       map[string]string
}

// Zip is the path of the archive for goos/goarch.
func (s Snapshot) Zip(goos, goarch string) string {
	return filepath.Join(s.Dist, fmt.Sprintf("terraform-provider-swr_%s_%s_%s.zip", s.Version, goos, goarch))
}

// HostZip is the archive for this machine's platform.
func (s Snapshot) HostZip() string { return s.Zip(runtime.GOOS, runtime.GOARCH) }

// Build runs goreleaser and checks SHA256SUMS against the files.
func Build(ctx context.Context, o Options) (Snapshot, error) {
	config := filepath.Join(o.Root, ".goreleaser.yml")
	if o.HostOnly || o.Dist != "" {
		src, err := os.ReadFile(config)
		if err != nil {
			return Snapshot{}, err
		}
		cfg, err := RewriteConfig(src, o.HostOnly, runtime.GOOS, runtime.GOARCH, o.Dist)
		if err != nil {
			return Snapshot{}, err
		}
		tmp, err := os.MkdirTemp("", "swr-release-")
		if err != nil {
			return Snapshot{}, err
		}
		defer os.RemoveAll(tmp)
		config = filepath.Join(tmp, "goreleaser.yml")
		if err := os.WriteFile(config, cfg, 0o600); err != nil {
			return Snapshot{}, err
		}
	}
	cmd := exec.CommandContext(ctx, o.Goreleaser, "release", "--config", config, "--snapshot", "--clean", "--skip=sign,publish") //nolint:gosec // G204: the goreleaser binary the developer names
	cmd.Dir = o.Root
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	cmd.Env = append(os.Environ(), lendRemote(ctx, o.Root)...)
	if err := cmd.Run(); err != nil {
		return Snapshot{}, fmt.Errorf("goreleaser release --snapshot: %w", err)
	}
	dist := o.Dist
	if dist == "" {
		dist = filepath.Join(o.Root, "dist")
	}
	return Inspect(o.Root, dist)
}

// Inspect reads the version from dist/metadata.json, puts the registry manifest
// beside the zips (a release asset the release step uploads, which a snapshot
// skips) so that SHA256SUMS checks whole, and checks every sum.
func Inspect(root, dist string) (Snapshot, error) {
	meta, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		return Snapshot{}, err
	}
	var m struct{ Version string }
	if err := json.Unmarshal(meta, &m); err != nil || m.Version == "" {
		return Snapshot{}, fmt.Errorf("metadata.json: no version (%v)", err)
	}
	s := Snapshot{Dist: dist, Version: m.Version}
	s.SHA256SUMS = filepath.Join(dist, fmt.Sprintf("terraform-provider-swr_%s_SHA256SUMS", s.Version))
	s.Manifest = filepath.Join(dist, fmt.Sprintf("terraform-provider-swr_%s_manifest.json", s.Version))
	manifest, err := os.ReadFile(filepath.Join(root, "terraform-registry-manifest.json"))
	if err != nil {
		return Snapshot{}, err
	}
	if err := os.WriteFile(s.Manifest, manifest, 0o600); err != nil {
		return Snapshot{}, err
	}
	sums, err := os.ReadFile(s.SHA256SUMS)
	if err != nil {
		return Snapshot{}, err
	}
	if s.Sums, err = ParseSums(sums); err != nil {
		return Snapshot{}, err
	}
	for name, want := range s.Sums {
		got, err := e2e.FileSHA256(filepath.Join(dist, name))
		if err != nil {
			return Snapshot{}, err
		}
		if got != want {
			return Snapshot{}, fmt.Errorf("%s: SHA-256 %s, SHA256SUMS says %s", name, got, want)
		}
	}
	return s, nil
}

// ParseSums reads a SHA256SUMS file: "<hex>  <name>" per line.
func ParseSums(data []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			return nil, fmt.Errorf("SHA256SUMS: bad line %q", line)
		}
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("SHA256SUMS: bad line %q", line)
		}
		out[name] = sum
	}
	if len(out) == 0 {
		return nil, errors.New("SHA256SUMS is empty")
	}
	return out, nil
}

// RewriteConfig returns .goreleaser.yml with the platform list between the
// "# targets-begin" and "# targets-end" markers replaced by goos/goarch (when
// hostOnly) and dist set (when not empty): same archives, sums and manifest, one
// build instead of thirteen.
func RewriteConfig(src []byte, hostOnly bool, goos, goarch, dist string) ([]byte, error) {
	var out bytes.Buffer
	found, skipping := false, false
	for _, line := range strings.SplitAfter(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case hostOnly && trimmed == "# targets-begin":
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			fmt.Fprintf(&out, "%sgoos:\n%s  - %s\n%sgoarch:\n%s  - %s\n", indent, indent, goos, indent, indent, goarch)
			found, skipping = true, true
		case skipping && trimmed == "# targets-end":
			skipping = false
		case skipping:
		case dist != "" && strings.HasPrefix(line, "dist:"):
		default:
			out.WriteString(line)
		}
	}
	if hostOnly && !found {
		return nil, errors.New(".goreleaser.yml: targets-begin marker not found")
	}
	if skipping {
		return nil, errors.New(".goreleaser.yml: targets-end marker not found")
	}
	if dist != "" {
		fmt.Fprintf(&out, "dist: %s\n", strconv.Quote(dist))
	}
	return out.Bytes(), nil
}

// lendRemote gives goreleaser the project's remote through the environment when
// the clone has none: without one its snapshot gives up on every git fact and
// names the commit "none". Nothing is written to .git/config, nothing fetched.
func lendRemote(ctx context.Context, root string) []string {
	cmd := exec.CommandContext(ctx, "git", "remote")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
		return nil
	}
	n := 0
	if v, err := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT")); err == nil {
		n = v
	}
	return []string{
		fmt.Sprintf("GIT_CONFIG_KEY_%d=remote.origin.url", n),
		fmt.Sprintf("GIT_CONFIG_VALUE_%d=https://github.com/swr-iac/terraform-provider-swr.git", n),
		fmt.Sprintf("GIT_CONFIG_COUNT=%d", n+1),
	}
}
