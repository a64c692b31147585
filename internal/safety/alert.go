package safety

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// AlertState is where a safety alert stands. The lifecycle is
// raised → escalated (level 1, 2, …) → acknowledged → closed; escalation is
// optional and an alert may be acknowledged straight from raised.
type AlertState string

const (
	AlertRaised       AlertState = "raised"
	AlertEscalated    AlertState = "escalated"
	AlertAcknowledged AlertState = "acknowledged"
	AlertClosed       AlertState = "closed"
)

// Action is what the acknowledging clinician did.
type Action string

const (
	ActionContactedClient    Action = "contacted_client"
	ActionSafetyPlanReviewed Action = "safety_plan_reviewed"
	ActionEmergencyServices  Action = "emergency_services"
	ActionOther              Action = "other" // needs a note
)

// Actions lists the actions a clinician can record, in the order shown.
func Actions() []Action {
	return []Action{ActionContactedClient, ActionSafetyPlanReviewed, ActionEmergencyServices, ActionOther}
}

// Roles that may acknowledge and close an alert. They are the clinical roles
// of the practice's staff; a practice owner, front desk or billing role must
// hand the alert to a clinician, because acknowledging says a clinician has
// acted.
const (
	RolePrescriber = "prescriber"
	RoleTherapist  = "therapist"
	RoleNurse      = "nurse"
	RoleClinician  = "clinician"
)

// IsClinicalRole says whether role may acknowledge or close an alert.
func IsClinicalRole(role string) bool {
	return slices.Contains([]string{RolePrescriber, RoleTherapist, RoleNurse, RoleClinician},
		strings.ToLower(strings.TrimSpace(role)))
}

// SystemActor is the "who" of transitions holdspace makes on its own
// (raising and escalating).
const SystemActor = "system"

