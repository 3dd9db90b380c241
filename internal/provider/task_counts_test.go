package provider

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The counts of tasks are checked: a negative count or retained above total
// warns, naming the first task by id and repository and counting the others; the
// sums saturate at the bounds of int64 with a warning instead of wrapping.

// summaryOf converts tasks as a read does and returns the summary attributes as
// int64s and the warnings' details.
func summaryOf(t *testing.T, tasks []client.Task) (map[string]int64, []string) {
	t.Helper()
	var notes readNotes
	values := taskItems.values(tasks, &notes)
	out := map[string]int64{}
	for name, v := range taskSummary(tasks, values, &notes) {
		if !v.Type().Is(tftypes.Number) {
			continue
		}
		var n int64
		var f = new(big.Float)
		if err := v.As(&f); err != nil {
			t.Fatal(err)
		}
		n, _ = f.Int64()
		out[name] = n
	}
	var details []string
	for _, d := range notes.warnings() {
		details = append(details, d.Summary()+": "+d.Detail())
	}
	return out, details
}

func TestTaskCounts_SumsSaturateWithAWarning(t *testing.T) {
	tasks := []client.Task{
		{ID: 1, Repository: "team/a", Total: math.MaxInt64, Retained: 1},
		{ID: 2, Repository: "team/b", Total: math.MaxInt64, Retained: 1},
	}
	got, warnings := summaryOf(t, tasks)
	if got["versions_total"] != math.MaxInt64 || got["versions_retained"] != 2 || got["versions_removed"] != math.MaxInt64 {
		t.Errorf("sums %v, want versions_total and versions_removed saturated at %d, versions_retained 2", got, int64(math.MaxInt64))
	}
	want := []string{
		`Count too large in the SWR API response: versions_total is 9223372036854775807, the bound of a 64-bit integer: the sum of total over the tasks passes it, at task 2 (repository "team/b").`,
		`Count too large in the SWR API response: versions_removed is 9223372036854775807, the bound of a 64-bit integer: versions_total - versions_retained passes it.`,
	}
	if len(warnings) != len(want) {
		t.Fatalf("warnings %q, want %d", warnings, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(warnings[i], w) {
			t.Errorf("warning %d:\n got %q\nwant %q…", i, warnings[i], w)
		}
	}
}

func TestTaskCounts_NegativeSumSaturatesDown(t *testing.T) {
	got, warnings := summaryOf(t, []client.Task{{ID: 1, Total: math.MinInt64}, {ID: 2, Total: -1}})
	if got["versions_total"] != math.MinInt64 {
		t.Errorf("versions_total %d, want %d", got["versions_total"], int64(math.MinInt64))
	}
	if len(warnings) != 3 || !strings.Contains(warnings[0], "Task 1 (repository \"\") has total -9223372036854775808, a negative count. 1 other tasks also have a negative total.") {
		t.Errorf("warnings %q", warnings)
	}
}

func TestTaskCounts_NegativeAndImpossibleCountsWarn(t *testing.T) {
	tasks := []client.Task{
		{ID: 1, Repository: "team/ok", Total: 5, Retained: 5},
		{ID: 7, Repository: "team/neg\x1b[31m", Total: -3, Retained: 0},
		{ID: 8, Repository: "team/over", Total: 9, Retained: 30},
		{ID: 9, Repository: "team/over2", Total: 1, Retained: 2},
		{ID: 10, Repository: "team/negret", Total: 4, Retained: -1},
	}
	got, warnings := summaryOf(t, tasks)
	// Summed as given: 5-3+9+1+4 = 16 considered, 5+0+30+2-1 = 36 kept.
	if got["versions_total"] != 16 || got["versions_retained"] != 36 || got["versions_removed"] != -20 {
		t.Errorf("sums %v", got)
	}
	want := []string{
		`Negative count in the SWR API response: Task 7 (repository "team/neg\x1b[31m") has total -3, a negative count. The provider keeps the count as the API gave it, and sums it as given. Please report this to the API's owner with the task id.`,
		`Impossible count in the SWR API response: Task 8 (repository "team/over") has retained 30, more than its total 9. 1 other tasks also have retained above total. The provider keeps`,
		`Negative count in the SWR API response: Task 10 (repository "team/negret") has retained -1, a negative count. The provider`,
	}
	if len(warnings) != len(want) {
		t.Fatalf("warnings %q, want %d", warnings, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(warnings[i], w) {
			t.Errorf("warning %d:\n got %q\nwant %q…", i, warnings[i], w)
		}
	}
	if strings.ContainsRune(strings.Join(warnings, ""), '\x1b') {
		t.Error("a warning carries the repository's raw escape character")
	}
}

// Sound counts give no warning, and the sums a check relies on.
func TestTaskCounts_SoundCountsNoWarning(t *testing.T) {
	got, warnings := summaryOf(t, []client.Task{{ID: 1, Total: 10, Retained: 3}, {ID: 2, Total: 2, Retained: 2}, {ID: 3}})
	if len(warnings) > 0 || got["versions_total"] != 12 || got["versions_retained"] != 5 || got["versions_removed"] != 7 || got["total"] != 3 {
		t.Errorf("sums %v, warnings %q", got, warnings)
	}
}

// A namespace's repo_count is a count too.
func TestNamespaceCounts_NegativeRepoCountWarns(t *testing.T) {
	var notes readNotes
	namespaceItems.values([]client.Namespace{{Name: "a", ID: 4, RepoCount: -2}}, &notes)
	diags := notes.warnings()
	if len(diags) != 1 || !strings.HasPrefix(diags[0].Detail(), "Namespace 4 has repo_count -2, a negative count.") {
		t.Errorf("warnings %v", diags)
	}
}

// On the CLI: two tasks of total 9223372036854775807 and tasks with impossible
// counts give saturated sums (never -2) and warnings naming the tasks.
func TestAccRetentionExecutionTasksDataSource_ImpossibleCountsWarn(t *testing.T) {
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.SetTasks(testExecution, []fakeapi.Task{
		{ID: 1, ExecutionID: testExecution.ExecutionID, Repository: "team/huge-1", Status: "Succeed", StatusCode: 3, Total: math.MaxInt64},
		{ID: 2, ExecutionID: testExecution.ExecutionID, Repository: "team/huge-2", Status: "Succeed", StatusCode: 3, Total: math.MaxInt64},
		{ID: 3, ExecutionID: testExecution.ExecutionID, Repository: "team/negative", Status: "Succeed", StatusCode: 3, Total: -4},
		{ID: 4, ExecutionID: testExecution.ExecutionID, Repository: "team/over", Status: "Succeed", StatusCode: 3, Total: 9, Retained: 30},
	})
	src := `terraform {
  required_providers {
    swr = { source = "swr-iac/swr" }
  }
}
` + providerConfig(url, authToken).tasks(testExecution).
		block(`output "versions"`, "value = { for k in [\"versions_total\", \"versions_retained\", \"versions_removed\"] : k => "+tasksAddress+"[k] }").String()
	w := newCLIWorkdir(t, src, nil)
	out := w.run("apply", "-auto-approve")
	var versions map[string]json.Number
	if err := json.Unmarshal(w.outputs()["versions"], &versions); err != nil {
		t.Fatal(err)
	}
	want := map[string]json.Number{"versions_total": "9223372036854775807", "versions_retained": "30", "versions_removed": "9223372036854775807"}
	for k, v := range want {
		if versions[k] != v {
			t.Errorf("%s = %s, want %s", k, versions[k], v)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, msg := range []string{
		"Warning: Count too large in the SWR API response",
		`versions_total is 9223372036854775807, the bound of a 64-bit integer: the sum of total over the tasks passes it, at task 2 (repository "team/huge-2").`,
		"Warning: Negative count in the SWR API response",
		`Task 3 (repository "team/negative") has total -4, a negative count.`,
		"Warning: Impossible count in the SWR API response",
		`Task 4 (repository "team/over") has retained 30, more than its total 9.`,
	} {
		if !strings.Contains(flat, msg) {
			t.Errorf("the CLI's output lacks %q:\n%s", msg, out)
		}
	}
	if fmt.Sprint(versions["versions_total"]) == "-2" {
		t.Error("the sum wrapped around")
	}
}

// The checked arithmetic at its edges.
func TestCountSum_Edges(t *testing.T) {
	sum := func(ns ...int64) countSum {
		var s countSum
		for _, n := range ns {
			s.add(n, func() string { return "x" })
		}
		return s
	}
	for _, tc := range []struct {
		name      string
		got       countSum
		want      int64
		saturated bool
	}{
		{"max+1", sum(math.MaxInt64, 1), math.MaxInt64, true},
		{"min-1", sum(math.MinInt64, -1), math.MinInt64, true},
		{"stays saturated", sum(math.MaxInt64, 1, -5), math.MaxInt64, true},
		{"max+min", sum(math.MaxInt64, math.MinInt64), -1, false},
		{"max-(-1)", sum(math.MaxInt64).difference(sum(-1)), math.MaxInt64, true},
		{"-1-min", sum(-1).difference(sum(math.MinInt64)), math.MaxInt64, false},
		{"0-min", sum(0).difference(sum(math.MinInt64)), math.MaxInt64, true},
		{"0-saturated max", sum(0).difference(sum(math.MaxInt64, 1)), math.MinInt64, true},
		{"5-3", sum(5).difference(sum(3)), 2, false},
	} {
		if tc.got.value != tc.want || tc.got.saturated != tc.saturated {
			t.Errorf("%s: %d (saturated %v), want %d (saturated %v)", tc.name, tc.got.value, tc.got.saturated, tc.want, tc.saturated)
		}
	}
}
