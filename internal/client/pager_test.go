package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type item struct{ id int64 }

// listAll reads an unfiltered listing through the one pager, as the tests of the
// pager do; see listing.read.
func listAll[T any, K cmp.Ordered](ctx context.Context, what string, concurrency int, fetch pageFunc[T], id func(T) K) ([]T, error) {
	return listing[T, K]{what: what, concurrency: concurrency, fetch: fetch, id: id}.read(ctx)
}

// scriptedAPI serves items in pages, letting a test corrupt what the API says.
type scriptedAPI struct {
	items []item
	// corrupt may change a page before it is served; call counts every request.
	corrupt func(call int, offset int, page *Page[item])
	calls   atomic.Int32
}

func (s *scriptedAPI) fetch(_ context.Context, offset, limit int) (Page[item], error) {
	call := int(s.calls.Add(1))
	end := min(offset+limit, len(s.items))
	var p Page[item]
	p.Total = len(s.items)
	if offset < end {
		p.Items = append([]item(nil), s.items[offset:end]...)
	}
	if s.corrupt != nil {
		s.corrupt(call, offset, &p)
	}
	return p, nil
}

func items(n int) []item {
	out := make([]item, n)
	for i := range out {
		out[i] = item{id: int64(i + 1)}
	}
	return out
}

func idOf(i item) int64 { return i.id }

// A listing that answers wrongly fails with a diagnostic of what was wrong: a proof
// of a broken API (a page longer than limit or than its own total promised, one id
// twice in a page, a negative total) after maxSnapshotAttempts reads, an
// inconsistency between pages that is the same on every read (so no list that
// moved) after two identical reads. A listing that changes once, then
// settles, is read again and returned whole.
func TestPager_InconsistentListings(t *testing.T) {
	cases := []struct {
		name     string
		n        int
		corrupt  func(call, offset int, p *Page[item])
		reason   string
		attempts int
	}{
		{"total larger than delivered", 150, func(_, offset int, p *Page[item]) { p.Total = 180 }, "promised", maxSnapshotAttempts},
		{"a page short of its own total", 250, func(_, offset int, p *Page[item]) {
			if offset == 200 {
				p.Total = 251
			}
		}, "the page at offset 200 held 50 items where the total of 251 promised 51", maxSnapshotAttempts},
		{"same id on two pages", 200, func(_, offset int, p *Page[item]) {
			if offset == 100 {
				p.Items[0].id = 1
			}
		}, "id 1 was listed on the pages at offsets 0 and 100", 2},
		{"page longer than limit", 150, func(_, offset int, p *Page[item]) {
			if offset == 100 {
				p.Items = append(p.Items, items(60)...)
			}
		}, "more than the limit", maxSnapshotAttempts},
		{"first page longer than limit", 50, func(_, offset int, p *Page[item]) { p.Items = items(101) }, "more than the limit", maxSnapshotAttempts},
		{"one id twice in a page", 150, func(_, offset int, p *Page[item]) {
			if offset == 100 {
				p.Items[7].id = p.Items[3].id
			}
		}, "id 104 was listed twice on the page at offset 100", maxSnapshotAttempts},
		{"short first page", 50, func(_, _ int, p *Page[item]) { p.Items = p.Items[:10] }, "total of 50 but listed 10", maxSnapshotAttempts},
		{"negative total", 0, func(_, _ int, p *Page[item]) { p.Total = -1 }, "negative total", maxSnapshotAttempts},
	}
	for _, tc := range cases {
		for _, concurrency := range []int{1, 4} {
			api := &scriptedAPI{items: items(tc.n), corrupt: tc.corrupt}
			got, err := listAll(context.Background(), "things", concurrency, api.fetch, idOf)
			var inconsistent *InconsistentListError
			if !errors.As(err, &inconsistent) || got != nil {
				t.Fatalf("%s P=%d: got %d items, err %v; want an InconsistentListError", tc.name, concurrency, len(got), err)
			}
			if inconsistent.Attempts != tc.attempts || !strings.Contains(inconsistent.Reason, tc.reason) {
				t.Errorf("%s P=%d: %v; want %d attempts, a reason with %q", tc.name, concurrency, err, tc.attempts, tc.reason)
			}
		}
	}

	// What names a later page names it by its offset (page 1 at 100); read page
	// after page where the pages' arrival order decides what is named.
	for _, tc := range []struct {
		name        string
		concurrency int
		corrupt     func(call, offset int, p *Page[item])
		reason      string
	}{
		{"same id on pages 1 and 2", 1, func(_, offset int, p *Page[item]) {
			if offset == 200 {
				p.Items[0].id = 101
			}
		}, "id 101 was listed on the pages at offsets 100 and 200"},
		{"page 2 repeating page 1", 1, func(_, offset int, p *Page[item]) {
			if offset == 200 {
				p.Items = items(200)[100:]
			}
		}, "the page at offset 200 repeats the page at offset 100"},
		// Without a total, pages past a short one are in flight: page 2 full after
		// a short page 1, on every read.
		{"items after a short page 1", 4, func(_, offset int, p *Page[item]) {
			p.NoTotal = true
			if offset == 100 {
				p.Items = p.Items[:50]
			}
		}, "the page at offset 200 held 100 items after a short page at offset 100"},
	} {
		api := &scriptedAPI{items: items(300), corrupt: tc.corrupt}
		_, err := listAll(context.Background(), "things", tc.concurrency, api.fetch, idOf)
		var inconsistent *InconsistentListError
		if !errors.As(err, &inconsistent) || !strings.Contains(inconsistent.Reason, tc.reason) {
			t.Errorf("%s: %v; want a reason with %q", tc.name, err, tc.reason)
		}
	}

	// A listing that changes once, then settles, is read again and returned whole.
	api := &scriptedAPI{items: items(250), corrupt: func(call, offset int, p *Page[item]) {
		if call == 2 {
			p.Total = 260
		}
	}}
	got, err := listAll(context.Background(), "things", 1, api.fetch, idOf)
	if err != nil {
		t.Fatalf("settling listing: %v", err)
	}
	wantItems(t, "settling listing", got, 250)
	if n := api.calls.Load(); n != 6 {
		t.Errorf("settling listing: %d requests, want 3 + 3", n)
	}
}

