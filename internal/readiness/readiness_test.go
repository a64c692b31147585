package readiness_test

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/demo/demotest"
	"holdspace/internal/dosing"
	"holdspace/internal/readiness"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo's Alex has done every step of preparation; a client just added
// has done none, and the list names each missing step with who can do it.
func TestFactsFromEveryPartOfPreparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
		demotest.LoadAt(t, db, now)
		var practiceID, alex string
		fresh := store.NewID()
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT practice_id, id FROM client WHERE email = 'alex@client.example'`).Scan(&practiceID, &alex); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, 'Noor Haddad', ?)`, fresh, practiceID, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var ready, empty dosing.ReadinessFacts
		var list dosing.ReadinessList
		err = db.Read(ctx, func(tx *store.Tx) error {
			if ready, err = readiness.Facts(ctx, tx, practiceID, alex); err != nil {
				return err
			}
			if empty, err = readiness.Facts(ctx, tx, practiceID, fresh); err != nil {
				return err
			}
			list, err = readiness.List(ctx, tx, practiceID, fresh)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if missing := dosing.Readiness(ready).Missing(); len(missing) > 0 {
			t.Errorf("Alex is missing %+v", missing)
		}
		if empty.IntakeSubmitted || empty.PrescriberApproved || empty.ConsentsCurrent || empty.EscortName != "" || empty.PreparationSessionHeld || empty.InstructionsAcknowledged {
			t.Errorf("a new client has facts %+v", empty)
		}
		if len(list.Missing()) == 0 || list.Missing()[0].Missing == "" {
			t.Errorf("the new client's list names nothing missing: %+v", list)
		}
	})
}
