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

// defaultGCPercent is the provider's GOGC (see main).
const defaultGCPercent = 30

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

	// A large listing is held whole while it becomes state, and GOGC's default lets
	// the heap grow to twice that before collecting. A GOGC of 30 keeps the peak
	// near what the read needs (under 100 MB at 10,000 tasks) at a CPU cost that
	// grows with the listing; a fixed memory limit instead made the collector
	// thrash at 100,000 tasks (see docs/guides/performance.md). GOGC overrides it.
	if os.Getenv("GOGC") == "" {
		rtdebug.SetGCPercent(defaultGCPercent)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/swr-iac/swr",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
