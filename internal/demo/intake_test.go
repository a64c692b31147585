package demo

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/eligibility"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo clients stand at each stage of intake and screening.
func TestTheDemoIntakesAndScreenings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ring, _ := keyring.New(make([]byte, 32))
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		o := Options{Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1), Keys: ring}
		if _, err := Load(ctx, db, o, now); err != nil {
			t.Fatal(err)
		}
		status := map[string]eligibility.St{}
		err := db.Write(ctx, func(tx *store.Tx) error {
			w := &world{ctx: ctx, tx: tx, staff: map[string]string{}, clients: map[string]string{}, now: now, keys: ring}
			if err := tx.QueryRow(ctx, `SELECT id FROM practice WHERE slug = ?`, PracticeSlug).Scan(&w.practiceID); err != nil {
				return err
			}
			for _, s := range staff {
				var id string
				if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, s.email).Scan(&id); err != nil {
					return err
				}
				w.staff[s.key] = id
			}
			for _, c := range clients {
				var id string
				if err := tx.QueryRow(ctx, `SELECT id FROM client WHERE email = ?`, c.email).Scan(&id); err != nil {
					return err
				}
				w.clients[c.key] = id
			}
			// Load may already run this part once the lead wires it in.
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM intake`).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				if err := w.intake(); err != nil {
					return err
				}
			}
			for key, id := range w.clients {
				st, err := eligibility.Status(ctx, tx, id)
				if err != nil {
					return err
				}
				status[key] = st
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			key                        string
			submitted, blocked, settle bool
			outcome                    string
		}{
			{"jamie", false, false, false, ""},
			{"robert", true, true, false, "blocked"},
			{"priscilla", true, false, false, "needs_acknowledgement"},
			{"alex", true, false, true, "clear_with_cautions"},
			{"maya", true, false, true, "clear"},
			{"daniel", true, false, true, "needs_acknowledgement"},
		}
		for _, c := range cases {
			st := status[c.key]
			if st.IntakeSubmitted != c.submitted || st.Blocked != c.blocked || st.Settled != c.settle || st.Outcome != c.outcome {
				t.Errorf("%s: %+v; want submitted %v, blocked %v, settled %v, outcome %q", c.key, st, c.submitted, c.blocked, c.settle, c.outcome)
			}
		}
		if p := status["priscilla"].Pending; len(p) != 1 {
			t.Errorf("priscilla pending %v; want the prescriber's acknowledgement alone", p)
		}
	})
}
