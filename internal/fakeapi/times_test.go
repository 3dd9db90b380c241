package fakeapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// timesFixture is one execution with a finished and an unfinished task, and a
// sub-task of the finished one.
func timesFixture(t *testing.T) (*fakeapi.Server, string) {
	t.Helper()
	s, base := fakeapi.Start(t, testConfig())
	key := fakeapi.ExecutionKey{InstanceID: "ins", Namespace: "ns", PolicyID: 1, ExecutionID: 2}
	s.SetExecutions("ins", "ns", 1, []fakeapi.Execution{{ID: 2, Status: "InProgress", Trigger: "manual", StartTime: "2024-03-01T10:00:00Z"}})
	s.SetTasks(key, []fakeapi.Task{
		{ID: 10, Status: "Succeed", StartTime: "2024-03-01T10:00:01Z", EndTime: "2024-03-01T10:00:02.5Z"},
		{ID: 11, Status: "InProgress", StartTime: "2024-03-01T10:00:03Z"},
	})
	s.SetSubTasks(key, 10, []fakeapi.SubTask{{ID: 20, Status: "Succeed", OpTime: "2024-03-01T10:00:02Z"}})
	return s, base
}

const timesExecPath = "/v2/" + projectID + "/instances/ins/namespaces/ns/retention/policies/1/executions"

// rawItems is the listing's items as raw JSON fields, so that a missing field and
// a null one differ.
func rawItems(t *testing.T, base, path, key string) []map[string]json.RawMessage {
	t.Helper()
	r := get(t, base+path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, r.status, r.body)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(body[key], &items); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return items
}

func TestTimeLayoutsRewriteEveryListing(t *testing.T) {
	cases := []struct {
		layout                          fakeapi.TimeLayout
		execStart, taskEnd, subTaskTime string
	}{
		{fakeapi.TimeRFC3339, `"2024-03-01T10:00:00Z"`, `"2024-03-01T10:00:02.5Z"`, `"2024-03-01T10:00:02Z"`},
		{fakeapi.TimeFractional, `"2024-03-01T10:00:00.000000Z"`, `"2024-03-01T10:00:02.500000Z"`, `"2024-03-01T10:00:02.000000Z"`},
		{fakeapi.TimeOffset, `"2024-03-01T18:00:00+08:00"`, `"2024-03-01T18:00:02.5+08:00"`, `"2024-03-01T18:00:02+08:00"`},
		{fakeapi.TimeNoZone, `"2024-03-01 10:00:00"`, `"2024-03-01 10:00:02.5"`, `"2024-03-01 10:00:02"`},
		{fakeapi.TimeNoZoneT, `"2024-03-01T10:00:00"`, `"2024-03-01T10:00:02.5"`, `"2024-03-01T10:00:02"`},
		{fakeapi.TimeGarbage, `"01/03/2024 10h00 \u001b[1m"`, `"01/03/2024 10h00 \u001b[1m"`, `"01/03/2024 10h00 \u001b[1m"`},
	}
	for _, tc := range cases {
		t.Run(string(tc.layout), func(t *testing.T) {
			s, base := timesFixture(t)
			if err := s.SetTimeLayout(tc.layout); err != nil {
				t.Fatal(err)
			}
			execs := rawItems(t, base, timesExecPath, "executions")
			tasks := rawItems(t, base, timesExecPath+"/2/tasks", "tasks")
			subs := rawItems(t, base, timesExecPath+"/2/tasks/10/subtasks", "sub_tasks")
			for _, c := range []struct {
				got  json.RawMessage
				want string
			}{
				{execs[0]["start_time"], tc.execStart},
				{tasks[0]["end_time"], tc.taskEnd},
				{subs[0]["op_time"], tc.subTaskTime},
				// An unset end time stays "" whatever the layout.
				{tasks[1]["end_time"], `""`},
				{execs[0]["end_time"], `""`},
			} {
				if string(c.got) != c.want {
					t.Errorf("got %s, want %s", c.got, c.want)
				}
			}
		})
	}
}

