package demo

import (
	"context"
	"testing"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo calendar: two rooms, Alex's six sessions as appointments (three
// held, today's under way, two booked), a fortnight around them and a
// group next week, with no double booking of anyone.
func TestTheDemoSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			var held, booked, groups, clashes int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment a JOIN appointment_client c ON c.appointment_id = a.id
				WHERE c.client_id = ? AND a.kind = 'medicine_session' AND a.status = 'held'`, w.clients["alex"]).Scan(&held); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment a JOIN appointment_client c ON c.appointment_id = a.id
				WHERE c.client_id = ? AND a.kind = 'medicine_session' AND a.status = 'booked'`, w.clients["alex"]).Scan(&booked); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment WHERE kind = 'group_session'`).Scan(&groups); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment a JOIN appointment_staff x ON x.appointment_id = a.id
				JOIN appointment b ON b.id <> a.id JOIN appointment_staff y ON y.appointment_id = b.id AND y.staff_id = x.staff_id
				WHERE a.status IN ('booked', 'held') AND b.status IN ('booked', 'held') AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at`).Scan(&clashes); err != nil {
				return err
			}
			if held != 3 || booked != 3 || groups != 1 || clashes != 0 {
				t.Errorf("Alex: %d held, %d booked medicine sessions (want 3, 3); %d groups (want 1); %d clashes (want 0)", held, booked, groups, clashes)
			}
			return nil
		})
	})
}
