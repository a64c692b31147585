package safety

import (
	"fmt"
	"slices"
	"time"
)

// TimeOfDay is a wall-clock time in the practice's zone. 24:00 means the
// end of the day, so a practice open all day writes 00:00-24:00.
type TimeOfDay struct {
	Hour   int `json:"hour"`
	Minute int `json:"minute"`
}

func (t TimeOfDay) valid() bool {
	return t.Hour >= 0 && t.Minute >= 0 && t.Minute < 60 && (t.Hour < 24 || t.Hour == 24 && t.Minute == 0)
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// OpenHours is one span in which the practice is open on a weekday. A day
// may have several spans (a lunch break); a span does not cross midnight.
type OpenHours struct {
	// Day is 0 for Sunday through 6 for Saturday.
	Day    time.Weekday `json:"day"`
	Opens  TimeOfDay    `json:"opens"`
	Closes TimeOfDay    `json:"closes"`
}

// BusinessHours are when someone at the practice is expected to read
// alerts.
type BusinessHours struct {
	// Zone is the practice's time zone; the caller loads it from the stored
	// zone name.
	Zone *time.Location `json:"-"`
	Open []OpenHours    `json:"open"`
}

// DefaultBusinessHours are Monday to Friday, 09:00-17:00.
func DefaultBusinessHours(zone *time.Location) BusinessHours {
	b := BusinessHours{Zone: zone}
	for d := time.Monday; d <= time.Friday; d++ {
		b.Open = append(b.Open, OpenHours{Day: d, Opens: TimeOfDay{9, 0}, Closes: TimeOfDay{17, 0}})
	}
	return b
}

// Validate refuses hours the arithmetic cannot use.
func (b BusinessHours) Validate() error {
	if b.Zone == nil {
		return invalid("set the practice time zone for its business hours")
	}
	if len(b.Open) == 0 {
		return invalid("list at least one span of business hours")
	}
	for _, o := range b.Open {
		if o.Day < time.Sunday || o.Day > time.Saturday {
			return invalid(fmt.Sprintf("weekday %d is not 0 (Sunday) to 6 (Saturday)", o.Day))
		}
		if !o.Opens.valid() || !o.Closes.valid() {
			return invalid(fmt.Sprintf("%s hours %s-%s are not clock times", o.Day, o.Opens, o.Closes))
		}
		if o.Closes.Hour*60+o.Closes.Minute <= o.Opens.Hour*60+o.Opens.Minute {
			return invalid(fmt.Sprintf("%s hours must close after they open (%s-%s)", o.Day, o.Opens, o.Closes))
		}
	}
	return nil
}

type span struct{ from, to time.Time }

// spansOn returns the open spans of one calendar day, built with time.Date
// in the practice zone so that each is the real instant on that day: a
// 09:00-17:00 span is 8 hours on a daylight-saving change day too, and a
// 00:00-24:00 span is 23 or 25 hours. Invalid spans are skipped; overlapping
// ones are merged.
func (b BusinessHours) spansOn(y int, m time.Month, d int, loc *time.Location) []span {
	wd := time.Date(y, m, d, 12, 0, 0, 0, loc).Weekday()
	var out []span
	for _, o := range b.Open {
		if o.Day != wd || !o.Opens.valid() || !o.Closes.valid() {
			continue
		}
		from := time.Date(y, m, d, o.Opens.Hour, o.Opens.Minute, 0, 0, loc)
		to := time.Date(y, m, d, o.Closes.Hour, o.Closes.Minute, 0, 0, loc)
		if to.After(from) {
			out = append(out, span{from, to})
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.from.Compare(b.from) })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && !s.from.After(merged[n-1].to) {
			merged[n-1].to = later(merged[n-1].to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// IsOpen says whether t falls in business hours (opening instant included,
// closing instant not).
func (b BusinessHours) IsOpen(t time.Time) bool {
	loc := zoneOr(b.Zone)
	y, m, d := t.In(loc).Date()
	for _, s := range b.spansOn(y, m, d, loc) {
		if !t.Before(s.from) && t.Before(s.to) {
			return true
		}
	}
	return false
}

// AddOpenTime returns the instant at which d of open time has passed since
// start, counting only business hours in the practice zone. Time outside
// hours does not count, so from Friday 16:30 one hour of open time ends on
// Monday at 09:30. The result may fall exactly on a closing time (16:00 plus
// one hour is 17:00).
//
// With no open hours at all the clock would never run, and an alert must
// never wait for ever: the hours are then ignored and d is added as wall
// time.
func (b BusinessHours) AddOpenTime(start time.Time, d time.Duration) time.Time {
	loc := zoneOr(b.Zone)
	d = max(d, 0)
	var week time.Duration
	y, m, day := start.In(loc).Date()
	for i := range 7 {
		for _, s := range b.spansOn(y, m, day+i, loc) {
			week += s.to.Sub(s.from)
		}
	}
	if week <= 0 {
		return start.Add(d)
	}
	// Enough days to hold d of open time, with room for a short week
	// around a daylight-saving change.
	limit := 7 * (int(d/week) + 2)
	remaining := d
	for i := 0; i <= limit; i++ {
		for _, s := range b.spansOn(y, m, day+i, loc) {
			if !s.to.After(start) {
				continue
			}
			from := later(s.from, start)
			avail := s.to.Sub(from)
			if remaining <= avail {
				return from.Add(remaining)
			}
			remaining -= avail
		}
	}
	return start.Add(d)
}
