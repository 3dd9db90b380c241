package client

// What the client believes of a server's answer: a 200 that is not a listing,
// duplicate keys, a BOM, a proxy's 401/403, an IAM that ignores ?name=, and a
// refused connection. Each is tested here against decodePage directly and against
// the fake answering that way.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func decodeTestPage(body string) (Page[Task], error) {
	resp := &response{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(body), requestID: "req-1"}
	return decodePage[Task](http.MethodGet, fuzzPageURL, resp, "tasks")
}

func TestDecodePage_RefusesAnswersThatAreNotListings(t *testing.T) {
	for body, want := range map[string]string{
		`{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information: verify token fail"}`: `it is an error body (APIG.0301: Incorrect IAM authentication information: verify token fail)`,
		`{"error":{"code":"1100","message":"x"}}`:                                                              `it is an error body (1100: x)`,
		`{}`:                          `it has no "tasks" list`,
		`{"total":0}`:                 `it has no "tasks" list`,
		`{"total":null,"tasks":null}`: `"tasks" is null, not a list`,
		`{"total":3,"tasks":null}`:    `"tasks" is null, not a list`,
	} {
		_, err := decodeTestPage(body)
		var respErr *ResponseError
		if !errors.Is(err, ErrNotListing) || !errors.As(err, &respErr) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want ErrNotListing saying %q", body, err, want)
		}
	}
}

func TestDecodePage_AcceptsEmptyListingsAndAMissingTotal(t *testing.T) {
	for body, want := range map[string]Page[Task]{
		`{"total":0,"tasks":[]}`:                           {Total: 0, Items: []Task{}},
		`{"tasks":[]}`:                                     {NoTotal: true, Items: []Task{}},
		`{"total":null,"tasks":[{"id":1}]}`:                {NoTotal: true, Items: []Task{{ID: 1}}},
		"\xef\xbb\xbf{\"total\":1,\"tasks\":[{\"id\":2}]}": {Total: 1, Items: []Task{{ID: 2}}},
		"\xef\xbb\xbf \n{\"total\":0,\"tasks\":[]}":        {Items: []Task{}},
	} {
		got, err := decodeTestPage(body)
		if err != nil || got.Total != want.Total || got.NoTotal != want.NoTotal || len(got.Items) != len(want.Items) ||
			len(want.Items) > 0 && got.Items[0] != want.Items[0] {
			t.Errorf("%q: %+v, %v; want %+v", body, got, err, want)
		}
	}
}

