package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// runCLIs builds the pinned Terraform and OpenTofu (or those named: terraform,
// tofu) into .tools/bin, once.
func runCLIs(ctx context.Context, root string, args []string) error {
	fs := flag.NewFlagSet("clis", flag.ContinueOnError)
	tfv := fs.String("terraform-version", envOr("TERRAFORM_VERSION", e2e.TerraformVersion), "Terraform version")
	tofuv := fs.String("tofu-version", envOr("OPENTOFU_VERSION", e2e.OpenTofuVersion), "OpenTofu version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, a := range fs.Args() {
		if a != "terraform" && a != "tofu" {
			return fmt.Errorf("clis: unknown CLI %q (terraform or tofu)", a)
		}
		want[a] = true
	}
	for _, p := range []struct{ name, product, ver string }{{"terraform", e2e.Terraform, *tfv}, {"tofu", e2e.OpenTofu, *tofuv}} {
		if len(want) > 0 && !want[p.name] {
			continue
		}
		fmt.Printf("%s v%s into %s (built from the Go module proxy once; minutes)\n", p.product, p.ver, toolsBin(root))
		c, err := e2e.BuildCLI(ctx, p.product, p.ver, toolsBin(root))
		if err != nil {
			return err
		}
		fmt.Printf("%s at %s\n", c, c.Path)
	}
	return nil
}
