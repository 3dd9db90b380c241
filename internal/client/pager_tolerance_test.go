package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The API's total is a hint: the SDK marks it optional, and whether a filtered
// listing counts the filter is not documented (Harbor counts the unfiltered set).
// These tests read listings as such an API may serve them, at the pager and through
// every list call of the client, asserting the exact result and the requests.

// hintAPI serves items; total is what it reports (nil: no total), and ignoreOffset
// serves the first page whatever the offset.
type hintAPI struct {
	items        []item
	total        *int
	ignoreOffset bool
	calls        atomic.Int32
}

func (a *hintAPI) fetch(_ context.Context, offset, limit int) (Page[item], error) {
	a.calls.Add(1)
	if a.ignoreOffset {
		offset = 0
	}
	p := Page[item]{NoTotal: a.total == nil}
	if a.total != nil {
		p.Total = *a.total
	}
	if end := min(offset+limit, len(a.items)); offset < end {
		p.Items = append([]item(nil), a.items[offset:end]...)
	}
	return p, nil
}

func intPtr(n int) *int { return &n }

func wantItems(t *testing.T, where string, got []item, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%s: %d items, want %d", where, len(got), n)
	}
	for i, it := range got {
		if it.id != int64(i+1) {
			t.Fatalf("%s: position %d holds id %d", where, i, it.id)
		}
	}
}

