package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

func TestOutputOrderFollowsTheFiles(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "a.tf"), []byte("output \"zeta\" {\n  value = 1\n}\nvariable \"v\" {}\noutput \"alpha\" {\n  value = 2\n}\n"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "b.tf"), []byte("output \"beta\" {\n  value = 3\n}\n"), 0o600)
	got, err := OutputOrder(dir)
	if err != nil || strings.Join(got, " ") != "zeta alpha beta" {
		t.Errorf("OutputOrder = %v, %v; want zeta alpha beta", got, err)
	}
}

// The examples the demo runs parse, and put their summary before their lists.
func TestExamplesSummaryFirst(t *testing.T) {
	order, err := OutputOrder(filepath.Join("..", "..", "..", "examples", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) == 0 || order[len(order)-1] != "tasks" || order[0] != "tasks_read" {
		t.Errorf("examples/demo outputs %v: want the summary first and every task last", order)
	}
}

func outputs(t *testing.T, values map[string]any) map[string]tfexec.OutputMeta {
	t.Helper()
	m := map[string]tfexec.OutputMeta{}
	for k, v := range values {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		m[k] = tfexec.OutputMeta{Value: raw}
	}
	return m
}

func TestRenderShortensListsAndSaysHowToSeeAll(t *testing.T) {
	rows := make([]string, 25)
	for i := range rows {
		rows[i] = "task " + string(rune('a'+i))
	}
	var b strings.Builder
	Render(&b, []string{"count", "per_status", "tasks"}, outputs(t, map[string]any{
		"tasks":      rows,
		"count":      25,
		"per_status": map[string]int{"Succeed": 20, "Failed": 5},
		"extra":      "\x1b[31mred",
	}), 10)
	got := b.String()
	want := []string{
		"==> count: 25\n",
		"==> per_status: Succeed=20 Failed=5\n",
		"==> tasks (25):\n    task a\n",
		"    task j\n    ... 15 more (" + MoreRowsHint + ")\n",
		"==> extra: ?[31mred\n", // not in the order: after it; control characters replaced
	}
	last := -1
	for _, w := range want {
		i := strings.Index(got, w)
		if i < 0 || i < last {
			t.Fatalf("output lacks, or misplaces, %q:\n%s", w, got)
		}
		last = i
	}
	if strings.Contains(got, "task k") {
		t.Errorf("more than 10 rows shown:\n%s", got)
	}

	b.Reset()
	Render(&b, []string{"tasks"}, outputs(t, map[string]any{"tasks": rows}), 0)
	if !strings.Contains(b.String(), "task y") || strings.Contains(b.String(), "more") {
		t.Errorf("rows=0 must show every row:\n%s", b.String())
	}
}

func TestRenderLargeNumericMapLargestFirst(t *testing.T) {
	m := map[string]int{}
	for i, n := range []int{5, 90, 7, 90, 1, 2, 3, 4, 6, 8} {
		m["repo-"+string(rune('a'+i))] = n
	}
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{"removed": m}), 3)
	got := b.String()
	if !strings.Contains(got, "    repo-b  90\n    repo-d  90\n    repo-j  8\n    ... 7 more") {
		t.Errorf("want the three largest, ties by name:\n%s", got)
	}
}

// A map of lists or maps (the account audit's findings per instance) shows each
// inner list shortened too, and says so.
func TestRenderShortensNestedListsAndMaps(t *testing.T) {
	names := make([]string, 12)
	for i := range names {
		names[i] = fmt.Sprintf("ns-%02d", i)
	}
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{
		"unprotected": map[string]any{"demo": []string{"sandbox"}, "empty": []string{}, "shared": names},
		"removed":     map[string]any{"demo": map[string]int{"platform/keep": 4104}},
	}), 10)
	got := b.String()
	for _, w := range []string{
		"    demo:\n      platform/keep  4104\n",
		"    demo:\n      sandbox\n    empty: (none)\n    shared:\n      ns-00\n",
		"      ns-09\n      ... 2 more (" + MoreRowsHint + ")\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "ns-10") {
		t.Errorf("more than 10 inner rows shown:\n%s", got)
	}
}

func TestWarningsKeepsCheckFailuresOnly(t *testing.T) {
	log := `╷
│ Warning: Provider development overrides are in effect
│
│ The following provider development overrides are set
╵
data.x: Reading...
╷
│ Warning: Check block assertion failed
│
│   on main.tf line 3, in check "c":
│ 3:     condition = false
│
│ 2 of 9 tasks failed.
╵

Apply complete! Resources: 0 added, 0 changed, 0 destroyed.
`
	got := Warnings(log)
	if len(got) != 1 {
		t.Fatalf("Warnings = %q, want the check block's only", got)
	}
	if !strings.HasPrefix(got[0], "Warning: Check block assertion failed") || !strings.HasSuffix(got[0], "2 of 9 tasks failed.") || strings.Contains(got[0], "Apply complete") {
		t.Errorf("Warnings()[0] = %q", got[0])
	}
}

// The README says for how many examples `make demo` does what it shows by hand:
// as many as Examples lists, in words.
func TestREADMECountsTheDemosExamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if len(Examples) >= len(words) {
		t.Fatalf("the demo runs %d examples: give the test a word for it", len(Examples))
	}
	want := fmt.Sprintf("`make demo` does all of this in one command, for %s examples.", words[len(Examples)])
	if text := strings.Join(strings.Fields(string(data)), " "); !strings.Contains(text, want) {
		t.Errorf("README.md does not say %q (the demo runs %v)", want, Examples)
	}
}
