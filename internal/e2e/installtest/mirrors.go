package installtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// mirrors installs without the registry, with each CLI that installed from it.
func (s *suite) mirrors(ctx context.Context, clis []e2e.CLI) error {
	if err := s.filesystemMirror(ctx, clis); err != nil {
		return err
	}
	root := filepath.Join(s.work, "network-mirror")
	srv := httptest.NewTLSServer(http.FileServer(http.Dir(root)))
	defer srv.Close()
	for _, c := range clis {
		if err := s.networkMirror(ctx, c, root, srv.URL+"/"+c.Short()+"/"); err != nil {
			return err
		}
	}
	return nil
}

// networkMirror: `providers mirror` fills a directory from the registry for both
// platforms; served over TLS as a network_mirror (the only installation method
// of the CLI configuration) it installs against the registry install's lock
// file; a package whose binary changed in the mirror is refused.
func (s *suite) networkMirror(ctx context.Context, c e2e.CLI, root, url string) error {
	r := s.r
	s.reg.Serve(s.served)
	mirror := filepath.Join(root, c.Short())
	fill := filepath.Join(s.work, c.Short(), "mirror-fill")
	tf, log, err := s.prepare(c, fill, s.regConfig, s.snap.Version)
	if err != nil {
		return err
	}
	var opts []tfexec.ProvidersMirrorOption
	for _, p := range s.served.Platforms {
		opts = append(opts, tfexec.Platform(p.Target()))
	}
	if err := tf.ProvidersMirror(ctx, mirror, opts...); err != nil {
		r.fail("%s: providers mirror: %v", c, err)
		r.show(log.String())
		return nil
	}
	pkgDir := filepath.Join(mirror, c.Registry(), e2e.ProviderSource)
	for _, p := range s.served.Platforms {
		if _, err := os.Stat(filepath.Join(pkgDir, p.Filename)); err != nil {
			r.fail("%s: providers mirror did not write %s: %v", c, p.Filename, err)
			return nil
		}
	}
	r.pass("%s: providers mirror fills %s from the registry with both platforms' zips", c, filepath.Base(mirror))

	config := filepath.Join(s.work, c.Short(), "network-mirror.tfrc")
	if err := os.WriteFile(config, fmt.Appendf(nil, "provider_installation {\n  network_mirror {\n    url = %q\n  }\n}\n", url), 0o600); err != nil {
		return err
	}
	install := func(name string) (*tfexec.Terraform, *bytes.Buffer, string, error) {
		dir := filepath.Join(s.work, c.Short(), name)
		tf, log, err := s.prepare(c, dir, config, s.snap.Version)
		if err != nil {
			return nil, nil, "", err
		}
		return tf, log, dir, copyFile(s.lockFiles[c.Short()], filepath.Join(dir, ".terraform.lock.hcl"))
	}
	tf, log2, dir, err := install("network-mirror")
	if err != nil {
		return err
	}
	if err := tf.Init(ctx); err != nil {
		r.fail("%s: init from the network mirror with the registry's lock file: %v", c, err)
		r.show(log2.String())
	} else {
		_, hashes, err := LockEntry(filepath.Join(dir, ".terraform.lock.hcl"), addr(c))
		if err == nil && containsAll(hashes, s.registryHashes()) {
			r.pass("%s: init installs from the network mirror %s against the registry install's lock file, which keeps every hash", c, url)
		} else {
			r.fail("%s: after the network mirror install the lock file holds %v (%v)", c, hashes, err)
		}
	}

	// The binary inside the mirror's zip changed: neither its zh: nor its h1:
	// is in the lock file any more.
	_, tampered, err := s.tamperedZip()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(pkgDir, s.host.Filename), tampered, 0o600); err != nil {
		return err
	}
	tf, log3, dir, err := install("network-mirror-tampered")
	if err != nil {
		return err
	}
	want := "checksum"
	s.expect(c, "a zip changed in the network mirror (lock file of the registry install)", initRefuses(ctx, tf, log3, dir, want), want, log3)
	return nil
}

