package demo

import (
	"context"
	"testing"

	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo's score histories make a dashboard with responders, a remitter
// and a non-responder, a stopped course, the PCL-5 followed for the PTSD
// client, no safety-positive answer, and Alex's baseline and pre-session
// scores for the sessions so far.
func TestTheDemoScoreHistories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM measure_response WHERE safety_positive = ? OR submitted_at > ?`, true, w.now).Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("%d demo responses are safety-positive or in the future", n)
			}
			cat, err := instrument.Load()
			if err != nil {
				return err
			}
			o, err := measure.ComputeOutcomes(ctx, tx, cat, w.practiceID, measure.OutcomeFilter{})
			if err != nil {
				return err
			}
			if o.Completed < 4 || o.Stopped < 1 || len(o.Stops) == 0 {
				t.Errorf("courses: %+v", o)
			}
			var end *measure.OutcomeRow
			var pcl bool
			for i, r := range o.Rows {
				if r.Group == "All courses" && r.Instrument == "phq9" && r.Occasion == safety.OccasionCourseEnd {
					end = &o.Rows[i]
				}
				pcl = pcl || r.Instrument == "pcl5"
			}
			if end == nil || end.N != 4 || end.Response.Num != 3 || end.Remission.Num != 1 || !pcl {
				t.Errorf("PHQ-9 at course end: %+v; PCL-5 rows %v; want n 4, 3 responders, 1 remitter", end, pcl)
			}
			sched, err := measure.ClientSchedule(ctx, tx, w.practiceID, w.clients["alex"], w.now)
			if err != nil {
				return err
			}
			status := map[string]safety.DueStatus{}
			for _, d := range sched[0].Items {
				status[d.Instrument+" "+d.Occasion] = d.Status
			}
			for k, v := range map[string]safety.DueStatus{"phq9 baseline": safety.StatusCompleted, "gad7 baseline": safety.StatusCompleted,
				"phq9 pre_session:1": safety.StatusCompleted, "phq9 pre_session:3": safety.StatusCompleted} {
				if status[k] != v {
					t.Errorf("Alex %s: %s, want %s", k, status[k], v)
				}
			}
			return nil
		})
	})
}
