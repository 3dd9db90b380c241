package provider

import (
	"fmt"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What a read found wrong in the API's items, said once per kind of fault: a
// listing of 100,000 tasks with a bad start_time in each gives one warning for
// start_time, naming the first task and counting the others, not 100,000.
// The items are kept as the API gave them (a time it cannot read is null): a
// warning, not an error, since the rest of the listing is sound and an audit
// that must fail on it can say so with a check block.

// note is what one warning says: the first item that had the fault in a
// sentence, what the others "also" have, and what to do. A note with names > 1
// names that many items, each in its own sentence (first), and then counts them
// all: "N tasks in all " + others.
type note struct {
	summary, first, others, advice string
	names                          int
}

// noted is a note with its kind of item, how many items had the fault, and the
// sentences of the items it names after the first.
type noted struct {
	note
	kind  string
	count int
	more  []string
}

// readNotes collects the faults of one read. It is not safe for concurrent use
// (a Read converts its items in one goroutine).
type readNotes struct {
	byKey map[string]*noted
	keys  []string // in the order first seen
}

// add records one item of kind with the fault key; first is called for the
// first such item only, or for the first names of a note that names several.
func (n *readNotes) add(key, kind string, first func() note) {
	if b := n.byKey[key]; b != nil {
		b.count++
		if b.count <= b.names {
			b.more = append(b.more, first().first)
		}
		return
	}
	if n.byKey == nil {
		n.byKey = make(map[string]*noted)
	}
	n.byKey[key] = &noted{note: first(), kind: kind, count: 1}
	n.keys = append(n.keys, key)
}

// warnings is one warning per fault, in the order first seen.
func (n *readNotes) warnings() diag.Diagnostics {
	var diags diag.Diagnostics
	for _, key := range n.keys {
		b := n.byKey[key]
		detail := strings.Join(append([]string{b.first}, b.more...), " ")
		switch kinds := plural(strings.ToLower(b.kind)); {
		case b.names > 1 && b.count > 1:
			detail += fmt.Sprintf(" %d %s in all %s.", b.count, kinds, b.others)
		case b.count > 1:
			detail += fmt.Sprintf(" %d other %s also %s.", b.count-1, kinds, b.others)
		}
		diags.AddWarning(b.summary, detail+" "+b.advice)
	}
	return diags
}

// Counts. The API types its counts int32 and a count is never negative, nor a
// part (retained) more than its whole (total); a listing that says otherwise is
// believed no further than the warning's words. Sums of counts saturate at the
// bounds of int64, the largest numbers Terraform state carries exactly, with a
// warning, rather than wrap around to a small or negative number that a check
// could take for real.

const impossibleCountAdvice = "The provider keeps the count as the API gave it, and sums it as given. Please report this to the API's owner with the %s id."

func negativeCountNote(kind, ref, field string, n int64) note {
	return note{
		summary: "Negative count in the SWR API response",
		first:   fmt.Sprintf("%s %s has %s %d, a negative count.", kind, ref, field, n),
		others:  "have a negative " + field,
		advice:  fmt.Sprintf(impossibleCountAdvice, strings.ToLower(kind)),
	}
}

func countAboveNote(kind, ref, field string, n int64, limitField string, limit int64) note {
	return note{
		summary: "Impossible count in the SWR API response",
		first:   fmt.Sprintf("%s %s has %s %d, more than its %s %d.", kind, ref, field, n, limitField, limit),
		others:  "have " + field + " above " + limitField,
		advice:  fmt.Sprintf(impossibleCountAdvice, strings.ToLower(kind)),
	}
}

// countSum is a sum of counts that saturates: at the first overflow it stays at
// the bound it passed, and remembers the item that passed it for its warning.
type countSum struct {
	value     int64
	saturated bool
	culprit   string // names the item whose count passed the bound
}

// add adds the count n of an item; ref names the item, and is called only on
// overflow.
func (s *countSum) add(n int64, ref func() string) {
	if s.saturated {
		return
	}
	if v, over := addSaturating(s.value, n); over {
		s.value, s.saturated, s.culprit = v, true, ref()
	} else {
		s.value = v
	}
}

// addSaturating is a + b, or the bound it passes and true.
func addSaturating(a, b int64) (int64, bool) {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64, true
	case b < 0 && s > a:
		return math.MinInt64, true
	}
	return s, false
}

// difference is s - o as a countSum. When either saturated, the true difference
// is beyond the bounds too, on the side of the saturated one: the difference
// saturates there.
func (s countSum) difference(o countSum) countSum {
	switch {
	case s.saturated:
		return countSum{value: s.value, saturated: true}
	case o.saturated && o.value == math.MaxInt64:
		return countSum{value: math.MinInt64, saturated: true}
	case o.saturated:
		return countSum{value: math.MaxInt64, saturated: true}
	case o.value == math.MinInt64: // -o does not fit: s - o = (s + MaxInt64) + 1
		v, over := addSaturating(s.value, math.MaxInt64)
		if !over {
			v, over = addSaturating(v, 1)
		}
		return countSum{value: v, saturated: over}
	}
	v, over := addSaturating(s.value, -o.value)
	return countSum{value: v, saturated: over}
}

// saturatedNote is the warning of the attribute name when it saturated; what
// says what passed the bound, e.g. "the sum of total over the tasks".
func (s countSum) saturatedNote(name, what string) (note, bool) {
	if !s.saturated {
		return note{}, false
	}
	at := ""
	if s.culprit != "" {
		at = ", at " + s.culprit
	}
	return note{
		summary: "Count too large in the SWR API response",
		first:   fmt.Sprintf("%s is %d, the bound of a 64-bit integer: %s passes it%s.", name, s.value, what, at),
		advice:  "No real execution counts this many versions, so the API's counts cannot be believed. Please report this to the API's owner.",
	}, true
}

// Statuses. The API documents a few statuses per kind of item (client.StatusSet);
// one outside them is kept as the API gave it, with one warning that names the
// first few items and their status and counts them all, since a status nobody
// documented is the one an audit's condition does not test for.

// undocumentedStatusNames is how many items the warning names.
const undocumentedStatusNames = 3

func undocumentedStatusNote(kind, ref, field, status string, documented []string) note {
	kinds := plural(strings.ToLower(kind))
	return note{
		summary: "Undocumented status in the SWR API response",
		first:   fmt.Sprintf("%s %s has %s %s.", kind, ref, field, quoteUntrusted(status)),
		others:  fmt.Sprintf("have a %s the API does not document", field),
		advice: fmt.Sprintf("The API documents %s for %s. The provider keeps the %s as the API gave it (counted under its own key where %s are counted per %s), "+
			"and a finished %s with it counts as failed (its `failed` is true, where it has one): see the guide Statuses and times. "+
			"Please report this to the API's owner.", quotedList(documented), kinds, field, kinds, field, strings.ToLower(kind)),
		names: undocumentedStatusNames,
	}
}
