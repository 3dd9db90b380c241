package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"
)

const (
	// PageSize is the largest limit the API accepts, so the fewest requests.
	PageSize = 100
	// maxSnapshotAttempts bounds how often a listing whose pages prove the API broken
	// (a page longer than limit, one id twice in a page, a page repeating another) is
	// read again before the read fails.
	maxSnapshotAttempts = 3
	// maxPasses bounds how often a listing that moves while it is read is read again
	// before the read fails: a running execution whose tasks all start within one
	// read settles in two.
	maxPasses = 6
	// MaxListItems bounds one listing as a whole, and with it the memory a read
	// takes (each body is bounded by maxBodySize). Harbor makes one task per
	// repository and one sub-task per artifact acted on: no real execution comes
	// near this, and a server that claims more (or never stops sending new items)
	// is stopped after at most MaxListItems/PageSize requests per pass.
	MaxListItems = 200_000
)

// Page is one answer of a list call.
type Page[T any] struct {
	// Total is the API's total; meaningless when NoTotal.
	Total int
	// NoTotal: the body had no total, or a null one. The SDK marks total optional.
	NoTotal bool
	Items   []T
}

// pageFunc fetches the page at offset with the given limit (the listing's limit,
// which every check of a page uses too).
type pageFunc[T any] func(ctx context.Context, offset, limit int) (Page[T], error)

// errBroken is a page that proves the API broken, not a list that moved: read
// again at most maxSnapshotAttempts times.
type errBroken struct{ reason string }

func (e *errBroken) Error() string { return e.reason }

func broken(format string, args ...any) error { return &errBroken{fmt.Sprintf(format, args...)} }

// ListTooLongError is a listing that holds, or claims to hold, more than
// MaxListItems items.
type ListTooLongError struct {
	What     string // names the list, e.g. "retention execution tasks"
	Total    int    // the total the API reported; meaningless when NoTotal
	NoTotal  bool
	Listed   int // items that arrived before the read stopped
	Requests int
}

func (e *ListTooLongError) Error() string {
	return fmt.Sprintf("the %s listing is longer than %d items, the most one read takes: the API reported a total of %s and %d items arrived in %d requests. "+
		"Narrow the read with a filter, and check that endpoint is the SWR API", e.What, MaxListItems, totalText(!e.NoTotal, e.Total), e.Listed, e.Requests)
}

// listing is one list call as the pager sees it.
type listing[T any, K cmp.Ordered] struct {
	what        string // names the list in errors and logs, e.g. "retention execution tasks"
	concurrency int    // requests in flight at most
	// filtered: the request carried a filter (status, name, namespace_id). Whether
	// the API's total then counts the filter is not documented; Harbor counts the
	// unfiltered set. So for a filtered listing total only bounds the listing, which
	// ends at the first short page.
	filtered bool
	// canLose: items can be deleted, or leave the filter, while the listing is
	// read (declared once per list call: leaving). One pass of such a listing
	// proves nothing beyond its first page; see read.
	canLose bool
	// unfiltered, for a filtered listing: the same list without its filter, read
	// instead when the API turns out to filter each page after paging (the caller
	// filters what it returns). nil: none.
	unfiltered *listing[T, K]
	limit      int // items per page asked for; 0 is PageSize
	fetch      pageFunc[T]
	id         func(T) K // the item's identity: a number, or an instance's string id
	logger     Logger    // nil: no log
}

