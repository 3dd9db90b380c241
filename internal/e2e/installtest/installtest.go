// Package installtest installs the provider the way users do, with no
// dev_overrides, and uses it (make install-test):
//
//  1. make two throwaway GPG keys in a temporary GNUPGHOME: the release key and
//     another one;
//  2. build the release with the project's .goreleaser.yml, signed with the
//     release key (package release), for this machine's platform and one other,
//     and verify it as the release workflow does (release.Verify): the signature
//     of SHA256SUMS, and SHA256SUMS listing exactly the zips and the manifest;
//  3. serve it from a local provider registry (the registry protocol, over TLS on
//     loopback) that `host` blocks in the CLI configuration put in place of
//     registry.terraform.io and registry.opentofu.org (SSL_CERT_FILE trusts it);
//  4. with each CLI (Terraform and OpenTofu), each check in a fresh directory:
//     - init installs swr-iac/swr from the registry and reports it signed by the
//     release key; the lock file holds the zh: of every platform (from the
//     signed SHA256SUMS) and the h1: of this one; plan and apply read the tasks
//     from the fake API (execution 113: 250 tasks; execution 114: none);
//     - init refuses, with the CLI's own message: a signature with one byte
//     changed, another key in signing_keys, a zip that SHA256SUMS does not list;
//     and a SHA256SUMS listing more than the zips and the manifest, re-signed
//     (the CLIs accept that one: they read only their zip's line; it is the
//     release check that refuses it, and the test checks that it does);
//     - an ASCII-armoured signature, and a signature by an Ed25519 key (gpg's
//     default type): each CLI's own words for it, and the release check's
//     refusal of both (signing.go);
//     - `providers lock` for both platforms records both h1: hashes;
//  5. install without the registry (mirrors.go): from a filesystem mirror, and
//     from a network mirror that `providers mirror` filled from the registry,
//     against the registry's lock file; a changed package is refused.
//
// The last line is "install-test: N passed, M failed".
package installtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/release"
)

// Options of an install test.
type Options struct {
	Root       string
	Goreleaser string
	CLIs       []string // paths of the CLIs to install with
	Out        io.Writer
	Keep       bool // keep the work directory
}

// Report counts the checks.
type Report struct {
	Passed, Failed int
	out            io.Writer
}

func (r *Report) pass(format string, a ...any) {
	r.Passed++
	fmt.Fprintf(r.out, "PASS: "+format+"\n", a...)
}

func (r *Report) fail(format string, a ...any) {
	r.Failed++
	fmt.Fprintf(r.out, "FAIL: "+format+"\n", a...)
}

func (r *Report) note(format string, a ...any) { fmt.Fprintf(r.out, "NOTE: "+format+"\n", a...) }

func (r *Report) show(log string) { fmt.Fprint(r.out, e2e.Indent(tail(log, 60), "    | ")) }

// Run runs every check, printing PASS or FAIL per check and a last line
// "install-test: N passed, M failed". The error is non-nil when any failed.
func Run(ctx context.Context, o Options) (*Report, error) {
	r := &Report{out: o.Out}
	err := run(ctx, o, r)
	if err != nil {
		r.fail("%v", err)
	}
	fmt.Fprintf(o.Out, "install-test: %d passed, %d failed\n", r.Passed, r.Failed)
	if r.Failed > 0 {
		return r, errors.New("install test failed")
	}
	return r, nil
}

// suite is what every check shares.
type suite struct {
	r          *Report
	work       string
	keys       *Keyring
	key, other Key
	ed25519    Key           // gpg's default key type, which Terraform 1.5.7 cannot read
	signings   []signingCase // releases signed in ways the CLIs judge differently (signing.go), once built
	snap       release.Snapshot
	served     Served            // the release as built
	zh         []string          // zh: of every zip in SHA256SUMS
	hostZH     string            // zh: of this platform's zip, one of zh
	h1         map[string]string // target: h1: of its zip
	host       Platform          // this machine's platform
	binName    string            // the binary inside the zips
	reg        *Registry
	regConfig  string // CLI configuration: host blocks to the registry, nothing else
	certFile   string // SSL_CERT_FILE
	fake       *e2e.Fake
	lockFiles  map[string]string // CLI short name: the lock file of its registry install
	tampered   []byte            // this platform's zip with its binary changed (tamperedZip), once built
	extra      *Served           // the release with the extra SHA256SUMS line, re-signed (extraSums), once built
}

// registryHashes are the hashes an install from the registry records: the h1:
// of this platform's zip and the zh: of every zip in SHA256SUMS.
func (s *suite) registryHashes() []string {
	return append([]string{s.h1[s.host.Target()]}, s.zh...)
}

