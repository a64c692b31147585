package alert

import (
	"context"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/access"
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
	// Gateway is the practice's text and call gateway, through which the
	// on-call clinician is woken; without one they are emailed only.
	Gateway Gateway `json:"gateway"`
	// Zone is the practice's time zone, loaded from the practice row.
	Zone *time.Location `json:"-"`
	// PracticeName is shown to clients.
	PracticeName string `json:"-"`
}

// DefaultSettings: escalation after one business hour (Monday-Friday
// 09:00-17:00), round the clock for high severity and in the two weeks
// after a medicine session, check-ins 1, 3, 7 and 14 days after each
// session, and the US crisis lines (KAP.md §7). Nobody is on call until
// the practice names someone, so the defaults alone cannot be saved.
func DefaultSettings(zone *time.Location) Settings {
	return Settings{
		Escalation: safety.DefaultEscalationSettings(zone),
		CheckIns:   safety.DefaultCheckInSettings(zone),
		Crisis:     safety.USCrisisResources(),
		Zone:       zone,
	}
}

// Validate runs the safety package's checks on each part, and the
// gateway's: with a gateway, everyone on call needs a number to reach.
func (s Settings) Validate() error {
	if err := s.Escalation.Validate(); err != nil {
		return err
	}
	if err := s.CheckIns.Validate(); err != nil {
		return err
	}
	if err := s.Crisis.Validate(); err != nil {
		return err
	}
	return s.validateGateway()
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
	var name string
	if err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, practiceID).Scan(&name); err != nil {
		return Settings{}, err
	}
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return Settings{}, err
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
	s.normalisePhones()
	if err := s.Validate(); err != nil {
		return err
	}
	if err := checkOnCallStaff(ctx, tx, practiceID, s.Escalation.OnCall); err != nil {
		return err
	}
	if s.Gateway.URL != "" {
		has, err := hasGatewaySecret(ctx, tx, practiceID)
		if err != nil {
			return err
		}
		if !has {
			return safety.Invalid("gateway_secret", "gateway secret: set the shared secret the gateway checks signatures with")
		}
	}
	return settings.Save(ctx, tx, practiceID, settings.Safety, s, by, now)
}

// checkOnCallStaff refuses an on-call clinician who is not an active
// therapist or prescriber of the practice: the person woken at night must
// be able to acknowledge the alert.
func checkOnCallStaff(ctx context.Context, tx *store.Tx, practiceID string, o safety.OnCall) error {
	for _, id := range o.Clinicians() {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff s JOIN staff_role r ON r.staff_id = s.id
			WHERE s.id = ? AND s.practice_id = ? AND s.active AND r.role IN ('prescriber', 'therapist')`, id, practiceID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			field := "on_call_clinician"
			for i, sl := range o.Rota {
				if sl.Clinician == id && o.Clinician != id {
					field = fmt.Sprintf("rota.%d.clinician", i)
					break
				}
			}
			return safety.Invalid(field, "on-call clinician: choose an active therapist or prescriber of the practice, who can acknowledge the alert")
		}
	}
	return nil
}

// StartCrisisLines gives a new practice the crisis lines of its country,
// before anyone is on call (which the whole settings would need): the
// first-run setup stores them alone, and the rest keep their defaults
// until the practice saves its safety settings.
func StartCrisisLines(ctx context.Context, tx *store.Tx, practiceID string, res safety.CrisisResources, by string, now time.Time) error {
	if err := res.Validate(); err != nil {
		return err
	}
	return settings.Save(ctx, tx, practiceID, settings.Safety, struct {
		Crisis safety.CrisisResources `json:"crisis"`
	}{res}, by, now)
}