// read is the one pager every list call shares. A pass reads the first page, then
// the following pages with at most concurrency requests in flight (see
// listing.dispatch), and checks every page as it arrives.
//
// What it promises, for every listing: every item that existed (and matched the
// filter) from the start to the end of the read appears exactly once; an item
// created, deleted or changed during the read may appear or not; nothing appears
// that never existed (every item returned is one the API listed). When that
// cannot be proven within maxPasses passes, an *InconsistentListError that says
// what moved; never a silently short, padded or repeated list.
//
// How far a pass reads depends on what total can be trusted with:
//   - Unfiltered with a total (strict): ceil(total/limit) pages, ceil(N/100)
//     requests for N items (one for none); more when a later page reports a larger
//     total.
//   - Filtered, or without a total: until the first short page (fewer items than
//     limit), and never past a total when there is one (nor short of a total that
//     grew while the pass read). Page i is asked for only once page i-concurrency
//     has arrived full, so exactly concurrency-1 requests go out past the short
//     page (fewer when total ends the listing first), whatever the timing. An
//     empty listing costs one request.
//   - Filtered, with a total that reaches past the first short page (Harbor's
//     counts the unfiltered set): the page after the short one is asked for too.
//     Empty, the listing ended there. Not empty, the API filters each page after
//     paging (a gateway may), so short pages say nothing of the end: the listing
//     is read unfiltered instead (listing.unfiltered) and filtered by the caller.
//     A per-page filter whose page after the short one happens to hold no match
//     cannot be told from the end of the list.
//
// A listing whose items can leave it (canLose) is read page after page, and:
//   - a first page that is the whole listing (short, or all of a total) is
//     returned: one answer is atomic;
//   - otherwise a pass A is returned once it is clean (read page after page, no
//     id twice, every page full up to its last) and the pass after it lists
//     every id A listed. A is complete. The facts it rests on (the API README,
//     "Lists that move while they are read"): a page is a slice of the list as
//     it is when the API answers; items keep their relative order while they
//     are listed (ids, creation and start times do not change; new items come
//     in anywhere); an item that leaves (deleted, or no longer matching) does
//     not come back during the read (ids are never reused; a task's status only
//     moves forward; a namespace made private and public again, an instance
//     whose status leaves and comes back, a policy renamed and renamed back,
//     all within one read, are outside this argument); a total is at least the
//     number of items listed. The argument: let x be an item in the listing
//     throughout A that A did not list, and s_i the moment page i of A was
//     answered. Page 0 was full (a short page 0 is the whole list, x with it),
//     and the last page k ends the list at s_k, so x, not on page k, sits
//     before page k's offset at s_k. Let j+1 be the first page before whose
//     offset x sits at s_{j+1}: every page i <= j was full and x after it at
//     s_i, so its items come before x in the order. Those 100(j+1) items, all
//     different, were listed at s_i <= s_j and listed again by the next pass,
//     so they never left, and at s_{j+1} they are all still before x: x sits at
//     offset 100(j+1) or later, contradicting the choice of j+1. So every item
//     in the listing throughout A is in A; A lists no id twice; and A lists
//     only items the API listed. A pass with an id twice (an item came in
//     before a page already read) or a short page in the middle is no such
//     proof, and an item that came in and left again during it could hide a
//     skip: it is read again. A listing that keeps losing items fails after
//     maxPasses. The items come in the API's order when the two passes read the
//     same pages, sorted by id when the list moved.
//
// A listing that cannot lose items (an execution's unfiltered tasks and
// sub-tasks, which Harbor deletes only with their execution, or tasks filtered on
// a final status) is read as follows. A pass that saw nothing move (every page
// reported the same total, no id twice, every page as long as total or the short
// page promised) is one consistent snapshot, returned in the API's order: a
// listing that holds still is read once.
//
// The API is live, and a list moves under offset pages: a task that starts moves
// to the front (Harbor orders tasks by start_time DESC, id DESC), so a page repeats
// the last item of the one before and the item that moved is skipped; sub-tasks
// are added while they are read. Such a pass is kept and the listing read again,
// every pass adding its items to one set by id (an item's fields are those of the
// last pass that listed it). The read is complete when
//   - strict: the set holds as many items as the largest total a page reported.
//     Items are only added or moved while such a listing is read, never removed,
//     so the set is then the whole list: every item exactly once, including those
//     the passes skipped;
//   - or a pass read page after page showed the list only grew (onlyGrew): every
//     item it repeated is explained by as many added before it, so it listed
//     every item that existed when it began;
//   - or (no total to count against) a pass after the first listed no id the
//     passes before had not.
//
// Passes after a strict pass that moved, and from the third on otherwise, read one
// page at a time.
//
// The items of such a listing that moved come in ascending id order, whatever the
// order of any one pass: the same items always come in the same order. A listing
// that never holds still long enough fails after maxPasses with an
// *InconsistentListError saying what moved. A pass that reads exactly the same
// inconsistent pages as the one before is no list that moved but an API that
// answers wrongly: it fails with what was wrong. Proofs of a broken API (a page
// longer than limit, one id twice in one page, a page repeating an earlier one as
// an API ignoring offset does, a page whose items disagree with its own total) and
// a negative total fail after maxSnapshotAttempts passes. No listing reads more
// than MaxListItems items (*ListTooLongError).
func (l listing[T, K]) read(ctx context.Context) ([]T, error) {
	if l.limit <= 0 {
		l.limit = PageSize
	}
	var (
		all       = map[K]T{} // every item the passes that moved listed, by id
		requests  int
		brokenRun int
		previous  uint64 // the signature of the last pass that moved
		lastMove  string
		candidate *pass[T, K] // canLose: the last clean sequential pass, to be confirmed
	)
	concurrency := max(1, l.concurrency)
	if l.canLose {
		// Only a pass read page after page can be confirmed (see above).
		concurrency = 1
	}
	for n := 1; n <= maxPasses; n++ {
		p, err := l.readPass(ctx, concurrency)
		requests += p.requests
		var proof *errBroken
		switch {
		case errors.As(err, &proof):
			if brokenRun++; brokenRun == maxSnapshotAttempts {
				return nil, &InconsistentListError{What: l.what, Reason: proof.reason, Attempts: n}
			}
			continue
		case err != nil:
			return nil, l.withTotals(err, requests)
		case p.perPage && l.unfiltered != nil:
			return l.readUnfiltered(ctx, requests)
		case p.perPage:
			// No second pass reads such an API exactly, and the pages past the one
			// that told were never asked for: fail rather than return them short.
			// So no pass below this case has perPage set.
			return nil, &InconsistentListError{What: l.what, Attempts: n, Reason: fmt.Sprintf(
				"the page at offset %d held items after a short page at offset %d: the API filters each page after paging, and this list has no unfiltered listing to read instead",
				(p.short+1)*p.limit, p.short*p.limit)}
		case l.canLose && p.single():
			items := p.inOrder()
			l.logRead(ctx, p, n, requests, len(items))
			return items, nil
		case l.canLose && candidate != nil && p.listsEvery(candidate):
			// The API's order when the list held still (two passes, the same
			// pages); sorted by id when it moved, as for any listing that moved.
			items := candidate.inOrder()
			if n > 2 || p.moved != "" || candidate.moved != "" || p.signature() != candidate.signature() {
				items = sortedByID(candidate.byID(), l.id)
			}
			l.logRead(ctx, p, n, requests, len(items))
			return items, nil
		case !l.canLose && p.moved == "":
			items := p.inOrder()
			l.logRead(ctx, p, n, requests, len(items))
			return items, nil
		}
		if l.canLose {
			if candidate != nil {
				lastMove = candidate.goneFrom(p)
			}
			if p.moved != "" {
				lastMove = p.moved
			}
			if p.clean() {
				candidate = p
				continue
			}
			candidate = nil
		}
		signature := p.signature()
		if n > 1 && signature == previous && p.moved != "" {
			return nil, &InconsistentListError{What: l.what, Reason: p.moved, Attempts: n}
		}
		previous = signature
		if l.canLose {
			continue
		}
		lastMove = p.moved
		if p.strict || n >= 2 {
			// Pages read in offset order tell a list that only grew from one that
			// moved (onlyGrew). A pass that is not strict is read a second time as
			// the first was, so that pages past its short page (read only when
			// several are in flight) show the same items again when the API sends
			// them whatever the list does.
			concurrency = 1
		}
		added := p.addTo(all)
		if len(all) > MaxListItems {
			return nil, &ListTooLongError{What: l.what, Total: p.maxTotal, NoTotal: !p.hasTotal, Listed: len(all), Requests: requests}
		}
		if p.strict && p.maxTotal == len(all) || p.onlyGrew() || !p.strict && n > 1 && added == 0 {
			items := sortedByID(all, l.id)
			l.logRead(ctx, p, n, requests, len(items))
			return items, nil
		}
	}
	again := "read it again once the execution has finished"
	if l.canLose {
		again = "read it again once fewer changes are under way"
	}
	return nil, &InconsistentListError{What: l.what, Attempts: maxPasses, Reason: fmt.Sprintf(
		"the list kept changing while it was read (%s); %s", lastMove, again)}
}

