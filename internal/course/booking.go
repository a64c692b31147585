package course

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// The calendar books a course's medicine sessions through RecordSession
// and then keeps the row it booked: these two functions find that row and
// record how it went, so that cancelling or marking an appointment changes
// exactly the session it booked.

// CurrentSessionID is the id of session n's newest row, "" when none.
func CurrentSessionID(ctx context.Context, tx *store.Tx, courseID string, n int) (string, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM course_session WHERE course_id = ? AND session_number = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`, courseID, n).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// SetSessionStatus records a booked session row as held, missed or
// cancelled. A row no longer booked is left as it is (someone recorded it
// from the course page already), and false says so.
func SetSessionStatus(ctx context.Context, tx *store.Tx, id string, st dosing.SessionStatus, by string, now time.Time) (bool, error) {
	switch st {
	case dosing.SessionHeld, dosing.SessionMissed, dosing.SessionCancelled:
	default:
		return false, errors.New("course: a session is recorded held, missed or cancelled")
	}
	res, err := tx.Exec(ctx, `UPDATE course_session SET status = ?, updated_by = ?, updated_at = ? WHERE id = ? AND status = ?`,
		string(st), by, now.UTC(), id, string(dosing.SessionBooked))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
