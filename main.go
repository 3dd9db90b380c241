package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	rtdebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/swr-iac/terraform-provider-swr/internal/provider"
)

// defaultMemoryLimit is the provider's soft memory limit (see main).
const defaultMemoryLimit = 80 << 20

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

	// A soft memory limit keeps the provider's peak near what a large listing really
	// holds instead of twice that (GOGC's default headroom); GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		rtdebug.SetMemoryLimit(defaultMemoryLimit)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/swr-iac/swr",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
