package safety

import (
	"slices"
	"testing"
	"time"
)

// Measurement schedule: baseline at intake, before each medicine session,
// at course end and follow-ups after the last medicine session (KAP.md §2;
// the 14-day follow-up covers the two weeks in which suicidal thoughts can
// rise after ketamine, KAP.md §1).

func findDue(t *testing.T, dues []Due, instrument, occasion string) Due {
	t.Helper()
	i := slices.IndexFunc(dues, func(d Due) bool { return d.Instrument == instrument && d.Occasion == occasion })
	if i < 0 {
		t.Fatalf("no %s %s in plan", instrument, occasion)
	}
	return dues[i]
}

func TestDefaultFollowUpsAtMonthEnds(t *testing.T) {
	ny := newYork(t)
	cases := []struct {
		name string
		last string
		want map[string]string // follow-up label → due date
	}{
		{"last session 31 January 2025", "2025-01-31 10:00",
			map[string]string{"2w": "2025-02-14", "1m": "2025-02-28", "3m": "2025-04-30", "6m": "2025-07-31"}},
		{"leap year: 31 January 2024", "2024-01-31 10:00",
			map[string]string{"2w": "2024-02-14", "1m": "2024-02-29", "3m": "2024-04-30", "6m": "2024-07-31"}},
		{"31 August rolls into February", "2025-08-31 10:00",
			map[string]string{"2w": "2025-09-14", "1m": "2025-09-30", "3m": "2025-11-30", "6m": "2026-02-28"}},
		{"mid-month needs no clamping", "2025-03-15 10:00",
			map[string]string{"2w": "2025-03-29", "1m": "2025-04-15", "3m": "2025-06-15", "6m": "2025-09-15"}},
		{"late evening session counts on its own day", "2025-01-31 23:30",
			map[string]string{"2w": "2025-02-14", "1m": "2025-02-28"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dues := PlanMeasures(DefaultSchedule(ny), CourseFacts{Sessions: []time.Time{local(t, ny, c.last)}})
			for label, want := range c.want {
				d := findDue(t, dues, InstrumentPHQ9, FollowUpOccasion(label))
				if d.DueDate != want {
					t.Errorf("%s due %s, want %s", label, d.DueDate, want)
				}
				if wantBy := local(t, ny, want).AddDate(0, 0, 1); !d.DueBy.Equal(wantBy) {
					t.Errorf("%s due by %s, want end of %s", label, d.DueBy.In(ny), want)
				}
			}
		})
	}
}

