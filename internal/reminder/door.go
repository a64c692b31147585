package reminder

import (
	"context"
	"errors"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/fault"
	"holdspace/internal/preparation"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Door is the front door of the practice's reminder emails and of the
// medicine settings whose fasting times they quote: the pages and the API
// read and change them only through it, under the same access.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

var (
	remindersRef = access.Ref{Type: "practice_setting", ID: string(settings.Reminders)}
	medicineRef  = access.Ref{Type: "practice_setting", ID: string(settings.Medicine)}
)

// Reminders is the reminder emails as saved, with the medicine settings
// their previews fill the fasting times from.
type Reminders struct {
	Settings Settings
	Medicine dosing.Settings
}

// Reminders reads the practice's reminder emails: a practice
// administrator's (SettingsManage).
func (d *Door) Reminders(ctx context.Context, a access.Actor) (Reminders, error) {
	var out Reminders
	err := d.Access.Do(ctx, a, access.SettingsManage, remindersRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Settings, err = Load(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		out.Medicine, err = settings.MedicineSettings(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}

// SaveReminders saves the reminder emails as typed; the medicine settings
// come back for a form shown again after a refusal.
func (d *Door) SaveReminders(ctx context.Context, a access.Actor, rs Settings) (dosing.Settings, error) {
	var ms dosing.Settings
	err := d.Access.Do(ctx, a, access.SettingsManage, remindersRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if ms, err = settings.MedicineSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		return Save(ctx, tx, a.PracticeID, rs, a.StaffID, d.now())
	})
	return ms, err
}

// PreviewValues reads the medicine settings a preview of the reminder
// emails fills the fasting times from, for the practice administrators
// who edit the emails (SettingsManage).
func (d *Door) PreviewValues(ctx context.Context, a access.Actor) (dosing.Settings, error) {
	var ms dosing.Settings
	err := d.Access.Do(ctx, a, access.SettingsManage, remindersRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		ms, err = settings.MedicineSettings(ctx, tx, a.PracticeID)
		return err
	})
	return ms, err
}

// Medicine is the medicine settings as saved, their history, and whether
// the viewer may change them.
type Medicine struct {
	Settings  dosing.Settings
	History   []settings.HistoryEntry
	CanChange bool
}

// Medicine reads the medicine settings (ClinicalSettingsRead).
func (d *Door) Medicine(ctx context.Context, a access.Actor) (Medicine, error) {
	var out Medicine
	err := d.Access.Do(ctx, a, access.ClinicalSettingsRead, medicineRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Settings, err = settings.MedicineSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if out.History, err = settings.MedicineHistory(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		out.CanChange, err = mayChangeClinical(ctx, tx, a)
		return err
	})
	return out, err
}

// MedicineChange is a change of the medicine settings as asked for.
type MedicineChange struct {
	Settings dosing.Settings
	Reason   string
	// Unread is the face's refusal of what it could not read, given only
	// once access is decided, so a refusal is the same whatever was sent.
	Unread error
}

// MedicineChanged is what a change did: the numbers changed (none when
// they were as saved) and the settings as they now stand.
type MedicineChanged struct {
	Changes []dosing.Change
	Medicine
}

// ChangeMedicine replaces the medicine settings (ClinicalSettingsChange):
// settings.ChangeMedicine asks again that a is a prescriber or clinical
// lead, wants a reason and every number inside its bound.
func (d *Door) ChangeMedicine(ctx context.Context, a access.Actor, in MedicineChange) (MedicineChanged, error) {
	var out MedicineChanged
	err := d.Access.Do(ctx, a, access.ClinicalSettingsChange, medicineRef, func(tx *store.Tx, _ access.Decision) error {
		if in.Unread != nil {
			return in.Unread
		}
		var err error
		if out.Changes, err = settings.ChangeMedicine(ctx, tx, a, in.Settings, in.Reason, d.now()); err != nil {
			return err
		}
		if out.Settings, err = settings.MedicineSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		out.CanChange = true
		out.History, err = settings.MedicineHistory(ctx, tx, a.PracticeID)
		return err
	})
	return out, whoMayChange(a, err)
}

// whoMayChange says, to a member of the practice refused a change of the
// medicine settings, who may make it and how they can become one.
func whoMayChange(a access.Actor, err error) error {
	var denied *access.Denied
	if errors.As(err, &denied) && !denied.Hidden && denied.Record.PracticeID == a.PracticeID {
		return &fault.Error{Code: fault.Forbidden, Message: access.ReasonSentence(denied.Reason) + " Ask a prescriber, or have an administrator name you clinical lead on the staff page.", Err: err}
	}
	return err
}

// mayChangeClinical says whether the page offers the form: a prescriber
// or a named clinical lead. settings.ChangeMedicine asks again whatever
// the page showed.
func mayChangeClinical(ctx context.Context, tx *store.Tx, a access.Actor) (bool, error) {
	if a.Has(access.Prescriber) {
		return true, nil
	}
	return access.IsClinicalLead(ctx, tx, a.PracticeID, a.StaffID)
}

// SessionInstructions are the practical instructions for one medicine
// session, from one source per practice so the portal and the email never
// disagree: the practice's reminder email before a session (its own text
// or holdspace's default, with the fasting times of its medicine
// settings), filled in for this session exactly as the email will be;
// the preparation instructions the client acknowledged only when the
// reminder has no text. fromReminder says which.
func SessionInstructions(ctx context.Context, tx *store.Tx, practiceID, clientID string, n int, at time.Time, zone *time.Location) (text string, fromReminder bool, err error) {
	rs, err := Load(ctx, tx, practiceID)
	if err != nil {
		return "", false, err
	}
	if strings.TrimSpace(rs.Before.Body) == "" {
		return preparation.CurrentInstructions().Text, false, nil
	}
	text, err = fill(ctx, tx, rs, rs.Before.Body, practiceID, clientID, n, at, zone)
	return text, err == nil, err
}

// SessionAftercare is the practice's aftercare text filled in for session
// n of clientID at at, read in the practice's zone, as the client reads it
// once the session's summary is shared.
func SessionAftercare(ctx context.Context, tx *store.Tx, practiceID, clientID string, n int, at time.Time) (string, error) {
	rs, err := Load(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	return fill(ctx, tx, rs, rs.After.Body, practiceID, clientID, n, at, zone)
}

// fill renders body, one of rs's texts, for session n of clientID at at
// with the practice's medicine settings, the client's names and the
// practice's name.
func fill(ctx context.Context, tx *store.Tx, rs Settings, body, practiceID, clientID string, n int, at time.Time, zone *time.Location) (string, error) {
	med, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	cl, err := clinic.LoadClient(ctx, tx, practiceID, clientID)
	if err != nil {
		return "", err
	}
	practiceName, err := access.PracticeName(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	v := ValuesFor(rs, med, Session{Number: n, At: at, ClientLegal: cl.LegalName, ClientPref: cl.PreferredName,
		PracticeName: practiceName, Zone: zone})
	return Render(body, v), nil
}
