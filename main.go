package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/swr-iac/terraform-provider-swr/internal/provider"
)

// version and commit are set by the release build (goreleaser ldflags).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	var showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and commit, then exit")
	flag.Parse()
	if showVersion {
		fmt.Printf("terraform-provider-swr %s (commit %s)\n", version, commit)
		return
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/swr-iac/swr",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
