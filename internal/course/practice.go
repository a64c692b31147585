package course

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// practiceSettings are the medicine settings of the client's practice.
// The changes of a course are given only the client, so the practice is
// found from there rather than widening every signature.
func practiceSettings(ctx context.Context, tx *store.Tx, clientID string) (dosing.Settings, error) {
	var practiceID string
	err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, clientID).Scan(&practiceID)
	if errors.Is(err, sql.ErrNoRows) {
		return dosing.Settings{}, ErrNotFound
	}
	if err != nil {
		return dosing.Settings{}, err
	}
	return settings.MedicineSettings(ctx, tx, practiceID)
}

// loadOwn loads a course with its practice's settings, for the changes
// that then check doses and stalls against the same numbers.
func loadOwn(ctx context.Context, tx *store.Tx, clientID, id string, now time.Time) (*Course, dosing.Settings, error) {
	ms, err := practiceSettings(ctx, tx, clientID)
	if err != nil {
		return nil, ms, err
	}
	c, err := Load(ctx, tx, clientID, id, now, ms.Course)
	return c, ms, err
}

// oneActive adds a problem when the client already has an active course
// other than except: two courses at once would mean two plans, two dose
// ladders and two session counts for one person, and the spacing rule
// could not see the other course's sessions. The database holds the same
// rule (a unique index on the active course of a client) against a race.
func oneActive(ctx context.Context, tx *store.Tx, clientID, except string, ps *clinic.Problems) error {
	var id, code, text string
	var starts *time.Time
	err := tx.QueryRow(ctx, `SELECT id, indication_code, indication_text, starts_on FROM course
		WHERE client_id = ? AND status = ? AND id <> ? ORDER BY created_at, id LIMIT 1`, clientID, string(dosing.CourseActive), except).Scan(&id, &code, &text, &starts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	since := ""
	if starts != nil {
		since = ", active since " + starts.Format("2 Jan 2006")
	}
	ps.Add("course", "This client already has an active course (%s %s%s). Only one course can be active at a time: complete or stop that course first, then start this one.", code, text, since)
	return nil
}
