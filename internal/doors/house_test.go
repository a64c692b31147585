package doors_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// root is the module's root, two folders above this package.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", dir, err)
	}
	return dir
}

// sources lists the non-test Go files of a folder of the module.
func sources(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return strings.HasSuffix(n, "_test.go") })
}

// The faces parse, call a door and render: a face that imported the store
// could open a transaction of its own and compose a use case the doors do
// not know, which is how rules came to be written twice.
func TestTheFacesDoNotImportTheStore(t *testing.T) {
	base := root(t)
	for _, face := range []string{"internal/web", "internal/api"} {
		files := sources(t, filepath.Join(base, face))
		if len(files) == 0 {
			t.Fatalf("%s has no Go files", face)
		}
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				if path, _ := strconv.Unquote(imp.Path.Value); path == "holdspace/internal/store" {
					t.Errorf("%s imports holdspace/internal/store; call a door instead", filepath.Join(face, filepath.Base(f)))
				}
			}
		}
	}
}

// The shared tables have owners, which alone write them: access writes
// the practice, staff and accounts; clinic writes clients and care teams.
// Another package that needs a client or a staff member made asks the
// owner, so each table's rules (a care team's roles, an email's form)
// hold whoever adds the row.
func TestOnlyTheOwnerWritesASharedTable(t *testing.T) {
	owners := map[string]string{
		"practice": "internal/access", "staff": "internal/access", "staff_role": "internal/access", "account": "internal/access",
		"client": "internal/clinic", "care_team": "internal/clinic",
	}
	// Test fixtures write below the rules on purpose, each with its reason.
	fixtures := map[string]string{
		"internal/demo/demotest": "the smallest practice a door test needs, a client with no prescriber among them",
	}
	write := regexp.MustCompile(`(?i)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)"?[\s(]`)
	base := root(t)
	var folders []string
	err := filepath.WalkDir(filepath.Join(base, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			folders = append(folders, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	folders = append(folders, filepath.Join(base, "cmd", "holdspace"), filepath.Join(base, "bench"))
	checked := 0
	for _, dir := range folders {
		rel, _ := filepath.Rel(base, dir)
		rel = filepath.ToSlash(rel)
		if _, ok := fixtures[rel]; ok {
			continue
		}
		for _, f := range sources(t, dir) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			for _, m := range write.FindAllStringSubmatch(string(b), -1) {
				table := strings.ToLower(m[2])
				if owner, ok := owners[table]; ok && rel != owner {
					t.Errorf("%s/%s writes %s (%s); only %s does: call its door or function", rel, filepath.Base(f), table, strings.ToUpper(m[1]), owner)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("read only %d source files: the walk did not find the module", checked)
	}
}