// readUnfiltered reads the unfiltered listing instead of a filtered one whose API
// filters each page after paging: the caller applies the filter to what it
// returns (keepMatching), as it does to every filtered listing.
func (l listing[T, K]) readUnfiltered(ctx context.Context, requests int) ([]T, error) {
	if l.logger != nil {
		l.logger.Debug(ctx, "SWR API filters each page after paging: read the listing unfiltered and filtered here", map[string]any{
			"list": l.what, "requests": requests,
		})
	}
	return l.unfiltered.read(ctx)
}

// withTotals fills in the requests of a ListTooLongError a pass returned.
func (l listing[T, K]) withTotals(err error, requests int) error {
	var tooLong *ListTooLongError
	if errors.As(err, &tooLong) {
		tooLong.What, tooLong.Requests = l.what, requests
	}
	return err
}

func sortedByID[T any, K cmp.Ordered](all map[K]T, id func(T) K) []T {
	items := make([]T, 0, len(all))
	for _, it := range all {
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return items
}

// pass is one reading of a listing: the pages that arrived, checked as they arrive.
type pass[T any, K cmp.Ordered] struct {
	id       func(T) K
	limit    int
	strict   bool // unfiltered with a total: each page's length follows from the total it reports
	filtered bool // the listing is filtered: see probeShort
	hasTotal bool
	total    int // the first page's total

	mu       sync.Mutex
	pages    map[int]Page[T] // by page index: memory follows what came, not what total claims
	arrivals []int           // page indices in the order they arrived
	seen     map[K]itemPlace
	short    int    // index of the first short page that arrived, -1 while none did
	items    int    // items that arrived
	maxTotal int    // the largest total a page reported
	moved    string // the first sign that the list moved, "" while none
	requests int
	// sequential: one page in flight at a time, so pages arrive in offset order;
	// lastTotal is the total of the last page that arrived with one.
	// unexplained: a page repeated more items than the total grew by since the page
	// before, as a reorder does (or total is missing): see onlyGrew.
	sequential  bool
	lastTotal   int
	unexplained bool
	// repeats: ids listed twice in the pass (on two pages).
	repeats int
	// probeShort: the first short page of a filtered pass reported a total that
	// reaches past it, so the page after it is asked for to tell a real end (empty)
	// from an API that filters each page after paging (perPage: items after it).
	probeShort, perPage bool
	// gapped: a page held items after a short page that was no probe.
	gapped bool
}

// onlyGrew reports whether the pass, read page after page, saw the list only grow:
// every item a page repeated from an earlier page is explained by as many items
// added before it (the total grew by at least as much), so no item that existed
// when the pass began moved back past the page being read or was skipped. Such a
// pass listed every one of them (and the end of the list: a strict pass reads up
// to its largest total, another to its short page).
func (p *pass[T, K]) onlyGrew() bool {
	return p.sequential && !p.unexplained && (p.strict || p.short >= 0)
}

// itemPlace is where an id was listed.
type itemPlace struct{ page, pos int }

func totalText(hasTotal bool, total int) string {
	if !hasTotal {
		return "none"
	}
	return strconv.Itoa(total)
}

// move notes a sign that the list moved while the pass read it; the first one
// names what moved in the error of a listing that never holds still.
func (p *pass[T, K]) move(format string, args ...any) {
	if p.moved == "" {
		p.moved = fmt.Sprintf(format, args...)
	}
}

// add checks page i and keeps it. The error is a proof that the API is broken, or
// a listing too long to read.
func (p *pass[T, K]) add(i int, page Page[T]) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	offset, n := i*p.limit, len(page.Items)
	if n > p.limit {
		return broken("the page at offset %d held %d items, more than the limit %d", offset, n, p.limit)
	}
	if err := p.checkIDs(i, page.Items); err != nil {
		return err
	}
	if p.items += n; p.items > MaxListItems {
		return &ListTooLongError{Total: p.total, NoTotal: !p.hasTotal, Listed: p.items}
	}
	if i > 0 && (page.NoTotal == p.hasTotal || p.hasTotal && page.Total != p.total) {
		p.move("the total changed from %s to %s between the pages at offsets 0 and %d",
			totalText(p.hasTotal, p.total), totalText(!page.NoTotal, page.Total), offset)
	}
	repeated := 0
	for pos, item := range page.Items {
		k := p.id(item)
		if at, dup := p.seen[k]; dup {
			p.move("id %v was listed on the pages at offsets %d and %d", k, at.page*p.limit, offset)
			repeated++
			p.repeats++
			continue
		}
		p.seen[k] = itemPlace{i, pos}
	}
	// A page without a total leaves the growth unexplained (see onlyGrew), and the
	// largest total still follows every later page that reports one: a pass reads up
	// to it, and is never held complete against a smaller one.
	if page.NoTotal {
		p.unexplained = true
	} else {
		p.unexplained = p.unexplained || repeated > page.Total-p.lastTotal
		p.maxTotal, p.lastTotal = max(p.maxTotal, page.Total), page.Total
	}
	if err := p.checkLength(i, page); err != nil {
		return err
	}
	p.pages[i] = page
	p.arrivals = append(p.arrivals, i)
	return nil
}