func TestPager_KeepsTheAPIOrderAtAnyConcurrency(t *testing.T) {
	for _, concurrency := range []int{1, 2, 4, 8, 32} {
		api := &scriptedAPI{items: items(1234)}
		got, err := listAll(context.Background(), "things", concurrency, api.fetch, idOf)
		if err != nil || len(got) != 1234 {
			t.Fatalf("P=%d: %d items, err %v", concurrency, len(got), err)
		}
		for i, it := range got {
			if it.id != int64(i+1) {
				t.Fatalf("P=%d: position %d holds id %d", concurrency, i, it.id)
			}
		}
		if n := api.calls.Load(); n != 13 {
			t.Errorf("P=%d: %d requests, want 13", concurrency, n)
		}
	}
}

// A failed page ends the listing with its error: page i goes out only once page
// i-P arrived, so with the page at offset 300 (index 3) failing no page from index
// 3+P on is ever asked for, and a sequential read asks for nothing after it.
func TestPager_AnErrorStopsTheListing(t *testing.T) {
	boom := errors.New("boom")
	for _, concurrency := range []int{1, 2, 4} {
		var mu sync.Mutex
		var asked []int
		_, err := listAll(context.Background(), "things", concurrency, func(_ context.Context, offset, limit int) (Page[item], error) {
			mu.Lock()
			asked = append(asked, offset)
			mu.Unlock()
			if offset == 300 {
				return Page[item]{}, boom
			}
			page := Page[item]{Total: 1000}
			for j := range min(limit, 1000-offset) {
				page.Items = append(page.Items, item{id: int64(offset + j + 1)}) // unique across pages
			}
			return page, nil
		}, idOf)
		if !errors.Is(err, boom) {
			t.Fatalf("P=%d: err %v, want the page's error", concurrency, err)
		}
		for _, offset := range asked {
			if offset >= (3+concurrency)*PageSize {
				t.Errorf("P=%d: asked for offset %d after the page at offset 300 failed (asked %v)", concurrency, offset, asked)
			}
		}
		if concurrency == 1 && fmt.Sprint(asked) != "[0 100 200 300]" {
			t.Errorf("P=1: asked %v, want [0 100 200 300]", asked)
		}
	}
}

// The limit a listing asks for is the limit every check uses: with limit 10, a
// page of 10 is full and one of 11 too long.
func TestPager_ChecksPagesAgainstTheLimitItAskedFor(t *testing.T) {
	var limits []int
	api := &scriptedAPI{items: items(35)}
	fetch := func(ctx context.Context, offset, limit int) (Page[item], error) {
		limits = append(limits, limit)
		return api.fetch(ctx, offset, limit)
	}
	got, err := listing[item, int64]{what: "things", concurrency: 1, limit: 10, fetch: fetch, id: idOf}.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantItems(t, "limit 10", got, 35)
	if fmt.Sprint(limits) != "[10 10 10 10]" {
		t.Errorf("limits asked %v, want 4 pages of 10", limits)
	}
	long := &scriptedAPI{items: items(35), corrupt: func(_, offset int, p *Page[item]) {
		if offset == 10 {
			p.Items = append(p.Items, item{id: 99})
		}
	}}
	_, err = listing[item, int64]{what: "things", concurrency: 1, limit: 10, fetch: long.fetch, id: idOf}.read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the page at offset 10 held 11 items, more than the limit 10") {
		t.Errorf("a page of 11 for limit 10: %v", err)
	}
}

