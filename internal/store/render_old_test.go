package store

import (
	"io/fs"
	"os"
	"strings"
	"testing"
)

// Databases already migrated keep their schema only if each version
// renders to what the file written for that database said.
func TestRenderedMigrationsAreTheOldFiles(t *testing.T) {
	for _, d := range databases {
		rendered, err := migrationsFor(d)
		if err != nil {
			t.Fatal(err)
		}
		old := os.DirFS("migrations/" + d)
		names, _ := fs.Glob(old, "*.sql")
		got, _ := fs.Glob(rendered, "*.sql")
		if strings.Join(names, " ") != strings.Join(got, " ") {
			t.Errorf("%s: files %q, rendered %q", d, names, got)
		}
		for _, n := range names {
			want, _ := fs.ReadFile(old, n)
			have, _ := fs.ReadFile(rendered, n)
			switch {
			case string(want) == string(have):
				t.Logf("%s %s: byte for byte", d, n)
			case strings.Join(strings.Fields(string(want)), " ") == strings.Join(strings.Fields(string(have)), " "):
				t.Logf("%s %s: the same after normalising whitespace", d, n)
			default:
				t.Errorf("%s %s: differs", d, n)
			}
		}
	}
}
