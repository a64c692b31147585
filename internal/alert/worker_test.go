package alert_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func raise(t *testing.T, f fixture, tr safety.Trigger, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	var id string
	if err := f.db.Write(ctx, func(tx *store.Tx) (err error) {
		id, err = alert.Raise(ctx, tx, f.practice, f.client, tr, at)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func tick(t *testing.T, w *alert.Worker, at time.Time) alert.TickResult {
	t.Helper()
	r, err := w.Tick(context.Background(), at)
	if err != nil {
		t.Fatalf("tick at %s: %v", at, err)
	}
	return r
}

// KAP.md §7 and safety.DefaultEscalationSettings: one business hour
// unacknowledged goes to the prescriber and the owner, each further hour to
// them and the care team. A moderate alert raised Friday 16:30 New York time
// escalates Monday 09:30, not over the weekend. Every step is recorded
// once, however many ticks run.
func TestEscalationKeepsBusinessHoursAndRecordsEachLevelOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ny, _ := time.LoadLocation("America/New_York")
		friday := time.Date(2026, 3, 13, 16, 30, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", friday)
		id := raise(t, f, checkInTrigger(t, friday), friday)
		w := &alert.Worker{DB: db, BaseURL: "https://clinic.example"}
		for _, at := range []time.Time{friday.Add(time.Hour), time.Date(2026, 3, 14, 12, 0, 0, 0, ny), time.Date(2026, 3, 16, 9, 29, 0, 0, ny)} {
			if r := tick(t, w, at); r.Escalated != 0 {
				t.Fatalf("escalated at %s, outside business hours or before due", at)
			}
		}
		monday := time.Date(2026, 3, 16, 9, 30, 0, 0, ny)
		if r := tick(t, w, monday); r.Escalated != 1 {
			t.Fatalf("escalations at Monday 09:30 = %d, want 1", r.Escalated)
		}
		if r := tick(t, w, monday.Add(time.Minute)); r.Escalated != 0 {
			t.Fatalf("a second tick escalated again")
		}
		// A fresh worker (a restart) does not repeat the step either.
		if r := tick(t, &alert.Worker{DB: db}, monday.Add(2*time.Minute)); r.Escalated != 0 {
			t.Fatalf("a restarted worker escalated again")
		}
		lvl1 := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1`, id)
		if lvl1 != 2 { // the prescriber and the owner
			t.Errorf("level-1 emails = %d, want 2 (prescriber, owner)", lvl1)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1 AND recipient = ?`, id, f.therapist); n != 0 {
			t.Errorf("the therapist got the level-1 escalation; it goes to prescriber and owner")
		}
		// The escalation says when the alert was raised in the practice's zone.
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Safety alert not yet acknowledged (level 1)%' AND body_text LIKE ?`, "%raised Fri 13 Mar 2026 16:30 EDT%"); n != 2 {
			t.Errorf("%d level-1 emails name the time the alert was raised in the practice's zone; want 2", n)
		}
		if r := tick(t, w, monday.Add(time.Hour)); r.Escalated != 1 {
			t.Fatalf("level 2 not reached after a further hour")
		}
		if n := count(t, db, `SELECT level FROM safety_alert WHERE id = ?`, id); n != 2 {
			t.Errorf("level = %d, want 2", n)
		}
		// Acknowledged: no more escalation.
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := alert.Acknowledge(ctx, tx, f.practice, id, f.therapist, safety.ActionContactedClient, "", monday.Add(70*time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if r := tick(t, w, monday.Add(5*time.Hour)); r.Escalated != 0 {
			t.Fatalf("an acknowledged alert escalated")
		}
		var kinds []string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			_, evs, err := alert.Get(ctx, tx, f.practice, id)
			for _, e := range evs {
				if e.Kind != "emailed" {
					kinds = append(kinds, e.Kind)
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"raised", "escalated", "escalated", "acknowledged"}
		if len(kinds) != len(want) {
			t.Fatalf("steps = %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("steps = %v, want %v", kinds, want)
			}
		}
	})
}

// A high-severity alert escalates 15 minutes after raising at any hour
// (safety.DefaultEscalationSettings), here on a Saturday night.
func TestHighSeverityEscalatesRoundTheClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ny, _ := time.LoadLocation("America/New_York")
		sat := time.Date(2026, 3, 14, 23, 0, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", sat)
		tr := checkInTrigger(t, sat)
		tr.Severity = safety.SeverityHigh
		raise(t, f, tr, sat)
		w := &alert.Worker{DB: db}
		if r := tick(t, w, sat.Add(14*time.Minute)); r.Escalated != 0 {
			t.Fatal("escalated before 15 minutes")
		}
		if r := tick(t, w, sat.Add(15*time.Minute)); r.Escalated != 1 {
			t.Fatal("not escalated at 15 minutes on a Saturday night")
		}
	})
}

// Acknowledging needs a clinician, an action, and a note for "other"; a
// second acknowledgement is a conflict (safety.Acknowledge).
func TestAcknowledgeRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "UTC", now)
		id := raise(t, f, checkInTrigger(t, now), now)
		ack := func(staff string, a safety.Action, note string) error {
			return db.Write(ctx, func(tx *store.Tx) error {
				_, err := alert.Acknowledge(ctx, tx, f.practice, id, staff, a, note, now.Add(time.Minute))
				return err
			})
		}
		var se *safety.Error
		if err := ack(f.owner, safety.ActionContactedClient, ""); !errors.As(err, &se) || se.Code != safety.CodeForbidden {
			t.Errorf("owner acknowledging: %v, want forbidden", err)
		}
		if err := ack(f.rx, safety.ActionOther, " "); !errors.As(err, &se) || se.Code != safety.CodeInvalid {
			t.Errorf("other without a note: %v, want invalid", err)
		}
		if err := ack(f.rx, safety.ActionOther, "Called her sister, who is with her."); err != nil {
			t.Fatal(err)
		}
		if err := ack(f.therapist, safety.ActionContactedClient, ""); !errors.As(err, &se) || se.Code != safety.CodeConflict {
			t.Errorf("second acknowledgement: %v, want conflict", err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := alert.Close(ctx, tx, f.practice, id, f.rx, "Seen next day.", now.Add(time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert WHERE state = 'closed' AND ack_action = 'other'`); n != 1 {
			t.Errorf("closed alerts with the action kept = %d", n)
		}
	})
}
