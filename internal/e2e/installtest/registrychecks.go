package installtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/release"
)

// addr is the provider's address as the CLI's lock file names it.
func addr(c e2e.CLI) string { return c.Registry() + "/" + e2e.ProviderSource }

// registryInstall: init from the registry reports the signature, the lock file
// holds every zh: and this platform's h1:, and apply reads the tasks. It says
// whether init installed the provider.
func (s *suite) registryInstall(ctx context.Context, c e2e.CLI) bool {
	r := s.r
	s.reg.Serve(s.served)
	dir := filepath.Join(s.work, c.Short(), "registry")
	tf, log, err := s.prepare(c, dir, s.regConfig, s.snap.Version)
	if err != nil {
		r.fail("%s: %v", c, err)
		return false
	}
	if err := tf.Init(ctx); err != nil {
		r.fail("%s: init from the registry: %v", c, err)
		r.show(log.String())
		return false
	}
	line := lineWith(log.String(), "Installed "+e2e.ProviderSource)
	if strings.Contains(line, "signed") && strings.Contains(line, "key ID "+s.key.ID()) {
		r.pass("%s: init installs %s %s from the registry, signed by the release key: %q", c, e2e.ProviderSource, s.snap.Version, line)
	} else {
		r.fail("%s: init does not report the signature of key %s: %q", c, s.key.ID(), line)
		r.show(log.String())
	}
	lockFile := filepath.Join(dir, ".terraform.lock.hcl")
	s.lockFiles[c.Short()] = lockFile
	want := s.registryHashes()
	if ver, hashes, err := LockEntry(lockFile, addr(c)); err == nil && ver == s.snap.Version && containsAll(hashes, want) {
		r.pass("%s: the lock file records %s %s with the zh: of all %d platforms (SHA256SUMS) and the h1: of %s", c, addr(c), ver, len(s.zh), s.host.Target())
	} else {
		r.fail("%s: the lock file lacks %s %s with %v: version %q, hashes %v, %v", c, addr(c), s.snap.Version, want, ver, hashes, err)
	}
	s.apply(ctx, c, tf, log)
	return true
}

// apply plans and applies against the fake and checks the tasks read.
func (s *suite) apply(ctx context.Context, c e2e.CLI, tf *tfexec.Terraform, log *bytes.Buffer) {
	r := s.r
	log.Reset()
	vars := []tfexec.PlanOption{tfexec.Out("plan.bin"), tfexec.Var("endpoint=" + s.fake.URL), tfexec.Var("token=" + s.fake.Token)}
	if _, err := tf.Plan(ctx, vars...); err != nil {
		r.fail("%s: plan against the fake: %v", c, err)
		r.show(log.String())
		return
	}
	if err := tf.Apply(ctx, tfexec.DirOrPlan("plan.bin")); err != nil {
		r.fail("%s: apply against the fake: %v", c, err)
		r.show(log.String())
		return
	}
	outs, err := tf.Output(ctx)
	got := map[string]string{}
	for _, k := range []string{"task_count", "total", "empty_count"} {
		got[k] = string(outs[k].Value)
	}
	if err == nil && got["task_count"] == "250" && got["total"] == "250" && got["empty_count"] == "0" {
		r.pass("%s: plan and apply against the fake read 250 tasks of execution 113 and 0 of execution 114", c)
	} else {
		r.fail("%s: expected 250, 250 and 0 tasks, read %v (%v)", c, got, err)
		r.show(log.String())
	}
}

// The CLIs' own messages for a refused package, as Terraform 1.5 and OpenTofu
// 1.12 word them.
var refusedWords = map[string]map[string]string{
	"signature": {e2e.Terraform: "error checking signature", e2e.OpenTofu: "not signed with a valid signing key"},
	"key":       {e2e.Terraform: "authentication signature from unknown issuer", e2e.OpenTofu: "not signed with a valid signing key"},
	"unlisted":  {e2e.Terraform: "checksum list has unexpected SHA-256 hash", e2e.OpenTofu: "checksum list has unexpected SHA-256 hash"},
}

// registryRefusals: init refuses a changed signature, a foreign key and a zip
// that SHA256SUMS does not list; and what it makes of a SHA256SUMS that lists
// more than the zips and the manifest.
func (s *suite) registryRefusals(ctx context.Context, c e2e.CLI) {
	badSig := s.served.Clone()
	sig := append([]byte(nil), badSig.Files[badSig.Sig()]...)
	sig[len(sig)/2] ^= 0x01
	badSig.Files[badSig.Sig()] = sig

	otherKey := s.served.Clone()
	otherKey.Keys = []Key{s.other}

	unlisted, err := s.unlistedZip()
	if err != nil {
		s.r.fail("%s: %v", c, err)
		return
	}
	for _, tc := range []struct {
		name, what string
		served     Served
	}{
		{"signature", "a SHA256SUMS.sig with one byte changed", badSig},
		{"key", fmt.Sprintf("a signature checked against another key (%s) in signing_keys", s.other.ID()), otherKey},
		{"unlisted", "a zip that SHA256SUMS does not list (its binary changed, the registry's shasum its own)", unlisted},
	} {
		s.reg.Serve(tc.served)
		dir := filepath.Join(s.work, c.Short(), "refused-"+tc.name)
		tf, log, err := s.prepare(c, dir, s.regConfig, s.snap.Version)
		if err != nil {
			s.r.fail("%s: %v", c, err)
			continue
		}
		want := refusedWords[tc.name][c.Product]
		s.expect(c, tc.what, initRefuses(ctx, tf, log, dir, want), want, log)
	}

	// A SHA256SUMS listing more (the line goreleaser v2.15 added for the .sig),
	// signed again so that only the list is wrong.
	extra, err := s.extraSums(ctx)
	if err != nil {
		s.r.fail("%s: %v", c, err)
		return
	}
	s.reg.Serve(extra)
	dir := filepath.Join(s.work, c.Short(), "extra-sums")
	tf, log, err := s.prepare(c, dir, s.regConfig, s.snap.Version)
	if err != nil {
		s.r.fail("%s: %v", c, err)
		return
	}
	if got := initRefuses(ctx, tf, log, dir, "Error"); got.accepted {
		s.r.note("%s accepts a signed SHA256SUMS that lists a file besides the zips and the manifest: it reads only its own zip's line; the release check refuses such a release (below)", c)
	} else {
		s.r.note("%s refuses a signed SHA256SUMS that lists a file besides the zips and the manifest: %q", c, got.line)
	}
	s.reg.Serve(s.served)
}

