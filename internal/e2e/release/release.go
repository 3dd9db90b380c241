// Package release builds the registry release artifacts locally with the
// project's .goreleaser.yml, unpublished (goreleaser release --snapshot --clean
// --skip=publish), signed with a given GPG key or not at all (--skip=sign), and
// checks them the way the registries and the CLIs read them (Verify): make
// release-snapshot, the first step of the install test, and the release
// workflow's check of what it published (swr-dev verify-release).
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
)

// Options of a snapshot build.
type Options struct {
	Root       string   // the module
	Goreleaser string   // the goreleaser binary
	Dist       string   // output directory; empty: the config's (dist/)
	Targets    []string // goreleaser targets (e.g. linux_amd64); empty: every platform of the config
	Sign       *Signer  // sign SHA256SUMS with this key; nil: skip signing
	Log        io.Writer
}

// Signer is the GPG key .goreleaser.yml's signs step uses: the keyring in Home
// (GNUPGHOME) and the key's fingerprint (GPG_FINGERPRINT, as release.yml sets it).
type Signer struct {
	Home        string
	Fingerprint string
}

// HostTarget is this machine's platform as a goreleaser target.
func HostTarget() string { return runtime.GOOS + "_" + runtime.GOARCH }

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
	return filepath.Join(s.Dist, fmt.Sprintf("%s_%s_%s_%s.zip", Project, s.Version, goos, goarch))
}

// HostZip is the archive for this machine's platform.
func (s Snapshot) HostZip() string { return s.Zip(runtime.GOOS, runtime.GOARCH) }

// Build runs goreleaser and reads what it produced (Inspect); checking
// SHA256SUMS against the files is the caller's (CheckSums, Verify).
func Build(ctx context.Context, o Options) (Snapshot, error) {
	config := filepath.Join(o.Root, ".goreleaser.yml")
	if len(o.Targets) > 0 || o.Dist != "" {
		src, err := os.ReadFile(config)
		if err != nil {
			return Snapshot{}, err
		}
		cfg, err := RewriteConfig(src, o.Targets, o.Dist)
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
	// A snapshot signs unless told not to: --skip=sign when there is no key.
	skip, env := "--skip=sign,publish", append(os.Environ(), lendRemote(ctx, o.Root)...)
	if o.Sign != nil {
		skip, env = "--skip=publish", append(env, "GNUPGHOME="+o.Sign.Home, "GPG_FINGERPRINT="+o.Sign.Fingerprint)
	}
	cmd := exec.CommandContext(ctx, o.Goreleaser, "release", "--config", config, "--snapshot", "--clean", skip) //nolint:gosec // G204: the goreleaser binary the developer names
	cmd.Dir = o.Root
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	cmd.Env = env
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
// skips) so that SHA256SUMS checks whole, and reads SHA256SUMS (ParseSums). It
// checks nothing against the files: that SHA256SUMS lists exactly the zips and
// the manifest, with their sums, is CheckSums's; the signature is Verify's.
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
	s.SHA256SUMS = filepath.Join(dist, SumsName(s.Version))
	s.Manifest = filepath.Join(dist, ManifestName(s.Version))
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
// "# targets-begin" and "# targets-end" markers replaced by goreleaser targets
// (when given) and dist set (when not empty): same archives, sums, manifest and
// signature, a few builds instead of thirteen.
func RewriteConfig(src []byte, targets []string, dist string) ([]byte, error) {
	retarget := len(targets) > 0
	var out bytes.Buffer
	found, skipping := false, false
	for _, line := range strings.SplitAfter(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case retarget && trimmed == "# targets-begin":
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			fmt.Fprintf(&out, "%stargets:\n", indent)
			for _, t := range targets {
				fmt.Fprintf(&out, "%s  - %s\n", indent, t)
			}
			found, skipping = true, true
		case skipping && trimmed == "# targets-end":
			skipping = false
		case skipping:
		case dist != "" && strings.HasPrefix(line, "dist:"):
		default:
			out.WriteString(line)
		}
	}
	if retarget && !found {
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
