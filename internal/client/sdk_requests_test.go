package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Requests the way the official SDK sends them: Content-Type on every call,
// nocatalog=true on the token request, and its IAM endpoint per region.

// Every call of every authentication method, project lookup and token request
// included, passes a fake that answers 400 without the SDK's headers.
func TestSDKHeaders_EveryCallOfEveryAuthMethod(t *testing.T) {
	for name, creds := range map[string]Credentials{
		"token":    {Token: testToken},
		"aksk":     {AccessKey: testAK, SecretKey: testSK},
		"password": {UserName: "u", Password: "p", DomainName: "d"},
	} {
		t.Run(name, func(t *testing.T) {
			fake, url := startFake(t)
			fake.RequireSDKHeaders(true)
			fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 3, 1))
			c := newTestClient(t, url, func(c *Config) { c.Credentials = creds; c.ProjectID = "" })
			if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil {
				t.Fatal(err)
			}
			for _, r := range fake.Requests() {
				if r.Status != http.StatusOK && r.Status != http.StatusCreated {
					t.Errorf("%s %s?%s answered %d", r.Method, r.Path, r.RawQuery, r.Status)
				}
				if r.Path == "/v3/auth/tokens" && r.RawQuery != "nocatalog=true" {
					t.Errorf("token request with query %q, want nocatalog=true", r.RawQuery)
				}
			}
			if name == "password" && fake.CountRequests("/v3/auth/tokens") != 1 {
				t.Errorf("%d token requests, want 1", fake.CountRequests("/v3/auth/tokens"))
			}
		})
	}
}

// The exact Content-Type of each call: application/json on GETs, and the
// charset on the token request, as the SDK's request definitions say.
func TestSDKHeaders_ContentTypeValues(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = r.Header.Get("Content-Type")
		mu.Unlock()
		switch r.URL.Path {
		case "/v3/auth/tokens":
			w.Header().Set("X-Subject-Token", "issued")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{}`))
		case "/v3/projects":
			_, _ = w.Write([]byte(`{"projects":[{"id":"p1","name":"cn-north-4"}]}`))
		default:
			_, _ = w.Write([]byte(`{"total":0,"tasks":[]}`))
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.Credentials = Credentials{UserName: "u", Password: "p", DomainName: "d"}
		c.ProjectID = ""
	})
	if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"POST /v3/auth/tokens": "application/json;charset=UTF-8",
		"GET /v3/projects":     "application/json",
		"GET /v2/p1/instances/ins-1/namespaces/platform/retention/policies/7/executions/113/tasks": "application/json",
	}
	for call, ct := range want {
		if got, ok := seen[call]; !ok || got != ct {
			t.Errorf("%s: Content-Type %q (sent: %v), want %q", call, got, ok, ct)
		}
	}
}

// One test per rule of the default IAM endpoint. No request is sent: the URL the
// client would use is compared.
func TestDefaultIAMEndpoint_ListedRegionUsesItsOwn(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":     "https://iam.cn-north-4.myhuaweicloud.com",
		"ap-southeast-1": "https://iam.ap-southeast-1.myhuaweicloud.com",
		"eu-west-0":      "https://iam.eu-west-0.myhuaweicloud.com", // Paris is on .com
	} {
		if got := DefaultIAMEndpoint(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
}

func TestDefaultIAMEndpoint_EuropeanCloudRegion(t *testing.T) {
	if got, want := DefaultIAMEndpoint("eu-west-101"), "https://iam.eu-west-101.myhuaweicloud.eu"; got != want {
		t.Errorf("eu-west-101: %s, want %s", got, want)
	}
}

func TestDefaultIAMEndpoint_UnlistedRegionUsesTheGlobalEndpoint(t *testing.T) {
	for _, region := range []string{"ap-southeast-5", "cn-north-7", "eu-west-1", "CN-NORTH-4", "cn-north-4 "} {
		if got := DefaultIAMEndpoint(region); got != "https://iam.myhuaweicloud.com" {
			t.Errorf("%q: %s, want the global endpoint", region, got)
		}
	}
}

// sdkDir is the directory of the official SDK's source at the version go.mod
// requires, as the go command reports it: a Dependabot bump of the SDK moves
// the test with it. The module is downloaded into the module cache if it is not
// there yet (a build of this module never needs its source: nothing imports it).
func sdkDir(t *testing.T) string {
	t.Helper()
	const module = "github.com/huaweicloud/huaweicloud-sdk-go-v3"
	var m struct{ Version, Dir string }
	out, err := exec.Command("go", "list", "-m", "-json", module).Output()
	if err != nil || json.Unmarshal(out, &m) != nil || m.Version == "" {
		t.Fatalf("go list -m %s: %v (is the SDK still a requirement of go.mod?)", module, err)
	}
	if m.Dir == "" {
		out, err = exec.Command("go", "mod", "download", "-json", module+"@"+m.Version).Output()
		if err != nil || json.Unmarshal(out, &m) != nil || m.Dir == "" {
			t.Fatalf("go mod download %s@%s: %v", module, m.Version, err)
		}
	}
	return m.Dir
}

// The table is the SDK's, read from its source in the module cache (importing
// its IAM region package would pull in a YAML library for this one test): the
// JSON table of core/auth/internal, eu-west-101 of services/iam/v3/region, and
// the global default of iam_helper.go.
func TestDefaultIAMEndpoint_TableIsTheSDKs(t *testing.T) {
	sdk := sdkDir(t)
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(sdk, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("the SDK source (a module of go.mod) is not in the module cache: %v", err)
		}
		return string(b)
	}
	src := read("core/auth/internal/iam_endpoint.go")
	start, end := strings.Index(src, "`"), strings.LastIndex(src, "`")
	want := map[string]string{}
	if start < 0 || end <= start || json.Unmarshal([]byte(src[start+1:end]), &want) != nil || len(want) == 0 {
		t.Fatal("cannot read the JSON table of core/auth/internal/iam_endpoint.go")
	}
	if !strings.Contains(read("services/iam/v3/region/region.go"), `"https://iam.eu-west-101.myhuaweicloud.eu"`) {
		t.Fatal("services/iam/v3/region no longer puts eu-west-101 on myhuaweicloud.eu")
	}
	want["eu-west-101"] = "https://iam.eu-west-101.myhuaweicloud.eu"
	if !reflect.DeepEqual(regionalIAMEndpoints, want) {
		t.Errorf("table differs from the SDK's:\n got  %v\n want %v", regionalIAMEndpoints, want)
	}
	if !regexp.MustCompile(`DefaultIamEndpoint\s*=\s*"` + regexp.QuoteMeta(GlobalIAMEndpoint) + `"`).MatchString(read("core/auth/internal/iam_helper.go")) {
		t.Errorf("the SDK's global IAM endpoint is not %s", GlobalIAMEndpoint)
	}
}

// The client uses the default unless iam_endpoint is set.
func TestNew_IAMEndpointDefaultsPerRegion(t *testing.T) {
	for region, want := range map[string]string{"cn-north-4": "https://iam.cn-north-4.myhuaweicloud.com", "ap-southeast-5": GlobalIAMEndpoint} {
		c, err := New(Config{Region: region, Endpoint: "http://127.0.0.1:1", Credentials: Credentials{Token: "t"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.iamEndpoint.String(); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
}
