package settings

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/dosing"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// Problem is one thing wrong with a change, beside its field.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Invalid is a refused change: nothing was saved, and each problem names its field.
type Invalid []Problem

// Fault is the refused change with each problem beside its field.
func (p Invalid) Fault() *fault.Error {
	f := &fault.Error{Code: fault.Invalid, Message: "Some settings need attention."}
	if len(p) > 0 {
		f.Message = "Nothing was saved: " + p[0].Message
	}
	for _, x := range p {
		f.Fields = append(f.Fields, fault.Field{Name: x.Field, Message: x.Message})
	}
	return f
}

func (p Invalid) Error() string {
	msgs := make([]string, len(p))
	for i, x := range p {
		msgs[i] = x.Message
	}
	return "settings: " + strings.Join(msgs, " ")
}

// MaxReasonLength keeps a reason a sentence or a paragraph, not a document.
const MaxReasonLength = 2000

// ChangeMedicine is the one door through which the medicine settings change, for the page and
// the API alike. The clinical numbers are a clinical decision: only a prescriber, or a staff
// member the practice names clinical lead, passes, whatever the caller already checked; every
// number must be inside its bound (dosing.Bounds, each citing its source); a reason is
// required. The saved change leaves a history row (who, when, why, each number before and
// after) and an audit entry in the caller's transaction. It returns what changed (nothing is
// written when nothing did).
func ChangeMedicine(ctx context.Context, tx *store.Tx, a access.Actor, next dosing.Settings, reason string, now time.Time) ([]dosing.Change, error) {
	ok, err := mayChangeClinical(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &access.Denied{Action: access.ClinicalSettingsChange, Record: access.Record{Type: "practice_setting", ID: string(Medicine), PracticeID: a.PracticeID},
			Reason: "only a prescriber or a clinical lead named by the practice may change clinical settings"}
	}
	var bad Invalid
	for _, r := range next.Validate() {
		bad = append(bad, Problem{Field: "medicine", Message: r.Message})
	}
	for _, r := range next.OutOfBounds() {
		bad = append(bad, Problem{Field: r.Field, Message: r.Message})
	}
	for _, r := range next.GiverProblems() {
		bad = append(bad, Problem{Field: r.Field, Message: r.Message})
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		bad = append(bad, Problem{Field: "reason", Message: "Give the reason for the change; it is kept with the change in the settings' history."})
	case len(reason) > MaxReasonLength:
		bad = append(bad, Problem{Field: "reason", Message: fmt.Sprintf("Keep the reason under %d characters; it is %d.", MaxReasonLength, len(reason))})
	}
	if len(bad) > 0 {
		return nil, bad
	}
	before, err := MedicineSettings(ctx, tx, a.PracticeID)
	if err != nil {
		return nil, err
	}
	changes := dosing.Changes(before, next)
	if len(changes) == 0 {
		return nil, nil
	}
	if err := save(ctx, tx, a.PracticeID, Medicine, next, a.StaffID, now); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(changes)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO clinical_setting_change (id, practice_id, area, changed_by, changed_at, reason, changes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		store.NewID(), a.PracticeID, string(Medicine), a.StaffID, now.UTC(), reason, string(raw)); err != nil {
		return nil, err
	}
	summary := make([]string, len(changes))
	for i, c := range changes {
		summary[i] = fmt.Sprintf("%s %s → %s", c.Field, c.Before, c.After)
	}
	_, err = audit.Append(ctx, tx, audit.Entry{Chain: a.PracticeID, At: now, ActorKind: string(a.Kind), ActorID: a.ID(), Action: "clinical_settings.change",
		RecordType: "practice_setting", RecordID: string(Medicine), Outcome: audit.Allowed, Reason: reason + " (" + strings.Join(summary, "; ") + ")",
		Address: access.MetaFrom(ctx).Address, UserAgent: access.MetaFrom(ctx).UserAgent, RequestID: access.MetaFrom(ctx).RequestID})
	return changes, err
}

// mayChangeClinical asks the database, not the caller, whether a holds the prescriber role or
// is named clinical lead, so no path to the door skips the question.
func mayChangeClinical(ctx context.Context, tx *store.Tx, a access.Actor) (bool, error) {
	if a.StaffID == "" || (a.Kind != access.StaffActor && a.Kind != access.APIActor) {
		return false, nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role r JOIN staff st ON st.id = r.staff_id
		WHERE r.staff_id = ? AND st.practice_id = ? AND st.active AND r.role = 'prescriber'`, a.StaffID, a.PracticeID).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return true, nil
	}
	return access.IsClinicalLead(ctx, tx, a.PracticeID, a.StaffID)
}

// HistoryEntry is one saved change of the clinical settings.
type HistoryEntry struct {
	At      time.Time       `json:"at"`
	ByID    string          `json:"by_id"`
	ByName  string          `json:"by"`
	Reason  string          `json:"reason"`
	Changes []dosing.Change `json:"changes"`
}

// MedicineHistory lists the practice's changes of the medicine settings, newest first.
func MedicineHistory(ctx context.Context, tx *store.Tx, practiceID string) ([]HistoryEntry, error) {
	rows, err := tx.Query(ctx, `SELECT c.changed_at, c.changed_by, st.full_name, c.reason, c.changes FROM clinical_setting_change c
		JOIN staff st ON st.id = c.changed_by WHERE c.practice_id = ? AND c.area = ? ORDER BY c.changed_at DESC, c.id DESC`, practiceID, string(Medicine))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var raw string
		if err := rows.Scan(&h.At, &h.ByID, &h.ByName, &h.Reason, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &h.Changes); err != nil {
			return nil, fmt.Errorf("settings history: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
