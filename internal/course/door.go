package course

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Door is the front door of treatment courses: the pages and the JSON API
// plan, read and change courses through it, so each change is decided,
// checked against the prescriber's limits and the practice's settings,
// and audited the same way on every face.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// in is the door's clock read in zone; a nil zone leaves it as it is.
func (d *Door) in(zone *time.Location) time.Time { return access.In(d.now(), zone) }

// practiceNow is now in the practice's zone, the day a course's dates and
// dose checks are read against.
func (d *Door) practiceNow(ctx context.Context, tx *store.Tx, practiceID string) (time.Time, error) {
	return access.PracticeNow(ctx, tx, practiceID, d.now())
}

// withClient decides action on ref, which names the client, and in the
// same transaction loads the client into *client before fn reads the rest.
func (d *Door) withClient(ctx context.Context, a access.Actor, action access.Action, ref access.Ref, client *clinic.Client, fn func(tx *store.Tx) error) error {
	return d.Access.Do(ctx, a, action, ref, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if *client, err = clinic.LoadClient(ctx, tx, a.PracticeID, ref.ClientID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// Overview lists the practice's courses, stalled ones first; status
// chooses one status, empty all. An administrator sees the whole
// practice, anyone else the clients of their care teams. Stall reasons
// read their dates in zone, the reader's.
func (d *Door) Overview(ctx context.Context, a access.Actor, status dosing.CourseStatus, zone *time.Location) ([]Summary, error) {
	f := OverviewFilter{PracticeID: a.PracticeID, Status: status}
	if !a.IsAdmin() {
		f.StaffID = a.StaffID
	}
	var out []Summary
	err := d.Access.Do(ctx, a, access.ClientList, access.Ref{Type: "course_list"}, func(tx *store.Tx, _ access.Decision) error {
		ms, err := settings.MedicineSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out, err = Overview(ctx, tx, f, d.in(zone), ms.Course)
		return err
	})
	return out, err
}

// Courses is a client with their courses.
type Courses struct {
	Client  clinic.Client
	Courses []Course
}

// List reads a client's courses, newest first, for the care team.
func (d *Door) List(ctx context.Context, a access.Actor, clientID string, zone *time.Location) (Courses, error) {
	var out Courses
	err := d.withClient(ctx, a, access.ClientRead, access.Ref{Type: "course", ID: clientID, ClientID: clientID}, &out.Client, func(tx *store.Tx) error {
		ms, err := settings.MedicineSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.Courses, err = List(ctx, tx, clientID, d.in(zone), ms.Course)
		return err
	})
	return out, err
}

// Viewed is one course with its client and the prescriber's current limit
// for the course's route, nil when there is none.
type Viewed struct {
	Client clinic.Client
	Course *Course
	Limit  *dosing.Limit
}

// View reads one course of a client for the care team.
func (d *Door) View(ctx context.Context, a access.Actor, clientID, courseID string, zone *time.Location) (Viewed, error) {
	var out Viewed
	err := d.withClient(ctx, a, access.ClientRead, access.Ref{Type: "course", ID: courseID, ClientID: clientID}, &out.Client, func(tx *store.Tx) error {
		ms, err := settings.MedicineSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		if out.Course, err = Load(ctx, tx, clientID, courseID, d.in(zone), ms.Course); err != nil {
			return err
		}
		ev, err := prescribing.Current(ctx, tx, clientID)
		if l, ok := ev.Limit(out.Course.Route); ok {
			out.Limit = &l
		}
		return err
	})
	return out, err
}

// Planning is what a prescriber plans a new course from: the client, the
// chart's diagnoses, the practice's settings, the latest weight, the
// current evaluation and what stands in the way of a course, in words.
type Planning struct {
	Client    clinic.Client
	Diagnoses []clinic.Diagnosis
	Defaults  dosing.Settings
	Weight    *dosing.Weight
	Current   *prescribing.Evaluation
	NotReady  []string
}

// Planning reads what the new-course form shows, under the prescriber's
// access (a course is planned only by a prescriber on the care team).
func (d *Door) Planning(ctx context.Context, a access.Actor, clientID string, zone *time.Location) (Planning, error) {
	var out Planning
	err := d.withClient(ctx, a, access.EvaluationWrite, access.Ref{Type: "course", ID: clientID, ClientID: clientID}, &out.Client, func(tx *store.Tx) error {
		m, err := clinic.LoadMedical(ctx, tx, clientID)
		if err != nil {
			return err
		}
		out.Diagnoses = m.Diagnoses
		if out.Defaults, err = settings.MedicineSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if out.Weight, err = clinic.LatestWeight(ctx, tx, clientID, d.in(zone)); err != nil {
			return err
		}
		ev, ps, err := Ready(ctx, tx, clientID)
		out.Current = ev
		for _, p := range ps {
			out.NotReady = append(out.NotReady, p.Message)
		}
		return err
	})
	return out, err
}

// Changed is a course as a change left it, with the dose warnings the
// change drew (also when it was refused, so the form can show them).
type Changed struct {
	Course   *Course
	Warnings []string
}

// NewPlan is a new course's plan. Indication, when it is the code of one
// of the chart's diagnoses, gives the plan that diagnosis's code and words;
// empty or "other" keeps the indication as typed.
type NewPlan struct {
	Plan
	Indication string
}

// Create plans a new course. unread is the face's refusal of a body it
// could not read, given only once access is decided.
func (d *Door) Create(ctx context.Context, a access.Actor, clientID string, in NewPlan, unread error) (Changed, error) {
	courseID := store.NewID()
	var out Changed
	err := d.Access.Do(ctx, a, access.EvaluationWrite, access.Ref{Type: "course", ID: courseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		m, err := clinic.LoadMedical(ctx, tx, clientID)
		if err != nil {
			return err
		}
		p := in.Plan
		if in.Indication != "" && in.Indication != "other" {
			for _, dx := range m.Diagnoses {
				if dx.Code == in.Indication {
					p.IndicationCode, p.IndicationText = dx.Code, dx.Description
				}
			}
		}
		now, err := d.practiceNow(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.Course, out.Warnings, err = Create(ctx, tx, a.PracticeID, clientID, courseID, p, a.StaffID, now)
		return err
	})
	return out, err
}

// change runs one change of a course under act, once the client is found
// in the practice.
func (d *Door) change(ctx context.Context, a access.Actor, act access.Action, clientID, courseID string, unread error,
	apply func(tx *store.Tx, now time.Time) (*Course, []string, error)) (Changed, error) {
	var out Changed
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "course", ID: courseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		now, err := d.practiceNow(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.Course, out.Warnings, err = apply(tx, now)
		return err
	})
	return out, err
}

// Activate makes a planned course active, so medicine sessions can be
// booked.
func (d *Door) Activate(ctx context.Context, a access.Actor, clientID, courseID string, unread error) (Changed, error) {
	return d.change(ctx, a, access.EvaluationWrite, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		c, err := Activate(ctx, tx, clientID, courseID, a.StaffID, now)
		return c, nil, err
	})
}

// Stop stops a course for reason; a missing reason is a problem of the
// field stop_reason.
func (d *Door) Stop(ctx context.Context, a access.Actor, clientID, courseID, reason string, unread error) (Changed, error) {
	return d.change(ctx, a, access.EvaluationWrite, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		c, err := Stop(ctx, tx, clientID, courseID, reason, a.StaffID, now)
		return c, nil, err
	})
}

// Complete marks an active course completed.
func (d *Door) Complete(ctx context.Context, a access.Actor, clientID, courseID string, unread error) (Changed, error) {
	return d.change(ctx, a, access.EvaluationWrite, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		c, err := Complete(ctx, tx, clientID, courseID, a.StaffID, now)
		return c, nil, err
	})
}

