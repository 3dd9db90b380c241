package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:8080": true, "[::1]:0": true, "localhost:0": true,
		"0.0.0.0:0": false, ":8080": false, "[::]:0": false, "10.0.0.1:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("%s: err %v", addr, err)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:1"}, {"-seed", "other"}, {"-total", "sometimes"}, {"-tasks", "-1"}, {"-latency", "-1s"}, {"-ak", "x", "-sk", ""}, {"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-tasks", "5", "-latency", "10ms"}, io.Discard)
	if err != nil || o.tasks != 5 || o.latency != 10*time.Millisecond || o.listen != "127.0.0.1:0" || o.seed != "sample" ||
		o.quirks != (fakeapi.ListingQuirks{}) {
		t.Fatalf("%+v %v", o, err)
	}
}

// The listing switches reach the fake: a server started with them pages as they say.
func TestListingFlags(t *testing.T) {
	o, err := parseFlags([]string{"-total", "absent", "-ignore-filters", "-ignore-offset"}, io.Discard)
	want := fakeapi.ListingQuirks{Total: fakeapi.TotalAbsent, IgnoreFilters: true, IgnoreOffset: true}
	if err != nil || o.quirks != want {
		t.Fatalf("%+v %v", o.quirks, err)
	}
	url := serveSample(t, func(fake *fakeapi.Server) { fake.SetListingQuirks(o.quirks) })
	status, raw := get(t, url+"/v2/"+fakeapi.DefaultProjectID+
		"/instances/ins-demo/namespaces/platform/retention/policies/7/executions/113/tasks?status=Failed&limit=100&offset=200")
	var body map[string]json.RawMessage
	var tasks []fakeapi.Task
	if err := json.Unmarshal(raw, &body); err != nil || json.Unmarshal(body["tasks"], &tasks) != nil {
		t.Fatalf("%d %v", status, err)
	}
	// Offset 200 answered as offset 0, every status, no total.
	if _, hasTotal := body["total"]; hasTotal || len(tasks) != 100 || tasks[0].ID == 0 {
		t.Fatalf("total present %v, %d tasks", hasTotal, len(tasks))
	}
	expectBanner(t, url, o, "total absent, ignore filters true, ignore offset true, filter per page false")
}

// -filter-per-page: the fake pages every task, then filters the page, and
// reports the total of every task.
func TestListingFlags_FilterPerPage(t *testing.T) {
	o, err := parseFlags([]string{"-filter-per-page"}, io.Discard)
	if err != nil || o.quirks != (fakeapi.ListingQuirks{FilterPerPage: true}) {
		t.Fatalf("%+v %v", o.quirks, err)
	}
	url := serveSample(t, func(fake *fakeapi.Server) { fake.SetListingQuirks(o.quirks) })
	list := func(query string) (int, []fakeapi.Task) {
		status, raw := get(t, url+"/v2/"+fakeapi.DefaultProjectID+
			"/instances/ins-demo/namespaces/platform/retention/policies/7/executions/113/tasks?limit=100"+query)
		var body struct {
			Total int            `json:"total"`
			Tasks []fakeapi.Task `json:"tasks"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		return body.Total, body.Tasks
	}
	allTotal, all := list("")
	failedTotal, failed := list("&status=Failed")
	var want []int64
	for _, tk := range all {
		if tk.Status == "Failed" {
			want = append(want, tk.ID)
		}
	}
	var got []int64
	for _, tk := range failed {
		got = append(got, tk.ID)
	}
	if failedTotal != allTotal || fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
		t.Fatalf("total %d (of %d), Failed %v, want the Failed of the first unfiltered page %v", failedTotal, allTotal, got, want)
	}
	expectBanner(t, url, o, "filter per page true")
}

func TestControlEndpoints(t *testing.T) {
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{"t"}})
	ts := httptest.NewServer(handler(fake))
	defer ts.Close()
	stats := func() map[string]any {
		resp, err := http.Get(ts.URL + "/_fake/requests")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for i := 0; i < 3; i++ {
		resp, err := http.Get(ts.URL + "/v3/projects")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	m := stats()
	firstText, ok1 := m["first"].(string)
	lastText, ok2 := m["last"].(string)
	first, err1 := time.Parse(time.RFC3339Nano, firstText)
	last, err2 := time.Parse(time.RFC3339Nano, lastText)
	if m["count"] != float64(3) || !ok1 || !ok2 || err1 != nil || err2 != nil || last.Before(first) {
		t.Fatalf("stats %v", m)
	}
	resp, err := http.Post(ts.URL+"/_fake/reset", "application/json", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("reset: %v", err)
	}
	resp.Body.Close()
	if m := stats(); m["count"] != float64(0) {
		t.Fatalf("after reset %v", m)
	}
	resp, _ = http.Get(ts.URL + "/_fake/reset")
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET reset: %d", resp.StatusCode)
	}
}

func TestWireFlags(t *testing.T) {
	for _, args := range [][]string{{"-time-layout", "iso"}, {"-unset-end-time", "never"}, {"-time-layout", ""}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-seed", "none", "-time-layout", "no-zone", "-unset-end-time", "null", "-require-sdk-headers"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{"t"}})
	if err := applyWireOptions(fake, o); err != nil {
		t.Fatal(err)
	}
	key := fakeapi.ExecutionKey{InstanceID: "i", Namespace: "n", PolicyID: 1, ExecutionID: 2}
	fake.SetTasks(key, []fakeapi.Task{{ID: 1, Status: "InProgress", StartTime: "2024-03-01T10:00:00Z"}})
	ts := httptest.NewServer(handler(fake))
	defer ts.Close()
	list := func(contentType string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v2/"+fakeapi.DefaultProjectID+"/instances/i/namespaces/n/retention/policies/1/executions/2/tasks", nil)
		req.Header.Set("X-Auth-Token", "t")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, _ := list(""); status != http.StatusBadRequest {
		t.Errorf("-require-sdk-headers: a GET without Content-Type got %d, want 400", status)
	}
	status, body := list("application/json")
	if status != http.StatusOK || !strings.Contains(body, `"start_time":"2024-03-01 10:00:00"`) || !strings.Contains(body, `"end_time":null`) {
		t.Errorf("status %d body %s: want the no-zone start time and a null end time", status, body)
	}
}