func TestPlanForASixSessionCourse(t *testing.T) {
	ny := newYork(t)
	sessions := []time.Time{
		// Out of order on purpose: sessions are numbered by time.
		local(t, ny, "2025-01-15 10:00"),
		local(t, ny, "2025-01-13 10:00"),
		local(t, ny, "2025-01-17 10:00"),
		local(t, ny, "2025-01-20 10:00"),
		local(t, ny, "2025-01-22 10:00"),
		local(t, ny, "2025-01-31 10:00"),
	}
	dues := PlanMeasures(DefaultSchedule(ny), CourseFacts{Intake: local(t, ny, "2025-01-06 10:00"), Sessions: sessions})

	// PHQ-9: baseline, 6 pre-session, course end, 4 follow-ups; GAD-7:
	// baseline, course end, 4 follow-ups; C-SSRS: baseline.
	if len(dues) != 12+6+1 {
		t.Fatalf("got %d dues, want 19", len(dues))
	}
	if !slices.IsSortedFunc(dues, func(a, b Due) int { return a.DueBy.Compare(b.DueBy) }) {
		t.Error("plan is not in due order")
	}

	cases := []struct {
		instrument, occasion string
		session              int
		dueDate              string
		dueBy, opens, closes string // New York wall times
	}{
		// Baseline closes when the first dose starts: a baseline after it
		// is no baseline.
		{InstrumentPHQ9, OccasionBaseline, 0, "2025-01-06", "2025-01-07 00:00", "2024-12-23 00:00", "2025-01-13 10:00"},
		{InstrumentCSSRS, OccasionBaseline, 0, "2025-01-06", "2025-01-07 00:00", "2024-12-23 00:00", "2025-01-13 10:00"},
		{InstrumentPHQ9, PreSessionOccasion(1), 1, "2025-01-13", "2025-01-13 10:00", "2025-01-11 00:00", "2025-01-13 10:00"},
		// Session 2's window opens only once session 1 has started.
		{InstrumentPHQ9, PreSessionOccasion(2), 2, "2025-01-15", "2025-01-15 10:00", "2025-01-13 10:00", "2025-01-15 10:00"},
		{InstrumentPHQ9, PreSessionOccasion(6), 6, "2025-01-31", "2025-01-31 10:00", "2025-01-29 00:00", "2025-01-31 10:00"},
		{InstrumentGAD7, OccasionCourseEnd, 0, "2025-02-01", "2025-02-02 00:00", "2025-02-01 00:00", "2025-02-09 00:00"},
		{InstrumentPHQ9, FollowUpOccasion("2w"), 0, "2025-02-14", "2025-02-15 00:00", "2025-02-12 00:00", "2025-02-22 00:00"},
		{InstrumentGAD7, FollowUpOccasion("6m"), 0, "2025-07-31", "2025-08-01 00:00", "2025-07-17 00:00", "2025-08-31 00:00"},
	}
	for _, c := range cases {
		d := findDue(t, dues, c.instrument, c.occasion)
		if d.Session != c.session || d.DueDate != c.dueDate ||
			!d.DueBy.Equal(local(t, ny, c.dueBy)) ||
			!d.WindowOpens.Equal(local(t, ny, c.opens)) ||
			!d.WindowCloses.Equal(local(t, ny, c.closes)) {
			t.Errorf("%s %s:\n got session %d %s by %s window %s – %s\nwant session %d %s by %s window %s – %s",
				c.instrument, c.occasion, d.Session, d.DueDate, d.DueBy.In(ny), d.WindowOpens.In(ny), d.WindowCloses.In(ny),
				c.session, c.dueDate, c.dueBy, c.opens, c.closes)
		}
	}
	for _, code := range []string{InstrumentGAD7, InstrumentCSSRS} {
		if slices.ContainsFunc(dues, func(d Due) bool { return d.Instrument == code && d.Session > 0 }) {
			t.Errorf("%s is not given before sessions by default", code)
		}
	}
}

