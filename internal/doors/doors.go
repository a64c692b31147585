// Package doors builds every capability's front door from one set of
// parts. The pages, the JSON API, the command line and the demo each take
// their doors from here, so each meets the same doors with the same clock:
// the running holdspace gives the wall clock, the demo a clock it moves
// to build its past, a test one it holds still.
package doors

import (
	"log/slog"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/audittrail"
	"holdspace/internal/chart"
	"holdspace/internal/clinic"
	"holdspace/internal/consent"
	"holdspace/internal/course"
	"holdspace/internal/eligibility"
	"holdspace/internal/inquiry"
	"holdspace/internal/instrument"
	"holdspace/internal/mailbox"
	"holdspace/internal/measure"
	"holdspace/internal/prescribing"
	"holdspace/internal/readiness"
	"holdspace/internal/reminder"
	"holdspace/internal/schedule"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/setup"
)

// Set is every front door, by the capability's name in the clinic.
type Set struct {
	// Access is the door of accounts, staff and the practice itself.
	Access      *access.Service
	Audit       *audittrail.Door
	Clients     *clinic.Door
	Chart       *chart.Door
	Consent     *consent.Door
	Courses     *course.Door
	Inquiries   *inquiry.Door
	Intake      *eligibility.Door
	Mailbox     *mailbox.Door
	Measures    *measure.Door
	Prescribing *prescribing.Door
	Readiness   *readiness.Door
	Reminders   *reminder.Door
	Safety      *alert.Door
	Schedule    *schedule.Door
	Sessions    *sessionrecord.Door
	// Setup is the first run and the practice's setup checklist.
	Setup *setup.Door
}

// Deps are the parts the doors are built from.
type Deps struct {
	Access *access.Service
	// Instruments are the questionnaires; loaded when nil.
	Instruments *instrument.Catalog
	// Now is every door's clock; the wall clock when nil.
	Now func() time.Time
	// Log receives what a door could not put on the record (a refused
	// signature whose trail entry failed): never client data.
	Log *slog.Logger
}

// New builds the doors.
func New(d Deps) (*Set, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Instruments == nil {
		cat, err := instrument.Load()
		if err != nil {
			return nil, err
		}
		d.Instruments = cat
	}
	a := d.Access
	return &Set{
		Access:      a,
		Audit:       &audittrail.Door{Access: a, Now: d.Now},
		Clients:     &clinic.Door{Access: a, Now: d.Now},
		Chart:       &chart.Door{Access: a, Now: d.Now},
		Consent:     &consent.Door{Access: a, Now: d.Now},
		Courses:     &course.Door{Access: a, Now: d.Now},
		Inquiries:   &inquiry.Door{Access: a, Now: d.Now},
		Intake:      &eligibility.Door{Access: a, Now: d.Now},
		Mailbox:     &mailbox.Door{Access: a, Now: d.Now},
		Measures:    &measure.Door{Access: a, Instruments: d.Instruments, Now: d.Now, BaseURL: a.BaseURL},
		Prescribing: &prescribing.Door{Access: a, Now: d.Now, Log: d.Log},
		Readiness:   &readiness.Door{Access: a, Now: d.Now},
		Reminders:   &reminder.Door{Access: a, Now: d.Now},
		Safety:      &alert.Door{Access: a, Now: d.Now, Keys: a.Keys, BaseURL: a.BaseURL},
		Schedule:    &schedule.Door{Access: a, Now: d.Now},
		Sessions:    &sessionrecord.Door{Access: a, Now: d.Now, Keys: a.Keys, Log: d.Log},
		Setup:       &setup.Door{Access: a, Now: d.Now},
	}, nil
}

// Instruments is the questionnaire catalogue the doors score with.
func (s *Set) Instruments() *instrument.Catalog { return s.Measures.Instruments }
