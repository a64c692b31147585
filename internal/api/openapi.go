package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
)

//go:embed openapi
var openapiFS embed.FS

// DocumentSources are the fragments Document joins, for the test that
// reads every text holdspace shows.
func DocumentSources() fs.FS { return openapiFS }

// Document joins base.json with every capability's fragment: each
// fragment adds paths and components, and two fragments may not describe
// the same path or the same component.
func Document() ([]byte, error) {
	raw, err := openapiFS.ReadFile("openapi/base.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	components := doc["components"].(map[string]any)
	names, err := fs.Glob(openapiFS, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if path.Base(name) == "base.json" {
			continue
		}
		b, err := openapiFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var frag struct {
			Paths      map[string]any            `json:"paths"`
			Components map[string]map[string]any `json:"components"`
		}
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("%s describes %s again", name, p)
			}
			paths[p] = v
		}
		for kind, items := range frag.Components {
			into, ok := components[kind].(map[string]any)
			if !ok {
				into = map[string]any{}
				components[kind] = into
			}
			for k, v := range items {
				if _, dup := into[k]; dup {
					return nil, fmt.Errorf("%s defines components.%s.%s again", name, kind, k)
				}
				into[k] = v
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.openapi)
}
