package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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
	Total int
	Items []T
}

// pageFunc fetches the page at offset with the given limit.
type pageFunc[T any] func(ctx context.Context, offset, limit int) (Page[T], error)

// errInconsistent marks a listing that did not add up; listAll reads it again.
type errInconsistent struct{ reason string }

func (e *errInconsistent) Error() string { return e.reason }

// listAll is the one pager every list call shares. It reads the first page, which
// tells total, then the remaining ceil(total/limit)-1 pages with at most concurrency
// requests in flight, keeping the API's order: ceil(N/100) requests for N items
// (one for none). The result is one consistent snapshot: every page reported the
// same total, no page was longer than asked, no id came twice and exactly total
// items arrived. Otherwise the whole listing is read again, up to
// maxSnapshotAttempts times, then it fails with an *InconsistentListError. A
// silently short or padded list is never returned.
// id is the item's identity for the duplicate check: a number for most listings,
// the string id of an instance.
func listAll[T any, K comparable](ctx context.Context, what string, concurrency int, fetch pageFunc[T], id func(T) K) ([]T, error) {
	var lastReason string
	for attempt := 1; attempt <= maxSnapshotAttempts; attempt++ {
		items, err := readSnapshot(ctx, concurrency, fetch, id)
		var inconsistent *errInconsistent
		if !errors.As(err, &inconsistent) {
			return items, err
		}
		lastReason = inconsistent.reason
	}
	return nil, &InconsistentListError{What: what, Reason: lastReason, Attempts: maxSnapshotAttempts}
}

func readSnapshot[T any, K comparable](ctx context.Context, concurrency int, fetch pageFunc[T], id func(T) K) ([]T, error) {
	first, err := fetch(ctx, 0, PageSize)
	if err != nil {
		return nil, err
	}
	total := first.Total
	if total < 0 {
		return nil, &errInconsistent{fmt.Sprintf("the API reported a negative total (%d)", total)}
	}
	if len(first.Items) > PageSize {
		return nil, &errInconsistent{fmt.Sprintf("the page at offset 0 held %d items, more than the limit %d", len(first.Items), PageSize)}
	}
	// A short first page is the whole listing. Check it before sizing anything by
	// total, which the API may report as anything up to 2^31-1.
	if len(first.Items) < PageSize && len(first.Items) != total {
		return nil, &errInconsistent{fmt.Sprintf("the API reported a total of %d but listed %d", total, len(first.Items))}
	}
	numPages := max(1, (total+PageSize-1)/PageSize)
	// Pages by index as they arrive: memory follows what came, not what total claims.
	var pagesMu sync.Mutex
	pages := map[int][]T{0: first.Items}

	// The rest of the pages, only when the first one was full and total wants more.
	if len(first.Items) == PageSize && numPages > 1 {
		if concurrency < 1 {
			concurrency = 1
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(concurrency)
		for i := 1; i < numPages && gctx.Err() == nil; i++ {
			g.Go(func() error {
				offset := i * PageSize
				page, err := fetch(gctx, offset, PageSize)
				if err != nil {
					return err
				}
				if page.Total != total {
					return &errInconsistent{fmt.Sprintf("the total changed from %d to %d between the pages at offsets 0 and %d", total, page.Total, offset)}
				}
				if len(page.Items) > PageSize {
					return &errInconsistent{fmt.Sprintf("the page at offset %d held %d items, more than the limit %d", offset, len(page.Items), PageSize)}
				}
				if want := min(PageSize, total-offset); len(page.Items) != want {
					return &errInconsistent{fmt.Sprintf("the page at offset %d held %d items where the total of %d promised %d", offset, len(page.Items), total, want)}
				}
				pagesMu.Lock()
				pages[i] = page.Items
				pagesMu.Unlock()
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
	}

	items := make([]T, 0, total)
	for i := range numPages {
		items = append(items, pages[i]...)
	}
	if len(items) != total {
		return nil, &errInconsistent{fmt.Sprintf("the API reported a total of %d but listed %d", total, len(items))}
	}
	seen := make(map[K]struct{}, len(items))
	for i, item := range items {
		k := id(item)
		if _, dup := seen[k]; dup {
			return nil, &errInconsistent{fmt.Sprintf("id %v was listed twice (again at position %d)", k, i)}
		}
		seen[k] = struct{}{}
	}
	return items, nil
}

// decodePage reads a list body {"total": n, "<itemsKey>": [...]}. A missing total is
// an error; a missing or null item list is an empty page (the snapshot checks then
// catch a total that promised more).
func decodePage[T any](method string, u *url.URL, resp *response, itemsKey string) (Page[T], error) {
	var raw map[string]json.RawMessage
	if err := decodeJSON(method, u, resp, &raw); err != nil {
		return Page[T]{}, err
	}
	fail := func(err error) error {
		return &ResponseError{Method: method, URL: u.String(), StatusCode: resp.status, ContentType: resp.header.Get("Content-Type"),
			RequestID: resp.requestID, Excerpt: excerpt(resp.body, 200), Err: err}
	}
	var total *int32
	rawTotal, ok := raw["total"]
	if !ok || string(rawTotal) == "null" {
		return Page[T]{}, fail(errors.New(`the response has no "total"`))
	}
	if err := json.Unmarshal(rawTotal, &total); err != nil {
		return Page[T]{}, fail(fmt.Errorf(`"total" is not a 32-bit integer: %v`, err))
	}
	var items []T
	if rawItems, ok := raw[itemsKey]; ok {
		if err := json.Unmarshal(rawItems, &items); err != nil {
			return Page[T]{}, fail(fmt.Errorf("%q: %v", itemsKey, err))
		}
	}
	return Page[T]{Total: int(*total), Items: items}, nil
}
