package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// usage is `swr-fake -h`: what the fake is, the sample data it serves (described
// from a freshly seeded fake, so it cannot go stale), how to point the provider
// at it, then the flags.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `swr-fake serves a fake of the Huawei Cloud SWR Enterprise retention API and of
the two IAM calls the provider needs, on a loopback address, with sample data.

Usage: go run ./cmd/swr-fake [flags]

It prints its base URL (the SWR and the IAM endpoint at once) and the fake
credentials it accepts. Point the provider at it:

  provider "swr" {
    region       = "`+fakeapi.DefaultRegion+`"
    endpoint     = "<the URL it printed>"
    iam_endpoint = "<the URL it printed>"
    auth_token   = "`+fs.Lookup("token").DefValue+`" # the -token flag
  }

or leave the provider block empty and export HW_REGION_NAME, SWR_ENDPOINT,
HW_AUTH_URL and HW_AUTH_TOKEN instead.

Sample data (-seed sample; "newest" is what swr_retention_executions calls
latest, and the newest finished real run is the one an audit reads):

`)
	sample := fakeapi.New(fakeapi.Config{})
	sample.SeedSample()
	sample.Describe(indented{w})
	fmt.Fprint(w, "\nFlags:\n")
	fs.PrintDefaults()
}

// indented writes every line it is given two spaces in.
type indented struct{ w io.Writer }

func (i indented) Write(p []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(i.w, "  "+line); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
