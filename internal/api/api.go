// Package api is holdspace's JSON API: a face like the pages. Each handler
// reads the request (the strict decoder refuses unknown, duplicate and null
// members), calls the capability's front door with the token's actor, and
// answers JSON, or an RFC 9457 problem through Error, the API's one
// mapping of a refusal. It holds no rule and opens no transaction; the web
// edge (internal/web) registers its routes behind the same edge checks as
// every page.
package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/doors"
	"holdspace/internal/keyring"
)

// Deps is what the API is built from.
type Deps struct {
	Access *access.Service
	// Doors are the capabilities' front doors, the same the pages call.
	Doors *doors.Set
	Log   *slog.Logger
	// Now is the face's clock, for defaults such as "the calendar from
	// yesterday"; the doors keep their own.
	Now func() time.Time
	// Keys give the key the inquiry rate limit hashes addresses with.
	Keys *keyring.Ring
}

// Server is the JSON API.
type Server struct {
	access    *access.Service
	doors     *doors.Set
	log       *slog.Logger
	now       func() time.Time
	cookieKey []byte
	openapi   []byte
	routes    []Route
}

// Route is one endpoint, for the edge to register behind its checks.
type Route struct {
	Pattern string
	// Public routes take no token: the OpenAPI document, and the public
	// inquiry form's JSON twin.
	Public  bool
	Handler http.HandlerFunc
}

// New builds the API and its routes.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{access: d.Access, doors: d.Doors, log: d.Log, now: d.Now, cookieKey: make([]byte, 32)}
	if d.Keys != nil {
		s.cookieKey = d.Keys.Key("cookies")
	}
	var err error
	if s.openapi, err = Document(); err != nil {
		return nil, err
	}
	s.public("GET /api/v1/openapi.json", s.openAPI)
	s.handle("GET /api/v1/me", s.api(s.apiMe))
	s.handle("GET /api/v1/clients", s.api(s.apiClients))
	s.handle("POST /api/v1/clients", s.api(s.apiAddClient))
	s.handle("GET /api/v1/clients/{id}", s.api(s.apiClient))
	s.routesConsentAPI()
	s.routesCoursesAPI()
	s.routesInquiryAPI()
	s.routesIntakeAPI()
	s.routesMeasuresAPI()
	s.routesPrescribingAPI()
	s.routesReadinessAPI()
	s.routesSafetyAPI()
	s.routesScheduleAPI()
	s.routesSessionRecordAPI()
	s.routesSettingsAPI()
	s.handle("/api/", s.api(func(w http.ResponseWriter, r *http.Request, _ access.Actor) {
		WriteProblem(w, r, http.StatusNotFound, "Not found", "There is no API endpoint at this address.", nil)
	}))
	return s, nil
}

// Routes lists every endpoint.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Handler: h})
}

func (s *Server) public(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Public: true, Handler: h})
}

// api puts an endpoint behind the bearer token and its scope.
func (s *Server) api(h Handler) http.HandlerFunc { return s.Authenticate(h) }

// practiceZone is the practice's time zone, for dates given without one.
func (s *Server) practiceZone(r *http.Request, practiceID string) (*time.Location, error) {
	return s.access.ZoneOf(r.Context(), practiceID)
}

// Handler is an API endpoint: it is called only for a good token with the
// scope the route needs, as the actor the token stands for.
type Handler func(w http.ResponseWriter, r *http.Request, a access.Actor)

// Authenticate puts h behind the bearer token: no token or a bad one is
// 401, a token without the route's scope 403 (RFC 6750 §3.1), before any
// door is asked.
func (s *Server) Authenticate(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="holdspace"`)
			WriteProblem(w, r, http.StatusUnauthorized, "Unauthorized", "Send an API token as 'Authorization: Bearer hs_…'. An administrator makes tokens under Settings.", nil)
			return
		}
		actor, err := s.access.AuthenticateAPI(r.Context(), token)
		if errors.Is(err, access.ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="holdspace", error="invalid_token"`)
			WriteProblem(w, r, http.StatusUnauthorized, "Unauthorized", err.Error(), nil)
			return
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if need := Scope(r.Pattern); need != "" && !slices.Contains(actor.Scopes, need) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="holdspace", error="insufficient_scope", scope=%q`, need))
			WriteProblem(w, r, http.StatusForbidden, "Forbidden", fmt.Sprintf("This API token lacks the %s scope this endpoint needs.", need), nil)
			return
		}
		h(w, r, actor)
	}
}

// Scope is the scope a token needs for an API route: reads need the read
// scope of their area, writes its write scope, whatever the use case
// behind them decides after. A token that may change records is not
// thereby one that may read them all (an integration that posts check-ins
// has no business listing the inquiry queue).
func Scope(pattern string) access.Scope {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		// The API's catch-all answers 404 to any token.
		return ""
	}
	switch {
	case path == "/api/v1/me":
		return ""
	case path == "/metrics":
		return access.ScopeMetrics
	case strings.HasSuffix(path, "/process-notes"):
		return access.ScopeProcessNotes
	case strings.HasPrefix(path, "/api/v1/audit"):
		return access.ScopeAuditRead
	case method == http.MethodGet || method == http.MethodHead:
		return access.ScopeClientsRead
	}
	return access.ScopeClientsWrite
}

// reply writes body with status, or in its place err, the door's refusal,
// as problem+json.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, err error, status int, body any) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	WriteJSON(w, status, body)
}

// replyList is reply of a list under key: an empty array where the door
// found nothing, never null.
func replyList[T any](s *Server, w http.ResponseWriter, r *http.Request, err error, key string, list []T) {
	if list == nil {
		list = []T{}
	}
	s.reply(w, r, err, http.StatusOK, map[string]any{key: list})
}
