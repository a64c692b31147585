// Package storetest gives tests a fresh, migrated holdspace database on
// every database holdspace supports: a SQLite file in the test's temp
// directory always, and a new PostgreSQL database when
// HOLDSPACE_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"holdspace/internal/store"
)

// EnvPostgres names the PostgreSQL server tests may create databases on,
// e.g. postgres://holdspace@127.0.0.1:5432/postgres?sslmode=disable.
const EnvPostgres = "HOLDSPACE_TEST_POSTGRES"

// Each runs fn as a subtest named "sqlite" and one named "postgres", each
// with its own empty, migrated database. Without a PostgreSQL server the
// postgres subtest is skipped, except under CI=true, where it fails.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// Count is the number q answers on db, such as a COUNT(*); t fails where
// it cannot be read.
func Count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	Scan(t, db, q, args, &n)
	return n
}

// Scan reads the first row q answers on db into into; t fails where there
// is none or it cannot be read.
func Scan(t testing.TB, db *store.DB, q string, args []any, into ...any) {
	t.Helper()
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(into...)
	}); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// SQLite opens a migrated database in a new temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Options{DataDir: t.TempDir()})
}

// Postgres creates a new database on the test server, opens and migrates
// it, and drops it when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	o, ok := PostgresOptions(t)
	if !ok {
		return nil
	}
	return open(t, o)
}

// PostgresOptions creates an empty database (not migrated) and returns the
// options that reach it. ok is false when the test was skipped.
func PostgresOptions(t testing.TB) (store.Options, bool) {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: under CI the PostgreSQL tests must run", EnvPostgres)
		}
		t.Skipf("%s is not set; PostgreSQL tests skipped", EnvPostgres)
		return store.Options{}, false
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var rnd [8]byte
	rand.Read(rnd[:])
	name := "hs_test_" + hex.EncodeToString(rnd[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return store.Options{Postgres: u.String(), ReadConns: 4}, true
}

func open(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
