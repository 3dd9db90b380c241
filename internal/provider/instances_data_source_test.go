package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// instanceCheck is the exact state value of one instance.
func instanceCheck(i fakeapi.Instance) knownvalue.Check {
	str := knownvalue.StringExact
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": str(i.ID), "name": str(i.Name), "description": str(i.Description), "status": str(i.Status),
		"spec": str(i.Spec), "version": str(i.Version), "charge_mode": str(i.ChargeMode),
		"access_address": str(i.AccessAddress), "enterprise_project_id": str(i.EnterpriseProjectID),
		"vpc_id": str(i.VpcID), "vpc_name": str(i.VpcName), "vpc_cidr": str(i.VpcCidr),
		"subnet_id": str(i.SubnetID), "subnet_name": str(i.SubnetName), "subnet_cidr": str(i.SubnetCidr),
		"created_at": timeCheck(i.CreatedAt), "updated_at": timeCheck(i.UpdatedAt), "expires_at": timeCheck(i.ExpiresAt),
	})
}

// instancesFixture sets n instances on the fake, statuses and enterprise projects
// rotating, every field distinct, some times fractional or absent, and two named
// "registry" among names that contain it.
func instancesFixture(fake *fakeapi.Server, n int) {
	statuses := []string{"Running", "Running", "Creating", "Unavailable", "Initial"}
	for i := range n {
		name := fmt.Sprintf("registry-%d", i)
		if i%100 == 7 {
			name = "registry"
		}
		inst := fakeapi.Instance{
			ID: fmt.Sprintf("ins-%03d", i), Name: name, Description: fmt.Sprintf("instance %d", i), Status: statuses[i%len(statuses)],
			Spec: "swr.ee.professional", Version: fmt.Sprintf("v2.%d", i%4), ChargeMode: "postPaid",
			AccessAddress: fmt.Sprintf("https://r%d.example.test", i), EnterpriseProjectID: fmt.Sprint(i % 3),
			VpcID: fmt.Sprintf("vpc-%d", i), VpcName: fmt.Sprintf("vpc %d", i), SubnetID: fmt.Sprintf("subnet-%d", i), SubnetName: fmt.Sprintf("subnet %d", i),
			VpcCidr: fmt.Sprintf("10.%d.0.0/16", i%256), SubnetCidr: fmt.Sprintf("10.%d.1.0/24", i%256),
			CreatedAt: fmt.Sprintf("2024-01-%02dT08:00:00Z", 1+i%28), UpdatedAt: fmt.Sprintf("2024-02-%02dT08:00:00.5+08:00", 1+i%28),
		}
		if i%2 == 1 {
			inst.ExpiresAt = "2025-01-01T00:00:00Z"
		}
		fake.SetInstance(inst)
	}
}

// fakeInstances reads the fake's instance listing over HTTP (not through the code
// under test), then forgets that it did.
func fakeInstances(t *testing.T, fake *fakeapi.Server, url string) []fakeapi.Instance {
	t.Helper()
	var out []fakeapi.Instance
	fetchAll(t, url+"/v2/"+fakeapi.DefaultProjectID+"/instances", &out)
	fake.ResetRequests()
	return out
}

