package hazard_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"holdspace/docs"
	"holdspace/internal/hazard"
)

const header = "| id | hazard | cause | control in holdspace | default and bounds | source | tests |\n|---|---|---|---|---|---|---|\n"

func TestParseRefusesARowItCannotTrust(t *testing.T) {
	good := "| pre-dose-hold | Ketamine given at a high BP | no check | `dosing.Gate` | 180/100 mmHg | Ketalar label | TestA, TestB |\n"
	cases := []struct {
		name, md, err string
	}{
		{"a good row", header + good, ""},
		{"no table", "# Log\n\nNothing here.\n", "no table"},
		{"a wrong header", "| id | hazard |\n|---|---|\n", "header"},
		{"a missing cell", header + "| x | a | b | c | d | e |\n", "cells"},
		{"an empty cell", header + "| x | a |  | c | d | e | TestA |\n", "empty"},
		{"an id that is not kebab-case", header + "| Pre Dose | a | b | c | d | e | TestA |\n", "kebab"},
		{"an id used twice", header + good + good, "twice"},
		{"a test cell with prose", header + "| x | a | b | c | d | e | the dose tests |\n", "not a test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := hazard.Parse(tc.md)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.err == "" && (len(l.Rows) != 1 || l.Rows[0].ID != "pre-dose-hold" || strings.Join(l.Rows[0].Tests, ",") != "TestA,TestB"):
				t.Fatalf("rows %+v", l.Rows)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err = %v; want one saying %q", err, tc.err)
			}
		})
	}
}

func TestInlineEscapesAllButCodeBoldAndRowLinks(t *testing.T) {
	got := string(hazard.Inline("<b>x</b> `a<b` **bold** [row](#pre-dose-hold) [away](https://evil.example)"))
	want := "&lt;b&gt;x&lt;/b&gt; <code>a&lt;b</code> <strong>bold</strong> <a href=\"#pre-dose-hold\">row</a> [away](https://evil.example)"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestTheHazardLogNamesOnlyTestsThatExist: every row of docs/HAZARDS.md
// names tests that exist in the repository, and names its published
// source rather than the team's notes, which are not shipped.
func TestTheHazardLogNamesOnlyTestsThatExist(t *testing.T) {
	l, err := hazard.Parse(docs.Hazards)
	if err != nil {
		t.Fatalf("docs/HAZARDS.md: %v", err)
	}
	if len(l.Rows) == 0 {
		t.Fatal("the hazard log has no rows")
	}
	tests := testFunctions(t)
	for _, r := range l.Rows {
		for _, name := range r.Tests {
			if !tests[name] {
				t.Errorf("%s names %s, which is no test of this repository", r.ID, name)
			}
		}
		if strings.Contains(r.Source, "KAP.md") {
			t.Errorf("%s gives KAP.md as its source; name the label or paper itself", r.ID)
		}
	}
}

// testFunctions finds every func TestX(t *testing.T) in the module.
func testFunctions(t *testing.T) map[string]bool {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not two folders up: %v", err)
	}
	decl := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(t \*testing\.T\)`)
	out := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