// tamperedZip is this platform's zip with one byte appended to the binary inside
// (tamperBinary), written to tampered.zip in the work directory and returned
// with its bytes. It is built once: the registry's unlisted zip and the
// mirrors' changed packages are the same bytes.
func (s *suite) tamperedZip() (string, []byte, error) {
	path := filepath.Join(s.work, "tampered.zip")
	if s.tampered != nil {
		return path, s.tampered, nil
	}
	if err := tamperBinary(filepath.Join(s.snap.Dist, s.host.Filename), s.binName, path); err != nil {
		return "", nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	s.tampered = data
	return path, data, nil
}

// unlistedZip serves, for this platform, a zip whose binary has a byte
// appended, with its own SHA-256 as the registry's shasum: the zip matches what
// the registry says but not SHA256SUMS.
func (s *suite) unlistedZip() (Served, error) {
	out := s.served.Clone()
	_, data, err := s.tamperedZip()
	if err != nil {
		return out, err
	}
	out.Files[s.host.Filename] = data
	for i := range out.Platforms {
		if out.Platforms[i].Filename == s.host.Filename {
			out.Platforms[i].SHA256 = fmt.Sprintf("%x", sha256.Sum256(data))
		}
	}
	return out, nil
}

// extraSums is the release with SHA256SUMS listing its own signature too (as
// goreleaser v2.15 wrote it), signed again with the release key. It is built
// and signed once, and kept in the suite for every CLI and the release check.
func (s *suite) extraSums(ctx context.Context) (Served, error) {
	if s.extra != nil {
		return *s.extra, nil
	}
	out := s.served.Clone()
	sums := append([]byte(nil), out.Files[out.Sums]...)
	sums = fmt.Appendf(sums, "%x  %s\n", sha256.Sum256(out.Files[out.Sig()]), out.Sig())
	sig, err := s.keys.DetachSign(ctx, s.key, sums)
	if err != nil {
		return out, err
	}
	out.Files[out.Sums], out.Files[out.Sig()] = sums, sig
	s.extra = &out
	return out, nil
}

// extraSumsRefusedByTheReleaseCheck: the release check (release.Verify, which
// release.yml runs) refuses the SHA256SUMS that the CLIs accept.
func (s *suite) extraSumsRefusedByTheReleaseCheck(ctx context.Context) {
	extra, err := s.extraSums(ctx)
	if err != nil {
		s.r.fail("%v", err)
		return
	}
	dir, err := s.releaseDir("extra-sums-release", extra)
	if err != nil {
		s.r.fail("%v", err)
		return
	}
	_, err = release.Verify(dir, s.key.Armored)
	if err != nil && strings.Contains(err.Error(), "SHA256SUMS lists "+extra.Sig()+", which is neither") {
		s.r.pass("the release check refuses the re-signed SHA256SUMS that also lists %s: %v", extra.Sig(), err)
	} else {
		s.r.fail("the release check does not refuse a SHA256SUMS that also lists %s: %v", extra.Sig(), err)
	}
}

// providersLock: `providers lock` for both platforms records every zh: and the
// h1: of both zips.
func (s *suite) providersLock(ctx context.Context, c e2e.CLI) {
	s.reg.Serve(s.served)
	dir := filepath.Join(s.work, c.Short(), "providers-lock")
	tf, log, err := s.prepare(c, dir, s.regConfig, s.snap.Version)
	if err != nil {
		s.r.fail("%s: %v", c, err)
		return
	}
	var opts []tfexec.ProvidersLockOption
	var targets []string
	for _, p := range s.served.Platforms {
		opts = append(opts, tfexec.Platform(p.Target()))
		targets = append(targets, p.Target())
	}
	if err := tf.ProvidersLock(ctx, opts...); err != nil {
		s.r.fail("%s: providers lock %s: %v", c, strings.Join(targets, " "), err)
		s.r.show(log.String())
		return
	}
	want := append([]string(nil), s.zh...)
	for _, t := range targets {
		want = append(want, s.h1[t])
	}
	_, hashes, err := LockEntry(filepath.Join(dir, ".terraform.lock.hcl"), addr(c))
	if err == nil && containsAll(hashes, want) {
		s.r.pass("%s: providers lock -platform=%s records the h1: of both zips and the zh: of both", c, strings.Join(targets, " -platform="))
	} else {
		s.r.fail("%s: providers lock recorded %v, want %v (%v)", c, hashes, want, err)
	}
}

func containsAll(list, want []string) bool {
	for _, w := range want {
		if !contains(list, w) {
			return false
		}
	}
	return true
}