// Every page of 230 instances, every field; status and enterprise_project_id go
// to the API, name is matched exactly here (the API has no name filter and is
// never sent one).
func TestAccInstancesDataSource_AllPagesAndFilters(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	instancesFixture(fake, 230)
	all := fakeInstances(t, fake, url)
	if len(all) != 230 {
		t.Fatalf("the fake lists %d instances", len(all))
	}
	keep := func(ok func(fakeapi.Instance) bool) knownvalue.Check {
		var out []fakeapi.Instance
		for _, i := range all {
			if ok(i) {
				out = append(out, i)
			}
		}
		return listOf(out, instanceCheck)
	}
	cfg := providerConfig(url, authToken).data("instances", "all").data("instances", "running", `status = "Running"`).data("instances", "named", `name = "registry"`, `enterprise_project_id = "1"`).data("instances", "none", `name = "registry-9999"`).String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_instances.all", tfjsonpath.New("id"), knownvalue.StringExact("instances")),
				statecheck.ExpectKnownValue("data.swr_instances.all", tfjsonpath.New("instances"), keep(func(fakeapi.Instance) bool { return true })),
				statecheck.ExpectKnownValue("data.swr_instances.running", tfjsonpath.New("id"), knownvalue.StringExact("instances?status=Running")),
				statecheck.ExpectKnownValue("data.swr_instances.running", tfjsonpath.New("instances"), keep(func(i fakeapi.Instance) bool { return i.Status == "Running" })),
				statecheck.ExpectKnownValue("data.swr_instances.named", tfjsonpath.New("id"), knownvalue.StringExact("instances?enterprise_project_id=1&name=registry")),
				statecheck.ExpectKnownValue("data.swr_instances.named", tfjsonpath.New("instances"),
					keep(func(i fakeapi.Instance) bool { return i.Name == "registry" && i.EnterpriseProjectID == "1" })),
				statecheck.ExpectKnownValue("data.swr_instances.none", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{})),
			},
			Check: func(*terraform.State) error {
				// Per read: 3 pages unfiltered (all, none), twice (instances can be
				// deleted: a pass and one that confirms it), 1 for the 92 running, 1
				// for the 77 of project 1 (one page: one answer).
				counts := map[string]int{}
				for _, r := range fake.Requests() {
					if r.Path != "/v2/"+fakeapi.DefaultProjectID+"/instances" {
						continue
					}
					if r.Query.Has("name") {
						return fmt.Errorf("the name filter went to the API: %s", r.RawQuery)
					}
					counts[r.Query.Get("status")+"|"+r.Query.Get("enterprise_project_id")]++
				}
				want := map[string]int{"|": 2 * 6, "Running|": 1, "|1": 1}
				if fmt.Sprint(counts) != fmt.Sprint(want) {
					return fmt.Errorf("requests per filter %v, want %v (per plan or refresh)", counts, want)
				}
				return nil
			},
		}},
	})
}

// A status outside the documented four is refused before any request, naming
// the attribute and the values it takes.
func TestAccInstancesDataSource_StatusFilter(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SeedSample()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(url, authToken).data("instances", "x", `status = "running"`).String(),
				ExpectError: regexp.MustCompile(`(?s)status.*value must be one of:.*"Initial".*"Creating".*"Running".*"Unavailable"`),
			},
			{
				PreConfig: func() {
					if n := fake.CountRequests(""); n != 0 {
						t.Errorf("%d requests were sent for an invalid status", n)
					}
				},
				Config: providerConfig(url, authToken).data("instances", "x", `status = "Creating"`).String(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.swr_instances.x", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(fakeapi.SampleStagingInstance), "status": knownvalue.StringExact("Creating"),
							"access_address": knownvalue.StringExact(""), "updated_at": knownvalue.Null(), "expires_at": knownvalue.Null(),
						}),
					})),
				},
			},
		},
	})
}

// Instance times are read as every other time (times.go): a time without a zone
// as UTC, the zero time as null, and a garbled one as null with a warning, never
// a failed read; a second plan is empty.
func TestAccInstancesDataSource_TolerantTimes(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetInstance(fakeapi.Instance{ID: "ins-odd", Name: "odd", Status: "Running",
		CreatedAt: "yesterday", UpdatedAt: "2021-02-01 03:53:32", ExpiresAt: "0001-01-01T00:00:00Z"})
	odd := tfjsonpath.New("instances").AtSliceIndex(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(url, authToken).data("instances", "x", `name = "odd"`).String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.swr_instances.x", odd.AtMapKey("id"), knownvalue.StringExact("ins-odd")),
				statecheck.ExpectKnownValue("data.swr_instances.x", odd.AtMapKey("created_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.swr_instances.x", odd.AtMapKey("updated_at"), knownvalue.StringExact("2021-02-01T03:53:32Z")),
				statecheck.ExpectKnownValue("data.swr_instances.x", odd.AtMapKey("expires_at"), knownvalue.Null()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// The warning of an unreadable instance time names the instance by its string
// id, quoted, since the id is the API's text too.
func TestAPITimes_StringIDsQuoted(t *testing.T) {
	var notes readNotes
	values := instanceItems.values([]client.Instance{{ID: "ins-\u202eodd", CreatedAt: "yesterday"}}, &notes)
	var attrs map[string]tftypes.Value
	if err := values[0].As(&attrs); err != nil || !attrs["created_at"].IsNull() {
		t.Fatalf("created_at %v (%v), want null", attrs["created_at"], err)
	}
	diags := notes.warnings()
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), `Instance "ins-\u202eodd" has created_at "yesterday"`) {
		t.Fatalf("warnings %v", diags)
	}
}