func TestUnsetEndTimeModes(t *testing.T) {
	cases := []struct {
		mode   fakeapi.UnsetEndTime
		layout fakeapi.TimeLayout
		want   string // "" for a missing field
	}{
		{fakeapi.EndTimeEmpty, fakeapi.TimeRFC3339, `""`},
		{fakeapi.EndTimeNull, fakeapi.TimeRFC3339, `null`},
		{fakeapi.EndTimeMissing, fakeapi.TimeRFC3339, ``},
		{fakeapi.EndTimeZero, fakeapi.TimeRFC3339, `"0001-01-01T00:00:00Z"`},
		{fakeapi.EndTimeZero, fakeapi.TimeNoZone, `"0001-01-01 00:00:00"`},
		{fakeapi.EndTimeZero, fakeapi.TimeOffset, `"0001-01-01T08:00:00+08:00"`},
		{fakeapi.EndTimeZero, fakeapi.TimeFractional, `"0001-01-01T00:00:00.000000Z"`},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode)+"/"+string(tc.layout), func(t *testing.T) {
			s, base := timesFixture(t)
			if err := s.SetUnsetEndTime(tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := s.SetTimeLayout(tc.layout); err != nil {
				t.Fatal(err)
			}
			tasks := rawItems(t, base, timesExecPath+"/2/tasks", "tasks")
			execs := rawItems(t, base, timesExecPath, "executions")
			for name, item := range map[string]map[string]json.RawMessage{"unfinished task": tasks[1], "running execution": execs[0]} {
				got, present := item["end_time"]
				if tc.want == "" {
					if present {
						t.Errorf("%s: end_time is %s, want it left out", name, got)
					}
					continue
				}
				if string(got) != tc.want {
					t.Errorf("%s: end_time is %s, want %s", name, got, tc.want)
				}
			}
			// A finished task's end time is untouched by the mode.
			if got := string(tasks[0]["end_time"]); got == tc.want || got == "" {
				t.Errorf("finished task: end_time %s changed by the mode", got)
			}
		})
	}
}

func TestTimeSwitchesRejectUnknownValues(t *testing.T) {
	s, _ := fakeapi.Start(t, testConfig())
	if err := s.SetTimeLayout("iso"); err == nil {
		t.Error("SetTimeLayout(iso) gave no error")
	}
	if err := s.SetUnsetEndTime("never"); err == nil {
		t.Error("SetUnsetEndTime(never) gave no error")
	}
}

func TestRequireSDKHeaders(t *testing.T) {
	s, base := seeded(t)
	tokenBody := []byte(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","password":"s3cret","domain":{"name":"acme"}}}},"scope":{"project":{"name":"cn-north-4"}}}}`)
	post := func(query, contentType string) response {
		return do(t, http.MethodPost, base+"/v3/auth/tokens"+query, bytes.Clone(tokenBody), withHeader("Content-Type", contentType))
	}
	// Off (the default): a GET without Content-Type and a token request without nocatalog pass.
	if r := get(t, base+sampleTasks); r.status != http.StatusOK {
		t.Fatalf("default: status %d: %s", r.status, r.body)
	}
	if r := post("", "application/json"); r.status != http.StatusCreated {
		t.Fatalf("default token request: status %d: %s", r.status, r.body)
	}

	s.RequireSDKHeaders(true)
	if r := get(t, base+sampleTasks); r.status != http.StatusBadRequest {
		t.Errorf("GET without Content-Type: status %d, want 400", r.status)
	} else {
		mustContain(t, string(r.body), "Content-Type must be application/json")
	}
	if r := get(t, base+sampleTasks, withToken(testToken), withHeader("Content-Type", "application/json;charset=UTF-8")); r.status != http.StatusOK {
		t.Errorf("GET with Content-Type: status %d: %s", r.status, r.body)
	}
	r := post("", "application/json")
	if r.status != http.StatusBadRequest {
		t.Errorf("token request without nocatalog: status %d, want 400", r.status)
	}
	mustContain(t, string(r.body), `"error":{`) // IAM's error shape
	mustContain(t, string(r.body), "nocatalog=true")
	if r := post("?nocatalog=true", "application/json"); r.status != http.StatusCreated {
		t.Errorf("token request with nocatalog: status %d: %s", r.status, r.body)
	}
}
