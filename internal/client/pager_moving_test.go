package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Listings that move while they are read, as the API's do (README, "Lists that
// move while they are read"): every item that existed when the read began exactly
// once, nothing repeated, at a bounded cost; a listing that never holds still
// fails with what moved.

// movingAPI serves ids in its current order; every every-th request, step changes
// the list first.
type movingAPI struct {
	mu      sync.Mutex
	ids     []int64
	calls   int
	every   int
	step    func(a *movingAPI)
	nextID  int64
	noTotal bool
}

func newMovingAPI(n, every int, step func(a *movingAPI)) *movingAPI {
	a := &movingAPI{every: every, step: step, nextID: int64(n + 1)}
	for i := range n {
		a.ids = append(a.ids, int64(i+1))
	}
	return a
}

func (a *movingAPI) fetch(_ context.Context, offset, limit int) (Page[item], error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	if a.every > 0 && a.calls%a.every == 0 {
		a.step(a)
	}
	p := Page[item]{Total: len(a.ids), NoTotal: a.noTotal}
	for _, id := range a.ids[min(offset, len(a.ids)):min(offset+limit, len(a.ids))] {
		p.Items = append(p.Items, item{id: id})
	}
	return p, nil
}

// startOne moves the last item that has not moved yet to the front, as a task
// starting does in Harbor's order (start_time DESC): the tasks not started are at
// the end.
func startOne(a *movingAPI) {
	n := len(a.ids)
	started := int(a.nextID) - 1 - n // how many moved so far, counted in nextID
	if started >= n {
		return
	}
	i := n - 1
	moved := a.ids[i]
	copy(a.ids[1:i+1], a.ids[:i])
	a.ids[0] = moved
	a.nextID++
}

// churn adds an item at the front and moves the last one there too: a list that
// grows and reorders on every request.
func churn(a *movingAPI) {
	last := a.ids[len(a.ids)-1]
	a.ids = append([]int64{a.nextID, last}, a.ids[:len(a.ids)-1]...)
	a.nextID++
}

func addFront(a *movingAPI) { a.ids = append([]int64{a.nextID}, a.ids...); a.nextID++ }
func addEnd(a *movingAPI)   { a.ids = append(a.ids, a.nextID); a.nextID++ }

// wantEachOnce checks that got holds each of ids 1..n exactly once (and possibly
// ids added later, each once), in ascending id order.
func wantEachOnce(t *testing.T, where string, got []item, n int) {
	t.Helper()
	seen := map[int64]bool{}
	for i, it := range got {
		if seen[it.id] {
			t.Fatalf("%s: id %d twice", where, it.id)
		}
		seen[it.id] = true
		if i > 0 && got[i-1].id > it.id {
			t.Fatalf("%s: ids %d then %d, not in id order", where, got[i-1].id, it.id)
		}
	}
	for id := int64(1); id <= int64(n); id++ {
		if !seen[id] {
			t.Fatalf("%s: id %d, listed when the read began, is missing", where, id)
		}
	}
}

