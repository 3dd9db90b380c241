package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The account as a client reads it over HTTP (every page of every listing), for
// the tests of the sample's cases and of the generator.

type viewPolicy struct {
	fakeapi.Policy
	Executions []fakeapi.Execution
	Tasks      map[int64][]fakeapi.Task // per execution id
}

type viewInstance struct {
	fakeapi.Instance
	Namespaces []fakeapi.Namespace
	Policies   []viewPolicy
}

// listAll reads every page of a listing into out (a pointer to a slice).
func listAll(t *testing.T, u, key string, out any) {
	t.Helper()
	var all []json.RawMessage
	for offset := 0; ; offset += 100 {
		sep := "?"
		if parsed, _ := url.Parse(u); parsed != nil && parsed.RawQuery != "" {
			sep = "&"
		}
		r := get(t, fmt.Sprintf("%s%slimit=100&offset=%d", u, sep, offset))
		var body map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 {
			t.Fatalf("GET %s: %d %s", u, r.status, r.body)
		}
		var total int
		var items []json.RawMessage
		if json.Unmarshal(body["total"], &total) != nil || json.Unmarshal(body[key], &items) != nil {
			t.Fatalf("GET %s: %s", u, r.body)
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			break
		}
	}
	raw, _ := json.Marshal(all)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}

// readAccount reads every instance with its namespaces, policies, executions
// and the tasks of every execution.
func readAccount(t *testing.T, base string) []viewInstance {
	t.Helper()
	prefix := base + "/v2/" + projectID + "/instances"
	var instances []fakeapi.Instance
	listAll(t, prefix, "instances", &instances)
	var out []viewInstance
	for _, inst := range instances {
		v := viewInstance{Instance: inst}
		listAll(t, prefix+"/"+inst.ID+"/namespaces", "namespaces", &v.Namespaces)
		var policies []fakeapi.Policy
		listAll(t, prefix+"/"+inst.ID+"/retention/policies", "retentions", &policies)
		for _, p := range policies {
			vp := viewPolicy{Policy: p, Tasks: map[int64][]fakeapi.Task{}}
			path := fmt.Sprintf("%s/%s/namespaces/%s/retention/policies/%d/executions", prefix, inst.ID, url.PathEscape(p.NamespaceName), p.ID)
			listAll(t, path, "executions", &vp.Executions)
			for _, e := range vp.Executions {
				var tasks []fakeapi.Task
				listAll(t, fmt.Sprintf("%s/%d/tasks", path, e.ID), "tasks", &tasks)
				vp.Tasks[e.ID] = tasks
			}
			v.Policies = append(v.Policies, vp)
		}
		out = append(out, v)
	}
	return out
}

// newestFinishedReal is the newest execution that is no dry run and has ended.
func (p viewPolicy) newestFinishedReal() *fakeapi.Execution {
	for i, e := range p.Executions {
		if !e.DryRun && e.Status != "InProgress" {
			return &p.Executions[i]
		}
	}
	return nil
}

func (p viewPolicy) activeRules() int {
	n := 0
	for _, r := range p.Rules {
		if !r.Disabled {
			n++
		}
	}
	return n
}
