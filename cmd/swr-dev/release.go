package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/installtest"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/release"
)

func goreleaserFlag(fs *flag.FlagSet, root string) *string {
	return fs.String("goreleaser", envOr("GORELEASER", filepath.Join(toolsBin(root), "goreleaser")), "goreleaser binary (GORELEASER)")
}

func runReleaseSnapshot(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("release-snapshot", flag.ContinueOnError)
	gr := goreleaserFlag(fs, root)
	hostOnly := fs.Bool("host-only", false, "build this machine's platform only")
	dist := fs.String("dist", "", "output directory (default dist/)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := release.Options{Root: root, Goreleaser: *gr, Dist: *dist, Log: os.Stdout}
	if *hostOnly {
		o.Targets = []string{release.HostTarget()}
	}
	s, err := release.Build(ctx, o)
	if err != nil {
		return err
	}
	if err := errors.Join(release.CheckSums(s.Dist, s.Version, s.Sums)...); err != nil {
		return err
	}
	fmt.Printf("artifacts in %s, every one matching %s:\n", s.Dist, filepath.Base(s.SHA256SUMS))
	for _, n := range slices.Sorted(maps.Keys(s.Sums)) {
		fmt.Printf("  %s\n", n)
	}
	fmt.Printf("version: %s\n", s.Version)
	return nil
}

func runInstallTest(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("install-test", flag.ContinueOnError)
	gr := goreleaserFlag(fs, root)
	tf := fs.String("terraform", envOr("TERRAFORM", filepath.Join(toolsBin(root), "terraform")), "Terraform CLI (TERRAFORM); -terraform= skips it")
	tofu := fs.String("tofu", envOr("TOFU", filepath.Join(toolsBin(root), "tofu")), "OpenTofu CLI (TOFU); -tofu= skips it")
	keep := fs.Bool("keep", os.Getenv("KEEP_WORK") == "1", "keep the work directory (KEEP_WORK=1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var clis []string
	for _, c := range []string{*tf, *tofu} {
		if c != "" {
			clis = append(clis, c)
		}
	}
	if len(clis) == 0 {
		return errors.New("install-test: no CLI to install with")
	}
	_, err := installtest.Run(ctx, installtest.Options{
		Root: root, Goreleaser: *gr, CLIs: clis, Out: os.Stdout, Keep: *keep,
	})
	return err
}

// runVerifyRelease checks a release directory as the registries and the CLIs
// rely on it (release.Verify: a binary signature by an RSA or DSA key that both
// CLIs' OpenPGP libraries accept, and the sums) and prints what it verified; release.yml runs it
// on the assets it published.
func runVerifyRelease(_ context.Context, _ string, args []string) error {
	fs := flag.NewFlagSet("verify-release", flag.ContinueOnError)
	keyFile := fs.String("key", "", "ASCII-armoured public key the release must be signed with (required)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: swr-dev verify-release -key <public key file> <release dir>")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyFile == "" || fs.NArg() != 1 {
		fs.Usage()
		return errors.New("verify-release needs -key and one directory")
	}
	return verifyRelease(os.Stdout, fs.Arg(0), *keyFile)
}

func verifyRelease(out io.Writer, dir, keyFile string) error {
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	v, err := release.Verify(dir, key)
	if err != nil {
		return fmt.Errorf("the release in %s does not verify:\n%w", dir, err)
	}
	fmt.Fprintf(out, "%s: good binary signature by the RSA or DSA key %s, as Terraform 1.5.7's and OpenTofu 1.12.6's OpenPGP libraries check it\n", filepath.Base(v.Signature), v.KeyID)
	fmt.Fprintf(out, "%s lists exactly these files, each matching:\n", filepath.Base(v.SHA256SUMS))
	for _, n := range slices.Sorted(maps.Keys(v.Sums)) {
		fmt.Fprintf(out, "  %s\n", n)
	}
	return nil
}
