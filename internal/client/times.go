package client

import "time"

// The one reading of API times, shared by the provider's state and the account
// audit.
//
// The API documents a single example time (2021-02-01T03:53:32Z) and the SDK types
// every time as a plain string, so what the service really sends is open: Harbor,
// which SWR Enterprise wraps, writes the year-1 zero time for an end time not yet
// set; others send "" or null or leave the field out; fractional seconds, another
// offset than Z, or no zone at all are all plausible.

// timeLayouts are the layouts a time may come in, tried in order. Parsing
// accepts fractional seconds after the seconds in every one of them.
var timeLayouts = []string{
	time.RFC3339,                // 2024-01-02T03:04:05Z, 2024-01-02T11:04:05.123+08:00
	"2006-01-02 15:04:05Z07:00", // the same with a space
	"2006-01-02T15:04:05",       // no zone: UTC
	"2006-01-02 15:04:05",       // no zone: UTC
}

// TimeKind is what a time of the API turned out to be.
type TimeKind int

const (
	TimeNull    TimeKind = iota // "", null, missing, or the zero time
	TimeValid                   // a time
	TimeInvalid                 // not a time the provider can read
)

// ParseTime reads an API time; the time is set for TimeValid only.
func ParseTime(s string) (time.Time, TimeKind) {
	if s == "" || s == "null" {
		return time.Time{}, TimeNull
	}
	for _, layout := range timeLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if isZeroTime(t) {
			return time.Time{}, TimeNull
		}
		return t, TimeValid
	}
	return time.Time{}, TimeInvalid
}

// isZeroTime is the zero time of Go (and of Harbor's database layer): the zero
// instant, or midnight of 1 January of year 1 written in any offset.
func isZeroTime(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	y, m, d := t.Date()
	return y == 1 && m == time.January && d == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// TimeSet reports whether an API time is set: a time, readable or not (an
// unreadable end time still says the item ended).
func TimeSet(s string) bool {
	_, kind := ParseTime(s)
	return kind != TimeNull
}

// Finished reports whether the task has finished: it has an end time, or its
// job's status code is 3 (final). With TaskStatuses.Failed, it says whether a
// task with a status the API does not document failed.
func (t Task) Finished() bool { return TimeSet(t.EndTime) || t.StatusCode == 3 }

// Finished reports whether the execution has finished: it has an end time.
func (e Execution) Finished() bool { return TimeSet(e.EndTime) }