// Without a total the listing is read until a short page: pages 1..P go out with
// the first full page, and each later one once the page P before it came back full,
// so a listing whose short page is page k costs k+P requests (1 when the first page
// is short), whatever the timing.
func TestPager_NoTotalReadsUntilAShortPage(t *testing.T) {
	for _, tc := range []struct {
		n, concurrency, requests int
	}{
		{0, 4, 1}, {1, 4, 1}, {99, 4, 1},
		{100, 1, 2}, {100, 4, 5}, // the short page is the empty page 1
		{250, 1, 3}, {250, 2, 4}, {250, 4, 6},
		{1000, 1, 11}, {1000, 4, 14},
	} {
		for _, filtered := range []bool{false, true} {
			where := fmt.Sprintf("%d items, P=%d, filtered %v", tc.n, tc.concurrency, filtered)
			api := &hintAPI{items: items(tc.n)}
			got, err := listing[item, int64]{what: "things", concurrency: tc.concurrency, filtered: filtered, fetch: api.fetch, id: idOf}.read(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			wantItems(t, where, got, tc.n)
			if n := int(api.calls.Load()); n != tc.requests {
				t.Errorf("%s: %d requests, want %d", where, n, tc.requests)
			}
		}
	}
}

// A filtered listing whose total counts more than the filter matched is read until
// the short page, never past total, with at most P-1 requests past the short page;
// it is exact, no error. A total that counts the filter costs ceil(N/100).
func TestPager_FilteredTotalIsABound(t *testing.T) {
	for _, tc := range []struct {
		matched, total, concurrency, requests int
	}{
		// A short page whose total reaches past it asks for the page after it (one
		// more request at P=1, or a first page short): empty, a real end.
		{0, 1000, 4, 2}, {30, 1000, 4, 2}, {30, 100, 4, 1},
		{150, 1000, 1, 3}, {150, 1000, 4, 5}, {150, 250, 4, 3}, // min(1+P, ceil(total/100))
		{200, 1000, 4, 6}, {200, 200, 4, 2}, // full pages up to total need no empty page
		{250, 250, 4, 3}, {100, 100, 4, 1}, {0, 0, 4, 1},
	} {
		where := fmt.Sprintf("%d matched, total %d, P=%d", tc.matched, tc.total, tc.concurrency)
		logs := &recordingLogger{}
		api := &hintAPI{items: items(tc.matched), total: intPtr(tc.total)}
		got, err := listing[item, int64]{what: "things", concurrency: tc.concurrency, filtered: true, fetch: api.fetch, id: idOf, logger: logs}.read(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		wantItems(t, where, got, tc.matched)
		if n := int(api.calls.Load()); n != tc.requests {
			t.Errorf("%s: %d requests, want %d", where, n, tc.requests)
		}
		saysSo := logs.has("total counts more than the filter matched", map[string]any{"total": tc.total, "listed": tc.matched, "requests": tc.requests})
		if saysSo != (tc.matched < tc.total) {
			t.Errorf("%s: debug line logged %v; log %v", where, saysSo, logs.entries())
		}
	}
}

// An unfiltered listing keeps the strict snapshot: a total larger than the items
// is an inconsistency, not a hint, found at the first page short of what total
// promised (page 1), in each of the 3 reads.
func TestPager_UnfilteredTotalIsStrict(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		api := &hintAPI{items: items(150), total: intPtr(1000)}
		_, err := listing[item, int64]{what: "things", concurrency: concurrency, fetch: api.fetch, id: idOf}.read(context.Background())
		var inconsistent *InconsistentListError
		if !errors.As(err, &inconsistent) || !strings.Contains(inconsistent.Reason, "promised") {
			t.Fatalf("P=%d: err %v", concurrency, err)
		}
		if n := int(api.calls.Load()); concurrency == 1 && n != 3*2 || n < 3*2 || n > 3*(1+concurrency) {
			t.Errorf("P=%d: %d requests, want 3 reads of at most 1+P", concurrency, n)
		}
	}
}

// What no total can excuse: items after a short page, more items than total, a
// total that appears or changes between pages.
func TestPager_HintedListingsStillCheckEachPage(t *testing.T) {
	cases := []struct {
		name  string
		total *int
		// sequential: whether a sequential read shows it (false when only pages read
		// past the short one can)
		sequential bool
		corrupt    func(offset int, p *Page[item])
		reason     string
	}{
		{"items after a short page", nil, false, func(offset int, p *Page[item]) {
			if offset == 100 {
				p.Items = p.Items[:50]
			}
		}, "after a short page at offset 100"},
		{"more items than total", intPtr(150), true, func(offset int, p *Page[item]) {}, "reported a total of 150 but the page at offset 100 reaches item 200"},
		{"a total appears", nil, true, func(offset int, p *Page[item]) {
			if offset == 200 {
				p.NoTotal, p.Total = false, 400
			}
		}, "total changed from none to 400"},
		{"a total changes", intPtr(1000), true, func(offset int, p *Page[item]) {
			if offset == 100 {
				p.Total = 999
			}
		}, "total changed from 1000 to 999"},
	}
	for _, tc := range cases {
		for _, concurrency := range []int{1, 4} {
			if concurrency == 1 && !tc.sequential {
				continue
			}
			inner := &hintAPI{items: items(400), total: tc.total}
			fetch := func(ctx context.Context, offset, limit int) (Page[item], error) {
				p, err := inner.fetch(ctx, offset, limit)
				tc.corrupt(offset, &p)
				return p, err
			}
			got, err := listing[item, int64]{what: "things", concurrency: concurrency, filtered: true, fetch: fetch, id: idOf}.read(context.Background())
			var inconsistent *InconsistentListError
			if !errors.As(err, &inconsistent) || !strings.Contains(inconsistent.Reason, tc.reason) || got != nil {
				t.Errorf("%s P=%d: %d items, err %v", tc.name, concurrency, len(got), err)
			}
		}
	}
}

// A server that ignores offset (every page the first) claiming a huge total is
// caught at the first page that comes back, in each of the 3 reads: at most 1+P
// requests per read instead of ceil(total/100) = 2,000.
func TestPager_StopsAtTheFirstRepeatedPage(t *testing.T) {
	for _, total := range []*int{intPtr(200_000), nil} {
		for _, filtered := range []bool{false, true} {
			for _, concurrency := range []int{1, 4} {
				where := fmt.Sprintf("total %v, filtered %v, P=%d", total != nil, filtered, concurrency)
				api := &hintAPI{items: items(200_000), total: total, ignoreOffset: true}
				got, err := listing[item, int64]{what: "things", concurrency: concurrency, filtered: filtered, fetch: api.fetch, id: idOf}.read(context.Background())
				var inconsistent *InconsistentListError
				if !errors.As(err, &inconsistent) || got != nil || inconsistent.Attempts != maxSnapshotAttempts ||
					!repeatedPage.MatchString(inconsistent.Reason) {
					t.Fatalf("%s: %d items, err %v", where, len(got), err)
				}
				n := int(api.calls.Load())
				if concurrency == 1 && n != 3*2 || n < 3*2 || n > 3*(1+concurrency) {
					t.Errorf("%s: %d requests, want 3 reads of at most 1+P", where, n)
				}
			}
		}
	}
}

var repeatedPage = regexp.MustCompile(`^id 1 was listed twice: the page at offset [1-4]00 repeats the page at offset 0 \(the API may be ignoring offset\)$`)

// recordingLogger keeps the Debug entries.
type recordingLogger struct {
	mu  sync.Mutex
	log []logEntry
}

type logEntry struct {
	msg    string
	fields map[string]any
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, logEntry{msg, fields})
}

