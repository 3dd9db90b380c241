package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// How the fake writes times, and which request headers it insists on. The API
// documents one example time (2021-02-01T03:53:32Z) and the SDK types every time
// as a plain string; these switches produce the other plausible shapes so that
// the client's tolerance of them is tested (see "What the documentation leaves
// open" in the API README).

// TimeLayout is how the times of every listing (start_time, end_time, op_time,
// and the instances' and namespaces' created_at, updated_at, expires_at)
// are written. Stored times are RFC 3339; each is rewritten as the same instant
// in the layout.
type TimeLayout string

const (
	TimeRFC3339    TimeLayout = "rfc3339"    // as stored, e.g. 2024-01-01T00:00:01Z (the default)
	TimeFractional TimeLayout = "fractional" // microseconds, UTC: 2024-01-01T00:00:01.000000Z
	TimeOffset     TimeLayout = "offset"     // in +08:00: 2024-01-01T08:00:01+08:00
	TimeNoZone     TimeLayout = "no-zone"    // UTC wall clock, no zone: 2024-01-01 00:00:01
	TimeNoZoneT    TimeLayout = "no-zone-t"  // the same with a T: 2024-01-01T00:00:01
	TimeGarbage    TimeLayout = "garbage"    // unreadable: day first, an hour mark and a terminal escape
)

// TimeLayouts lists every TimeLayout, for flags and tests.
var TimeLayouts = []TimeLayout{TimeRFC3339, TimeFractional, TimeOffset, TimeNoZone, TimeNoZoneT, TimeGarbage}

// goLayout is the Go layout of a TimeLayout.
var goLayout = map[TimeLayout]string{
	TimeRFC3339:    time.RFC3339Nano,
	TimeFractional: "2006-01-02T15:04:05.000000Z07:00",
	TimeOffset:     time.RFC3339Nano,
	TimeNoZone:     "2006-01-02 15:04:05.999999999",
	TimeNoZoneT:    "2006-01-02T15:04:05.999999999",
	TimeGarbage:    "02/01/2006 15h04", // then garbageSuffix
}

// garbageSuffix ends every TimeGarbage time: a terminal escape (bold), which a
// client must not pass on to a terminal raw.
const garbageSuffix = " \x1b[1m"

// offsetZone is the zone of TimeOffset: China Standard Time, where most regions are.
var offsetZone = time.FixedZone("CST", 8*60*60)

// UnsetEndTime is how an end_time that is not set yet (an unfinished task or
// execution: stored as "") is written.
type UnsetEndTime string

const (
	EndTimeEmpty   UnsetEndTime = "empty"   // "" (the default)
	EndTimeNull    UnsetEndTime = "null"    // null
	EndTimeMissing UnsetEndTime = "missing" // the field left out
	EndTimeZero    UnsetEndTime = "zero"    // the zero time 0001-01-01T00:00:00Z, in the TimeLayout, as Harbor writes it
)

// UnsetEndTimes lists every UnsetEndTime, for flags and tests.
var UnsetEndTimes = []UnsetEndTime{EndTimeEmpty, EndTimeNull, EndTimeMissing, EndTimeZero}

// wireOptions are the switches of this file; the zero value is the default.
type wireOptions struct {
	layout     TimeLayout
	unsetEnd   UnsetEndTime
	sdkHeaders bool
	shift      time.Duration // SetAsOf: added to every stored time listed
}

func (o wireOptions) rewrites() bool {
	return (o.layout != "" && o.layout != TimeRFC3339) || (o.unsetEnd != "" && o.unsetEnd != EndTimeEmpty) || o.shift != 0
}

func (s *Server) wireOpts() wireOptions {
	if o := s.wire.Load(); o != nil {
		return *o
	}
	return wireOptions{}
}

func (s *Server) updateWireOpts(change func(*wireOptions)) {
	for {
		old := s.wire.Load()
		next := wireOptions{}
		if old != nil {
			next = *old
		}
		change(&next)
		if s.wire.CompareAndSwap(old, &next) {
			return
		}
	}
}

// SetTimeLayout makes every listing write its times in layout.
func (s *Server) SetTimeLayout(layout TimeLayout) error {
	if _, ok := goLayout[layout]; !ok {
		return fmt.Errorf("unknown time layout %q: use one of %s", layout, JoinNames(TimeLayouts))
	}
	s.updateWireOpts(func(o *wireOptions) { o.layout = layout })
	return nil
}

// SetUnsetEndTime makes every listing write an end_time not set yet as mode says.
func (s *Server) SetUnsetEndTime(mode UnsetEndTime) error {
	for _, m := range UnsetEndTimes {
		if m == mode {
			s.updateWireOpts(func(o *wireOptions) { o.unsetEnd = mode })
			return nil
		}
	}
	return fmt.Errorf("unknown unset end_time %q: use one of %s", mode, JoinNames(UnsetEndTimes))
}

