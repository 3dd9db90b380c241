package installtest

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// LockEntry reads the version and hashes a .terraform.lock.hcl records for the
// provider at addr (e.g. registry.terraform.io/swr-iac/swr).
func LockEntry(path, addr string) (string, []string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return "", nil, diags
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return "", nil, fmt.Errorf("%s: not native HCL", path)
	}
	for _, b := range body.Blocks {
		if b.Type != "provider" || len(b.Labels) != 1 || b.Labels[0] != addr {
			continue
		}
		var version string
		var hashes []string
		if a := b.Body.Attributes["version"]; a != nil {
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || !v.Type().Equals(cty.String) {
				return "", nil, fmt.Errorf("%s: version of %s is not a string", path, addr)
			}
			version = v.AsString()
		}
		if a := b.Body.Attributes["hashes"]; a != nil {
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || !v.CanIterateElements() {
				return "", nil, fmt.Errorf("%s: hashes of %s is not a list", path, addr)
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type().Equals(cty.String) {
					hashes = append(hashes, e.AsString())
				}
			}
		}
		return version, hashes, nil
	}
	return "", nil, fmt.Errorf("%s has no provider %q", path, addr)
}
