package reminder_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"holdspace/internal/config"
	"holdspace/internal/course"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/notify"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/reminder"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// t0 is the demo's now, 09:00 in New York. loadDemo's practice has Alex's
// fourth session under way (booked for 07:45, its reminder on record),
// the fifth booked three days later at 10:00 New York time, 2026-11-26
// 15:00 UTC, 73 hours ahead, and the sixth three days after that.
var t0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// fifth is when loadDemo books Alex's fifth session.
var fifth = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

type site struct {
	db                       *store.DB
	alex, course, rx, jordan string
	practice                 string
	// s4 and s5 are Alex's fourth and fifth sessions.
	s4, s5 string
}

// loadDemo loads the demo practice at t0 and checks the part of its story
// these tests count on, so that a change to the demo fails here plainly.
func loadDemo(t *testing.T, db *store.DB) site {
	t.Helper()
	ctx := context.Background()
	demotest.LoadAt(t, db, t0)
	s := site{db: db}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		// Mail the demo queued (invitations and the like) is not this test's.
		if _, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL`, t0); err != nil {
			return err
		}
		for _, q := range []struct {
			dst  *string
			sql  string
			args []any
		}{
			{&s.alex, `SELECT id FROM client WHERE email = ?`, []any{"alex@client.example"}},
			{&s.practice, `SELECT practice_id FROM client WHERE email = ?`, []any{"alex@client.example"}},
			{&s.rx, `SELECT id FROM staff WHERE email = ?`, []any{"prescriber@stillwater.example"}},
			{&s.jordan, `SELECT id FROM staff WHERE email = ?`, []any{"monitor@stillwater.example"}},
		} {
			if err := tx.QueryRow(ctx, q.sql, q.args...).Scan(q.dst); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alex).Scan(&s.course); err != nil {
			return err
		}
		var at4, at5 time.Time
		for _, q := range []struct {
			n  int
			id *string
			at *time.Time
		}{{4, &s.s4, &at4}, {5, &s.s5, &at5}} {
			if err := tx.QueryRow(ctx, `SELECT id, scheduled_at FROM course_session WHERE course_id = ? AND session_number = ? AND status = 'booked'`,
				s.course, q.n).Scan(q.id, q.at); err != nil {
				return fmt.Errorf("Alex's booked session %d: %w", q.n, err)
			}
		}
		if !at4.Before(t0) || !at5.Equal(fifth) {
			return fmt.Errorf("the demo books Alex's sessions 4 and 5 at %s and %s; want 4 under way at %s and 5 at %s", at4, at5, t0, fifth)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s site) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, s.db, q, args...)
}

func (s site) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// session records act on Alex's fifth session at now.
func (s site) session(t *testing.T, act course.SessionAction, at *time.Time, now time.Time) {
	t.Helper()
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		_, _, err := course.RecordSession(context.Background(), tx, s.practice, s.alex, s.course, 5, act, at, s.jordan, now)
		return err
	}); err != nil {
		t.Fatalf("%s session 5: %v", act, err)
	}
}

// forgetFourth takes the demo's reminder of Alex's fourth session off the
// record, so that only its time (under way at t0) keeps the worker from
// sending one.
func (s site) forgetFourth(t *testing.T) {
	t.Helper()
	s.exec(t, `DELETE FROM reminder_sent WHERE course_session_id = ?`, s.s4)
}

func tick(t *testing.T, w *reminder.Worker, now time.Time, want int, why string) {
	t.Helper()
	n, err := w.Tick(context.Background(), now)
	if err != nil {
		t.Fatalf("%s: Tick: %v", why, err)
	}
	if n != want {
		t.Fatalf("%s: %d reminders queued; want %d", why, n, want)
	}
}

// The worker queues one email per session, kind and time: not before the
// practice's window, once inside it whatever the number of passes or
// restarts, again for a moved session, never for a cancelled one, never
// for one under way or past, and the aftercare email once the session is
// held. One is delivered end to end through the outbox to a real SMTP
// server.
func TestRemindersAreQueuedOncePerSessionKindAndTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := loadDemo(t, db)
		s.forgetFourth(t)
		w := &reminder.Worker{DB: db}
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

		// The fifth session, 73 h ahead, is outside the default 48 h, and
		// the sixth further still; the fourth is under way and gets no
		// reminder now, though none is on record; the held sessions are
		// days old and get no aftercare email now.
		tick(t, w, t0, 0, "73 hours before")
		if err := db.Write(ctx, func(tx *store.Tx) error {
			ok, err := reminder.Queue(ctx, tx, s.s4, reminder.Before, t0)
			if ok || err != nil {
				t.Errorf("Queue for the session under way: %v, %v; want nothing queued", ok, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// No email address, then a disabled portal account: nobody to tell.
		s.exec(t, `UPDATE client SET email = '' WHERE id = ?`, s.alex)
		tick(t, w, at(26), 0, "without an email address")
		s.exec(t, `UPDATE client SET email = 'alex@client.example' WHERE id = ?`, s.alex)
		s.exec(t, `UPDATE account SET disabled = ? WHERE client_id = ?`, true, s.alex)
		tick(t, w, at(26), 0, "without a portal")
		s.exec(t, `UPDATE account SET disabled = ? WHERE client_id = ?`, false, s.alex)

		tick(t, w, at(26), 1, "47 hours before")
		tick(t, w, at(26), 0, "the same pass again")
		tick(t, &reminder.Worker{DB: db}, at(27), 0, "after a restart")

		// Delivered through the outbox to an SMTP server, in the practice's zone.
		srv := smtptest.Start(t)
		sender, err := notify.NewSender(config.SMTP{Host: srv.Host(), Port: srv.Port(), From: "care@stillwater.example"}, func() time.Time { return at(27) })
		if err != nil {
			t.Fatal(err)
		}
		mw := &notify.Worker{DB: db, Sender: sender, From: "care@stillwater.example", Now: func() time.Time { return at(27) }}
		if sent, _, err := mw.DrainOnce(ctx); err != nil || sent != 1 {
			t.Fatalf("DrainOnce: %d sent, %v; want 1", sent, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "alex@client.example" {
			t.Fatalf("delivered %+v; want one email to Alex", msgs)
		}
		m := msgs[0]
		if m.Subject != "Your session at Stillwater Ketamine Therapy on Thursday 26 November 2026" {
			t.Errorf("subject %q", m.Subject)
		}
		for _, want := range []string{"Dear Alex,", "Thursday 26 November 2026 at 10:00 AM EST", "no food for 2 hours", "until 30 minutes before",
			"for 24 hours before", "collect you", "do not drive", "call or text 988"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the reminder does not say %q:\n%s", want, m.Text)
			}
		}
		// The default text does not name the medicine (the practice's own name may).
		if plain := strings.ReplaceAll(m.Text, "Stillwater Ketamine Therapy", ""); strings.Contains(plain, "{{") || strings.Contains(strings.ToLower(plain), "ketamine") {
			t.Errorf("a placeholder was left or the medicine named:\n%s", m.Text)
		}

		// Moved a day later: nothing until the new time is 48 h away, then
		// one email for the new time.
		moved := at(97)
		s.session(t, course.Book, &moved, at(27))
		tick(t, w, at(27), 0, "moved beyond the window")
		tick(t, w, at(50), 1, "the moved session inside the window")
		tick(t, w, at(51), 0, "the moved session again")

		// Cancelled: nothing more. Booked again: a reminder for that time.
		s.session(t, course.MarkCancelled, nil, at(51))
		tick(t, w, at(52), 0, "cancelled")
		again := at(54)
		s.session(t, course.Book, &again, at(52))
		tick(t, w, at(52), 1, "booked two hours ahead")

		// Under way, not yet marked held: no aftercare email yet. Held: the aftercare
		// email, once.
		tick(t, w, at(56), 0, "under way")
		s.session(t, course.MarkHeld, nil, at(57))
		tick(t, w, at(57), 1, "held")
		tick(t, w, at(64), 0, "held, later")
		tick(t, w, at(54+25), 0, "a day after")

		// A cancelled session stays on record and booking again makes a new
		// one: count the fifth's reminders over both.
		fifths := `SELECT id FROM course_session WHERE course_id = ? AND session_number = 5`
		if n := s.count(t, `SELECT COUNT(*) FROM reminder_sent WHERE kind = 'before' AND course_session_id IN (`+fifths+`)`, s.course); n != 3 {
			t.Errorf("%d reminders before session 5; want 3 (first time, moved time, new booking)", n)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM reminder_sent WHERE client_id = ? AND queued_at >= ? AND course_session_id NOT IN (`+fifths+`)`, s.alex, t0, s.course); n != 0 {
			t.Errorf("%d reminders of Alex's other sessions; want none (4 was under way, 6 is days off)", n)
		}
		var held, body string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT id FROM course_session WHERE course_id = ? AND session_number = 5 AND status = 'held'`, s.course).Scan(&held); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT o.body_text FROM reminder_sent r JOIN outbox o ON o.id = r.outbox_id WHERE r.course_session_id = ? AND r.kind = 'after'`, held).Scan(&body)
		}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Dear Alex,", "Whom to call", "call or text 988", "do not drive"} {
			if !strings.Contains(body, want) {
				t.Errorf("the aftercare email does not say %q:\n%s", want, body)
			}
		}
		var sent []reminder.Sent
		if err := db.Read(ctx, func(tx *store.Tx) error {
			sent, err = reminder.ForSession(ctx, tx, held)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 2 || sent[0].Kind != reminder.Before || sent[1].Kind != reminder.After || !sent[0].SessionAt.Equal(again) || !sent[1].SessionAt.Equal(again) {
			t.Errorf("reminders of the held session: %+v; want before then after, both for %s", sent, again)
		}
	})
}

