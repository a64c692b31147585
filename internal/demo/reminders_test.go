package demo

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/reminder"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Alex's third session has both reminders on record and today's fourth
// the one before it, sent two days ahead; sessions 5 and 6 have none. All
// were delivered at the time, and the reminder worker finds nothing to
// send when the demo starts.
func TestTheDemoReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var now time.Time
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			now = w.now
			want := map[int][]reminder.Kind{3: {reminder.Before, reminder.After}, 4: {reminder.Before}, 5: nil, 6: nil}
			for number, kinds := range want {
				var session string
				var at time.Time
				if err := tx.QueryRow(ctx, `SELECT id, scheduled_at FROM course_session WHERE client_id = ? AND session_number = ? AND status IN ('booked', 'held')`,
					w.clients["alex"], number).Scan(&session, &at); err != nil {
					return err
				}
				sent, err := reminder.ForSession(ctx, tx, session)
				if err != nil {
					return err
				}
				if len(sent) != len(kinds) {
					t.Errorf("Alex's session %d reminders: %+v; want %v", number, sent, kinds)
					continue
				}
				for i, s := range sent {
					if s.Kind != kinds[i] || !s.SessionAt.Equal(at) || !s.QueuedAt.Before(now) {
						t.Errorf("Alex's session %d reminder %d: %+v; want %s for %s, before now", number, i, s, kinds[i], at)
					}
				}
				if number == 4 && len(sent) == 1 && !sent[0].QueuedAt.Equal(at.Add(-48*time.Hour)) {
					t.Errorf("session 4's reminder queued at %s; want two days before %s", sent[0].QueuedAt, at)
				}
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM outbox o JOIN reminder_sent r ON r.outbox_id = o.id WHERE o.sent_at IS NULL`).Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("%d demo reminders waiting to be mailed", n)
			}
			rs, err := reminder.Load(ctx, tx, w.practiceID)
			if err != nil {
				return err
			}
			if rs.Phone == "" || rs.Place == "" {
				t.Errorf("the demo practice has no phone or place for its reminders: %+v", rs)
			}
			return nil
		})
		if n, err := (&reminder.Worker{DB: db}).Tick(context.Background(), now); err != nil || n != 0 {
			t.Errorf("the reminder worker at the demo's start: %d queued, %v; want none", n, err)
		}
	})
}
