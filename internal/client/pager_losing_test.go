package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Listings that lose items while they are read (issue 23): items deleted, items
// leaving the filter, and a gateway that filters each page after paging. The
// promise: every item that existed (and matched) from the start to the end of the
// read appears exactly once; items created, deleted or changed during the read may
// appear or not; nothing appears that never existed; otherwise an error.

// liveItem is an item with a status a filter can test.
type liveItem struct {
	id     int64
	status string
}

func liveID(i liveItem) int64 { return i.id }

// liveTotal is what the liveAPI reports as total.
type liveTotal int

const (
	countsFilter liveTotal = iota
	countsAll              // Harbor: the unfiltered set
	noTotal
)

// liveAPI serves items in their order (the API's), filtered by status when
// filter is set: before paging, or each page after paging (perPage, a gateway).
// Before request n it runs before[n]: the account changing while it is read.
type liveAPI struct {
	mu      sync.Mutex
	items   []liveItem
	filter  string
	total   liveTotal
	perPage bool
	before  map[int]func(a *liveAPI)
	calls   int
	nextID  int64
	// every id the API ever listed or held, so a test can tell an item that never
	// existed
	ever map[int64]bool
}

func newLiveAPI(n int, status func(id int64) string) *liveAPI {
	a := &liveAPI{before: map[int]func(*liveAPI){}, nextID: int64(n + 1), ever: map[int64]bool{}}
	for id := int64(1); id <= int64(n); id++ {
		a.items = append(a.items, liveItem{id: id, status: status(id)})
		a.ever[id] = true
	}
	return a
}

func (a *liveAPI) matches(it liveItem) bool { return a.filter == "" || it.status == a.filter }

func (a *liveAPI) fetchWith(filter string) pageFunc[liveItem] {
	return func(_ context.Context, offset, limit int) (Page[liveItem], error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.calls++
		if step := a.before[a.calls]; step != nil {
			step(a)
		}
		saved := a.filter
		a.filter = filter
		defer func() { a.filter = saved }()
		var listed []liveItem
		if a.perPage {
			listed = a.items
		} else {
			for _, it := range a.items {
				if a.matches(it) {
					listed = append(listed, it)
				}
			}
		}
		p := Page[liveItem]{Total: len(listed), NoTotal: a.total == noTotal}
		if a.total == countsAll {
			p.Total = len(a.items)
		}
		for _, it := range listed[min(offset, len(listed)):min(offset+limit, len(listed))] {
			if !a.perPage || a.matches(it) {
				p.Items = append(p.Items, it)
			}
		}
		return p, nil
	}
}

// remove deletes the item with id (or takes it out of the filter: set status).
func (a *liveAPI) setStatus(id int64, status string) {
	for i := range a.items {
		if a.items[i].id == id {
			a.items[i].status = status
		}
	}
}

func (a *liveAPI) remove(id int64) {
	a.items = slices.DeleteFunc(a.items, func(it liveItem) bool { return it.id == id })
}

// insert adds a new item at position at (its place in the order), returning its id.
func (a *liveAPI) insert(at int, status string) int64 {
	id := a.nextID
	a.nextID++
	a.ever[id] = true
	a.items = slices.Insert(a.items, at, liveItem{id: id, status: status})
	return id
}

// losingListing is the listing a list call whose items can leave builds: the
// filter sent, and the same list unfiltered for an API that filters per page.
func losingListing(a *liveAPI, filter string, concurrency int) listing[liveItem, int64] {
	l := listing[liveItem, int64]{what: "things", concurrency: concurrency, filtered: filter != "", canLose: true,
		fetch: a.fetchWith(filter), id: liveID}
	if filter != "" {
		l.unfiltered = &listing[liveItem, int64]{what: "things", concurrency: concurrency, canLose: true, fetch: a.fetchWith(""), id: liveID}
	}
	return l
}

// readMatching reads l and keeps the items with status filter, as the list calls do.
func readMatching(l listing[liveItem, int64], filter string) ([]liveItem, error) {
	got, err := l.read(context.Background())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(got, func(it liveItem) bool { return filter != "" && it.status != filter }), nil
}

