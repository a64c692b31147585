package course

import (
	"context"
	"strconv"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/readiness"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// GateResult is the dosing gate's answer for booking one medicine session.
type GateResult struct {
	Refusals []dosing.Refusal
	Warnings []dosing.Warning
}

// MedicineGate asks the dosing gate (KAP.md §1 Session and course) whether
// session n of a client's course may be booked at at: readiness complete,
// consent current, the course active, its spacing and session count, and
// the planned dose within the prescriber's limit; open safety alerts and a
// time past the course window are warned of. The session's own bookings
// are left out, so that moving it is checked like booking it. It is the
// one gate of every path that books, moves or rebooks a medicine session:
// the calendar, the course page and both APIs all come through
// RecordSession, which asks it. Times in its messages are the practice's.
func MedicineGate(ctx context.Context, tx *store.Tx, practiceID, clientID, courseID string, n int, at, now time.Time) (GateResult, error) {
	var res GateResult
	ms, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return res, err
	}
	c, err := Load(ctx, tx, clientID, courseID, now, ms.Course)
	if err != nil {
		return res, err
	}
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return res, err
	}
	at = at.In(zone)
	facts := dosing.GateFacts{Step: dosing.GateBook, At: at, Course: c.Course, Route: c.Route, Settings: ms}
	// The course's own spacing, set when it was planned, is the rule.
	facts.Settings.Course.MinGapHours = c.MinGapHours
	if facts.Readiness, err = readiness.Facts(ctx, tx, practiceID, clientID); err != nil {
		return res, err
	}
	for _, s := range c.Sessions {
		if s.Number == n || s.ScheduledAt == nil {
			continue
		}
		facts.Sessions = append(facts.Sessions, dosing.Session{At: s.ScheduledAt.In(zone), Status: s.Status})
	}
	d, ok := c.Dose(n)
	if !ok {
		res.Refusals = append(res.Refusals, dosing.Refusal{Rule: dosing.RuleSessionCount,
			Message: "This course has no session " + strconv.Itoa(n) + "; choose one of its planned sessions, or a prescriber can plan a touch-up."})
		return res, nil
	}
	facts.PlannedDoseMg = d.Mg
	touchUp := c.Status == dosing.CourseCompleted && d.TouchUp
	if touchUp {
		// KAP.md §1 Session and course: touch-up sessions may follow a
		// completed course months later. The prescriber planned this one
		// on the completed course, so the gate counts it as open for its
		// touch-ups: every planned session, touch-ups included, counts
		// towards the session count. Ordinary sessions of a completed
		// course are still refused.
		facts.Course.Status = dosing.CourseActive
		facts.Course.PlannedSessions = len(c.Doses)
	}
	facts.Course.StartsOn = facts.Course.StartsOn.In(zone)
	facts.Course.StoppedOn = facts.Course.StoppedOn.In(zone)
	if facts.OpenAlerts, err = alert.OpenForGate(ctx, tx, clientID, zone); err != nil {
		return res, err
	}
	ev, err := prescribing.Current(ctx, tx, clientID)
	if err != nil {
		return res, err
	}
	if l, ok := ev.Limit(c.Route); ok {
		facts.Limit = l
	}
	w, err := clinic.LatestWeight(ctx, tx, clientID, at)
	if err != nil {
		return res, err
	}
	if w != nil {
		facts.Weights = []dosing.Weight{*w}
	}
	for _, r := range dosing.Gate(facts) {
		res.Refusals = append(res.Refusals, withWho(r))
	}
	for _, w := range dosing.GateWarnings(facts) {
		// The course window bounds the course itself; a touch-up comes
		// after it by design.
		if touchUp && w.Rule == dosing.RuleOutsideCourseWindow {
			continue
		}
		res.Warnings = append(res.Warnings, w)
	}
	return res, nil
}

// withWho adds who can resolve a refusal where the rule's own sentence
// does not say.
func withWho(r dosing.Refusal) dosing.Refusal {
	switch r.Rule {
	case dosing.RuleSpacing:
		r.Message += " Choose a later time; only a prescriber can change the course's spacing."
	case dosing.RuleWeightNeeded, dosing.RuleWeightInvalid:
		r.Message += " Any clinician on the care team can record the weight on the chart."
	}
	return r
}