func TestDecodePage_RefusesDuplicateKeys(t *testing.T) {
	five := `[{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}]`
	for body, key := range map[string]string{
		`{"total":5,"tasks":` + five + `,"total":0,"tasks":[]}`:               "total",
		`{"tasks":[],"tasks":` + five + `}`:                                   "tasks",
		`{"total":1,"tasks":[{"id":1,"status":"Failed","status":"Succeed"}]}`: "status",
		`{"total":1,"tasks":[{"id":1,"ID":2}]}`:                               "ID",
		`{"total":1,"tasks":[{"id":1,"\u0069d":2}]}`:                          "id",
		`{"total":1,"Total":0,"tasks":[]}`:                                    "Total",
		`{"total":0,"tasks":[],"x":{"a":{"b":1,"b":2}}}`:                      "b",
		`{"total":0,"tasks":[],"x":[[{"k":1,"K":2}]]}`:                        "K",
		// encoding/json reads an invalid byte as U+FFFD: the scanner must too.
		"{\"total\":0,\"tasks\":[],\"x\":{\"\x80\":1,\"\\ufffd\":2}}": "\ufffd",
	} {
		_, err := decodeTestPage(body)
		var respErr *ResponseError
		if !errors.As(err, &respErr) || !strings.Contains(err.Error(), `the key "`+key+`" appears twice`) {
			t.Errorf("%s: err %v, want the duplicate %q named", body, err, key)
		}
	}
	// The same key in different objects is no duplicate; nor are keys that only
	// share a prefix, or escaped characters that differ.
	for _, body := range []string{
		`{"total":2,"tasks":[{"id":1,"status":"a"},{"id":2,"status":"b"}]}`,
		`{"total":1,"tasks":[{"id":1,"idx":2,"i":3,"\"id\"":4,"i\\d":5}]}`,
		`{"total":0,"tasks":[],"a":{"total":1},"b":[{"total":2}]}`,
	} {
		if _, err := decodeTestPage(body); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// An object of more keys than the scanner compares one by one goes through its map.
func TestDecodePage_DuplicateKeysInLargeObjects(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"total":0,"tasks":[],"x":{`)
	for i := range 40 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i) + `":1`)
	}
	if _, err := decodeTestPage(b.String() + `}}`); err != nil {
		t.Fatalf("40 distinct keys: %v", err)
	}
	if _, err := decodeTestPage(b.String() + `,"KXXX":2}}`); err == nil || !strings.Contains(err.Error(), `"KXXX" appears twice`) {
		t.Fatalf("a duplicate after 40 keys: %v", err)
	}
}

// listCalls are every list call of the client, against the fake's sample data.
func listCalls(subTaskID int64) map[string]func(context.Context, *Client) (int, error) {
	ref := ExecutionRef{InstanceID: fakeapi.SampleInstance, NamespaceName: fakeapi.SampleNamespace, PolicyID: fakeapi.SamplePolicyID, ExecutionID: fakeapi.SampleExecutionID}
	count := func(n int, err error) (int, error) { return n, err }
	return map[string]func(context.Context, *Client) (int, error){
		"instances": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListInstances(ctx, ListInstancesInput{})
			return count(len(got), err)
		},
		"namespaces": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListNamespaces(ctx, ListNamespacesInput{InstanceID: fakeapi.SampleInstance})
			return count(len(got), err)
		},
		"policies": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListRetentionPolicies(ctx, ListPoliciesInput{InstanceID: fakeapi.SampleInstance})
			return count(len(got), err)
		},
		"executions": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListRetentionExecutions(ctx, ListExecutionsInput{PolicyRef: PolicyRef{InstanceID: ref.InstanceID, NamespaceName: ref.NamespaceName, PolicyID: ref.PolicyID}})
			return count(len(got), err)
		},
		"tasks": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListRetentionExecutionTasks(ctx, ListTasksInput{ExecutionRef: ref})
			return count(len(got), err)
		},
		"sub-tasks": func(ctx context.Context, c *Client) (int, error) {
			got, err := c.ListRetentionExecutionSubTasks(ctx, ListSubTasksInput{ExecutionRef: ref, TaskID: subTaskID})
			return count(len(got), err)
		},
	}
}

// sampleFailedTask is the id of a task of the sample's execution 113 that has sub-tasks.
func sampleFailedTask(t *testing.T, c *Client) int64 {
	t.Helper()
	ref := ExecutionRef{InstanceID: fakeapi.SampleInstance, NamespaceName: fakeapi.SampleNamespace, PolicyID: fakeapi.SamplePolicyID, ExecutionID: fakeapi.SampleExecutionID}
	failed, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: ref, Status: "Failed"})
	if err != nil || len(failed) == 0 {
		t.Fatalf("no failed task in the sample: %v", err)
	}
	return failed[0].ID
}

