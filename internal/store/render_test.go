package store

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// Every migration renders for both databases, into the same versions, with
// nothing of the notation left for a database to stumble on.
func TestEveryMigrationRendersForBothDatabases(t *testing.T) {
	names := map[string][]string{}
	for _, d := range databases {
		rendered, err := migrationsFor(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		files, err := fs.Glob(rendered, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 20 {
			t.Fatalf("%s: only %d migrations rendered", d, len(files))
		}
		for _, f := range files {
			b, err := fs.ReadFile(rendered, f)
			if err != nil {
				t.Fatal(err)
			}
			sql := string(b)
			for _, left := range []string{"{{", "-- +both", "-- +sqlite", "-- +postgres"} {
				if strings.Contains(sql, left) {
					t.Errorf("%s %s: %q left in the rendered SQL", d, f, left)
				}
			}
			if !strings.Contains(sql, "-- +goose Up") {
				t.Errorf("%s %s: no -- +goose Up", d, f)
			}
		}
		names[d] = files
	}
	if !slices.Equal(names["sqlite"], names["postgres"]) {
		t.Errorf("the databases have different migrations: %q and %q", names["sqlite"], names["postgres"])
	}
}

func TestTypeWordsAndBlocksRenderForEachDatabase(t *testing.T) {
	src := `-- +goose Up
CREATE TABLE t (
    at    {{timestamp}} NOT NULL,
    mg    {{real}},
    raw   {{bytes}},
    yes   BOOLEAN NOT NULL DEFAULT {{true}},
    no    BOOLEAN NOT NULL DEFAULT {{false}}
);
-- +sqlite
CREATE TRIGGER t_kept BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'kept'); END;
-- +postgres
CREATE RULE t_kept AS ON DELETE TO t DO INSTEAD NOTHING;
-- +both
-- +goose Down
DROP TABLE t;
`
	want := map[string]string{
		"sqlite": `-- +goose Up
CREATE TABLE t (
    at    TIMESTAMP NOT NULL,
    mg    REAL,
    raw   BLOB,
    yes   BOOLEAN NOT NULL DEFAULT 1,
    no    BOOLEAN NOT NULL DEFAULT 0
);
CREATE TRIGGER t_kept BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'kept'); END;
-- +goose Down
DROP TABLE t;
`,
		"postgres": `-- +goose Up
CREATE TABLE t (
    at    TIMESTAMPTZ NOT NULL,
    mg    DOUBLE PRECISION,
    raw   BYTEA,
    yes   BOOLEAN NOT NULL DEFAULT TRUE,
    no    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE RULE t_kept AS ON DELETE TO t DO INSTEAD NOTHING;
-- +goose Down
DROP TABLE t;
`,
	}
	for _, d := range databases {
		got, err := renderMigration(src, d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if got != want[d] {
			t.Errorf("%s rendered\n%s\nwant\n%s", d, got, want[d])
		}
	}
}

// What the renderer does not know stops it, on both databases, whichever
// database's block the mistake is in.
func TestRenderingRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, c := range []struct{ name, src, says string }{
		{"misspelt type word", "-- +goose Up\nCREATE TABLE t (at {{timestmap}});\n", "unknown type word {{timestmap}}"},
		{"spaced type word", "-- +goose Up\nCREATE TABLE t (at {{ timestamp }});\n", "unknown type word"},
		{"type word in a block", "-- +goose Up\n-- +postgres\nCREATE TABLE t (at {{timestamptz}});\n-- +both\n", "unknown type word"},
		{"unclosed braces", "-- +goose Up\nCREATE TABLE t (at {{timestamp);\n", "begins no type word"},
		{"unknown database", "-- +goose Up\n-- +mysql\nSELECT 1;\n-- +both\n", "unknown marker"},
		{"marker without its space", "-- +goose Up\n--+sqlit\nSELECT 1;\n", "unknown marker"},
		{"marker with words after it", "-- +goose Up\n-- +sqlite only\nSELECT 1;\n-- +both\n", "unknown marker"},
		{"block never closed", "-- +goose Up\n-- +sqlite\nSELECT 1;\n", "never closed"},
		{"nothing to close", "-- +goose Up\nSELECT 1;\n-- +both\n", "closes no block"},
		{"the same block twice", "-- +goose Up\n-- +sqlite\n-- +sqlite\nSELECT 1;\n-- +both\n", "already for sqlite"},
		{"a direction in a block", "-- +postgres\n-- +goose Up\nSELECT 1;\n-- +both\n", "both databases need it"},
	} {
		for _, d := range databases {
			_, err := renderMigration(c.src, d)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s on %s: error %v; want one saying %q", c.name, d, err, c.says)
			}
		}
	}
}

// Readiness compares the database with the newest version rendered; 21 is
// the newest there was when migrations came to be written once.
func TestTheNewestMigrationIsKnownForBothDatabases(t *testing.T) {
	for _, d := range databases {
		v, err := newestMigration(d)
		if err != nil || v < 21 {
			t.Errorf("%s: newest migration %d, %v; want 21 or later", d, v, err)
		}
	}
	if _, err := newestMigration("mysql"); err == nil {
		t.Error("a newest migration for a database holdspace does not run")
	}
}
