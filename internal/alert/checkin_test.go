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

// heldSession adds a course and one held medicine session at at.
func heldSession(t *testing.T, f fixture, n int, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	course, sess := store.NewID(), store.NewID()
	if err := f.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO course (id, practice_id, client_id, indication_code, indication_text, route, planned_sessions,
			window_days, min_gap_hours, status, created_by, created_at) VALUES (?, ?, ?, 'F33.1', 'Depression', 'im', 6, 28, 48, 'active', ?, ?)`,
			course, f.practice, f.client, f.rx, at); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status,
			updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'held', ?, ?, ?)`, sess, f.practice, f.client, course, n, at, f.rx, at, at)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return sess
}

// KAP.md §1: mood and suicidal thoughts can worsen for two weeks after
// ketamine, so check-ins follow each held session 1, 3, 7 and 14 days after
// (safety.DefaultCheckInSettings), the last on the final day of the risk. The worker plans them once,
// emails the client once when each opens, and flags an unanswered one to
// the care team once, at midday after its due day.
func TestCheckInsArePlannedEmailedAndMissedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ny, _ := time.LoadLocation("America/New_York")
		session := time.Date(2026, 3, 9, 10, 0, 0, 0, ny) // Monday
		f := newFixture(t, db, "America/New_York", session)
		heldSession(t, f, 2, session)
		w := &alert.Worker{DB: db, BaseURL: "https://clinic.example"}
		if r := tick(t, w, session.Add(3*time.Hour)); r.Planned != 4 || r.Emailed != 0 {
			t.Fatalf("after the session: %+v, want 4 planned, no email yet", r)
		}
		if r := tick(t, w, session.Add(4*time.Hour)); r.Planned != 0 {
			t.Fatalf("planned twice: %+v", r)
		}
		tuesday := time.Date(2026, 3, 10, 0, 5, 0, 0, ny)
		if r := tick(t, w, tuesday); r.Emailed != 1 {
			t.Fatalf("Tuesday: %+v, want one email for the day-after check-in", r)
		}
		if r := tick(t, w, tuesday.Add(time.Hour)); r.Emailed != 0 {
			t.Fatalf("emailed twice")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE to_addr = 'maya@example.org' AND send_after = ?`,
			time.Date(2026, 3, 10, 9, 0, 0, 0, ny)); n != 1 {
			t.Errorf("the client's email should wait until 09:00 on the due day")
		}
		var list []alert.CheckIn
		if err := db.Read(ctx, func(tx *store.Tx) (err error) { list, err = alert.CheckIns(ctx, tx, f.practice, f.client); return err }); err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 || list[3].DaysAfter != 1 || list[3].DueDate != "2026-03-10" || list[1].DueDate != "2026-03-16" ||
			list[0].DaysAfter != 14 || list[0].DueDate != "2026-03-23" {
			t.Fatalf("check-ins = %+v, want days 1, 3, 7 and 14, the last on 23 March", list)
		}
		// A yes to self-harm raises an alert at once, in the same transaction.
		mood, yes := 2, true
		var alertID string
		answered := time.Date(2026, 3, 10, 20, 0, 0, 0, ny)
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			_, alertID, err = alert.Submit(ctx, tx, f.practice, f.client, list[3].ID, alert.Answers{Mood: &mood, Sleep: safety.SleepPoor, SelfHarm: &yes}, answered)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if alertID == "" || count(t, db, `SELECT COUNT(*) FROM safety_alert WHERE id = ? AND source = 'check_in_self_harm'`, alertID) != 1 {
			t.Fatal("a yes to self-harm did not raise an alert")
		}
		var se *safety.Error
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, _, err := alert.Submit(ctx, tx, f.practice, f.client, list[3].ID, alert.Answers{Mood: &mood, Sleep: safety.SleepPoor, SelfHarm: &yes}, answered)
			return err
		}); !errors.As(err, &se) || se.Code != safety.CodeConflict {
			t.Errorf("answering twice: %v, want conflict", err)
		}
		// The day-3 check-in (Thursday) is not answered: missed at Friday midday.
		if r := tick(t, w, time.Date(2026, 3, 13, 11, 59, 0, 0, ny)); r.Missed != 0 {
			t.Fatalf("flagged before the grace period ended: %+v", r)
		}
		if r := tick(t, w, time.Date(2026, 3, 13, 12, 0, 0, 0, ny)); r.Missed != 1 {
			t.Fatalf("not flagged at midday after the due day")
		}
		if r := tick(t, w, time.Date(2026, 3, 13, 13, 0, 0, 0, ny)); r.Missed != 0 {
			t.Fatalf("flagged twice")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Missed check-in%'`); n != 2 {
			t.Errorf("missed-check-in emails = %d, want 2 (the care team)", n)
		}
		var missed []alert.CheckIn
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			missed, err = alert.MissedCheckIns(ctx, tx, f.practice, session)
			return err
		}); err != nil || len(missed) != 1 || missed[0].DaysAfter != 3 {
			t.Fatalf("missed notices = %+v, %v", missed, err)
		}
	})
}

