// Package docsgen regenerates docs/ from templates/, examples/ and the provider's
// schema, fully offline (make generate), and checks that docs/ and the examples'
// formatting are current (part of make test):
//
//  1. build the provider into a workspace (package e2e);
//  2. read its schema through the CLI and the dev_overrides configuration (no init,
//     no registry): terraform-exec's ProvidersSchema;
//  3. run `tfplugindocs generate --providers-schema` on a copy of templates/ and
//     examples/, then `tfplugindocs validate` on the result;
//  4. replace docs/ with the result, or compare it with docs/.
package docsgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// Options of a docs run.
type Options struct {
	Root         string
	CLI          string // Terraform or OpenTofu, to read the schema and check formatting
	Tfplugindocs string
	Out          io.Writer
}

// Generate renders the docs into a new temporary directory and returns its docs
// directory; cleanup removes it.
func Generate(ctx context.Context, o Options) (docs string, cleanup func(), err error) {
	cli, err := e2e.InspectCLI(ctx, o.CLI)
	if err != nil {
		return "", nil, err
	}
	ws, err := e2e.NewWorkspace(ctx, o.Root)
	if err != nil {
		return "", nil, err
	}
	// ws.Close, not cleanup: a failing return sets the named cleanup to nil.
	defer func() {
		if err != nil {
			ws.Close()
		}
	}()
	config, err := ws.Subdir("config")
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(config, "main.tf"),
		fmt.Appendf(nil, "terraform {\n  required_providers {\n    swr = { source = %q }\n  }\n}\n", e2e.ProviderSource), 0o600); err != nil {
		return "", nil, err
	}
	tf, err := cli.Terraform(config, ws.CLIConfig)
	if err != nil {
		return "", nil, err
	}
	schemas, err := tf.ProvidersSchema(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("reading the provider schema: %w", err)
	}
	if err := shortName(schemas, cli.Registry()+"/"+e2e.ProviderSource); err != nil {
		return "", nil, err
	}
	schemaFile := filepath.Join(ws.Dir, "schema.json")
	data, err := json.Marshal(schemas)
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(schemaFile, data, 0o600); err != nil {
		return "", nil, err
	}

	// Render from copies, so that nothing but docs/ is ever written in the tree.
	site, err := ws.Subdir("site")
	if err != nil {
		return "", nil, err
	}
	for _, d := range []string{"templates", "examples"} {
		if err := os.CopyFS(filepath.Join(site, d), os.DirFS(filepath.Join(o.Root, d))); err != nil {
			return "", nil, err
		}
	}
	for _, args := range [][]string{
		{"generate", "--provider-dir", ".", "--provider-name", "swr", "--rendered-provider-name", "SWR", "--providers-schema", schemaFile},
		{"validate", "--provider-dir", ".", "--provider-name", "swr", "--providers-schema", schemaFile},
	} {
		cmd := exec.CommandContext(ctx, o.Tfplugindocs, args...) //nolint:gosec // G204: the tfplugindocs binary the developer names
		cmd.Dir = site
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("tfplugindocs %s: %w\n%s", args[0], err, out)
		}
	}
	return filepath.Join(site, "docs"), ws.Close, nil
}

// Write regenerates docs/ in the tree (stale pages of removed data sources go too).
func Write(ctx context.Context, o Options) error {
	docs, cleanup, err := Generate(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	dst := filepath.Join(o.Root, "docs")
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.CopyFS(dst, os.DirFS(docs)); err != nil {
		return err
	}
	n := 0
	_ = filepath.WalkDir(dst, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	fmt.Fprintf(o.Out, "docs/ regenerated (%d files)\n", n)
	return nil
}

// Check fails when an example is not `terraform fmt` clean (examples are shown
// verbatim in the docs) or docs/ is not what Generate gives now, printing what
// differs. It writes nothing in the tree.
func Check(ctx context.Context, o Options) error {
	cli, err := e2e.InspectCLI(ctx, o.CLI)
	if err != nil {
		return err
	}
	empty, err := os.MkdirTemp("", "swr-check-docs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(empty)
	tf, err := cli.Terraform(o.Root, filepath.Join(empty, "none.tfrc"))
	if err != nil {
		return err
	}
	failed := 0
	ok, files, err := tf.FormatCheck(ctx, tfexec.Recursive(true), tfexec.Dir("examples"))
	switch {
	case err != nil:
		return fmt.Errorf("%s fmt -check: %w", cli.Short(), err)
	case ok:
		fmt.Fprintln(o.Out, "PASS: examples are formatted")
	default:
		failed++
		fmt.Fprintf(o.Out, "FAIL: examples are not formatted; run: terraform fmt -recursive examples\n%s", e2e.Indent(strings.Join(files, "\n"), "    "))
	}

	docs, cleanup, err := Generate(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	// git diff --no-index compares any two trees; git is a prerequisite anyway.
	cmd := exec.CommandContext(ctx, "git", "diff", "--no-index", "--no-color", "--", "docs", docs)
	cmd.Dir = o.Root
	var diff bytes.Buffer
	cmd.Stdout = &diff
	switch err := cmd.Run(); {
	case err == nil:
		fmt.Fprintln(o.Out, "PASS: docs/ is up to date")
	case cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == 1:
		failed++
		fmt.Fprintf(o.Out, "FAIL: docs/ is stale; run: make generate (diff: committed -> generated)\n%s",
			strings.ReplaceAll(diff.String(), strings.TrimPrefix(docs, "/"), "generated"))
	default:
		return fmt.Errorf("comparing docs/: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("%d docs check(s) failed", failed)
	}
	return nil
}

// shortName files the provider's schema under its short name: tfplugindocs looks
// a schema up only as "<name>" or "registry.terraform.io/hashicorp/<name>".
func shortName(schemas *tfjson.ProviderSchemas, addr string) error {
	s, ok := schemas.Schemas[addr]
	if !ok {
		return fmt.Errorf("the CLI's schema output has no %s", addr)
	}
	delete(schemas.Schemas, addr)
	schemas.Schemas["swr"] = s
	return nil
}
