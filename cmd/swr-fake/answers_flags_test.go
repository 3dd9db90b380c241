package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// The answer flags parse, refuse unknown values, and reach the fake.
func TestAnswerFlags(t *testing.T) {
	for _, args := range [][]string{{"-list-answer", "sometimes"}, {"-proxy-status", "500"}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags(nil, io.Discard)
	if err != nil || o.answers != (fakeapi.Answers{List: fakeapi.ListNormal}) {
		t.Fatalf("defaults: %+v %v", o.answers, err)
	}
	o, err = parseFlags([]string{"-list-answer", "null-items", "-bom", "-iam-ignores-name"}, io.Discard)
	want := fakeapi.Answers{List: fakeapi.ListNullItems, BOM: true, IAMIgnoresName: true}
	if err != nil || o.answers != want {
		t.Fatalf("%+v %v", o.answers, err)
	}
	fake := fakeapi.New(fakeapi.Config{Tokens: []string{"t"}})
	fake.SeedSample()
	if err := applyWireOptions(fake, o); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(handler(fake))
	defer ts.Close()
	_, body := get(t, ts.URL+"/v2/"+fakeapi.DefaultProjectID+"/instances")
	if string(body) != "\xef\xbb\xbf"+`{"total":null,"instances":null}` {
		t.Errorf("listing: %q", body)
	}
	var printed strings.Builder
	printBanner(&printed, ts.URL, o)
	if !strings.Contains(printed.String(), "answers: listings null-items, BOM true, proxy status 0, IAM ignores ?name= true") {
		t.Errorf("banner:\n%s", printed.String())
	}

	o, err = parseFlags([]string{"-failed-status", "Error"}, io.Discard)
	if err != nil || o.answers.FailedStatus != "Error" {
		t.Fatalf("%+v %v", o.answers, err)
	}
	if err := applyWireOptions(fake, o); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, ts.URL+"/v2/"+fakeapi.DefaultProjectID+"/instances/ins-demo/namespaces/platform/retention/policies/7/executions/113/tasks?limit=100")
	if strings.Contains(string(body), `"status":"Failed"`) || !strings.Contains(string(body), `"status":"Error"`) {
		t.Errorf("-failed-status Error: %s", body)
	}
	printed.Reset()
	printBanner(&printed, ts.URL, o)
	if !strings.Contains(printed.String(), `answers: Failed listed as "Error"`) {
		t.Errorf("banner:\n%s", printed.String())
	}
	if _, err := parseFlags([]string{"-failed-status", "a\x00b"}, io.Discard); err == nil {
		t.Error("a control character in -failed-status accepted")
	}

	o, err = parseFlags([]string{"-proxy-status", "403"}, io.Discard)
	if err != nil || o.answers.ProxyStatus != http.StatusForbidden {
		t.Fatalf("%+v %v", o.answers, err)
	}
	if err := applyWireOptions(fake, o); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, ts.URL+"/v3/projects")
	if status != http.StatusForbidden || string(body) != fakeapi.ProxyPage {
		t.Errorf("proxy: %d %q", status, body)
	}
}
