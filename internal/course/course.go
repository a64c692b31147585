// Package course keeps a client's course of medicine sessions: the
// prescriber's plan (indication, route, number of sessions, window, spacing,
// a planned dose per session), its status, every dose change with who and
// why, and the sessions as booked and kept, from which a stalled course is
// flagged (KAP.md §1 Session and course). The rules themselves live in
// internal/dosing; this package stores and applies them. Every function
// runs inside a transaction that access.Service.Do has allowed; the faces
// come in through Door, which opens it.
package course

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/eligibility"
	"holdspace/internal/prescribing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Course is one course of a client with its plan, history and sessions.
type Course struct {
	ID             string       `json:"id"`
	ClientID       string       `json:"client_id"`
	IndicationCode string       `json:"indication_code"`
	IndicationText string       `json:"indication_text"`
	Route          dosing.Route `json:"route"`
	dosing.Course
	MinGapHours int       `json:"min_gap_hours"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	Doses       []Dose    `json:"doses"`
	Changes     []Change  `json:"dose_changes"`
	Sessions    []Session `json:"sessions"`
	// Stalled and StallReason come from dosing.Stalled at load time.
	Stalled     bool   `json:"stalled"`
	StallReason string `json:"stall_reason,omitempty"`
}

// Dose is the planned dose of one session; touch-ups follow completion.
type Dose struct {
	Number  int     `json:"session_number"`
	Mg      float64 `json:"planned_mg"`
	TouchUp bool    `json:"touch_up"`
}

// Change is one recorded change of a planned dose.
type Change struct {
	Number    int       `json:"session_number"`
	OldMg     float64   `json:"old_mg"`
	NewMg     float64   `json:"new_mg"`
	Reason    string    `json:"reason"`
	StaffName string    `json:"staff_name"`
	At        time.Time `json:"changed_at"`
}

// Session is one booking of a medicine session of the course.
type Session struct {
	ID          string               `json:"id"`
	Number      int                  `json:"session_number"`
	ScheduledAt *time.Time           `json:"scheduled_at,omitempty"`
	Status      dosing.SessionStatus `json:"status"`
	UpdatedAt   time.Time            `json:"updated_at"`
}

// Plan is what the prescriber enters for a new course. Doses holds the
// planned mg of sessions 1..PlannedSessions in order.
type Plan struct {
	IndicationCode  string       `json:"indication_code"`
	IndicationText  string       `json:"indication_text"`
	Route           dosing.Route `json:"route"`
	PlannedSessions int          `json:"planned_sessions"`
	WindowDays      int          `json:"window_days"`
	MinGapHours     int          `json:"min_gap_hours"`
	Doses           []float64    `json:"doses_mg"`
}

// DefaultPlan is a new course as the practice settings start it.
func DefaultPlan(s dosing.CourseSettings) Plan {
	return Plan{PlannedSessions: s.PlannedSessions, WindowDays: s.WindowDays, MinGapHours: s.MinGapHours}
}

// MaxSessions bounds a plan so a typo cannot create hundreds of rows.
const MaxSessions = 24

// DoseField names the form and API field of session n's planned dose.
func DoseField(n int) string { return "dose." + strconv.Itoa(n) }

// ErrNotFound is a course that does not exist for this client.
var ErrNotFound = clinic.ErrNotFound

// Ready checks what creating or activating a course needs: an approved
// current evaluation and a screening that does not block. Each problem is
// on the field "course" and says what is missing and who can resolve it.
func Ready(ctx context.Context, tx *store.Tx, clientID string) (*prescribing.Evaluation, clinic.Problems, error) {
	var ps clinic.Problems
	ev, err := prescribing.Current(ctx, tx, clientID)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case ev == nil:
		ps.Add("course", "No prescriber evaluation is on file: a prescriber must sign an evaluation approving medicine sessions before a course can be planned or started.")
	case !ev.Approved():
		ps.Add("course", "The current prescriber evaluation (signed %s) is %s: a course cannot be planned or started unless a new evaluation approves medicine sessions.",
			ev.SignedAt.Format("2 Jan 2006"), strings.ToLower(ev.Decision.Label()))
	}
	st, err := eligibility.Status(ctx, tx, clientID)
	if err != nil {
		return nil, nil, err
	}
	switch ok, why := st.ReadyForACourse(); {
	case st.Blocked:
		reason := "an absolute contraindication was found"
		if len(st.Pending) > 0 {
			reason = strings.Join(st.Pending, " ")
		}
		ps.Add("course", "The eligibility screening blocks a course: %s", reason)
	case !ok:
		ps.Add("course", "A course needs a current screening that is clear or whose findings a prescriber has acknowledged: %s", strings.Join(why, " "))
	}
	return ev, ps, nil
}

// checkDoses checks each planned dose against the evaluation's limit for
// the route and the latest weight; refusals go beside the dose's field,
// warnings are returned for the page.
func checkDoses(ctx context.Context, tx *store.Tx, clientID string, ev *prescribing.Evaluation, ds dosing.DoseSettings, route dosing.Route, doses map[int]float64, on time.Time, ps *clinic.Problems) ([]string, error) {
	if ev == nil {
		return nil, nil
	}
	limit, ok := ev.Limit(route)
	if !ok {
		ps.Add("route", "The current evaluation sets no maximum for %s, so no dose can be planned by that route; choose a route it allows or ask for a new evaluation.", route.Label())
		return nil, nil
	}
	w, err := clinic.LatestWeight(ctx, tx, clientID, on)
	if err != nil {
		return nil, err
	}
	var warnings []string
	for n := 1; n <= len(doses)+MaxSessions; n++ {
		mg, ok := doses[n]
		if !ok {
			continue
		}
		c := dosing.CheckPlannedDose(route, mg, limit, w, on, ds)
		for _, r := range c.Refusals {
			ps.Add(DoseField(n), "Session %d: %s", n, r.Message)
		}
		for _, wa := range c.Warnings {
			warnings = append(warnings, fmt.Sprintf("Session %d: %s", n, wa.Message))
		}
	}
	return warnings, nil
}

// Create plans a new course. now is in the practice's zone (the weight and
// dose checks go by its day). It returns clinic.Problems for what cannot be
// accepted, with the numbers in the message, and the dose warnings.
func Create(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, p Plan, by string, now time.Time) (*Course, []string, error) {
	if id == "" {
		id = store.NewID()
	}
	ev, ps, err := Ready(ctx, tx, clientID)
	if err != nil {
		return nil, nil, err
	}
	if err := oneActive(ctx, tx, clientID, id, &ps); err != nil {
		return nil, nil, err
	}
	ms, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	p.IndicationCode = clinic.NormaliseICD10(p.IndicationCode)
	p.IndicationText = strings.TrimSpace(p.IndicationText)
	if p.IndicationCode == "" {
		ps.Add("indication_code", "Give the indication's ICD-10 code, such as F33.1.")
	}
	if p.IndicationText == "" {
		ps.Add("indication_text", "Describe the indication in words.")
	}
	if !p.Route.Valid() {
		ps.Add("route", "Choose a route: IV infusion, IM injection, sublingual RDT or oral troche.")
	}
	if p.PlannedSessions < 1 || p.PlannedSessions > MaxSessions {
		ps.Add("planned_sessions", "Plan between 1 and %d medicine sessions; %d was given.", MaxSessions, p.PlannedSessions)
	}
	if p.WindowDays < 1 || p.WindowDays > 365 {
		ps.Add("window_days", "The window is a number of days from 1 to 365; %d was given.", p.WindowDays)
	}
	if p.MinGapHours < 1 || p.MinGapHours > 24*60 {
		ps.Add("min_gap_hours", "The minimum time between medicine sessions is a number of hours above 0; %d was given.", p.MinGapHours)
	}
	doses := map[int]float64{}
	if p.PlannedSessions >= 1 && p.PlannedSessions <= MaxSessions {
		for n := 1; n <= p.PlannedSessions; n++ {
			if n > len(p.Doses) || p.Doses[n-1] <= 0 {
				ps.Add(DoseField(n), "Session %d: enter the planned dose in mg.", n)
				continue
			}
			doses[n] = p.Doses[n-1]
		}
	}
	var warnings []string
	if p.Route.Valid() {
		if warnings, err = checkDoses(ctx, tx, clientID, ev, ms.Dose, p.Route, doses, now, &ps); err != nil {
			return nil, nil, err
		}
	}
	if len(ps) > 0 {
		return nil, warnings, ps
	}
	at := now.UTC()
	if err := exec(ctx, tx, `INSERT INTO course (id, practice_id, client_id, indication_code, indication_text, route, planned_sessions, window_days, min_gap_hours, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, practiceID, clientID, p.IndicationCode, p.IndicationText, string(p.Route),
		p.PlannedSessions, p.WindowDays, p.MinGapHours, string(dosing.CoursePlanned), by, at); err != nil {
		return nil, nil, err
	}
	for n := 1; n <= p.PlannedSessions; n++ {
		if err := insertDose(ctx, tx, practiceID, clientID, id, n, doses[n], false, by, at); err != nil {
			return nil, nil, err
		}
	}
	c, err := Load(ctx, tx, clientID, id, now, ms.Course)
	return c, warnings, err
}

