// Package settings keeps each practice's own choices, one JSON document per
// area of holdspace. Every area owns its struct and its defaults; this
// package only loads a saved document over those defaults and saves a new
// one. Callers run inside a transaction that access.Service.Do has allowed
// (SettingsManage to save).
package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Area names one settings document.
type Area string

// The areas holdspace keeps. Each package that adds settings adds its name
// here, so two areas cannot share a document by accident.
const (
	Medicine  Area = "medicine"
	Schedule  Area = "schedule"
	Reminders Area = "reminders"
	Measures  Area = "measures"
	Safety    Area = "safety"
)

// Load fills into with the practice's saved document for area. into must
// already hold the defaults: fields the document does not mention keep
// them. found says whether the practice has saved anything.
func Load(ctx context.Context, tx *store.Tx, practiceID string, area Area, into any) (found bool, err error) {
	var raw string
	err = tx.QueryRow(ctx, `SELECT value FROM practice_setting WHERE practice_id = ? AND area = ?`, practiceID, string(area)).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal([]byte(raw), into); err != nil {
		return true, fmt.Errorf("settings %s: %w", area, err)
	}
	return true, nil
}

// ErrClinicalArea refuses Save for the medicine settings: they are clinical
// and change only through ChangeMedicine (a prescriber or clinical lead, a
// reason, within bounds, with history).
var ErrClinicalArea = errors.New("settings: the medicine settings change only through ChangeMedicine")

// Save replaces the practice's document for area. Validation is the
// area's own business and happens before this.
func Save(ctx context.Context, tx *store.Tx, practiceID string, area Area, v any, by string, now time.Time) error {
	if area == Medicine {
		return ErrClinicalArea
	}
	return save(ctx, tx, practiceID, area, v, by, now)
}

func save(ctx context.Context, tx *store.Tx, practiceID string, area Area, v any, by string, now time.Time) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var staff any
	if by != "" {
		staff = by
	}
	_, err = tx.Exec(ctx, `INSERT INTO practice_setting (practice_id, area, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (practice_id, area) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		practiceID, string(area), string(raw), staff, now)
	return err
}

// MedicineSettings are the practice's medicine-phase numbers: holds,
// vitals ranges and schedule, discharge, checklist, course defaults and
// spacing (see dosing.Settings for each default and its source).
func MedicineSettings(ctx context.Context, tx *store.Tx, practiceID string) (dosing.Settings, error) {
	s := dosing.DefaultSettings()
	if _, err := Load(ctx, tx, practiceID, Medicine, &s); err != nil {
		return dosing.DefaultSettings(), err
	}
	return s, nil
}