// A running execution in Harbor's order (one task starting every K requests)
// keeps its length but not its order: the read returns every task once, exactly
// as many as total, in two passes, and logs how many it took.
func TestPager_OrderThatMovesGivesEveryItemOnce(t *testing.T) {
	for _, tc := range []struct{ n, every int }{{1000, 1}, {1000, 5}, {350, 3}, {250, 2}} {
		for _, concurrency := range []int{1, 4} {
			where := fmt.Sprintf("%d tasks, one starting every %d requests, P=%d", tc.n, tc.every, concurrency)
			api := newMovingAPI(tc.n, tc.every, startOne)
			logs := &recordingLogger{}
			got, err := listing[item, int64]{what: "tasks", concurrency: concurrency, fetch: api.fetch, id: idOf, logger: logs}.read(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if len(got) != tc.n {
				t.Fatalf("%s: %d tasks, want %d", where, len(got), tc.n)
			}
			wantEachOnce(t, where, got, tc.n)
			pages := (tc.n + 99) / 100
			if api.calls < 2*pages || api.calls > maxPasses*pages {
				t.Errorf("%s: %d requests, want between 2 and %d passes of %d", where, api.calls, maxPasses, pages)
			}
			if concurrency == 1 && api.calls != 2*pages {
				t.Errorf("%s: %d requests, want two passes of %d", where, api.calls, pages)
			}
			if !logs.has("moved while it was read", map[string]any{"requests": api.calls, "listed": tc.n}) {
				t.Errorf("%s: no debug line with the passes; log %v", where, logs.entries())
			}
		}
	}
}

// A listing that grows while it is read (at the front, as executions newest first;
// at the end, as sub-tasks) gives every item that existed at the start once, and
// those added during the read once at most.
func TestPager_GrowingListGivesEveryItemOnce(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, every int
		step     func(*movingAPI)
		filtered bool
	}{
		{"front, every 3rd request", 450, 3, addFront, false},
		{"front, every 7th request", 1000, 7, addFront, false},
		{"end, every request", 450, 1, addEnd, false},
		{"front, every request", 1000, 1, addFront, false},
		{"end, every 2nd request", 1000, 2, addEnd, false},
		{"filtered, front, every 4th request", 250, 4, addFront, true},
		{"filtered, end, every 2nd request", 250, 2, addEnd, true},
	} {
		for _, concurrency := range []int{1, 4} {
			where := fmt.Sprintf("%s, %d items, P=%d", tc.name, tc.n, concurrency)
			api := newMovingAPI(tc.n, tc.every, tc.step)
			got, err := listing[item, int64]{what: "things", concurrency: concurrency, filtered: tc.filtered, fetch: api.fetch, id: idOf}.read(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			wantEachOnce(t, where, got, tc.n)
			if bound := maxPasses * (len(api.ids)/100 + 1 + concurrency); api.calls > bound {
				t.Errorf("%s: %d requests, more than %d", where, api.calls, bound)
			}
		}
	}
}

// A listing that grows and reorders on every request never holds still long
// enough: after maxPasses passes the read fails, saying the list kept changing,
// what moved, and to read again later; never a partial list. (One item more on
// every request alone is a list that only grows, read whole above.)
func TestPager_ListThatNeverHoldsStillFails(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		api := newMovingAPI(1000, 1, churn)
		got, err := listAll(context.Background(), "tasks", concurrency, api.fetch, idOf)
		var inconsistent *InconsistentListError
		if !errors.As(err, &inconsistent) || got != nil {
			t.Fatalf("P=%d: %d items, err %v", concurrency, len(got), err)
		}
		for _, want := range []string{"the list kept changing while it was read", "total changed from", "read it again once the execution has finished"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("P=%d: %q does not say %q", concurrency, err, want)
			}
		}
		if inconsistent.Attempts != maxPasses {
			t.Errorf("P=%d: %d passes, want %d", concurrency, inconsistent.Attempts, maxPasses)
		}
		// Each pass reads ceil(total/100) pages of a total that grows by one a request.
		if api.calls > maxPasses*12 {
			t.Errorf("P=%d: %d requests, want at most %d", concurrency, api.calls, maxPasses*12)
		}
	}
}

// One bound on a listing as a whole (issue 20): a server reporting total
// 2147483647 with new items on every page ends at its first page; one whose total
// is only a bound (filtered, or none) ends after MaxListItems items. Either way the
// error says what it saw.
func TestPager_ListingIsBoundedAsAWhole(t *testing.T) {
	endless := func(total *int) *hintAPI { return &hintAPI{items: items(MaxListItems + 5*PageSize), total: total} }
	for _, tc := range []struct {
		name     string
		total    *int
		filtered bool
		requests int
		says     string
	}{
		{"strict, total 2147483647", intPtr(1<<31 - 1), false, 1, "reported a total of 2147483647 and 100 items arrived in 1 requests"},
		{"filtered, total 2147483647", intPtr(1<<31 - 1), true, MaxListItems/PageSize + 1, "reported a total of 2147483647 and 200100 items arrived"},
		{"no total", nil, false, MaxListItems/PageSize + 1, "reported a total of none and 200100 items arrived"},
	} {
		api := endless(tc.total)
		got, err := listing[item, int64]{what: "retention execution tasks", concurrency: 1, filtered: tc.filtered, fetch: api.fetch, id: idOf}.read(context.Background())
		var tooLong *ListTooLongError
		if !errors.As(err, &tooLong) || got != nil {
			t.Fatalf("%s: %d items, err %v", tc.name, len(got), err)
		}
		if !strings.Contains(err.Error(), "retention execution tasks listing is longer than 200000 items") || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if n := int(api.calls.Load()); n != tc.requests {
			t.Errorf("%s: %d requests, want %d", tc.name, n, tc.requests)
		}
	}
}

