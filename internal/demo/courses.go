package demo

import (
	"fmt"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
)

// demoCourse is one demo client's course as Dr. Raman planned it.
type demoCourse struct {
	key        string
	indication [2]string
	doses      []float64
	// planned is when she planned it; active, when she made it active
	// (zero leaves it planned).
	planned, active time.Time
}

// courses plans the demo clients' courses, each once the client is ready
// for one (intake screened, evaluation signed, consent signed, preparation
// held, instructions acknowledged), as the doors require: Alex's, active
// for a fortnight and on track; Maya's, active since twelve days ago and
// stalled (session 2 missed, nothing rebooked); Daniel's, planned this
// morning and not yet active. Alex's sessions are booked on the calendar
// (schedule); Maya's from her course page, here.
func (w *world) courses(t *timeline) {
	list := []demoCourse{
		{key: "alex", indication: [2]string{"F33.1", "Major depressive disorder, recurrent, moderate"},
			doses: []float64{100, 150, 200, 250, 300, 300}, planned: w.day(-14, 9, 0), active: w.day(-14, 9, 15)},
		{key: "maya", indication: [2]string{"F33.1", "Major depressive disorder, recurrent, moderate"},
			doses: []float64{100, 125, 150, 150, 175, 200}, planned: w.day(-12, 9, 0), active: w.day(-12, 9, 15)},
		{key: "daniel", indication: [2]string{"F43.10", "Post-traumatic stress disorder, unspecified"},
			doses: []float64{150, 200, 250, 300, 300, 350}, planned: w.now.Add(-3 * time.Hour)},
	}
	for _, dc := range list {
		t.at(dc.planned, func() error {
			return w.planCourse(dc.key, dc.indication, dosing.RouteSublingualRDT, dc.doses)
		})
		if !dc.active.IsZero() {
			t.at(dc.active, func() error { return w.activate(dc.key) })
		}
	}

	// Maya: session 1 held ten days ago; session 2, booked for three days
	// later, missed; nothing rebooked since.
	elena := w.as["elena"]
	first, second := w.day(-10, 10, 0), w.day(-7, 10, 0)
	t.at(w.day(-12, 9, 40), func() error { return w.courseSession(elena, "maya", 1, course.Book, &first) })
	t.at(w.day(-10, 13, 0), func() error { return w.courseSession(elena, "maya", 1, course.MarkHeld, nil) })
	t.at(w.day(-10, 13, 5), func() error { return w.courseSession(elena, "maya", 2, course.Book, &second) })
	t.at(w.day(-7, 12, 0), func() error { return w.courseSession(elena, "maya", 2, course.MarkMissed, nil) })

	// After session 3's strong dissociation, a smaller step up before
	// 250 mg.
	t.at(w.day(-5, 16, 0), func() error {
		_, err := w.doors.Courses.ChangeDose(w.ctx, w.as["rx"], w.clients["alex"], w.course["alex"], 4, 225,
			"Strong dissociation and nausea at 200 mg in session 3; a smaller step up before 250 mg.", nil)
		if err != nil {
			return fmt.Errorf("demo course alex dose change: %w", err)
		}
		return nil
	})
}

// planCourse is Dr. Raman planning a course on the new-course form, from
// the practice's defaults, for the client key.
func (w *world) planCourse(key string, indication [2]string, route dosing.Route, doses []float64) error {
	rx, id := w.as["rx"], w.clients[key]
	form, err := w.doors.Courses.Planning(w.ctx, rx, id, w.zone())
	if err != nil {
		return fmt.Errorf("demo course %s: %w", key, err)
	}
	plan := course.DefaultPlan(form.Defaults.Course)
	plan.IndicationCode, plan.IndicationText = indication[0], indication[1]
	plan.Route, plan.PlannedSessions, plan.Doses = route, len(doses), doses
	made, err := w.doors.Courses.Create(w.ctx, rx, id, course.NewPlan{Plan: plan}, nil)
	if err != nil {
		return fmt.Errorf("demo course %s: %w", key, err)
	}
	w.course[key] = made.Course.ID
	return nil
}

// activate is Dr. Raman making the client's course active.
func (w *world) activate(key string) error {
	if _, err := w.doors.Courses.Activate(w.ctx, w.as["rx"], w.clients[key], w.course[key], nil); err != nil {
		return fmt.Errorf("demo course %s: %w", key, err)
	}
	return nil
}

// courseSession records session n of the client's course from the course
// page, as by.
func (w *world) courseSession(a access.Actor, key string, n int, act course.SessionAction, at *time.Time) error {
	if _, err := w.doors.Courses.RecordSession(w.ctx, a, w.clients[key], w.course[key], n, act, at, nil); err != nil {
		return fmt.Errorf("demo course %s session %d (%s): %w", key, n, act, err)
	}
	return nil
}