func run(ctx context.Context, o Options, r *Report) error {
	clis := make([]e2e.CLI, 0, len(o.CLIs))
	for _, p := range o.CLIs {
		c, err := e2e.InspectCLI(ctx, p)
		if err != nil {
			return fmt.Errorf("CLI %s: %v; run 'make tools' or pass TERRAFORM=/TOFU=", p, err)
		}
		clis = append(clis, c)
	}
	work, err := os.MkdirTemp("", "swr-install-")
	if err != nil {
		return err
	}
	if o.Keep {
		defer fmt.Fprintf(o.Out, "work directory kept: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	s := &suite{r: r, work: work, h1: map[string]string{}, lockFiles: map[string]string{}}
	if err := s.makeKeys(ctx); err != nil {
		return err
	}
	defer s.keys.Close()
	if err := s.buildRelease(ctx, o); err != nil {
		return err
	}

	// The fake API and the registry, in process, loopback only.
	if s.fake, err = e2e.StartFake(e2e.FakeOptions{Sample: true}); err != nil {
		return err
	}
	defer s.fake.Close()
	s.reg = NewRegistry(s.served)
	defer s.reg.Close()
	for _, u := range []string{s.fake.URL, s.reg.URL()} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") && !strings.HasPrefix(u, "https://127.0.0.1:") {
			return fmt.Errorf("a test server is not on 127.0.0.1: %s", u)
		}
	}
	r.pass("fake API on %s, provider registry on %s", s.fake.URL, s.reg.URL())
	s.certFile = filepath.Join(work, "tls.pem")
	if err := WriteCertFile(s.reg.srv, s.certFile); err != nil {
		return err
	}
	s.regConfig = filepath.Join(work, "registry.tfrc")
	if err := os.WriteFile(s.regConfig, []byte(HostBlocks(s.reg.URL())), 0o600); err != nil {
		return err
	}

	var installed []e2e.CLI
	for _, c := range clis {
		if s.registryInstall(ctx, c) {
			installed = append(installed, c)
		}
		s.registryRefusals(ctx, c)
		s.signingsJudgedByTheCLI(ctx, c)
		s.providersLock(ctx, c)
	}
	s.extraSumsRefusedByTheReleaseCheck(ctx)
	s.signingsRefusedByTheReleaseCheck(ctx)
	return s.mirrors(ctx, installed)
}

// makeKeys makes the release key and another one.
func (s *suite) makeKeys(ctx context.Context) error {
	var err error
	if s.keys, err = NewKeyring(filepath.Join(s.work, "gnupg")); err != nil {
		return err
	}
	if s.key, err = s.keys.NewKey(ctx, "swr-iac install test <install-test@swr-iac.invalid>", RSAKey); err != nil {
		return err
	}
	if s.other, err = s.keys.NewKey(ctx, "another key <another-key@swr-iac.invalid>", RSAKey); err != nil {
		return err
	}
	if s.ed25519, err = s.keys.NewKey(ctx, "an Ed25519 key <ed25519-key@swr-iac.invalid>", Ed25519Key); err != nil {
		return err
	}
	s.r.pass("throwaway GPG keys in a temporary GNUPGHOME: the release key %s and another key %s (%s), an Ed25519 key %s",
		s.key.ID(), s.other.ID(), RSAKey, s.ed25519.ID())
	return nil
}

// otherTarget is a second platform for the release: the CLIs must find their
// own among several, and the lock file must hold every platform's hash.
func otherTarget() string {
	if release.HostTarget() == "darwin_arm64" {
		return "linux_amd64"
	}
	return "darwin_arm64"
}