// The practice's hours before and texts are used: with a 96-hour window
// the fifth session, 73 h ahead, is due at t0 (it is not under the
// default 48 h), the sixth, 145 h ahead, is not (it would be under the
// largest window a practice may set), and the fourth, under way, never
// is. A second Queue for the same session, kind and time is refused by
// the sent-log and queues nothing.
func TestThePracticesTextsAndWindowAreUsed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := loadDemo(t, db)
		s.forgetFourth(t)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			rs := reminder.DefaultSettings()
			rs.HoursBefore = 96
			rs.Phone = "+1 555 0100"
			rs.Before = reminder.Text{Subject: "See you {{session_date}}", Body: "Hello {{client_first_name}}, call {{practice_phone}}. Session {{session_number}}."}
			return reminder.Save(ctx, tx, s.practice, rs, s.rx, t0)
		}); err != nil {
			t.Fatal(err)
		}
		w := &reminder.Worker{DB: db}
		tick(t, w, t0, 1, "73 hours before with a 96-hour window")
		var session, subject, body string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT r.course_session_id, o.subject, o.body_text FROM reminder_sent r JOIN outbox o ON o.id = r.outbox_id
				WHERE r.client_id = ? AND r.queued_at = ?`, s.alex, t0).Scan(&session, &subject, &body)
		}); err != nil {
			t.Fatal(err)
		}
		if session != s.s5 {
			t.Errorf("the reminder is for session %s; want the fifth, %s", session, s.s5)
		}
		if subject != "See you Thursday 26 November 2026" || body != "Hello Alex, call +1 555 0100. Session 5.\n" {
			t.Errorf("got %q / %q", subject, body)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			ok, err := reminder.Queue(ctx, tx, s.s5, reminder.Before, t0.Add(time.Hour))
			if ok || err != nil {
				t.Errorf("a second Queue: %v, %v; want nothing queued", ok, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`); n != 1 {
			t.Errorf("%d emails waiting; want 1", n)
		}
	})
}
