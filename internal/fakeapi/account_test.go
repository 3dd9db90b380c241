package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

type accountPage struct {
	Total      int                 `json:"total"`
	Instances  []fakeapi.Instance  `json:"instances"`
	Namespaces []fakeapi.Namespace `json:"namespaces"`
}

func decodeAccount(t *testing.T, r response) accountPage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var p accountPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The sample account: three instances in id order, one not running; the status
// and enterprise project filters count in total; a status outside the four is a 400.
func TestInstanceListing(t *testing.T) {
	_, base := seeded(t)
	u := base + "/v2/" + projectID + "/instances"
	all := decodeAccount(t, get(t, u+"?limit=100"))
	var ids []string
	for _, i := range all.Instances {
		ids = append(ids, i.ID+":"+i.Status)
	}
	if all.Total != 3 || fmt.Sprint(ids) != "[ins-demo:Running ins-shared:Running ins-staging:Creating]" {
		t.Fatalf("total %d, instances %v", all.Total, ids)
	}
	if p := decodeAccount(t, get(t, u+"?limit=1&offset=1&status=Running")); p.Total != 2 || len(p.Instances) != 1 || p.Instances[0].ID != "ins-shared" {
		t.Fatalf("running, second page: %+v", p)
	}
	if p := decodeAccount(t, get(t, u+"?enterprise_project_id=none")); p.Total != 0 || len(p.Instances) != 0 {
		t.Fatalf("unknown enterprise project: %+v", p)
	}
	for _, q := range []string{"?status=running", "?status=Succeed", "?status=", "?limit=101", "?offset=3&limit=2"} {
		if r := get(t, u+q); r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, r.status)
		}
	}
	if r := get(t, u, withToken("wrong")); r.status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", r.status)
	}
	if r := get(t, base+"/v2/other-project/instances"); r.status != http.StatusForbidden {
		t.Errorf("other project: %d", r.status)
	}
}

// The shared instance holds 120 namespaces, two pages in namespace-id order;
// name matches substrings, public is "true" or "false" (anything else a 400), and
// an unknown instance is a 404.
func TestNamespaceListing(t *testing.T) {
	_, base := seeded(t)
	u := base + "/v2/" + projectID + "/instances/" + fakeapi.SampleSharedInstance + "/namespaces"
	first := decodeAccount(t, get(t, u+"?limit=100"))
	second := decodeAccount(t, get(t, u+"?limit=100&offset=100"))
	if first.Total != fakeapi.SampleSharedNamespaces || len(first.Namespaces) != 100 || len(second.Namespaces) != fakeapi.SampleSharedNamespaces-100 {
		t.Fatalf("pages: total %d, %d + %d", first.Total, len(first.Namespaces), len(second.Namespaces))
	}
	all := append(first.Namespaces, second.Namespaces...)
	for i, n := range all {
		if n.NamespaceID != int64(i+1) || (n.Metadata.Public != "true" && n.Metadata.Public != "false") {
			t.Fatalf("namespace %d: %+v", i, n)
		}
	}
	if p := decodeAccount(t, get(t, u+"?name=cache-00")); p.Total != 9 {
		t.Errorf("name substring: total %d, want 9", p.Total)
	}
	if p := decodeAccount(t, get(t, u+"?public=true")); p.Total != 1 || p.Namespaces[0].Name != "base-images" {
		t.Errorf("public: %+v", p)
	}
	if r := get(t, u+"?public=yes"); r.status != http.StatusBadRequest {
		t.Errorf("public=yes: %d", r.status)
	}
	if r := get(t, base+"/v2/"+projectID+"/instances/ins-nope/namespaces"); r.status != http.StatusNotFound {
		t.Errorf("unknown instance: %d", r.status)
	}
	// Namespaces made by the other setters are listed too, private by default.
	if p := decodeAccount(t, get(t, base+"/v2/"+projectID+"/instances/"+fakeapi.SampleInstance+"/namespaces")); p.Total != 3 {
		t.Errorf("ins-demo: %+v", p)
	}
}

// PeakInFlight is the most requests served at once: five slow requests sent
// together overlap (all five, on a synctest bubble's clock); ResetRequests starts
// the count again.
func TestPeakInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, transport := fakeapi.StartInMemory(t, testConfig())
		c := &http.Client{Transport: transport}
		list := func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, fakeapi.InMemoryURL+"/v2/"+projectID+"/instances", nil)
			req.Header.Set("X-Auth-Token", testToken)
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		s.SetLatency(50 * time.Millisecond)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(list)
		}
		wg.Wait()
		if p := s.PeakInFlight(); p != 5 {
			t.Fatalf("peak %d of 5 concurrent requests", p)
		}
		s.ResetRequests()
		list()
		if p := s.PeakInFlight(); p != 1 {
			t.Fatalf("peak %d after a reset and one request", p)
		}
	})
}
