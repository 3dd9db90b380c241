package fakeapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestTaskPagination(t *testing.T) {
	_, base := seeded(t)
	u := base + sampleTasks

	l := decodeTasks(t, get(t, u))
	if l.Total != fakeapi.SampleTaskCount || len(l.Tasks) != 10 {
		t.Fatalf("default page: total %d, %d tasks; want %d, 10", l.Total, len(l.Tasks), fakeapi.SampleTaskCount)
	}
	// Walk every page with limit 100: stored order, no gaps, last page partial.
	var all []fakeapi.Task
	for off := 0; ; off += 100 {
		p := decodeTasks(t, get(t, fmt.Sprintf("%s?offset=%d&limit=100", u, off)))
		if p.Total != fakeapi.SampleTaskCount {
			t.Fatalf("total %d at offset %d", p.Total, off)
		}
		all = append(all, p.Tasks...)
		if len(p.Tasks) < 100 {
			if len(p.Tasks) != 50 {
				t.Fatalf("last page has %d tasks, want 50", len(p.Tasks))
			}
			break
		}
	}
	if len(all) != fakeapi.SampleTaskCount || !reflect.DeepEqual(all[:10], l.Tasks) {
		t.Fatalf("walked %d tasks; first page differs from the default page", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Fatalf("ids not ascending at %d", i)
		}
	}
	if p := decodeTasks(t, get(t, u+"?offset=300&limit=100")); p.Total != 250 || len(p.Tasks) != 0 {
		t.Fatalf("past the end: total %d, %d tasks", p.Total, len(p.Tasks))
	}
	if p := decodeTasks(t, get(t, u+"?offset=20")); len(p.Tasks) != 10 || p.Tasks[0] != all[20] {
		t.Fatalf("offset 20 with the default limit is wrong")
	}

	for _, q := range []string{
		"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "limit=", "limit=10&limit=20",
		"offset=-10", "offset=5", "offset=15", "offset=10&limit=20", "offset=x", "offset=",
		"status=failed", "status=Running", "status=", "status=Failed&status=Succeed", "limit=%zz",
	} {
		r := get(t, u+"?"+q)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%s)", q, r.status, r.body)
			continue
		}
		r.errorCode(t)
	}
	for _, q := range []string{"limit=1", "limit=100", "offset=0&limit=100", "offset=200&limit=100", "offset=30&limit=15", "unknown=1"} {
		if r := get(t, u+"?"+q); r.status != http.StatusOK {
			t.Errorf("%s: status %d (%s)", q, r.status, r.body)
		}
	}
}

func TestStatusFilter(t *testing.T) {
	s, base := fakeapi.Start(t, testConfig())
	tasks := fakeapi.GenerateTasks(5, 437, 99)
	key := fakeapi.ExecutionKey{InstanceID: "ins-1", Namespace: "ns", PolicyID: 3, ExecutionID: 5}
	s.SetTasks(key, tasks)
	u := base + tasksPath("ins-1", "ns", "3", "5")
	seen := 0
	for _, st := range []string{"Initialized", "Pending", "InProgress", "Succeed", "Failed", "Stopped"} {
		var want []fakeapi.Task
		for _, tk := range tasks {
			if tk.Status == st {
				want = append(want, tk)
			}
		}
		var got []fakeapi.Task
		for off := 0; ; off += 7 {
			p := decodeTasks(t, get(t, fmt.Sprintf("%s?status=%s&limit=7&offset=%d", u, st, off)))
			if p.Total != len(want) {
				t.Fatalf("%s: total %d, want %d", st, p.Total, len(want))
			}
			got = append(got, p.Tasks...)
			if len(p.Tasks) < 7 {
				break
			}
		}
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: filtered pages differ from the filtered list", st)
		}
		seen += len(want)
	}
	if seen != len(tasks) {
		t.Fatalf("statuses cover %d of %d tasks", seen, len(tasks))
	}
}

