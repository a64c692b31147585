package audit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var ctx = context.Background()

func appendN(t *testing.T, db *store.DB, chain string, n int) {
	t.Helper()
	at := time.Date(2026, 11, 23, 9, 0, 0, 123456789, time.UTC)
	for i := range n {
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := audit.Append(ctx, tx, audit.Entry{Chain: chain, At: at.Add(time.Duration(i) * time.Second),
				ActorKind: "staff", ActorID: "s1", Action: "client.read", RecordType: "client", RecordID: "c1", ClientID: "c1",
				Address: "127.0.0.1", UserAgent: "test", RequestID: "r"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verifyOK(t *testing.T, db *store.DB, wantEntries int64) {
	t.Helper()
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Breaks) != 0 || rep.Entries != wantEntries {
		t.Fatalf("verify: %d entries, breaks %v; want %d entries and no break", rep.Entries, rep.Breaks, wantEntries)
	}
}

func TestChainVerifiesAndEveryPracticeHasItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, "practice-a", 5)
		appendN(t, db, "practice-b", 3)
		verifyOK(t, db, 8)
		rep, _ := audit.Verify(ctx, db)
		if rep.Chains != 2 {
			t.Fatalf("%d chains; want 2", rep.Chains)
		}
	})
}

func TestTheDatabaseRefusesToChangeOrRemoveEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, "p", 2)
		for _, q := range []string{
			`UPDATE audit_event SET reason = 'edited'`,
			`DELETE FROM audit_event`,
		} {
			err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v; want the append-only refusal", q, err)
			}
		}
		verifyOK(t, db, 2)
	})
}

// tamper goes around the triggers, as someone with the database's owner
// rights could, to show that the chain still tells.
func tamper(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	err := db.Write(ctx, func(tx *store.Tx) error {
		if db.Dialect().Name() == "sqlite" {
			for _, s := range []string{`DROP TRIGGER audit_event_no_update`, `DROP TRIGGER audit_event_no_delete`} {
				if _, err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
		} else if _, err := tx.Exec(ctx, `ALTER TABLE audit_event DISABLE TRIGGER USER`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q, args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVerifyNamesTheFirstTamperedEntry(t *testing.T) {
	cases := []struct {
		name, query, want string
		wantSeq           int64
	}{
		{"content edited", `UPDATE audit_event SET reason = 'nothing to see' WHERE seq = 3`, "changed", 3},
		{"time edited", `UPDATE audit_event SET at = ? WHERE seq = 2`, "changed", 2},
		{"entry removed", `DELETE FROM audit_event WHERE seq = 4`, "missing", 5},
		{"last entry removed", `DELETE FROM audit_event WHERE seq = 6`, "removed from the end", 6},
		{"hash recomputed alone", `UPDATE audit_event SET actor_id = 'someone-else', hash = 'aa' WHERE seq = 2`, "changed", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				appendN(t, db, "p", 6)
				var args []any
				if strings.Contains(tc.query, "?") {
					args = append(args, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
				}
				tamper(t, db, tc.query, args...)
				rep, err := audit.Verify(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Breaks) != 1 {
					t.Fatalf("breaks %v; want one", rep.Breaks)
				}
				b := rep.Breaks[0]
				if b.Seq != tc.wantSeq || !strings.Contains(b.What, tc.want) {
					t.Fatalf("break at %d %q; want at %d mentioning %q", b.Seq, b.What, tc.wantSeq, tc.want)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneUnbrokenChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 8 {
			wg.Go(func() {
				for range 5 {
					err := db.Write(ctx, func(tx *store.Tx) error {
						_, err := audit.Append(ctx, tx, audit.Entry{Chain: "p", At: time.Now(), ActorKind: "staff",
							ActorID: "s", Action: "client.read", RecordID: string(rune('a' + i))})
						return err
					})
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		verifyOK(t, db, 40)
	})
}

func TestAnEntryThatCannotBeWrittenFailsTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES ('p', 'p', 'P', 'UTC', ?)`, time.Now()); err != nil {
				return err
			}
			_, err := audit.Append(ctx, tx, audit.Entry{Chain: "p"}) // no action: refused
			return err
		})
		if err == nil {
			t.Fatal("a change whose audit entry failed was committed")
		}
		var n int
		db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n) })
		if n != 0 {
			t.Fatal("the change was kept without its audit entry")
		}
	})
}
