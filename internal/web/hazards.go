package web

import (
	"net/http"

	"holdspace/docs"
	"holdspace/internal/hazard"
)

func (s *Server) routesHazards() {
	s.handle(GateStaff, "GET /hazards", s.hazards)
}

// hazards shows the clinical hazard log, so a clinician can read why a
// number is what it is and what holdspace does about each hazard.
func (s *Server) hazards(w http.ResponseWriter, r *http.Request) {
	log, err := hazard.Parse(docs.Hazards)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=300")
	s.render(w, r, http.StatusOK, "hazards", s.page(w, r, "Clinical hazard log", log))
}