func TestNotFoundAndRouting(t *testing.T) {
	_, base := seeded(t)
	cases := []struct {
		path, code, mention string
		status              int
	}{
		{tasksPath("ins-nope", "platform", "7", "113"), "SWR.FAKE.404", "instance ins-nope", 404},
		{tasksPath("ins-demo", "nope", "7", "113"), "SWR.FAKE.404", "namespace nope", 404},
		{tasksPath("ins-demo", "platform", "8", "113"), "SWR.FAKE.404", "policy 8", 404},
		{tasksPath("ins-demo", "tools", "7", "113"), "SWR.FAKE.404", "policy 7", 404}, // policy of another namespace
		{tasksPath("ins-demo", "platform", "7", "999"), "SWR.FAKE.404", "execution 999", 404},
		{tasksPath("ins-demo", "platform", "7", "113") + "/123/subtasks", "SWR.FAKE.404", "task 123", 404},
		{tasksPath("ins-demo", "platform", "x", "113"), "SWR.FAKE.400", "policy_id", 400},
		{tasksPath("ins-demo", "platform", "7", "1e3"), "SWR.FAKE.400", "execution_id", 400},
		{sampleTasks + "/", "APIG.0101", "", 404},
		{sampleTasks + "/x", "APIG.0101", "", 404},
		{"/v2/" + projectID + "/instances/ins-demo//retention/policies", "APIG.0101", "", 404},
		{"/v2/" + projectID + "/instances/ins-demo/namespaces/platform/retention/policies/7", "APIG.0101", "", 404},
		{"/v%32/" + projectID + "/instances/ins-demo/retention/policies", "APIG.0101", "", 404},
		{"/", "APIG.0101", "", 404},
	}
	for _, c := range cases {
		r := get(t, base+c.path)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.path, r.status, c.status, r.body)
			continue
		}
		if code := r.errorCode(t); code != c.code {
			t.Errorf("%s: error_code %s, want %s", c.path, code, c.code)
		}
		mustContain(t, string(r.body), c.mention)
		if _, ok := r.json(t)["encoded_authorization_message"]; ok {
			t.Errorf("%s: encoded_authorization_message on a %d", c.path, r.status)
		}
	}
	// Unknown route answers 404 even without credentials (gateway routing first).
	if r := get(t, base+"/nothing/here", withHeader("X-Other", "1")); r.status != 404 {
		t.Errorf("unknown route without auth: %d", r.status)
	}
	r := do(t, http.MethodDelete, base+sampleTasks, nil, withToken(testToken))
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
		t.Errorf("DELETE: %d Allow=%q", r.status, r.header.Get("Allow"))
	}
	// Another project id in the path: 403 with an encoded authorization message.
	r = get(t, base+"/v2/ffffffffffffffffffffffffffffffff/instances/ins-demo/retention/policies")
	if r.status != http.StatusForbidden {
		t.Fatalf("foreign project: %d", r.status)
	}
	r.errorCode(t)
	if msg, _ := r.json(t)["encoded_authorization_message"].(string); msg == "" {
		t.Errorf("403 without encoded_authorization_message: %s", r.body)
	}
	r = get(t, base+sampleTasks, withToken(testToken), withHeader("X-Project-Id", "ffff"))
	if r.status != http.StatusForbidden {
		t.Errorf("X-Project-Id mismatch: %d", r.status)
	}
}

