package course

import (
	"context"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Activate opens a planned course for medicine sessions. Like creating, it
// needs an approved current evaluation and an unblocked screening, and the
// planned doses must still be within the current evaluation's limit (a new
// evaluation may have lowered it).
func Activate(ctx context.Context, tx *store.Tx, clientID, id, by string, now time.Time) (*Course, error) {
	c, ms, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, err
	}
	ev, ps, err := Ready(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	if err := oneActive(ctx, tx, clientID, id, &ps); err != nil {
		return nil, err
	}
	doses := map[int]float64{}
	for _, d := range c.Doses {
		doses[d.Number] = d.Mg
	}
	if _, err := checkDoses(ctx, tx, clientID, ev, ms.Dose, c.Route, doses, now, &ps); err != nil {
		return nil, err
	}
	next, rs := c.Course.Activate(now.UTC())
	ps = append(ps, refusals("course", rs)...)
	if len(ps) > 0 {
		return nil, ps
	}
	from := c.Status
	c.Course = next
	return c, setStatus(ctx, tx, c, from, by)
}

// Stop ends a course early, with the reason.
func Stop(ctx context.Context, tx *store.Tx, clientID, id, reason, by string, now time.Time) (*Course, error) {
	c, _, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, err
	}
	next, rs := c.Course.Stop(now.UTC(), reason)
	if len(rs) > 0 {
		field := "course"
		if strings.TrimSpace(reason) == "" {
			field = "stop_reason"
		}
		return nil, refusals(field, rs)
	}
	from := c.Status
	c.Course = next
	return c, setStatus(ctx, tx, c, from, by)
}

// Complete closes an active course: the prescriber judges the induction
// done (it may end before every planned session is held).
func Complete(ctx context.Context, tx *store.Tx, clientID, id, by string, now time.Time) (*Course, error) {
	c, _, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, err
	}
	if c.Status != dosing.CourseActive {
		var ps clinic.Problems
		ps.Add("course", "Only an active course can be completed; this course is %s.", c.Status)
		return nil, ps
	}
	c.Status, c.CompletedAt = dosing.CourseCompleted, now.UTC()
	return c, setStatus(ctx, tx, c, dosing.CourseActive, by)
}