// buildRelease builds and verifies the signed release and fills s.served.
func (s *suite) buildRelease(ctx context.Context, o Options) error {
	r := s.r
	targets := []string{release.HostTarget(), otherTarget()}
	var relLog bytes.Buffer
	snap, err := release.Build(ctx, release.Options{
		Root: o.Root, Goreleaser: o.Goreleaser, Dist: filepath.Join(s.work, "dist"), Targets: targets,
		Sign: &release.Signer{Home: s.keys.Home, Fingerprint: s.key.Fingerprint}, Log: &relLog,
	})
	if err != nil {
		r.show(relLog.String())
		return fmt.Errorf("release build: %w", err)
	}
	s.snap = snap
	r.pass("release built by .goreleaser.yml with signing on: version %s, platforms %s", snap.Version, strings.Join(targets, ", "))
	if v, err := release.Verify(snap.Dist, s.key.Armored); err == nil && v.KeyID == s.key.ID() {
		r.pass("the release verifies: %s is signed by %s, and %s lists exactly the %d zips and the manifest, with their SHA-256",
			filepath.Base(v.Signature), v.KeyID, filepath.Base(v.SHA256SUMS), len(v.Sums)-1)
	} else {
		r.fail("the release does not verify (the CLIs will refuse it): %v", err)
	}

	s.served = Served{Version: snap.Version, Files: map[string][]byte{}, Sums: filepath.Base(snap.SHA256SUMS), Keys: []Key{s.key}}
	for _, name := range []string{filepath.Base(snap.SHA256SUMS), filepath.Base(snap.SHA256SUMS) + ".sig"} {
		data, err := os.ReadFile(filepath.Join(snap.Dist, name))
		if err != nil {
			return err
		}
		s.served.Files[name] = data
	}
	for _, t := range targets {
		goos, goarch, _ := strings.Cut(t, "_")
		zip := snap.Zip(goos, goarch)
		data, err := os.ReadFile(zip)
		if err != nil {
			return err
		}
		p := Platform{OS: goos, Arch: goarch, Filename: filepath.Base(zip), SHA256: fmt.Sprintf("%x", sha256.Sum256(data))}
		zh := "zh:" + snap.Sums[p.Filename]
		s.served.Files[p.Filename] = data
		s.served.Platforms = append(s.served.Platforms, p)
		s.zh = append(s.zh, zh)
		if t == release.HostTarget() {
			s.host, s.hostZH = p, zh
		}
		if s.h1[t], err = e2e.H1(zip); err != nil {
			return err
		}
	}
	s.binName = release.BinaryName(snap.Version)
	manifest, _ := os.ReadFile(snap.Manifest)
	if bytes.Contains(manifest, []byte(`"protocol_versions": ["6.0"]`)) {
		r.pass("the manifest %s declares protocol 6.0", filepath.Base(snap.Manifest))
	} else {
		r.fail("the manifest %s does not declare protocol 6.0: %s", filepath.Base(snap.Manifest), manifest)
	}
	if names, err := zipNames(snap.HostZip()); err == nil && contains(names, s.binName) {
		r.pass("the zip holds the binary %s", s.binName)
	} else {
		r.fail("the zip does not hold %s: %v %v", s.binName, names, err)
	}
	return nil
}

// prepare writes the configuration into dir (unless version is empty: keep it)
// and returns a terraform-exec handle, in a clean environment with cliConfig and
// SSL_CERT_FILE, whose output goes to the returned log.
func (s *suite) prepare(c e2e.CLI, dir, cliConfig, version string) (*tfexec.Terraform, *bytes.Buffer, error) {
	if version != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(Config(version)), 0o600); err != nil {
			return nil, nil, err
		}
	}
	tf, err := c.Terraform(dir, cliConfig)
	if err != nil {
		return nil, nil, err
	}
	env := e2e.CleanEnv(cliConfig)
	env["SSL_CERT_FILE"] = s.certFile
	if err := tf.SetEnv(env); err != nil {
		return nil, nil, err
	}
	var log bytes.Buffer
	tf.SetStdout(&log)
	tf.SetStderr(&log)
	return tf, &log, nil
}

// refusal is a failed init and the CLI's own words for it.
type refusal struct {
	accepted bool
	line     string // the line of the CLI's output holding want, or its first error line
	matched  bool   // the output holds want
}

// initRefuses runs a fresh init in dir (keeping any lock file) and reads how it
// ends: want is the text of the CLI's own message for the refusal.
func initRefuses(ctx context.Context, tf *tfexec.Terraform, log *bytes.Buffer, dir, want string) refusal {
	_ = os.RemoveAll(filepath.Join(dir, ".terraform"))
	err := tf.Init(ctx)
	if err == nil {
		return refusal{accepted: true}
	}
	out := unwrap(log.String() + "\n" + err.Error())
	if i := strings.Index(out, want); i >= 0 {
		return refusal{line: out[max(0, i-60):min(len(out), i+len(want)+80)], matched: true}
	}
	return refusal{line: lineWith(log.String()+"\n"+err.Error(), "Error")}
}

// expect records a refusal check: PASS when init failed with want in its output.
func (s *suite) expect(c e2e.CLI, what string, got refusal, want string, log *bytes.Buffer) {
	switch {
	case got.accepted:
		s.r.fail("%s: init accepted %s", c, what)
		s.r.show(log.String())
	case got.matched:
		s.r.pass("%s: init refuses %s: %q", c, what, got.line)
	default:
		s.r.fail("%s: init refused %s, but without %q: %q", c, what, want, got.line)
		s.r.show(log.String())
	}
}

// unwrap joins the CLIs' diagnostics, which they wrap inside a box, into one
// line: a message is found whatever the terminal width.
func unwrap(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "│╷╵"))
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// lineWith is the first line of out containing sub, trimmed of the CLIs' box
// drawing, or "".
func lineWith(out, sub string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "│╷╵"))
		}
	}
	return ""
}