// ChangeDose changes the planned dose of session n, within the
// prescriber's limits, for reason.
func (d *Door) ChangeDose(ctx context.Context, a access.Actor, clientID, courseID string, n int, mg float64, reason string, unread error) (Changed, error) {
	return d.change(ctx, a, access.EvaluationWrite, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		return ChangeDose(ctx, tx, a.PracticeID, clientID, courseID, n, mg, reason, a.StaffID, now)
	})
}

// AddTouchUp plans a touch-up session of a completed course; a dose that
// is refused is a problem of the field touch_up_mg.
func (d *Door) AddTouchUp(ctx context.Context, a access.Actor, clientID, courseID string, mg float64, unread error) (Changed, error) {
	return d.change(ctx, a, access.EvaluationWrite, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		return AddTouchUp(ctx, tx, a.PracticeID, clientID, courseID, mg, a.StaffID, now)
	})
}

// RecordSession books, reschedules or marks session n of a course, by the
// care team, through the one booking gate.
func (d *Door) RecordSession(ctx context.Context, a access.Actor, clientID, courseID string, n int, act SessionAction, at *time.Time, unread error) (Changed, error) {
	return d.change(ctx, a, access.ClientUpdate, clientID, courseID, unread, func(tx *store.Tx, now time.Time) (*Course, []string, error) {
		c, warnings, err := RecordSession(ctx, tx, a.PracticeID, clientID, courseID, n, act, at, a.StaffID, now)
		var texts []string
		for _, w := range warnings {
			texts = append(texts, w.Message)
		}
		return c, texts, err
	})
}
