package sessionrecord

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/keyring"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
)

// Door is the front door of the live session record: the room's page and
// the JSON API both come through it, so every change is decided, audited
// and checked by the same rules whichever face it comes from, and a
// signature is confirmed by the signer's password in the same transaction.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
	// Keys seal and open the process notes.
	Keys *keyring.Ring
	// Log receives what could not be put on the trail after a signature
	// was refused for its password: the refusal itself still stands.
	Log *slog.Logger
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

func (d *Door) log() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// Target names the record a change is made to: by its booked course
// session (the live page, whose address is the booking's) or by the
// record's own id (the API). The access decision, and its line on the
// trail, names whichever is given.
type Target struct {
	ClientID string
	// SessionID is the booked course session; its record is looked up,
	// and a change to a session whose record is not started yet is
	// refused on the field "record".
	SessionID string
	// RecordID is the record itself, when SessionID is empty.
	RecordID string
}

// BySession names the record of a booked course session.
func BySession(clientID, sessionID string) Target {
	return Target{ClientID: clientID, SessionID: sessionID}
}

// ByRecord names a record by its id.
func ByRecord(clientID, recordID string) Target {
	return Target{ClientID: clientID, RecordID: recordID}
}

func (t Target) ref(typ string) access.Ref {
	id := t.RecordID
	if t.SessionID != "" {
		id = t.SessionID
	}
	return access.Ref{Type: typ, ID: id, ClientID: t.ClientID}
}

// at is the time of an action in the practice's zone: refusals and the
// times of day typed into the forms read in it.
func (d *Door) at(ctx context.Context, tx *store.Tx, practiceID string) (time.Time, error) {
	return access.PracticeNow(ctx, tx, practiceID, d.now())
}

// recordOf finds the target's record. A booking without a record yet is
// not found when there is no such booking, and refused when there is, so
// the page says to start it.
func recordOf(ctx context.Context, tx *store.Tx, t Target, now time.Time) (string, error) {
	if t.SessionID == "" {
		return t.RecordID, nil
	}
	id, err := Find(ctx, tx, t.ClientID, t.SessionID)
	if err != nil || id != "" {
		return id, err
	}
	if _, err := loadBooking(ctx, tx, t.ClientID, t.SessionID, now); err != nil {
		return "", err
	}
	return "", refused(ReasonRule, "record", "The record of this session is not started yet: start it first.")
}

// change runs fn on the target's record under act in one transaction:
// access decided and audited, then the face's refusal of what it could not
// read (unread, given only once access is decided, so that someone refused
// learns nothing from it), then the client and the record found.
func (d *Door) change(ctx context.Context, a access.Actor, act access.Action, ref access.Ref, t Target, unread error,
	fn func(tx *store.Tx, recordID string, now time.Time) error) error {
	return d.Access.Do(ctx, a, act, ref, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		now, err := d.at(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, t.ClientID); err != nil {
			return err
		}
		recordID, err := recordOf(ctx, tx, t, now)
		if err != nil {
			return err
		}
		return fn(tx, recordID, now)
	})
}

// run is change for a use case that returns what it made.
func run[T any](ctx context.Context, d *Door, a access.Actor, act access.Action, ref access.Ref, t Target, unread error,
	fn func(tx *store.Tx, recordID string, now time.Time) (T, error)) (T, error) {
	var out T
	err := d.change(ctx, a, act, ref, t, unread, func(tx *store.Tx, recordID string, now time.Time) (err error) {
		out, err = fn(tx, recordID, now)
		return err
	})
	return out, err
}

// Start opens the record of a booked session, once the dosing gate's
// checks of the booking pass (see the package's Start).
func (d *Door) Start(ctx context.Context, a access.Actor, clientID, sessionID string, unread error) (*Record, error) {
	var out *Record
	ref := access.Ref{Type: "session_record", ID: sessionID, ClientID: clientID}
	err := d.Access.Do(ctx, a, access.SessionRecordWrite, ref, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		now, err := d.at(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out, err = Start(ctx, tx, clientID, sessionID, a.StaffID, now)
		return err
	})
	return out, err
}

