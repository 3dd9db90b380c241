package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func TestDataFlags_Refused(t *testing.T) {
	for args, msg := range map[string]string{
		"-generate instances=0,namespaces=1": "-generate: account spec: instances must be 1",
		"-generate size=big":                 "-generate: account spec",
		"-case stale":                        "is not KIND=INSTANCE/POLICY_ID",
		"-case often=ins-demo/7":             `unknown case "often"`,
		"-case stale=ins-demo/seven":         "is not a positive number",
		"-as-of yesterday":                   `-as-of must be "now", "stored" or an RFC 3339 time`,
	} {
		_, err := parseFlags(strings.Fields(args), io.Discard)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", args, err, msg)
		}
	}
}

// -generate, -case and -as-of reach the fake: the generated instances are
// listed, the policies are in their case, and the times are moved; a case on a
// policy the data lacks is an error that names the flag.
func TestDataFlags_Applied(t *testing.T) {
	o, err := parseFlags([]string{"-generate", "instances=2,namespaces=3,policies=4,runs=1,tasks=2,seed=4",
		"-case", "never-ran=ins-gen-02/1", "-case", "stuck=ins-demo/7", "-as-of", "2030-01-01T00:00:00Z"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	url := serveSample(t, func(fake *fakeapi.Server) {
		if err := o.data.apply(fake, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	prefix := url + "/v2/" + fakeapi.DefaultProjectID + "/instances"
	items := func(path, key string) []map[string]any {
		_, raw := get(t, prefix+path)
		var body map[string]json.RawMessage
		var list []map[string]any
		if json.Unmarshal(raw, &body) != nil || json.Unmarshal(body[key], &list) != nil {
			t.Fatalf("%s: %s", path, raw)
		}
		return list
	}
	if n := len(items("?limit=100", "instances")); n != 5 {
		t.Errorf("%d instances, want the 3 of the sample and 2 generated", n)
	}
	if execs := items("/ins-gen-02/namespaces/ns-001/retention/policies/1/executions", "executions"); len(execs) != 0 {
		t.Errorf("never-ran: %v", execs)
	}
	stuck := items(fmt.Sprintf("/ins-demo/namespaces/platform/retention/policies/%d/executions", fakeapi.SamplePolicyID), "executions")[0]
	want := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Add(-fakeapi.StuckAge).Format(time.RFC3339)
	if stuck["status"] != "InProgress" || stuck["start_time"] != want {
		t.Errorf("stuck, as of 2030: %v, want start %s", stuck, want)
	}
	expectBanner(t, url, o, "generated account: instances=2,namespaces=3,policies=4,runs=1,tasks=2,failure=0,seed=4",
		"case: policy 7 of ins-demo is stuck", "times shown as of 2030-01-01T00:00:00Z")

	o, _ = parseFlags([]string{"-case", "stale=ins-gen-09/1"}, io.Discard)
	if err := o.data.apply(fakeapi.New(fakeapi.Config{}), time.Now()); err == nil || !strings.Contains(err.Error(), "-case stale=ins-gen-09/1: instance ins-gen-09 not found") {
		t.Errorf("a case on a missing instance: %v", err)
	}
}

// -as-of now (the default) moves the sample to the present; stored does not.
func TestDataFlags_AsOf(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tc := range []struct {
		args []string
		want time.Time
	}{
		{nil, now},
		{[]string{"-as-of", "stored"}, time.Time{}},
	} {
		o, err := parseFlags(tc.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := o.data.asOfTime(now); err != nil || !got.Equal(tc.want) {
			t.Errorf("%v: %s %v, want %s", tc.args, got, err, tc.want)
		}
	}
}
