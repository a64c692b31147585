package api

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

// The JSON API of safety alerts, check-ins and safety plans, under the same
// access as the pages.
func (s *Server) routesSafetyAPI() {
	s.handle("GET /api/v1/alerts", s.api(s.apiAlerts))
	s.handle("GET /api/v1/alerts/{id}", s.api(s.apiAlert))
	s.handle("POST /api/v1/alerts/{id}/acknowledge", s.api(s.apiAcknowledgeAlert))
	s.handle("POST /api/v1/alerts/{id}/close", s.api(s.apiCloseAlert))
	s.handle("GET /api/v1/clients/{id}/check-ins", s.api(s.apiCheckIns))
	s.handle("POST /api/v1/clients/{id}/check-ins/{checkInID}", s.api(s.apiSubmitCheckIn))
	s.handle("GET /api/v1/clients/{id}/safety-plan", s.api(s.apiSafetyPlan))
	s.handle("PUT /api/v1/clients/{id}/safety-plan", s.api(s.apiPutSafetyPlan))
}

type sfAPIAlertEvent struct {
	Kind      string     `json:"kind"`
	At        time.Time  `json:"at"`
	By        string     `json:"by,omitempty"`
	Level     int        `json:"level,omitempty"`
	Due       *time.Time `json:"due,omitempty"`
	Recipient string     `json:"recipient,omitempty"`
	Audience  string     `json:"audience,omitempty"`
	Action    string     `json:"action,omitempty"`
	Note      string     `json:"note,omitempty"`
}

type sfAPIAlertRecord struct {
	safety.Alert
	Events []sfAPIAlertEvent `json:"events,omitempty"`
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request, a access.Actor) {
	l, err := s.doors.Safety.List(r.Context(), a, alert.ListQuery{ClientID: r.URL.Query().Get("client"), Limit: 500})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := []safety.Alert{}
	for _, al := range append(l.Open, l.Recent...) {
		out = append(out, al.Alert)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

func (s *Server) apiAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	v, err := s.doors.Safety.Alert(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec := sfAPIAlertRecord{Alert: v.Alert.Alert}
	for _, e := range v.Events {
		rec.Events = append(rec.Events, sfAPIAlertEvent{Kind: e.Kind, At: e.At, By: e.By, Level: e.Level, Due: e.Due,
			Recipient: e.Recipient, Audience: e.Audience, Action: e.Action, Note: e.Note})
	}
	WriteJSON(w, http.StatusOK, rec)
}

type sfAPIAckInput struct {
	Action safety.Action `json:"action"`
	Note   string        `json:"note"`
}

func (s *Server) apiAcknowledgeAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in sfAPIAckInput
	bad := Decode(r, &in)
	out, err := s.doors.Safety.Acknowledge(r.Context(), a, r.PathValue("id"), alert.Acknowledgement{Action: in.Action, Note: in.Note}, bad)
	s.apiAlertStep(w, r, a, out, err)
}

type sfAPICloseInput struct {
	Note string `json:"note"`
}

// apiCloseAlert closes an acknowledged alert once the care team is done
// with it, under the same rule as acknowledging.
func (s *Server) apiCloseAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in sfAPICloseInput
	bad := Decode(r, &in)
	out, err := s.doors.Safety.Close(r.Context(), a, r.PathValue("id"), in.Note, bad)
	s.apiAlertStep(w, r, a, out, err)
}

// apiAlertStep answers one clinician's step on an alert (acknowledge,
// close) with the alert as it now stands.
func (s *Server) apiAlertStep(w http.ResponseWriter, r *http.Request, a access.Actor, out alert.Alert, err error) {
	s.reply(w, r, err, http.StatusOK, out.Alert)
}

type sfAPICheckInJSON struct {
	ID          string              `json:"id"`
	Session     int                 `json:"session"`
	DaysAfter   int                 `json:"days_after"`
	DueDate     string              `json:"due_date"`
	DueBy       time.Time           `json:"due_by"`
	Mood        *int                `json:"mood"`
	Sleep       safety.SleepQuality `json:"sleep,omitempty"`
	SelfHarm    *bool               `json:"self_harm_thoughts"`
	ForCareTeam string              `json:"for_care_team,omitempty"`
	AnsweredAt  *time.Time          `json:"answered_at"`
	MissedAt    *time.Time          `json:"missed_at"`
	AlertID     string              `json:"alert_id,omitempty"`
}

func sfAPICheckIn(k alert.CheckIn) sfAPICheckInJSON {
	return sfAPICheckInJSON{ID: k.ID, Session: k.Session, DaysAfter: k.DaysAfter, DueDate: k.DueDate, DueBy: k.DueBy, Mood: k.Mood,
		Sleep: k.Sleep, SelfHarm: k.SelfHarm, ForCareTeam: k.ForCareTeam, AnsweredAt: k.AnsweredAt, MissedAt: k.MissedAt, AlertID: k.AlertID}
}

func (s *Server) apiCheckIns(w http.ResponseWriter, r *http.Request, a access.Actor) {
	c, err := s.doors.Safety.CheckIns(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := []sfAPICheckInJSON{}
	for _, k := range c.CheckIns {
		out = append(out, sfAPICheckIn(k))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"check_ins": out})
}

// apiSubmitCheckIn records a check-in a clinician took from the client (a
// phone call, say); a yes to self-harm raises an alert as in the portal.
func (s *Server) apiSubmitCheckIn(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in alert.Answers
	bad := Decode(r, &in)
	out, _, err := s.doors.Safety.SubmitCheckIn(r.Context(), a, r.PathValue("id"), r.PathValue("checkInID"), in, bad)
	s.reply(w, r, err, http.StatusOK, sfAPICheckIn(out))
}

func (s *Server) apiSafetyPlan(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.doors.Safety.Plans(r.Context(), a, r.PathValue("id"))
	s.reply(w, r, err, http.StatusOK, p.Latest().PlanVersion)
}

func (s *Server) apiPutSafetyPlan(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in safety.SafetyPlan
	bad := Decode(r, &in)
	v, err := s.doors.Safety.SavePlan(r.Context(), a, r.PathValue("id"), in, bad)
	s.reply(w, r, err, http.StatusOK, v.PlanVersion)
}
