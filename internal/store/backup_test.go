package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"holdspace/internal/audit"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

const (
	practiceID = "0193a000-0000-7000-8000-000000000001"
	staffID    = "0193a000-0000-7000-8000-000000000002"
	clientID   = "0193a000-0000-7000-8000-000000000004"
)

// awkward is text that has broken backups before, or could.
var awkward = []struct{ name, value string }{
	{"invalid bytes", "\xff\xfe"},
	{"a lone lead byte", "caf\xc3"},
	{"invalid inside valid text", "Jo \xe2\x28\xa1 Ng"},
	{"NUL", "peni\x00cillin"},
	{"emoji", "🌿 grounding"},
	{"right-to-left marks", "\u200fשלום\u200f"},
	{"combining characters", "e\u0301 n\u0303 Z\u0351\u0325"},
	{"U+FFFD itself", "\ufffd"},
	{"newlines, quotes and escapes", "line\r\n\"quoted\"\t\\u0000 </script>"},
	{"empty", ""},
	{"100 KB", strings.Repeat("nausea after dosing ✓ ", 100<<10/24)},
	{"a 2 MB line", strings.Repeat("x", 2<<20)},
}

func portable(s string) bool { return utf8.ValidString(s) && !strings.Contains(s, "\x00") }

// writeAwkward stores each value straight into clinical text (an allergy,
// a medication) and into an audit entry's user agent and reason, as an
// older holdspace could have.
func writeAwkward(t *testing.T, db *store.DB, values []string) {
	t.Helper()
	fill(t, db)
	at := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	for i, v := range values {
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO allergy (id, practice_id, client_id, substance, reaction, recorded_by, recorded_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, fmt.Sprintf("0193b000-0000-7000-8000-%012d", i), practiceID, clientID, v, v, staffID, at); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO medication (id, practice_id, client_id, name, dose, frequency, recorded_by, recorded_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, fmt.Sprintf("0193c000-0000-7000-8000-%012d", i), practiceID, clientID, v, v, "daily", staffID, at); err != nil {
				return err
			}
			_, err := audit.Append(ctx, tx, audit.Entry{Chain: practiceID, At: at, ActorKind: "anonymous", Action: "page.read",
				Reason: v, UserAgent: v, Address: "192.0.2.1"})
			return err
		})
		if err != nil {
			t.Fatalf("writing %q: %v", v[:min(len(v), 20)], err)
		}
	}
}

