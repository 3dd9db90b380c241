package client

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Every list call of the API has the same shape: a path under an instance, offset
// and limit in the query, and a body {"total": n, "<items>": [...]}. These
// functions are the whole of what a list call needs besides its types.

// leaving is what each list call declares once of its items: whether they can
// leave the listing while it is read (README of the API, "Lists that move while
// they are read"). The pager reads a listing whose items can leave with a pass
// that confirms another (listing.canLose), and any other as before.
type leaving struct {
	// deleted: the API deletes items one by one (namespaces, policies, instances;
	// executions, which Harbor sweeps). An execution's tasks and sub-tasks are
	// deleted only with their execution, and the listing then answers 404.
	deleted bool
	// filter: an item can stop matching the filter sent (a task that finishes
	// leaves status = "InProgress"; a namespace made private leaves public = true).
	filter bool
}

// canLose says whether the listing, with or without a filter, can lose items.
func (l leaving) canLose(filtered bool) bool { return l.deleted || filtered && l.filter }

// listUnderInstance reads every page of the list at
// /v2/{project_id}/instances/{segments...} through the one pager, listing.read. A
// non-empty filter makes the listing a filtered one, whose total is only a bound;
// should the API filter each page after paging, the pager reads the same list
// unfiltered instead, and the caller's keepMatching filters it.
func listUnderInstance[T any, K cmp.Ordered](ctx context.Context, c *Client, what, itemsKey string, filter url.Values, leaves leaving, id func(T) K, segments ...string) ([]T, error) {
	projectID, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	u := endpointURL(c.endpoint, append([]string{"v2", projectID, "instances"}, segments...)...)
	unfiltered := listing[T, K]{
		what: what, concurrency: c.concurrency, canLose: leaves.canLose(false), logger: c.logger,
		fetch: pageGetter[T](c, u, nil, itemsKey, projectID), id: id,
	}
	if len(filter) == 0 {
		return unfiltered.read(ctx)
	}
	return listing[T, K]{
		what: what, concurrency: c.concurrency, filtered: true, canLose: leaves.canLose(true), unfiltered: &unfiltered,
		logger: c.logger, fetch: pageGetter[T](c, u, filter, itemsKey, projectID), id: id,
	}.read(ctx)
}

// keepMatching keeps the items for which ok is true, in order: it applies the
// filters the API does not take, and drops the items an API that ignored a filter
// listed anyway, so that the list holds exactly what was asked for (and every
// count made from it agrees). It says at debug level when it dropped any.
func keepMatching[T any](ctx context.Context, c *Client, what string, items []T, ok func(T) bool) []T {
	kept := make([]T, 0, len(items))
	for _, item := range items {
		if ok(item) {
			kept = append(kept, item)
		}
	}
	if dropped := len(items) - len(kept); dropped > 0 && c.logger != nil {
		c.logger.Debug(ctx, "SWR API listed items outside the filter: dropped", map[string]any{
			"list": what, "listed": len(items), "dropped": dropped,
		})
	}
	return kept
}

// pageGetter returns the pageFunc of a list endpoint whose body is
// {"total": n, "<itemsKey>": [...]}.
func pageGetter[T any](c *Client, u *url.URL, filter url.Values, itemsKey, projectID string) pageFunc[T] {
	return func(ctx context.Context, offset, limit int) (Page[T], error) {
		pageURL := *u
		q := url.Values{}
		for k, v := range filter {
			q[k] = v
		}
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(limit))
		pageURL.RawQuery = q.Encode()
		header := http.Header{}
		if c.method == AuthAKSK {
			// As the official SDK does for project-scoped calls.
			header.Set("X-Project-Id", projectID)
		}
		resp, err := c.call(ctx, http.MethodGet, &pageURL, nil, header)
		if err != nil {
			return Page[T]{}, err
		}
		return decodePage[T](http.MethodGet, &pageURL, resp, itemsKey)
	}
}
