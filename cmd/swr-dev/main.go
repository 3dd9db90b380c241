// Command swr-dev runs the project's development programs, the logic behind the
// GNUmakefile's targets:
//
//	go run ./cmd/swr-dev demo             # make demo
//	go run ./cmd/swr-dev bench            # make bench (writes BENCHMARKS.md)
//	go run ./cmd/swr-dev install-test     # make install-test
//	go run ./cmd/swr-dev docs [-check]    # make generate / the docs freshness check
//	go run ./cmd/swr-dev release-snapshot # make release-snapshot
//	go run ./cmd/swr-dev verify-release -key <public key> <dir> # release.yml's check
//	go run ./cmd/swr-dev fuzz             # make fuzz
//	go run ./cmd/swr-dev clis             # build the pinned Terraform and OpenTofu into .tools/bin
//
// Each subcommand's -h lists its flags; environment variables the Makefile
// passes (DEMO_CLI, TERRAFORM, TOFU, BENCH_*) are read as flag defaults.
package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

type command struct {
	summary string
	run     func(ctx context.Context, root string, args []string) error
}

var commands = map[string]command{
	"demo":             {"the demo against the bundled fake", runDemo},
	"bench":            {"Go and end-to-end benchmarks; writes BENCHMARKS.md", runBench},
	"install-test":     {"install a signed snapshot release through a local registry and mirrors, and use it", runInstallTest},
	"docs":             {"generate docs/ (or -check it and the examples' format)", runDocs},
	"release-snapshot": {"goreleaser snapshot release into dist/", runReleaseSnapshot},
	"verify-release":   {"check a release's SHA256SUMS.sig and SHA256SUMS against its files", runVerifyRelease},
	"fuzz":             {"every fuzz target for a while", runFuzz},
	"clis":             {"build the pinned Terraform and OpenTofu into .tools/bin", runCLIs},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "swr-dev:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 || commands[args[0]].run == nil {
		fmt.Fprintln(os.Stderr, "usage: go run ./cmd/swr-dev <command> [flags]")
		for _, n := range slices.Sorted(maps.Keys(commands)) {
			fmt.Fprintf(os.Stderr, "  %-17s %s\n", n, commands[n].summary)
		}
		return fmt.Errorf("unknown command %q", args)
	}
	root, err := e2e.FindRoot()
	if err != nil {
		return err
	}
	return commands[args[0]].run(ctx, root, args[1:])
}

// toolsBin is where the Makefile keeps the pinned tools.
func toolsBin(root string) string { return filepath.Join(root, ".tools", "bin") }

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
