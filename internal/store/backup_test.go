package store_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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