// Every list call refuses each answer that is not a listing, in one request (it is
// not a fault that reading again can cure), and reads the BOM-prefixed listing.
func TestListCalls_RefuseAnswersThatAreNotListings(t *testing.T) {
	fake, url := startFake(t)
	fake.SeedSample()
	c := newTestClient(t, url)
	calls := listCalls(sampleFailedTask(t, c))
	for _, mode := range []fakeapi.ListAnswer{fakeapi.ListErrorShape, fakeapi.ListEmptyObject, fakeapi.ListNullItems, fakeapi.ListDuplicateKeys} {
		if err := fake.SetAnswers(fakeapi.Answers{List: mode}); err != nil {
			t.Fatal(err)
		}
		for name, call := range calls {
			fake.ResetRequests()
			n, err := call(context.Background(), c)
			var respErr *ResponseError
			if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusOK {
				t.Errorf("%s, %s: %d items, err %v; want a refused HTTP 200", mode, name, n, err)
				continue
			}
			if mode == fakeapi.ListDuplicateKeys {
				if !strings.Contains(err.Error(), `the key "total" appears twice`) {
					t.Errorf("%s, %s: %v", mode, name, err)
				}
			} else if !errors.Is(err, ErrNotListing) {
				t.Errorf("%s, %s: %v is not ErrNotListing", mode, name, err)
			}
			if got := fake.CountRequests("/v2/"); got != 1 {
				t.Errorf("%s, %s: %d requests, want 1", mode, name, got)
			}
		}
	}
	if err := fake.SetAnswers(fakeapi.Answers{BOM: true}); err != nil {
		t.Fatal(err)
	}
	for name, call := range calls {
		if n, err := call(context.Background(), c); err != nil || n == 0 {
			t.Errorf("BOM, %s: %d items, err %v", name, n, err)
		}
	}
}

// A 401 or 403 with a proxy's HTML page is marked ForeignBody, on the API and on
// IAM; the service's own 401 is not.
func TestErrors_AProxysRefusalIsForeign(t *testing.T) {
	fake, url := startFake(t)
	fake.SeedSample()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		if err := fake.SetAnswers(fakeapi.Answers{ProxyStatus: status}); err != nil {
			t.Fatal(err)
		}
		_, err := listCalls(0)["instances"](context.Background(), newTestClient(t, url))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !apiErr.ForeignBody || apiErr.Service != "" ||
			!strings.Contains(apiErr.Message, fakeapi.ProxyPageMarker) {
			t.Errorf("%d on the API: %#v", status, err)
		}
		c := newTestClient(t, url, func(c *Config) { c.ProjectID = "" })
		_, err = c.ProjectID(context.Background())
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !apiErr.ForeignBody || apiErr.Service != ServiceIAM {
			t.Errorf("%d on IAM: %#v", status, err)
		}
	}
	if err := fake.SetAnswers(fakeapi.Answers{}); err != nil {
		t.Fatal(err)
	}
	_, err := listCalls(0)["instances"](context.Background(), newTestClient(t, url, func(c *Config) { c.Credentials.Token = "wrong" }))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.ForeignBody || apiErr.Code != "APIG.0301" {
		t.Errorf("the API's own 401: %#v", err)
	}
}

// IAM's error body gives its status as code: the error says the status once.
func TestErrors_IAMStatusSaidOnce(t *testing.T) {
	_, url := startFake(t)
	_, err := newTestClient(t, url, func(c *Config) {
		c.ProjectID = "" // the lookup needs the token first
		c.Credentials = Credentials{UserName: "u", Password: "wrong-password", DomainName: "d"}
	}).ProjectID(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Service != ServiceIAM || apiErr.ForeignBody {
		t.Fatalf("err %#v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "401 401") || !strings.Contains(msg, "HTTP 401: ") {
		t.Errorf("%s", msg)
	}
}

// The project lookup matches projects by name: an IAM that ignores ?name= and
// lists another region's project gives no project id, and names what it listed.
func TestProjectLookup_MatchesByName(t *testing.T) {
	fake, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}, Region: "cn-east-3"})
	if err := fake.SetAnswers(fakeapi.Answers{IAMIgnoresName: true}); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.Region = "cn-north-4" })
	id, err := c.ProjectID(context.Background())
	var lookupErr *ProjectLookupError
	if !errors.As(err, &lookupErr) || lookupErr.Matches != 0 || lookupErr.OthersTotal != 1 || lookupErr.Others[0] != "cn-east-3" {
		t.Fatalf("id %q, err %v", id, err)
	}
	if !strings.Contains(err.Error(), `IAM knows no project named "cn-north-4" (it listed 1 other project(s): "cn-east-3"`) {
		t.Errorf("%v", err)
	}
	// The project of the region is found among the others.
	c = newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.Region = "cn-east-3" })
	if id, err := c.ProjectID(context.Background()); err != nil || id != fakeapi.DefaultProjectID {
		t.Fatalf("cn-east-3: %q, %v", id, err)
	}
}

