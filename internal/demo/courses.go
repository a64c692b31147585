package demo

import (
	"fmt"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/settings"
)

// demoCourse is one demo client's course and what has happened in it.
type demoCourse struct {
	key        string
	indication [2]string
	doses      []float64
	// activeDaysAgo < 0 leaves the course planned.
	activeDaysAgo int
	// sessions: day offsets from now (negative is past) with what happened.
	sessions []demoSession
	change   *demoChange
}

type demoSession struct {
	number int
	days   int
	status course.SessionAction
}

type demoChange struct {
	number int
	mg     float64
	reason string
}

// courses gives Alex an active course on track (three sessions held, the
// fourth under way today, the fifth and sixth booked), Maya one that has
// stalled (session 2 missed, nothing rebooked), and Daniel a course
// planned but not yet active.
func (w *world) courses() error {
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		zone = time.UTC
	}
	now := w.now.In(zone)
	at10 := func(days int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, zone)
	}
	list := []demoCourse{
		{key: "alex", indication: [2]string{"F33.1", "Major depressive disorder, recurrent, moderate"},
			doses: []float64{100, 150, 200, 250, 300, 300}, activeDaysAgo: 14,
			sessions: []demoSession{{1, -13, course.MarkHeld}, {2, -9, course.MarkHeld}, {3, -5, course.MarkHeld}, {4, 0, course.Book}, {5, 3, course.Book}, {6, 6, course.Book}},
			change:   &demoChange{4, 225, "Strong dissociation and nausea at 200 mg in session 3; a smaller step up before 250 mg."}},
		{key: "maya", indication: [2]string{"F33.1", "Major depressive disorder, recurrent, moderate"},
			doses: []float64{100, 125, 150, 150, 175, 200}, activeDaysAgo: 12,
			sessions: []demoSession{{1, -10, course.MarkHeld}, {2, -7, course.MarkMissed}}},
		{key: "daniel", indication: [2]string{"F43.10", "Post-traumatic stress disorder, unspecified"},
			doses: []float64{150, 200, 250, 300, 300, 350}, activeDaysAgo: -1},
	}
	rx := w.staff["rx"]
	ms, err := settings.MedicineSettings(w.ctx, w.tx, w.practiceID)
	if err != nil {
		return err
	}
	for _, dc := range list {
		id := w.clients[dc.key]
		plan := course.DefaultPlan(ms.Course)
		plan.IndicationCode, plan.IndicationText = dc.indication[0], dc.indication[1]
		plan.Route, plan.PlannedSessions, plan.Doses = dosing.RouteSublingualRDT, len(dc.doses), dc.doses
		c, _, err := course.Create(w.ctx, w.tx, w.practiceID, id, "", plan, rx, now.Add(-3*time.Hour))
		if err != nil {
			return fmt.Errorf("demo course %s: %w", dc.key, err)
		}
		if dc.activeDaysAgo < 0 {
			continue
		}
		if _, err := course.Activate(w.ctx, w.tx, id, c.ID, rx, now.Add(-2*time.Hour)); err != nil {
			return fmt.Errorf("demo course %s: %w", dc.key, err)
		}
		// The rules run today, against today's weight and evaluation; the
		// demo's story then moves the course's start into the past.
		start := now.AddDate(0, 0, -dc.activeDaysAgo)
		if _, err := w.tx.Exec(w.ctx, `UPDATE course SET created_at = ?, starts_on = ? WHERE id = ?`, start.Add(-24*time.Hour).UTC(), start.UTC(), c.ID); err != nil {
			return fmt.Errorf("demo course %s: %w", dc.key, err)
		}
		last := 0
		for _, s := range dc.sessions {
			days := s.days
			if days > 0 {
				// Bookings to come fall on weekdays, at least three days
				// apart, whatever day the demo is loaded on.
				days = max(days, last+3)
				for wd := now.AddDate(0, 0, days).Weekday(); wd == time.Saturday || wd == time.Sunday; wd = now.AddDate(0, 0, days).Weekday() {
					days++
				}
				last = days
			}
			when := at10(days)
			if s.days == 0 {
				// Today's session began about 75 minutes ago: the
				// session record shows it in progress.
				when = now.Add(-75 * time.Minute).Truncate(5 * time.Minute)
			}
			if _, _, err := course.RecordSession(w.ctx, w.tx, w.practiceID, id, c.ID, s.number, course.Book, &when, w.staff["jordan"], now); err != nil {
				return fmt.Errorf("demo course %s session %d: %w", dc.key, s.number, err)
			}
			if s.status != course.Book {
				if _, _, err := course.RecordSession(w.ctx, w.tx, w.practiceID, id, c.ID, s.number, s.status, nil, w.staff["jordan"], now); err != nil {
					return fmt.Errorf("demo course %s session %d: %w", dc.key, s.number, err)
				}
			}
		}
		if ch := dc.change; ch != nil {
			if _, _, err := course.ChangeDose(w.ctx, w.tx, w.practiceID, id, c.ID, ch.number, ch.mg, ch.reason, rx, now); err != nil {
				return fmt.Errorf("demo course %s dose change: %w", dc.key, err)
			}
		}
	}
	return nil
}