func (l *recordingLogger) entries() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.log...)
}

// has reports whether an entry's message contains msg and its fields hold want.
func (l *recordingLogger) has(msg string, want map[string]any) bool {
	for _, e := range l.entries() {
		if !strings.Contains(e.msg, msg) {
			continue
		}
		ok := true
		for k, v := range want {
			ok = ok && reflect.DeepEqual(e.fields[k], v)
		}
		if ok {
			return true
		}
	}
	return false
}

// ---- every list call of the client, against the fake's listing quirks ----

// hintSetSize items per list, of which hintMatched match the filter: ids 1..1000, and
// an id matches when id%20 < 3.
const (
	hintSetSize = 1000
	hintMatched = 150
)

func hintMatches(id int64) bool { return id%20 < 3 }

// hintList is one list call of the client with a data set of hintSetSize items.
type hintList struct {
	name string
	// sendsFilter: the filter goes to the API (the executions list takes none).
	sendsFilter bool
	// canLose: the list's items can be deleted while it is read (policies).
	canLose bool
	install func(f *fakeapi.Server)
	// read returns the ids listed, filtered or not.
	read func(ctx context.Context, c *Client, filtered bool) ([]int64, error)
	// want is the ids expected, in the order the call returns them.
	want func(filtered bool) []int64
}

func apiOrder(filtered bool) []int64 {
	var out []int64
	for id := int64(1); id <= hintSetSize; id++ {
		if !filtered || hintMatches(id) {
			out = append(out, id)
		}
	}
	return out
}

func status(id int64) string {
	if hintMatches(id) {
		return "Failed"
	}
	return "Succeed"
}

func idsOf[T any](items []T, err error, id func(T) int64) ([]int64, error) {
	var out []int64
	for _, it := range items {
		out = append(out, id(it))
	}
	return out, err
}

func statusIf(filtered bool) string {
	if filtered {
		return "Failed"
	}
	return ""
}

