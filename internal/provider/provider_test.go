package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Credentials the test fakes accept. They are fake, and distinct enough that a
// test can search logs and state for them.
const (
	testToken         = "tok-3f9a1c7e5b2d4a6c8e0f"
	testAccessKey     = "AKTESTSWR0123456789"
	testSecretKey     = "sk-9b8a7c6d5e4f3a2b1c0d"
	testSecurityToken = "sectok-1a2b3c4d5e6f7a8b"
	testUser          = "platform-bot"
	testPassword      = "pw-Zq8!xR2#vL5@"
	testDomain        = "acme"
)

// testProtoV6ProviderFactories serve the provider in-process to the CLI under test.
var testProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"swr": providerserver.NewProtocol6WithError(New("test")()),
}

// startFake starts the fake API on loopback with every test credential accepted.
func startFake(t *testing.T) (*fakeapi.Server, string) {
	t.Helper()
	return fakeapi.Start(t, fakeConfig())
}

func fakeConfig() fakeapi.Config {
	return fakeapi.Config{
		Tokens:     []string{testToken},
		AccessKeys: map[string]string{testAccessKey: testSecretKey},
		Users:      []fakeapi.User{{Name: testUser, Password: testPassword, Domain: testDomain}},
	}
}

// authMethod is a way the provider block authenticates in a test configuration.
type authMethod string

const (
	authToken         authMethod = "token"
	authAKSK          authMethod = "aksk"
	authAKSKTemporary authMethod = "aksk-temporary"
	authPassword      authMethod = "password"
	authNone          authMethod = "none"
)

// providerBlock is a provider configuration aimed at the fake at url. extra lines
// go inside the block. Every configuration sets endpoint and iam_endpoint: tests
// never send traffic anywhere but loopback.
func providerBlock(url string, auth authMethod, extra ...string) string {
	var lines []string
	lines = append(lines,
		fmt.Sprintf("  endpoint     = %q", url),
		fmt.Sprintf("  iam_endpoint = %q", url),
		fmt.Sprintf("  region       = %q", fakeapi.DefaultRegion),
	)
	switch auth {
	case authToken:
		lines = append(lines, fmt.Sprintf("  auth_token = %q", testToken))
	case authAKSK:
		lines = append(lines, fmt.Sprintf("  access_key = %q", testAccessKey), fmt.Sprintf("  secret_key = %q", testSecretKey))
	case authAKSKTemporary:
		lines = append(lines, fmt.Sprintf("  access_key = %q", testAccessKey), fmt.Sprintf("  secret_key = %q", testSecretKey),
			fmt.Sprintf("  security_token = %q", testSecurityToken))
	case authPassword:
		lines = append(lines, fmt.Sprintf("  user_name = %q", testUser), fmt.Sprintf("  password = %q", testPassword),
			fmt.Sprintf("  domain_name = %q", testDomain))
	}
	lines = append(lines, extra...)
	return "provider \"swr\" {\n" + strings.Join(lines, "\n") + "\n}\n"
}

// clearProviderEnv unsets every environment variable the provider reads, so the
// developer's own settings cannot change a test.
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, names := range envVars {
		for _, name := range names {
			if _, ok := os.LookupEnv(name); ok {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
		}
	}
}