// checkIDs proves an API broken: one id twice within one page, or a page that
// repeats an earlier one whole, the mark of an API that ignores offset.
func (p *pass[T, K]) checkIDs(i int, items []T) error {
	inPage := make(map[K]struct{}, len(items))
	for _, item := range items {
		k := p.id(item)
		if _, dup := inPage[k]; dup {
			return broken("id %v was listed twice on the page at offset %d", k, i*p.limit)
		}
		inPage[k] = struct{}{}
	}
	if len(items) == 0 {
		return nil
	}
	k := p.id(items[0])
	at, dup := p.seen[k]
	if !dup || at.pos != 0 || at.page == i || len(p.pages[at.page].Items) != len(items) {
		return nil
	}
	for pos, item := range p.pages[at.page].Items {
		if p.id(item) != p.id(items[pos]) {
			return nil
		}
	}
	return broken("id %v was listed twice: the page at offset %d repeats the page at offset %d (the API may be ignoring offset)",
		k, i*p.limit, at.page*p.limit)
}

// checkLength proves a page inconsistent with itself: one answer whose items do
// not agree with its own total (shorter than it promised, or reaching past it) is
// no list that moved but an API answering wrongly. A page with items after a short
// page is noted as movement: the list grew at its end between the two.
func (p *pass[T, K]) checkLength(i int, page Page[T]) error {
	offset, n := i*p.limit, len(page.Items)
	total := p.total
	if !page.NoTotal {
		total = page.Total
	}
	switch {
	case p.strict && i == 0 && n < p.limit && n != total:
		return broken("the API reported a total of %d but listed %d", total, n)
	case p.strict:
		if want := max(0, min(p.limit, total-offset)); n != want {
			return broken("the page at offset %d held %d items where the total of %d promised %d", offset, n, total, want)
		}
	case !page.NoTotal && offset+n > total:
		return broken("the API reported a total of %d but the page at offset %d reaches item %d", total, offset, offset+n)
	}
	if p.strict {
		return nil
	}
	if n < p.limit && (p.short < 0 || i < p.short) {
		p.short = i
		// The API's total says items may follow: Harbor's counts the unfiltered
		// set, and so does the total of an API that filters each page after paging.
		p.probeShort = p.filtered && !page.NoTotal && page.Total > (i+1)*p.limit
		for j, later := range p.pages {
			if j > i && len(later.Items) > 0 {
				p.afterShort(j, len(later.Items))
			}
		}
	}
	if n > 0 && p.short >= 0 && i > p.short {
		p.afterShort(i, n)
	}
	return nil
}

