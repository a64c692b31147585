package demo

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/reminder"
)

// reminders puts on record what the worker would have sent by now (the
// practice's phone and address in them are the owner's, from settle), all delivered at the time: both reminders of Alex's third session
// (held five days ago) and the reminder before today's fourth, sent two
// days before it. Sessions 5 and 6 are more than two days away, so their
// reminders are the worker's to send when the window opens, and starting
// the demo mails nobody.
func (w *world) reminders() error {
	rs, err := reminder.Load(w.ctx, w.tx, w.practiceID)
	if err != nil {
		return fmt.Errorf("demo reminders: %w", err)
	}
	window := time.Duration(rs.HoursBefore) * time.Hour
	for _, s := range []struct {
		number int
		status string
		// sent gives the reminders of the session at at.
		sent func(at time.Time) map[reminder.Kind]time.Time
	}{
		{3, "held", func(at time.Time) map[reminder.Kind]time.Time {
			return map[reminder.Kind]time.Time{reminder.Before: at.Add(-window + time.Hour), reminder.After: at.Add(3 * time.Hour)}
		}},
		// Under way now, so still booked: only the reminder before.
		{4, "booked", func(at time.Time) map[reminder.Kind]time.Time {
			return map[reminder.Kind]time.Time{reminder.Before: at.Add(-window)}
		}},
	} {
		var session string
		var at time.Time
		err := w.tx.QueryRow(w.ctx, `SELECT id, scheduled_at FROM course_session WHERE client_id = ? AND session_number = ? AND status = ?`,
			w.clients["alex"], s.number, s.status).Scan(&session, &at)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the courses part has not run
		}
		if err != nil {
			return err
		}
		for _, kind := range reminder.Kinds() {
			when, ok := s.sent(at)[kind]
			if !ok {
				continue
			}
			queued, err := reminder.Record(w.ctx, w.tx, session, kind, when)
			if err != nil || !queued {
				return fmt.Errorf("demo reminder %s of session %d: queued %v, %w", kind, s.number, queued, err)
			}
			// Delivered at the time: the demo must not mail anyone on start.
			if _, err := w.tx.Exec(w.ctx, `UPDATE outbox SET sent_at = ?, attempts = 1 WHERE id = (SELECT outbox_id FROM reminder_sent WHERE course_session_id = ? AND kind = ?)`,
				when.UTC().Add(time.Minute), session, string(kind)); err != nil {
				return err
			}
		}
	}
	return nil
}
