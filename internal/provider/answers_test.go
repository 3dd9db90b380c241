package provider

// What a user sees when the server's answer is not to be believed: a 200 that is
// not a listing, duplicate keys, a BOM, a proxy's 401/403, an IAM that ignores
// ?name=, IAM's own refusals, and an endpoint where nothing listens. Every
// configuration points endpoint and iam_endpoint at a loopback fake (or a closed
// loopback port).

import (
	"fmt"
	"net"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// answering returns a PreConfig that sets the fake's answers.
func answering(t *testing.T, fake *fakeapi.Server, a fakeapi.Answers) func() {
	return func() {
		if err := fake.SetAnswers(a); err != nil {
			t.Fatal(err)
		}
	}
}

// A 200 that is not a listing fails the read, and never reads as an empty list; a
// real empty listing and a BOM-prefixed one still read.
func TestAccRetentionExecutionTasksDataSource_AnswersThatAreNotListings(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	tasks := fakeapi.GenerateTasks(testExecution.ExecutionID, 5, 1)
	fake.SetTasks(testExecution, tasks)
	cfg := providerConfig(url, authToken).tasks(testExecution).String()
	notListing := func(mode fakeapi.ListAnswer, parts ...string) resource.TestStep {
		return resource.TestStep{
			PreConfig:   answering(t, fake, fakeapi.Answers{List: mode}),
			Config:      cfg,
			ExpectError: diagPattern(append([]string{"SWR API answered without a listing", "HTTP 200"}, parts...)...),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			notListing(fakeapi.ListErrorShape, "the answer is not a listing: it is an error body (APIG.0301: Incorrect IAM authentication information", "never reads such an answer as an empty list"),
			notListing(fakeapi.ListEmptyObject, `the answer is not a listing: it has no "tasks" list`),
			notListing(fakeapi.ListNullItems, `the answer is not a listing: "tasks" is null, not a list`),
			{
				PreConfig:   answering(t, fake, fakeapi.Answers{List: fakeapi.ListDuplicateKeys}),
				Config:      cfg,
				ExpectError: diagPattern("Unreadable response from the SWR API", `the key "total" appears twice in one object`),
			},
			{
				PreConfig: answering(t, fake, fakeapi.Answers{BOM: true}),
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), expectedTasks(tasks)),
				},
			},
			{
				PreConfig: func() { answering(t, fake, fakeapi.Answers{})(); fake.SetTasks(testExecution, nil) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// The account listings are held to the same rule.
func TestAccInstancesDataSource_AnswersThatAreNotListings(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SeedSample()
	if err := fake.SetAnswers(fakeapi.Answers{List: fakeapi.ListErrorShape}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(url, authToken).data("instances", "all").String(),
			ExpectError: diagPattern("SWR API answered without a listing", "it is an error body (APIG.0301"),
		}},
	})
}

// A 401 or 403 with a proxy's HTML page is said to come maybe from a proxy or
// gateway, on the API and on IAM, not diagnosed as the credentials' fault.
func TestAccProvider_ProxyRefusal(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: answering(t, fake, fakeapi.Answers{ProxyStatus: 403}),
				Config:    providerConfig(url, authToken, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID)).tasks(testExecution).String(),
				ExpectError: diagPattern("HTTP 403 from a proxy or gateway, maybe, not from the SWR API",
					"its body is not an error of the SWR API", fakeapi.ProxyPageMarker, "web application firewall", "HTTPS_PROXY"),
			},
			{
				PreConfig: answering(t, fake, fakeapi.Answers{ProxyStatus: 401}),
				Config:    providerConfig(url, authToken).tasks(testExecution).String(),
				ExpectError: diagPattern("HTTP 401 from a proxy or gateway, maybe, not from IAM",
					"its body is not an error of IAM", fakeapi.ProxyPageMarker, "Check iam_endpoint"),
			},
			{
				PreConfig:   answering(t, fake, fakeapi.Answers{ProxyStatus: 401}),
				Config:      providerConfig(url, authPassword).tasks(testExecution).String(),
				ExpectError: diagPattern("HTTP 401 from a proxy or gateway, maybe, not from IAM", fakeapi.ProxyPageMarker),
			},
		},
	})
}

