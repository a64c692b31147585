package web

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/api"
	"holdspace/internal/clinic"
)

func (s *Server) routesAPI() {
	s.public("GET /api/v1/openapi.json", s.openAPI)
	s.handle(GateAPI, "GET /api/v1/me", s.api(s.apiMe))
	s.handle(GateAPI, "GET /api/v1/clients", s.api(s.apiClients))
	s.handle(GateAPI, "GET /api/v1/clients/{id}", s.api(s.apiClient))
	s.handle(GateAPI, "/api/", s.api(func(w http.ResponseWriter, r *http.Request, _ access.Actor) {
		writeProblem(w, r, http.StatusNotFound, "Not found", "There is no API endpoint at this address.", nil)
	}))
}

// writeProblem, writeJSON and apiError are the API face's
// own (internal/api), named here for the handlers not yet moved there.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string, fields map[string]string) {
	api.WriteProblem(w, r, status, title, detail, fields)
}

func writeJSON(w http.ResponseWriter, status int, v any) { api.WriteJSON(w, status, v) }

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, _ access.Actor, err error) {
	s.apiFace.Error(w, r, err)
}

// api puts an endpoint behind the bearer token and its scope.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, access.Actor)) http.HandlerFunc {
	return s.apiFace.Authenticate(h)
}

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
	writeJSON(w, http.StatusOK, me)
}

func (s *Server) apiClients(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.clinicDoor().List(r.Context(), a, r.URL.Query().Get("q"))
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	if list == nil {
		list = []clinic.Client{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": list})
}

type apiClientRecord struct {
	clinic.Client
	CareTeam []clinic.CareTeamMember `json:"care_team"`
}

func (s *Server) apiClient(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	got, err := s.clinicDoor().Client(r.Context(), a, id)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	rec := apiClientRecord{got.Client, got.CareTeam}
	if rec.CareTeam == nil {
		rec.CareTeam = []clinic.CareTeamMember{}
	}
	writeJSON(w, http.StatusOK, rec)
}

// practiceZone is the practice's time zone, for dates given without one.
func (s *Server) practiceZone(r *http.Request, practiceID string) (*time.Location, error) {
	return s.access.ZoneOf(r.Context(), practiceID)
}

// clinicDoor is the client records' front door as the API uses it.
func (s *Server) clinicDoor() *clinic.Door {
	return s.doors.Clients
}