// wantExactly checks the promise: every id of must once, nothing twice, nothing
// outside must and may.
func wantExactly(t *testing.T, where string, got []liveItem, must, may []int64) {
	t.Helper()
	seen := map[int64]int{}
	for _, it := range got {
		seen[it.id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Fatalf("%s: id %d listed %d times", where, id, n)
		}
		if !slices.Contains(must, id) && !slices.Contains(may, id) {
			t.Fatalf("%s: id %d listed, which did not exist and match throughout and did not change", where, id)
		}
	}
	for _, id := range must {
		if seen[id] == 0 {
			t.Fatalf("%s: id %d, there and matching from start to end, is missing (%d listed)", where, id, len(got))
		}
	}
}

func idsWhere(n int, ok func(id int64) bool) []int64 {
	var out []int64
	for id := int64(1); id <= int64(n); id++ {
		if ok(id) {
			out = append(out, id)
		}
	}
	return out
}

// Issue 23, scenario 1: 400 tasks, 150 InProgress, the API's total counting all
// 400 (as Harbor's). Between the first and second page one InProgress task of the
// first page finishes: the rest shift left, and a task InProgress from start to
// end falls between the pages. Every one of the 149 is listed once.
func TestPager_ItemLeavingTheFilterIsNotMissed(t *testing.T) {
	inProgress := func(id int64) bool { return id%8 < 3 }
	status := func(id int64) string {
		if inProgress(id) {
			return "InProgress"
		}
		return "Pending"
	}
	for _, concurrency := range []int{1, 4} {
		where := fmt.Sprintf("P=%d", concurrency)
		api := newLiveAPI(400, status)
		api.total = countsAll
		finished := idsWhere(400, inProgress)[9] // the 10th, on the first page
		api.before[2] = func(a *liveAPI) { a.setStatus(finished, "Succeed") }
		got, err := readMatching(losingListing(api, "InProgress", concurrency), "InProgress")
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		must := idsWhere(400, func(id int64) bool { return inProgress(id) && id != finished })
		if len(must) != 149 {
			t.Fatalf("fixture: %d", len(must))
		}
		wantExactly(t, where, got, must, []int64{finished})
		// Three sequential passes of 3 (the short page 1 with total 400 asks for
		// page 2, empty, to tell a real end): the first lists the task that
		// finished, the second does not, the third confirms the second.
		if api.calls != 3*3 {
			t.Errorf("%s: %d requests, want 3 passes of 3", where, api.calls)
		}
	}
}

// Issue 23, scenario 2: 150 namespaces; between the page requests the namespace
// with id 50 is deleted and one is created at the end (ids are never reused, so
// a new namespace comes last in id order). With a total, without one, and with one
// deleted and two created: every namespace there from start to end once.
func TestPager_DeletionAndCreationDuringTheReadMissNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   liveTotal
		created int
	}{
		{"total, 1 deleted 1 created", countsFilter, 1},
		{"no total, 1 deleted 1 created", noTotal, 1},
		{"total, 1 deleted 2 created", countsFilter, 2},
		{"no total, 1 deleted 2 created", noTotal, 2},
	} {
		for _, concurrency := range []int{1, 4} {
			where := fmt.Sprintf("%s, P=%d", tc.name, concurrency)
			api := newLiveAPI(150, func(int64) string { return "" })
			api.total = tc.total
			var may []int64
			api.before[2] = func(a *liveAPI) {
				a.remove(50)
				for range tc.created {
					may = append(may, a.insert(len(a.items), ""))
				}
			}
			got, err := readMatching(losingListing(api, "", concurrency), "")
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			wantExactly(t, where, got, idsWhere(150, func(id int64) bool { return id != 50 }), append(may, 50))
			// A pass listing the deleted namespace, a pass without it, a pass that
			// confirms that one: 3 sequential passes of 2 (page 1 is short).
			if api.calls != 3*2 {
				t.Errorf("%s: %d requests, want 3 passes of 2", where, api.calls)
			}
		}
	}
}

