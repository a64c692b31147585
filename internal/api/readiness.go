package api

import (
	"net/http"

	"holdspace/internal/access"
)

func (s *Server) routesReadinessAPI() {
	s.handle("GET /api/v1/clients/{id}/readiness", s.api(s.apiReadiness))
	s.handle("GET /api/v1/clients/{id}/intentions", s.api(s.apiIntentions))
	s.handle("POST /api/v1/clients/{id}/preparation-sessions", s.api(s.apiRecordPreparation))
}

func (s *Server) apiReadiness(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	items, err := s.doors.Readiness.Items(r.Context(), a, id)
	s.reply(w, r, err, http.StatusOK, map[string]any{"ready": items.Ready(), "items": items})
}

func (s *Server) apiIntentions(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	list, err := s.doors.Readiness.Intentions(r.Context(), a, id)
	replyList(s, w, r, err, "intentions", list)
}

func (s *Server) apiRecordPreparation(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var body struct {
		HeldOn string `json:"held_on"`
		Note   string `json:"note"`
	}
	if err := Decode(r, &body); err != nil {
		s.Error(w, r, err)
		return
	}
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	err = s.doors.Readiness.RecordSession(r.Context(), a, r.PathValue("id"), zone, body.HeldOn, body.Note)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}
