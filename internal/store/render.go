package store

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
)

// Each migration in migrations/ is written once and rendered for each
// database when holdspace starts, so that a capability's schema cannot be
// written one way for SQLite and forgotten, or written another way, for
// PostgreSQL.
//
// Where the two spell a type differently, a migration writes a type word
// (see typeWords); the rare statement that cannot be written once goes in a
// block: the lines after "-- +sqlite" or "-- +postgres" are for that
// database only, until "-- +both". A block may hold whole statements,
// never goose's Up or Down line, so every migration has the same versions
// and directions on both databases.
//
// Anything the renderer does not know, a misspelt type word or marker, a
// block left open, stops holdspace at start instead of reaching the
// database as SQL one of them half understands.
//
//go:embed migrations/*.sql
var migrationSources embed.FS

// databases are the dialect names a block may be marked for.
var databases = []string{"sqlite", "postgres"}

// typeWords are the words a migration writes as {{word}}, with each
// database's spelling. SQLite's spellings are not free to change: the
// SQLite driver reads a column into a time.Time only when its declared
// type is TIMESTAMP (or DATETIME, DATE), and SQLite keeps declared types
// as written, so a rename would change what existing databases return.
var typeWords = map[string]map[string]string{
	"timestamp": {"sqlite": "TIMESTAMP", "postgres": "TIMESTAMPTZ"},
	"real":      {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"},
	"bytes":     {"sqlite": "BLOB", "postgres": "BYTEA"},
	"true":      {"sqlite": "1", "postgres": "TRUE"},
	"false":     {"sqlite": "0", "postgres": "FALSE"},
}

var (
	typeWord = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
	// marker is any comment line beginning with a +, as goose's own
	// annotations do, so that a misspelt marker is not taken for a comment.
	marker    = regexp.MustCompile(`^--\s*\+(\w*)(.*)$`)
	direction = regexp.MustCompile(`(?i)^--\s*\+goose\s+(up|down)\b`)
)

// renderedMigrations are the migrations as one database runs them,
// rendered once per process: readiness probes and restores ask for them
// again and again.
var renderedMigrations = func() map[string]func() (fs.FS, error) {
	m := map[string]func() (fs.FS, error){}
	for _, d := range databases {
		m[d] = sync.OnceValues(func() (fs.FS, error) { return renderMigrations(migrationSources, "migrations", d) })
	}
	return m
}()

// migrationsFor is the rendered tree goose reads for a dialect.
func migrationsFor(dialect string) (fs.FS, error) {
	render, ok := renderedMigrations[dialect]
	if !ok {
		return nil, fmt.Errorf("no migrations for a database called %q", dialect)
	}
	return render()
}

// renderMigrations renders every .sql file in dir for one database. The
// result is an in-memory tree (fstest.MapFS is the standard library's)
// holding the files under their own names, which goose records as each
// migration's name.
func renderMigrations(src fs.FS, dir, dialect string) (fs.FS, error) {
	names, err := fs.Glob(src, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, name := range names {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		sql, err := renderMigration(string(b), dialect)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", path.Base(name), err)
		}
		out[path.Base(name)] = &fstest.MapFile{Data: []byte(sql), Mode: 0o444}
	}
	return out, nil
}

// renderMigration turns one migration into the SQL one database runs.
// Type words are checked in every line, including those of the other
// database's blocks, so a mistake in either fails on both.
func renderMigration(src, dialect string) (string, error) {
	if !slices.Contains(databases, dialect) {
		return "", fmt.Errorf("no database called %q", dialect)
	}
	var out strings.Builder
	only, opened := "", 0
	for i, line := range strings.SplitAfter(src, "\n") {
		n := i + 1
		mark := strings.TrimSpace(line)
		if m := marker.FindStringSubmatch(mark); m != nil && m[1] != "goose" {
			word := m[1]
			switch {
			case strings.TrimSpace(m[2]) != "" || word != "both" && !slices.Contains(databases, word):
				return "", fmt.Errorf("line %d: unknown marker %q (the markers are %s)", n, mark, knownMarkers())
			case word == "both" && only == "":
				return "", fmt.Errorf("line %d: -- +both closes no block", n)
			case word == only:
				return "", fmt.Errorf("line %d: %s inside a block already for %s", n, mark, only)
			case word == "both":
				only = ""
			default:
				only, opened = word, n
			}
			continue
		}
		if only != "" && direction.MatchString(mark) {
			return "", fmt.Errorf("line %d: %s inside the block for %s begun on line %d: both databases need it", n, mark, only, opened)
		}
		var unknown error
		line = typeWord.ReplaceAllStringFunc(line, func(m string) string {
			word := typeWord.FindStringSubmatch(m)[1]
			spelt, ok := typeWords[word][dialect]
			if !ok && unknown == nil {
				unknown = fmt.Errorf("line %d: unknown type word %s (the type words are %s)", n, m, knownTypeWords())
			}
			return spelt
		})
		if unknown != nil {
			return "", unknown
		}
		if strings.Contains(line, "{{") {
			return "", fmt.Errorf("line %d: {{ that begins no type word", n)
		}
		if only == "" || only == dialect {
			out.WriteString(line)
		}
	}
	if only != "" {
		return "", fmt.Errorf("the block for %s begun on line %d is never closed with -- +both", only, opened)
	}
	return out.String(), nil
}

func knownTypeWords() string {
	var w []string
	for word := range typeWords {
		w = append(w, "{{"+word+"}}")
	}
	slices.Sort(w)
	return strings.Join(w, ", ")
}

func knownMarkers() string {
	var m []string
	for _, d := range databases {
		m = append(m, "-- +"+d)
	}
	return strings.Join(append(m, "-- +both"), ", ")
}