// afterShort notes a page with n items after the first short page: an API that
// filters each page after paging when the short page's total said more could
// follow (probeShort), else a list that grew at its end between the two.
func (p *pass[T, K]) afterShort(later, n int) {
	if p.probeShort {
		p.perPage = true
		return
	}
	p.gapped = true
	p.move("the page at offset %d held %d items after a short page at offset %d", later*p.limit, n, p.short*p.limit)
}

// wantPages reports how many pages the pass reads: ceil(total/limit) by the largest
// total reported, or up to the bound when total is missing.
func (p *pass[T, K]) wantPages() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.hasTotal {
		return MaxListItems/p.limit + 1
	}
	return max(1, (p.maxTotal+p.limit-1)/p.limit)
}

// endedBy reports whether a pass that is not strict asks for no page from index
// i on, judging only by the pages that have surely arrived when page i is due
// (those before from, and those at least concurrency before i), so that a read
// costs the same requests however the timing falls: one at least concurrency
// after the first short page, or, when that page is probed (probeShort), any
// after the one page that tells.
func (p *pass[T, K]) endedBy(i, from, concurrency int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.short < 0 || p.short > max(i-concurrency, from-1) {
		return false
	}
	return !p.probeShort || i > p.short+1
}

// single reports whether the pass's first page was the whole listing and nothing
// moved: one answer is atomic, so it lists every item there at that moment.
func (p *pass[T, K]) single() bool {
	if p.moved != "" {
		return false
	}
	if p.strict {
		return len(p.pages) == 1
	}
	return p.short == 0
}

