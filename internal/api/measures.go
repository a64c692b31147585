package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/measure"
)

// The JSON API of questionnaires: instrument definitions (not client data:
// any valid token reads them), and a client's schedule and responses under
// the same access as the pages.
func (s *Server) routesMeasuresAPI() {
	s.handle("GET /api/v1/instruments", s.api(s.apiInstruments))
	s.handle("GET /api/v1/instruments/{code}", s.api(s.apiInstrument))
	s.handle("GET /api/v1/clients/{id}/measures", s.api(s.apiMeasureSchedule))
	s.handle("GET /api/v1/clients/{id}/responses", s.api(s.apiResponses))
	s.handle("POST /api/v1/clients/{id}/responses", s.api(s.apiSubmitResponse))
	s.handle("GET /api/v1/clients/{id}/responses/{responseID}", s.api(s.apiResponse))
}

func (s *Server) apiInstruments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	cat := s.doors.Instruments()
	WriteJSON(w, http.StatusOK, map[string]any{"instruments": cat.All()})
}

func (s *Server) apiInstrument(w http.ResponseWriter, r *http.Request, a access.Actor) {
	cat := s.doors.Instruments()
	def, ok := cat.Get(r.PathValue("code"))
	if !ok {
		s.Error(w, r, fault.New(fault.NotFound, "There is no instrument with this code; GET /api/v1/instruments lists them."))
		return
	}
	WriteJSON(w, http.StatusOK, def)
}

func (s *Server) apiMeasureSchedule(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	list, err := s.doors.Measures.Schedule(r.Context(), a, id)
	if err != nil {
		s.Error(w, r, err)
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
	WriteJSON(w, http.StatusOK, map[string]any{"courses": out})
}

func (s *Server) apiResponses(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	list, err := s.doors.Measures.Responses(r.Context(), a, id)
	replyList(s, w, r, err, "responses", list)
}

func (s *Server) apiResponse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, rid := r.PathValue("id"), r.PathValue("responseID")
	resp, err := s.doors.Measures.Response(r.Context(), a, id, rid)
	s.reply(w, r, err, http.StatusOK, resp)
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
	bad := Decode(r, &in)
	done, err := s.doors.Measures.Administer(r.Context(), a, id, measure.Slot{CourseID: in.CourseID, Instrument: in.Instrument, Occasion: in.Occasion}, in.Answers, bad)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := apiSubmitted{Response: done.Response, SafetyAlertID: done.AlertID}
	WriteJSON(w, http.StatusCreated, out)
}
