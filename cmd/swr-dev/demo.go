package main

import (
	"context"
	"flag"
	"os"
	"strconv"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/demo"
)

func runDemo(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	cli := fs.String("cli", os.Getenv("DEMO_CLI"), "Terraform or OpenTofu to use, a path or a name on PATH (DEMO_CLI); default: tofu or terraform on PATH")
	rows := fs.String("rows", envOr("DEMO_ROWS", "3"), `rows shown per list output, or "all" (DEMO_ROWS)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	n := 0
	if *rows != "all" {
		var err error
		if n, err = strconv.Atoi(*rows); err != nil || n < 1 {
			return &usageError{`-rows (DEMO_ROWS) must be a positive number or "all", not ` + strconv.Quote(*rows)}
		}
	}
	return demo.Run(ctx, demo.Options{
		Root: root, CLI: *cli, ToolsBin: toolsBin(root),
		Examples: demo.Examples, Rows: n, Out: os.Stdout,
	})
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
