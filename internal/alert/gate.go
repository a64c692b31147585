package alert

import (
	"context"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// OpenForGate lists a client's safety alerts that are raised or escalated
// and not yet acknowledged, oldest first, for the dosing gate: a medicine
// session does not start while one is open.
func OpenForGate(ctx context.Context, tx *store.Tx, clientID string, zone *time.Location) ([]dosing.OpenAlert, error) {
	rows, err := tx.Query(ctx, `SELECT id, severity, raised_at FROM safety_alert WHERE client_id = ? AND state IN ('raised', 'escalated')
		ORDER BY raised_at`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dosing.OpenAlert
	for rows.Next() {
		var a dosing.OpenAlert
		if err := rows.Scan(&a.ID, &a.Severity, &a.RaisedAt); err != nil {
			return nil, err
		}
		a.RaisedAt = a.RaisedAt.In(zone)
		out = append(out, a)
	}
	return out, rows.Err()
}
