package provider

import (
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// A status outside the documented ones warns once, naming the first three items
// with their status and counting them all; it keeps its own key in
// tasks_per_status; and a finished task (or execution) with it is failed.

func TestStatuses_UndocumentedTaskStatusWarnsNamingTheFirstFew(t *testing.T) {
	tasks := []client.Task{
		{ID: 1, Repository: "team/ok", Status: "Succeed", StatusCode: 3, EndTime: "2024-07-01T03:00:00Z"},
		{ID: 2, Repository: "team/err", Status: "Error", StatusCode: 3, EndTime: "2024-07-01T03:00:00Z"},
		{ID: 3, Repository: "team/low", Status: "failed", EndTime: "2024-07-01T03:00:00Z"},
		{ID: 4, Repository: "team/run", Status: "Running", StatusCode: 2},
		{ID: 5, Repository: "team/err2", Status: "Error\x1b[31m", StatusCode: 3},
		{ID: 6, Repository: "team/bad", Status: "Failed", StatusCode: 3, EndTime: "2024-07-01T03:00:00Z"},
	}
	got, warnings := summaryOf(t, tasks)
	want := `Undocumented status in the SWR API response: Task 2 (repository "team/err") has status "Error". ` +
		`Task 3 (repository "team/low") has status "failed". Task 4 (repository "team/run") has status "Running". ` +
		`4 tasks in all have a status the API does not document. ` +
		"The API documents `Initialized`, `Pending`, `InProgress`, `Succeed`, `Failed`, `Stopped` for tasks."
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) {
		t.Fatalf("warnings %q,\nwant one starting %q", warnings, want)
	}
	if strings.Contains(warnings[0], "team/err2") || strings.ContainsRune(warnings[0], '\x1b') {
		t.Errorf("the warning names a fourth task or carries a raw escape: %q", warnings[0])
	}
	// Failed: the documented Failed (6), and the finished undocumented ones: an
	// end time (2, 3) or a final status code (5); not the running one (4).
	if got["tasks_failed"] != 4 {
		t.Errorf("tasks_failed %d, want 4", got["tasks_failed"])
	}
	perStatus := perStatusOf(t, tasks)
	for status, n := range map[string]int64{"Succeed": 1, "Failed": 1, "Error": 1, "failed": 1, "Running": 1, "Error\x1b[31m": 1, "Pending": 0} {
		if perStatus[status] != n {
			t.Errorf("tasks_per_status[%q] = %d, want %d (all: %v)", status, perStatus[status], n, perStatus)
		}
	}
	failed := map[int64]bool{}
	for i, v := range taskItems.values(tasks, &readNotes{}) {
		var attrs map[string]tftypes.Value
		var f bool
		if err := v.As(&attrs); err != nil || attrs["failed"].As(&f) != nil {
			t.Fatal(err)
		}
		failed[tasks[i].ID] = f
	}
	for id, want := range map[int64]bool{1: false, 2: true, 3: true, 4: false, 5: true, 6: true} {
		if failed[id] != want {
			t.Errorf("task %d failed = %v, want %v", id, failed[id], want)
		}
	}
}

// One undocumented status names its item and needs no count.
func TestStatuses_OneUndocumentedExecutionStatusWarns(t *testing.T) {
	execs := []client.Execution{
		{ID: 10, Status: "Succeed", EndTime: "2024-07-01T03:00:00Z"},
		{ID: 11, Status: "Error", EndTime: "2024-07-01T03:00:00Z"},
		{ID: 12, Status: "Stopped", EndTime: "2024-07-01T03:00:00Z"},
	}
	var notes readNotes
	values := executionItems.values(execs, &notes)
	warnings := notes.warnings()
	want := "Execution 11 has status \"Error\". The API documents `InProgress`, `Succeed`, `Failed`, `Stopped` for executions."
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0].Detail(), want) || strings.Contains(warnings[0].Detail(), "in all") {
		t.Fatalf("warnings %v, want one starting %q", warnings, want)
	}
	for i, want := range []bool{false, true, false} {
		var attrs map[string]tftypes.Value
		var f bool
		if err := values[i].As(&attrs); err != nil || attrs["failed"].As(&f) != nil {
			t.Fatal(err)
		}
		if f != want {
			t.Errorf("execution %d failed = %v, want %v", execs[i].ID, f, want)
		}
	}
}

// Documented statuses give no warning, whatever their case of life.
func TestStatuses_DocumentedStatusesNoWarning(t *testing.T) {
	var tasks []client.Task
	for i, s := range client.TaskStatuses {
		tasks = append(tasks, client.Task{ID: int64(i + 1), Status: s})
	}
	var notes readNotes
	subTasks := []client.SubTask{{ID: 1, Status: "Succeed"}}
	taskItems.values(tasks, &notes)
	subTaskItems.values(subTasks, &notes)
	if w := notes.warnings(); len(w) > 0 {
		t.Errorf("warnings %v", w)
	}
	subTaskItems.values([]client.SubTask{{ID: 9, Status: "SUCCEED"}}, &notes)
	if w := notes.warnings(); len(w) != 1 || !strings.HasPrefix(w[0].Detail(), `Sub-task 9 has status "SUCCEED".`) {
		t.Errorf("sub-task warnings %v", w)
	}
}

// perStatusOf is tasks_per_status as the summary gives it.
func perStatusOf(t *testing.T, tasks []client.Task) map[string]int64 {
	t.Helper()
	var notes readNotes
	m := taskSummary(tasks, nil, &notes)["tasks_per_status"]
	var elems map[string]tftypes.Value
	if err := m.As(&elems); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for k, v := range elems {
		f := new(big.Float)
		if err := v.As(&f); err != nil {
			t.Fatal(err)
		}
		out[k], _ = f.Int64()
	}
	return out
}

// The guide Statuses and times lists the documented statuses in two tables,
// tasks then executions: exactly the statuses of client's table, in its order
// (the guide is prose, the table is what the provider checks against).
func TestStatuses_TheGuideListsTheDocumentedStatuses(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "statuses-and-times.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var tables [][]string // the first column of each table's body
	inBody := false
	for _, line := range strings.Split(string(data), "\n") {
		switch name, isRow := strings.CutPrefix(line, "| `"); {
		case strings.HasPrefix(line, "| ---"):
			tables, inBody = append(tables, nil), true
		case isRow && inBody:
			name, _, _ = strings.Cut(name, "`")
			tables[len(tables)-1] = append(tables[len(tables)-1], name)
		case !strings.HasPrefix(line, "|"):
			inBody = false
		}
	}
	if len(tables) < 2 || !slices.Equal(tables[0], client.TaskStatuses) || !slices.Equal(tables[1], client.ExecutionStatuses) {
		t.Errorf("the guide's tables list %q; want %q then %q", tables, client.TaskStatuses, client.ExecutionStatuses)
	}
}