func TestEscapedNamespace(t *testing.T) {
	s, base := fakeapi.Start(t, testConfig())
	s.SetTasks(fakeapi.ExecutionKey{InstanceID: "i", Namespace: "a/b", PolicyID: 1, ExecutionID: 2}, fakeapi.GenerateTasks(2, 3, 1))
	s.SetTasks(fakeapi.ExecutionKey{InstanceID: "i", Namespace: "a b+c", PolicyID: 1, ExecutionID: 2}, fakeapi.GenerateTasks(2, 4, 1))
	if l := decodeTasks(t, get(t, base+tasksPath("i", "a%2Fb", "1", "2"))); l.Total != 3 {
		t.Fatalf("a%%2Fb: total %d", l.Total)
	}
	if l := decodeTasks(t, get(t, base+tasksPath("i", "a%2fb", "1", "2"))); l.Total != 3 {
		t.Fatalf("a%%2fb: total %d", l.Total)
	}
	if l := decodeTasks(t, get(t, base+tasksPath("i", "a%20b+c", "1", "2"))); l.Total != 4 {
		t.Fatalf("a%%20b+c: total %d", l.Total)
	}
	// Sent unescaped, the slash makes another path: no route.
	r := get(t, base+tasksPath("i", "a/b", "1", "2"))
	if r.status != 404 || r.errorCode(t) != "APIG.0101" {
		t.Fatalf("a/b unescaped: %d %s", r.status, r.body)
	}
	if r := get(t, base+tasksPath("i", "a", "1", "2")); r.status != 404 {
		t.Fatalf("namespace a: %d", r.status)
	}
	// A signature over the escaped path verifies.
	u := base + tasksPath("i", "a%2Fb", "1", "2") + "?limit=5"
	if r := do(t, http.MethodGet, u, nil, sign(t, nil, testSK, nowUTC())); r.status != 200 {
		t.Fatalf("signed escaped path: %d %s", r.status, r.body)
	}
	reqs := s.Requests()
	if got := reqs[0].EscapedPath; got != tasksPath("i", "a%2Fb", "1", "2") {
		t.Fatalf("recorded escaped path %q", got)
	}
}