// ChangeDose changes the planned dose of session n, checked against the
// current evaluation's limit, and records the change with who and why. A
// held session's dose is history and cannot change.
func ChangeDose(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, n int, newMg float64, reason, by string, now time.Time) (*Course, []string, error) {
	c, ms, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, nil, err
	}
	var ps clinic.Problems
	reason = strings.TrimSpace(reason)
	if reason == "" {
		ps.Add("reason", "Write why the dose changes; the reason is kept with the change.")
	}
	old, ok := c.Dose(n)
	switch {
	case !ok:
		ps.Add("session_number", "This course has no session %d; choose one of its planned sessions.", n)
	case c.Status == dosing.CourseStopped:
		ps.Add("course", "The course is stopped; its doses can no longer change.")
	case c.latest(n) != nil && c.latest(n).Status == dosing.SessionHeld:
		ps.Add("session_number", "Session %d is already held; its dose is on record and cannot change.", n)
	case old.Mg == newMg:
		ps.Add("new_mg", "Session %d is already planned at %s mg.", n, mg(newMg))
	}
	if newMg <= 0 {
		ps.Add("new_mg", "Enter the new planned dose in mg, a number above 0.")
	}
	var warnings []string
	if ok && newMg > 0 {
		ev, rp, err := Ready(ctx, tx, clientID)
		if err != nil {
			return nil, nil, err
		}
		// Only a missing evaluation stops a change; a blocked screening
		// is for activation and booking to refuse.
		if ev == nil || !ev.Approved() {
			ps = append(ps, rp[0])
		}
		var dp clinic.Problems
		if warnings, err = checkDoses(ctx, tx, clientID, ev, ms.Dose, c.Route, map[int]float64{n: newMg}, now, &dp); err != nil {
			return nil, nil, err
		}
		for _, p := range dp {
			p.Field = "new_mg"
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, warnings, ps
	}
	at := now.UTC()
	if err := exec(ctx, tx, `INSERT INTO dose_change (id, practice_id, client_id, course_id, session_number, old_mg, new_mg, reason, staff_id, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, id, n, old.Mg, newMg, reason, by, at); err != nil {
		return nil, nil, err
	}
	if err := exec(ctx, tx, `UPDATE course_dose SET planned_mg = ? WHERE course_id = ? AND session_number = ?`, newMg, id, n); err != nil {
		return nil, nil, err
	}
	c, err = Load(ctx, tx, clientID, id, now, ms.Course)
	return c, warnings, err
}

// AddTouchUp plans one touch-up session after a completed course, with its
// dose checked against the current evaluation like any planned dose.
func AddTouchUp(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, doseMg float64, by string, now time.Time) (*Course, []string, error) {
	c, ms, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, nil, err
	}
	ev, ps, err := Ready(ctx, tx, clientID)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != dosing.CourseCompleted {
		ps.Add("course", "Touch-up sessions follow a completed course; this course is %s.", c.Status)
	}
	n := len(c.Doses) + 1
	if doseMg <= 0 {
		ps.Add("touch_up_mg", "Enter the touch-up session's planned dose in mg, a number above 0.")
	}
	var warnings []string
	if doseMg > 0 {
		var dp clinic.Problems
		if warnings, err = checkDoses(ctx, tx, clientID, ev, ms.Dose, c.Route, map[int]float64{n: doseMg}, now, &dp); err != nil {
			return nil, nil, err
		}
		for _, p := range dp {
			p.Field = "touch_up_mg"
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, warnings, ps
	}
	if err := insertDose(ctx, tx, practiceID, clientID, id, n, doseMg, true, by, now.UTC()); err != nil {
		return nil, nil, err
	}
	c, err = Load(ctx, tx, clientID, id, now, ms.Course)
	return c, warnings, err
}

// SessionAction is what staff record about a session from the course page.
type SessionAction string

// Session actions: book (or move) a time, or say how it went.
const (
	Book          SessionAction = "book"
	MarkHeld      SessionAction = "held"
	MarkMissed    SessionAction = "missed"
	MarkCancelled SessionAction = "cancelled"
)

// RecordSession books session n at a time, or marks its current booking
// held, missed or cancelled. A missed or cancelled booking stays on record
// and booking again adds a new one. Booking asks MedicineGate, the dosing
// gate every booking path shares, and returns its warnings.
func RecordSession(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, n int, act SessionAction, at *time.Time, by string, now time.Time) (*Course, []dosing.Warning, error) {
	c, ms, err := loadOwn(ctx, tx, clientID, id, now)
	if err != nil {
		return nil, nil, err
	}
	var warnings []dosing.Warning
	var ps clinic.Problems
	if c.Status != dosing.CourseActive && c.Status != dosing.CourseCompleted {
		ps.Add("course", "Sessions are booked and recorded on an active course (or its touch-ups); this course is %s.", c.Status)
		return nil, nil, ps
	}
	d, ok := c.Dose(n)
	if !ok {
		ps.Add("session_number", "This course has no session %d; choose one of its planned sessions.", n)
		return nil, nil, ps
	}
	if c.Status == dosing.CourseCompleted && !d.TouchUp {
		ps.Add("session_number", "The course is completed; only its touch-up sessions can be booked.")
		return nil, nil, ps
	}
	cur := c.latest(n)
	stamp := now.UTC()
	switch act {
	case Book:
		if at == nil {
			ps.Add("scheduled_at", "Give the date and time of the session.")
			return nil, nil, ps
		}
		if cur != nil && cur.Status == dosing.SessionHeld {
			ps.Add("session_number", "Session %d is already held.", n)
			return nil, nil, ps
		}
		gate, gerr := MedicineGate(ctx, tx, practiceID, clientID, id, n, *at, now)
		if gerr != nil {
			return nil, nil, gerr
		}
		for _, r := range gate.Refusals {
			ps.Add(gateField(r.Rule), "%s", r.Message)
		}
		if len(ps) > 0 {
			return nil, gate.Warnings, ps
		}
		warnings = gate.Warnings
		if cur != nil && cur.Status == dosing.SessionBooked {
			err = exec(ctx, tx, `UPDATE course_session SET scheduled_at = ?, updated_by = ?, updated_at = ? WHERE id = ?`, at.UTC(), by, stamp, cur.ID)
		} else {
			err = exec(ctx, tx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, id, n, at.UTC(), string(dosing.SessionBooked), by, stamp, stamp)
		}
	case MarkHeld, MarkMissed, MarkCancelled:
		if cur == nil || cur.Status != dosing.SessionBooked {
			ps.Add("session_number", "Session %d has no booking to mark; book it first.", n)
			return nil, nil, ps
		}
		if act == MarkHeld && cur.ScheduledAt != nil && cur.ScheduledAt.After(now) {
			ps.Add("session_number", "Session %d is booked for later; it can be marked held once its time has come.", n)
			return nil, nil, ps
		}
		err = exec(ctx, tx, `UPDATE course_session SET status = ?, updated_by = ?, updated_at = ? WHERE id = ?`, string(act), by, stamp, cur.ID)
	default:
		ps.Add("action", "Choose what to record: book, held, missed or cancelled.")
		return nil, nil, ps
	}
	if err != nil {
		return nil, nil, err
	}
	c, err = Load(ctx, tx, clientID, id, now, ms.Course)
	return c, warnings, err
}

// gateField places a gate refusal beside the course page's field it
// concerns: the time for spacing, the session for its count, and the rest
// under the gate, each by its rule.
func gateField(r dosing.Rule) string {
	switch r {
	case dosing.RuleSpacing:
		return "scheduled_at"
	case dosing.RuleSessionCount:
		return "session_number"
	}
	return "gate." + string(r)
}

// Summary is one course on the staff overview.
type Summary struct {
	Course
	ClientName string `json:"client_name"`
}

// OverviewFilter chooses the courses of the overview. StaffID limits them
// to that staff member's care-team clients; empty means the whole practice.
type OverviewFilter struct {
	PracticeID string
	StaffID    string
	Status     dosing.CourseStatus
}

// Overview lists courses of the practice with their stall flag, stalled
// ones first, for the care team to reach out.
func Overview(ctx context.Context, tx *store.Tx, f OverviewFilter, now time.Time, s dosing.CourseSettings) ([]Summary, error) {
	q := `SELECT ` + courseColumns + `, cl.legal_name, cl.preferred_name FROM course c JOIN client cl ON cl.id = c.client_id WHERE c.practice_id = ?`
	args := []any{f.PracticeID}
	if f.StaffID != "" {
		q += ` AND EXISTS (SELECT 1 FROM care_team t WHERE t.client_id = c.client_id AND t.staff_id = ?)`
		args = append(args, f.StaffID)
	}
	if f.Status != "" {
		q += ` AND c.status = ?`
		args = append(args, string(f.Status))
	}
	rows, err := tx.Query(ctx, q+` ORDER BY c.created_at DESC, c.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for rows.Next() {
		var sm Summary
		var cl clinic.Client
		c, err := scan(rows, &cl.LegalName, &cl.PreferredName)
		sm.ClientName = cl.Name()
		if err != nil {
			rows.Close()
			return nil, err
		}
		sm.Course = c
		out = append(out, sm)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var stalled, rest []Summary
	for _, sm := range out {
		if err := sm.fill(ctx, tx, now, s); err != nil {
			return nil, err
		}
		if sm.Stalled {
			stalled = append(stalled, sm)
		} else {
			rest = append(rest, sm)
		}
	}
	return append(stalled, rest...), nil
}
