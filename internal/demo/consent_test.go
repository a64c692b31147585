package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/consent"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo practice's consents: most clients current, Robert asked to sign
// version 2, Maya's telehealth consent withdrawn, Jamie not yet signed.
func TestTheDemoConsents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ring, _ := keyring.New(make([]byte, 32))
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		o := Options{Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1), Keys: ring}
		if _, err := Load(ctx, db, o, now); err != nil {
			t.Fatal(err)
		}
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
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM consent_signature`).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				if err := w.consent(); err != nil {
					return err
				}
			}
			kap, err := consent.Published(ctx, tx, w.practiceID)
			if err != nil {
				return err
			}
			if kap[0].Kind != consent.KAPTreatment || kap[0].Number != 2 || !strings.Contains(kap[0].Body, "layered clothing") {
				t.Errorf("treatment consent in force: %+v; want version 2", kap[0].Label())
			}
			for key, id := range w.clients {
				ok, missing, err := consent.Current(ctx, tx, w.practiceID, id)
				if err != nil {
					return err
				}
				docs, err := consent.ClientStatus(ctx, tx, w.practiceID, id)
				if err != nil {
					return err
				}
				status := map[consent.Kind]consent.Status{}
				for _, d := range docs {
					status[d.Kind] = d.Status
				}
				switch key {
				case "alex", "daniel", "priscilla":
					if !ok {
						t.Errorf("%s: consent not current (missing %q)", key, missing)
					}
				case "maya":
					if !ok || status[consent.Telehealth] != consent.StatusRevoked {
						t.Errorf("maya: current %v, telehealth %s; want current with telehealth revoked", ok, status[consent.Telehealth])
					}
				case "robert":
					if ok || status[consent.KAPTreatment] != consent.StatusReconsent {
						t.Errorf("robert: current %v, treatment consent %s; want re-consent", ok, status[consent.KAPTreatment])
					}
				case "jamie":
					if ok || status[consent.KAPTreatment] != consent.StatusNeeded {
						t.Errorf("jamie: current %v, treatment consent %s; want not signed", ok, status[consent.KAPTreatment])
					}
				}
			}
			sigs, err := consent.History(ctx, tx, w.practiceID, w.clients["alex"])
			for _, s := range sigs {
				if s.Kind == consent.KAPTreatment && (s.Countersignature == nil || !s.Verified) {
					t.Errorf("alex's treatment consent: %+v; want countersigned and verified", s)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
