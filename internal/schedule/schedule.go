// Package schedule keeps the practice's calendar: rooms, each staff
// member's weekly hours, and appointments with their clinicians, clients
// and room. It refuses double bookings of a person or a room, bookings
// outside a clinician's hours (unless an administrator gives a reason), and
// any medicine session the dosing gate does not pass (KAP.md §1 Session and
// course), booking the course's session in the same transaction. Every
// function runs inside a transaction that access.Service.Do has allowed;
// times are stored in UTC and read in the practice's zone.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Kind is an appointment type.
type Kind string

// Appointment types.
const (
	Consultation    Kind = "consultation"
	Preparation     Kind = "preparation"
	MedicineSession Kind = "medicine_session"
	Integration     Kind = "integration"
	FollowUp        Kind = "follow_up"
	GroupSession    Kind = "group_session"
)

// Kinds lists the types in the order forms offer them.
var Kinds = []Kind{Consultation, Preparation, MedicineSession, Integration, FollowUp, GroupSession}

// Valid reports whether k is a known type.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Label is the type in words.
func (k Kind) Label() string {
	switch k {
	case Consultation:
		return "Consultation"
	case Preparation:
		return "Preparation session"
	case MedicineSession:
		return "Medicine session"
	case Integration:
		return "Integration session"
	case FollowUp:
		return "Follow-up"
	case GroupSession:
		return "Group session"
	}
	return string(k)
}

// NeedsRoom: a medicine session and a group meet in the practice; the
// other types may be held by video.
func (k Kind) NeedsRoom() bool { return k == MedicineSession || k == GroupSession }

// Status is where an appointment stands.
type Status string

// Appointment statuses.
const (
	Booked    Status = "booked"
	Cancelled Status = "cancelled"
	Held      Status = "held"
	Missed    Status = "missed"
)

// Settings are the practice's scheduling choices, kept with settings.Load
// under settings.Schedule.
type Settings struct {
	// Minutes is the default length of each type.
	Minutes map[Kind]int `json:"minutes"`
	// ClientsPerClinician: at most this many clients per clinician present
	// in a group session.
	ClientsPerClinician int `json:"clients_per_clinician"`
	// FeedClientNames lets clinicians' calendar feeds carry client names.
	FeedClientNames bool `json:"feed_client_names"`
}

// DefaultSettings are what a new practice starts from.
func DefaultSettings() Settings {
	return Settings{
		Minutes: map[Kind]int{
			// KAP.md §1 Session and course: a medicine session lasts about
			// 2–3 hours; the issue asks for 2.5 h.
			MedicineSession: 150,
			// The rest are practice choices: a consultation and an
			// integration session of an hour, a longer preparation
			// session, a short follow-up, a half-day group.
			Consultation: 60,
			Preparation:  90,
			Integration:  60,
			FollowUp:     30,
			GroupSession: 180,
		},
		// Practice choice: no published ratio was found; three clients per
		// clinician in the room is a common small-group size.
		ClientsPerClinician: 3,
		// Calendar apps and phones are outside the practice's control:
		// no client names unless the practice decides otherwise.
		FeedClientNames: false,
	}
}

// Duration is the default length of k.
func (s Settings) Duration(k Kind) time.Duration {
	m := s.Minutes[k]
	if m <= 0 {
		m = DefaultSettings().Minutes[k]
	}
	return time.Duration(m) * time.Minute
}

// Check names each setting that cannot work, by field.
func (s Settings) Check() clinic.Problems {
	var ps clinic.Problems
	for _, k := range Kinds {
		if m := s.Minutes[k]; m < 5 || m > 24*60*14 {
			ps.Add("minutes."+string(k), "The length of a %s is a number of minutes from 5 up; %d was given.", strings.ToLower(k.Label()), m)
		}
	}
	if s.ClientsPerClinician < 1 || s.ClientsPerClinician > 50 {
		ps.Add("clients_per_clinician", "Give how many clients one clinician may care for in a group, from 1 to 50; %d was given.", s.ClientsPerClinician)
	}
	return ps
}

// LoadSettings reads the practice's scheduling settings over the defaults.
func LoadSettings(ctx context.Context, tx *store.Tx, practiceID string) (Settings, error) {
	s := DefaultSettings()
	if _, err := settings.Load(ctx, tx, practiceID, settings.Schedule, &s); err != nil {
		return DefaultSettings(), err
	}
	for _, k := range Kinds {
		if s.Minutes[k] <= 0 {
			s.Minutes[k] = DefaultSettings().Minutes[k]
		}
	}
	return s, nil
}

// SaveSettings checks and saves the practice's scheduling settings. The
// caller holds SettingsManage.
func SaveSettings(ctx context.Context, tx *store.Tx, practiceID string, s Settings, by string, now time.Time) error {
	if ps := s.Check(); len(ps) > 0 {
		return ps
	}
	return settings.Save(ctx, tx, practiceID, settings.Schedule, s, by, now.UTC())
}

// Zone is the practice's time zone (access.PracticeZone); a practice
// that does not exist is not found.
func Zone(ctx context.Context, tx *store.Tx, practiceID string) (*time.Location, error) {
	z, err := access.PracticeZone(ctx, tx, practiceID)
	if errors.Is(err, access.ErrNoSuchPractice) {
		return nil, clinic.ErrNotFound
	}
	return z, err
}

// span writes a time range the way the clash and hours messages do:
// "Mon 2 Mar 10:00–12:30", the day again only when it changes.
func span(from, to time.Time, zone *time.Location) string {
	from, to = from.In(zone), to.In(zone)
	if from.Year() == to.Year() && from.YearDay() == to.YearDay() {
		return fmt.Sprintf("%s %s–%s", from.Format("Mon 2 Jan"), from.Format("15:04"), to.Format("15:04"))
	}
	return fmt.Sprintf("%s – %s", from.Format("Mon 2 Jan 15:04"), to.Format("Mon 2 Jan 15:04"))
}

func exec(ctx context.Context, tx *store.Tx, q string, args ...any) error {
	_, err := tx.Exec(ctx, q, args...)
	return err
}

// ParseLocal reads a wall-clock time as a form's datetime-local field or
// an API client sends it (no zone: "2026-12-07T14:30"), in the practice's
// zone, where the people who booked it live.
func ParseLocal(v string, zone *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
