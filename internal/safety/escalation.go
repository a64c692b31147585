package safety

import (
	"fmt"
	"slices"
	"time"
)

// Audience is a group an alert is sent to. The notify layer resolves it to
// people for the alert's client.
type Audience string

const (
	// AudienceCareTeam is every clinician on the client's care team.
	AudienceCareTeam Audience = "care_team"
	// AudiencePrescriber is the client's prescriber.
	AudiencePrescriber Audience = "prescriber"
	// AudiencePracticeOwner is the practice's owner.
	AudiencePracticeOwner Audience = "practice_owner"
)

// EscalationSettings are a practice's rules for an alert nobody has
// acknowledged.
type EscalationSettings struct {
	Hours BusinessHours `json:"business_hours"`
	// AckWindowMinutes may pass after raising before the first escalation:
	// minutes of business hours for an alert outside the risk window, wall
	// minutes for one within it.
	AckWindowMinutes int `json:"ack_window_minutes"`
	// RepeatMinutes pass between further escalations, counted the same way.
	RepeatMinutes int `json:"repeat_minutes"`
	// HighSeverityWindowMinutes is how long a high-severity alert waits,
	// at any hour of any day, before its first escalation; further ones
	// follow every RepeatMinutes round the clock. It lies within
	// MinHighSeverityWindow..MaxHighSeverityWindow: a high-severity alert
	// never waits for business hours.
	HighSeverityWindowMinutes int `json:"high_severity_window_minutes"`
	// RaiseTo hears of the alert the moment it is raised.
	RaiseTo []Audience `json:"raise_to"`
	// Levels[i] hears of escalation level i+1; levels past the end of the
	// list go to the last entry.
	Levels [][]Audience `json:"levels"`
	// OnCall is who is reached when an alert that escalates round the
	// clock falls due outside business hours.
	OnCall OnCall `json:"on_call"`
}

// Bounds on the escalation clock. A high-severity alert is escalated within
// a quarter of an hour (the longest a practice may set); an alert on the
// clock is never left more than four hours between steps.
const (
	MinHighSeverityWindow = 1
	MaxHighSeverityWindow = 15
	MaxEscalationMinutes  = 4 * 60
)

// DefaultEscalationSettings: the care team hears at once; after one hour
// unacknowledged, level 1 goes to the client's prescriber and the practice
// owner; every further hour, level 2 and on go to them again and to the
// whole care team. The hour is of business hours (Monday to Friday
// 09:00-17:00) unless the alert escalates round the clock: a high-severity
// alert does so after 15 minutes (a positive answer that may mean intent or a
// plan cannot wait for Monday; KAP.md §2), and any alert raised in the two
// weeks after a medicine session does so after the hour (KAP.md §1). Outside
// business hours those go to the on-call clinician, whom the practice names.
func DefaultEscalationSettings(zone *time.Location) EscalationSettings {
	return EscalationSettings{
		Hours:                     DefaultBusinessHours(zone),
		AckWindowMinutes:          60,
		RepeatMinutes:             60,
		HighSeverityWindowMinutes: MaxHighSeverityWindow,
		RaiseTo:                   []Audience{AudienceCareTeam},
		Levels: [][]Audience{
			{AudiencePrescriber, AudiencePracticeOwner},
			{AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam},
		},
	}
}

// Validate refuses settings under which an alert could stall or reach
// no one.
func (s EscalationSettings) Validate() error {
	if err := s.Hours.Validate(); err != nil {
		return err
	}
	if s.AckWindowMinutes <= 0 || s.AckWindowMinutes > MaxEscalationMinutes {
		return Invalid("ack_window_minutes", fmt.Sprintf("the acknowledgement window must be between 1 and %d minutes", MaxEscalationMinutes))
	}
	if s.RepeatMinutes <= 0 || s.RepeatMinutes > MaxEscalationMinutes {
		return Invalid("repeat_minutes", fmt.Sprintf("the repeat interval must be between 1 and %d minutes", MaxEscalationMinutes))
	}
	if s.HighSeverityWindowMinutes < MinHighSeverityWindow || s.HighSeverityWindowMinutes > MaxHighSeverityWindow {
		return Invalid("high_severity_window_minutes", fmt.Sprintf("the high-severity window must be between %d and %d minutes: a high-severity alert never waits for business hours",
			MinHighSeverityWindow, MaxHighSeverityWindow))
	}
	if len(s.RaiseTo) == 0 {
		return invalid("say who hears of an alert when it is raised")
	}
	if len(s.Levels) == 0 {
		return invalid("say who hears of an escalated alert")
	}
	for _, l := range s.Levels {
		if len(l) == 0 {
			return invalid("every escalation level needs someone to tell")
		}
	}
	return s.OnCall.Validate(s.Hours)
}

// RecipientsFor returns who hears of escalation level (1-based). Levels past
// the end of the list go to the last entry; a missing or empty entry falls
// back to the default for that level, so an escalation always reaches
// someone.
func (s EscalationSettings) RecipientsFor(level int) []Audience {
	if level < 1 {
		return nil
	}
	levels := s.Levels
	if len(levels) == 0 || len(levels[min(level, len(levels))-1]) == 0 {
		levels = DefaultEscalationSettings(nil).Levels
	}
	return slices.Clone(levels[min(level, len(levels))-1])
}

