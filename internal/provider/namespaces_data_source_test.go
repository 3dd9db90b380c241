package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// namespaceCheck is the exact state value of one namespace.
func namespaceCheck(n fakeapi.Namespace) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": knownvalue.StringExact(n.Name), "id": knownvalue.Int64Exact(n.NamespaceID),
		"public": knownvalue.Bool(n.Metadata.Public == "true"), "repo_count": knownvalue.Int64Exact(n.RepoCount),
		"created_at": timeCheck(n.CreatedAt), "updated_at": timeCheck(n.UpdatedAt),
	})
}

// namespacesFixture: n namespaces, every third public, names "team-N" with one
// plain "team" among names that contain it (the API's name filter matches
// substrings in the fake; the data source's must not).
func namespacesFixture(n int) []fakeapi.Namespace {
	out := make([]fakeapi.Namespace, n)
	for i := range out {
		name := fmt.Sprintf("team-%d", i)
		if i == 42 {
			name = "team"
		}
		out[i] = fakeapi.Namespace{Name: name, NamespaceID: int64(1000 + i), Metadata: fakeapi.NamespaceMetadata{Public: fmt.Sprint(i%3 == 0)},
			RepoCount: int64(i % 11), CreatedAt: fmt.Sprintf("2024-03-%02dT10:00:00Z", 1+i%28)}
		if i%5 != 0 {
			out[i].UpdatedAt = "2024-04-01T10:00:00.123Z"
		}
	}
	return out
}

// Every page of 250 namespaces, every field; name and public are sent to the API
// and matched exactly here.
func TestAccNamespacesDataSource_AllPages(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fixture := namespacesFixture(250)
	fake.SetNamespaces("ins-ns", fixture)
	keep := func(ok func(fakeapi.Namespace) bool) knownvalue.Check {
		var out []fakeapi.Namespace
		for _, n := range fixture {
			if ok(n) {
				out = append(out, n)
			}
		}
		return listOf(out, namespaceCheck)
	}
	cfg := providerConfig(url, authAKSK).data("namespaces", "all", `instance_id = "ins-ns"`).data("namespaces", "public", `instance_id = "ins-ns"`, `public = true`).data("namespaces", "named", `instance_id = "ins-ns"`, `name = "team"`, `public = true`).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_namespaces.all", tfjsonpath.New("id"), knownvalue.StringExact("ins-ns/namespaces")),
				statecheck.ExpectKnownValue("data.swr_namespaces.all", tfjsonpath.New("namespaces"), keep(func(fakeapi.Namespace) bool { return true })),
				statecheck.ExpectKnownValue("data.swr_namespaces.public", tfjsonpath.New("id"), knownvalue.StringExact("ins-ns/namespaces?public=true")),
				statecheck.ExpectKnownValue("data.swr_namespaces.public", tfjsonpath.New("namespaces"), keep(func(n fakeapi.Namespace) bool { return n.Metadata.Public == "true" })),
				statecheck.ExpectKnownValue("data.swr_namespaces.named", tfjsonpath.New("id"), knownvalue.StringExact("ins-ns/namespaces?name=team&public=true")),
				statecheck.ExpectKnownValue("data.swr_namespaces.named", tfjsonpath.New("namespaces"), keep(func(n fakeapi.Namespace) bool { return n.Name == "team" && n.Metadata.Public == "true" })),
			},
			Check: func(*terraform.State) error {
				// Per read: 3 pages of 250, twice (namespaces can be deleted: a pass and
				// one that confirms it), 1 page of the 84 public, 1 page of the 84
				// public names containing "team" (every name does; one page: one
				// answer).
				counts := map[string]int{}
				for _, r := range fake.Requests() {
					if r.Path == "/v2/"+fakeapi.DefaultProjectID+"/instances/ins-ns/namespaces" {
						counts[r.Query.Get("name")+"|"+r.Query.Get("public")]++
					}
				}
				want := map[string]int{"|": 2 * 3, "|true": 1, "team|true": 1}
				if fmt.Sprint(counts) != fmt.Sprint(want) {
					return fmt.Errorf("requests per filter %v, want %v", counts, want)
				}
				return nil
			},
		}},
	})
}

// An unknown instance is a 404 naming instance_id; a bad instance id never
// leaves. The sample's shared instance holds 120 namespaces: two pages.
func TestAccNamespacesDataSource_SampleAndErrors(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SeedSample()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(url, authToken).data("namespaces", "x", `instance_id = "ins-nope"`).String(),
				ExpectError: regexp.MustCompile(`(?s)Not found: namespaces.*HTTP 404.*instance_id "ins-nope"`),
			},
			{
				Config:      providerConfig(url, authToken).data("namespaces", "x", `instance_id = "a/b"`).String(),
				ExpectError: regexp.MustCompile(`(?s)instance_id.*must not be blank or contain '/'`),
			},
			{
				Config: providerConfig(url, authPassword).data("namespaces", "shared", `instance_id = "`+fakeapi.SampleSharedInstance+`"`).String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.swr_namespaces.shared", tfjsonpath.New("namespaces"), knownvalue.ListSizeExact(fakeapi.SampleSharedNamespaces)),
					statecheck.ExpectKnownValue("data.swr_namespaces.shared", tfjsonpath.New("namespaces").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("base-images"), "id": knownvalue.Int64Exact(1), "public": knownvalue.Bool(true),
						"repo_count": knownvalue.Int64Exact(12), "created_at": knownvalue.StringExact("2024-02-10T10:00:00Z"),
						"updated_at": knownvalue.StringExact("2024-02-10T10:00:00Z"),
					})),
					statecheck.ExpectKnownValue("data.swr_namespaces.shared", tfjsonpath.New("namespaces").AtSliceIndex(fakeapi.SampleSharedNamespaces-1).AtMapKey("name"),
						knownvalue.StringExact(fmt.Sprintf("ci-cache-%03d", fakeapi.SampleSharedNamespaces-2))),
				},
			},
		},
	})
}
