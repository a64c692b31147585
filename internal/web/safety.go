package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

// routesSafety registers the pages and API of safety alerts and their
// escalation, check-ins, crisis resources and safety plans. Alerts are read
// by the care team (ClientRead) and acknowledged by a therapist or
// prescriber on it (SafetyAlertAcknowledge); the safety plan is written
// with a clinician (SafetyPlanWrite) and read by the client in the portal.
func (s *Server) routesSafety() {
	s.handle(GateStaff, "GET /alerts", s.alertsList)
	s.handle(GateStaff, "GET /alerts/{id}", func(w http.ResponseWriter, r *http.Request) { s.renderAlert(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /alerts/{id}/acknowledge", s.alertAcknowledge)
	s.handle(GateStaff, "POST /alerts/{id}/close", s.alertClose)
	s.handle(GateStaff, "GET /admin/safety-settings", func(w http.ResponseWriter, r *http.Request) { s.renderSafetySettings(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /admin/safety-settings", s.saveSafetySettings)
	s.handle(GateStaff, "GET /clients/{id}/safety-plan", func(w http.ResponseWriter, r *http.Request) { s.renderSafetyPlan(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /clients/{id}/safety-plan", s.saveSafetyPlan)
	s.handle(GateStaff, "GET /clients/{id}/check-ins", s.clientCheckIns)
	s.handle(GateClient, "GET /portal/checkins", s.portalCheckIns)
	s.handle(GateClient, "GET /portal/checkins/{id}", func(w http.ResponseWriter, r *http.Request) { s.renderPortalCheckIn(w, r, nil, http.StatusOK) })
	s.handle(GateClient, "POST /portal/checkins/{id}", s.submitPortalCheckIn)
	s.handle(GateClient, "GET /portal/crisis", s.portalCrisis)
	s.handle(GateClient, "GET /portal/safety-plan", s.portalSafetyPlan)
}

// safetyBanners are the open alerts about the signed-in clinician's
// clients, and those escalated to them (on call, or as the practice owner),
// shown at the top of every page: one indexed query per view.
func (s *Server) safetyBanners(ctx context.Context, sess access.Session) []Banner {
	if s.access == nil {
		return nil
	}
	items, err := s.safetyDoor().Banner(ctx, sess.Actor)
	if err != nil {
		// The page still renders; the alert is also in everyone's email.
		s.log.Error("safety banner", "err", err)
		return nil
	}
	if len(items) == 0 {
		return nil
	}
	out := []Banner{{Kind: "safety", Href: "/alerts", Link: "Review alerts",
		Text: fmt.Sprintf("%d open safety %s for your clients, not yet acknowledged.", len(items), sfPlural(len(items), "alert", "alerts"))}}
	for i, it := range items {
		if i == 3 {
			break
		}
		esc := ""
		if it.Level > 0 {
			esc = fmt.Sprintf(" · escalated to level %d", it.Level)
		}
		out = append(out, Banner{Kind: "safety-item", Href: "/alerts/" + it.ID, Link: "Open",
			Text: fmt.Sprintf("%s · %s severity · raised %s%s", it.ClientName, it.Severity, it.RaisedAt.In(sfZone(sess.Zone)).Format("Mon 2 Jan 15:04"), esc)})
	}
	return out
}

func sfPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sfZone(z *time.Location) *time.Location {
	if z == nil {
		return time.UTC
	}
	return z
}

// safetyDoor is the front door of safety alerts, check-ins, safety plans and
// the safety settings, on the server's clock.
func (s *Server) safetyDoor() *alert.Door {
	return s.doors.Safety
}

type sfAlertsPage struct {
	Open, Recent []alert.Alert
	Missed       []alert.CheckIn
	All          bool
}

// alertsList shows open alerts first, then those of the last 30 days, and
// missed check-ins of the last 14 days as lower-level notices. Clinicians
// see their care team's clients and the open alerts escalated to them (on
// call); the owner and administrators see all, because escalations reach
// them.
func (s *Server) alertsList(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	l, err := s.safetyDoor().List(r.Context(), sess.Actor, alert.ListQuery{Limit: 200, Escalated: true, Missed: true})
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	d := sfAlertsPage{Open: l.Open, Recent: l.Recent, Missed: l.Missed, All: l.All}
	s.render(w, r, http.StatusOK, "safety_alerts", s.page(w, r, "Safety alerts", d))
}

type sfAlertPage struct {
	Alert    alert.Alert
	Events   []alert.Event
	Messages []alert.OnCallMessage
	View     alert.View
	Actions  []sfOption
	CanAck   bool
}

type sfOption struct{ Value, Label string }

// sfActionLabels are the acknowledgement actions in clinical words.
func sfActionLabels() []sfOption {
	var out []sfOption
	for _, a := range safety.Actions() {
		out = append(out, sfOption{string(a), sfActionLabel(a)})
	}
	return out
}

func sfActionLabel(a safety.Action) string {
	switch a {
	case safety.ActionContactedClient:
		return "Contacted the client"
	case safety.ActionSafetyPlanReviewed:
		return "Reviewed the safety plan with the client"
	case safety.ActionEmergencyServices:
		return "Called emergency services"
	case safety.ActionOther:
		return "Other (describe in the note)"
	}
	return string(a)
}

func (s *Server) renderAlert(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	v, err := s.safetyDoor().Alert(r.Context(), a, r.PathValue("id"))
	if errors.Is(err, alert.ErrNotFound) {
		s.notFoundMsg(w, r, "There is no such safety alert in your practice.")
		return
	}
	var denied *access.Denied
	if errors.As(err, &denied) && denied.Record.PracticeID == a.PracticeID && a.IsClinician() && !denied.Record.OnCareTeam {
		// The on-call clinician woken for a client outside their care
		// team is offered emergency access, which the owner is told of,
		// rather than a dead end.
		p := s.page(w, r, "Not on the care team", map[string]any{"ID": denied.Record.ClientID, "Reason": denied.Reason})
		s.render(w, r, http.StatusForbidden, "chart_denied", p)
		return
	}
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	d := sfAlertPage{Actions: sfActionLabels(), View: v.View, Alert: v.Alert, Events: v.Events, Messages: v.Messages, CanAck: v.MayAcknowledge}
	if form == nil {
		form = NewForm(nil)
	}
	p := s.page(w, r, "Safety alert · "+d.Alert.ClientName, d)
	p.Form = form
	s.render(w, r, status, "safety_alert", p)
}

// alertChange answers an acknowledgement or closure step: the form again,
// with the refusal beside noteField or the field it concerns.
func (s *Server) alertChange(w http.ResponseWriter, r *http.Request, form *Form, err error, done, noteField string) {
	if errors.Is(err, alert.ErrNotFound) {
		s.notFoundMsg(w, r, "There is no such safety alert in your practice.")
		return
	}
	if err == nil {
		s.redirect(w, r, "/alerts/"+r.PathValue("id"), "ok", done)
		return
	}
	if s.denied(w, r, err) {
		return
	}
	var se *safety.Error
	if !errors.As(err, &se) {
		s.serverError(w, r, err)
		return
	}
	switch {
	case se.Code == safety.CodeForbidden:
		s.forbidden(w, r, reasonSentence(se.Message))
		return
	case form.Get("action") == string(safety.ActionOther) && form.Get("note") == "":
		form.Fail("note", "Describe the action you took.")
	case se.Code == safety.CodeInvalid && noteField == "note" && form.Get("action") == "":
		form.Fail("action", "Choose the action you took.")
	default:
		form.Fail(noteField, reasonSentence(se.Message))
	}
	s.renderAlert(w, r, form, http.StatusUnprocessableEntity)
}

func (s *Server) alertAcknowledge(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	_, err := s.safetyDoor().Acknowledge(r.Context(), a, r.PathValue("id"),
		alert.Acknowledgement{Action: safety.Action(form.Get("action")), Note: form.Get("note")}, nil)
	s.alertChange(w, r, form, err, "The alert is acknowledged; the action you took is on record.", "note")
}

func (s *Server) alertClose(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	_, err := s.safetyDoor().Close(r.Context(), a, r.PathValue("id"), form.Get("close_note"), nil)
	s.alertChange(w, r, form, err, "The alert is closed.", "close_note")
}
