package demo

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// loaded loads the demo practice into db and hands check the world as it
// was built (the ids of its practice, staff and clients), inside one
// transaction, so each capability's demo test reads what Load made.
func loaded(t *testing.T, db *store.DB, check func(ctx context.Context, tx *store.Tx, w *world) error) {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	o := Options{Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1), Keys: ring}
	if _, err := Load(ctx, db, o, now); err != nil {
		t.Fatal(err)
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		w := &world{ctx: ctx, staff: map[string]string{}, clients: map[string]string{}, now: now, keys: ring}
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
		return check(ctx, tx, w)
	})
	if err != nil {
		t.Fatal(err)
	}
}