// clean reports whether the pass can be confirmed (see listing.read): read page
// after page, no id twice, every page full up to the last one it needed.
func (p *pass[T, K]) clean() bool {
	if !p.sequential || p.repeats > 0 || p.gapped {
		return false
	}
	last := p.last()
	for i := range last {
		if len(p.pages[i].Items) != p.limit {
			return false
		}
	}
	return true
}

// listsEvery reports whether the pass listed every id the earlier pass did.
func (p *pass[T, K]) listsEvery(earlier *pass[T, K]) bool {
	for k := range earlier.seen {
		if _, ok := p.seen[k]; !ok {
			return false
		}
	}
	return true
}

// goneFrom says which ids the pass listed that the later one did not (naming the
// smallest), "" when none.
func (p *pass[T, K]) goneFrom(later *pass[T, K]) string {
	var gone []K
	for k := range p.seen {
		if _, ok := later.seen[k]; !ok {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 {
		return ""
	}
	return fmt.Sprintf("id %v and %d more listed by one pass were gone from the next", slices.Min(gone), len(gone)-1)
}

// last is the index of the pass's last page: its first short page (not strict),
// or the last one the total asked for.
func (p *pass[T, K]) last() int {
	if !p.strict && p.short >= 0 {
		return p.short
	}
	return len(p.pages) - 1
}

// inOrder is the pass's items in the API's order: its pages up to the short one.
func (p *pass[T, K]) inOrder() []T {
	items := make([]T, 0, p.items)
	for i := 0; i <= p.last(); i++ {
		items = append(items, p.pages[i].Items...)
	}
	return items
}

// addTo adds the pass's items to all (a page that arrived later wins) and returns
// how many ids were new.
func (p *pass[T, K]) addTo(all map[K]T) (added int) {
	for _, i := range p.arrivals {
		for _, item := range p.pages[i].Items {
			k := p.id(item)
			if _, known := all[k]; !known {
				added++
			}
			all[k] = item
		}
	}
	return added
}

// byID is the pass's items by id.
func (p *pass[T, K]) byID() map[K]T {
	all := make(map[K]T, p.items)
	for _, item := range p.inOrder() {
		all[p.id(item)] = item
	}
	return all
}

// signature identifies what the pass read: every page's total and ids.
func (p *pass[T, K]) signature() uint64 {
	h := fnv.New64a()
	for i := 0; i < len(p.pages)+1; i++ {
		page, ok := p.pages[i]
		if !ok {
			continue
		}
		fmt.Fprintf(h, "%d:%v:%d:", i, page.NoTotal, page.Total)
		for _, item := range page.Items {
			fmt.Fprintf(h, "%v,", p.id(item))
		}
	}
	return h.Sum64()
}

// readPass reads the listing once.
func (l listing[T, K]) readPass(ctx context.Context, concurrency int) (*pass[T, K], error) {
	p := &pass[T, K]{id: l.id, limit: l.limit, short: -1, requests: 1, pages: map[int]Page[T]{}, seen: map[K]itemPlace{},
		sequential: concurrency == 1}
	first, err := l.fetch(ctx, 0, l.limit)
	if err != nil {
		return p, err
	}
	p.hasTotal, p.total, p.maxTotal, p.lastTotal = !first.NoTotal, first.Total, first.Total, first.Total
	p.strict, p.filtered = p.hasTotal && !l.filtered, l.filtered
	switch {
	case p.hasTotal && p.total < 0:
		return p, broken("the API reported a negative total (%d)", p.total)
	case p.strict && p.total > MaxListItems:
		return p, &ListTooLongError{Total: p.total, Listed: len(first.Items)}
	}
	if err := p.add(0, first); err != nil {
		return p, err
	}
	if len(first.Items) < l.limit && !p.probeShort {
		return p, nil
	}
	// A pass reads again past the pages it asked for when a later page reported a
	// larger total (the list grew while it was read), unless a short page ended it.
	for next := 1; next < p.wantPages(); {
		if next, err = l.dispatch(ctx, p, next, concurrency); err != nil || !p.strict && p.shortSeen() {
			return p, err
		}
	}
	return p, nil
}

// dispatch asks for the pages from index from on, with at most concurrency in
// flight: page i goes out once page i-concurrency arrived, so that what is asked
// for depends only on pages that arrived and a read costs the same requests
// however the timing falls. It stops at the pages the pass wants, or once a page
// at least concurrency before arrived short (not strict), and returns the index
// of the first page it did not ask for.
func (l listing[T, K]) dispatch(ctx context.Context, p *pass[T, K], from, concurrency int) (int, error) {
	g, gctx := errgroup.WithContext(ctx)
	arrived := map[int]chan struct{}{}
	i := from
	for ; i < p.wantPages(); i++ {
		if j := i - concurrency; j >= from {
			select {
			case <-arrived[j]:
			case <-gctx.Done():
			}
		}
		if gctx.Err() != nil || !p.strict && p.endedBy(i, from, concurrency) {
			break
		}
		index, done := i, make(chan struct{})
		arrived[i] = done
		p.mu.Lock()
		p.requests++
		p.mu.Unlock()
		g.Go(func() error {
			page, err := l.fetch(gctx, index*l.limit, l.limit)
			if err != nil {
				return err
			}
			if err := p.add(index, page); err != nil {
				return err
			}
			close(done)
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		// Cancelled before every page was asked for.
		err = ctx.Err()
	}
	// A cancelled plan wins over what the cancellation made the workers report.
	if ctxErr := ctx.Err(); err != nil && ctxErr != nil && !errors.Is(err, ctxErr) {
		return i, fmt.Errorf("%w: %v", ctxErr, err)
	}
	return i, err
}

// logRead says at debug level how a listing was read: how many passes a listing
// that moved took, or that total was not trusted.
func (l listing[T, K]) logRead(ctx context.Context, p *pass[T, K], passes, requests, listed int) {
	if l.logger == nil {
		return
	}
	fields := func(key string, value any) map[string]any {
		f := map[string]any{"list": l.what, "listed": listed, "requests": requests}
		if key != "" {
			f[key] = value
		}
		return f
	}
	switch {
	case passes > 1 && l.canLose:
		l.logger.Debug(ctx, "SWR API listing whose items can be deleted or leave the filter: read again until a pass listed every item of the one before", fields("passes", passes))
	case passes > 1:
		l.logger.Debug(ctx, "SWR API listing moved while it was read: read again until every item was listed once", fields("passes", passes))
	}
	switch {
	case p.strict:
	case !p.hasTotal:
		l.logger.Debug(ctx, "SWR API listing without a total: read until a short page", fields("", nil))
	case listed < p.total:
		l.logger.Debug(ctx, "SWR API total counts more than the filter matched (the unfiltered set): read until a short page", fields("total", p.total))
	}
}

// shortSeen reports whether a short page arrived.
func (p *pass[T, K]) shortSeen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.short >= 0
}
