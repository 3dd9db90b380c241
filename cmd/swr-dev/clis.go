package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

func runCLIs(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("clis", flag.ContinueOnError)
	tfv := fs.String("terraform", envOr("TERRAFORM_VERSION", e2e.TerraformVersion), "Terraform version")
	tofuv := fs.String("tofu", envOr("OPENTOFU_VERSION", e2e.OpenTofuVersion), "OpenTofu version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, p := range []struct{ product, ver string }{{e2e.Terraform, *tfv}, {e2e.OpenTofu, *tofuv}} {
		c, err := e2e.BuildCLI(ctx, p.product, p.ver, toolsBin(root))
		if err != nil {
			return err
		}
		fmt.Printf("%s at %s\n", c, c.Path)
	}
	return nil
}
