package demo

import (
	"log/slog"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/reminder"
)

// reminders runs the practice's reminder worker when it would have found
// something to send around Alex's sessions, and delivers what it queued at
// once: the reminder before each session (session 1's as soon as it was
// booked, the day before; the others two days ahead, less an hour for
// sessions 2 and 3), the aftercare email three hours after each held one.
// The reminder before today's fourth session went two days before it.
// Sessions 5 and 6 are more than two days away, so their reminders are
// the worker's to send when the window opens, and starting the demo mails
// nobody. The practice's phone and address in them are the owner's, from
// settle.
func (w *world) reminders(t *timeline) {
	at := w.medicineSessions()
	w.remind(t, w.day(-14, 9, 35))
	for n := 1; n <= 3; n++ {
		if n > 1 {
			w.remind(t, at[n].Add(-47*time.Hour))
		}
		w.remind(t, at[n].Add(3*time.Hour))
	}
	w.remind(t, at[4].Add(-48*time.Hour))
}

// remind is one pass of the reminder worker at when, then the mail.
func (w *world) remind(t *timeline, when time.Time) {
	t.at(when, func() error {
		wk := &reminder.Worker{DB: w.db, Log: slog.New(slog.DiscardHandler)}
		if _, err := wk.Tick(w.ctx, w.clock.Now()); err != nil {
			return err
		}
		return w.deliver()
	})
}

// watch is one pass of the safety worker at when (escalations, check-ins
// planned, opened and missed), then the mail.
func (w *world) watch(t *timeline, when time.Time) {
	t.at(when, func() error {
		wk := &alert.Worker{DB: w.db, BaseURL: baseURL}
		if _, err := wk.Tick(w.ctx, w.clock.Now()); err != nil {
			return err
		}
		return w.deliver()
	})
}