var hintLists = []hintList{
	{
		name: "policies", sendsFilter: true, canLose: true,
		install: func(f *fakeapi.Server) {
			policies := make([]fakeapi.Policy, hintSetSize)
			for i := range policies {
				id := int64(i + 1)
				name := fmt.Sprintf("weekly-%d", id)
				if hintMatches(id) {
					name = "nightly"
				}
				policies[i] = fakeapi.Policy{ID: id, Name: name, NamespaceName: "platform", Algorithm: "or", Trigger: fakeapi.PolicyTrigger{Type: "manual"}}
			}
			f.SetPolicies(testRef.InstanceID, policies)
		},
		read: func(ctx context.Context, c *Client, filtered bool) ([]int64, error) {
			in := ListPoliciesInput{InstanceID: testRef.InstanceID}
			if filtered {
				in.Name = "nightly"
			}
			ps, err := c.ListRetentionPolicies(ctx, in)
			return idsOf(ps, err, func(p Policy) int64 { return p.ID })
		},
		want: apiOrder,
	},
	{
		name: "executions",
		install: func(f *fakeapi.Server) {
			execs := make([]fakeapi.Execution, hintSetSize)
			for i := range execs {
				id := int64(i + 1)
				execs[i] = fakeapi.Execution{ID: id, Status: status(id), Trigger: "manual", StartTime: "2024-02-01T00:00:00Z"}
			}
			f.SetExecutions(testRef.InstanceID, testRef.NamespaceName, testRef.PolicyID, execs)
		},
		read: func(ctx context.Context, c *Client, filtered bool) ([]int64, error) {
			es, err := c.ListRetentionExecutions(ctx, ListExecutionsInput{PolicyRef: testPolicy, Status: statusIf(filtered)})
			return idsOf(es, err, func(e Execution) int64 { return e.ID })
		},
		want: func(filtered bool) []int64 { // newest (highest id) first
			ids := apiOrder(filtered)
			for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
				ids[i], ids[j] = ids[j], ids[i]
			}
			return ids
		},
	},
	{
		name: "tasks", sendsFilter: true,
		install: func(f *fakeapi.Server) {
			tasks := fakeapi.GenerateTasks(testRef.ExecutionID, hintSetSize, 1)
			for i := range tasks {
				tasks[i].ID = int64(i + 1)
				tasks[i].Status = status(tasks[i].ID)
			}
			f.SetTasks(testKey(testRef), tasks)
		},
		read: func(ctx context.Context, c *Client, filtered bool) ([]int64, error) {
			ts, err := c.ListRetentionExecutionTasks(ctx, ListTasksInput{ExecutionRef: testRef, Status: statusIf(filtered)})
			return idsOf(ts, err, func(t Task) int64 { return t.ID })
		},
		want: apiOrder,
	},
	{
		name: "sub-tasks", sendsFilter: true,
		install: func(f *fakeapi.Server) {
			subs := someSubTasks(hintSetSize)
			for i := range subs {
				subs[i].ID = int64(i + 1)
				subs[i].Status = status(subs[i].ID)
			}
			f.SetSubTasks(testKey(testRef), testTaskID, subs)
		},
		read: func(ctx context.Context, c *Client, filtered bool) ([]int64, error) {
			ss, err := c.ListRetentionExecutionSubTasks(ctx, ListSubTasksInput{ExecutionRef: testRef, TaskID: testTaskID, Status: statusIf(filtered)})
			return idsOf(ss, err, func(s SubTask) int64 { return s.ID })
		},
		want: apiOrder,
	},
}

