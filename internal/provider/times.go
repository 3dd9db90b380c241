package provider

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// The one conversion of API times to state, shared by every data source.
//
// client.ParseTime reads what the API sends (see there). State always holds
// RFC 3339 in UTC, so the same instant read in another layout plans no change.

// timeZoneNote is said in the description of every time attribute.
const timeZoneNote = "RFC 3339 in UTC, whatever offset the API used; a time the API sends without a zone is read as UTC. " +
	"Null when the API gives no time, the zero time (`0001-01-01T00:00:00Z`) or a time the provider cannot read (with a warning)"

// timeAttributeDescription is the description of a time attribute: what it is,
// then how the provider reads it.
func timeAttributeDescription(what string) string {
	return what + ", " + timeZoneNote + "."
}

// normalizeAPITime reads an API time (client.ParseTime): an RFC 3339 UTC string
// for a time, "" for no time (client.TimeNull) and for an unreadable one
// (client.TimeInvalid). A time that is already RFC 3339 in UTC comes back as the
// same string, without allocating: a read of 100,000 tasks converts 200,000 of
// them.
func normalizeAPITime(s string) (string, client.TimeKind) {
	t, kind := client.ParseTime(s)
	if kind != client.TimeValid {
		return "", kind
	}
	var buf [64]byte
	out := t.UTC().AppendFormat(buf[:0], time.RFC3339Nano)
	if string(out) == s {
		return s, kind
	}
	return string(out), kind
}

// unreadableTimeNote is what a warning says about an unreadable time: the field,
// the first item that had one and its value (quoted: the API's text never
// reaches the terminal raw).
func unreadableTimeNote(kind, ref, field, s string) note {
	return note{
		summary: "Unreadable time in the SWR API response",
		first: fmt.Sprintf("%s %s has %s %s, which is not a time the provider can read: its %s is null.",
			kind, ref, field, quoteUntrusted(s), field),
		others: "have an unreadable " + field,
		advice: "The provider reads RFC 3339 times (any offset, fractional seconds or not) and times without a zone as UTC. " +
			"Please report this to the API's owner with the " + strings.ToLower(kind) + " id.",
	}
}

// plural is the plural of an item kind in warnings ("task" -> "tasks").
func plural(kind string) string { return kind + "s" }

// untrustedQuoteBytes is how much of a text from the API a diagnostic quotes:
// enough for an id, a repository or a status, short enough that a hostile value
// cannot flood the terminal.
const untrustedQuoteBytes = 64

// quoteUntrusted quotes text from the API for a diagnostic: at most
// untrustedQuoteBytes of it (cut on a rune boundary), every control or
// non-printable character escaped by %q, so that a value cannot move the cursor
// or colour the terminal.
func quoteUntrusted(s string) string {
	if len(s) <= untrustedQuoteBytes {
		return fmt.Sprintf("%q", s)
	}
	cut := untrustedQuoteBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
