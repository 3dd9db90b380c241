package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"
)

const (
	// PageSize is the largest limit the API accepts, so the fewest requests.
	PageSize = 100
	// maxSnapshotAttempts bounds how often an inconsistent listing is read again.
	maxSnapshotAttempts = 3
)

// Page is one answer of a list call.
type Page[T any] struct {
	// Total is the API's total; meaningless when NoTotal.
	Total int
	// NoTotal: the body had no total, or a null one. The SDK marks total optional.
	NoTotal bool
	Items   []T
}

// pageFunc fetches the page at offset with the given limit.
type pageFunc[T any] func(ctx context.Context, offset, limit int) (Page[T], error)

// errInconsistent marks a listing that did not add up; listing.read reads it again.
type errInconsistent struct{ reason string }

func (e *errInconsistent) Error() string { return e.reason }

// maxListPages bounds a listing without a total: the SDK types total as int32, so
// no listing holds more than 2^31-1 items.
const maxListPages = (1<<31 - 1 + PageSize - 1) / PageSize

// listing is one list call as the pager sees it.
type listing[T any, K comparable] struct {
	what        string // names the list in errors and logs, e.g. "retention execution tasks"
	concurrency int    // requests in flight at most
	// filtered: the request carried a filter (status, name, namespace_id). Whether
	// the API's total then counts the filter is not documented; Harbor counts the
	// unfiltered set. So for a filtered listing total only bounds the listing, which
	// ends at the first short page.
	filtered bool
	fetch    pageFunc[T]
	id       func(T) K // the item's identity for the duplicate check: a number, or an instance's string id
	logger   Logger    // nil: no log
}

// listAll reads an unfiltered listing through the one pager; see listing.read.
func listAll[T any, K comparable](ctx context.Context, what string, concurrency int, fetch pageFunc[T], id func(T) K) ([]T, error) {
	return listing[T, K]{what: what, concurrency: concurrency, fetch: fetch, id: id}.read(ctx)
}

// read is the one pager every list call shares. It reads the first page, then the
// following pages with at most concurrency requests in flight, keeping the API's
// order, and checks every page as it arrives.
//
// How far it reads depends on what total can be trusted with:
//   - Unfiltered with a total (strict): exactly ceil(total/limit) pages, ceil(N/100)
//     requests for N items (one for none). The result is one consistent snapshot:
//     every page reported the same total, no page was longer than asked or shorter
//     than total promised, and exactly total items arrived.
//   - Filtered, or without a total: until the first short page (fewer items than
//     limit), and never past a total when there is one. Page i is asked for only
//     once page i-concurrency has arrived full, so exactly concurrency-1 requests go
//     out past the short page (fewer when total ends the listing first), whatever
//     the timing. An empty listing costs one request.
//
// In every mode a page that repeats ids already listed, a page longer than limit, a
// total that changes between pages and items after a short page are proof of a
// broken listing: the attempt stops at the first such page, and the whole listing
// is read again, up to maxSnapshotAttempts times, then it fails with an
// *InconsistentListError. A silently short or padded list is never returned.
func (l listing[T, K]) read(ctx context.Context) ([]T, error) {
	var lastReason string
	for attempt := 1; attempt <= maxSnapshotAttempts; attempt++ {
		items, err := l.readSnapshot(ctx)
		var inconsistent *errInconsistent
		if !errors.As(err, &inconsistent) {
			return items, err
		}
		lastReason = inconsistent.reason
	}
	return nil, &InconsistentListError{What: l.what, Reason: lastReason, Attempts: maxSnapshotAttempts}
}

// snapshot is one attempt at reading a listing: the pages that arrived, checked as
// they arrive.
type snapshot[T any, K comparable] struct {
	id       func(T) K
	strict   bool // total is exact: every page's length is known in advance
	hasTotal bool
	total    int

	mu    sync.Mutex
	pages map[int][]T // by page index: memory follows what came, not what total claims
	seen  map[K]itemPlace
	short int // index of the first short page that arrived, -1 while none did
}

