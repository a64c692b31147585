package safety

import (
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
	// AckWindowMinutes of business hours may pass after raising before the
	// first escalation.
	AckWindowMinutes int `json:"ack_window_minutes"`
	// RepeatMinutes of business hours pass between further escalations.
	RepeatMinutes int `json:"repeat_minutes"`
	// HighSeverityWindowMinutes, when above 0, replaces the business-hours
	// clock for high-severity alerts: the first escalation comes this many
	// minutes after raising and further ones every RepeatMinutes, at any
	// hour of any day. 0 keeps high-severity alerts on business hours.
	HighSeverityWindowMinutes int `json:"high_severity_window_minutes"`
	// RaiseTo hears of the alert the moment it is raised.
	RaiseTo []Audience `json:"raise_to"`
	// Levels[i] hears of escalation level i+1; levels past the end of the
	// list go to the last entry.
	Levels [][]Audience `json:"levels"`
}

// DefaultEscalationSettings: the care team hears at once; after one hour of
// business hours (Monday to Friday 09:00-17:00) unacknowledged, level 1 goes
// to the client's prescriber and the practice owner; every further hour,
// level 2 and on go to them again and to the whole care team. A high-severity
// alert escalates after 30 minutes at any hour: a positive answer that may
// mean intent or a plan should not wait for Monday (KAP.md §2: safety events
// must reach a clinician). A practice without anyone reachable out of hours
// sets HighSeverityWindowMinutes to 0.
func DefaultEscalationSettings(zone *time.Location) EscalationSettings {
	return EscalationSettings{
		Hours:                     DefaultBusinessHours(zone),
		AckWindowMinutes:          60,
		RepeatMinutes:             60,
		HighSeverityWindowMinutes: 30,
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
	if s.AckWindowMinutes <= 0 {
		return invalid("the acknowledgement window must be at least one minute")
	}
	if s.RepeatMinutes <= 0 {
		return invalid("the repeat interval must be at least one minute")
	}
	if s.HighSeverityWindowMinutes < 0 {
		return invalid("the high-severity window cannot be negative (0 turns it off)")
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
	return nil
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

// dueTimes yields the due time of level 1, 2, … in turn until yield says
// stop. Each level's clock runs from the previous level's due time, not from
// when the worker happened to send it, so the timetable is fixed at raising.
func (s EscalationSettings) dueTimes(a Alert, yield func(level int, due time.Time) bool) {
	roundTheClock := a.Trigger.Severity == SeverityHigh && s.HighSeverityWindowMinutes > 0
	due := s.Hours.AddOpenTime(a.RaisedAt, s.ackWindow())
	if roundTheClock {
		due = a.RaisedAt.Add(time.Duration(s.HighSeverityWindowMinutes) * time.Minute)
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
	return a, []Event{{
		AlertID: a.ID, ClientID: a.ClientID, Kind: EventEscalated, At: now, By: SystemActor,
		Severity: a.Trigger.Severity, Level: level, Due: due,
		Notify: s.RecipientsFor(level), Message: a.Trigger.Message,
	}}
}