// A filtered listing with no match whose probed page reports a larger total:
// read page after page, the list only grew, and the one pass is the answer
// (empty); read concurrently, nothing proves that, the pass is read again, and
// the same disagreement twice is an API answering wrongly; one that can lose
// items is confirmed by a second pass.
func TestPager_FilteredEmptyPagesWhoseTotalsDisagree(t *testing.T) {
	fetch := func(_ context.Context, offset, _ int) (Page[item], error) {
		return Page[item]{Total: 150 + offset/10}, nil
	}
	got, err := listing[item, int64]{what: "things", concurrency: 1, filtered: true, fetch: fetch, id: idOf}.read(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("P=1: %d items, err %v; want none and no error", len(got), err)
	}
	_, err = listing[item, int64]{what: "things", concurrency: 4, filtered: true, fetch: fetch, id: idOf}.read(context.Background())
	var inconsistent *InconsistentListError
	if !errors.As(err, &inconsistent) || inconsistent.Attempts != 2 || !strings.Contains(err.Error(), "total changed from 150 to 160") {
		t.Errorf("P=4: %v; want the total's change after 2 passes", err)
	}
	// A listing that can lose items: the first pass is clean (its one page is
	// all it needed) and the second lists every id it did: 2 passes of 2 requests.
	requests := 0
	counted := func(ctx context.Context, offset, limit int) (Page[item], error) {
		requests++
		return fetch(ctx, offset, limit)
	}
	got, err = listing[item, int64]{what: "things", concurrency: 4, filtered: true, canLose: true, fetch: counted, id: idOf}.read(context.Background())
	if err != nil || len(got) != 0 || requests != 4 {
		t.Errorf("can lose: %d items, %d requests, err %v; want none in 4 requests", len(got), requests, err)
	}
}

// A listing cancelled while pages are in flight ends with the cancellation, even
// when what the cancelled request reports does not wrap it (a transport's own
// error): the caller can tell a cancelled read from a failed one.
func TestPager_CancelledMidListingSaysSo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fetch := func(_ context.Context, offset, _ int) (Page[item], error) {
		if offset == 0 {
			return Page[item]{Total: 1000, Items: items(100)}, nil
		}
		cancel()
		return Page[item]{}, errors.New("connection reset")
	}
	_, err := listing[item, int64]{what: "things", concurrency: 4, fetch: fetch, id: idOf}.read(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("got %v, want the cancellation with the request's error", err)
	}
}

// A listing that can lose items and loses three between every two passes fails
// after maxPasses naming the first of the last three gone and how many more.
func TestPager_LosingListingNamesWhatWentFromTheLastPass(t *testing.T) {
	all := items(250)
	passes := 0
	fetch := func(_ context.Context, offset, limit int) (Page[item], error) {
		if offset == 0 {
			passes++
		}
		list := all[3*(passes-1):] // each pass 3 fewer from the front
		return Page[item]{Total: len(list), Items: list[min(offset, len(list)):min(offset+limit, len(list))]}, nil
	}
	_, err := listing[item, int64]{what: "things", concurrency: 1, canLose: true, fetch: fetch, id: idOf}.read(context.Background())
	var inconsistent *InconsistentListError
	if !errors.As(err, &inconsistent) || inconsistent.Attempts != maxPasses ||
		!strings.Contains(err.Error(), "(id 13 and 2 more listed by one pass were gone from the next)") {
		t.Errorf("got %v, want ids 13 to 15 gone after %d passes", err, maxPasses)
	}
}

