package dosing

import (
	"fmt"
	"strings"
	"time"
)

// GateStep is what is being asked for: booking a medicine session, or starting it (giving the
// first dose). Starting asks for everything booking does, plus the day's checks.
type GateStep string

// Gate steps.
const (
	GateBook  GateStep = "book"
	GateStart GateStep = "start"
)

// GateFacts is everything the dosing gate looks at.
type GateFacts struct {
	Step GateStep `json:"step"`
	// At is the session's time when booking, and the time of starting when starting.
	At        time.Time      `json:"at"`
	Readiness ReadinessFacts `json:"readiness"`
	// ConsentExpiresAt is when the treatment consent lapses; zero when it does not.
	ConsentExpiresAt time.Time `json:"consent_expires_at,omitzero"`
	Course           Course    `json:"course"`
	// Sessions are the course's other medicine sessions, without the one being booked or
	// started.
	Sessions      []Session `json:"sessions,omitempty"`
	Route         Route     `json:"route"`
	PlannedDoseMg float64   `json:"planned_dose_mg"`
	Limit         Limit     `json:"limit"`
	Weights       []Weight  `json:"weights,omitempty"`
	Settings      Settings  `json:"settings"`

	// OpenAlerts are the client's safety alerts that no clinician has
	// acknowledged yet.
	OpenAlerts []OpenAlert `json:"open_alerts,omitempty"`

	// Starting only.
	Checklist      PreDoseChecklist `json:"checklist"`
	PreDoseReading *Reading         `json:"pre_dose_reading,omitempty"`
	HoldOverride   *Override        `json:"hold_override,omitempty"`
	// ClientHold is the prescriber's pre-dose hold for this client, nil when none; the
	// stricter of it and Settings.Hold applies.
	ClientHold *HoldThreshold `json:"client_hold,omitempty"`
}

// OpenAlert is a safety alert of the client's that is raised or escalated and not yet
// acknowledged.
type OpenAlert struct {
	ID       string    `json:"id"`
	Severity string    `json:"severity"`
	RaisedAt time.Time `json:"raised_at"`
}

// openAlerts refuses the start of a medicine session while a safety alert is open: a client
// who has just reported thoughts of self-harm is seen by a clinician, who acknowledges the
// alert with the action taken, before medicine is given (KAP.md §1 Adverse effects: mood and
// suicidal thoughts may worsen for up to two weeks after a session).
func openAlerts(f GateFacts) []Refusal {
	var out []Refusal
	for _, a := range f.OpenAlerts {
		out = append(out, refuse(RuleOpenSafetyAlert, "A %s safety alert raised %s is open. A clinician must acknowledge it, with the action taken, before the medicine session starts.",
			a.Severity, when(a.RaisedAt)))
	}
	return out
}

// Gate lists every reason a medicine session cannot be booked or started; none means it can.
// It does not stop at the first: the team sees the whole list and who can clear each item.
func Gate(f GateFacts) []Refusal {
	if f.Step != GateBook && f.Step != GateStart {
		return []Refusal{refuse(RuleGateStep, "Unknown step %q: the gate checks booking (book) or starting (start) a medicine session.", string(f.Step))}
	}
	var out []Refusal
	for _, it := range Readiness(f.Readiness).Missing() {
		out = append(out, Refusal{Rule: Rule(it.ID), Message: it.Missing + " Who can complete it: " + roles(it.Who) + "."})
	}
	if !f.ConsentExpiresAt.IsZero() && !f.At.Before(f.ConsentExpiresAt) {
		out = append(out, refuse(RuleConsentExpires, "Consent lapses on %s, by the session at %s; the client must renew it first.", when(f.ConsentExpiresAt), when(f.At)))
	}
	out = append(out, courseOpen(f.Course)...)

	var held []time.Time
	booked := 0
	spacingAgainst := []time.Time{}
	for _, s := range f.Sessions {
		switch s.Status {
		case SessionHeld:
			held = append(held, s.At)
			spacingAgainst = append(spacingAgainst, s.At)
		case SessionBooked:
			booked++
			// A booking must leave room around other bookings; a start only needs distance
			// from medicine already given.
			if f.Step == GateBook {
				spacingAgainst = append(spacingAgainst, s.At)
			}
		}
	}
	out = append(out, CheckSpacing(spacingAgainst, f.At, f.Settings.Course.MinGap())...)
	if f.Step == GateStart {
		booked = 0 // the session being started was booked; other bookings are not given yet
	}
	if f.Course.PlannedSessions > 0 {
		out = append(out, CheckSessionCount(f.Course.PlannedSessions, len(held), booked)...)
	}
	out = append(out, CheckPlannedDose(f.Route, f.PlannedDoseMg, f.Limit, LatestWeight(f.Weights, f.At), f.At, f.Settings.Dose).Refusals...)

	if f.Step == GateStart {
		out = append(out, openAlerts(f)...)
		out = append(out, CheckChecklist(f.Checklist, f.Settings.Checklist, f.At)...)
		out = append(out, preDoseBloodPressure(f)...)
	}
	return out
}