// itemPlace is where an id was listed.
type itemPlace struct{ page, pos int }

func totalText(hasTotal bool, total int) string {
	if !hasTotal {
		return "none"
	}
	return strconv.Itoa(total)
}

// add checks page i and keeps it. The error is the proof that the listing is broken.
func (s *snapshot[T, K]) add(i int, page Page[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	offset, n := i*PageSize, len(page.Items)
	if i > 0 && (page.NoTotal == s.hasTotal || s.hasTotal && page.Total != s.total) {
		return &errInconsistent{fmt.Sprintf("the total changed from %s to %s between the pages at offsets 0 and %d",
			totalText(s.hasTotal, s.total), totalText(!page.NoTotal, page.Total), offset)}
	}
	if n > PageSize {
		return &errInconsistent{fmt.Sprintf("the page at offset %d held %d items, more than the limit %d", offset, n, PageSize)}
	}
	// Ids first: a page that repeats another says most plainly what went wrong.
	for pos, item := range page.Items {
		k := s.id(item)
		if at, dup := s.seen[k]; dup {
			return s.duplicate(i, page.Items, k, pos, at)
		}
		s.seen[k] = itemPlace{i, pos}
	}
	switch {
	case s.strict && i == 0 && n < PageSize && n != s.total:
		return &errInconsistent{fmt.Sprintf("the API reported a total of %d but listed %d", s.total, n)}
	case s.strict:
		if want := min(PageSize, s.total-offset); n != want {
			return &errInconsistent{fmt.Sprintf("the page at offset %d held %d items where the total of %d promised %d", offset, n, s.total, want)}
		}
	case s.hasTotal && offset+n > s.total:
		return &errInconsistent{fmt.Sprintf("the API reported a total of %d but the page at offset %d reaches item %d", s.total, offset, offset+n)}
	}
	if !s.strict {
		if n > 0 && s.short >= 0 && i > s.short {
			return afterShort(i, n, s.short)
		}
		if n < PageSize {
			for j, p := range s.pages {
				if j > i && len(p) > 0 {
					return afterShort(j, len(p), i)
				}
			}
			if s.short < 0 || i < s.short {
				s.short = i
			}
		}
	}
	s.pages[i] = page.Items
	return nil
}

func afterShort(later, n, short int) error {
	return &errInconsistent{fmt.Sprintf("the page at offset %d held %d items after a short page at offset %d",
		later*PageSize, n, short*PageSize)}
}

// duplicate explains an id listed twice; a whole page repeating an earlier one is
// named as such, the mark of an API that ignores offset.
func (s *snapshot[T, K]) duplicate(i int, items []T, k K, pos int, at itemPlace) error {
	if at.page == i {
		return &errInconsistent{fmt.Sprintf("id %v was listed twice on the page at offset %d", k, i*PageSize)}
	}
	if earlier := s.pages[at.page]; pos == 0 && at.pos == 0 && len(earlier) == len(items) {
		same := true
		for p := range items {
			same = same && s.id(items[p]) == s.id(earlier[p])
		}
		if same {
			return &errInconsistent{fmt.Sprintf("id %v was listed twice: the page at offset %d repeats the page at offset %d (the API may be ignoring offset)",
				k, i*PageSize, at.page*PageSize)}
		}
	}
	return &errInconsistent{fmt.Sprintf("id %v was listed twice (on the pages at offsets %d and %d)", k, at.page*PageSize, i*PageSize)}
}

// shortBy reports whether a page at index <= i arrived short.
func (s *snapshot[T, K]) shortBy(i int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.short >= 0 && s.short <= i
}

func (l listing[T, K]) readSnapshot(ctx context.Context) ([]T, error) {
	first, err := l.fetch(ctx, 0, PageSize)
	if err != nil {
		return nil, err
	}
	s := &snapshot[T, K]{
		id: l.id, hasTotal: !first.NoTotal, total: first.Total, short: -1,
		pages: map[int][]T{}, seen: make(map[K]itemPlace, len(first.Items)),
	}
	s.strict = s.hasTotal && !l.filtered
	if s.hasTotal && s.total < 0 {
		return nil, &errInconsistent{fmt.Sprintf("the API reported a negative total (%d)", s.total)}
	}
	if err := s.add(0, first); err != nil {
		return nil, err
	}
	// The pages there can be: ceil(total/limit) with a total (which the API may report
	// as anything up to 2^31-1, so nothing is sized by it), else up to maxListPages.
	numPages := maxListPages
	if s.hasTotal {
		numPages = max(1, (s.total+PageSize-1)/PageSize)
	}
	concurrency := max(1, l.concurrency)
	requests := 1

	if len(first.Items) == PageSize && numPages > 1 {
		g, gctx := errgroup.WithContext(ctx)
		// arrived[i] closes when page i arrived and passed its checks.
		arrived := []chan struct{}{nil}
		// A strict listing's pages are known from total, so any free slot takes the
		// next page: a slow page holds up no other. Otherwise page i waits for page
		// i-concurrency, so that what is asked for depends only on pages that
		// arrived, and a read costs the same requests however the timing falls.
		var slots chan struct{}
		if s.strict {
			slots = make(chan struct{}, concurrency)
		}
	dispatch:
		for i := 1; i < numPages; i++ {
			if slots != nil {
				select {
				case slots <- struct{}{}:
				case <-gctx.Done():
					break dispatch
				}
			} else if j := i - concurrency; j >= 1 {
				select {
				case <-arrived[j]:
				case <-gctx.Done():
					break dispatch
				}
			}
			if gctx.Err() != nil || s.shortBy(i-concurrency) {
				break
			}
			done := make(chan struct{})
			arrived = append(arrived, done)
			requests++
			g.Go(func() error {
				if slots != nil {
					defer func() { <-slots }()
				}
				page, err := l.fetch(gctx, i*PageSize, PageSize)
				if err != nil {
					return err
				}
				if err := s.add(i, page); err != nil {
					return err
				}
				close(done)
				return nil
			})
		}
		err := g.Wait()
		if err == nil {
			// Cancelled before every page was asked for.
			err = ctx.Err()
		}
		if err != nil {
			// A cancelled plan wins over what the cancellation made the workers report.
			if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
				return nil, fmt.Errorf("%w: %v", ctxErr, err)
			}
			return nil, err
		}
		if !s.strict && s.short < 0 && !s.hasTotal {
			return nil, &errInconsistent{fmt.Sprintf("the listing did not end within %d pages", maxListPages)}
		}
	}

	last := numPages - 1
	if !s.strict && s.short >= 0 {
		last = s.short
	}
	items := make([]T, 0, len(s.seen))
	for i := 0; i <= last; i++ {
		items = append(items, s.pages[i]...)
	}
	if s.strict && len(items) != s.total {
		return nil, &errInconsistent{fmt.Sprintf("the API reported a total of %d but listed %d", s.total, len(items))}
	}
	l.logTolerated(ctx, s, len(items), requests)
	return items, nil
}

// logTolerated says at debug level when the listing was read without trusting total.
func (l listing[T, K]) logTolerated(ctx context.Context, s *snapshot[T, K], listed, requests int) {
	if l.logger == nil || s.strict {
		return
	}
	fields := map[string]any{"list": l.what, "listed": listed, "requests": requests}
	switch {
	case !s.hasTotal:
		l.logger.Debug(ctx, "SWR API listing without a total: read until a short page", fields)
	case listed < s.total:
		fields["total"] = s.total
		l.logger.Debug(ctx, "SWR API total counts more than the filter matched (the unfiltered set): read until a short page", fields)
	}
}
