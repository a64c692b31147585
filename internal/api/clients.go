package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
)

type apiMe struct {
	StaffID    string   `json:"staff_id"`
	PracticeID string   `json:"practice_id"`
	Roles      []string `json:"roles"`
	Scopes     []string `json:"scopes"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a access.Actor) {
	me := apiMe{StaffID: a.StaffID, PracticeID: a.PracticeID}
	for _, ro := range a.Roles {
		me.Roles = append(me.Roles, string(ro))
	}
	for _, sc := range a.Scopes {
		me.Scopes = append(me.Scopes, string(sc))
	}
	WriteJSON(w, http.StatusOK, me)
}

func (s *Server) apiClients(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Clients.List(r.Context(), a, r.URL.Query().Get("q"))
	replyList(s, w, r, err, "clients", list)
}

type apiClientRecord struct {
	clinic.Client
	CareTeam []clinic.CareTeamMember `json:"care_team"`
}

func (s *Server) apiClient(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	got, err := s.doors.Clients.Client(r.Context(), a, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec := apiClientRecord{got.Client, got.CareTeam}
	if rec.CareTeam == nil {
		rec.CareTeam = []clinic.CareTeamMember{}
	}
	WriteJSON(w, http.StatusOK, rec)
}
