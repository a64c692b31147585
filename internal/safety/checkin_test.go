package safety

import (
	"slices"
	"testing"
	"time"
)

// Post-session check-ins 1, 3, 7 and 14 days after each medicine
// session, because suicidal thoughts can rise for up to two weeks after
// ketamine (KAP.md §1 adverse effects; §2 last line: a positive answer
// must reach a clinician, and so must a missing one).

func TestCheckInsFallOnPracticeCalendarDays(t *testing.T) {
	ny := newYork(t)
	s := DefaultCheckInSettings(ny)
	cases := []struct {
		name    string
		session string
		want    []string // due dates
		dueByZ  string   // the day-1 check-in's DueBy in UTC
	}{
		{"weekday session", "2025-01-13 10:00", []string{"2025-01-14", "2025-01-16", "2025-01-20", "2025-01-27"}, "2025-01-15T05:00:00Z"},
		{"late-evening session: the day after is tomorrow", "2025-01-13 23:30", []string{"2025-01-14", "2025-01-16", "2025-01-20", "2025-01-27"}, "2025-01-15T05:00:00Z"},
		// Sunday 9 March has 23 hours: it ends at 04:00Z, not 05:00Z.
		{"day after falls on spring forward", "2025-03-08 10:00", []string{"2025-03-09", "2025-03-11", "2025-03-15", "2025-03-22"}, "2025-03-10T04:00:00Z"},
		// Sunday 2 November has 25 hours.
		{"day after falls on fall back", "2025-11-01 10:00", []string{"2025-11-02", "2025-11-04", "2025-11-08", "2025-11-15"}, "2025-11-03T05:00:00Z"},
		{"month end", "2025-01-30 10:00", []string{"2025-01-31", "2025-02-02", "2025-02-06", "2025-02-13"}, "2025-02-01T05:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dues := CheckInsFor(4, local(t, ny, c.session), s)
			var dates []string
			for _, d := range dues {
				dates = append(dates, d.DueDate)
			}
			if !slices.Equal(dates, c.want) {
				t.Fatalf("due %v, want %v", dates, c.want)
			}
			d := dues[0]
			if d.Instrument != InstrumentCheckIn || d.Occasion != "check_in:4:1d" || d.Session != 4 {
				t.Errorf("bad identity %+v", d)
			}
			if !d.DueBy.Equal(utc(t, c.dueByZ)) || !d.WindowOpens.Equal(local(t, ny, c.want[0])) {
				t.Errorf("due by %s opens %s", d.DueBy.UTC(), d.WindowOpens.In(ny))
			}
			if d.WindowCloses.Sub(d.DueBy) != 12*time.Hour {
				t.Errorf("window closes %s after due", d.WindowCloses.Sub(d.DueBy))
			}
		})
	}
}

func TestMissedCheckInsAtTheGraceEdge(t *testing.T) {
	ny := newYork(t)
	s := DefaultCheckInSettings(ny)
	dues := CheckInsFor(1, local(t, ny, "2025-01-13 10:00"), s)
	day1 := dues[0]
	// Day 1 is due by 15 January 00:00; with 12 h grace the care team hears
	// at 15 January 12:00.
	deadline := local(t, ny, "2025-01-15 12:00")
	sec := time.Second
	done := func(occ string, at time.Time) []Completion {
		return []Completion{{Instrument: InstrumentCheckIn, Occasion: occ, At: at}}
	}
	cases := []struct {
		name  string
		done  []Completion
		now   time.Time
		grace time.Duration
		want  bool // day 1 flagged
	}{
		{"one second before the grace ends", nil, deadline.Add(-sec), s.Grace(), false},
		{"exactly when the grace ends", nil, deadline, s.Grace(), true},
		{"answered in the last second of grace", done(day1.Occasion, deadline.Add(-sec)), deadline, s.Grace(), false},
		{"answered as grace ends is too late", done(day1.Occasion, deadline), deadline, s.Grace(), true},
		{"answered on the due day", done(day1.Occasion, local(t, ny, "2025-01-14 19:00")), deadline, s.Grace(), false},
		{"answered before its day opened", done(day1.Occasion, local(t, ny, "2025-01-13 21:00")), deadline, s.Grace(), true},
		{"answered the other check-in", done(dues[1].Occasion, local(t, ny, "2025-01-14 19:00")), deadline, s.Grace(), true},
		{"another instrument for the occasion", []Completion{{Instrument: InstrumentPHQ9, Occasion: day1.Occasion, At: local(t, ny, "2025-01-14 19:00")}}, deadline, s.Grace(), true},
		{"no grace: flagged at midnight", nil, day1.DueBy, 0, true},
		{"no grace: not a second before", nil, day1.DueBy.Add(-sec), 0, false},
		{"negative grace counts as none", nil, day1.DueBy, -time.Hour, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			missed := MissedCheckIns(dues, c.done, c.now, c.grace)
			got := slices.ContainsFunc(missed, func(d Due) bool { return d.Occasion == day1.Occasion })
			if got != c.want {
				t.Errorf("flagged = %v, want %v", got, c.want)
			}
			if slices.ContainsFunc(missed, func(d Due) bool { return d.Occasion == dues[1].Occasion }) {
				t.Error("the day-3 check-in is not due yet")
			}
		})
	}
}