// raiseTo is who hears of a new alert, falling back to the care team.
func (s EscalationSettings) raiseTo() []Audience {
	if len(s.RaiseTo) == 0 {
		return []Audience{AudienceCareTeam}
	}
	return slices.Clone(s.RaiseTo)
}

// Settings that Validate would refuse fall back to the defaults here rather
// than stall an alert.
func (s EscalationSettings) ackWindow() time.Duration {
	if s.AckWindowMinutes <= 0 {
		return time.Hour
	}
	return time.Duration(s.AckWindowMinutes) * time.Minute
}

func (s EscalationSettings) repeat() time.Duration {
	if s.RepeatMinutes <= 0 {
		return time.Hour
	}
	return time.Duration(s.RepeatMinutes) * time.Minute
}

// highWindow is the high-severity wait, kept inside its bounds even when a
// document saved before the bounds existed says 0 ("never") or more.
func (s EscalationSettings) highWindow() time.Duration {
	m := s.HighSeverityWindowMinutes
	if m < MinHighSeverityWindow || m > MaxHighSeverityWindow {
		m = MaxHighSeverityWindow
	}
	return time.Duration(m) * time.Minute
}

// RoundTheClock says whether the alert escalates at any hour: it is high
// severity, or it was raised within the risk window after a medicine
// session. Other alerts keep business hours.
func (a Alert) RoundTheClock() bool {
	return a.Trigger.Severity == SeverityHigh || InRiskWindow(a.LastSessionAt, a.RaisedAt)
}

// dueTimes yields the due time of level 1, 2, … in turn until yield says
// stop. Each level's clock runs from the previous level's due time, not from
// when the worker happened to send it, so the timetable is fixed at raising.
func (s EscalationSettings) dueTimes(a Alert, yield func(level int, due time.Time) bool) {
	roundTheClock := a.RoundTheClock()
	var due time.Time
	switch {
	case a.Trigger.Severity == SeverityHigh:
		due = a.RaisedAt.Add(min(s.highWindow(), s.ackWindow()))
	case roundTheClock:
		due = a.RaisedAt.Add(s.ackWindow())
	default:
		due = s.Hours.AddOpenTime(a.RaisedAt, s.ackWindow())
	}
	for level := 1; ; level++ {
		if !yield(level, due) {
			return
		}
		if roundTheClock {
			due = due.Add(s.repeat())
		} else {
			due = s.Hours.AddOpenTime(due, s.repeat())
		}
	}
}

// NextEscalation says when the alert next escalates and to which level.
// ok is false once the alert is acknowledged or closed.
//
// If the worker was down and several levels have fallen due by now, the
// answer is the highest of them (with its due time), so one escalation
// brings the alert to where it should be instead of a burst of messages.
func NextEscalation(a Alert, s EscalationSettings, now time.Time) (due time.Time, level int, ok bool) {
	if !a.Open() {
		return time.Time{}, 0, false
	}
	s.dueTimes(a, func(l int, d time.Time) bool {
		if l <= a.Level {
			return true
		}
		if level == 0 || !d.After(now) {
			due, level = d, l
			return !d.After(now)
		}
		return false
	})
	return due, level, true
}

// Escalate moves the alert to the level due at now, if any, and returns the
// escalation event to record and send. An escalation fires at its due time
// exactly, not a moment before. Nothing happens to an alert that is not
// open or not yet due.
func Escalate(a Alert, s EscalationSettings, now time.Time) (Alert, []Event) {
	due, level, ok := NextEscalation(a, s, now)
	if !ok || due.After(now) {
		return a, nil
	}
	a.State = AlertEscalated
	a.Level = level
	a.EscalatedAt = now
	notify, onCall := s.RecipientsAt(a, level, now)
	return a, []Event{{
		AlertID: a.ID, ClientID: a.ClientID, Kind: EventEscalated, At: now, By: SystemActor,
		Severity: a.Trigger.Severity, Level: level, Due: due,
		Notify: notify, OnCall: onCall, Message: a.Trigger.Message,
	}}
}

// RecipientsAt is who hears of escalation level at the moment at. Inside
// business hours, and for an alert that keeps business hours, it is the
// level's audiences. Outside them, an alert on the clock goes to whoever is
// on call then: level 1 to them alone, because the prescriber and owner are
// off duty, and later levels to them again and to the level's audiences, so
// that an on-call clinician who does not answer is not the end of the line.
// With nobody on call (settings saved before on-call existed) it falls back
// to the level's audiences.
func (s EscalationSettings) RecipientsAt(a Alert, level int, at time.Time) ([]Audience, *OnCallPerson) {
	usual := s.RecipientsFor(level)
	if !a.RoundTheClock() || s.Hours.IsOpen(at) {
		return usual, nil
	}
	p, ok := s.OnCall.At(at, s.Hours.Zone)
	if !ok {
		return usual, nil
	}
	if level <= 1 {
		return []Audience{AudienceOnCall}, &p
	}
	return append([]Audience{AudienceOnCall}, usual...), &p
}
