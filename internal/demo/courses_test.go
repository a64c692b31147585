package demo

import (
	"context"
	"testing"

	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo courses: Alex active and on track, Maya stalled for the missed
// session, Daniel planned.
func TestTheDemoCourses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			want := map[string]struct {
				status  dosing.CourseStatus
				stalled bool
				held    int
			}{"alex": {dosing.CourseActive, false, 3}, "maya": {dosing.CourseActive, true, 1}, "daniel": {dosing.CoursePlanned, false, 0}}
			for key, wnt := range want {
				ms, err := settings.MedicineSettings(ctx, tx, w.practiceID)
				if err != nil {
					return err
				}
				list, err := course.List(ctx, tx, w.clients[key], w.now, ms.Course)
				if err != nil {
					return err
				}
				if len(list) != 1 {
					t.Fatalf("%s: %d courses; want 1", key, len(list))
				}
				c := list[0]
				if c.Status != wnt.status || c.Stalled != wnt.stalled || c.Held() != wnt.held {
					t.Errorf("%s: %s, stalled %v (%s), %d held; want %s, %v, %d", key, c.Status, c.Stalled, c.StallReason, c.Held(), wnt.status, wnt.stalled, wnt.held)
				}
				if key == "alex" && (len(c.Changes) != 1 || len(c.Sessions) != 6) {
					t.Errorf("alex: %d dose changes, %d sessions; want 1 and 6", len(c.Changes), len(c.Sessions))
				}
			}
			return nil
		})
	})
}