// A missing answer is refused, never read as "no" (safety.CheckIn.Validate).
func TestCheckInRefusesMissingAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "UTC", at)
		heldSession(t, f, 1, at)
		var list []alert.CheckIn
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			if _, err = alert.PlanCheckIns(ctx, tx, f.practice, f.client, at.Add(time.Hour)); err != nil {
				return err
			}
			list, err = alert.CheckIns(ctx, tx, f.practice, f.client)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mood := 6
		var se *safety.Error
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, _, err := alert.Submit(ctx, tx, f.practice, f.client, list[len(list)-1].ID, alert.Answers{Mood: &mood, Sleep: safety.SleepGood}, at.Add(24*time.Hour))
			return err
		})
		if !errors.As(err, &se) || se.Code != safety.CodeInvalid {
			t.Errorf("no self-harm answer: %v, want invalid", err)
		}
		// Not open yet.
		no := false
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, _, err := alert.Submit(ctx, tx, f.practice, f.client, list[0].ID, alert.Answers{Mood: &mood, Sleep: safety.SleepGood, SelfHarm: &no}, at.Add(2*time.Hour))
			return err
		})
		if !errors.As(err, &se) || se.Code != safety.CodeConflict {
			t.Errorf("answering before it opens: %v, want conflict", err)
		}
	})
}

// Stanley & Brown 2012: each save is a new version; old ones stay.
func TestSafetyPlanVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "UTC", at)
		p := safety.SafetyPlan{
			WarningSigns:   []safety.PlanEntry{{Text: "Not sleeping"}},
			InternalCoping: []safety.PlanEntry{{Text: "Walk the dog"}},
			PeopleToAsk:    []safety.PlanEntry{{Text: "Sam", Phone: "555-0100"}},
			Professionals:  []safety.PlanEntry{{Text: "988 Lifeline", Phone: "988"}},
		}
		save := func(p safety.SafetyPlan, at time.Time) error {
			return db.Write(ctx, func(tx *store.Tx) error {
				_, err := alert.SavePlan(ctx, tx, f.practice, f.client, p, f.therapist, at)
				return err
			})
		}
		if err := save(p, at); err != nil {
			t.Fatal(err)
		}
		p.WorthLivingFor = "My daughter"
		if err := save(p, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var se *safety.Error
		if err := save(safety.SafetyPlan{}, at.Add(2*time.Hour)); !errors.As(err, &se) || se.Code != safety.CodeInvalid {
			t.Errorf("empty plan: %v, want invalid", err)
		}
		var hist []alert.PlanVersion
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			hist, err = alert.PlanHistory(ctx, tx, f.practice, f.client)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Version != 2 || hist[0].Plan.WorthLivingFor != "My daughter" || hist[1].Plan.WorthLivingFor != "" {
			t.Fatalf("history = %+v", hist)
		}
		if hist[0].AuthorName != "Theo Therapist" {
			t.Errorf("author = %q", hist[0].AuthorName)
		}
	})
}
