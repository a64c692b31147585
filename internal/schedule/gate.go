package schedule

import (
	"context"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/store"
)

// GateResult is the dosing gate's answer for booking one medicine session.
type GateResult = course.GateResult

// MedicineGate is course.MedicineGate, the one gate of every path that
// books, moves or rebooks a medicine session; the calendar asks it before
// it checks rooms and clinicians, so that every refusal shows at once.
func MedicineGate(ctx context.Context, tx *store.Tx, practiceID, clientID, courseID string, n int, at, now time.Time) (GateResult, error) {
	return course.MedicineGate(ctx, tx, practiceID, clientID, courseID, n, at, now)
}
