package fakeapi_test

import (
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

var (
	jobIDRe = regexp.MustCompile(`^[0-9a-f]{24}$`)
	repoRe  = regexp.MustCompile(`^team-\d+/app-\d+$`)
)

func checkTaskInvariants(t *testing.T, tasks []fakeapi.Task, executionID int64) map[string]int {
	t.Helper()
	counts := map[string]int{}
	wantCode := map[string]int{"Initialized": 0, "Pending": 0, "InProgress": 2, "Succeed": 3, "Failed": 3, "Stopped": 3}
	for i, tk := range tasks {
		counts[tk.Status]++
		code, ok := wantCode[tk.Status]
		if !ok || tk.StatusCode != code {
			t.Fatalf("task %d: status %q code %d", i, tk.Status, tk.StatusCode)
		}
		if i > 0 && tk.ID <= tasks[i-1].ID {
			t.Fatalf("ids not ascending at %d", i)
		}
		if tk.ExecutionID != executionID || !jobIDRe.MatchString(tk.JobID) || !repoRe.MatchString(tk.Repository) {
			t.Fatalf("task %+v", tk)
		}
		start, err := time.Parse(time.RFC3339, tk.StartTime)
		if err != nil || start.Location() != time.UTC || tk.StatusRevision != start.Unix() {
			t.Fatalf("task %d start %q revision %d", i, tk.StartTime, tk.StatusRevision)
		}
		if code == 3 {
			end, err := time.Parse(time.RFC3339, tk.EndTime)
			if err != nil || end.Before(start) {
				t.Fatalf("task %d end %q", i, tk.EndTime)
			}
		} else if tk.EndTime != "" {
			t.Fatalf("task %d (%s) has end_time %q", i, tk.Status, tk.EndTime)
		}
		if tk.Retained < 0 || tk.Retained > tk.Total {
			t.Fatalf("task %d retained %d of %d", i, tk.Retained, tk.Total)
		}
	}
	return counts
}

func TestGenerateTasks(t *testing.T) {
	a := fakeapi.GenerateTasks(42, 1000, 7)
	b := fakeapi.GenerateTasks(42, 1000, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same inputs, different tasks")
	}
	if reflect.DeepEqual(a, fakeapi.GenerateTasks(42, 1000, 8)) || reflect.DeepEqual(a, fakeapi.GenerateTasks(43, 1000, 7)) {
		t.Fatal("another seed or execution gives the same tasks")
	}
	if !reflect.DeepEqual(a[:100], fakeapi.GenerateTasks(42, 100, 7)) {
		t.Fatal("a shorter list is not a prefix of the longer one")
	}
	counts := checkTaskInvariants(t, a, 42)
	if len(a) != 1000 || counts["Succeed"] < 700 || counts["Failed"] == 0 || counts["InProgress"] == 0 ||
		counts["Stopped"] == 0 || counts["Pending"]+counts["Initialized"] == 0 {
		t.Fatalf("status mix %v", counts)
	}
	if got := fakeapi.GenerateTasks(1, 0, 1); got == nil || len(got) != 0 {
		t.Fatalf("n=0: %v", got)
	}
	if got := fakeapi.GenerateTasks(-5, 3, -1); len(got) != 3 {
		t.Fatal("negative ids or seeds")
	}
}

func TestSeedSample(t *testing.T) {
	s, base := seeded(t)
	var all []fakeapi.Task
	for off := 0; off < 300; off += 100 {
		all = append(all, decodeTasks(t, get(t, base+sampleTasks+"?limit=100&offset="+strconv.Itoa(off))).Tasks...)
	}
	counts := checkTaskInvariants(t, all, 113)
	if len(all) != 250 || counts["Failed"] == 0 || counts["Succeed"] == 0 || counts["InProgress"] != 0 {
		t.Fatalf("execution 113: %d tasks, %v", len(all), counts)
	}
	// Deterministic: a second seeding gives the same data.
	_, base2 := seeded(t)
	var again []fakeapi.Task
	for off := 0; off < 300; off += 100 {
		again = append(again, decodeTasks(t, get(t, base2+sampleTasks+"?limit=100&offset="+strconv.Itoa(off))).Tasks...)
	}
	if !reflect.DeepEqual(all, again) {
		t.Fatal("SeedSample is not deterministic")
	}
	// Re-seeding the same server replaces, not appends.
	s.SeedSample()
	if l := decodeTasks(t, get(t, base+sampleTasks)); l.Total != 250 {
		t.Fatalf("after re-seed: %d", l.Total)
	}
	if l := decodeTasks(t, get(t, base+tasksPath("ins-demo", "tools", "9", "101"))); l.Total != 12 {
		t.Fatalf("execution 101: %d", l.Total)
	}
}