func TestPlanEdges(t *testing.T) {
	ny := newYork(t)
	s := DefaultSchedule(ny)
	t.Run("intake only: baseline window runs 14 days", func(t *testing.T) {
		dues := PlanMeasures(s, CourseFacts{Intake: local(t, ny, "2025-01-06 10:00")})
		if len(dues) != 3 {
			t.Fatalf("want 3 baselines, got %d", len(dues))
		}
		if d := findDue(t, dues, InstrumentPHQ9, OccasionBaseline); !d.WindowCloses.Equal(local(t, ny, "2025-01-21 00:00")) {
			t.Errorf("closes %s", d.WindowCloses.In(ny))
		}
	})
	t.Run("first dose on intake day: baseline is due by the dose", func(t *testing.T) {
		dose := local(t, ny, "2025-01-06 14:00")
		d := findDue(t, PlanMeasures(s, CourseFacts{Intake: local(t, ny, "2025-01-06 09:00"), Sessions: []time.Time{dose}}),
			InstrumentPHQ9, OccasionBaseline)
		if !d.DueBy.Equal(dose) || !d.WindowCloses.Equal(dose) {
			t.Errorf("due by %s closes %s, want the dose", d.DueBy.In(ny), d.WindowCloses.In(ny))
		}
	})
	t.Run("course ended early: no pre-session measure after the last session", func(t *testing.T) {
		dues := PlanMeasures(s, CourseFacts{
			Sessions:    []time.Time{local(t, ny, "2025-01-13 10:00"), local(t, ny, "2025-01-15 10:00"), local(t, ny, "2025-01-17 10:00")},
			LastSession: local(t, ny, "2025-01-15 10:00"),
		})
		if slices.ContainsFunc(dues, func(d Due) bool { return d.Occasion == PreSessionOccasion(3) }) {
			t.Error("session 3 was cancelled but still has a measure")
		}
		if d := findDue(t, dues, InstrumentPHQ9, FollowUpOccasion("2w")); d.DueDate != "2025-01-29" {
			t.Errorf("2w counts from the last session: got %s", d.DueDate)
		}
	})
	t.Run("windows after the course never open before the last dose", func(t *testing.T) {
		same := DefaultSchedule(ny)
		same.CourseEndDaysAfter = 0
		same.FollowUps = []FollowUp{{Label: "1d", Days: 1, OpensDaysBefore: 3}}
		last := local(t, ny, "2025-01-31 10:00")
		dues := PlanMeasures(same, CourseFacts{Sessions: []time.Time{last}})
		for _, occ := range []string{OccasionCourseEnd, FollowUpOccasion("1d")} {
			if d := findDue(t, dues, InstrumentPHQ9, occ); !d.WindowOpens.Equal(last) {
				t.Errorf("%s opens %s, want the last session's start", occ, d.WindowOpens.In(ny))
			}
		}
	})
	t.Run("nothing booked: nothing due", func(t *testing.T) {
		if dues := PlanMeasures(s, CourseFacts{}); len(dues) != 0 {
			t.Errorf("got %d dues", len(dues))
		}
	})
	t.Run("the same session twice counts once", func(t *testing.T) {
		at := local(t, ny, "2025-01-13 10:00")
		dues := PlanMeasures(s, CourseFacts{Sessions: []time.Time{at, at.UTC()}})
		if slices.ContainsFunc(dues, func(d Due) bool { return d.Session == 2 }) {
			t.Error("duplicate session numbered twice")
		}
	})
}

func TestClientOverrides(t *testing.T) {
	ny := newYork(t)
	practice := DefaultSchedule(ny)
	client := practice.WithOverrides(ClientOverrides{
		Add:              []InstrumentPlan{{Code: "pcl5", Baseline: true, CourseEnd: true}, {Code: InstrumentCSSRS, Baseline: true, PreSession: true}},
		Remove:           []string{InstrumentGAD7},
		ReplaceFollowUps: true,
		FollowUps:        []FollowUp{{Label: "6w", Days: 42, OpensDaysBefore: 3, ClosesDaysAfter: 7}},
	})
	dues := PlanMeasures(client, CourseFacts{
		Intake:   local(t, ny, "2025-01-06 10:00"),
		Sessions: []time.Time{local(t, ny, "2025-01-13 10:00"), local(t, ny, "2025-01-15 10:00")},
	})
	has := func(code, occ string) bool {
		return slices.ContainsFunc(dues, func(d Due) bool { return d.Instrument == code && d.Occasion == occ })
	}
	checks := []struct {
		code, occ string
		want      bool
	}{
		{"pcl5", OccasionBaseline, true},
		{"pcl5", OccasionCourseEnd, true},
		{"pcl5", PreSessionOccasion(1), false},
		{InstrumentCSSRS, PreSessionOccasion(2), true}, // replaced occasions
		{InstrumentGAD7, OccasionBaseline, false},      // removed
		{InstrumentPHQ9, FollowUpOccasion("6w"), true},
		{InstrumentPHQ9, FollowUpOccasion("2w"), false}, // follow-ups replaced
	}
	for _, c := range checks {
		if got := has(c.code, c.occ); got != c.want {
			t.Errorf("%s %s planned = %v, want %v", c.code, c.occ, got, c.want)
		}
	}
	if len(practice.Instruments) != 3 || practice.Instruments[2].PreSession || len(practice.FollowUps) != 4 {
		t.Error("overrides changed the practice schedule")
	}
	t.Run("remove wins over add", func(t *testing.T) {
		s := practice.WithOverrides(ClientOverrides{Add: []InstrumentPlan{{Code: "pcl5", Baseline: true}}, Remove: []string{"pcl5"}})
		if slices.ContainsFunc(s.Instruments, func(p InstrumentPlan) bool { return p.Code == "pcl5" }) {
			t.Error("pcl5 still scheduled")
		}
	})
	t.Run("an empty replacement means no follow-ups", func(t *testing.T) {
		s := practice.WithOverrides(ClientOverrides{ReplaceFollowUps: true})
		dues := PlanMeasures(s, CourseFacts{Sessions: []time.Time{local(t, ny, "2025-01-13 10:00")}})
		if slices.ContainsFunc(dues, func(d Due) bool { return d.Occasion == FollowUpOccasion("2w") }) {
			t.Error("follow-ups still planned")
		}
	})
}

