package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var ctx = context.Background()

func TestMigrationsApplyAndReportCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ok, err := db.Current(ctx)
		if err != nil || !ok {
			t.Fatalf("after Migrate, Current = %v, %v; want true", ok, err)
		}
		states, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) == 0 {
			t.Fatal("no migrations listed")
		}
		for _, s := range states {
			if !s.Applied {
				t.Errorf("migration %d %s not applied", s.Version, s.Name)
			}
		}
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d (%v); want 0", n, err)
		}
	})
}

func TestTwoInstancesMigratingAtOnceOnPostgres(t *testing.T) {
	o, ok := storetest.PostgresOptions(t)
	if !ok {
		return
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := store.Open(ctx, o)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			_, errs[i] = db.Migrate(ctx)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
}

func TestTimesAreStoredAndReadInUTC(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		zone := time.FixedZone("UTC-5", -5*3600)
		at := time.Date(2026, 3, 8, 1, 30, 0, 123456789, zone)
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				"p1", "p1", "Practice", "America/New_York", at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		err = db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT created_at FROM practice WHERE id = ?`, "p1").Scan(&got)
		})
		if err != nil {
			t.Fatal(err)
		}
		want := at.UTC().Truncate(time.Microsecond)
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("read back %v (%v); want %v in UTC", got, got.Location(), want)
		}
	})
}

func TestAFailedWriteLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("refused")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				"p1", "p1", "Practice", "UTC", time.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write = %v; want the use case's error", err)
		}
		var n int
		db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n) })
		if n != 0 {
			t.Fatalf("%d practices after a rolled-back write; want 0", n)
		}
	})
}

func TestRebindNumbersPlaceholdersOutsideQuotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var s string
		var n int64
		err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT 'why?' || ?, CAST(? AS INTEGER) + 1`, "x", 41).Scan(&s, &n)
		})
		if err != nil || s != "why?x" || n != 42 {
			t.Fatalf("got %q %d %v; want \"why?x\" 42", s, n, err)
		}
	})
}

func fill(t *testing.T, db *store.DB) {
	t.Helper()
	at := time.Date(2026, 11, 2, 14, 0, 0, 5000, time.UTC)
	err := db.Write(ctx, func(tx *store.Tx) error {
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				[]any{"0193a000-0000-7000-8000-000000000001", "stillwater", "Stillwater", "America/New_York", at}},
			{`INSERT INTO staff (id, practice_id, email, full_name, credentials, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{"0193a000-0000-7000-8000-000000000002", "0193a000-0000-7000-8000-000000000001", "ana@example.org", "Ana Ruiz", "MD", true, at}},
			{`INSERT INTO staff (id, practice_id, email, full_name, active, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{"0193a000-0000-7000-8000-000000000003", "0193a000-0000-7000-8000-000000000001", "old@example.org", "Former Staff", false, at}},
			{`INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, []any{"0193a000-0000-7000-8000-000000000002", "prescriber"}},
			{`INSERT INTO client (id, practice_id, legal_name, preferred_name, date_of_birth, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{"0193a000-0000-7000-8000-000000000004", "0193a000-0000-7000-8000-000000000001", "Jo Ng", "Jo", "1984-02-29", at}},
			{`INSERT INTO outbox (id, to_addr, subject, body_text, created_at, send_after, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{"0193a000-0000-7000-8000-000000000005", "jo@example.org", "Reminder", "Line one\nline two — ünïcode", at, at, nil}},
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBackupAndRestoreRoundTripLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fill(t, db)
		path := filepath.Join(t.TempDir(), "practice.hsbak")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := db.Backup(ctx, f, time.Now())
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 6 {
			t.Fatalf("backup holds %d rows; want 6", sum.Rows)
		}

		var target store.Options
		if db.Dialect().Name() == "postgres" {
			o, ok := storetest.PostgresOptions(t)
			if !ok {
				return
			}
			target = o
		} else {
			target = store.Options{DataDir: t.TempDir()}
		}
		got, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows != sum.Rows {
			t.Fatalf("restored %d rows; want %d", got.Rows, sum.Rows)
		}
		restored, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		if !reflect.DeepEqual(rows(t, db), rows(t, restored)) {
			t.Fatalf("restored database differs:\n got  %v\n want %v", rows(t, restored), rows(t, db))
		}

		// A second restore over records is refused without --force and
		// replaces them with it.
		if _, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{}); !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("restore over records = %v; want ErrNotEmpty", err)
		}
		if _, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Force: true}); err != nil {
			t.Fatalf("restore --force: %v", err)
		}
		again, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if !reflect.DeepEqual(rows(t, db), rows(t, again)) {
			t.Fatal("database after restore --force differs from the original")
		}
	})
}

// rows reads the fill rows back in a form that compares across databases.
func rows(t *testing.T, db *store.DB) []any {
	t.Helper()
	var out []any
	err := db.Read(ctx, func(tx *store.Tx) error {
		var pid, slug, name, tz string
		var created time.Time
		if err := tx.QueryRow(ctx, `SELECT id, slug, name, time_zone, created_at FROM practice`).Scan(&pid, &slug, &name, &tz, &created); err != nil {
			return err
		}
		out = append(out, pid, slug, name, tz, created)
		r, err := tx.Query(ctx, `SELECT id, email, full_name, credentials, active FROM staff ORDER BY id`)
		if err != nil {
			return err
		}
		for r.Next() {
			var id, email, full, cred string
			var active bool
			if err := r.Scan(&id, &email, &full, &cred, &active); err != nil {
				return err
			}
			out = append(out, id, email, full, cred, active)
		}
		r.Close()
		var body string
		var sent *time.Time
		if err := tx.QueryRow(ctx, `SELECT body_text, sent_at FROM outbox`).Scan(&body, &sent); err != nil {
			return err
		}
		out = append(out, body, sent == nil)
		var dob string
		if err := tx.QueryRow(ctx, `SELECT date_of_birth FROM client`).Scan(&dob); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRestoreRefusesADamagedBackupAndChangesNothing(t *testing.T) {
	db := storetest.SQLite(t)
	fill(t, db)
	path := filepath.Join(t.TempDir(), "b.hsbak")
	f, _ := os.Create(path)
	db.Backup(ctx, f, time.Now())
	f.Close()
	whole, _ := os.ReadFile(path)

	cases := map[string][]byte{
		"truncated":    whole[:len(whole)/2],
		"not a backup": []byte("hello"),
		"empty":        nil,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.hsbak")
			os.WriteFile(bad, content, 0o600)
			target := store.Options{DataDir: t.TempDir()}
			if _, err := store.RestoreFile(ctx, target, bad, store.RestoreOptions{}); err == nil {
				t.Fatal("restore of a damaged backup succeeded")
			}
			if _, err := os.Stat(filepath.Join(target.DataDir, store.SQLiteFile)); err == nil {
				t.Fatal("a damaged backup created a database")
			}
		})
	}
}

// Current tells a database that lacks the newest migration from one that
// has it, without touching the writer.
func TestCurrentSaysWhetherMigrationsArePending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if ok, err := db.Current(ctx); err != nil || !ok {
			t.Fatalf("after Migrate: %v, %v; want current", ok, err)
		}
		var latest int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&latest); err != nil {
				return err
			}
			// As if the newest migration had not run yet.
			_, err := tx.Exec(ctx, `DELETE FROM goose_db_version WHERE version_id = ?`, latest)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := db.Current(ctx); err != nil || ok {
			t.Fatalf("with migration %d unrecorded: %v, %v; want pending", latest, ok, err)
		}
	})
}