func TestCompanionLists(t *testing.T) {
	_, base := seeded(t)
	prefix := base + "/v2/" + projectID + "/instances/ins-demo"
	execURL := prefix + "/namespaces/platform/retention/policies/7/executions"

	var ex struct {
		Total      int                 `json:"total"`
		Executions []fakeapi.Execution `json:"executions"`
	}
	r := get(t, execURL)
	if err := json.Unmarshal(r.body, &ex); err != nil || r.status != 200 {
		t.Fatalf("executions: %d %s", r.status, r.body)
	}
	var ids []int64
	for _, e := range ex.Executions {
		ids = append(ids, e.ID)
		if e.PolicyID != 7 {
			t.Errorf("execution %d has policy_id %d", e.ID, e.PolicyID)
		}
	}
	if ex.Total != 4 || !reflect.DeepEqual(ids, []int64{114, 113, 112, 111}) {
		t.Fatalf("executions %v total %d", ids, ex.Total)
	}
	if !ex.Executions[2].DryRun || ex.Executions[0].EndTime != "" {
		t.Errorf("112 should be a dry run and 114 running: %+v", ex.Executions)
	}
	r = get(t, execURL+"?limit=1&offset=1")
	if err := json.Unmarshal(r.body, &ex); err != nil || ex.Total != 4 || len(ex.Executions) != 1 || ex.Executions[0].ID != 113 {
		t.Fatalf("second page of executions: %s", r.body)
	}
	// The SDK's executions list has no status parameter: the fake refuses one.
	for _, q := range []string{"limit=101", "offset=3&limit=2", "status=bogus", "status=Succeed"} {
		if r := get(t, execURL+"?"+q); r.status != 400 {
			t.Errorf("executions %s: %d", q, r.status)
		}
	}
	if l := decodeTasks(t, get(t, base+tasksPath("ins-demo", "platform", "7", "114"))); l.Total != 0 {
		t.Errorf("execution 114 has %d tasks", l.Total)
	}

	// Sub-tasks of the first failed task.
	all := decodeTasks(t, get(t, base+sampleTasks+"?status=Failed&limit=100"))
	if all.Total == 0 {
		t.Fatal("sample execution 113 has no Failed task")
	}
	failed := all.Tasks[0]
	var st struct {
		Total    int               `json:"total"`
		SubTasks []fakeapi.SubTask `json:"sub_tasks"`
	}
	subURL := fmt.Sprintf("%s/%d/subtasks", base+sampleTasks, failed.ID)
	r = get(t, subURL)
	if err := json.Unmarshal(r.body, &st); err != nil || r.status != 200 || st.Total < 1 || st.Total > 3 {
		t.Fatalf("sub-tasks: %d %s", r.status, r.body)
	}
	for _, sub := range st.SubTasks {
		if sub.JobID != failed.ID || sub.Action != "DEL" || sub.Repository != failed.Repository || len(sub.Digest) != 71 {
			t.Errorf("sub-task %+v does not match task %+v", sub, failed)
		}
	}
	r = get(t, subURL+"?status=Failed")
	if err := json.Unmarshal(r.body, &st); err != nil || st.Total != 1 || st.SubTasks[0].StatusText == "" {
		t.Fatalf("failed sub-tasks: %s", r.body)
	}
	// A task without sub-tasks exists: empty list, not 404.
	succeeded := decodeTasks(t, get(t, base+sampleTasks+"?status=Succeed&limit=1"))
	r = get(t, fmt.Sprintf("%s/%d/subtasks", base+sampleTasks, succeeded.Tasks[0].ID))
	if err := json.Unmarshal(r.body, &st); err != nil || r.status != 200 || st.Total != 0 || st.SubTasks == nil {
		t.Fatalf("sub-tasks of a succeeded task: %d %s", r.status, r.body)
	}

	// Policies.
	var pl struct {
		Total      int              `json:"total"`
		Retentions []fakeapi.Policy `json:"retentions"`
	}
	polURL := prefix + "/retention/policies"
	r = get(t, polURL)
	if err := json.Unmarshal(r.body, &pl); err != nil || pl.Total != 2 || pl.Retentions[0].ID != 7 || pl.Retentions[1].ID != 9 {
		t.Fatalf("policies: %s", r.body)
	}
	p7 := pl.Retentions[0]
	if p7.NamespaceName != "platform" || p7.NamespaceID != 1 || p7.Algorithm != "or" || p7.Trigger.Type != "scheduled" ||
		p7.Trigger.TriggerSettings.Cron == "" || len(p7.Rules) != 1 || p7.Rules[0].Template != "latestPushedK" ||
		p7.Rules[0].ScopeSelectors["repository"][0].Kind != "doublestar" {
		t.Errorf("policy 7: %+v", p7)
	}
	r = get(t, polURL+"?namespace_id=2")
	if err := json.Unmarshal(r.body, &pl); err != nil || pl.Total != 1 || pl.Retentions[0].ID != 9 {
		t.Fatalf("namespace_id filter: %s", r.body)
	}
	r = get(t, polURL+"?name=keep")
	if err := json.Unmarshal(r.body, &pl); err != nil || pl.Total != 1 || pl.Retentions[0].ID != 7 {
		t.Fatalf("name filter: %s", r.body)
	}
	for _, q := range []string{"namespace_id=x", "limit=0", "offset=1"} {
		if r := get(t, polURL+"?"+q); r.status != 400 {
			t.Errorf("policies %s: %d", q, r.status)
		}
	}

	// Starting an execution puts a new one first.
	r = do(t, http.MethodPost, execURL, []byte(`{"dry_run":true}`), withToken(testToken))
	if r.status != http.StatusCreated {
		t.Fatalf("start execution: %d %s", r.status, r.body)
	}
	if id := r.json(t)["id"]; id != float64(115) {
		t.Fatalf("new execution id %v", id)
	}
	r = get(t, execURL+"?limit=1")
	if err := json.Unmarshal(r.body, &ex); err != nil || ex.Total != 5 || ex.Executions[0].ID != 115 || !ex.Executions[0].DryRun {
		t.Fatalf("after start: %s", r.body)
	}
	if r := do(t, http.MethodPost, execURL, []byte(`{`), withToken(testToken)); r.status != 400 {
		t.Fatalf("malformed start: %d", r.status)
	}
}

