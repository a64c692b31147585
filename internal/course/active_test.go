package course_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Only one course may be active at a time for a client: a second one
// would mean two dose ladders and two session counts, and the spacing rule
// could not see the other course's sessions (KAP.md §1 Session and course:
// a course is the unit of induction). Planning a new course is refused
// while one is active, and so is activating a second; the refusal names
// the active course and what to do.
func TestOnlyOneCourseIsActiveAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		demotest.LoadAt(t, db, now)
		ids := map[string]string{}
		if err := db.Read(ctx, func(tx *store.Tx) error {
			for key, q := range map[string]string{
				"practice": `SELECT id FROM practice WHERE slug = 'stillwater'`,
				"rx":       `SELECT id FROM staff WHERE email = 'prescriber@stillwater.example'`,
				"alex":     `SELECT id FROM client WHERE email = 'alex@client.example'`,
				"dan":      `SELECT id FROM client WHERE email = 'dan@client.example'`,
			} {
				var id string
				if err := tx.QueryRow(ctx, q).Scan(&id); err != nil {
					return err
				}
				ids[key] = id
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		plan := course.Plan{IndicationCode: "F43.10", IndicationText: "PTSD", Route: dosing.RouteSublingualRDT, PlannedSessions: 2, WindowDays: 21, MinGapHours: 48, Doses: []float64{100, 150}}
		courses := map[string]string{}
		first := func(client string) string {
			var id string
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? ORDER BY created_at, id LIMIT 1`, client).Scan(&id)
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		steps := []struct {
			name    string
			do      func(tx *store.Tx) error
			refused string // "" when allowed
		}{
			{"planning while another course is active", func(tx *store.Tx) error {
				_, _, err := course.Create(ctx, tx, ids["practice"], ids["alex"], "", plan, ids["rx"], now)
				return err
			}, "already has an active course (F33.1 Major depressive disorder, recurrent, moderate, active since"},
			{"planning beside a course that is only planned", func(tx *store.Tx) error {
				c, _, err := course.Create(ctx, tx, ids["practice"], ids["dan"], "", plan, ids["rx"], now)
				if c != nil {
					courses["dan2"] = c.ID
				}
				return err
			}, ""},
			{"activating the first planned course", func(tx *store.Tx) error {
				_, err := course.Activate(ctx, tx, ids["dan"], first(ids["dan"]), ids["rx"], now)
				return err
			}, ""},
			{"activating a second course", func(tx *store.Tx) error {
				_, err := course.Activate(ctx, tx, ids["dan"], courses["dan2"], ids["rx"], now)
				return err
			}, "complete or stop that course first"},
			{"activating it once the first is stopped", func(tx *store.Tx) error {
				if _, err := course.Stop(ctx, tx, ids["dan"], first(ids["dan"]), "Replanned at a lower dose.", ids["rx"], now); err != nil {
					return err
				}
				_, err := course.Activate(ctx, tx, ids["dan"], courses["dan2"], ids["rx"], now)
				return err
			}, ""},
		}
		for _, st := range steps {
			err := db.Write(ctx, func(tx *store.Tx) error { return st.do(tx) })
			var ps clinic.Problems
			switch {
			case st.refused == "" && err != nil:
				t.Fatalf("%s: %v", st.name, err)
			case st.refused != "" && !errors.As(err, &ps):
				t.Fatalf("%s: %v; want a refusal", st.name, err)
			case st.refused != "":
				found := false
				for _, p := range ps {
					found = found || p.Field == "course" && strings.Contains(p.Message, st.refused)
				}
				if !found {
					t.Errorf("%s: refused with %v; want %q on the field course", st.name, ps, st.refused)
				}
			}
		}
		var active int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM course WHERE client_id = ? AND status = 'active'`, ids["dan"]).Scan(&active)
		}); err != nil {
			t.Fatal(err)
		}
		if active != 1 {
			t.Errorf("Daniel has %d active courses; want 1", active)
		}
	})
}
