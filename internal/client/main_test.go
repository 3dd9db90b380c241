package client

import (
	"os"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/proxyguard"
)

// TestMain runs every test of the package behind a proxy that refuses and
// records any connection to a host other than loopback, and fails the run if
// there was one: no test traffic leaves loopback.
func TestMain(m *testing.M) { os.Exit(proxyguard.Main(m)) }