func TestSetters(t *testing.T) {
	s, base := fakeapi.Start(t, testConfig())
	key := fakeapi.ExecutionKey{InstanceID: "i", Namespace: "n", PolicyID: 4, ExecutionID: 10}
	s.SetTasks(key, fakeapi.GenerateTasks(10, 5, 1))
	key.ExecutionID = 12
	s.SetSubTasks(key, 77, []fakeapi.SubTask{{ID: 1, JobID: 77, Action: "DEL", Status: "Succeed"}})
	var ex struct {
		Executions []fakeapi.Execution `json:"executions"`
	}
	r := get(t, base+"/v2/"+projectID+"/instances/i/namespaces/n/retention/policies/4/executions")
	if err := json.Unmarshal(r.body, &ex); err != nil || len(ex.Executions) != 2 || ex.Executions[0].ID != 12 {
		t.Fatalf("auto-created executions: %s", r.body)
	}
	if r := get(t, base+tasksPath("i", "n", "4", "12")+"/77/subtasks"); r.status != 200 {
		t.Fatalf("sub-tasks set without tasks: %d", r.status)
	}
	// SetExecutions keeps the tasks of executions it keeps.
	s.SetExecutions("i", "n", 4, []fakeapi.Execution{{ID: 10, Status: "Failed", Trigger: "manual"}})
	if l := decodeTasks(t, get(t, base+tasksPath("i", "n", "4", "10"))); l.Total != 5 {
		t.Fatalf("tasks lost: %d", l.Total)
	}
	if r := get(t, base+tasksPath("i", "n", "4", "12")); r.status != 404 {
		t.Fatalf("dropped execution still answers: %d", r.status)
	}
	r = get(t, base+"/v2/"+projectID+"/instances/i/namespaces/n/retention/policies/4/executions")
	if err := json.Unmarshal(r.body, &ex); err != nil || len(ex.Executions) != 1 || ex.Executions[0].PolicyID != 4 || ex.Executions[0].Status != "Failed" {
		t.Fatalf("SetExecutions: %s", r.body)
	}
}

// FuzzServe checks that no request line, query or header set makes the fake panic
// or answer without the documented headers. `go test` runs the seeds only.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		sampleTasks + "?limit=100&offset=200&status=Failed",
		"/v2/" + projectID + "/instances/ins-demo/retention/policies?name=&namespace_id=99999999999999999999",
		"/v2/" + projectID + "/instances/ins-demo/namespaces/platform/retention/policies/7/executions?offset=9223372036854775800&limit=100",
		"/v2/" + projectID + "/instances/ins-demo/namespaces/platform/retention/policies/7/executions/113/tasks/-1/subtasks",
		"/v2/%2F/instances/%00/namespaces/%25/retention/policies/7/executions/113/tasks",
		"/v3/projects?name=cn-north-4&name=x", "//", "/v3/auth/tokens", "*",
	} {
		f.Add(seed, "GET", testToken)
		f.Add(seed, "POST", "")
	}
	s := fakeapi.New(testConfig())
	s.SeedSample()
	f.Fuzz(func(t *testing.T, target, method, token string) {
		u, err := url.Parse(target)
		if err != nil || !validMethod(method) {
			t.Skip()
		}
		req := &http.Request{Method: method, URL: u, Header: http.Header{}, Body: http.NoBody, Host: "127.0.0.1"}
		req = req.WithContext(context.Background())
		if token != "" {
			req.Header.Set("X-Auth-Token", token)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Header().Get("X-Request-Id") == "" || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s %s: headers %v", method, target, w.Header())
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: %d body %q is not JSON", method, target, w.Code, w.Body.Bytes())
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