// A filtered short page whose own total does not reach past it is no probe: items
// on a page after it are a list that moved (here the same way on every read, so
// an inconsistency), not an API that filters each page after paging, and the
// listing is not read unfiltered.
func TestPager_ShortPageWhoseTotalEndsThereIsNoProbe(t *testing.T) {
	filtered := func(_ context.Context, offset, _ int) (Page[item], error) {
		switch offset {
		case 0:
			return Page[item]{Total: 1000, Items: items(100)}, nil
		case 100:
			return Page[item]{Total: 200, Items: items(150)[100:]}, nil
		}
		return Page[item]{Total: 1000, Items: items(offset + 100)[offset:]}, nil
	}
	unfilteredRead := false
	unfiltered := &listing[item, int64]{what: "things", concurrency: 4, id: idOf, fetch: func(context.Context, int, int) (Page[item], error) {
		unfilteredRead = true
		return Page[item]{}, nil
	}}
	_, err := listing[item, int64]{what: "things", concurrency: 4, filtered: true, unfiltered: unfiltered, fetch: filtered, id: idOf}.read(context.Background())
	var inconsistent *InconsistentListError
	if !errors.As(err, &inconsistent) || unfilteredRead || !strings.Contains(err.Error(), "total changed from 1000 to 200") {
		t.Errorf("got %v (read unfiltered: %v), want the total's change", err, unfilteredRead)
	}
}

// A page without a total does not stop the pass from following the larger total a
// later page reports: the listing is read to that total's end, never held complete
// against the smaller total of the first page (which would drop the last 100 items
// without a word).
func TestPager_ALargerTotalAfterAPageWithoutOneIsFollowed(t *testing.T) {
	api := &scriptedAPI{items: items(400), corrupt: func(call, _ int, p *Page[item]) {
		switch call {
		case 1:
			p.Total = 300
		case 2:
			p.NoTotal = true
		}
	}}
	got, err := listAll(context.Background(), "things", 1, api.fetch, idOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 400 {
		t.Fatalf("%d items, want all 400: a page after one without a total reported 400", len(got))
	}
}

// A filtered listing whose API filters each page after paging, with no unfiltered
// listing to read instead, fails at once (it returned the 120 items of the pages
// up to the one that told, of 190, before), naming the page that held items after
// a short one by offset: the short page is the second (offset 100), so that an
// offset computed from the wrong page, or divided instead of multiplied, shows.
func TestPager_PerPageFilterWithNothingToFallBackOnNamesThePages(t *testing.T) {
	fetch := func(_ context.Context, offset, limit int) (Page[item], error) {
		matches := 10 // of each page of the 1,000, the first 100 all match
		switch {
		case offset == 0:
			matches = limit
		case offset >= 1000:
			matches = 0
		}
		p := Page[item]{Total: 1000}
		for i := range matches {
			p.Items = append(p.Items, item{id: int64(offset + i + 1)})
		}
		return p, nil
	}
	for _, concurrency := range []int{1, 4} {
		got, err := listing[item, int64]{what: "things", concurrency: concurrency, filtered: true, fetch: fetch, id: idOf}.read(context.Background())
		var inconsistent *InconsistentListError
		if !errors.As(err, &inconsistent) || got != nil ||
			!strings.Contains(inconsistent.Reason, "the page at offset 200 held items after a short page at offset 100") {
			t.Errorf("P=%d: %d items, err %v; want the pages at offsets 200 and 100 named", concurrency, len(got), err)
		}
	}
}

// The debug line of a read says "read again" only when a read took more than one
// pass, and of a listing that can lose items that it was read until a pass listed
// every item of the one before; one that moved says so.
func TestPager_LogSaysReadAgainOnlyAfterMoreThanOnePass(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		canLose bool
		want    string // the message of the passes, "" for none
	}{
		{"one page that can lose items", 50, true, ""},
		{"three pages that cannot", 250, false, ""},
		{"three pages that can lose items", 250, true, "read again until a pass listed every item of the one before"},
	} {
		logs := &recordingLogger{}
		api := &scriptedAPI{items: items(tc.n)}
		got, err := listing[item, int64]{what: "things", concurrency: 1, canLose: tc.canLose, fetch: api.fetch, id: idOf, logger: logs}.read(context.Background())
		if err != nil || len(got) != tc.n {
			t.Fatalf("%s: %d items, err %v", tc.name, len(got), err)
		}
		var passes []string
		for _, e := range logs.entries() {
			if strings.Contains(e.msg, "read again") {
				passes = append(passes, fmt.Sprintf("%s (passes %v)", e.msg, e.fields["passes"]))
			}
		}
		switch {
		case tc.want == "" && len(passes) > 0:
			t.Errorf("%s: read in one pass, yet logged %q", tc.name, passes)
		case tc.want != "" && (len(passes) != 1 || !strings.Contains(passes[0], tc.want) || !strings.HasSuffix(passes[0], "(passes 2)")):
			t.Errorf("%s: logged %q, want one line with %q after 2 passes", tc.name, passes, tc.want)
		}
	}
}
