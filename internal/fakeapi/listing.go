package fakeapi

import (
	"fmt"
	"slices"
	"strings"
)

// The API reference and the SDK leave open how total relates to a filter, whether
// total is always sent, and whether every query parameter is honoured. These
// switches make the list calls behave in each plausible way, so that the client is
// tested against all of them and not only against the fake's defaults.

// TotalMode is what the list calls report as "total".
type TotalMode int

const (
	// TotalFiltered counts the items the filter matches (the default).
	TotalFiltered TotalMode = iota
	// TotalUnfiltered counts every item, whatever the filter: Harbor counts every
	// task of an execution in its total.
	TotalUnfiltered
	// TotalAbsent leaves "total" out of the body (the SDK marks it optional).
	TotalAbsent
	// TotalNull sends "total": null.
	TotalNull
)

var totalModeNames = []string{"filtered", "unfiltered", "absent", "null"}

func (m TotalMode) String() string { return enumName(m, totalModeNames, "TotalMode") }

// ParseTotalMode reads a TotalMode by its name: filtered, unfiltered, absent, null.
func ParseTotalMode(name string) (TotalMode, error) {
	return parseEnum[TotalMode](name, totalModeNames, "total mode")
}

// enumName and parseEnum name the values of the fake's switches (TotalMode,
// MotionKind) by a list of names, one a value from 0.
func enumName[T ~int](v T, names []string, typ string) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, int(v))
}

func parseEnum[T ~int](name string, names []string, what string) (T, error) {
	for i, n := range names {
		if n == name {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q: want one of %s", what, name, strings.Join(names, ", "))
}

// ListingQuirks change how every list call answers. The zero value is the fake's
// documented behaviour.
type ListingQuirks struct {
	Total TotalMode
	// IgnoreFilters accepts (and validates) status, name and namespace_id but lists
	// every item, as an API version that does not know a parameter may.
	IgnoreFilters bool
	// IgnoreOffset answers every page as if offset were 0: a server that pages wrong.
	IgnoreOffset bool
	// FilterPerPage pages the unfiltered items, then filters each page, as a
	// gateway in front of the API may: pages are short in the middle of a
	// listing, and total counts the unfiltered items (TotalFiltered and
	// TotalUnfiltered alike: the gateway passes on the API's total).
	FilterPerPage bool
}

// SetListingQuirks changes how the list calls answer from now on.
func (s *Server) SetListingQuirks(q ListingQuirks) {
	s.quirksMu.Lock()
	s.quirks = q
	s.quirksMu.Unlock()
}

func (s *Server) listingQuirks() ListingQuirks {
	s.quirksMu.Lock()
	defer s.quirksMu.Unlock()
	return s.quirks
}

// listStyle is how every listing answers now: the quirks, the List answer
// (answers.go) and how times are written (times.go).
type listStyle struct {
	quirks       ListingQuirks
	answer       ListAnswer
	failedStatus string // Answers.FailedStatus
	render       func(items any) any
}

func (s *Server) listStyle() listStyle {
	a := s.currentAnswers()
	return listStyle{quirks: s.listingQuirks(), answer: a.List, failedStatus: a.FailedStatus, render: s.renderTimes}
}

// listAnswer pages items as st says (keep is the request's filter, nil: none) and
// rewrites the body as st.answer and st.failedStatus say.
func listAnswer[T any](key string, items []T, p pageQuery, keep func(*T) bool, st listStyle) []byte {
	return rewriteListing(st.answer, key, relabelFailed(st.failedStatus, listPage(key, items, p, keep, st.quirks, st.render)))
}

// listPage pages items as q says; render rewrites the page before it is encoded.
func listPage[T any](key string, items []T, p pageQuery, keep func(*T) bool, q ListingQuirks, render func(items any) any) []byte {
	if q.IgnoreFilters {
		keep = nil
	}
	if q.IgnoreOffset {
		p.offset = 0
	}
	var paged []T
	matched := 0
	if q.FilterPerPage && keep != nil {
		paged, matched = paginate(items, p, nil)
		paged = slices.DeleteFunc(paged, func(item T) bool { return !keep(&item) })
	} else {
		paged, matched = paginate(items, p, keep)
	}
	page := render(paged) // times written as the fake is told to (times.go)
	switch q.Total {
	case TotalUnfiltered:
		return listBody(key, page, len(items))
	case TotalAbsent:
		return append(append([]byte(`{"`+key+`":`), mustJSON(page)...), '}')
	case TotalNull:
		return append(append([]byte(`{"total":null,"`+key+`":`), mustJSON(page)...), '}')
	}
	return listBody(key, page, matched)
}
