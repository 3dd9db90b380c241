package client

// Benchmarks of decoding list bodies alone (decodePage), the cost the shape and
// duplicate-key checks add to every page. They measure; they assert nothing. Run
//
//	go test -run '^$' -bench DecodePage -benchmem ./internal/client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func BenchmarkDecodePage(b *testing.B) {
	for _, n := range []int{PageSize, 10_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			body, err := json.Marshal(map[string]any{"total": n, "tasks": fakeapi.GenerateTasks(1, n, 1)})
			if err != nil {
				b.Fatal(err)
			}
			resp := &response{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body}
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				page, err := decodePage[Task](http.MethodGet, fuzzPageURL, resp, "tasks")
				if err != nil || len(page.Items) != n {
					b.Fatalf("%d items, %v", len(page.Items), err)
				}
			}
		})
	}
}