// RequireSDKHeaders makes the fake answer 400 to a request that lacks what the
// official SDK sends: Content-Type application/json on every call (GET included),
// and the nocatalog=true query parameter on POST /v3/auth/tokens.
func (s *Server) RequireSDKHeaders(on bool) {
	s.updateWireOpts(func(o *wireOptions) { o.sdkHeaders = on })
}

// DataNow is the present of the data the fake stores: the sample data and the
// generated accounts are written as of this instant (a policy "ran yesterday"
// ran a day before it), whatever the date the fake runs on.
var DataNow = time.Date(2024, 7, 2, 3, 10, 0, 0, time.UTC)

// SetAsOf makes every listing show the stored data as of now: each stored time is
// listed moved by now - DataNow (truncated to the second), so that a run stored
// a day before DataNow is listed a day before now. A client that judges ages by
// its own clock (an audit's stale or stuck runs) then sees the ages the data was
// written with. The zero time lists the times as stored (the default). An
// execution started by POST is stored at the fake's clock minus the shift, so it
// is listed at the fake's clock.
func (s *Server) SetAsOf(now time.Time) {
	var shift time.Duration
	if !now.IsZero() {
		shift = now.Sub(DataNow).Truncate(time.Second)
	}
	s.updateWireOpts(func(o *wireOptions) { o.shift = shift })
}

// storedNow is the fake's clock as a stored time: what lists as now under SetAsOf.
func (s *Server) storedNow() time.Time { return s.now().Add(-s.wireOpts().shift) }

// checkSDKHeaders is the check RequireSDKHeaders switches on.
func (s *Server) checkSDKHeaders(r *http.Request) *apiError {
	if !s.wireOpts().sdkHeaders {
		return nil
	}
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !strings.EqualFold(strings.TrimSpace(mediaType), "application/json") {
		return badRequest("Content-Type must be application/json, got %q", r.Header.Get("Content-Type"))
	}
	if r.URL.Path == "/v3/auth/tokens" && r.URL.Query().Get("nocatalog") != "true" {
		return badRequest("POST /v3/auth/tokens must ask for nocatalog=true")
	}
	return nil
}

// JoinNames lists the names of a switch's values, e.g. TimeLayouts, for flag help and
// the errors that name the values accepted.
func JoinNames[T ~string](names []T) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return strings.Join(out, ", ")
}

// timeFields are the time fields of the listed items.
var timeFields = []string{"start_time", "end_time", "op_time", "created_at", "updated_at", "expires_at"}

// renderTimes returns items (a page of a listing) with its times written as the
// switches say: items itself when they say nothing, else the items as JSON
// objects (whose fields then encode in sorted order).
func (s *Server) renderTimes(items any) any {
	o := s.wireOpts()
	if !o.rewrites() {
		return items
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(mustJSON(items), &objs); err != nil {
		return items // not a list of objects: nothing to rewrite
	}
	for _, obj := range objs {
		for _, field := range timeFields {
			raw, ok := obj[field]
			if !ok {
				continue
			}
			var v string
			if json.Unmarshal(raw, &v) != nil {
				continue
			}
			if v == "" {
				if field == "end_time" {
					o.writeUnsetEnd(obj)
				}
				continue
			}
			obj[field] = mustJSON(o.format(v))
		}
	}
	return objs
}

// writeUnsetEnd writes the end_time of obj, which is not set yet.
func (o wireOptions) writeUnsetEnd(obj map[string]json.RawMessage) {
	switch o.unsetEnd {
	case EndTimeNull:
		obj["end_time"] = json.RawMessage("null")
	case EndTimeMissing:
		delete(obj, "end_time")
	case EndTimeZero:
		obj["end_time"] = mustJSON(o.formatTime(time.Time{}))
	}
}

// format rewrites a stored time; one that does not parse, or any in the default
// layout, is left as it is.
func (o wireOptions) format(stored string) string {
	if (o.layout == "" || o.layout == TimeRFC3339) && o.shift == 0 {
		return stored
	}
	t, err := time.Parse(time.RFC3339Nano, stored)
	if err != nil {
		return stored
	}
	return o.formatTime(t.Add(o.shift))
}

func (o wireOptions) formatTime(t time.Time) string {
	layout := o.layout
	if layout == "" {
		layout = TimeRFC3339
	}
	if layout == TimeOffset {
		t = t.In(offsetZone)
	} else {
		t = t.UTC()
	}
	if layout == TimeGarbage {
		return t.Format(goLayout[layout]) + garbageSuffix
	}
	return t.Format(goLayout[layout])
}
