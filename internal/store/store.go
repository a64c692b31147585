// Package store keeps holdspace's records in SQLite (the embedded default) or
// PostgreSQL. Queries are plain SQL written once with `?` placeholders; the
// few real differences between the two live in Dialect.
//
// A use case runs inside one transaction (Write), so the rows it changes, the
// audit entries that record it and any message it sends are committed
// together or not at all.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"holdspace/internal/fault"
)

// DB is an open holdspace database.
type DB struct {
	dialect Dialect
	// write takes every transaction that may write. On SQLite it has exactly
	// one connection, so writers queue in Go instead of failing on a busy
	// database; on PostgreSQL it is the shared pool.
	write *sql.DB
	// read serves reads that write nothing (health checks, backups, lists
	// of reference data). On SQLite it is a separate pool of read-only
	// connections that WAL lets run beside the writer.
	read *sql.DB
	// Where is a short description for messages: the SQLite file, or the
	// PostgreSQL host and database (never the password).
	Where string
}

// Options says where the database is.
type Options struct {
	// Postgres is a postgres:// URL; empty means SQLite in DataDir.
	Postgres string
	// DataDir holds holdspace.db when SQLite is used.
	DataDir string
	// ReadConns bounds the SQLite read pool and the PostgreSQL pool.
	ReadConns int
}

// SQLiteFile is the database file name inside the data directory.
const SQLiteFile = "holdspace.db"

// Open connects, checks that the database answers and returns the handle.
// It does not migrate; call Migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.ReadConns <= 0 {
		o.ReadConns = 8
	}
	var db *DB
	var err error
	if o.Postgres != "" {
		db, err = openPostgres(o)
	} else {
		db, err = openSQLite(o)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database at %s: %s", db.Where, oneLine(err))
	}
	return db, nil
}

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	// Pragmas go in the DSN so that every connection the pool opens gets
	// them, not just the first.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a committed clinical record survives a power cut.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// Take the write lock at BEGIN so two writers never deadlock on
		// upgrading a read lock.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(o Options) (*DB, error) {
	dir := o.DataDir
	if dir == "" {
		dir = "holdspace-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, SQLiteFile)
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(o.ReadConns)
	r.SetMaxIdleConns(o.ReadConns)
	return &DB{dialect: sqliteDialect{}, write: w, read: r, Where: path}, nil
}

func openPostgres(o Options) (*DB, error) {
	u, err := url.Parse(o.Postgres)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("the database URL must look like postgres://user:password@host:5432/dbname")
	}
	where := u.Host + u.Path
	if where == "" {
		where = "the local PostgreSQL socket"
	}
	p, err := sql.Open("pgx", o.Postgres)
	if err != nil {
		return nil, fmt.Errorf("cannot use the database URL: %w", err)
	}
	p.SetMaxOpenConns(o.ReadConns * 2)
	p.SetMaxIdleConns(o.ReadConns)
	p.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: postgresDialect{}, write: p, read: p, Where: where}, nil
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Write runs fn in one read-write transaction and commits if fn returns nil.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.write, nil, fn)
}

// Read runs fn in a read-only transaction, which sees one consistent
// snapshot of the database.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect.Name() == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.run(ctx, db.read, opts, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return unavailable(err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, d: db.dialect}); err != nil {
		// A statement that met a restarting server fails with whatever
		// the driver saw (an admin shutdown, an EOF, a reset socket); a
		// rollback that cannot reach the server either confirms that the
		// database, not the statement, is what failed.
		if lostDatabase(err) || lostDatabase(tx.Rollback()) {
			return unavailable(err)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return unavailable(err)
	}
	return nil
}

// ErrUnavailable wraps failures of the database itself (as opposed to a
// refused change), so handlers can answer 503 rather than blame the user.
var ErrUnavailable error = &fault.Error{Code: fault.Unavailable, Title: "Service unavailable",
	Message: "holdspace cannot reach its database; try again shortly."}

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// isUniqueViolation reports whether err is a unique-constraint failure on
// either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// IsUniqueViolation is exported for use cases that turn a duplicate into a
// clear "already exists" message.
func IsUniqueViolation(err error) bool { return isUniqueViolation(err) }

// oneLine folds a driver's multi-line error (pgx lists every address it
// tried) into one line without repeats, for a message a person reads.
func oneLine(err error) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range strings.Split(err.Error(), "\n") {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}