// Issue 23, scenario 3: a gateway that filters each page after paging: 1,000
// tasks, every 10th Failed, total 1,000. The first filtered page holds 10 tasks,
// short, but the total says more may follow: one more page (10 more tasks, so a
// per-page filter) and the listing is read unfiltered and filtered here: all 100
// Failed tasks, in 2 + 10 requests.
func TestPager_PerPageFilterReadsOn(t *testing.T) {
	failed := func(id int64) bool { return id%10 == 0 }
	status := func(id int64) string {
		if failed(id) {
			return "Failed"
		}
		return "Succeed"
	}
	for _, concurrency := range []int{1, 4} {
		where := fmt.Sprintf("P=%d", concurrency)
		api := newLiveAPI(1000, status)
		api.perPage, api.total = true, countsAll
		l := losingListing(api, "Failed", concurrency)
		// Failed is final: the filtered list loses nothing, and an execution's
		// unfiltered tasks are never deleted.
		l.canLose, l.unfiltered.canLose = false, false
		got, err := readMatching(l, "Failed")
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		wantExactly(t, where, got, idsWhere(1000, failed), nil)
		if want := 1 + concurrency + 10; concurrency == 1 && api.calls != 2+10 || api.calls > want {
			t.Errorf("%s: %d requests, want 2 + 10 (at most %d)", where, api.calls, want)
		}
	}
}

// A filtered API that filters before paging, whose total counts the unfiltered
// set (Harbor): a short first page with a larger total costs one more request
// (the page after it, empty: a real end), and only when the total reaches past
// the first page.
func TestPager_ShortFilteredFirstPageAsksOneMore(t *testing.T) {
	for _, tc := range []struct {
		n, total, requests int
	}{
		{30, 1000, 2}, {30, 100, 1}, {0, 1000, 2}, {0, 0, 1},
	} {
		api := &hintAPI{items: items(tc.n), total: intPtr(tc.total)}
		got, err := listing[item, int64]{what: "things", concurrency: 1, filtered: true, fetch: api.fetch, id: idOf}.read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, fmt.Sprint(tc), got, tc.n)
		if n := int(api.calls.Load()); n != tc.requests {
			t.Errorf("%v: %d requests, want %d", tc, n, tc.requests)
		}
	}
}

// A listing that can lose items costs one request when it fits on one page (one
// answer is atomic) and two sequential passes when it is longer and holds still.
func TestPager_ListThatCanLoseItemsCosts(t *testing.T) {
	for _, tc := range []struct {
		n        int
		total    liveTotal
		requests int
	}{
		{0, countsFilter, 1}, {99, countsFilter, 1}, {100, countsFilter, 1}, {150, countsFilter, 4}, {1000, countsFilter, 20},
		{99, noTotal, 1}, {100, noTotal, 4}, {150, noTotal, 4}, {1000, noTotal, 22},
	} {
		for _, concurrency := range []int{1, 4} {
			where := fmt.Sprintf("%d items, total %v, P=%d", tc.n, tc.total, concurrency)
			api := newLiveAPI(tc.n, func(int64) string { return "" })
			api.total = tc.total
			got, err := readMatching(losingListing(api, "", concurrency), "")
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			wantExactly(t, where, got, idsWhere(tc.n, func(int64) bool { return true }), nil)
			if api.calls != tc.requests {
				t.Errorf("%s: %d requests, want %d", where, api.calls, tc.requests)
			}
		}
	}
}

