package access

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"holdspace/internal/store"
)

// ErrNoSuchPractice is returned for a practice id holdspace does not hold.
var ErrNoSuchPractice = errors.New("no such practice")

// PracticeNow is t read in the practice's zone: the day against which
// the dates a person types without a zone are checked.
func PracticeNow(ctx context.Context, tx *store.Tx, practiceID string, t time.Time) (time.Time, error) {
	zone, err := PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return time.Time{}, err
	}
	return t.In(zone), nil
}

// In is t read in zone; a nil zone leaves it as it is.
func In(t time.Time, zone *time.Location) time.Time {
	if zone == nil {
		return t
	}
	return t.In(zone)
}

// PracticeZone is the practice's time zone, in which every time is shown
// to its staff and clients, in pages and in messages. A zone name this
// holdspace's time zone database does not know reads as UTC, so a time can
// always be drawn; the practice settings refuse such a name when saved.
func PracticeZone(ctx context.Context, tx *store.Tx, practiceID string) (*time.Location, error) {
	var name string
	err := tx.QueryRow(ctx, `SELECT time_zone FROM practice WHERE id = ?`, practiceID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSuchPractice
	}
	if err != nil {
		return nil, err
	}
	zone, err := time.LoadLocation(name)
	if err != nil || name == "" {
		return time.UTC, nil
	}
	return zone, nil
}

// PracticeName is the practice's name, as its clients know it.
func PracticeName(ctx context.Context, tx *store.Tx, practiceID string) (string, error) {
	var name string
	err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, practiceID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoSuchPractice
	}
	return name, err
}

// AnyPractice says whether this holdspace holds a practice yet: a new
// installation's sign-in page says how to create the first.
func AnyPractice(ctx context.Context, db *store.DB) (bool, error) {
	var n int
	err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n)
	})
	return n > 0, err
}
