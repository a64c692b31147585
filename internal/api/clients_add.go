package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
)

// apiAddClient takes on a client directly. A client who may already be in
// the practice is a 409 naming the matches (duplicates), until the body
// says confirm_duplicate.
func (s *Server) apiAddClient(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in clinic.NewClient
	if err := Decode(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := s.doors.Clients.Add(r.Context(), a, in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	got, err := s.doors.Clients.Client(r.Context(), a, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec := apiClientRecord{got.Client, got.CareTeam}
	if rec.CareTeam == nil {
		rec.CareTeam = []clinic.CareTeamMember{}
	}
	w.Header().Set("Location", "/api/v1/clients/"+id)
	WriteJSON(w, http.StatusCreated, rec)
}
