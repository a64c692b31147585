package store_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// oldDatabase is a SQLite database as an older holdspace left it: raw
// invalid bytes and NUL in clinical text and in audit entries' user agents
// (one on a practice's chain, one on the system chain), and the
// re-encoding migration not yet applied.
func oldDatabase(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateUpTo(ctx, store.ReencodeVersion-1); err != nil {
		t.Fatal(err)
	}
	writeAwkward(t, db, []string{"Mozilla \xff\xfe", "hives\x00", "caf\xc3", "fine"})
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := audit.Append(ctx, tx, audit.Entry{At: time.Now(), ActorKind: "anonymous", Action: "sign_in.failed", UserAgent: "curl\x80"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// What the bug report saw: the raw bytes hash as they were written.
	verifyTrail(t, db)
	return db
}

func unportableValues(t *testing.T, db *store.DB) []string {
	t.Helper()
	var bad []string
	for table, rows := range dumpAll(t, db) {
		for _, r := range rows {
			if strings.Contains(r, `\x`) {
				bad = append(bad, table+": "+r[:min(len(r), 200)])
			}
		}
	}
	return bad
}

func TestTheReencodingMigrationRepairsOldTextAndTheTrailAccountsForIt(t *testing.T) {
	db := oldDatabase(t)
	if bad := unportableValues(t, db); len(bad) == 0 {
		t.Fatal("the old database holds no text PostgreSQL would refuse; the test would prove nothing")
	}
	if target, ok := storetest.PostgresOptions(t); ok {
		if _, err := store.RestoreFile(ctx, target, backupTo(t, db), store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "migrate up") {
			t.Fatalf("restore into PostgreSQL before the repair: %v; want a refusal that says to migrate", err)
		}
	}

	n, err := db.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("Migrate applied %d (%v); want the re-encoding and those after it", n, err)
	}
	if bad := unportableValues(t, db); len(bad) != 0 {
		t.Fatalf("text left unrepaired: %v", bad)
	}
	var reaction, name string
	db.Read(ctx, func(tx *store.Tx) error {
		tx.QueryRow(ctx, `SELECT reaction FROM allergy WHERE id = ?`, "0193b000-0000-7000-8000-000000000001").Scan(&reaction)
		return tx.QueryRow(ctx, `SELECT name FROM medication WHERE id = ?`, "0193c000-0000-7000-8000-000000000000").Scan(&name)
	})
	if reaction != "hives\ufffd" || name != "Mozilla \ufffd" {
		t.Fatalf("repaired to %q and %q; want NUL and each bad sequence as U+FFFD", reaction, name)
	}

	rep := verifyTrail(t, db)
	// Three practice entries (user agent and reason each) and the system one.
	if rep.Reencoded != 4 {
		t.Fatalf("verify accounted for %d re-encoded entries; want 4", rep.Reencoded)
	}
	chains := map[string]int{}
	db.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.Query(ctx, `SELECT chain, reason FROM audit_event WHERE action = ?`, audit.ActionReencoded)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var c, reason string
			r.Scan(&c, &reason)
			chains[c]++
			if !strings.Contains(reason, `"table":"allergy"`) && c == practiceID {
				t.Errorf("the practice's repair entry does not name the allergies: %.300s", reason)
			}
		}
		return nil
	})
	if chains[practiceID] != 1 || chains[audit.SystemChain] != 1 {
		t.Fatalf("repair entries per chain %v; want one on the practice's and one on the system chain", chains)
	}

	// The trail is append-only again.
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE audit_event SET reason = 'x'`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("updating the trail after the repair: %v; want the append-only refusal", err)
	}
	// Running the repair again finds nothing and records nothing.
	if again, err := db.RepairText(ctx); err != nil || again != 0 {
		t.Fatalf("a second repair changed %d rows (%v); want 0", again, err)
	}
	if verifyTrail(t, db).Entries != rep.Entries {
		t.Fatal("a repair that changed nothing added entries")
	}

	// Now it moves to PostgreSQL and back, and verifies there.
	path := backupTo(t, db)
	for _, dialect := range []string{"postgres", "sqlite"} {
		t.Run("restored into "+dialect, func(t *testing.T) {
			target, ok := emptyTarget(t, dialect)
			if !ok {
				return
			}
			calls := 0
			if _, err := store.RestoreFile(ctx, target, path, store.RestoreOptions{Check: checkTrail(&calls)}); err != nil || calls != 1 {
				t.Fatalf("restore: %v (checked %d times)", err, calls)
			}
			restored := openT(t, target)
			sameRows(t, dumpAll(t, db), dumpAll(t, restored))
			if got := verifyTrail(t, restored); got.Reencoded != 4 || got.Entries != rep.Entries {
				t.Fatalf("restored trail: %+v; want %d entries, 4 re-encoded", got, rep.Entries)
			}
		})
	}
}

// The repair entry accounts for one exact change to each entry it names;
// any other change, to an entry or to the repair entry's own list, still
// breaks the chain.
func TestAfterTheRepairTheTrailStillShowsEveryOtherChange(t *testing.T) {
	cases := []struct{ name, query string }{
		{"a repaired entry changed again", `UPDATE audit_event SET user_agent = 'Mozilla' WHERE user_agent = 'Mozilla ` + "\ufffd" + `'`},
		{"a repaired entry's other field changed", `UPDATE audit_event SET address = '198.51.100.7' WHERE user_agent = 'Mozilla ` + "\ufffd" + `'`},
		{"the repair entry's list edited", `UPDATE audit_event SET reason = REPLACE(reason, '"after":"', '"after":"0') WHERE action = 'text.reencoded'`},
		{"an entry the repair did not name changed", `UPDATE audit_event SET user_agent = 'edited' WHERE user_agent = 'fine'`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := oldDatabase(t)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			verifyTrail(t, db)
			tamper(t, db, tc.query)
			rep, err := audit.Verify(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Breaks) == 0 {
				t.Fatal("verify found nothing")
			}
		})
	}
}

// The command `holdspace migrate up` repairs text right after migrating, on
// the same connection that ran the re-encoding migration before later
// migrations added columns to the tables it read. On PostgreSQL a
// statement prepared then must not be reused with its old result type.
func TestRepairingTextRightAfterMigratingAFreshDatabaseSucceeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n, err := db.RepairText(ctx)
		if err != nil {
			t.Fatalf("repairing text right after migrating: %v", err)
		}
		if n != 0 {
			t.Errorf("a fresh database had %d rows to repair, want 0", n)
		}
	})
}