// An IAM that ignores ?name= and lists another region's project gives no project
// id: the user is told what it listed.
func TestAccProvider_ProjectLookupMatchesName(t *testing.T) {
	clearProviderEnv(t)
	cfg := fakeConfig()
	cfg.Region = "cn-east-3"
	fake, url := fakeapi.Start(t, cfg)
	if err := fake.SetAnswers(fakeapi.Answers{IAMIgnoresName: true}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).tasks(testExecution).String(),
			ExpectError: diagPattern("Cannot determine the project id",
				`IAM knows no project named "cn-north-4" (it listed 1 other project(s): "cn-east-3", so it ignored the name filter`,
				"set project_id (HW_PROJECT_ID)"),
		}},
	})
}

// IAM's refusals name IAM and say the status once.
func TestAccProvider_IAMRefusalsNameIAM(t *testing.T) {
	clearProviderEnv(t)
	_, url := startFake(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(url, authNone, `auth_token = "not-a-valid-token"`).tasks(testExecution).String(),
				ExpectError: diagPattern("IAM rejected the credentials", "IAM answered HTTP 401 (APIG.0301",
					"Request: GET "+url+"/v3/projects?name=cn-north-4"),
			},
			{
				Config:      providerConfig(url, authNone, `user_name = "platform-bot"`, `password = "not-the-password-7"`, `domain_name = "acme"`).tasks(testExecution).String(),
				ExpectError: diagPattern("IAM authentication failed", "HTTP 401: The username or password is wrong."),
			},
		},
	})
}

// Nothing listening at an endpoint is said at once (the client tests count one
// attempt), naming the service and the argument.
func TestAccProvider_ConnectionRefused(t *testing.T) {
	clearProviderEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	_ = ln.Close()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(dead, authToken, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID)).tasks(testExecution).String(),
				ExpectError: diagPattern("Cannot reach the SWR API: connection refused", "connection refused",
					"Nothing is listening at that address, so the provider did not retry", "Check endpoint"),
			},
			{
				Config:      providerConfig(dead, authToken).tasks(testExecution).String(),
				ExpectError: diagPattern("Cannot reach IAM: connection refused", "/v3/projects", "Check iam_endpoint"),
			},
			{
				Config:      providerConfig(dead, authPassword, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID)).tasks(testExecution).String(),
				ExpectError: diagPattern("Cannot reach IAM: connection refused", "/v3/auth/tokens", "Check iam_endpoint"),
			},
		},
	})
}

// A 404 from IAM names iam_endpoint, whether the project lookup or the password
// token met it, and never reads as a wrong password or a missing instance.
func TestAccProvider_IAMNotFoundNamesIAMEndpoint(t *testing.T) {
	clearProviderEnv(t)
	_, url := startFake(t)
	wrongIAM := func(auth authMethod, args ...string) string {
		lines := append([]string{fmt.Sprintf("endpoint = %q", url), fmt.Sprintf("iam_endpoint = %q", url+"/identity"),
			fmt.Sprintf("region = %q", fakeapi.DefaultRegion)}, authArgs[auth]...)
		return testConfig{}.block(`provider "swr"`, append(lines, args...)...).tasks(testExecution).String()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: wrongIAM(authToken),
				ExpectError: diagPattern("IAM has no such API at iam_endpoint", "IAM answered HTTP 404 to GET "+url+"/identity/v3/projects",
					"iam_endpoint (HW_AUTH_URL) is probably not IAM's base URL"),
			},
			{
				Config:      wrongIAM(authPassword, fmt.Sprintf("project_id = %q", fakeapi.DefaultProjectID)),
				ExpectError: diagPattern("IAM has no such API at iam_endpoint", "IAM answered HTTP 404 to POST "+url+"/identity/v3/auth/tokens"),
			},
		},
	})
}