func TestCheckInValidate(t *testing.T) {
	at := time.Date(2025, 1, 14, 18, 0, 0, 0, time.UTC)
	good := CheckIn{Session: 1, Mood: ptr(5), Sleep: SleepFair, SelfHarmThoughts: ptr(false), AnsweredAt: at}
	cases := []struct {
		name   string
		change func(*CheckIn)
		want   Code
	}{
		{"complete", func(*CheckIn) {}, ""},
		{"mood 0 is an answer", func(c *CheckIn) { c.Mood = ptr(0) }, ""},
		{"mood 10", func(c *CheckIn) { c.Mood = ptr(10) }, ""},
		{"mood -1", func(c *CheckIn) { c.Mood = ptr(-1) }, CodeInvalid},
		{"mood 11", func(c *CheckIn) { c.Mood = ptr(11) }, CodeInvalid},
		{"mood skipped", func(c *CheckIn) { c.Mood = nil }, CodeInvalid},
		{"sleep skipped", func(c *CheckIn) { c.Sleep = "" }, CodeInvalid},
		{"sleep not a choice", func(c *CheckIn) { c.Sleep = "ok" }, CodeInvalid},
		{"self-harm question skipped", func(c *CheckIn) { c.SelfHarmThoughts = nil }, CodeInvalid},
		{"no time", func(c *CheckIn) { c.AnsweredAt = time.Time{} }, CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ci := good
			c.change(&ci)
			wantCode(t, ci.Validate(), c.want)
		})
	}
}

func TestCheckInSettingsValidate(t *testing.T) {
	ny := newYork(t)
	cases := []struct {
		name   string
		change func(*CheckInSettings)
		want   Code
	}{
		{"defaults", func(*CheckInSettings) {}, ""},
		{"no zone", func(s *CheckInSettings) { s.Zone = nil }, CodeInvalid},
		{"same day is not after", func(s *CheckInSettings) { s.DaysAfter = []int{0, 1} }, CodeInvalid},
		{"no days at all", func(s *CheckInSettings) { s.DaysAfter = nil }, CodeInvalid},
		{"past the two weeks", func(s *CheckInSettings) { s.DaysAfter = []int{1, 3, 21} }, CodeInvalid},
		{"the last day of the risk", func(s *CheckInSettings) { s.DaysAfter = []int{14} }, ""},
		{"negative grace", func(s *CheckInSettings) { s.GraceMinutes = -1 }, CodeInvalid},
		{"high self-harm severity", func(s *CheckInSettings) { s.SelfHarmSeverity = SeverityHigh }, ""},
		{"unknown severity", func(s *CheckInSettings) { s.SelfHarmSeverity = "low" }, CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultCheckInSettings(ny)
			c.change(&s)
			wantCode(t, s.Validate(), c.want)
		})
	}
}
