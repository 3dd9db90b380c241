package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

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
	s, err := release.Build(ctx, release.Options{Root: root, Goreleaser: *gr, Dist: *dist, HostOnly: *hostOnly, Log: os.Stdout})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(s.Sums))
	for n := range s.Sums {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("artifacts in %s, every one matching %s:\n", s.Dist, filepath.Base(s.SHA256SUMS))
	for _, n := range names {
		fmt.Printf("  %s\n", n)
	}
	fmt.Printf("version: %s\n", s.Version)
	return nil
}

func runInstallTest(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("install-test", flag.ContinueOnError)
	gr := goreleaserFlag(fs, root)
	tf := fs.String("terraform", envOr("TERRAFORM", filepath.Join(toolsBin(root), "terraform")), "Terraform CLI (TERRAFORM)")
	tofu := fs.String("tofu", envOr("TOFU", filepath.Join(toolsBin(root), "tofu")), "OpenTofu CLI (TOFU)")
	keep := fs.Bool("keep", os.Getenv("KEEP_WORK") == "1", "keep the work directory (KEEP_WORK=1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := installtest.Run(ctx, installtest.Options{
		Root: root, Goreleaser: *gr, CLIs: []string{*tf, *tofu}, Out: os.Stdout, Keep: *keep,
	})
	return err
}
