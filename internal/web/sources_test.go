package web

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"holdspace/docs"
	"holdspace/internal/api"
	"holdspace/internal/instrument"
	"holdspace/internal/screening"
)

// The domain research note (KAP.md) is not shipped, so no text holdspace shows or serves may cite
// it: a clinician must be told the label, guideline or paper itself. Code comments may cite it.
const internalNote = "KAP.md"

func TestShownTextNamesPublishedSourcesNotTheInternalNote(t *testing.T) {
	check := func(where, text string) {
		t.Helper()
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, internalNote) {
				t.Errorf("%s:%d cites %s; name the published source instead: %s", where, i+1, internalNote, strings.TrimSpace(line))
			}
		}
	}
	checkJSON := func(where string, v any) {
		t.Helper()
		b, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		check(where, string(b))
	}

	rs, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	checkJSON("screening rules", rs.Rules())
	checkJSON("screening parameters", rs.Parameters())

	cat, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.All()) == 0 {
		t.Fatal("no instrument definitions")
	}
	for _, d := range cat.All() {
		checkJSON("instrument "+d.Code, d)
	}

	check("HAZARDS.md", docs.Hazards)

	for name, fsys := range map[string]fs.FS{"templates": templateFS, "static": staticFS, "openapi": api.DocumentSources()} {
		n := 0
		err := fs.WalkDir(fsys, ".", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			n++
			check(path, string(b))
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("%s: %d files, %v", name, n, err)
		}
	}
}
