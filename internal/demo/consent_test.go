package demo

import (
	"context"
	"strings"
	"testing"

	"holdspace/internal/consent"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo practice's consents: most clients current, Robert asked to sign
// version 2, Maya's telehealth consent withdrawn, Jamie not yet signed.
func TestTheDemoConsents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
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
	})
}