// GateWarnings lists what the team should see but that does not block: a stale weight, a
// booking past the course window, a hold overridden.
func GateWarnings(f GateFacts) []Warning {
	var out []Warning
	out = append(out, CheckPlannedDose(f.Route, f.PlannedDoseMg, f.Limit, LatestWeight(f.Weights, f.At), f.At, f.Settings.Dose).Warnings...)
	var first time.Time
	for _, s := range f.Sessions {
		if s.Status == SessionHeld && (first.IsZero() || s.At.Before(first)) {
			first = s.At
		}
	}
	if !first.IsZero() && f.Course.WindowDays > 0 {
		end := first.Add(time.Duration(f.Course.WindowDays) * 24 * time.Hour)
		if f.At.After(end) {
			out = append(out, warn(RuleOutsideCourseWindow, "The session at %s is after the %d-day course window closed on %s.", when(f.At), f.Course.WindowDays, when(end)))
		}
	}
	if f.Step == GateBook {
		// A booking may stand while an alert is worked on; the start waits for it.
		for _, r := range openAlerts(f) {
			out = append(out, Warning{Rule: r.Rule, Message: strings.Replace(r.Message, "before the medicine session starts", "before this medicine session can start", 1)})
		}
	}
	if f.Step == GateStart && f.PreDoseReading != nil && f.HoldOverride != nil {
		if held, _ := ClientPreDoseHold(*f.PreDoseReading, f.Settings.Hold, f.ClientHold); held && len(f.HoldOverride.Check()) == 0 {
			out = append(out, warn(RulePreDoseHold, "Pre-dose hold overridden by %s at %s: %s", f.HoldOverride.By, clock(f.HoldOverride.At), f.HoldOverride.Reason))
		}
	}
	return out
}

func courseOpen(c Course) []Refusal {
	var out []Refusal
	switch c.Status {
	case CourseActive:
		// Only an active course's own numbers matter here; any other status is refused whole.
		out = append(out, c.Check()...)
	case CoursePlanned:
		out = append(out, refuse(RuleCourseNotActive, "The course is still planned; a prescriber must make it active before medicine sessions."))
	case CourseCompleted:
		out = append(out, refuse(RuleCourseNotActive, "The course is completed; a new course (or a touch-up course) is needed for another medicine session."))
	case CourseStopped:
		reason := c.StopReason
		if reason == "" {
			reason = "no reason recorded"
		}
		out = append(out, refuse(RuleCourseNotActive, "The course was stopped on %s (%s); a new course is needed for another medicine session.", day(c.StoppedOn), reason))
	default:
		out = append(out, refuse(RuleCourseNotActive, "The course has no known status (%q); it must be active for medicine sessions.", string(c.Status)))
	}
	return out
}

func preDoseBloodPressure(f GateFacts) []Refusal {
	r := f.PreDoseReading
	within := minutes(f.Settings.Vitals.PreDoseReadingWithinMinutes)
	if r == nil {
		return []Refusal{refuse(RulePreDoseReading, "No pre-dose blood pressure is recorded; take one before the first dose.")}
	}
	if age := f.At.Sub(r.At); age > within {
		return []Refusal{refuse(RulePreDoseReading, "The pre-dose reading is from %s, %s before starting; take a new one (the practice asks for one within %s).",
			clock(r.At), span(age), span(within))}
	}
	held, reason := ClientPreDoseHold(*r, f.Settings.Hold, f.ClientHold)
	if !held {
		return nil
	}
	if f.HoldOverride == nil {
		return []Refusal{{Rule: RulePreDoseHold, Message: reason}}
	}
	if probs := f.HoldOverride.Check(); len(probs) > 0 {
		return append([]Refusal{{Rule: RulePreDoseHold, Message: reason}}, probs...)
	}
	if f.HoldOverride.At.Before(r.At) {
		return []Refusal{{Rule: RuleOverrideStale, Message: fmt.Sprintf(
			"The prescriber's override (%s) was made before the latest pre-dose reading (%s); a prescriber must review the new reading. %s",
			clock(f.HoldOverride.At), clock(r.At), reason)}}
	}
	return nil
}

func roles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
