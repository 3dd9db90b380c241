package client

import (
	"context"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// namespace_id goes to the API, every request of the listing carries it, and
// the rules' id and repo_scope_mode are read.
func TestListPolicies_NamespaceIDAndRuleFields(t *testing.T) {
	fake, url := startFake(t)
	fake.SeedSample()
	c := newTestClient(t, url)
	got, err := c.ListRetentionPolicies(context.Background(), ListPoliciesInput{InstanceID: fakeapi.SampleInstance, NamespaceID: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != fakeapi.SampleOtherPolicyID || got[0].NamespaceID != 2 {
		t.Fatalf("got %+v, want policy %d of namespace 2 only", got, fakeapi.SampleOtherPolicyID)
	}
	rule := got[0].Rules[0]
	if rule.ID != 2 || rule.RepoScopeMode != "regular" {
		t.Errorf("rule id %d, repo_scope_mode %q; want 2, regular", rule.ID, rule.RepoScopeMode)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || !reflect.DeepEqual(reqs[0].Query["namespace_id"], []string{"2"}) {
		t.Errorf("requests %+v: want one, with namespace_id=2", reqs)
	}
}

// An API that ignores namespace_id still gives only that namespace's policies,
// and an absent rule id or mode is the zero value.
func TestListPolicies_NamespaceIDIgnoredByTheAPI(t *testing.T) {
	fake, url := startFake(t)
	fake.AddFault(fakeapi.Fault{Path: "/retention/policies", Status: 200,
		Body: `{"total":2,"retentions":[{"id":1,"namespace_id":1,"namespace_name":"a","rules":[{"id":5,"repo_scope_mode":"selection"}]},` +
			`{"id":2,"namespace_id":2,"namespace_name":"b","rules":[{"priority":0}]}]}`})
	c := newTestClient(t, url)
	for ns, want := range map[int64]PolicyRule{1: {ID: 5, RepoScopeMode: "selection"}, 2: {}} {
		got, err := c.ListRetentionPolicies(context.Background(), ListPoliciesInput{InstanceID: "ins", NamespaceID: ns})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].NamespaceID != ns {
			t.Fatalf("namespace_id %d: got %+v", ns, got)
		}
		if r := got[0].Rules[0]; r.ID != want.ID || r.RepoScopeMode != want.RepoScopeMode {
			t.Errorf("namespace_id %d: rule %+v, want id %d, mode %q", ns, r, want.ID, want.RepoScopeMode)
		}
	}
}
