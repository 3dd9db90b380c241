// Package installtest installs the provider the way a user does, with no
// dev_overrides, and uses it (make install-test):
//
//  1. build the snapshot release for this machine's platform (package release):
//     zip, SHA256SUMS and registry manifest, as a release has them;
//  2. lay the zip out as a packed filesystem_mirror for registry.terraform.io and
//     registry.opentofu.org, with a CLI configuration that knows only that mirror;
//  3. with each CLI (Terraform and OpenTofu):
//     - init a configuration that pins the snapshot version, with no lock file:
//     the CLI installs from the mirror and records an h1: hash, checked against
//     dirhash.HashZip of the zip;
//     - init again with the lock file an install from the registry writes, with the
//     zh: hash (the zip's SHA-256) from SHA256SUMS: the CLI must accept the
//     mirror's zip under it and keep it;
//     - plan and apply against the fake API (in process, loopback) and check the
//     tasks read (execution 113: 250 tasks; execution 114: none);
//  4. tamper with the zips in the mirror and check that a fresh init that keeps the
//     lock file refuses them on their checksum: a byte appended to the zip
//     (refused by zh:) and a byte appended to the binary inside it (refused by h1:).
//
// A filesystem mirror never gives the CLIs a zh: hash of their own (they record
// zh: only from a registry's signed SHA256SUMS), and h1: covers the files inside
// the zip, so a byte appended after the zip's last record changes no h1: hash: the
// test prints that as a NOTE (the CLIs' design, not a failure of the provider).
package installtest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/release"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
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

