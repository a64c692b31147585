package measure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Issue 6: baseline at intake, before each medicine session, at course end
// and at follow-ups; "due before session 4" appears once session 4 is booked.
func TestTheScheduleFollowsTheCourseBookings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		alex := f.client(t, "Alex", "alex@example.org")
		at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, f.zone) }
		now := at(10, 12)
		k := f.course(t, alex, "F33.1", "sublingual_rdt", "active", at(1, 9), at(2, 9), "")
		f.session(t, alex, k, 1, at(3, 10), "held")
		f.session(t, alex, k, 2, at(6, 10), "missed")
		f.session(t, alex, k, 2, at(9, 10), "held")
		s3 := f.session(t, alex, k, 3, at(12, 10), "booked")
		var s4 string
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			all, err := measure.ClientSchedule(ctx, tx, f.practice, alex, now)
			if err != nil {
				return err
			}
			got := map[string]safety.DueStatus{}
			for _, d := range all[0].Items {
				got[d.Instrument+" "+d.Occasion] = d.Status
				if strings.HasPrefix(d.Occasion, "follow_up") || d.Occasion == safety.OccasionCourseEnd {
					t.Errorf("%s planned for an active course", d.Occasion)
				}
			}
			want := map[string]safety.DueStatus{
				"phq9 baseline": safety.StatusMissed, "gad7 baseline": safety.StatusMissed, "cssrs-screener baseline": safety.StatusMissed,
				"phq9 pre_session:1": safety.StatusMissed, "phq9 pre_session:2": safety.StatusMissed,
				// Session 3 on the 12th: the window opens two days before.
				"phq9 pre_session:3": safety.StatusDue,
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("planned %v; want %v", got, want)
			}
			due, err := measure.DueBefore(ctx, tx, alex, s3, now)
			if err != nil {
				return err
			}
			if len(due) != 1 || due[0].Occasion != "pre_session:3" || due[0].Instrument != "phq9" {
				t.Errorf("due before session 3 = %+v", due)
			}
			// Booking session 4 adds its measure at once.
			s4 = store.NewID()
			_, err = tx.Exec(ctx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, 4, ?, 'booked', ?, ?, ?)`, s4, f.practice, alex, k, at(16, 10).UTC(), f.staff, now.UTC(), now.UTC())
			return err
		})
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			due, err := measure.DueBefore(ctx, tx, alex, s4, now)
			if err != nil {
				return err
			}
			if len(due) != 1 || due[0].Occasion != "pre_session:4" || due[0].Status != safety.StatusUpcoming {
				t.Errorf("due before session 4 = %+v", due)
			}
			// Answered in its window, the pre-session measure is done.
			r, err := measure.Start(ctx, tx, f.cat, f.practice, alex, due[0].Slot(), measure.Filler{Kind: measure.FilledByClient}, at(15, 8))
			if err != nil {
				return err
			}
			if _, err := measure.Submit(ctx, tx, f.cat, alex, r.ID, phq9(9, 0), at(15, 8), true); err != nil {
				return err
			}
			due, err = measure.DueBefore(ctx, tx, alex, s4, at(15, 9))
			if len(due) != 0 || err != nil {
				t.Errorf("after answering, due before session 4 = %+v, %v", due, err)
			}
			return err
		})
	})
}

// A completed course gets its course-end measure and follow-ups, counted
// from the last held session; client overrides change what is given.
func TestACompletedCourseHasItsEndAndFollowUps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client(t, "Maya", "maya@example.org")
		at := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 10, 0, 0, 0, f.zone) }
		k := f.course(t, c, "F33.1", "iv", "completed", at(1, 1), at(1, 2), "")
		f.session(t, c, k, 1, at(1, 5), "held")
		f.session(t, c, k, 2, at(1, 8), "held")
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := measure.SaveOverrides(ctx, tx, f.practice, c, safety.ClientOverrides{Add: []safety.InstrumentPlan{{Code: "pcl5", Baseline: true, CourseEnd: true}}, Remove: []string{"gad7"}}, f.staff, at(1, 1)); err != nil {
				return err
			}
			all, err := measure.ClientSchedule(ctx, tx, f.practice, c, at(1, 9).Add(3*time.Hour))
			if err != nil {
				return err
			}
			got := map[string]string{}
			for _, d := range all[0].Items {
				got[d.Instrument+" "+d.Occasion] = d.DueDate
			}
			for k, v := range map[string]string{"phq9 course_end": "2026-01-09", "pcl5 course_end": "2026-01-09", "phq9 follow_up:2w": "2026-01-22",
				"phq9 follow_up:6m": "2026-07-08", "pcl5 baseline": "2026-01-01"} {
				if got[k] != v {
					t.Errorf("%s due %q, want %q", k, got[k], v)
				}
			}
			for k := range got {
				if strings.HasPrefix(k, "gad7") {
					t.Errorf("%s planned though removed for this client", k)
				}
			}
			return nil
		})
	})
}

// One email per due item, however often the worker runs; nothing of the
// answers or the instrument in it.
func TestTheWorkerEmailsOncePerDueItem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client(t, "Dan", "dan@example.org")
		at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, f.zone) }
		f.course(t, c, "F43.10", "iv", "planned", at(1, 9), time.Time{}, "")
		w := &measure.Worker{DB: db, BaseURL: "https://care.example.org/"}
		ctx := context.Background()
		n, err := w.Tick(ctx, at(1, 12))
		if err != nil || n != 3 {
			t.Fatalf("first tick queued %d (%v); want 3 (PHQ-9, GAD-7, C-SSRS baseline)", n, err)
		}
		if n, err = w.Tick(ctx, at(1, 13)); err != nil || n != 0 {
			t.Fatalf("second tick queued %d (%v); want 0", n, err)
		}
		var body string
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT body_text FROM outbox WHERE to_addr = 'dan@example.org' LIMIT 1`).Scan(&body)
		})
		if !strings.Contains(body, "A short questionnaire is ready in your portal") || !strings.Contains(body, "https://care.example.org/portal/measures") ||
			strings.Contains(body, "PHQ") || strings.Contains(body, "score") {
			t.Errorf("email body:\n%s", body)
		}
	})
}