// Acknowledgement is a clinician taking an alert in hand.
type Acknowledgement struct {
	By     string    `json:"by"`
	Role   string    `json:"role"`
	Action Action    `json:"action"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

// Closure ends an acknowledged alert.
type Closure struct {
	By   string    `json:"by"`
	Role string    `json:"role"`
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// Alert is one safety alert about one client.
type Alert struct {
	ID       string     `json:"id"`
	ClientID string     `json:"client_id"`
	Trigger  Trigger    `json:"trigger"`
	State    AlertState `json:"state"`
	RaisedAt time.Time  `json:"raised_at"`
	// LastSessionAt is when the client's latest medicine session before
	// the alert was held, zero if none: within RiskWindow of it the alert
	// escalates round the clock.
	LastSessionAt time.Time `json:"last_session_at,omitzero"`
	// Level is the escalation level reached; 0 until the first escalation.
	Level           int              `json:"level"`
	EscalatedAt     time.Time        `json:"escalated_at,omitzero"`
	Acknowledgement *Acknowledgement `json:"acknowledgement,omitempty"`
	Closure         *Closure         `json:"closure,omitempty"`
}

// Open says whether the alert still waits for a clinician.
func (a Alert) Open() bool { return a.State == AlertRaised || a.State == AlertEscalated }

// EventKind names a transition.
type EventKind string

const (
	EventRaised       EventKind = "raised"
	EventEscalated    EventKind = "escalated"
	EventAcknowledged EventKind = "acknowledged"
	EventClosed       EventKind = "closed"
)

// Event is one transition to record in the alert's history and the audit
// trail: who, when, what, and whom to tell.
type Event struct {
	AlertID  string    `json:"alert_id"`
	ClientID string    `json:"client_id"`
	Kind     EventKind `json:"kind"`
	At       time.Time `json:"at"`
	// By is the actor's id, or SystemActor.
	By       string   `json:"by"`
	Role     string   `json:"role,omitempty"`
	Severity Severity `json:"severity"`
	// Level is the escalation level an escalation reached.
	Level int `json:"level,omitempty"`
	// Due is when an escalation fell due; At may be later if the worker
	// ran late.
	Due time.Time `json:"due,omitzero"`
	// Notify are the audiences to send this event to; the notify layer
	// resolves them to people for this client.
	Notify []Audience `json:"notify,omitempty"`
	// OnCall is the person AudienceOnCall stands for, when Notify has it.
	OnCall  *OnCallPerson `json:"on_call,omitempty"`
	Action  Action        `json:"action,omitempty"`
	Note    string        `json:"note,omitempty"`
	Message string        `json:"message,omitempty"`
}

// Raise opens an alert for a trigger at the given moment. The raised event
// goes out at once to s.RaiseTo whatever the hour: only the escalation clock
// keeps business hours.
func Raise(id, clientID string, t Trigger, at time.Time, s EscalationSettings) (Alert, Event) {
	a := Alert{ID: id, ClientID: clientID, Trigger: t, State: AlertRaised, RaisedAt: at}
	return a, Event{
		AlertID: id, ClientID: clientID, Kind: EventRaised, At: at, By: SystemActor,
		Severity: t.Severity, Notify: s.raiseTo(), Message: t.Message,
	}
}

// Acknowledge records that a clinician has acted on the alert. It refuses
// an alert already acknowledged or closed (conflict), a non-clinical role
// (forbidden), and a missing or unknown action, an "other" action without a
// note, a missing actor or a time before the alert was raised (invalid).
func Acknowledge(a Alert, ack Acknowledgement) (Alert, Event, error) {
	switch a.State {
	case AlertAcknowledged:
		by := ""
		if a.Acknowledgement != nil {
			by = " by " + a.Acknowledgement.By
		}
		return a, Event{}, conflict("this alert was already acknowledged" + by)
	case AlertClosed:
		return a, Event{}, conflict("this alert is closed")
	case AlertRaised, AlertEscalated:
	default:
		return a, Event{}, conflict(fmt.Sprintf("an alert in state %q cannot be acknowledged", a.State))
	}
	if !IsClinicalRole(ack.Role) {
		return a, Event{}, forbidden("only a clinician can acknowledge a safety alert")
	}
	if strings.TrimSpace(ack.By) == "" {
		return a, Event{}, invalid("say who is acknowledging the alert")
	}
	if ack.Action == "" {
		return a, Event{}, invalid("choose the action you took")
	}
	if !slices.Contains(Actions(), ack.Action) {
		return a, Event{}, invalid(fmt.Sprintf("%q is not one of the actions", ack.Action))
	}
	ack.Note = strings.TrimSpace(ack.Note)
	if ack.Action == ActionOther && ack.Note == "" {
		return a, Event{}, invalid("describe the action you took")
	}
	if ack.At.Before(a.RaisedAt) {
		return a, Event{}, invalid("the acknowledgement cannot be earlier than the alert")
	}
	a.State = AlertAcknowledged
	a.Acknowledgement = &ack
	return a, Event{
		AlertID: a.ID, ClientID: a.ClientID, Kind: EventAcknowledged, At: ack.At, By: ack.By,
		Role: ack.Role, Severity: a.Trigger.Severity, Level: a.Level, Action: ack.Action, Note: ack.Note,
	}, nil
}

// Close ends an acknowledged alert. An alert nobody has acknowledged cannot
// be closed: acknowledging is where the action taken is recorded.
func Close(a Alert, c Closure) (Alert, Event, error) {
	switch a.State {
	case AlertAcknowledged:
	case AlertClosed:
		return a, Event{}, conflict("this alert is already closed")
	default:
		return a, Event{}, conflict("acknowledge the alert, with the action taken, before closing it")
	}
	if !IsClinicalRole(c.Role) {
		return a, Event{}, forbidden("only a clinician can close a safety alert")
	}
	if strings.TrimSpace(c.By) == "" {
		return a, Event{}, invalid("say who is closing the alert")
	}
	if a.Acknowledgement != nil && c.At.Before(a.Acknowledgement.At) {
		return a, Event{}, invalid("the alert cannot close before it was acknowledged")
	}
	c.Note = strings.TrimSpace(c.Note)
	a.State = AlertClosed
	a.Closure = &c
	return a, Event{
		AlertID: a.ID, ClientID: a.ClientID, Kind: EventClosed, At: c.At, By: c.By,
		Role: c.Role, Severity: a.Trigger.Severity, Level: a.Level, Note: c.Note,
	}, nil
}