// An IAM that ignores the name filter for an account of many projects: the error
// counts them all and quotes the first maxOtherProjects.
func TestProjectLookup_QuotesAtMostFiveOtherProjects(t *testing.T) {
	extra := []string{"p-1", "p-2", "p-3", "p-4", "p-5", "p-6"}
	fake, url := fakeapi.Start(t, fakeapi.Config{Tokens: []string{testToken}, Region: "cn-east-3", ExtraProjects: extra})
	if err := fake.SetAnswers(fakeapi.Answers{IAMIgnoresName: true}); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, url, func(c *Config) { c.ProjectID = ""; c.Region = "cn-north-4" })
	_, err := c.ProjectID(context.Background())
	var lookupErr *ProjectLookupError
	if !errors.As(err, &lookupErr) || lookupErr.OthersTotal != 7 || len(lookupErr.Others) != maxOtherProjects ||
		!strings.Contains(err.Error(), "it listed 7 other project(s)") || !strings.Contains(err.Error(), " and 2 more") {
		t.Fatalf("err %v (%+v)", err, lookupErr)
	}
}

// IAM's project answer is held to the same rules as a listing.
func TestProjectLookup_RefusesAnswersThatAreNotListings(t *testing.T) {
	for body, want := range map[string]string{
		`{}`:                `it has no "projects" list`,
		`{"projects":null}`: `it has no "projects" list`,
		`{"error_code":"IAM.0001","error_msg":"x"}`:                                           `it has no "projects" list`,
		`{"projects":[{"id":"p1","name":"cn-north-4"}],"projects":[]}`:                        `the key "projects" appears twice`,
		"\xef\xbb\xbf{\"projects\":[{\"id\":\"p1\",\"name\":\"cn-north-4\",\"name\":\"x\"}]}": `the key "name" appears twice`,
	} {
		fake, url := startFake(t)
		fake.AddFault(fakeapi.Fault{Path: "/v3/projects", Status: http.StatusOK, Body: body})
		_, err := newTestClient(t, url, func(c *Config) { c.ProjectID = "" }).ProjectID(context.Background())
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.Service != ServiceIAM || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an IAM ResponseError saying %q", body, err, want)
		}
	}
}

// A refused connection (nothing listening) ends after one attempt, not after the
// retry schedule; a reset connection is still retried.
func TestRetry_NotOnARefusedConnection(t *testing.T) {
	dead := deadEndpoint(t)
	c := newTestClient(t, dead, func(c *Config) { c.MaxRetries = 5 })
	_, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || !reqErr.Refused || reqErr.Attempts != 1 {
		t.Fatalf("err %#v, want a refused RequestError after 1 attempt", err)
	}
	// IAM unreachable the same way: the project lookup names IAM.
	c = newTestClient(t, dead, func(c *Config) { c.ProjectID = "" })
	_, err = c.ProjectID(context.Background())
	if !errors.As(err, &reqErr) || !reqErr.Refused || reqErr.Attempts != 1 || reqErr.Service != ServiceIAM {
		t.Fatalf("IAM: err %#v", err)
	}

	fake, url := startFake(t)
	fake.SetTasks(testKey(testRef), nil)
	fake.AddFault(fakeapi.Fault{Path: "/tasks", ResetConnection: true})
	_, err = newTestClient(t, url, func(c *Config) { c.MaxRetries = 2 }).ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef})
	if !errors.As(err, &reqErr) || reqErr.Refused || reqErr.Attempts != 3 {
		t.Fatalf("reset: err %#v, want 3 attempts", err)
	}
}