func insertDose(ctx context.Context, tx *store.Tx, practiceID, clientID, courseID string, n int, mg float64, touchUp bool, by string, at time.Time) error {
	return exec(ctx, tx, `INSERT INTO course_dose (id, practice_id, client_id, course_id, session_number, planned_mg, touch_up, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, courseID, n, mg, touchUp, by, at)
}

// Load reads one course of the client with its doses, changes and
// sessions, and whether it has stalled as of now.
func Load(ctx context.Context, tx *store.Tx, clientID, id string, now time.Time, s dosing.CourseSettings) (*Course, error) {
	list, err := load(ctx, tx, `c.client_id = ? AND c.id = ?`, clientID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	c := &list[0]
	if err := c.fill(ctx, tx, now, s); err != nil {
		return nil, err
	}
	return c, nil
}

// List reads the client's courses, newest first, each with its details.
func List(ctx context.Context, tx *store.Tx, clientID string, now time.Time, s dosing.CourseSettings) ([]Course, error) {
	list, err := load(ctx, tx, `c.client_id = ?`, clientID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if err := list[i].fill(ctx, tx, now, s); err != nil {
			return nil, err
		}
	}
	return list, nil
}

const courseColumns = `c.id, c.client_id, c.indication_code, c.indication_text, c.route, c.planned_sessions, c.window_days, c.min_gap_hours,
	c.status, c.starts_on, c.completed_at, c.stopped_on, c.stop_reason, COALESCE((SELECT full_name FROM staff WHERE id = c.created_by), ''), c.created_at`

func load(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Course, error) {
	rows, err := tx.Query(ctx, `SELECT `+courseColumns+` FROM course c WHERE `+where+` ORDER BY c.created_at DESC, c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scan(row interface{ Scan(...any) error }, extra ...any) (Course, error) {
	var c Course
	var route, status string
	var starts, completed, stopped *time.Time
	err := row.Scan(append([]any{&c.ID, &c.ClientID, &c.IndicationCode, &c.IndicationText, &route, &c.PlannedSessions, &c.WindowDays, &c.MinGapHours,
		&status, &starts, &completed, &stopped, &c.StopReason, &c.CreatedBy, &c.CreatedAt}, extra...)...)
	c.Route, c.Status = dosing.Route(route), dosing.CourseStatus(status)
	for _, p := range []struct {
		from *time.Time
		to   *time.Time
	}{{starts, &c.StartsOn}, {completed, &c.CompletedAt}, {stopped, &c.StoppedOn}} {
		if p.from != nil {
			*p.to = *p.from
		}
	}
	return c, err
}

// fill reads the course's doses, changes and sessions and the stall flag.
func (c *Course) fill(ctx context.Context, tx *store.Tx, now time.Time, s dosing.CourseSettings) error {
	doses, err := store.All(ctx, tx, func(r store.Scanner) (d Dose, err error) {
		err = r.Scan(&d.Number, &d.Mg, &d.TouchUp)
		return d, err
	}, `SELECT session_number, planned_mg, touch_up FROM course_dose WHERE course_id = ? ORDER BY session_number`, c.ID)
	if err != nil {
		return err
	}
	c.Doses = append(c.Doses, doses...)
	changes, err := store.All(ctx, tx, func(r store.Scanner) (ch Change, err error) {
		err = r.Scan(&ch.Number, &ch.OldMg, &ch.NewMg, &ch.Reason, &ch.StaffName, &ch.At)
		return ch, err
	}, `SELECT session_number, old_mg, new_mg, reason, COALESCE((SELECT full_name FROM staff WHERE id = staff_id), ''), changed_at
		FROM dose_change WHERE course_id = ? ORDER BY changed_at, id`, c.ID)
	if err != nil {
		return err
	}
	c.Changes = append(c.Changes, changes...)
	if c.Sessions, err = sessions(ctx, tx, c.ID); err != nil {
		return err
	}
	c.stall(now, s)
	return nil
}

func (c *Course) stall(now time.Time, s dosing.CourseSettings) {
	var list []dosing.Session
	for _, ss := range c.Sessions {
		if ss.ScheduledAt != nil {
			list = append(list, dosing.Session{At: ss.ScheduledAt.In(now.Location()), Status: ss.Status})
		}
	}
	s.MinGapHours = c.MinGapHours
	// The reason's dates read in now's zone, the zone of whoever reads it.
	k := c.Course
	k.StartsOn = k.StartsOn.In(now.Location())
	c.Stalled, c.StallReason = dosing.Stalled(k, list, now, s)
}

func sessions(ctx context.Context, tx *store.Tx, courseID string) ([]Session, error) {
	rows, err := tx.Query(ctx, `SELECT id, session_number, scheduled_at, status, updated_at FROM course_session
		WHERE course_id = ? ORDER BY session_number, created_at, id`, courseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ss Session
		var st string
		if err := rows.Scan(&ss.ID, &ss.Number, &ss.ScheduledAt, &st, &ss.UpdatedAt); err != nil {
			return nil, err
		}
		ss.Status = dosing.SessionStatus(st)
		out = append(out, ss)
	}
	return out, rows.Err()
}

// Dose returns the planned dose of session n.
func (c *Course) Dose(n int) (Dose, bool) {
	for _, d := range c.Doses {
		if d.Number == n {
			return d, true
		}
	}
	return Dose{}, false
}

// Held counts the sessions recorded as held.
func (c *Course) Held() int {
	n := 0
	for _, s := range c.Sessions {
		if s.Status == dosing.SessionHeld {
			n++
		}
	}
	return n
}

// latest is the newest booking of session n, nil when none.
func (c *Course) latest(n int) *Session {
	var out *Session
	for i := range c.Sessions {
		if c.Sessions[i].Number == n {
			out = &c.Sessions[i]
		}
	}
	return out
}

func mg(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

var errStatus = errors.New("course: status changed concurrently")

// setStatus writes a status change decided by the dosing rules.
func setStatus(ctx context.Context, tx *store.Tx, c *Course, from dosing.CourseStatus, by string) error {
	var starts, completed, stopped any
	if !c.StartsOn.IsZero() {
		starts = c.StartsOn.UTC()
	}
	if !c.CompletedAt.IsZero() {
		completed = c.CompletedAt.UTC()
	}
	if !c.StoppedOn.IsZero() {
		stopped = c.StoppedOn.UTC()
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM course WHERE id = ? AND status = ?`, c.ID, string(from)).Scan(&n)
	if err != nil {
		return err
	}
	if n != 1 {
		return errStatus
	}
	return exec(ctx, tx, `UPDATE course SET status = ?, starts_on = ?, completed_at = ?, stopped_on = ?, stop_reason = ?, status_by = ? WHERE id = ?`,
		string(c.Status), starts, completed, stopped, c.StopReason, by, c.ID)
}

func refusals(field string, rs []dosing.Refusal) clinic.Problems {
	var ps clinic.Problems
	for _, r := range rs {
		ps.Add(field, "%s", r.Message)
	}
	return ps
}

func exec(ctx context.Context, tx *store.Tx, q string, args ...any) error {
	_, err := tx.Exec(ctx, q, args...)
	return err
}
