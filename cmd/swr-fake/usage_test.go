package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// `swr-fake -h` succeeds (exit status 0: run returns nil) and describes the
// sample data as the fake serves it: every execution of every policy of every
// instance, with its status and its failed tasks, all read here over HTTP from a
// seeded fake, never copied from the seed by hand.
func TestHelp_DescribesTheSampleDataAsServed(t *testing.T) {
	var stdout, stderr strings.Builder
	if err := run([]string{"-h"}, &stdout, &stderr); err != nil {
		t.Fatalf("swr-fake -h: %v", err)
	}
	help := stderr.String()
	for _, want := range []string{"Usage:", "Flags:", "-listen", `auth_token   = "swr-fake-token"`, "SWR_ENDPOINT"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}

	base := serveSample(t, nil) + "/v2/" + fakeapi.DefaultProjectID + "/instances"
	var instances []fakeapi.Instance
	getList(t, base, "instances", &instances)
	executions := 0
	for _, inst := range instances {
		if !strings.Contains(help, fmt.Sprintf("instance %s (name %q, %s)", inst.ID, inst.Name, inst.Status)) {
			t.Errorf("help does not describe instance %s (%s, %s)", inst.ID, inst.Name, inst.Status)
		}
		var policies []fakeapi.Policy
		getList(t, base+"/"+inst.ID+"/retention/policies", "retentions", &policies)
		for _, p := range policies {
			path := fmt.Sprintf("%s/%s/namespaces/%s/retention/policies/%d/executions", base, inst.ID, p.NamespaceName, p.ID)
			var execs []fakeapi.Execution
			getList(t, path, "executions", &execs)
			for _, e := range execs {
				executions++
				var tasks []fakeapi.Task
				getList(t, fmt.Sprintf("%s/%d/tasks", path, e.ID), "tasks", &tasks)
				failed := 0
				for _, tk := range tasks {
					if tk.Status == "Failed" {
						failed++
					}
				}
				line := fmt.Sprintf("execution %d: %s, %s", e.ID, e.Status, e.Trigger)
				i := strings.Index(help, line)
				if i < 0 {
					t.Errorf("help does not describe execution %d of policy %d as %q", e.ID, p.ID, line)
					continue
				}
				text := help[i:]
				text = text[:strings.Index(text, "\n")]
				switch {
				case len(tasks) == 0 && !strings.Contains(text, "no tasks"):
					t.Errorf("%s: execution %d has no tasks", text, e.ID)
				case len(tasks) > 0 && !strings.Contains(text, fmt.Sprintf("%d tasks", len(tasks))):
					t.Errorf("%s: execution %d has %d tasks", text, e.ID, len(tasks))
				case failed > 0 && !strings.Contains(text, fmt.Sprintf("%d Failed", failed)):
					t.Errorf("%s: execution %d has %d failed tasks", text, e.ID, failed)
				case failed == 0 && strings.Contains(text, " Failed)"):
					t.Errorf("%s: execution %d has no failed task", text, e.ID)
				}
			}
		}
	}
	if executions < 5 {
		t.Fatalf("the sample lists %d executions; the test reads too little", executions)
	}
	// The sample's own landmarks, as the docs use them.
	for _, want := range []string{
		fmt.Sprintf("execution %d: InProgress, manual, no tasks <- newest\n", fakeapi.SampleEmptyExecution),
		"<- newest finished real run\n",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// getList reads every page of a listing of the fake into v.
func getList(t *testing.T, url, field string, v any) {
	t.Helper()
	var all []json.RawMessage
	for offset := 0; ; offset += 100 {
		status, body := get(t, fmt.Sprintf("%s?limit=100&offset=%d", url, offset))
		var page map[string]json.RawMessage
		var items []json.RawMessage
		if status != http.StatusOK || json.Unmarshal(body, &page) != nil || json.Unmarshal(page[field], &items) != nil {
			t.Fatalf("GET %s: %d %s", url, status, body)
		}
		all = append(all, items...)
		if len(items) < 100 {
			break
		}
	}
	joined, _ := json.Marshal(all)
	if err := json.Unmarshal(joined, v); err != nil {
		t.Fatal(err)
	}
}

// serveSample serves, until the test ends, a fake seeded with the sample that
// setup (when not nil) then changes as the flags under test would, and returns
// its URL.
func serveSample(t *testing.T, setup func(*fakeapi.Server)) string {
	t.Helper()
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{"t"}})
	fake.SeedSample()
	if setup != nil {
		setup(fake)
	}
	ts := httptest.NewServer(handler(fake))
	t.Cleanup(ts.Close)
	return ts.URL
}

// expectBanner asserts that the banner of a fake at base started with o says
// each of lines.
func expectBanner(t *testing.T, base string, o options, lines ...string) {
	t.Helper()
	var banner strings.Builder
	printBanner(&banner, base, o)
	for _, line := range lines {
		if !strings.Contains(banner.String(), line) {
			t.Errorf("banner lacks %q:\n%s", line, banner.String())
		}
	}
}

// get sends GET url with the fake's test token ("t") and returns the status and
// the body as sent.
func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Auth-Token", "t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}