// SaveChecklist saves the pre-dose checklist, based on the version the
// person saw (0 for the first save).
func (d *Door) SaveChecklist(ctx context.Context, a access.Actor, t Target, baseVersion int64, c dosing.PreDoseChecklist, unread error) (*Checklist, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Checklist, error) {
		return SaveChecklist(ctx, tx, t.ClientID, recordID, baseVersion, c, a.StaffID, now)
	})
}

// AddReading records a set of vitals; one beyond an alarm threshold
// raises the record's alert.
func (d *Door) AddReading(ctx context.Context, a access.Actor, t Target, in ReadingInput, unread error) (*Reading, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Reading, error) {
		return AddReading(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// OverrideHold lifts the pre-dose blood pressure hold with a reason: a
// prescriber's decision (HoldOverride).
func (d *Door) OverrideHold(ctx context.Context, a access.Actor, t Target, reason string, unread error) (*Override, error) {
	return run(ctx, d, a, access.HoldOverride, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Override, error) {
		return OverrideHold(ctx, tx, t.ClientID, recordID, reason, a.StaffID, now)
	})
}

// RecordPreMedication records a pre-medication the prescriber ordered as
// given.
func (d *Door) RecordPreMedication(ctx context.Context, a access.Actor, t Target, in PreMedicationInput, unread error) (*PreMedication, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*PreMedication, error) {
		return RecordPreMedication(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// AuthoriseDose authorises a dose beyond the plan: a prescriber's
// decision, like the override (HoldOverride).
func (d *Door) AuthoriseDose(ctx context.Context, a access.Actor, t Target, in AuthorisationInput, unread error) (*Authorisation, error) {
	return run(ctx, d, a, access.HoldOverride, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Authorisation, error) {
		return AuthoriseDose(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// Administer records a dose given, once every check of the dose passes.
func (d *Door) Administer(ctx context.Context, a access.Actor, t Target, in DoseInput, unread error) (*Administration, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Administration, error) {
		return Administer(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// AcknowledgeAlert closes one of the record's alerts with the action
// taken.
func (d *Door) AcknowledgeAlert(ctx context.Context, a access.Actor, t Target, alertID, action string, unread error) error {
	return d.change(ctx, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) error {
		return AcknowledgeAlert(ctx, tx, t.ClientID, recordID, alertID, action, a.StaffID, now)
	})
}

// AddObservation records what was seen in the room.
func (d *Door) AddObservation(ctx context.Context, a access.Actor, t Target, in ObservationInput, unread error) (*Event, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Event, error) {
		return AddObservation(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// AddIntervention records what a clinician did.
func (d *Door) AddIntervention(ctx context.Context, a access.Actor, t Target, in InterventionInput, unread error) (*Event, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Event, error) {
		return AddIntervention(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// AddAdverseEvent records an adverse event with its severity and outcome.
func (d *Door) AddAdverseEvent(ctx context.Context, a access.Actor, t Target, in AdverseEventInput, unread error) (*Event, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Event, error) {
		return AddAdverseEvent(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// SaveSummary saves the session summary the client reads once the record
// is signed.
func (d *Door) SaveSummary(ctx context.Context, a access.Actor, t Target, text string, unread error) (*Note, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Note, error) {
		return SaveSummary(ctx, tx, t.ClientID, recordID, text, a.StaffID, now)
	})
}

// noteRef is a process note of the target's record; a new one has no
// author yet, and reading names the reader as the author, so only their
// own are opened.
func noteRef(t Target, author string) access.Ref {
	ref := t.ref("process_note")
	ref.AuthorStaffID = author
	return ref
}

// AddProcessNote seals a therapist's process note, readable by its author
// alone (ProcessNoteWrite).
func (d *Door) AddProcessNote(ctx context.Context, a access.Actor, t Target, text string, unread error) (*ProcessNote, error) {
	return run(ctx, d, a, access.ProcessNoteWrite, noteRef(t, ""), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*ProcessNote, error) {
		return AddProcessNote(ctx, tx, d.Keys, t.ClientID, recordID, text, a.StaffID, now)
	})
}

// ProcessNotes opens the viewer's own process notes of a record
// (ProcessNoteRead).
func (d *Door) ProcessNotes(ctx context.Context, a access.Actor, t Target) ([]ProcessNote, error) {
	return run(ctx, d, a, access.ProcessNoteRead, noteRef(t, a.StaffID), t, nil, func(tx *store.Tx, recordID string, _ time.Time) ([]ProcessNote, error) {
		return ProcessNotes(ctx, tx, d.Keys, t.ClientID, recordID, a.StaffID)
	})
}

// Discharge records the discharge once every criterion holds, and marks
// the booked session held.
func (d *Door) Discharge(ctx context.Context, a access.Actor, t Target, in DischargeInput, unread error) (*Record, error) {
	return run(ctx, d, a, access.SessionRecordWrite, t.ref("session_record"), t, unread, func(tx *store.Tx, recordID string, now time.Time) (*Record, error) {
		return Discharge(ctx, tx, t.ClientID, recordID, in, a.StaffID, now)
	})
}

// Sign signs and locks the record, the signer confirmed by their password.
func (d *Door) Sign(ctx context.Context, a access.Actor, t Target, password string, unread error) (*Signature, error) {
	var out *Signature
	err := d.signing(ctx, a, t, password, unread, func(tx *store.Tx, recordID string, s prescribing.Signer, now time.Time) (err error) {
		out, err = Sign(ctx, tx, t.ClientID, recordID, s, now)
		return err
	})
	return out, err
}

// AddAddendum adds signed text to a signed record, the signer confirmed
// by their password.
func (d *Door) AddAddendum(ctx context.Context, a access.Actor, t Target, text, password string, unread error) (*Addendum, error) {
	var out *Addendum
	err := d.signing(ctx, a, t, password, unread, func(tx *store.Tx, recordID string, s prescribing.Signer, now time.Time) (err error) {
		out, err = AddAddendum(ctx, tx, t.ClientID, recordID, text, s, now)
		return err
	})
	return out, err
}

// signing runs fn under SessionRecordSign once the signer is confirmed by
// the password of their own account (access.ConfirmSigner), in the same
// transaction. A wrong password is a problem of the field "password", and
// once the refused transaction has rolled back it goes on the trail and
// counts toward the account's lock, so the form cannot be used to guess a
// signed-in person's password.
func (d *Door) signing(ctx context.Context, a access.Actor, t Target, password string, unread error,
	fn func(tx *store.Tx, recordID string, s prescribing.Signer, now time.Time) error) error {
	ref := t.ref("session_record")
	wrong := false
	err := d.change(ctx, a, access.SessionRecordSign, ref, t, unread, func(tx *store.Tx, recordID string, now time.Time) error {
		if t.SessionID == "" {
			// An unknown record is not found before the password is asked about.
			if _, err := ChangedFor(ctx, tx, t.ClientID, recordID); err != nil {
				return err
			}
		}
		prob, err := d.Access.ConfirmSigner(ctx, tx, a, password)
		if errors.Is(err, access.ErrSignaturePassword) {
			wrong = true
		} else if err != nil {
			return err
		}
		if prob != nil {
			return access.Problems{prob}
		}
		signer, err := prescribing.LoadSigner(ctx, tx, a.PracticeID, a.StaffID)
		if err != nil {
			return err
		}
		return fn(tx, recordID, signer, now)
	})
	if wrong {
		d.signatureRefused(ctx, a, ref)
	}
	return err
}

// signatureRefused puts a signature refused for its password on the trail
// and counts it toward the account's lock. Neither failing changes the
// answer, which is the refusal: they are logged.
func (d *Door) signatureRefused(ctx context.Context, a access.Actor, ref access.Ref) {
	err := d.Access.RecordDenial(ctx, a, &access.Denied{Action: access.SessionRecordSign, Reason: access.ErrSignaturePassword.Error(),
		Record: access.Record{Type: ref.Type, ID: ref.ID, PracticeID: a.PracticeID, ClientID: ref.ClientID}})
	if err != nil {
		d.log().Error("recording a refused signature", "err", err)
	}
	if err := d.Access.PasswordRefused(ctx, a); err != nil {
		d.log().Error("counting a refused signature password", "err", err)
	}
}
