package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrationState is one migration and whether it has been applied.
type MigrationState struct {
	Version int64
	Name    string
	Applied bool
}

func (db *DB) provider() (*goose.Provider, error) {
	rendered, err := migrationsFor(db.dialect.Name())
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithGoMigrations(reencodeMigration(db.dialect))}
	dialect := goose.DialectSQLite3
	if db.dialect.Name() == "postgres" {
		dialect = goose.DialectPostgres
		// Two instances starting at once take turns on an advisory lock
		// instead of both applying the same migration.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, rendered, opts...)
}

// Migrate applies every pending migration and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrating the database at %s: %w", db.Where, err)
	}
	return len(res), nil
}

// Migrations lists every migration this holdspace knows and whether the
// database has it.
func (db *DB) Migrations(ctx context.Context) ([]MigrationState, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		name := s.Source.Path
		if s.Source.Version == reencodeVersion {
			name = reencodeName
		}
		out = append(out, MigrationState{
			Version: s.Source.Version,
			Name:    name,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}

// Current reports whether every known migration is applied (for /readyz).
// It reads goose's record on the read pool, so a health probe never waits
// for, or holds, SQLite's one writer; migrations are only ever applied in
// order, so the newest applied version says it all.
func (db *DB) Current(ctx context.Context) (bool, error) {
	latest, err := newestMigration(db.dialect.Name())
	if err != nil {
		return false, err
	}
	var applied sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT MAX(version_id) FROM `+migrationTable+` WHERE is_applied`).Scan(&applied)
	if err != nil {
		return false, err
	}
	return applied.Valid && applied.Int64 >= latest, nil
}

// newestMigration is the highest version among the migrations of a
// dialect: the rendered files, read from their names once, and the one
// written in Go.
var newestMigration = func() func(dialect string) (int64, error) {
	newest := map[string]func() (int64, error){}
	for _, d := range databases {
		newest[d] = sync.OnceValues(func() (int64, error) {
			rendered, err := migrationsFor(d)
			if err != nil {
				return 0, err
			}
			names, err := fs.Glob(rendered, "*.sql")
			if err != nil {
				return 0, err
			}
			v := int64(reencodeVersion)
			for _, name := range names {
				num, _, ok := strings.Cut(name, "_")
				if !ok {
					continue
				}
				n, err := strconv.ParseInt(num, 10, 64)
				if err != nil {
					return 0, fmt.Errorf("migration %s: %w", name, err)
				}
				v = max(v, n)
			}
			return v, nil
		})
	}
	return func(dialect string) (int64, error) {
		f, ok := newest[dialect]
		if !ok {
			return 0, fmt.Errorf("no migrations for a database called %q", dialect)
		}
		return f()
	}
}()
