package alert_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"holdspace/internal/store"
)

// fixture is a practice with an owner, a prescriber, a therapist and one
// client on whose care team the prescriber and therapist sit; an outsider
// on staff is on no care team.
type fixture struct {
	db                                       *store.DB
	practice, owner, rx, therapist, outsider string
	client                                   string
}

func newFixture(t testing.TB, db *store.DB, zone string, now time.Time) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{db: db, practice: store.NewID(), owner: store.NewID(), rx: store.NewID(), therapist: store.NewID(),
		outsider: store.NewID(), client: store.NewID()}
	err := db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, 'Riverside KAP', ?, ?)`,
			f.practice, f.practice, zone, now); err != nil {
			return err
		}
		for _, s := range []struct{ id, name, email, role string }{
			{f.owner, "Olive Owner", "owner@example.org", "owner"},
			{f.rx, "Dr Rae Prescriber", "rx@example.org", "prescriber"},
			{f.therapist, "Theo Therapist", "theo@example.org", "therapist"},
			{f.outsider, "Otto Outside", "otto@example.org", "therapist"},
		} {
			if _, err := tx.Exec(ctx, `INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`,
				s.id, f.practice, s.email, s.name, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, s.id, s.role); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, preferred_name, email, created_at) VALUES (?, ?, 'Maya Lopez', 'Maya', 'maya@example.org', ?)`,
			f.client, f.practice, now); err != nil {
			return err
		}
		for _, m := range []struct{ id, role string }{{f.rx, "prescriber"}, {f.therapist, "therapist"}} {
			if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?)`,
				f.client, m.id, m.role, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// outbox returns the recipients and subjects of queued email, oldest first.
func outbox(t *testing.T, db *store.DB) (to, subjects, texts []string) {
	t.Helper()
	ctx := context.Background()
	err := db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT to_addr, subject, body_text FROM outbox ORDER BY created_at, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, s, b string
			if err := rows.Scan(&a, &s, &b); err != nil {
				return err
			}
			to, subjects, texts = append(to, a), append(subjects, s), append(texts, b)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) }); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}
