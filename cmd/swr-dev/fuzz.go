package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// runFuzz runs every fuzz target of the packages for a while, one after another.
// Targets are found with `go test -list '^Fuzz'`, so new ones are picked up. A
// failing input is written to the package's testdata/fuzz/<target>/ by go test;
// commit it as a regression seed once the bug is fixed (plain go test runs the
// checked-in seeds).
func runFuzz(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
	d := fs.Duration("time", 20*time.Second, "time per target (FUZZ_SECONDS in the Makefile)")
	pkgs := fs.String("packages", "./internal/...", "packages to search for fuzz targets")
	// Every newly interesting input is minimized; go's default of 60s would eat a
	// short run.
	minimize := fs.Duration("minimize", 3*time.Second, "time spent minimizing each new input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	list := exec.CommandContext(ctx, "go", "test", "-list", "^Fuzz", *pkgs) //nolint:gosec // G204: go test of the packages the developer names
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		return fmt.Errorf("go test -list: %w", err)
	}
	targets := fuzzTargets(out)
	if len(targets) == 0 {
		return fmt.Errorf("no fuzz targets in %s", *pkgs)
	}
	var failed []string
	for _, t := range targets {
		fmt.Printf("=== %s (%s), %s\n", t.name, t.pkg, *d)
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-fuzz", "^"+t.name+"$", //nolint:gosec // G204: go test of a fuzz target go test -list found
			"-fuzztime", d.String(), "-fuzzminimizetime", minimize.String(), t.pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			failed = append(failed, t.name+" ("+t.pkg+")")
		}
	}
	if len(failed) > 0 {
		return errors.New("fuzzing FAILED for " + strings.Join(failed, ", "))
	}
	fmt.Printf("fuzzing passed: %d targets, %s each\n", len(targets), *d)
	return nil
}

type fuzzTarget struct{ pkg, name string }

// fuzzTargets reads `go test -list '^Fuzz'`: the names of a package, then
// "ok  <package> <time>" (or "?  <package> [no test files]").
func fuzzTargets(out []byte) []fuzzTarget {
	var targets []fuzzTarget
	var pending []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "Fuzz"):
			pending = append(pending, f[0])
		case len(f) >= 2 && (f[0] == "ok" || f[0] == "?"):
			for _, name := range pending {
				targets = append(targets, fuzzTarget{pkg: f[1], name: name})
			}
			pending = nil
		}
	}
	return targets
}
