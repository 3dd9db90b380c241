package docsgen

import (
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func TestShortName(t *testing.T) {
	for _, addr := range []string{"registry.terraform.io/swr-iac/swr", "registry.opentofu.org/swr-iac/swr"} {
		s := &tfjson.ProviderSchemas{Schemas: map[string]*tfjson.ProviderSchema{addr: {}}}
		if err := shortName(s, addr); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Schemas["swr"]; !ok || len(s.Schemas) != 1 {
			t.Errorf("%s: schemas %v, want only swr", addr, s.Schemas)
		}
	}
	s := &tfjson.ProviderSchemas{Schemas: map[string]*tfjson.ProviderSchema{"registry.terraform.io/hashicorp/other": {}}}
	if err := shortName(s, "registry.terraform.io/swr-iac/swr"); err == nil {
		t.Error("a schema output without the provider was accepted")
	}
}
