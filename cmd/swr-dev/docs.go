package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/docsgen"
)

func runDocs(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("docs", flag.ContinueOnError)
	check := fs.Bool("check", false, "check docs/ and the examples' format instead of writing docs/")
	cli := fs.String("cli", envOr("TERRAFORM", filepath.Join(toolsBin(root), "terraform")), "CLI that reads the schema (TERRAFORM)")
	docs := fs.String("tfplugindocs", envOr("TFPLUGINDOCS", filepath.Join(toolsBin(root), "tfplugindocs")), "tfplugindocs binary (TFPLUGINDOCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := docsgen.Options{Root: root, CLI: *cli, Tfplugindocs: *docs, Out: os.Stdout}
	if *check {
		return docsgen.Check(ctx, o)
	}
	return docsgen.Write(ctx, o)
}
