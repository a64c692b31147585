package sessionrecord

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/readiness"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// booking is a course session with its course, as the gate needs them.
type booking struct {
	practiceID string
	session    course.Session
	course     *course.Course
	plannedMg  float64
}

func loadBooking(ctx context.Context, tx *store.Tx, clientID, courseSessionID string, now time.Time) (*booking, error) {
	var b booking
	var courseID string
	err := tx.QueryRow(ctx, `SELECT practice_id, course_id FROM course_session WHERE id = ? AND client_id = ?`, courseSessionID, clientID).Scan(&b.practiceID, &courseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if b.course, err = course.Load(ctx, tx, clientID, courseID, now, dosing.DefaultSettings().Course); err != nil {
		return nil, err
	}
	found := false
	for _, s := range b.course.Sessions {
		if s.ID == courseSessionID {
			b.session, found = s, true
		}
	}
	if !found {
		return nil, ErrNotFound
	}
	if d, ok := b.course.Dose(b.session.Number); ok {
		b.plannedMg = d.Mg
	}
	return &b, nil
}

// medicineSettings are the practice's numbers with the course's own spacing.
func medicineSettings(ctx context.Context, tx *store.Tx, practiceID string, c *course.Course) (dosing.Settings, error) {
	s, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return s, err
	}
	if c != nil && c.MinGapHours > 0 {
		s.Course.MinGapHours = c.MinGapHours
	}
	return s, nil
}

// gateFacts assembles dosing.GateFacts for the booking at the given step and time. For the
// start step the caller adds the checklist, the pre-dose reading and any override.
func gateFacts(ctx context.Context, tx *store.Tx, clientID string, b *booking, step dosing.GateStep, at time.Time) (dosing.GateFacts, error) {
	s, err := medicineSettings(ctx, tx, b.practiceID, b.course)
	if err != nil {
		return dosing.GateFacts{}, err
	}
	f := dosing.GateFacts{Step: step, At: at, Course: b.course.Course, Route: b.course.Route, PlannedDoseMg: b.plannedMg, Settings: s}
	f.Course.StartsOn = f.Course.StartsOn.In(at.Location())
	f.Course.StoppedOn = f.Course.StoppedOn.In(at.Location())
	if f.Readiness, err = readiness.Facts(ctx, tx, b.practiceID, clientID); err != nil {
		return f, err
	}
	for _, ss := range b.course.Sessions {
		if ss.ID == b.session.ID || ss.ScheduledAt == nil {
			continue
		}
		f.Sessions = append(f.Sessions, dosing.Session{At: ss.ScheduledAt.In(at.Location()), Status: ss.Status})
	}
	var orders dosing.ClientConditions
	if f.Limit, orders, err = evaluationOrders(ctx, tx, clientID, b.course.Route); err != nil {
		return f, err
	}
	f.ClientHold = orders.Hold
	if f.OpenAlerts, err = alert.OpenForGate(ctx, tx, clientID, at.Location()); err != nil {
		return f, err
	}
	w, err := clinic.LatestWeight(ctx, tx, clientID, at)
	if err != nil {
		return f, err
	}
	if w != nil {
		f.Weights = []dosing.Weight{*w}
	}
	return f, nil
}

// startOnly are the gate's rules that belong to the first dose, not to opening the record:
// the checklist and the pre-dose reading are recorded once the record is open.
func startOnly(r dosing.Rule) bool {
	switch r {
	case dosing.RuleIdentity, dosing.RuleFastingFood, dosing.RuleFastingLiquid, dosing.RuleEscort, dosing.RuleNoDriving,
		dosing.RuleAlcoholBenzo, dosing.RuleIntention, dosing.RulePregnancy, dosing.RulePreDoseReading, dosing.RulePreDoseHold,
		dosing.RuleOverrideRole, dosing.RuleOverrideReason, dosing.RuleOverrideActor, dosing.RuleOverrideStale,
		dosing.RuleHeldSubstance, dosing.RulePreMedication:
		return true
	}
	return false
}

// gateField places a gate refusal beside a field of the page or API.
func gateField(r dosing.Rule) string {
	switch r {
	case dosing.RulePreDoseReading:
		return "reading"
	case dosing.RulePreDoseHold, dosing.RuleOverrideRole, dosing.RuleOverrideReason, dosing.RuleOverrideActor, dosing.RuleOverrideStale:
		return "hold"
	}
	if startOnly(r) {
		return "checklist." + checklistField(r)
	}
	return "gate"
}