// dumpAll reads every row of every table in a form that compares across
// the two databases: text as its exact bytes, times as instants, booleans
// as SQLite's integers.
func dumpAll(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect().Name() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	out := map[string][]string{}
	err := db.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		var tables []string
		for r.Next() {
			var n string
			if err := r.Scan(&n); err != nil {
				return err
			}
			if !strings.HasPrefix(n, "goose_") {
				tables = append(tables, n)
			}
		}
		r.Close()
		for _, table := range tables {
			rows, err := tx.Query(ctx, `SELECT * FROM "`+table+`"`)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			list := []string{}
			for rows.Next() {
				if err := rows.Rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				var b strings.Builder
				for i, v := range vals {
					fmt.Fprintf(&b, "%s=%s|", cols[i], canonicalValue(v))
				}
				list = append(list, b.String())
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			sort.Strings(list)
			out[table] = list
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func canonicalValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		// Quote is one to one, invalid bytes included: equal quotes are
		// equal bytes.
		return strconv.Quote(x)
	case []byte:
		return "bytes:" + hex.EncodeToString(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return store.Instant(x).Format(time.RFC3339Nano)
	default:
		return fmt.Sprintf("%T:%v", v, v)
	}
}

// sameRows reports the first table whose rows differ, byte for byte.
func sameRows(t *testing.T, want, got map[string][]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d tables restored; want %d", len(got), len(want))
	}
	for table, rows := range want {
		if !reflect.DeepEqual(rows, got[table]) {
			for i := range rows {
				if i >= len(got[table]) || rows[i] != got[table][i] {
					t.Fatalf("table %s differs at row %d:\n got  %.300q\n want %.300q", table, i, at(got[table], i), rows[i])
				}
			}
			t.Fatalf("table %s holds %d rows; want %d", table, len(got[table]), len(rows))
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

func verifyTrail(t *testing.T, db *store.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Breaks) != 0 {
		t.Fatalf("audit verify on %s: %v", db.Where, rep.Breaks)
	}
	return rep
}

// checkTrail is what holdspace restore passes: the restore fails unless
// the restored copy's audit trail verifies. It counts its calls in *calls.
func checkTrail(calls *int) func(context.Context, *store.DB) error {
	return func(ctx context.Context, db *store.DB) error {
		*calls++
		rep, err := audit.Verify(ctx, db)
		if err == nil && len(rep.Breaks) > 0 {
			err = rep.Breaks[0]
		}
		return err
	}
}

func backupTo(t *testing.T, db *store.DB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.hsbak")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(ctx, f, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// emptyTarget is a database of the dialect that holds nothing yet.
func emptyTarget(t *testing.T, dialect string) (store.Options, bool) {
	t.Helper()
	if dialect == "postgres" {
		return storetest.PostgresOptions(t)
	}
	return store.Options{DataDir: t.TempDir()}, true
}

func source(t *testing.T, dialect string) *store.DB {
	t.Helper()
	if dialect == "postgres" {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

func openT(t *testing.T, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAwkwardTextSurvivesBackupAndRestoreByteForByte(t *testing.T) {
	for _, tc := range []struct{ from, to string }{
		{"sqlite", "sqlite"}, {"sqlite", "postgres"}, {"postgres", "sqlite"}, {"postgres", "postgres"},
	} {
		t.Run(tc.from+" to "+tc.to, func(t *testing.T) {
			target, ok := emptyTarget(t, tc.to)
			if !ok {
				return
			}
			src := source(t, tc.from)
			if src == nil {
				return
			}
			var values []string
			for _, a := range awkward {
				// PostgreSQL's text type holds neither; such text must be
				// re-encoded before it can go there (see the repair test).
				if portable(a.value) || (tc.from == "sqlite" && tc.to == "sqlite") {
					values = append(values, a.value)
				}
			}
			writeAwkward(t, src, values)
			verifyTrail(t, src)
			path := backupTo(t, src)
			checked := 0
			sum, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Check: checkTrail(&checked)})
			if err != nil {
				t.Fatal(err)
			}
			if checked != 1 || !sum.Digested {
				t.Fatalf("checked %v, digested %v; want both", checked, sum.Digested)
			}
			restored := openT(t, target)
			sameRows(t, dumpAll(t, src), dumpAll(t, restored))
			rep := verifyTrail(t, restored)
			if rep.Entries != int64(len(values)) || rep.Reencoded != 0 {
				t.Fatalf("restored trail: %d entries, %d re-encoded; want %d and 0", rep.Entries, rep.Reencoded, len(values))
			}
			// And one value read the ordinary way, to be sure the
			// comparison above compares what a reader gets.
			var got string
			restored.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT reaction FROM allergy WHERE id = ?`, "0193b000-0000-7000-8000-000000000000").Scan(&got)
			})
			if got != values[0] {
				t.Fatalf("first allergy's reaction is %q; want %q", got, values[0])
			}
		})
	}
}

// rewrite decompresses a backup, lets edit change its text and compresses
// it again, as someone with the file and a shell could.
func rewrite(t *testing.T, path string, edit func([]byte) []byte) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	changed := edit(bytes.Clone(plain))
	if bytes.Equal(changed, plain) {
		t.Fatal("the edit changed nothing")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(changed)
	zw.Close()
	out := filepath.Join(t.TempDir(), "edited.hsbak")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func replaceOnce(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

// A target that already holds records, for restores that must leave it
// alone.
func occupiedTarget(t *testing.T, dialect string) (store.Options, map[string][]string, bool) {
	t.Helper()
	o, ok := emptyTarget(t, dialect)
	if !ok {
		return o, nil, false
	}
	db := openT(t, o)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	writeAwkward(t, db, []string{"already here"})
	return o, dumpAll(t, db), true
}

func TestABackupWithOneChangedByteIsRefusedAndChangesNothing(t *testing.T) {
	src := storetest.SQLite(t)
	writeAwkward(t, src, []string{"penicillin"})
	path := backupTo(t, src)
	digest := regexp.MustCompile(`"sha256":"([0-9a-f])`)
	cases := []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"one letter of an allergy", replaceOnce(`"penicillin","penicillin"`, `"penicillin","penicillim"`), "does not match the digest"},
		{"one byte of an audit entry", replaceOnce(`"192.0.2.1"`, `"192.0.2.2"`), "does not match the digest"},
		{"the schema version in the header", func(b []byte) []byte {
			return regexp.MustCompile(`"schema_version":\d+`).ReplaceAll(b, []byte(`"schema_version":1`))
		}, "does not match the digest"},
		{"the digest itself", func(b []byte) []byte {
			return digest.ReplaceAllFunc(b, func(m []byte) []byte {
				if m[len(m)-1] == '0' {
					m[len(m)-1] = '1'
				} else {
					m[len(m)-1] = '0'
				}
				return m
			})
		}, "does not match the digest"},
		{"a line added after the end", func(b []byte) []byte { return append(b, []byte("[\"more\"]\n")...) }, "goes on after its last line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := rewrite(t, path, tc.edit)
			for _, dialect := range []string{"sqlite", "postgres"} {
				t.Run(dialect, func(t *testing.T) {
					target, before, ok := occupiedTarget(t, dialect)
					if !ok {
						return
					}
					calls := 0
					_, err := store.RestoreFile(ctx, target, bad, store.RestoreOptions{Force: true, Check: checkTrail(&calls)})
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("restore of an edited backup: %v; want a refusal saying %q", err, tc.want)
					}
					if calls != 0 {
						t.Fatal("the check ran on a backup that should have been refused before anything was written")
					}
					sameRows(t, before, dumpAll(t, openT(t, target)))
				})
			}
		})
	}
}

// Backups written before the digest existed still restore when asked to,
// and restore says that there was no digest to check; unasked, they are
// refused, so an edited file cannot pass by claiming to be that old.
func TestAFormatOneBackupRestoresOnlyWhenAskedFor(t *testing.T) {
	src := storetest.SQLite(t)
	writeAwkward(t, src, []string{"penicillin"})
	old := rewrite(t, backupTo(t, src), func(b []byte) []byte {
		b = bytes.Replace(b, []byte(`"format_version":2`), []byte(`"format_version":1`), 1)
		return regexp.MustCompile(`,"sha256":"[0-9a-f]+"`).ReplaceAll(b, nil)
	})
	target := store.Options{DataDir: t.TempDir()}
	calls := 0
	if _, err := store.RestoreFile(ctx, target, old, store.RestoreOptions{Check: checkTrail(&calls)}); err == nil || !strings.Contains(err.Error(), "--allow-undigested") {
		t.Fatalf("restore of a format-1 backup unasked: %v; want a refusal naming --allow-undigested", err)
	}
	if _, err := os.Stat(filepath.Join(target.DataDir, store.SQLiteFile)); err == nil {
		t.Fatal("the refused restore created a database")
	}
	sum, err := store.RestoreFile(ctx, target, old, store.RestoreOptions{Undigested: true, Check: checkTrail(&calls)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Digested || calls != 1 {
		t.Fatalf("digested %v, checked %d times; want false and once", sum.Digested, calls)
	}
	sameRows(t, dumpAll(t, src), dumpAll(t, openT(t, target)))
}

func TestRestoreIntoPostgresRefusesTextItCannotStore(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"invalid UTF-8", "hives \xff", "not valid UTF-8"},
		{"NUL", "hives\x00", "NUL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target, ok := storetest.PostgresOptions(t)
			if !ok {
				return
			}
			src := storetest.SQLite(t)
			fill(t, src)
			err := src.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO allergy (id, practice_id, client_id, substance, reaction, recorded_by, recorded_at)
					VALUES ('a1', ?, ?, 'latex', ?, ?, ?)`, practiceID, clientID, tc.value, staffID, time.Now())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = store.RestoreFile(ctx, target, backupTo(t, src), store.RestoreOptions{})
			for _, want := range []string{"allergy", "reaction", tc.want, "migrate up", "nothing was restored"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("restore: %v; want a refusal naming %q", err, want)
				}
			}
			if n := pgTables(t, target); n != 0 {
				t.Fatalf("the refused restore left %d tables in the target", n)
			}
		})
	}
}

func pgTables(t *testing.T, o store.Options) int {
	t.Helper()
	db, err := sql.Open("pgx", o.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// tamper edits an audit entry around the triggers, as the database's owner
// could.
func tamper(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	err := db.Write(ctx, func(tx *store.Tx) error {
		if db.Dialect().Name() == "sqlite" {
			if _, err := tx.Exec(ctx, `DROP TRIGGER audit_event_no_update`); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `ALTER TABLE audit_event DISABLE TRIGGER USER`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if db.Dialect().Name() == "postgres" {
			_, err := tx.Exec(ctx, `ALTER TABLE audit_event ENABLE TRIGGER USER`)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A backup whose audit trail does not verify is refused after the rows are
// read: the SQLite database it would replace stays as it was, and a
// PostgreSQL target is not left holding a copy that looks restored.
func TestARestoreWhoseAuditTrailIsBrokenFailsAndLeavesNoCopy(t *testing.T) {
	src := storetest.SQLite(t)
	writeAwkward(t, src, []string{"first", "second"})
	tamper(t, src, `UPDATE audit_event SET reason = 'nothing happened' WHERE seq = 1`)
	path := backupTo(t, src)
	t.Run("sqlite over records", func(t *testing.T) {
		target, before, _ := occupiedTarget(t, "sqlite")
		calls := 0
		_, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Force: true, Check: checkTrail(&calls)})
		if err == nil || !strings.Contains(err.Error(), "broken at entry 1") || !strings.Contains(err.Error(), "left as it was") {
			t.Fatalf("restore: %v; want the broken chain named and the database left alone", err)
		}
		sameRows(t, before, dumpAll(t, openT(t, target)))
		leftovers, _ := filepath.Glob(filepath.Join(target.DataDir, ".restore-*"))
		if len(leftovers) != 0 {
			t.Fatalf("the refused copy was left behind: %v", leftovers)
		}
	})
	t.Run("sqlite, fresh", func(t *testing.T) {
		target := store.Options{DataDir: t.TempDir()}
		calls := 0
		if _, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Check: checkTrail(&calls)}); err == nil {
			t.Fatal("restore of a broken trail succeeded")
		}
		if _, err := os.Stat(filepath.Join(target.DataDir, store.SQLiteFile)); err == nil {
			t.Fatal("a restore that failed its check left a database where there was none")
		}
	})
	t.Run("postgres", func(t *testing.T) {
		target, ok := storetest.PostgresOptions(t)
		if !ok {
			return
		}
		calls := 0
		_, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Check: checkTrail(&calls)})
		if err == nil || !strings.Contains(err.Error(), "broken at entry 1") || !strings.Contains(err.Error(), "removed again") {
			t.Fatalf("restore: %v; want the broken chain named and the copy removed", err)
		}
		if n := pgTables(t, target); n != 0 {
			t.Fatalf("%d tables left in the target after a restore that failed its check", n)
		}
	})
}
