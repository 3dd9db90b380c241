package fakeapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func setAnswers(t *testing.T, s *fakeapi.Server, a fakeapi.Answers) {
	t.Helper()
	if err := s.SetAnswers(a); err != nil {
		t.Fatal(err)
	}
}

// Each ListAnswer rewrites the 200 answer of every listing, and only listings.
func TestAnswers_ListModes(t *testing.T) {
	s, base := seeded(t)
	listings := []string{"/v2/" + projectID + "/instances", "/v2/" + projectID + "/instances/ins-demo/namespaces", sampleTasks}
	for _, path := range listings {
		setAnswers(t, s, fakeapi.Answers{})
		normal := get(t, base+path+"?limit=100")
		key := ""
		for k := range normal.json(t) {
			if k != "total" {
				key = k
			}
		}
		for mode, want := range map[fakeapi.ListAnswer]string{
			fakeapi.ListErrorShape:  fakeapi.ErrorShapeAt200,
			fakeapi.ListEmptyObject: `{}`,
			fakeapi.ListNullItems:   `{"total":null,"` + key + `":null}`,
		} {
			setAnswers(t, s, fakeapi.Answers{List: mode})
			if r := get(t, base+path+"?limit=100"); r.status != http.StatusOK || string(r.body) != want {
				t.Errorf("%s %s: %d %s, want %s", mode, path, r.status, r.body, want)
			}
		}
		setAnswers(t, s, fakeapi.Answers{List: fakeapi.ListDuplicateKeys})
		r := get(t, base+path+"?limit=100")
		var last map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &last); err != nil {
			t.Fatal(err)
		}
		trimmed := bytes.TrimSuffix(bytes.TrimSpace(normal.body), []byte("}"))
		if !bytes.HasPrefix(r.body, trimmed) || string(last["total"]) != "0" || string(last[key]) != "[]" {
			t.Errorf("duplicate keys %s: %s", path, r.body)
		}
	}
	// Errors and IAM answers are left alone.
	setAnswers(t, s, fakeapi.Answers{List: fakeapi.ListEmptyObject})
	if r := get(t, base+tasksPath("ins-demo", "platform", "7", "999")); r.status != http.StatusNotFound || r.errorCode(t) == "" {
		t.Errorf("404: %d %s", r.status, r.body)
	}
	if r := get(t, base+"/v3/projects?name="+fakeapi.DefaultRegion); r.status != http.StatusOK || !strings.Contains(string(r.body), projectID) {
		t.Errorf("IAM: %d %s", r.status, r.body)
	}
}

// BOM prefixes every body the routes write: listings, errors and IAM's answers.
func TestAnswers_BOM(t *testing.T) {
	s, base := seeded(t)
	setAnswers(t, s, fakeapi.Answers{BOM: true})
	for _, r := range []response{
		get(t, base+sampleTasks),
		get(t, base+sampleTasks, withToken("wrong")),
		get(t, base+"/v3/projects?name="+fakeapi.DefaultRegion),
	} {
		rest, ok := bytes.CutPrefix(r.body, []byte("\xef\xbb\xbf"))
		if !ok || !json.Valid(rest) {
			t.Errorf("%d %q: want a BOM then JSON", r.status, r.body)
		}
	}
}

// ProxyStatus answers every request, the API's and IAM's, with a proxy's HTML page.
func TestAnswers_ProxyStatus(t *testing.T) {
	s, base := seeded(t)
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		setAnswers(t, s, fakeapi.Answers{ProxyStatus: status})
		for _, r := range []response{
			get(t, base+sampleTasks),
			get(t, base+"/v3/projects?name="+fakeapi.DefaultRegion),
			do(t, http.MethodPost, base+"/v3/auth/tokens", []byte(`{}`)),
		} {
			if r.status != status || string(r.body) != fakeapi.ProxyPage || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
				r.header.Get("X-Request-Id") != "" {
				t.Errorf("%d: got %d %q %q", status, r.status, r.header.Get("Content-Type"), r.body)
			}
		}
	}
	setAnswers(t, s, fakeapi.Answers{})
	if r := get(t, base+sampleTasks); r.status != http.StatusOK {
		t.Errorf("back to normal: %d", r.status)
	}
}

// IAMIgnoresName lists every project whatever ?name= asks for.
func TestAnswers_IAMIgnoresName(t *testing.T) {
	cfg := testConfig()
	cfg.Region = "cn-east-3"
	s, base := fakeapi.Start(t, cfg)
	projects := func() []string {
		var body struct {
			Projects []struct{ Name string } `json:"projects"`
		}
		if err := json.Unmarshal(get(t, base+"/v3/projects?name=cn-north-4").body, &body); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range body.Projects {
			names = append(names, p.Name)
		}
		return names
	}
	if got := projects(); len(got) != 0 {
		t.Fatalf("by default: %v", got)
	}
	setAnswers(t, s, fakeapi.Answers{IAMIgnoresName: true})
	if got := projects(); len(got) != 1 || got[0] != "cn-east-3" {
		t.Fatalf("ignoring the name: %v", got)
	}
}

func TestAnswers_CheckRefusesUnknownValues(t *testing.T) {
	s := fakeapi.New(testConfig())
	for _, a := range []fakeapi.Answers{{List: "sometimes"}, {ProxyStatus: 500}, {ProxyStatus: 200}, {FailedStatus: "Err\x1bor"}} {
		if err := s.SetAnswers(a); err == nil {
			t.Errorf("%+v accepted", a)
		}
	}
	for _, a := range []fakeapi.Answers{{}, {List: fakeapi.ListNormal}, {ProxyStatus: 403, BOM: true}} {
		if err := a.Check(); err != nil {
			t.Errorf("%+v: %v", a, err)
		}
	}
}

// FailedStatus lists the Failed tasks and executions under another status, and
// nothing else changes: the other tasks, the order, the end times, and the
// filter, which still matches the stored Failed.
func TestAnswers_FailedStatus(t *testing.T) {
	s, base := seeded(t)
	normal := decodeTasks(t, get(t, base+sampleTasks+"?limit=100"))
	setAnswers(t, s, fakeapi.Answers{FailedStatus: "Error"})
	relabelled := decodeTasks(t, get(t, base+sampleTasks+"?limit=100"))
	if len(relabelled.Tasks) != len(normal.Tasks) || relabelled.Total != normal.Total {
		t.Fatalf("%d tasks of %d, want %d of %d", len(relabelled.Tasks), relabelled.Total, len(normal.Tasks), normal.Total)
	}
	errors := 0
	for i, tk := range normal.Tasks {
		want := tk
		if tk.Status == "Failed" {
			want.Status = "Error"
			errors++
		}
		if relabelled.Tasks[i] != want {
			t.Errorf("task %d: %+v, want %+v", i, relabelled.Tasks[i], want)
		}
	}
	if errors == 0 {
		t.Fatal("the sample's first page has no Failed task to relabel")
	}
	filtered := decodeTasks(t, get(t, base+sampleTasks+"?limit=100&status=Failed"))
	if len(filtered.Tasks) == 0 || filtered.Tasks[0].Status != "Error" {
		t.Errorf("status=Failed: %+v, want the Failed tasks, listed as Error", filtered.Tasks)
	}
	execs := string(get(t, base+"/v2/"+projectID+"/instances/ins-demo/namespaces/platform/retention/policies/7/executions?limit=100").body)
	if strings.Contains(execs, `"status":"Failed"`) || !strings.Contains(execs, `"status":"Error"`) {
		t.Errorf("executions: %s", execs)
	}
}