type cliRun struct {
	cli       e2e.CLI
	mirrorDir string // config installed from the mirror without a lock file
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
	work, err := os.MkdirTemp("", "swr-install-test-")
	if err != nil {
		return err
	}
	if o.Keep {
		defer fmt.Fprintf(o.Out, "work directory kept: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}

	// 1. The snapshot release, host platform only.
	var relLog bytes.Buffer
	snap, err := release.Build(ctx, release.Options{
		Root: o.Root, Goreleaser: o.Goreleaser, Dist: filepath.Join(work, "dist"), HostOnly: true, Log: &relLog,
	})
	if err != nil {
		r.show(relLog.String())
		return fmt.Errorf("snapshot release: %w", err)
	}
	r.pass("snapshot release built: version %s", snap.Version)
	zipPath := snap.HostZip()
	zipName := filepath.Base(zipPath)
	manifest, _ := os.ReadFile(snap.Manifest)
	zipSum, listed := snap.Sums[zipName]
	if listed && snap.Sums[filepath.Base(snap.Manifest)] != "" && bytes.Contains(manifest, []byte(`"protocol_versions": ["6.0"]`)) {
		r.pass("artifacts: %s and the manifest (protocol 6.0) match %s", zipName, filepath.Base(snap.SHA256SUMS))
	} else {
		return fmt.Errorf("artifacts: expected %s and the manifest (protocol 6.0) listed in %s", zipName, filepath.Base(snap.SHA256SUMS))
	}
	binName := "terraform-provider-swr_v" + snap.Version
	if names, err := zipNames(zipPath); err == nil && contains(names, binName) {
		r.pass("the zip holds the binary %s", binName)
	} else {
		r.fail("the zip does not hold %s: %v %v", binName, names, err)
	}
	h1, err := e2e.H1(zipPath)
	if err != nil {
		return err
	}
	zh := "zh:" + zipSum

	// 2. The mirror, and a CLI configuration that knows nothing else.
	mirror := filepath.Join(work, "mirror")
	placeZip := func(src string) error {
		for _, host := range []string{e2e.TerraformRegistry, e2e.OpenTofuRegistry} {
			if err := copyFile(src, filepath.Join(mirror, host, e2e.ProviderSource, zipName)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := placeZip(zipPath); err != nil {
		return err
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	if err := os.WriteFile(cliConfig, fmt.Appendf(nil, "provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror), 0o600); err != nil {
		return err
	}

	// The fake API, in process, loopback only.
	fake, err := e2e.StartFake(e2e.FakeOptions{Sample: true})
	if err != nil {
		return err
	}
	defer fake.Close()
	if !strings.HasPrefix(fake.URL, "http://127.0.0.1:") {
		return fmt.Errorf("the fake API is not on 127.0.0.1: %s", fake.URL)
	}
	r.pass("fake API listening on %s", fake.URL)

	// 3. Each CLI: init, lock file, plan and apply.
	var runs []cliRun
	for _, c := range clis {
		addr := c.Registry() + "/" + e2e.ProviderSource
		dir := filepath.Join(work, c.Short(), "mirror-lock")
		tf, log, err := prepare(c, dir, cliConfig, snap.Version)
		if err != nil {
			return err
		}
		if err := tf.Init(ctx); err != nil {
			r.fail("%s: init from the filesystem mirror: %v", c, err)
			r.show(log.String())
			continue
		}
		r.pass("%s: init installs %s %s from the filesystem mirror", c, e2e.ProviderSource, snap.Version)
		runs = append(runs, cliRun{cli: c, mirrorDir: dir})
		if ver, hashes, err := LockEntry(filepath.Join(dir, ".terraform.lock.hcl"), addr); err == nil && ver == snap.Version && contains(hashes, h1) {
			r.pass("%s: .terraform.lock.hcl records %s %s with %s, the h1: of the zip's files", c, addr, snap.Version, h1)
		} else {
			r.fail("%s: .terraform.lock.hcl lacks %s %s with %s: version %q, hashes %v, %v", c, addr, snap.Version, h1, ver, hashes, err)
		}

		rdir := filepath.Join(work, c.Short(), "registry-lock")
		rtf, rlog, err := prepare(c, rdir, cliConfig, snap.Version)
		if err != nil {
			return err
		}
		if err := writeRegistryLock(rdir, addr, snap.Version, zh); err != nil {
			return err
		}
		err = rtf.Init(ctx)
		_, hashes, lerr := LockEntry(filepath.Join(rdir, ".terraform.lock.hcl"), addr)
		if err == nil && lerr == nil && contains(hashes, zh) && contains(hashes, h1) {
			r.pass("%s: a lock file holding %s (SHA256SUMS) accepts the mirror's zip and keeps that zh: hash", c, zh)
		} else {
			r.fail("%s: init with the zh: hash from SHA256SUMS in the lock file: %v %v, hashes %v", c, err, lerr, hashes)
			r.show(rlog.String())
		}

		// Use it.
		log.Reset()
		vars := []tfexec.PlanOption{tfexec.Out("plan.bin"), tfexec.Var("endpoint=" + fake.URL), tfexec.Var("token=" + fake.Token)}
		if _, err := tf.Plan(ctx, vars...); err != nil {
			r.fail("%s: plan against the fake: %v", c, err)
			r.show(log.String())
			continue
		}
		if err := tf.Apply(ctx, tfexec.DirOrPlan("plan.bin")); err != nil {
			r.fail("%s: apply against the fake: %v", c, err)
			r.show(log.String())
			continue
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

	// 4. Tampered packages must be refused. First a byte appended to the zip: its
	// SHA-256 no longer matches SHA256SUMS.
	appended := filepath.Join(work, "appended.zip")
	if err := copyFile(zipPath, appended); err != nil {
		return err
	}
	if err := appendByte(appended); err != nil {
		return err
	}
	if err := placeZip(appended); err != nil {
		return err
	}
	for _, cr := range runs {
		c := cr.cli
		tdir := filepath.Join(work, c.Short(), "tampered-zip")
		tf, log, err := prepare(c, tdir, cliConfig, snap.Version)
		if err != nil {
			return err
		}
		if err := writeRegistryLock(tdir, c.Registry()+"/"+e2e.ProviderSource, snap.Version, zh); err != nil {
			return err
		}
		expectRefused(ctx, r, c, tf, log, tdir, "a zip with a byte appended (lock file with zh: from SHA256SUMS)")
		// The lock file the mirror install wrote holds only h1:, which does not cover it.
		mtf, _, err := prepare(c, cr.mirrorDir, cliConfig, "")
		if err != nil {
			return err
		}
		_ = os.RemoveAll(filepath.Join(cr.mirrorDir, ".terraform"))
		if mtf.Init(ctx) == nil {
			r.note("%s: with only the h1: hash of a mirror install in the lock file, the zip with a byte appended is accepted: h1: covers the files inside the zip, which are unchanged", c)
		} else {
			r.note("%s: with only the h1: hash in the lock file, the zip with a byte appended is refused too", c)
		}
	}

	// A byte appended to the binary inside the zip: its h1: hash changes.
	tampered := filepath.Join(work, "tampered.zip")
	if err := tamperBinary(zipPath, binName, tampered); err != nil {
		return err
	}
	if err := placeZip(tampered); err != nil {
		return err
	}
	for _, cr := range runs {
		tf, log, err := prepare(cr.cli, cr.mirrorDir, cliConfig, "")
		if err != nil {
			return err
		}
		expectRefused(ctx, r, cr.cli, tf, log, cr.mirrorDir, "a zip whose binary has a byte appended (lock file with h1: from the mirror install)")
	}
	return nil
}

// prepare writes the configuration into dir (unless version is empty: keep it)
// and returns a terraform-exec handle whose output goes to the returned log.
func prepare(c e2e.CLI, dir, cliConfig, version string) (*tfexec.Terraform, *bytes.Buffer, error) {
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
	var log bytes.Buffer
	tf.SetStdout(&log)
	tf.SetStderr(&log)
	return tf, &log, nil
}

// expectRefused: a fresh init in dir (keeping its lock file) must fail on the
// package's checksum.
func expectRefused(ctx context.Context, r *Report, c e2e.CLI, tf *tfexec.Terraform, log *bytes.Buffer, dir, what string) {
	_ = os.RemoveAll(filepath.Join(dir, ".terraform"))
	err := tf.Init(ctx)
	switch {
	case err == nil:
		r.fail("%s: init accepted %s", c, what)
		r.show(log.String())
	case strings.Contains(strings.ToLower(err.Error()+log.String()), "checksum"):
		r.pass("%s: init refuses %s on its checksum", c, what)
	default:
		r.fail("%s: init failed on %s, but not on its checksum: %v", c, what, err)
		r.show(log.String())
	}
}

// Config pins the snapshot version and reads the sample data.
func Config(version string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    swr = {
      source  = %q
      version = %q
    }
  }
}

variable "endpoint" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

provider "swr" {
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
  project_id   = %q
  auth_token   = var.token
}

data "swr_retention_execution_tasks" "x" {
  instance_id    = %q
  namespace_name = %q
  policy_id      = %d
  execution_id   = %d
}

data "swr_retention_execution_tasks" "empty" {
  instance_id    = %[4]q
  namespace_name = %[5]q
  policy_id      = %[6]d
  execution_id   = %[8]d
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.x.tasks)
}

output "total" {
  value = data.swr_retention_execution_tasks.x.total
}

output "empty_count" {
  value = length(data.swr_retention_execution_tasks.empty.tasks)
}
`, e2e.ProviderSource, version, fakeapi.DefaultProjectID, fakeapi.SampleInstance, fakeapi.SampleNamespace,
		fakeapi.SamplePolicyID, fakeapi.SampleExecutionID, fakeapi.SampleEmptyExecution)
}

// writeRegistryLock writes the lock file an install from the registry leaves:
// the zip's SHA-256 from SHA256SUMS as a zh: hash.
func writeRegistryLock(dir, addr, version, zh string) error {
	return os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), fmt.Appendf(nil,
		"provider %q {\n  version     = %q\n  constraints = %q\n  hashes = [\n    %q,\n  ]\n}\n", addr, version, version, zh), 0o600)
}

func zipNames(path string) ([]string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names, nil
}

// tamperBinary writes dst: src with one byte appended to the file named bin.
func tamperBinary(src, bin, dst string) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		hdr := f.FileHeader
		w, err := zw.CreateHeader(&zip.FileHeader{Name: hdr.Name, Method: zip.Deflate, Modified: hdr.Modified, ExternalAttrs: hdr.ExternalAttrs, CreatorVersion: hdr.CreatorVersion})
		if err != nil {
			return err
		}
		if hdr.Name == bin {
			data = append(data, 'x')
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

func appendByte(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte{'x'}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o600)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
