package client

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// manyPolicies are n policies spread over three namespaces; every tenth is named
// "nightly" and others contain it ("nightly-3"), for the exact-name filter.
func manyPolicies(n int) []fakeapi.Policy {
	out := make([]fakeapi.Policy, n)
	for i := range out {
		name := fmt.Sprintf("nightly-%d", i)
		if i%10 == 0 {
			name = "nightly"
		}
		out[i] = fakeapi.Policy{ID: int64(i + 1), Name: name, Enabled: i%2 == 0, NamespaceName: fmt.Sprintf("ns-%d", i%3), Algorithm: "or"}
	}
	return out
}

// namespace_name is applied to the full snapshot (the API filters by id only) and
// name is exact even though the API's filter matches substrings.
func TestListPolicies_Filters(t *testing.T) {
	cases := []struct {
		name, policyName, namespace string
		wantIDs                     func(fakeapi.Policy) bool
		wantRequests                int
	}{
		{"all", "", "", func(fakeapi.Policy) bool { return true }, 2 * 3}, // policies can be deleted: a pass and one that confirms it
		{"namespace", "", "ns-1", func(p fakeapi.Policy) bool { return p.NamespaceName == "ns-1" }, 2 * 3},
		{"exact name", "nightly", "", func(p fakeapi.Policy) bool { return p.Name == "nightly" }, 2 * 3},
		{"both", "nightly", "ns-2", func(p fakeapi.Policy) bool { return p.Name == "nightly" && p.NamespaceName == "ns-2" }, 2 * 3},
		{"none", "daily", "", func(fakeapi.Policy) bool { return false }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, url := startFake(t)
			policies := manyPolicies(250)
			fake.SetPolicies("ins-1", policies)
			got, err := newTestClient(t, url).ListRetentionPolicies(context.Background(),
				ListPoliciesInput{InstanceID: "ins-1", Name: tc.policyName, NamespaceName: tc.namespace})
			if err != nil {
				t.Fatal(err)
			}
			var want, gotIDs []int64
			for _, p := range policies {
				if tc.wantIDs(p) {
					want = append(want, p.ID)
				}
			}
			for _, p := range got {
				gotIDs = append(gotIDs, p.ID)
			}
			if !reflect.DeepEqual(gotIDs, want) {
				t.Fatalf("got ids %v, want %v", gotIDs, want)
			}
			if n := fake.CountRequests("/retention/policies"); n != tc.wantRequests {
				t.Errorf("%d requests, want %d", n, tc.wantRequests)
			}
			for _, r := range fake.Requests() {
				if r.Query.Has("namespace_id") || r.Query.Get("name") != tc.policyName {
					t.Errorf("request %s?%s: want name=%q and no namespace_id", r.Path, r.RawQuery, tc.policyName)
				}
			}
		})
	}
}

// Every field of a policy is decoded, params of any JSON type become text.
func TestListPolicies_DecodesSample(t *testing.T) {
	fake, url := startFake(t)
	fake.SeedSample()
	got, err := newTestClient(t, url).ListRetentionPolicies(context.Background(),
		ListPoliciesInput{InstanceID: fakeapi.SampleInstance, NamespaceName: fakeapi.SampleNamespace})
	if err != nil || len(got) != 1 {
		t.Fatalf("%d policies, err %v", len(got), err)
	}
	p := got[0]
	if p.ID != 7 || p.Name != "platform-keep-latest-10" || !p.Enabled || p.NamespaceID != 1 || p.NamespaceName != "platform" ||
		p.Algorithm != "or" || p.Trigger.Type != "scheduled" || p.Trigger.TriggerSettings.Cron != "0 0 2 * * *" || len(p.Rules) != 1 {
		t.Fatalf("policy %+v", p)
	}
	r := p.Rules[0]
	if r.Action != "retain" || r.Template != "latestPushedK" || r.Disabled || r.Priority != 0 ||
		!reflect.DeepEqual(r.ParamStrings(), map[string]string{"latestPushedK": "10"}) ||
		!reflect.DeepEqual(r.TagSelectors, []Selector{{Kind: "doublestar", Decoration: "excludes", Pattern: "release-*"}}) ||
		!reflect.DeepEqual(r.RepositorySelectors(), []Selector{{Kind: "doublestar", Decoration: "repoMatches", Pattern: "**"}}) {
		t.Fatalf("rule %+v", r)
	}
}

func TestPolicyRule_ParamStrings(t *testing.T) {
	if got := (PolicyRule{}).ParamStrings(); len(got) != 0 {
		t.Errorf("no params: %v", got)
	}
	var r PolicyRule
	if err := json.Unmarshal([]byte(`{"params":{"n":10,"d":"7","f":1.5,"b":true,"o":{"a": [1, 2]},"z":null}}`), &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"n": "10", "d": "7", "f": "1.5", "b": "true", "o": `{"a":[1,2]}`, "z": ""}
	if got := r.ParamStrings(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
