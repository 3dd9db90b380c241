package fakeapi_test

import (
	"encoding/json"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// rawList decodes a list body keeping total as raw JSON (absent: nil).
func rawList(t *testing.T, r response, key string) (total json.RawMessage, hasTotal bool, ids []int64) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	var items []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(m[key], &items); err != nil || items == nil {
		t.Fatalf("%s in %s: %v", key, r.body, err)
	}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	total, hasTotal = m["total"]
	return total, hasTotal, ids
}

func TestListingQuirks_Total(t *testing.T) {
	s, base := seeded(t)
	failed := decodeTasks(t, get(t, base+sampleTasks+"?status=Failed&limit=100"))
	if failed.Total == 0 || failed.Total >= fakeapi.SampleTaskCount || len(failed.Tasks) != failed.Total {
		t.Fatalf("sample Failed tasks: total %d, %d listed", failed.Total, len(failed.Tasks))
	}
	cases := []struct {
		mode     fakeapi.TotalMode
		hasTotal bool
		total    string
	}{
		{fakeapi.TotalFiltered, true, jsonInt(failed.Total)},
		{fakeapi.TotalUnfiltered, true, jsonInt(fakeapi.SampleTaskCount)},
		{fakeapi.TotalAbsent, false, ""},
		{fakeapi.TotalNull, true, "null"},
	}
	for _, tc := range cases {
		s.SetListingQuirks(fakeapi.ListingQuirks{Total: tc.mode})
		total, has, ids := rawList(t, get(t, base+sampleTasks+"?status=Failed&limit=100"), "tasks")
		if has != tc.hasTotal || string(total) != tc.total {
			t.Errorf("%v: total %q (present %v), want %q", tc.mode, total, has, tc.total)
		}
		// The items are the filtered ones whatever total says.
		if len(ids) != failed.Total || ids[0] != failed.Tasks[0].ID {
			t.Errorf("%v: ids %v", tc.mode, ids)
		}
		// Every list call follows the mode.
		for _, l := range []struct{ path, key string }{
			{"/v2/" + projectID + "/instances/ins-demo/retention/policies?name=platform", "retentions"},
			{"/v2/" + projectID + "/instances/ins-demo/namespaces/platform/retention/policies/7/executions", "executions"},
			{sampleTasks + "/" + jsonInt(failed.Tasks[0].ID) + "/subtasks?status=Failed", "sub_tasks"},
		} {
			_, has, ids := rawList(t, get(t, base+l.path), l.key)
			if has != tc.hasTotal || len(ids) == 0 {
				t.Errorf("%v %s: total present %v, %d items", tc.mode, l.key, has, len(ids))
			}
		}
	}
	s.SetListingQuirks(fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered})
	total, _, ids := rawList(t, get(t, base+"/v2/"+projectID+"/instances/ins-demo/retention/policies?namespace_id=2"), "retentions")
	if string(total) != "2" || len(ids) != 1 || ids[0] != fakeapi.SampleOtherPolicyID {
		t.Errorf("policies of namespace 2 with the unfiltered total: total %s, ids %v", total, ids)
	}
}

func TestListingQuirks_IgnoreFilters(t *testing.T) {
	s, base := seeded(t)
	s.SetListingQuirks(fakeapi.ListingQuirks{IgnoreFilters: true})
	l := decodeTasks(t, get(t, base+sampleTasks+"?status=Failed&limit=100"))
	if l.Total != fakeapi.SampleTaskCount || len(l.Tasks) != 100 {
		t.Fatalf("ignored status: total %d, %d tasks", l.Total, len(l.Tasks))
	}
	statuses := map[string]bool{}
	for _, task := range l.Tasks {
		statuses[task.Status] = true
	}
	if !statuses["Succeed"] || !statuses["Failed"] {
		t.Errorf("statuses listed %v, want the unfiltered mix", statuses)
	}
	total, _, ids := rawList(t, get(t, base+"/v2/"+projectID+"/instances/ins-demo/retention/policies?name=tools&namespace_id=2"), "retentions")
	if string(total) != "2" || len(ids) != 2 {
		t.Errorf("ignored name and namespace_id: total %s, ids %v", total, ids)
	}
	// A filter it ignores is still validated.
	if r := get(t, base+sampleTasks+"?status=bogus"); r.status != 400 {
		t.Errorf("invalid status with filters ignored: %d", r.status)
	}
}

func TestListingQuirks_IgnoreOffset(t *testing.T) {
	s, base := seeded(t)
	first := decodeTasks(t, get(t, base+sampleTasks+"?limit=100"))
	s.SetListingQuirks(fakeapi.ListingQuirks{IgnoreOffset: true})
	for _, off := range []string{"100", "200", "10000"} {
		l := decodeTasks(t, get(t, base+sampleTasks+"?limit=100&offset="+off))
		if l.Total != fakeapi.SampleTaskCount || len(l.Tasks) != 100 || l.Tasks[0] != first.Tasks[0] || l.Tasks[99] != first.Tasks[99] {
			t.Errorf("offset %s: total %d, %d tasks from %d", off, l.Total, len(l.Tasks), l.Tasks[0].ID)
		}
	}
	s.SetListingQuirks(fakeapi.ListingQuirks{})
	if l := decodeTasks(t, get(t, base+sampleTasks+"?limit=100&offset=200")); len(l.Tasks) != 50 {
		t.Errorf("back to the defaults: %d tasks at offset 200", len(l.Tasks))
	}
}

func TestParseTotalMode(t *testing.T) {
	for _, m := range []fakeapi.TotalMode{fakeapi.TotalFiltered, fakeapi.TotalUnfiltered, fakeapi.TotalAbsent, fakeapi.TotalNull} {
		got, err := fakeapi.ParseTotalMode(m.String())
		if err != nil || got != m {
			t.Errorf("%v: %v %v", m, got, err)
		}
	}
	if _, err := fakeapi.ParseTotalMode("sometimes"); err == nil {
		t.Error("unknown mode accepted")
	}
}

func jsonInt[T int | int64](n T) string { b, _ := json.Marshal(n); return string(b) }
