package web

import (
	"context"

	"holdspace/internal/dosing"
	"holdspace/internal/readiness"
	"holdspace/internal/store"
)

// readinessFor assembles the readiness tracker inside the caller's
// authorised transaction, from the same facts the dosing gate reads at
// booking (internal/readiness).
func readinessFor(ctx context.Context, tx *store.Tx, practiceID, clientID string) (dosing.ReadinessList, error) {
	return readiness.List(ctx, tx, practiceID, clientID)
}
