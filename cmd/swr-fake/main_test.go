package main

import (
	"encoding/json"
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
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{"t"}})
	fake.SeedSample()
	fake.SetListingQuirks(o.quirks)
	ts := httptest.NewServer(handler(fake))
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v2/"+fakeapi.DefaultProjectID+
		"/instances/ins-demo/namespaces/platform/retention/policies/7/executions/113/tasks?status=Failed&limit=100&offset=200", nil)
	req.Header.Set("X-Auth-Token", "t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]json.RawMessage
	var tasks []fakeapi.Task
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || json.Unmarshal(body["tasks"], &tasks) != nil {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	// Offset 200 answered as offset 0, every status, no total.
	if _, hasTotal := body["total"]; hasTotal || len(tasks) != 100 || tasks[0].ID == 0 {
		t.Fatalf("total present %v, %d tasks", hasTotal, len(tasks))
	}
	var printed strings.Builder
	printBanner(&printed, ts.URL, o)
	if !strings.Contains(printed.String(), "total absent, ignore filters true, ignore offset true") {
		t.Errorf("banner:\n%s", printed.String())
	}
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
	first, err1 := time.Parse(time.RFC3339Nano, m["first"].(string))
	last, err2 := time.Parse(time.RFC3339Nano, m["last"].(string))
	if m["count"] != float64(3) || err1 != nil || err2 != nil || last.Before(first) {
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
