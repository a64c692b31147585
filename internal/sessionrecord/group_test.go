package sessionrecord_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// A group medicine session starts only with the practice's number of
// clinicians per client booked on it (issue 5, group sessions: "a
// practice-set minimum of clinicians per client present"; the default is
// three clients per clinician).
func TestAGroupSessionNeedsEnoughClinicians(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		_, sessionID := p.booking(t, 100)
		appointment := store.NewID()
		p.write(t, func(tx *store.Tx) error {
			start := p.now.Add(-30 * time.Minute)
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment (id, practice_id, kind, title, starts_at, ends_at, status, created_by, created_at, updated_by, updated_at)
				VALUES (?, ?, 'group_session', 'Group medicine session', ?, ?, 'booked', ?, ?, ?, ?)`,
				appointment, p.id, start, start.Add(4*time.Hour), p.sam, p.now, p.sam, p.now); err != nil {
				return err
			}
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, appointment, p.id, p.sam); err != nil {
				return err
			}
			rows, err := tx.Query(p.ctx, `SELECT id FROM client WHERE practice_id = ? AND id <> ? ORDER BY id LIMIT 3`, p.id, p.alex)
			if err != nil {
				return err
			}
			var others []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				others = append(others, id)
			}
			rows.Close()
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id, course_session_id) VALUES (?, ?, ?, ?)`,
				appointment, p.id, p.alex, sessionID); err != nil {
				return err
			}
			for _, c := range others {
				if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id) VALUES (?, ?, ?)`, appointment, p.id, c); err != nil {
					return err
				}
			}
			return nil
		})
		check := func() []dosing.Refusal {
			var out []dosing.Refusal
			p.write(t, func(tx *store.Tx) (err error) {
				out, err = sessionrecord.StartCheck(p.ctx, tx, p.alex, sessionID, p.now)
				return err
			})
			return out
		}
		var found bool
		for _, r := range check() {
			if strings.Contains(r.Message, "4 clients and needs at least 2 clinicians") && strings.Contains(r.Message, "1 is booked") {
				found = true
			}
		}
		if !found {
			t.Errorf("four clients with one clinician: refusals %+v; want the group's clinician minimum named", check())
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, appointment, p.id, p.elena)
			return err
		})
		for _, r := range check() {
			if strings.Contains(r.Message, "clinicians present") {
				t.Errorf("two clinicians for four clients is enough, but: %s", r.Message)
			}
		}
	})
}
