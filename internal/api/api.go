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

	"holdspace/internal/access"
)

// Deps is what the API is built from.
type Deps struct {
	Access *access.Service
	Log    *slog.Logger
}

// Server is the JSON API.
type Server struct {
	access *access.Service
	log    *slog.Logger
}

// New builds the API.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Server{access: d.Access, log: d.Log}
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
