package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
		{"-listen", "0.0.0.0:1"}, {"-seed", "other"}, {"-tasks", "-1"}, {"-latency", "-1s"}, {"-ak", "x", "-sk", ""}, {"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-tasks", "5", "-latency", "10ms"}, io.Discard)
	if err != nil || o.tasks != 5 || o.latency != 10*time.Millisecond || o.listen != "127.0.0.1:0" || o.seed != "sample" {
		t.Fatalf("%+v %v", o, err)
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