// A listing without a total that only reorders while it is read (a task starting
// at every request, none added) is complete once a pass lists no id the passes
// before had not: read page after page (3 requests a pass), the first pass skips
// the tasks that moved ahead of it, the second lists them, and the third, which
// lists nothing new, ends the read.
func TestPager_ReorderWithoutTotalEndsWhenAPassListsNothingNew(t *testing.T) {
	api := newMovingAPI(250, 1, startOne)
	api.noTotal = true
	got, err := listing[item, int64]{what: "tasks", concurrency: 1, fetch: api.fetch, id: idOf}.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("%d tasks, want 250", len(got))
	}
	wantEachOnce(t, "reordering without a total", got, 250)
	if api.calls != 3*3 {
		t.Errorf("%d requests, want three passes of 3", api.calls)
	}
}

// From the third pass on, a listing that moved is read page after page, whatever
// the concurrency: here a list without a total whose first two passes (6
// requests each at concurrency 4: the short page at offset 200, then 3 more in
// flight) repeat an item and skip another, the second with an item added, and
// whose third holds still: 3 requests, one at a time.
func TestPager_ThirdPassIsReadPageAfterPage(t *testing.T) {
	var (
		mu       sync.Mutex
		passes   int
		requests int
	)
	fetch := func(_ context.Context, offset, limit int) (Page[item], error) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		if offset == 0 {
			passes++
		}
		list := items(250 + min(passes-1, 1))
		from := offset
		if passes < 3 && offset == 100 {
			from = 99 // repeats the last item of page 0 and skips id 200
		}
		return Page[item]{NoTotal: true, Items: append([]item(nil), list[min(from, len(list)):min(from+limit, len(list))]...)}, nil
	}
	got, err := listing[item, int64]{what: "tasks", concurrency: 4, fetch: fetch, id: idOf}.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantItems(t, "third pass", got, 251)
	if requests != 6+6+3 {
		t.Errorf("%d requests, want 6 + 6 + 3", requests)
	}
}

// The bound is on more than MaxListItems: a listing of exactly MaxListItems
// whose two passes each repeat one item and skip another (a different one) is
// read whole.
func TestPager_ListingOfExactlyTheBoundIsRead(t *testing.T) {
	all := items(MaxListItems)
	passes := 0
	fetch := func(_ context.Context, offset, limit int) (Page[item], error) {
		if offset == 0 {
			passes++
		}
		from := offset
		if offset == 100*passes {
			from-- // repeats the item before the page and skips the page's last
		}
		return Page[item]{Total: MaxListItems, Items: all[from : from+limit]}, nil
	}
	got, err := listing[item, int64]{what: "tasks", concurrency: 1, fetch: fetch, id: idOf}.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantItems(t, "exactly the bound", got, MaxListItems)
	if passes != 2 {
		t.Errorf("%d passes, want 2", passes)
	}
}

// Two passes that moved differently only on their last page are no repeated
// inconsistency: a list without a total whose short last page repeats one item
// in the first pass and two in the second is read whole after the second (which
// listed nothing new), not failed.
func TestPager_PassesThatDifferOnlyOnTheLastPage(t *testing.T) {
	all := items(250)
	passes := 0
	fetch := func(_ context.Context, offset, limit int) (Page[item], error) {
		if offset == 0 {
			passes++
		}
		from := offset
		if offset == 200 {
			from -= passes // repeats the last item of page 1, then the last two
		}
		return Page[item]{NoTotal: true, Items: all[min(from, len(all)):min(from+limit, len(all))]}, nil
	}
	got, err := listing[item, int64]{what: "tasks", concurrency: 1, fetch: fetch, id: idOf}.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantItems(t, "moved on the last page", got, 250)
	if passes != 2 {
		t.Errorf("%d passes, want 2", passes)
	}
}