// Adversarial: every way of deleting, inserting (anywhere in the order), taking
// an item out of the filter or bringing one into it (each item changes at most
// once, as a status does) before up to two of the first requests, and many random
// schedules of more, on listings of limit 2 with every kind of total: the read
// either keeps the promise or fails with an *InconsistentListError, never a
// silently short list.
func TestPager_NoScheduleOfChangesMissesAnItem(t *testing.T) {
	type opKind int
	const (
		insert opKind = iota
		remove
		leave // a matching item stops matching
		enter // an item that did not match starts to
	)
	type op struct {
		request int
		kind    opKind
		at      int // position (insert) or index among the current items
	}
	runs, failed := 0, 0
	run := func(schedule []op, total liveTotal, filter bool) {
		t.Helper()
		runs++
		// Every third item does not match at first.
		api := newLiveAPI(7, func(id int64) string { return map[bool]string{true: "y", false: "x"}[id%3 == 0] })
		api.total = total
		touched := map[int64]bool{}
		for _, o := range schedule {
			prev := api.before[o.request]
			api.before[o.request] = func(a *liveAPI) {
				if prev != nil {
					prev(a)
				}
				switch {
				case o.kind == insert:
					touched[a.insert(min(o.at, len(a.items)), "x")] = true
				case len(a.items) == 0:
				case o.kind == remove:
					id := a.items[o.at%len(a.items)].id
					touched[id] = true
					a.remove(id)
				default:
					from, to := "x", "y"
					if o.kind == enter {
						from, to = "y", "x"
					}
					for k := range a.items {
						it := &a.items[(o.at+k)%len(a.items)]
						if it.status == from && !touched[it.id] {
							touched[it.id], it.status = true, to
							break
						}
					}
				}
			}
		}
		filterText := ""
		if filter {
			filterText = "x"
		}
		l := losingListing(api, filterText, 1)
		l.limit = 2
		if l.unfiltered != nil {
			l.unfiltered.limit = 2
		}
		got, err := readMatching(l, filterText)
		var inconsistent *InconsistentListError
		if err != nil && !errors.As(err, &inconsistent) {
			t.Fatalf("schedule %+v: %v", schedule, err)
		}
		if err != nil {
			failed++
			return
		}
		var must, may []int64
		for id := range api.ever {
			matchedAtStart := id > 7 || id%3 != 0 || !filter
			if touched[id] || !matchedAtStart {
				may = append(may, id)
			} else {
				must = append(must, id)
			}
		}
		// An item that never matched must not be listed: drop it from may.
		may = slices.DeleteFunc(may, func(id int64) bool { return filter && id <= 7 && id%3 == 0 && !touched[id] })
		wantExactly(t, fmt.Sprintf("schedule %+v, total %v, filtered %v", schedule, total, filter), got, must, may)
	}
	var ops []op
	for request := 1; request <= 7; request++ {
		for at := range 8 {
			for kind := insert; kind <= enter; kind++ {
				ops = append(ops, op{request, kind, at})
			}
		}
	}
	for _, total := range []liveTotal{countsFilter, noTotal, countsAll} {
		for _, filter := range []bool{false, true} {
			for i, a := range ops {
				run([]op{a}, total, filter)
				for _, b := range ops[i:] {
					run([]op{a, b}, total, filter)
				}
			}
			r := rand.New(rand.NewPCG(23, uint64(total))) //nolint:gosec // G404: the schedules must be the same on every run, not unpredictable
			for range 2000 {
				schedule := make([]op, 3+r.IntN(5))
				for i := range schedule {
					schedule[i] = op{1 + r.IntN(20), opKind(r.IntN(4)), r.IntN(9)}
				}
				run(schedule, total, filter)
			}
		}
	}
	t.Logf("%d schedules, %d ended in an InconsistentListError", runs, failed)
}

// A listing that can lose items and changes between every two requests (one item
// deleted on the first page, one created at the end) is never confirmed: after
// maxPasses sequential passes the read fails, saying what went and to read again
// later; never a partial list.
func TestPager_ListThatKeepsLosingItemsFails(t *testing.T) {
	api := newLiveAPI(450, func(int64) string { return "" })
	for request := 2; request <= 100; request++ {
		api.before[request] = func(a *liveAPI) {
			a.remove(a.items[10].id)
			a.insert(len(a.items), "")
		}
	}
	got, err := readMatching(losingListing(api, "", 4), "")
	var inconsistent *InconsistentListError
	if !errors.As(err, &inconsistent) || got != nil || inconsistent.Attempts != maxPasses {
		t.Fatalf("%d items, err %v", len(got), err)
	}
	for _, want := range []string{"the list kept changing while it was read", "listed by one pass were gone from the next", "read it again once fewer changes are under way"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if api.calls != maxPasses*5 {
		t.Errorf("%d requests, want %d sequential passes of 5", api.calls, maxPasses)
	}
}

// Order: a listing that can lose items and held still comes in the API's order
// (here not id order); one that moved, sorted by id.
func TestPager_ListThatCanLoseItemsKeepsTheAPIOrderWhenStill(t *testing.T) {
	for _, moved := range []bool{false, true} {
		api := newLiveAPI(250, func(int64) string { return "" })
		slices.Reverse(api.items)
		if moved {
			api.before[2] = func(a *liveAPI) { a.remove(a.items[5].id) }
		}
		got, err := readMatching(losingListing(api, "", 1), "")
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(got))
		for i, it := range got {
			ids[i] = it.id
		}
		descending := slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) })
		if moved == descending || !moved && len(ids) != 250 || moved && !slices.IsSorted(ids) {
			t.Errorf("moved %v: ids %v...%v", moved, ids[:3], ids[len(ids)-3:])
		}
	}
}
