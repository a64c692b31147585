package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
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

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
	// RequestID lets an operator find the log lines of a failure.
	RequestID string `json:"request_id,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail,
		Instance: r.URL.Path, Errors: fields, RequestID: RequestID(r.Context())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// api authenticates the bearer token and maps errors to problem details in
// one place.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, access.Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="holdspace"`)
			writeProblem(w, r, http.StatusUnauthorized, "Unauthorized", "Send an API token as 'Authorization: Bearer hs_…'. An administrator makes tokens under Settings.", nil)
			return
		}
		actor, err := s.access.AuthenticateAPI(r.Context(), token)
		if errors.Is(err, access.ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="holdspace", error="invalid_token"`)
			writeProblem(w, r, http.StatusUnauthorized, "Unauthorized", err.Error(), nil)
			return
		}
		if err != nil {
			s.apiError(w, r, access.Actor{}, err)
			return
		}
		need, known := s.apiScopes[r.Pattern]
		if !known || (need != "" && !slices.Contains(actor.Scopes, need)) {
			// RFC 6750 §3.1: the token is good but not for this.
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="holdspace", error="insufficient_scope", scope=%q`, need))
			writeProblem(w, r, http.StatusForbidden, "Forbidden", fmt.Sprintf("This API token lacks the %s scope this endpoint needs.", need), nil)
			return
		}
		h(w, r, actor)
	}
}

// apiError is the JSON API's one mapping of an error to its RFC 9457
// problem: a refusal (fault.Of) with its status, heading, message, fields
// and the rule's own members; anything else is a failure, logged with the
// request id and answered without its cause.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, _ access.Actor, err error) {
	f := fault.Of(err)
	if f == nil {
		s.log.Error("api error", "request_id", RequestID(r.Context()), "route", r.Pattern, "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "Internal error", "holdspace could not finish this request; quote the request id when reporting it.", nil)
		return
	}
	if f.Code == fault.Unavailable {
		s.log.Error("api: database unavailable", "request_id", RequestID(r.Context()), "err", err)
		w.Header().Set("Retry-After", "10")
	}
	writeFault(w, r, f)
}

// writeFault writes f as a problem, its Extra members beside the standard
// ones.
func writeFault(w http.ResponseWriter, r *http.Request, f *fault.Error) {
	status := f.HTTPStatus()
	p := Problem{Type: "about:blank", Title: f.Heading(), Status: status, Detail: f.Message, Instance: r.URL.Path,
		Errors: f.FieldMap(), RequestID: RequestID(r.Context())}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if len(f.Extra) == 0 {
		json.NewEncoder(w).Encode(p)
		return
	}
	members := map[string]any{}
	for k, v := range f.Extra {
		members[k] = v
	}
	b, _ := json.Marshal(p)
	var std map[string]any
	json.Unmarshal(b, &std)
	for k, v := range std {
		members[k] = v
	}
	json.NewEncoder(w).Encode(members)
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
	return &clinic.Door{Access: s.access, Now: s.now}
}
