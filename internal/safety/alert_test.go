package safety

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Alert lifecycle: raised → escalated → acknowledged by a clinician with the
// action taken → closed. A positive answer must reach a person (KAP.md §2
// last line), and what that person did is recorded.

func TestRaiseTellsTheCareTeamAtOnce(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	// Saturday night: the raised event still goes out now.
	at := local(t, ny, "2025-03-08 23:00")
	a, ev := Raise("a1", "c1", Trigger{Severity: SeverityModerate, Message: "PHQ-9 item 9 …"}, at, s)
	if a.State != AlertRaised || a.Level != 0 || !a.RaisedAt.Equal(at) || !a.Open() {
		t.Errorf("alert %+v", a)
	}
	if ev.Kind != EventRaised || !ev.At.Equal(at) || ev.By != SystemActor || ev.Message != "PHQ-9 item 9 …" ||
		!slices.Equal(ev.Notify, []Audience{AudienceCareTeam}) {
		t.Errorf("event %+v", ev)
	}
}

func TestAcknowledgeRefusals(t *testing.T) {
	raisedAt := time.Date(2025, 3, 5, 15, 0, 0, 0, time.UTC)
	at := raisedAt.Add(20 * time.Minute)
	open := Alert{ID: "a1", ClientID: "c1", State: AlertRaised, RaisedAt: raisedAt}
	escalated := open
	escalated.State, escalated.Level = AlertEscalated, 2
	acked := open
	acked.State = AlertAcknowledged
	acked.Acknowledgement = &Acknowledgement{By: "dr-a", Role: RolePrescriber, Action: ActionContactedClient, At: at}
	closed := acked
	closed.State = AlertClosed

	good := Acknowledgement{By: "dr-b", Role: RoleTherapist, Action: ActionSafetyPlanReviewed, At: at}
	with := func(change func(*Acknowledgement)) Acknowledgement {
		a := good
		change(&a)
		return a
	}
	cases := []struct {
		name  string
		alert Alert
		ack   Acknowledgement
		want  Code
	}{
		{"therapist reviewed the safety plan", open, good, ""},
		{"from escalated", escalated, good, ""},
		{"prescriber", open, with(func(a *Acknowledgement) { a.Role = RolePrescriber }), ""},
		{"nurse", open, with(func(a *Acknowledgement) { a.Role = RoleNurse }), ""},
		{"role in capitals", open, with(func(a *Acknowledgement) { a.Role = "Clinician" }), ""},
		{"emergency services", open, with(func(a *Acknowledgement) { a.Action = ActionEmergencyServices }), ""},
		{"other with a note", open, with(func(a *Acknowledgement) { a.Action, a.Note = ActionOther, "Spoke with her partner" }), ""},
		{"at the moment it was raised", open, with(func(a *Acknowledgement) { a.At = raisedAt }), ""},
		{"no action", open, with(func(a *Acknowledgement) { a.Action = "" }), CodeInvalid},
		{"unknown action", open, with(func(a *Acknowledgement) { a.Action = "seen" }), CodeInvalid},
		{"other without a note", open, with(func(a *Acknowledgement) { a.Action = ActionOther }), CodeInvalid},
		{"other with a blank note", open, with(func(a *Acknowledgement) { a.Action, a.Note = ActionOther, "  " }), CodeInvalid},
		{"practice owner is not a clinician", open, with(func(a *Acknowledgement) { a.Role = "owner" }), CodeForbidden},
		{"front desk", open, with(func(a *Acknowledgement) { a.Role = "front_desk" }), CodeForbidden},
		{"the client", open, with(func(a *Acknowledgement) { a.Role = "client" }), CodeForbidden},
		{"no role", open, with(func(a *Acknowledgement) { a.Role = "" }), CodeForbidden},
		{"no actor", open, with(func(a *Acknowledgement) { a.By = "" }), CodeInvalid},
		{"a second before it was raised", open, with(func(a *Acknowledgement) { a.At = raisedAt.Add(-time.Second) }), CodeInvalid},
		{"second acknowledgement", acked, good, CodeConflict},
		{"closed alert", closed, good, CodeConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ev, err := Acknowledge(c.alert, c.ack)
			wantCode(t, err, c.want)
			if c.want == CodeConflict && c.alert.State == AlertAcknowledged && !strings.Contains(err.Error(), "already acknowledged by dr-a") {
				t.Errorf("a second acknowledgement should say who acknowledged first: %v", err)
			}
			if c.want != "" {
				if got.State != c.alert.State || ev.Kind != "" {
					t.Errorf("a refused acknowledgement changed the alert: %+v %+v", got, ev)
				}
				return
			}
			if got.State != AlertAcknowledged || got.Acknowledgement == nil || got.Acknowledgement.Action != c.ack.Action {
				t.Errorf("alert %+v", got)
			}
			if ev.Kind != EventAcknowledged || ev.By != c.ack.By || !ev.At.Equal(c.ack.At) ||
				ev.Action != c.ack.Action || ev.Level != c.alert.Level {
				t.Errorf("event %+v", ev)
			}
		})
	}
}

func TestCloseNeedsAnAcknowledgedAlertAndAClinician(t *testing.T) {
	raisedAt := time.Date(2025, 3, 5, 15, 0, 0, 0, time.UTC)
	open := Alert{ID: "a1", ClientID: "c1", State: AlertRaised, RaisedAt: raisedAt}
	ackAt := raisedAt.Add(time.Hour)
	acked, _, err := Acknowledge(open, Acknowledgement{By: "dr-a", Role: RolePrescriber, Action: ActionContactedClient, At: ackAt})
	wantCode(t, err, "")
	closed, _, err := Close(acked, Closure{By: "dr-a", Role: RolePrescriber, At: ackAt})
	wantCode(t, err, "")

	good := Closure{By: "dr-a", Role: RolePrescriber, Note: "Seen in clinic", At: ackAt.Add(time.Hour)}
	cases := []struct {
		name  string
		alert Alert
		c     Closure
		want  Code
	}{
		{"acknowledged alert", acked, good, ""},
		{"at the acknowledgement time", acked, Closure{By: "dr-a", Role: RolePrescriber, At: ackAt}, ""},
		{"before acknowledgement", acked, Closure{By: "dr-a", Role: RolePrescriber, At: ackAt.Add(-time.Second)}, CodeInvalid},
		{"raised, not acknowledged", open, good, CodeConflict},
		{"already closed", closed, good, CodeConflict},
		{"billing role", acked, Closure{By: "b", Role: "billing", At: good.At}, CodeForbidden},
		{"no actor", acked, Closure{Role: RoleTherapist, At: good.At}, CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ev, err := Close(c.alert, c.c)
			wantCode(t, err, c.want)
			if c.want != "" {
				return
			}
			if got.State != AlertClosed || got.Open() || ev.Kind != EventClosed || ev.By != c.c.By || !ev.At.Equal(c.c.At) {
				t.Errorf("got %+v %+v", got, ev)
			}
		})
	}
}
