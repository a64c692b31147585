package web

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/api"
)

// routesAPI registers the JSON API's endpoints (internal/api) behind the
// same edge as every page: the route's gate, then the check of its text.
func (s *Server) routesAPI() {
	for _, rt := range s.apiFace.Routes() {
		if rt.Public {
			s.public(rt.Pattern, rt.Handler)
			continue
		}
		s.handle(GateAPI, rt.Pattern, rt.Handler)
	}
}

// writeProblem answers a request to an API address that the edge refuses
// before the API sees it.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string, fields map[string]string) {
	api.WriteProblem(w, r, status, title, detail, fields)
}

// api puts an endpoint of the site's own (the metrics) behind the API's
// bearer token and its scope.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, access.Actor)) http.HandlerFunc {
	return s.apiFace.Authenticate(h)
}
