package demo

import (
	"context"
	"testing"

	"holdspace/internal/alert"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The practice has someone on call; Alex has a plan in two versions,
// check-ins after the held sessions with one missed, and one past alert acknowledged and closed with its steps;
// Maya has exactly one open, unacknowledged alert from two hours ago.
func TestTheDemoSafety(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			var n int
			hist, err := alert.PlanHistory(ctx, tx, w.practiceID, w.clients["alex"])
			if err != nil || len(hist) != 2 {
				t.Fatalf("Alex's plan versions: %d, %v", len(hist), err)
			}
			cis, err := alert.CheckIns(ctx, tx, w.practiceID, w.clients["alex"])
			if err != nil {
				return err
			}
			missed, answered := 0, 0
			for _, k := range cis {
				if k.MissedAt != nil {
					missed++
				}
				if k.Answered() {
					answered++
				}
			}
			// Three held sessions, four check-ins each (days 1, 3, 7, 14);
			// the eight already open are answered but one, which was missed.
			if len(cis) != 12 || missed != 1 || answered != 7 {
				t.Errorf("Alex's check-ins: %d, %d missed, %d answered; want 12, 1, 7", len(cis), missed, answered)
			}
			st, err := alert.LoadSettings(ctx, tx, w.practiceID)
			if err != nil {
				return err
			}
			if p, ok := st.Escalation.OnCall.At(w.now, st.Zone); !ok || p.StaffID != w.staff["rx"] {
				t.Errorf("nobody is on call in the demo practice (%+v)", st.Escalation.OnCall)
			}
			if err := st.Validate(); err != nil {
				t.Errorf("the demo's safety settings would be refused: %v", err)
			}
			list, err := alert.List(ctx, tx, w.practiceID, alert.Filter{Since: w.now.AddDate(0, 0, -30)})
			if err != nil {
				return err
			}
			open := 0
			for _, a := range list {
				if a.Open() {
					open++
					if a.ClientID != w.clients["maya"] || w.now.Sub(a.RaisedAt).Hours() != 2 {
						t.Errorf("open alert %+v, want Maya's from two hours ago", a.Alert)
					}
				} else {
					_, evs, err := alert.Get(ctx, tx, w.practiceID, a.ID)
					if err != nil {
						return err
					}
					if a.ClientID != w.clients["alex"] || a.Acknowledgement == nil || len(evs) < 4 {
						t.Errorf("past alert %+v with %d steps", a.Alert, len(evs))
					}
				}
			}
			if open != 1 || len(list) != 2 {
				t.Errorf("alerts: %d open of %d, want 1 of 2", open, len(list))
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND subject LIKE 'Safety alert%'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d demo alert emails waiting to be mailed (%v)", n, err)
			}
			return nil
		})
	})
}
