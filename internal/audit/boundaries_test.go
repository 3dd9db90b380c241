package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The thresholds are "longer than": a run that ended exactly stale_after ago is
// not stale, and one InProgress for exactly stuck_after is not stuck; a second
// more is.
func TestRun_ThresholdsAreExclusive(t *testing.T) {
	for _, over := range []time.Duration{0, time.Second} {
		fake, c := startFake(t)
		account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
			runs: map[int64][]fakeapi.Execution{1: {
				{ID: 11, Status: "InProgress", StartTime: ago(DefaultStuckAfter + over)},
				{ID: 10, Status: "Succeed", StartTime: ago(DefaultStaleAfter + time.Hour), EndTime: ago(DefaultStaleAfter + over)}}},
		}.load(fake)
		r := run(t, c, Options{})
		want := 0
		if over > 0 {
			want = 1
		}
		only(t, r, StalePolicy, want)
		only(t, r, StuckRun, want)
	}
}

// A requirement of 0 asks nothing, even of a rule whose number the registry
// returns negative; a rule keeping exactly the minimum meets it.
func TestRun_RequirementsAtTheirEdges(t *testing.T) {
	fake, c := startFake(t)
	negCount := keep10(1, "a")
	negCount.Rules[0].Params = map[string]any{"latestPushedK": -1}
	negDays := keep10(2, "b")
	negDays.Rules[0].Template, negDays.Rules[0].Params = "nDaysSinceLastPush", map[string]any{"nDaysSinceLastPush": -1}
	exact := keep10(3, "c")
	exact.Rules = append(exact.Rules, exact.Rules[0])
	exact.Rules[1].ID, exact.Rules[1].Template, exact.Rules[1].Params = 32, "nDaysSinceLastPull", map[string]any{"nDaysSinceLastPull": 7}
	account{namespaces: []string{"a", "b", "c"}, policies: []fakeapi.Policy{negCount, negDays, exact},
		runs: map[int64][]fakeapi.Execution{1: {ok(10)}, 2: {ok(20)}, 3: {ok(30)}}}.load(fake)
	only(t, run(t, c, Options{}), RulesBelowRequirement, 0)
	got := only(t, run(t, c, Options{Requirements: Requirements{MinVersionsKept: 10, MinDaysKept: 7}}), RulesBelowRequirement, 2)
	if got[0].PolicyID != 1 || got[1].PolicyID != 2 {
		t.Errorf("findings %+v, want the negative rules of policies 1 and 2 only", got)
	}
}

// A failed run's message lists at most five failed repositories, then how many
// more there are.
func TestRun_FailedRunListsFiveRepositories(t *testing.T) {
	for _, tc := range []struct {
		failed int
		want   string
	}{
		{5, "(5 failed tasks: r/0, r/1, r/2, r/3, r/4)"},
		{7, "(7 failed tasks: r/0, r/1, r/2, r/3, r/4 and 2 more)"},
	} {
		fake, c := startFake(t)
		var tasks []fakeapi.Task
		for i := range tc.failed {
			tasks = append(tasks, task(int64(i+1), fmt.Sprintf("r/%d", i), "Failed", 1, 1))
		}
		account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
			runs: map[int64][]fakeapi.Execution{1: {ok(10)}}, tasks: map[int64][]fakeapi.Task{10: tasks}}.load(fake)
		f := only(t, run(t, c, Options{}), FailedRun, 1)[0]
		if !strings.HasSuffix(f.Message, tc.want) {
			t.Errorf("%d failed: message %q, want it to end %q", tc.failed, f.Message, tc.want)
		}
	}
}

// How long a run has been stuck reads in hours below two days and in whole days
// from two; a threshold reads in days when whole ("1 day", not "1 days"), else
// as Go writes a duration.
func TestRun_StuckRunDurationsInMessages(t *testing.T) {
	for _, tc := range []struct {
		started, stuckAfter time.Duration
		want                string
	}{
		{30 * time.Hour, time.Hour, "has been InProgress for 30 hours (since 2024-07-09T06:00:00Z), longer than 1h0m0s"},
		{48 * time.Hour, 0, "has been InProgress for 2 days (since 2024-07-08T12:00:00Z), longer than 1 day"},
		{50 * time.Hour, 2 * day, "has been InProgress for 2 days (since 2024-07-08T10:00:00Z), longer than 2 days"},
	} {
		fake, c := startFake(t)
		account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(1, "apps")},
			runs: map[int64][]fakeapi.Execution{1: {{ID: 11, Status: "InProgress", StartTime: ago(tc.started)}, ok(10)}}}.load(fake)
		f := only(t, run(t, c, Options{StuckAfter: tc.stuckAfter}), StuckRun, 1)[0]
		if !strings.HasSuffix(f.Message, tc.want) {
			t.Errorf("started %s ago: message %q, want it to end %q", tc.started, f.Message, tc.want)
		}
	}
}

// Within one namespace the policies are in id order, and the findings of one
// policy in the order of Kinds: a run that failed long ago is failed_run, then
// stale_policy.
func TestRun_SortedWithinANamespace(t *testing.T) {
	fake, c := startFake(t)
	old := fakeapi.Execution{ID: 10, Status: "Failed", StartTime: ago(20 * day), EndTime: ago(20 * day)}
	account{namespaces: []string{"apps"}, policies: []fakeapi.Policy{keep10(3, "apps"), keep10(1, "apps")},
		runs: map[int64][]fakeapi.Execution{1: {old}, 3: {old}}}.load(fake)
	r := run(t, c, Options{})
	var order []string
	for _, f := range r.Findings {
		order = append(order, fmt.Sprintf("%d/%s", f.PolicyID, f.Kind))
	}
	want := []string{"1/failed_run", "1/stale_policy", "3/failed_run", "3/stale_policy"}
	if !slices.Equal(order, want) || r.Policies[0].ID != 1 || r.Policies[1].ID != 3 {
		t.Errorf("findings %v, want %v; policies %+v", order, want, r.Policies)
	}
}
