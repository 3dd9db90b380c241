package provider

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The one conversion of API times to state, shared by every data source.
//
// The API documents a single example time (2021-02-01T03:53:32Z) and the SDK types
// every time as a plain string, so what the service really sends is open: Harbor,
// which SWR Enterprise wraps, writes the year-1 zero time for an end time not yet
// set; others send "" or null or leave the field out; fractional seconds, another
// offset than Z, or no zone at all are all plausible. State always holds RFC 3339
// in UTC, so the same instant read in another layout plans no change.

// timeZoneNote is said in the description of every time attribute.
const timeZoneNote = "RFC 3339 in UTC, whatever offset the API used; a time the API sends without a zone is read as UTC. " +
	"Null when the API gives no time, the zero time (`0001-01-01T00:00:00Z`) or a time the provider cannot read (with a warning)"

// timeAttributeDescription is the description of a time attribute: what it is,
// then how the provider reads it.
func timeAttributeDescription(what string) string {
	return what + ", " + timeZoneNote + "."
}

// apiTimeLayouts are the layouts a time may come in, tried in order. Parsing
// accepts fractional seconds after the seconds in every one of them.
var apiTimeLayouts = []string{
	time.RFC3339,                // 2024-01-02T03:04:05Z, 2024-01-02T11:04:05.123+08:00
	"2006-01-02 15:04:05Z07:00", // the same with a space
	"2006-01-02T15:04:05",       // no zone: UTC
	"2006-01-02 15:04:05",       // no zone: UTC
}

// apiTimeKind is what a time of the API turned out to be.
type apiTimeKind int

const (
	apiTimeNull    apiTimeKind = iota // "", null, missing, or the zero time
	apiTimeValid                      // a time, now RFC 3339 in UTC
	apiTimeInvalid                    // not a time the provider can read
)

// normalizeAPITime reads an API time: an RFC 3339 UTC string for a time, "" for
// no time (apiTimeNull) and for an unreadable one (apiTimeInvalid). A time that is
// already RFC 3339 in UTC comes back as the same string, without allocating: a
// read of 100,000 tasks converts 200,000 of them.
func normalizeAPITime(s string) (string, apiTimeKind) {
	if s == "" || s == "null" {
		return "", apiTimeNull
	}
	for _, layout := range apiTimeLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if isZeroAPITime(t) {
			return "", apiTimeNull
		}
		var buf [64]byte
		out := t.UTC().AppendFormat(buf[:0], time.RFC3339Nano)
		if string(out) == s {
			return s, apiTimeValid
		}
		return string(out), apiTimeValid
	}
	return "", apiTimeInvalid
}

// isZeroAPITime is the zero time of Go (and of Harbor's database layer): the zero
// instant, or midnight of 1 January of year 1 written in any offset.
func isZeroAPITime(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	y, m, d := t.Date()
	return y == 1 && m == time.January && d == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// unreadableTimeNote is what a warning says about an unreadable time: the field,
// the first item that had one and its value (quoted: the API's text never
// reaches the terminal raw).
func unreadableTimeNote(kind, ref, field, s string) note {
	return note{
		summary: "Unreadable time in the SWR API response",
		first: fmt.Sprintf("%s %s has %s %s, which is not a time the provider can read: its %s is null.",
			kind, ref, field, quoteUntrusted(s, 64), field),
		others: "have an unreadable " + field,
		advice: "The provider reads RFC 3339 times (any offset, fractional seconds or not) and times without a zone as UTC. " +
			"Please report this to the API's owner with the " + strings.ToLower(kind) + " id.",
	}
}

// plural is the plural of an item kind in warnings ("task" -> "tasks").
func plural(kind string) string { return kind + "s" }

// quoteUntrusted quotes text from the API for a diagnostic: at most maxBytes of
// it (cut on a rune boundary), every control or non-printable character escaped
// by %q, so that a value cannot move the cursor or colour the terminal.
func quoteUntrusted(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return fmt.Sprintf("%q", s)
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
