package demo

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Alex has three signed session records and today's in progress, with the next reading due
// soon; the summaries of the signed ones are shared, the process notes are not.
func TestSessionRecordsDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			list, err := sessionrecord.List(ctx, tx, w.clients["alex"])
			if err != nil {
				return err
			}
			if len(list) != 4 {
				t.Fatalf("%d records, want 4", len(list))
			}
			zone, _ := time.LoadLocation("America/New_York")
			now := w.now.In(zone)
			byNumber := map[int]sessionrecord.Overview{}
			for _, o := range list {
				byNumber[o.SessionNumber] = o
			}
			for n := 1; n <= 3; n++ {
				o := byNumber[n]
				if o.Status != sessionrecord.Signed {
					t.Errorf("session %d is %s", n, o.Status)
					continue
				}
				r, err := sessionrecord.Load(ctx, tx, w.clients["alex"], o.ID, sessionrecord.View{StaffID: w.staff["sam"], Now: now})
				if err != nil {
					return err
				}
				if err := sessionrecord.Verify(r); err != nil {
					t.Errorf("session %d: %v", n, err)
				}
				if len(r.Readings) < 7 || r.Summary == nil || len(r.ProcessNotes) != 1 || r.Discharge == nil || r.OpenAlerts != 0 {
					t.Errorf("session %d: %d readings, summary %v, %d process notes, discharge %v", n, len(r.Readings), r.Summary != nil, len(r.ProcessNotes), r.Discharge != nil)
				}
				var status string
				if err := tx.QueryRow(ctx, `SELECT status FROM course_session WHERE id = ?`, r.CourseSessionID).Scan(&status); err != nil {
					return err
				}
				if status != "held" {
					t.Errorf("session %d's booking is %s", n, status)
				}
			}
			today := byNumber[4]
			r, err := sessionrecord.Load(ctx, tx, w.clients["alex"], today.ID, sessionrecord.View{StaffID: w.staff["sam"], Now: now})
			if err != nil {
				return err
			}
			if r.Status != sessionrecord.InProgress || len(r.Doses) != 1 || r.NextReading == nil {
				t.Fatalf("today: %s, %d doses", r.Status, len(r.Doses))
			}
			if due := r.NextReading.DueAt.Sub(now); due < 0 || due > 20*time.Minute {
				t.Errorf("next reading due in %s", due)
			}
			shared, err := sessionrecord.SharedSummaries(ctx, tx, w.clients["alex"])
			if len(shared) != 3 {
				t.Errorf("%d shared summaries", len(shared))
			}
			return err
		})
	})
}