// Every list call gives exactly the items asked for, at the documented cost,
// however the API counts total and whether it honours the filter. Requests are
// per read, at P=4 [P=1]: 1,000 items, 150 of which match the filter (short page 1).
// Tasks and sub-tasks filtered on Failed lose no item while they are read (sent);
// policies can be deleted, so every read longer than a page is a sequential pass
// and one that confirms it (losing); executions too, and their filters stay here
// (unsent).
func TestListCalls_TotalIsAHint(t *testing.T) {
	type cost struct{ p4, p1 int }
	cases := []struct {
		name     string
		quirks   fakeapi.ListingQuirks
		filtered bool
		// cost when the filter goes to the API, for a list that can lose items,
		// and when the filter does not go to the API (executions, which can).
		sent, losing, unsent cost
		// a debug line the read logs, when the filter is sent and when not
		sentLog, unsentLog string
	}{
		{"unfiltered", fakeapi.ListingQuirks{}, false, cost{10, 10}, cost{20, 20}, cost{20, 20}, "", ""},
		{"filtered", fakeapi.ListingQuirks{}, true, cost{2, 2}, cost{4, 4}, cost{20, 20}, "", ""},
		// No total: until the short page 10 (empty), with P-1 more past it.
		{"no total", fakeapi.ListingQuirks{Total: fakeapi.TotalAbsent}, false, cost{14, 11}, cost{22, 22}, cost{22, 22}, "without a total", "without a total"},
		{"null total", fakeapi.ListingQuirks{Total: fakeapi.TotalNull}, false, cost{14, 11}, cost{22, 22}, cost{22, 22}, "without a total", "without a total"},
		{"no total, filtered", fakeapi.ListingQuirks{Total: fakeapi.TotalAbsent}, true, cost{5, 2}, cost{4, 4}, cost{22, 22}, "without a total", "without a total"},
		// Total 1000 for 150 matched: until the short page 1, and the page after
		// it (empty: a real end, no per-page filter).
		{"unfiltered total, filtered", fakeapi.ListingQuirks{Total: fakeapi.TotalUnfiltered}, true, cost{5, 3}, cost{6, 6}, cost{20, 20}, "total counts more than the filter matched", ""},
		// Every item listed: the pages of all 1,000, the rest dropped here.
		{"filter ignored", fakeapi.ListingQuirks{IgnoreFilters: true}, true, cost{10, 10}, cost{20, 20}, cost{20, 20}, "", ""},
		{"filter ignored, no total", fakeapi.ListingQuirks{IgnoreFilters: true, Total: fakeapi.TotalNull}, true, cost{14, 11}, cost{22, 22}, cost{22, 22}, "without a total", "without a total"},
	}
	for _, l := range hintLists {
		for _, tc := range cases {
			for _, concurrency := range []int{4, 1} {
				where := fmt.Sprintf("%s, %s, P=%d", l.name, tc.name, concurrency)
				fake, url := startFake(t)
				l.install(fake)
				fake.SetListingQuirks(tc.quirks)
				logs := &recordingLogger{}
				c := newTestClient(t, url, func(cfg *Config) { cfg.MaxConcurrentRequests = concurrency; cfg.Logger = logs })
				got, err := l.read(context.Background(), c, tc.filtered)
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				if want := l.want(tc.filtered); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: %d ids (%v...), want %d", where, len(got), got[:min(5, len(got))], len(want))
				}
				c0, logged := tc.unsent, tc.unsentLog
				switch {
				case l.sendsFilter && l.canLose:
					c0, logged = tc.losing, tc.sentLog
				case l.sendsFilter:
					c0, logged = tc.sent, tc.sentLog
				}
				want := c0.p4
				if concurrency == 1 {
					want = c0.p1
				}
				if n := fake.CountRequests(""); n != want {
					t.Errorf("%s: %d requests, want %d", where, n, want)
				}
				for _, r := range fake.Requests() {
					if _, sent := r.Query["status"]; sent && l.name == "executions" {
						t.Fatalf("%s: the executions list was sent a status", where)
					}
				}
				if logged != "" && !logs.has(logged, map[string]any{"requests": want}) {
					t.Errorf("%s: no debug line %q; log %v", where, logged, logs.entries())
				}
				if dropped := tc.quirks.IgnoreFilters && l.sendsFilter && l.name != "policies"; dropped &&
					!logs.has("outside the filter", map[string]any{"listed": hintSetSize, "dropped": hintSetSize - hintMatched}) {
					t.Errorf("%s: no debug line about dropped items; log %v", where, logs.entries())
				}
			}
		}
	}
}

// A server that ignores offset makes every list call fail with the inconsistent
// listing, after 3 short reads rather than ceil(1000/100) pages each.
func TestListCalls_IgnoredOffsetStopsEarly(t *testing.T) {
	for _, l := range hintLists {
		for _, total := range []fakeapi.TotalMode{fakeapi.TotalFiltered, fakeapi.TotalAbsent} {
			for _, filtered := range []bool{false, true} {
				for _, concurrency := range []int{4, 1} {
					where := fmt.Sprintf("%s, total %v, filtered %v, P=%d", l.name, total, filtered, concurrency)
					fake, url := startFake(t)
					l.install(fake)
					fake.SetListingQuirks(fakeapi.ListingQuirks{IgnoreOffset: true, Total: total})
					c := newTestClient(t, url, func(cfg *Config) { cfg.MaxConcurrentRequests = concurrency })
					got, err := l.read(context.Background(), c, filtered)
					var inconsistent *InconsistentListError
					if !errors.As(err, &inconsistent) || got != nil || !strings.Contains(inconsistent.Reason, "repeats the page at offset 0") {
						t.Fatalf("%s: %d ids, err %v", where, len(got), err)
					}
					n := fake.CountRequests("")
					if concurrency == 1 && n != 3*2 || n < 3*2 || n > 3*(1+concurrency) {
						t.Errorf("%s: %d requests, want 3 reads of at most 1+P", where, n)
					}
				}
			}
		}
	}
}
