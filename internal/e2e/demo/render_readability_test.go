package demo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
)

// An object in a row reads as key=value pairs, its lists as their first elements
// and how many more: never JSON.
func TestRenderObjectsReadably(t *testing.T) {
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{
		"failed": map[string]any{
			"demo":   map[string]any{"platform/keep": map[string]any{"execution_id": 113, "status": "Failed", "repositories": []string{"a", "b", "c", "d", "e"}}},
			"shared": map[string]any{},
		},
	}), 3)
	got := b.String()
	want := "==> failed (1):\n    demo:\n      platform/keep  execution_id=113; repositories=a, b, c and 2 more; status=Failed\n    shared: (none)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.ContainsAny(got, "{}[]\"") {
		t.Errorf("JSON in the output:\n%s", got)
	}
}

// A map of lists counts the rows it holds, not its groups, and the "more" line
// counts what it hides the same way.
func TestRenderCountsWhatItShows(t *testing.T) {
	groups := map[string]any{}
	for _, k := range []string{"g1", "g2", "g3", "g4", "g5"} {
		groups[k] = []string{k + "-a", k + "-b"}
	}
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{"findings": groups}), 3)
	got := b.String()
	for _, w := range []string{"==> findings (10):\n", "    ... 4 more in 2 more groups ("} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
}

// A small object of mixed values (the progress view) shows every value, one a
// line, maps and lists inline.
func TestRenderSmallObjectWhole(t *testing.T) {
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{"progress": map[string]any{
		"execution": 114, "done": "3 of 250 tasks", "per_status": map[string]int{"Pending": 246, "Succeed": 3},
		"failed_so_far": []string{},
	}}), 1)
	want := "==> progress:\n    done           3 of 250 tasks\n    execution      114\n    failed_so_far  (none)\n    per_status     Pending=246 Succeed=3\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestPluralAgrees(t *testing.T) {
	for n, want := range map[int]string{0: "0 requests", 1: "1 request", 2: "2 requests"} {
		if got := plural(n, "request", "requests"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// A check block's warning keeps its title and message, not the source excerpt.
func TestWarningsDropTheSourceExcerpt(t *testing.T) {
	log := "╷\n│ Warning: Check block assertion failed\n│\n│   on main.tf line 116, in check \"c\":\n│  116:     condition = length(local.x) == 0\n│     ├────────────────\n│     │ local.x is tuple with 14 elements\n│\n│ 14 of 250 tasks failed.\n╵\n"
	got := Warnings(log)
	if len(got) != 1 || got[0] != "Warning: Check block assertion failed\n14 of 250 tasks failed." {
		t.Errorf("Warnings = %q", got)
	}
}

// The account audit's findings by kind show every kind, one finding of each,
// however few rows the demo shows of other lists; the count and the "more"
// lines still count every finding.
func TestRenderFindingsOneOfEachKind(t *testing.T) {
	byKind := map[string]any{}
	total := 0
	for i, k := range audit.Kinds {
		var msgs []string
		for j := range i%3 + 1 {
			msgs = append(msgs, fmt.Sprintf("%s #%d", k, j+1))
		}
		byKind[string(k)] = msgs
		total += len(msgs)
	}
	var b strings.Builder
	Render(&b, nil, outputs(t, map[string]any{"findings": byKind}), 3)
	got := b.String()
	if !strings.Contains(got, fmt.Sprintf("==> findings (%d):\n", total)) || strings.Contains(got, "more groups") {
		t.Errorf("want every finding counted and no group hidden:\n%s", got)
	}
	for i, k := range audit.Kinds {
		want := fmt.Sprintf("    %s:\n      %s #1\n", k, k)
		if i%3 > 0 {
			want += fmt.Sprintf("      ... %d more (%s)\n", i%3, MoreRowsHint)
		}
		if !strings.Contains(got, want) || strings.Contains(got, string(k)+" #2") {
			t.Errorf("kind %s: want exactly %q:\n%s", k, want, got)
		}
	}
}
