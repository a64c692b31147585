package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// PlanVersion is one stored version of a client's safety plan.
type PlanVersion struct {
	safety.PlanVersion
	AuthorName string
}

// PlanHistory returns every version of the client's plan, newest first.
func PlanHistory(ctx context.Context, tx *store.Tx, practiceID, clientID string) ([]PlanVersion, error) {
	rows, err := tx.Query(ctx, `SELECT p.version, p.plan_json, p.author, s.full_name, p.saved_at
		FROM safety_plan_version p JOIN staff s ON s.id = p.author
		WHERE p.practice_id = ? AND p.client_id = ? ORDER BY p.version DESC`, practiceID, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PlanVersion
	for rows.Next() {
		v := PlanVersion{PlanVersion: safety.PlanVersion{ClientID: clientID}}
		var raw string
		if err := rows.Scan(&v.Version, &raw, &v.Author, &v.AuthorName, &v.SavedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &v.Plan); err != nil {
			return nil, fmt.Errorf("safety plan version %d: %w", v.Version, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Plan returns one version (0: the latest). ErrNotFound if there is none.
func Plan(ctx context.Context, tx *store.Tx, practiceID, clientID string, version int) (PlanVersion, error) {
	hist, err := PlanHistory(ctx, tx, practiceID, clientID)
	if err != nil {
		return PlanVersion{}, err
	}
	for _, v := range hist {
		if version == 0 || v.Version == version {
			return v, nil
		}
	}
	return PlanVersion{}, ErrNotFound
}

// SavePlan stores p as the client's next version (safety.SaveVersion tidies
// and validates it). Versions are never changed; a save always adds one.
func SavePlan(ctx context.Context, tx *store.Tx, practiceID, clientID string, p safety.SafetyPlan, staffID string, now time.Time) (PlanVersion, error) {
	hist, err := PlanHistory(ctx, tx, practiceID, clientID)
	if err != nil {
		return PlanVersion{}, err
	}
	prior := make([]safety.PlanVersion, len(hist))
	for i, h := range hist {
		prior[i] = h.PlanVersion
	}
	v, err := safety.SaveVersion(prior, clientID, p, staffID, now)
	if err != nil {
		return PlanVersion{}, err
	}
	raw, err := json.Marshal(v.Plan)
	if err != nil {
		return PlanVersion{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO safety_plan_version (id, practice_id, client_id, version, plan_json, author, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, v.Version, string(raw), staffID, now)
	if store.IsUniqueViolation(err) {
		return PlanVersion{}, &safety.Error{Code: safety.CodeConflict, Message: "someone saved the plan a moment ago; reload it"}
	}
	if err != nil {
		return PlanVersion{}, err
	}
	out := PlanVersion{PlanVersion: v}
	err = tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, staffID).Scan(&out.AuthorName)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return out, err
}
