package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/api"
)

// Every JSON API route is described in the OpenAPI document, with its
// method, and everything the document describes is served.
func TestTheOpenAPIDocumentDescribesEveryAPIRoute(t *testing.T) {
	raw, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	s := newServerForRoutes(t)
	served := map[string]bool{}
	param := regexp.MustCompile(`\{([a-zA-Z]+)\}`)
	for _, r := range s.Routes() {
		method, p, ok := strings.Cut(r.Pattern, " ")
		if !ok || !strings.HasPrefix(p, "/api/v1/") || p == "/api/v1/openapi.json" {
			continue
		}
		served[strings.ToLower(method)+" "+p] = true
		ops, ok := doc.Paths[p]
		if !ok {
			t.Errorf("%s is served but not described in the OpenAPI document", r.Pattern)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("%s: the document describes %s without %s", r.Pattern, p, method)
		}
		for _, m := range param.FindAllStringSubmatch(p, -1) {
			if !strings.Contains(string(ops[strings.ToLower(method)]), `"`+m[1]+`"`) && !strings.Contains(string(ops[strings.ToLower(method)]), "#/components/parameters/") {
				t.Errorf("%s: path parameter %s is not described", r.Pattern, m[1])
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" || m == "summary" || m == "description" {
				continue
			}
			if !served[m+" "+p] {
				t.Errorf("the document describes %s %s, which is not served", strings.ToUpper(m), p)
			}
		}
	}
	// Every error response points at the problem shape.
	if strings.Count(string(raw), `"#/components/responses/Problem"`) == 0 {
		t.Error("no operation answers errors as problem details")
	}
}

// newServerForRoutes builds a server only to list its routes.
func newServerForRoutes(t *testing.T) *Server {
	t.Helper()
	s, err := New(Deps{Access: &access.Service{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
