package alert

import (
	"context"
	"errors"
	"strings"
	"time"

	"holdspace/internal/safety"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Settings are a practice's safety choices, stored as the settings.Safety
// document over these defaults.
type Settings struct {
	Escalation safety.EscalationSettings `json:"escalation"`
	CheckIns   safety.CheckInSettings    `json:"check_ins"`
	Crisis     safety.CrisisResources    `json:"crisis"`
	// Contact is how a client reaches the practice itself (a phone number
	// and its hours), shown on the crisis page beside the lines.
	Contact string `json:"contact,omitempty"`
	// Zone is the practice's time zone, loaded from the practice row.
	Zone *time.Location `json:"-"`
	// PracticeName is shown to clients.
	PracticeName string `json:"-"`
}

// DefaultSettings: escalation after one business hour (Monday-Friday
// 09:00-17:00), check-ins one and three days after each medicine session,
// and the US crisis lines (KAP.md §7).
func DefaultSettings(zone *time.Location) Settings {
	return Settings{
		Escalation: safety.DefaultEscalationSettings(zone),
		CheckIns:   safety.DefaultCheckInSettings(zone),
		Crisis:     safety.USCrisisResources(),
		Zone:       zone,
	}
}

// Validate runs the safety package's checks on each part.
func (s Settings) Validate() error {
	if err := s.Escalation.Validate(); err != nil {
		return err
	}
	if err := s.CheckIns.Validate(); err != nil {
		return err
	}
	return s.Crisis.Validate()
}

// withZone fills in the zone the JSON does not carry.
func (s *Settings) withZone(zone *time.Location) {
	s.Zone = zone
	s.Escalation.Hours.Zone = zone
	s.CheckIns.Zone = zone
}

// LoadSettings returns the practice's safety settings over the defaults,
// in the practice's zone.
func LoadSettings(ctx context.Context, tx *store.Tx, practiceID string) (Settings, error) {
	var zoneName, name string
	if err := tx.QueryRow(ctx, `SELECT time_zone, name FROM practice WHERE id = ?`, practiceID).Scan(&zoneName, &name); err != nil {
		return Settings{}, err
	}
	zone, err := time.LoadLocation(zoneName)
	if err != nil || strings.TrimSpace(zoneName) == "" {
		zone = time.UTC
	}
	s := DefaultSettings(zone)
	if _, err := settings.Load(ctx, tx, practiceID, settings.Safety, &s); err != nil {
		return DefaultSettings(zone), err
	}
	s.withZone(zone)
	s.PracticeName = name
	return s, nil
}

// SaveSettings validates and stores the practice's safety settings.
func SaveSettings(ctx context.Context, tx *store.Tx, practiceID string, s Settings, by string, now time.Time) error {
	if s.Zone == nil {
		return errors.New("settings without a zone: load them with LoadSettings first")
	}
	s.withZone(s.Zone)
	if err := s.Validate(); err != nil {
		return err
	}
	return settings.Save(ctx, tx, practiceID, settings.Safety, s, by, now)
}
