package client

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Every attempt of a call is logged with its number, counted from 1 for each call:
// a page answered 503 twice and then 200 logs attempts 1, 2 and 3, and the next
// page starts again at 1.
func TestLogging_EachAttemptCarriesItsNumber(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logger := &recordingLogger{}
		fake, c := startInMemory(t, func(c *Config) { c.Logger = logger; c.MaxConcurrentRequests = 1 })
		fake.SetTasks(testKey(testRef), fakeapi.GenerateTasks(testRef.ExecutionID, 150, 1))
		fake.AddFault(fakeapi.Fault{Path: "/tasks", Query: "offset=0", Status: 503, Times: 2})
		if _, err := c.ListRetentionExecutionTasks(t.Context(), ListTasksInput{ExecutionRef: testRef}); err != nil {
			t.Fatal(err)
		}
		type attempt struct {
			offset string
			number any
			status any
		}
		var got []attempt
		for _, e := range logger.entries() {
			raw, _ := e.fields["http_url"].(string)
			u, err := url.Parse(raw)
			if err != nil || !strings.HasSuffix(u.Path, "/tasks") {
				continue
			}
			got = append(got, attempt{u.Query().Get("offset"), e.fields["attempt"], e.fields["http_status"]})
			if id, _ := e.fields["request_id"].(string); id == "" {
				t.Errorf("entry %v: no request_id, though the fake sent one", e.fields)
			}
		}
		want := []attempt{{"0", int32(1), 503}, {"0", int32(2), 503}, {"0", int32(3), 200}, {"100", int32(1), 200}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("logged attempts (offset, attempt, status) %v, want %v", got, want)
		}
	})
}
