package web

import (
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// The JSON API of safety alerts, check-ins and safety plans, under the same
// access as the pages.
func (s *Server) routesSafetyAPI() {
	s.handle(GateAPI, "GET /api/v1/alerts", s.api(s.apiAlerts))
	s.handle(GateAPI, "GET /api/v1/alerts/{id}", s.api(s.apiAlert))
	s.handle(GateAPI, "POST /api/v1/alerts/{id}/acknowledge", s.api(s.apiAcknowledgeAlert))
	s.handle(GateAPI, "POST /api/v1/alerts/{id}/close", s.api(s.apiCloseAlert))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/check-ins", s.api(s.apiCheckIns))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/check-ins/{checkInID}", s.api(s.apiSubmitCheckIn))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/safety-plan", s.api(s.apiSafetyPlan))
	s.handle(GateAPI, "PUT /api/v1/clients/{id}/safety-plan", s.api(s.apiPutSafetyPlan))
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

// safetyAPIError answers a safety refusal as apiError does, placing an
// invalid one that names no field beside the handler's field.
func (s *Server) safetyAPIError(w http.ResponseWriter, r *http.Request, a access.Actor, err error, field string) {
	if f := fault.Of(err); f != nil && f.Code == fault.Invalid && len(f.Fields) == 0 && field != "" {
		placed := *f
		placed.Fields = []fault.Field{{Name: field, Message: f.Message}}
		err = &placed
	}
	s.apiError(w, r, a, err)
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request, a access.Actor) {
	out := []safety.Alert{}
	err := s.access.Do(r.Context(), a, access.ClientList, access.Ref{Type: "safety_alert_list"}, func(tx *store.Tx, _ access.Decision) error {
		list, err := alert.List(r.Context(), tx, a.PracticeID, alert.Filter{ClientID: r.URL.Query().Get("client"), Since: s.now().AddDate(0, 0, -30), Limit: 500})
		if err != nil {
			return err
		}
		mine, err := clinic.CareTeamClients(r.Context(), tx, a.StaffID)
		for _, al := range list {
			if a.IsAdmin() || mine[al.ClientID] {
				out = append(out, al.Alert)
			}
		}
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

func (s *Server) apiAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	clientID, err := s.alertClient(r, a.PracticeID, id)
	if err != nil {
		s.safetyAPIError(w, r, a, err, "")
		return
	}
	var rec sfAPIAlertRecord
	err = s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "safety_alert", ID: id, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		al, evs, err := alert.Get(r.Context(), tx, a.PracticeID, id)
		rec.Alert = al.Alert
		for _, e := range evs {
			rec.Events = append(rec.Events, sfAPIAlertEvent{Kind: e.Kind, At: e.At, By: e.By, Level: e.Level, Due: e.Due,
				Recipient: e.Recipient, Audience: e.Audience, Action: e.Action, Note: e.Note})
		}
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, "")
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

type sfAPIAckInput struct {
	Action safety.Action `json:"action"`
	Note   string        `json:"note"`
}

func (s *Server) apiAcknowledgeAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in sfAPIAckInput
	s.apiAlertStep(w, r, a, &in, func() string {
		if in.Action == safety.ActionOther {
			return "note"
		}
		return "action"
	}, func(tx *store.Tx, id string) (alert.Alert, error) {
		return alert.Acknowledge(r.Context(), tx, a.PracticeID, id, a.StaffID, in.Action, in.Note, s.now())
	})
}

type sfAPICloseInput struct {
	Note string `json:"note"`
}

// apiCloseAlert closes an acknowledged alert once the care team is done
// with it, under the same rule as acknowledging.
func (s *Server) apiCloseAlert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in sfAPICloseInput
	s.apiAlertStep(w, r, a, &in, func() string { return "note" }, func(tx *store.Tx, id string) (alert.Alert, error) {
		return alert.Close(r.Context(), tx, a.PracticeID, id, a.StaffID, in.Note, s.now())
	})
}

// apiAlertStep records one clinician's step on an alert (acknowledge,
// close): the body decoded into in, the step decided as
// SafetyAlertAcknowledge for the alert's client and done in the same
// transaction; a refusal names field().
func (s *Server) apiAlertStep(w http.ResponseWriter, r *http.Request, a access.Actor, in any, field func() string, step func(tx *store.Tx, id string) (alert.Alert, error)) {
	id := r.PathValue("id")
	clientID, err := s.alertClient(r, a.PracticeID, id)
	if err != nil {
		s.safetyAPIError(w, r, a, err, "")
		return
	}
	bad := decodeJSON(r, in)
	var out alert.Alert
	err = s.access.Do(r.Context(), a, access.SafetyAlertAcknowledge, access.Ref{Type: "safety_alert", ID: id, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		var err error
		out, err = step(tx, id)
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, field())
		return
	}
	writeJSON(w, http.StatusOK, out.Alert)
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
	id := r.PathValue("id")
	out := []sfAPICheckInJSON{}
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "check_in", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		list, err := alert.CheckIns(r.Context(), tx, a.PracticeID, id)
		for _, k := range list {
			out = append(out, sfAPICheckIn(k))
		}
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"check_ins": out})
}

// apiSubmitCheckIn records a check-in a clinician took from the client (a
// phone call, say); a yes to self-harm raises an alert as in the portal.
func (s *Server) apiSubmitCheckIn(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, checkInID := r.PathValue("id"), r.PathValue("checkInID")
	var in alert.Answers
	bad := decodeJSON(r, &in)
	var out alert.CheckIn
	err := s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "check_in", ID: checkInID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		out, _, err = alert.Submit(s.baseCtx(r), tx, a.PracticeID, id, checkInID, in, s.now())
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, "answers")
		return
	}
	writeJSON(w, http.StatusOK, sfAPICheckIn(out))
}

func (s *Server) apiSafetyPlan(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var v alert.PlanVersion
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "safety_plan", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		v, err = alert.Plan(r.Context(), tx, a.PracticeID, id, 0)
		if errors.Is(err, alert.ErrNotFound) {
			// No plan yet is not an error: version 0, every step empty.
			v.ClientID, v.Plan, err = id, safety.SafetyPlan{}.Tidy(), nil
		}
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, "")
		return
	}
	writeJSON(w, http.StatusOK, v.PlanVersion)
}

func (s *Server) apiPutSafetyPlan(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var in safety.SafetyPlan
	bad := decodeJSON(r, &in)
	var v alert.PlanVersion
	err := s.access.Do(r.Context(), a, access.SafetyPlanWrite, access.Ref{Type: "safety_plan", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		v, err = alert.SavePlan(r.Context(), tx, a.PracticeID, id, in, a.StaffID, s.now())
		return err
	})
	if err != nil {
		s.safetyAPIError(w, r, a, err, "plan")
		return
	}
	writeJSON(w, http.StatusOK, v.PlanVersion)
}
