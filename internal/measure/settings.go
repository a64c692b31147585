package measure

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/safety"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Settings are the practice's measurement choices, saved as the
// settings.Measures document over these defaults.
type Settings struct {
	Schedule safety.Schedule `json:"schedule"`
	// ClientsSeeScores lets clients see their own totals and bands in the
	// portal. Off by default: a number without a clinician beside it can
	// alarm more than it helps, so the practice decides.
	ClientsSeeScores bool `json:"clients_see_scores"`
	// EmailWhenDue sends "a short questionnaire is ready" when a measure's
	// window opens. On by default.
	EmailWhenDue bool `json:"email_when_due"`
}

// DefaultSettings are safety.DefaultSchedule, scores hidden from clients
// and emails on.
func DefaultSettings(zone *time.Location) Settings {
	return Settings{Schedule: safety.DefaultSchedule(zone), EmailWhenDue: true}
}

// LoadSettings reads the practice's settings over the defaults, with the
// practice's zone set on the schedule.
func LoadSettings(ctx context.Context, tx *store.Tx, practiceID string) (Settings, error) {
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return Settings{}, err
	}
	s := DefaultSettings(zone)
	if _, err := settings.Load(ctx, tx, practiceID, settings.Measures, &s); err != nil {
		return DefaultSettings(zone), err
	}
	s.Schedule.Zone = zone
	return s, nil
}

// SaveSettings validates and saves the practice's settings. The caller
// holds SettingsManage.
func SaveSettings(ctx context.Context, tx *store.Tx, practiceID string, s Settings, by string, now time.Time) error {
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return err
	}
	s.Schedule.Zone = zone
	if err := s.Schedule.Validate(); err != nil {
		return problem("schedule", err.Error())
	}
	return settings.Save(ctx, tx, practiceID, settings.Measures, s, by, now)
}

// LoadOverrides reads one client's changes to the practice schedule; none
// saved is the zero value.
func LoadOverrides(ctx context.Context, tx *store.Tx, clientID string) (safety.ClientOverrides, error) {
	var o safety.ClientOverrides
	var raw string
	err := tx.QueryRow(ctx, `SELECT value FROM measure_override WHERE client_id = ?`, clientID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return o, nil
	}
	if err != nil {
		return o, err
	}
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return o, fmt.Errorf("measure overrides: %w", err)
	}
	return o, nil
}

// SaveOverrides replaces one client's schedule changes, refusing changes
// that would make an invalid schedule. The caller holds ClientUpdate.
func SaveOverrides(ctx context.Context, tx *store.Tx, practiceID, clientID string, o safety.ClientOverrides, by string, now time.Time) error {
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return err
	}
	if err := s.Schedule.WithOverrides(o).Validate(); err != nil {
		return problem("overrides", err.Error())
	}
	raw, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO measure_override (client_id, practice_id, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (client_id) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		clientID, practiceID, string(raw), by, now.UTC())
	return err
}