// filesystemMirror: the zips laid out as a packed filesystem_mirror for both
// registries' hostnames, with a CLI configuration that knows only that mirror.
//   - init with no lock file installs and records the h1: of the zip's files;
//   - init with the registry install's lock file accepts the mirror's zip and
//     keeps its zh: hashes;
//   - a byte appended to the zip is refused by a lock file holding only the zh:
//     from SHA256SUMS (as an install on another platform leaves for this one);
//     a lock file holding only the h1: of a mirror install does not cover it (h1:
//     hashes the files inside the zip), which is printed as a NOTE;
//   - a byte appended to the binary inside the zip is refused by the h1:.
func (s *suite) filesystemMirror(ctx context.Context, clis []e2e.CLI) error {
	r := s.r
	mirror := filepath.Join(s.work, "filesystem-mirror")
	placeZip := func(src string) error {
		for _, host := range []string{e2e.TerraformRegistry, e2e.OpenTofuRegistry} {
			if err := copyFile(src, filepath.Join(mirror, host, e2e.ProviderSource, s.host.Filename)); err != nil {
				return err
			}
		}
		return nil
	}
	hostZip := filepath.Join(s.snap.Dist, s.host.Filename)
	if err := placeZip(hostZip); err != nil {
		return err
	}
	config := filepath.Join(s.work, "filesystem-mirror.tfrc")
	if err := os.WriteFile(config, fmt.Appendf(nil, "provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror), 0o600); err != nil {
		return err
	}
	h1, zh := s.h1[s.host.Target()], s.hostZH
	mirrorDirs := map[string]string{}
	for _, c := range clis {
		dir := filepath.Join(s.work, c.Short(), "filesystem-mirror")
		tf, log, err := s.prepare(c, dir, config, s.snap.Version)
		if err != nil {
			return err
		}
		if err := tf.Init(ctx); err != nil {
			r.fail("%s: init from the filesystem mirror: %v", c, err)
			r.show(log.String())
			continue
		}
		mirrorDirs[c.Short()] = dir
		if ver, hashes, err := LockEntry(filepath.Join(dir, ".terraform.lock.hcl"), addr(c)); err == nil && ver == s.snap.Version && contains(hashes, h1) {
			r.pass("%s: init installs %s %s from the filesystem mirror and records %s, the h1: of the zip's files", c, e2e.ProviderSource, ver, h1)
		} else {
			r.fail("%s: the filesystem mirror install's lock file lacks %s %s with %s: version %q, hashes %v, %v", c, addr(c), s.snap.Version, h1, ver, hashes, err)
		}

		rdir := filepath.Join(s.work, c.Short(), "filesystem-mirror-registry-lock")
		rtf, rlog, err := s.prepare(c, rdir, config, s.snap.Version)
		if err != nil {
			return err
		}
		if err := copyFile(s.lockFiles[c.Short()], filepath.Join(rdir, ".terraform.lock.hcl")); err != nil {
			return err
		}
		err = rtf.Init(ctx)
		_, hashes, lerr := LockEntry(filepath.Join(rdir, ".terraform.lock.hcl"), addr(c))
		if err == nil && lerr == nil && containsAll(hashes, s.zh) && contains(hashes, h1) {
			r.pass("%s: the registry install's lock file accepts the filesystem mirror's zip and keeps every zh: hash", c)
		} else {
			r.fail("%s: init from the filesystem mirror with the registry's lock file: %v %v, hashes %v", c, err, lerr, hashes)
			r.show(rlog.String())
		}
	}

	// A byte appended to the zip: its SHA-256 no longer matches SHA256SUMS.
	appended := filepath.Join(s.work, "appended.zip")
	if err := copyFile(hostZip, appended); err != nil {
		return err
	}
	if err := appendByte(appended); err != nil {
		return err
	}
	if err := placeZip(appended); err != nil {
		return err
	}
	const want = "checksum"
	for _, c := range clis {
		mdir, ok := mirrorDirs[c.Short()]
		if !ok {
			continue
		}
		tdir := filepath.Join(s.work, c.Short(), "filesystem-mirror-appended")
		tf, log, err := s.prepare(c, tdir, config, s.snap.Version)
		if err != nil {
			return err
		}
		if err := writeRegistryLock(tdir, addr(c), s.snap.Version, zh); err != nil {
			return err
		}
		s.expect(c, "a zip with a byte appended in the filesystem mirror (lock file with only its zh: from SHA256SUMS)", initRefuses(ctx, tf, log, tdir, want), want, log)
		mtf, mlog, err := s.prepare(c, mdir, config, "")
		if err != nil {
			return err
		}
		if got := initRefuses(ctx, mtf, mlog, mdir, want); got.accepted {
			r.note("%s: with only the h1: hash of a mirror install in the lock file, the zip with a byte appended is accepted: h1: covers the files inside the zip, which are unchanged", c)
		} else {
			r.note("%s: with only the h1: hash in the lock file, the zip with a byte appended is refused too: %q", c, got.line)
		}
	}

	// A byte appended to the binary inside the zip: its h1: hash changes.
	tampered, _, err := s.tamperedZip()
	if err != nil {
		return err
	}
	if err := placeZip(tampered); err != nil {
		return err
	}
	for _, c := range clis {
		mdir, ok := mirrorDirs[c.Short()]
		if !ok {
			continue
		}
		tf, log, err := s.prepare(c, mdir, config, "")
		if err != nil {
			return err
		}
		s.expect(c, "a zip whose binary has a byte appended in the filesystem mirror (lock file with the h1: of the mirror install)", initRefuses(ctx, tf, log, mdir, want), want, log)
	}
	return nil
}