func TestStatusAtWindowEdges(t *testing.T) {
	ny := newYork(t)
	d := findDue(t, PlanMeasures(DefaultSchedule(ny), CourseFacts{Sessions: []time.Time{local(t, ny, "2025-01-31 10:00")}}),
		InstrumentPHQ9, FollowUpOccasion("2w"))
	// Window 12 Feb 00:00 – 22 Feb 00:00, due by 15 Feb 00:00.
	sec := time.Second
	cases := []struct {
		name string
		done *time.Time
		now  time.Time
		want DueStatus
	}{
		{"before the window", nil, d.WindowOpens.Add(-sec), StatusUpcoming},
		{"window opens", nil, d.WindowOpens, StatusDue},
		{"last second of the due day", nil, d.DueBy.Add(-sec), StatusDue},
		{"due day over", nil, d.DueBy, StatusOverdue},
		{"last second of the window", nil, d.WindowCloses.Add(-sec), StatusOverdue},
		{"window closed", nil, d.WindowCloses, StatusMissed},
		{"answered as the window opens", ptr(d.WindowOpens), d.WindowCloses, StatusCompleted},
		{"answered in the last second", ptr(d.WindowCloses.Add(-sec)), d.WindowCloses, StatusCompleted},
		{"answered as it closes does not count", ptr(d.WindowCloses), d.WindowCloses, StatusMissed},
		{"answered before the window does not count", ptr(d.WindowOpens.Add(-sec)), d.WindowOpens, StatusDue},
	}
	for _, c := range cases {
		if got := Status(d, c.done, c.now); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	pre := findDue(t, PlanMeasures(DefaultSchedule(ny), CourseFacts{Sessions: []time.Time{local(t, ny, "2025-01-31 10:00")}}),
		InstrumentPHQ9, PreSessionOccasion(1))
	if got := Status(pre, nil, pre.DueBy); got != StatusMissed {
		t.Errorf("a pre-session measure is missed once the dose starts, got %s", got)
	}
}

func TestScheduleValidate(t *testing.T) {
	ny := newYork(t)
	cases := []struct {
		name   string
		change func(*Schedule)
		want   Code
	}{
		{"defaults", func(*Schedule) {}, ""},
		{"no zone", func(s *Schedule) { s.Zone = nil }, CodeInvalid},
		{"blank code", func(s *Schedule) { s.Instruments[0].Code = " " }, CodeInvalid},
		{"instrument twice", func(s *Schedule) { s.Instruments[1].Code = InstrumentPHQ9 }, CodeInvalid},
		{"follow-up with no offset", func(s *Schedule) { s.FollowUps[0].Days = 0 }, CodeInvalid},
		{"follow-up label twice", func(s *Schedule) { s.FollowUps[1].Label = "2w" }, CodeInvalid},
		{"negative window", func(s *Schedule) { s.FollowUps[0].ClosesDaysAfter = -1 }, CodeInvalid},
		{"negative baseline", func(s *Schedule) { s.BaselineOpensDaysBefore = -1 }, CodeInvalid},
		{"zero pre-session days is fine", func(s *Schedule) { s.PreSessionOpensDaysBefore = 0 }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSchedule(ny)
			c.change(&s)
			wantCode(t, s.Validate(), c.want)
		})
	}
}
