package course_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// A stalled course reaches a person: the therapist and prescriber on the
// care team are emailed once, with the reason and a link, so someone
// reaches out (KAP.md §1 Session and course: many clients never finish the
// induction course). A rebooking that is missed again is told anew.
func TestAStalledCourseIsToldToTheCareTeamOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		demotest.LoadAt(t, db, now)
		var practice, maya, mayaCourse, jordan string
		if err := db.Write(ctx, func(tx *store.Tx) error {
			// Only this test's email counts.
			if _, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL`, now); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT id, practice_id FROM client WHERE email = 'maya@client.example'`).Scan(&maya, &practice); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = 'monitor@stillwater.example'`).Scan(&jordan); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, maya).Scan(&mayaCourse)
		}); err != nil {
			t.Fatal(err)
		}
		outbox := func() (to []string, texts []string) {
			if err := db.Read(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(ctx, `SELECT to_addr, body_text FROM outbox WHERE sent_at IS NULL ORDER BY to_addr`)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var a, b string
					if err := rows.Scan(&a, &b); err != nil {
						return err
					}
					to, texts = append(to, a), append(texts, b)
				}
				return rows.Err()
			}); err != nil {
				t.Fatal(err)
			}
			return to, texts
		}
		w := &course.StallWorker{DB: db, BaseURL: "https://kap.example"}
		tick := func(at time.Time, want int, what string) {
			t.Helper()
			n, err := w.Tick(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: told of %d stalled courses, want %d", what, n, want)
			}
		}

		// The demo's Maya missed session 2 a week ago: stalled.
		tick(now, 1, "Maya's stalled course")
		to, texts := outbox()
		if !slices.Equal(to, []string{"prescriber@stillwater.example", "therapist2@stillwater.example"}) {
			t.Fatalf("emailed %v; want Maya's therapist and prescriber (not the monitor, not other clinicians)", to)
		}
		for _, txt := range texts {
			if !strings.Contains(txt, "missed") || !strings.Contains(txt, "https://kap.example/clients/"+maya+"/courses/"+mayaCourse) {
				t.Errorf("the email lacks the reason or the link:\n%s", txt)
			}
		}
		tick(now.Add(time.Hour), 0, "the same stall an hour later")

		// Rebooked: no longer stalled. Missed again a week on: told anew.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			at := now.Add(48 * time.Hour)
			if _, _, err := course.RecordSession(ctx, tx, practice, maya, mayaCourse, 2, course.Book, &at, jordan, now); err != nil {
				return err
			}
			_, _, err := course.RecordSession(ctx, tx, practice, maya, mayaCourse, 2, course.MarkMissed, nil, jordan, now.Add(49*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Nine days on, other demo courses may have stalled too; Maya's is
		// told a second time.
		if _, err := w.Tick(ctx, now.Add(9*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM stall_notice WHERE course_id = ?`, mayaCourse).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("Maya's course was told of %d times; want 2 (the first stall, and the missed rebooking)", n)
		}
	})
}
