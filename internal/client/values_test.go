package client

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// The small readers of API values that the data sources and the audit build on,
// tested where they live: the provider's and the audit's tests reach them too, but
// the client's mutation run sees only the client's own tests.

// An API time is null when unset or at Go's zero time in any offset, valid in any
// of the layouts, invalid otherwise; one unit past the zero time is a time.
func TestParseTime_Kinds(t *testing.T) {
	for s, want := range map[string]TimeKind{
		"":                          TimeNull,
		"null":                      TimeNull,
		"0001-01-01T00:00:00Z":      TimeNull,
		"0001-01-01T00:00:00+08:00": TimeNull,
		"0001-01-01 00:00:00":       TimeNull,
		"0001-01-01T00:00:00.000Z":  TimeNull,
		"0001-01-01T00:00:00.5Z":    TimeValid,
		"0001-01-01T00:00:01Z":      TimeValid,
		"0001-01-01T00:01:00Z":      TimeValid,
		"0001-01-01T01:00:00Z":      TimeValid,
		"0001-01-02T00:00:00Z":      TimeValid,
		"0001-02-01T00:00:00Z":      TimeValid,
		"0002-01-01T00:00:00Z":      TimeValid,
		"2024-03-01T10:00:00Z":      TimeValid,
		"2024-03-01 10:00:00+08:00": TimeValid,
		"2024-03-01T10:00:00":       TimeValid,
		"2024-03-01 10:00:00.25":    TimeValid,
		"yesterday":                 TimeInvalid,
		"2024-13-01T10:00:00Z":      TimeInvalid,
	} {
		got, kind := ParseTime(s)
		if kind != want {
			t.Errorf("ParseTime(%q) is kind %d, want %d", s, kind, want)
		}
		if (kind == TimeValid) == got.IsZero() {
			t.Errorf("ParseTime(%q) = %v (kind %d): a time only when valid", s, got, kind)
		}
	}
	if got, _ := ParseTime("2024-03-01 10:00:00+08:00"); !got.Equal(time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseTime read %v, want 02:00 UTC", got)
	}
}

// A task has finished when it has an end time (even an unreadable one) or its
// job's status code is 3; an execution only by its end time.
func TestFinished_ByEndTimeOrStatusCode(t *testing.T) {
	for _, tc := range []struct {
		task                Task
		want, wantExecution bool // the task, an execution of its end time
	}{
		{Task{}, false, false},
		{Task{EndTime: "0001-01-01T00:00:00Z", StatusCode: 2}, false, false},
		{Task{EndTime: "2024-03-01T10:00:00Z"}, true, true},
		{Task{EndTime: "soon"}, true, true},
		{Task{StatusCode: 3}, true, false},
	} {
		if got := tc.task.Finished(); got != tc.want {
			t.Errorf("%+v finished: %v, want %v", tc.task, got, tc.want)
		}
		if got := (Execution{EndTime: tc.task.EndTime}).Finished(); got != tc.wantExecution {
			t.Errorf("an execution ending %q finished: %v", tc.task.EndTime, got)
		}
	}
}

// Failed is the documented Failed, or an undocumented status once the item has
// finished; no status, or a documented one other than Failed, is not a failure.
func TestStatusSet_Failed(t *testing.T) {
	for _, tc := range []struct {
		status   string
		finished bool
		want     bool
	}{
		{"", true, false},
		{"Failed", false, true},
		{"Failed", true, true},
		{"Succeed", true, false},
		{"Stopped", true, false},
		{"InProgress", false, false},
		{"Error", true, true},
		{"Error", false, false},
		{"failed", true, true},
	} {
		if got := TaskStatuses.Failed(tc.status, tc.finished); got != tc.want {
			t.Errorf("Failed(%q, finished %v) = %v, want %v", tc.status, tc.finished, got, tc.want)
		}
	}
}

// Only the secrets that are set are masked: an empty one would mask everything.
func TestCredentials_SecretsAreTheSetOnes(t *testing.T) {
	got := Credentials{Token: "tok", AccessKey: "AK", SecretKey: "", SecurityToken: "sts", Password: "pw"}.Secrets()
	if want := []string{"tok", "sts", "pw"}; !slices.Equal(got, want) {
		t.Errorf("secrets %q, want %q (the access key is an id, not a secret)", got, want)
	}
	if got := (Credentials{}).Secrets(); len(got) != 0 {
		t.Errorf("no credentials, secrets %q", got)
	}
}

// The zero Service is the SWR API, in every error that names one.
func TestService_ZeroIsTheSWRAPI(t *testing.T) {
	if got := Service("").String(); got != "SWR API" {
		t.Errorf("zero service %q", got)
	}
	if got := ServiceIAM.String(); got != "IAM" {
		t.Errorf("IAM service %q", got)
	}
}

// A request that fails below HTTP is logged with its error, sanitised.
func TestLogging_AFailedRequestLogsItsError(t *testing.T) {
	dead := deadEndpoint(t)
	logger := &recordingLogger{}
	c := newTestClient(t, dead, func(c *Config) { c.Logger = logger; c.MaxRetries = 0 })
	if _, err := c.ListRetentionExecutionTasks(context.Background(), ListTasksInput{ExecutionRef: testRef}); err == nil {
		t.Fatal("nothing listens there, yet the listing succeeded")
	}
	for _, e := range logger.entries() {
		if msg, _ := e.fields["error"].(string); strings.Contains(msg, "connection refused") {
			return
		}
	}
	t.Errorf("no log entry holds the refusal: %v", logger.entries())
}
