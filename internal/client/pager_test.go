package client

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

type item struct{ id int64 }

// pagesOf serves items in pages, letting a test corrupt what the API says.
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

// Inconsistent listings are read again a bounded number of times, then fail with
// a diagnostic of what was wrong; a listing that settles on a re-read succeeds.
func TestPager_InconsistentListings(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		corrupt func(call, offset int, p *Page[item])
		reason  string
	}{
		{"total larger than delivered", 150, func(_, offset int, p *Page[item]) { p.Total = 180 }, "promised"},
		{"total changes between pages", 250, func(_, offset int, p *Page[item]) {
			if offset == 200 {
				p.Total = 251
			}
		}, "total changed from 250 to 251"},
		{"same id on two pages", 200, func(_, offset int, p *Page[item]) {
			if offset == 100 {
				p.Items[0].id = 1
			}
		}, "id 1 was listed twice"},
		{"page longer than limit", 150, func(_, offset int, p *Page[item]) {
			if offset == 100 {
				p.Items = append(p.Items, items(60)...)
			}
		}, "more than the limit"},
		{"first page longer than limit", 50, func(_, offset int, p *Page[item]) { p.Items = items(101) }, "more than the limit"},
		{"short first page", 50, func(_, _ int, p *Page[item]) { p.Items = p.Items[:10] }, "total of 50 but listed 10"},
		{"negative total", 0, func(_, _ int, p *Page[item]) { p.Total = -1 }, "negative total"},
	}
	for _, tc := range cases {
		for _, concurrency := range []int{1, 4} {
			api := &scriptedAPI{items: items(tc.n), corrupt: tc.corrupt}
			got, err := listAll(context.Background(), "things", concurrency, api.fetch, idOf)
			var inconsistent *InconsistentListError
			if !errors.As(err, &inconsistent) {
				t.Fatalf("%s P=%d: got %d items, err %v; want an InconsistentListError", tc.name, concurrency, len(got), err)
			}
			if inconsistent.Attempts != maxSnapshotAttempts || !strings.Contains(inconsistent.Reason, tc.reason) {
				t.Errorf("%s P=%d: %v", tc.name, concurrency, err)
			}
		}
	}

	// A listing that changes once, then settles, is read again and returned whole.
	api := &scriptedAPI{items: items(250), corrupt: func(call, offset int, p *Page[item]) {
		if call == 2 {
			p.Total = 260
		}
	}}
	got, err := listAll(context.Background(), "things", 1, api.fetch, idOf)
	if err != nil || len(got) != 250 {
		t.Fatalf("settling listing: %d items, err %v", len(got), err)
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

func TestPager_AnErrorStopsTheListing(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int32
	_, err := listAll(context.Background(), "things", 4, func(_ context.Context, offset, limit int) (Page[item], error) {
		calls.Add(1)
		if offset == 300 {
			return Page[item]{}, boom
		}
		return Page[item]{Total: 1000, Items: items(limit)[:min(limit, 1000-offset)]}, nil
	}, func(i item) int64 { return i.id + int64(calls.Load())*1000 })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
}
