package safety

import "time"

// Dates in this package are calendar days in the practice's time zone: a
// follow-up "due on 14 March" means the whole of 14 March where the practice
// is, however many hours that day has across a daylight-saving change.

// zoneOr keeps a missing zone from panicking; callers are expected to set the
// practice zone, and Validate methods refuse settings without one.
func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// dayStart is local midnight at the start of the day that holds t, moved by
// days whole calendar days. time.Date normalises the day number, so month and
// year ends roll over.
func dayStart(t time.Time, loc *time.Location, days int) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, loc)
}

// addMonths moves a calendar date by whole months and clamps to the last day
// of the target month, so 31 January + 1 month is 28 or 29 February rather
// than Go's normalised 2 or 3 March: a follow-up "one month after" should not
// slip into the month after that.
func addMonths(t time.Time, loc *time.Location, months int) time.Time {
	y, m, d := t.In(loc).Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, loc)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, loc).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, loc)
}

// civilDate formats the calendar day holding t in the practice zone.
func civilDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(time.DateOnly)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
