package client

import (
	"context"

	"golang.org/x/sync/singleflight"
)

// shared runs fetch once for all the concurrent callers of key in group (the
// token and the project-id lookups), and each caller waits only as long as its own
// ctx allows. fetch gets a context that is not cancelled with the first caller:
// the other waiters still want its answer; retries and request_timeout bound it.
func shared(ctx context.Context, group *singleflight.Group, key string, fetch func(context.Context) (string, error)) (string, error) {
	ch := group.DoChan(key, func() (any, error) {
		return fetch(context.WithoutCancel(ctx))
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		s, _ := res.Val.(string) // fetch returns a string
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
