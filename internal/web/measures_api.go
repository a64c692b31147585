package web

import (
	"errors"
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// The JSON API of questionnaires: instrument definitions (not client data:
// any valid token reads them), and a client's schedule and responses under
// the same access as the pages.
func (s *Server) routesMeasuresAPI() {
	s.handle(GateAPI, "GET /api/v1/instruments", s.api(s.apiInstruments))
	s.handle(GateAPI, "GET /api/v1/instruments/{code}", s.api(s.apiInstrument))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/measures", s.api(s.apiMeasureSchedule))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/responses", s.api(s.apiResponses))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/responses", s.api(s.apiSubmitResponse))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/responses/{responseID}", s.api(s.apiResponse))
}

func (s *Server) apiInstruments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	cat := s.instruments
	writeJSON(w, http.StatusOK, map[string]any{"instruments": cat.All()})
}

func (s *Server) apiInstrument(w http.ResponseWriter, r *http.Request, a access.Actor) {
	cat := s.instruments
	def, ok := cat.Get(r.PathValue("code"))
	if !ok {
		writeProblem(w, r, http.StatusNotFound, "Not found", "There is no instrument with this code; GET /api/v1/instruments lists them.", nil)
		return
	}
	writeJSON(w, http.StatusOK, def)
}

func (s *Server) apiMeasureSchedule(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []measure.CourseSchedule
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "measure_schedule", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		list, err = measure.ClientSchedule(r.Context(), tx, a.PracticeID, id, s.now())
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	type item struct {
		Course string        `json:"course_id"`
		Status string        `json:"course_status"`
		Items  []measure.Due `json:"items"`
	}
	out := []item{}
	for _, cs := range list {
		it := item{Course: cs.Course.ID, Status: string(cs.Course.Status), Items: cs.Items}
		if it.Items == nil {
			it.Items = []measure.Due{}
		}
		out = append(out, it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"courses": out})
}

func (s *Server) apiResponses(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []measure.Response
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "measure_response", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		list, err = measure.List(r.Context(), tx, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	if list == nil {
		list = []measure.Response{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": list})
}

func (s *Server) apiResponse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, rid := r.PathValue("id"), r.PathValue("responseID")
	var resp *measure.Response
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "measure_response", ID: rid, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		resp, err = measure.Load(r.Context(), tx, id, rid)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// apiSubmission is a complete questionnaire given through the API.
type apiSubmission struct {
	CourseID   string         `json:"course_id"`
	Instrument string         `json:"instrument"`
	Occasion   string         `json:"occasion"`
	Answers    map[string]int `json:"answers"`
}

// apiSubmitted is the scored response and the safety alert it raised.
type apiSubmitted struct {
	*measure.Response
	SafetyAlertID string `json:"safety_alert_id,omitempty"`
}

// apiSubmitResponse records a questionnaire a staff member administered
// and scores it; a safety trigger raises the alert in the same
// transaction. Problems name their field: answers.ITEM for an answer.
func (s *Server) apiSubmitResponse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var in apiSubmission
	bad := decodeJSON(r, &in)
	cat := s.instruments
	var out apiSubmitted
	var held *safety.Trigger
	err := s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "measure_response", ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if in.Occasion == "" {
			in.Occasion = measure.OccasionAdHoc
		}
		resp, err := measure.Start(r.Context(), tx, cat, a.PracticeID, id, measure.Slot{CourseID: in.CourseID, Instrument: in.Instrument, Occasion: in.Occasion},
			measure.Filler{Kind: measure.FilledByStaff, StaffID: a.StaffID}, s.now())
		if err != nil {
			return err
		}
		sub, alertID, err := submitAndRaise(alert.WithBaseURL(r.Context(), s.access.BaseURL), tx, cat, a.PracticeID, id, resp.ID, in.Answers, s.now(), true)
		var nd *measure.NotDueError
		if errors.As(err, &nd) {
			held = nd.Trigger
		}
		out = apiSubmitted{Response: sub.Response, SafetyAlertID: alertID}
		return err
	})
	if held != nil {
		// The refusal rolled the response back, but a yes to intent, a plan
		// or behaviour that was sent must still reach a clinician: the alert
		// is raised on its own, on the trail as a change to the client.
		if rerr := s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "safety_alert", ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
			_, err := alert.Raise(alert.WithBaseURL(r.Context(), s.access.BaseURL), tx, a.PracticeID, id, *held, s.now())
			return err
		}); rerr != nil {
			s.apiError(w, r, a, rerr)
			return
		}
	}
	if err != nil {
		s.apiError(w, r, a, apiAnswerProblems(err))
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// apiAnswerProblems names each answer problem answers.ITEM, and the
// schedule's problems by their own field.
func apiAnswerProblems(err error) error {
	var ae *instrument.AnswerError
	var ps clinic.Problems
	switch {
	case errors.As(err, &ae):
		var out access.Problems
		for id, msg := range ae.Items {
			out = append(out, &access.Problem{Field: "answers." + id, Message: msg})
		}
		return out
	case errors.As(err, &ps):
		var out access.Problems
		for _, p := range ps {
			field := p.Field
			if field != "instrument" && field != "occasion" && field != "course_id" && field != "status" && field != "body" {
				field = "answers." + field
			}
			out = append(out, &access.Problem{Field: field, Message: p.Message})
		}
		return out
	}
	return err
}
