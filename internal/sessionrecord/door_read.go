package sessionrecord

import (
	"context"
	"errors"
	"slices"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/reminder"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Booking is the booked medicine session a record belongs to.
type Booking struct {
	Course  *course.Course
	Session course.Session
	// PlannedMg is the course's planned dose for this session.
	PlannedMg float64
}

// Live is what the room's page shows of one booked session: its record
// once started, and what stops it from starting before.
type Live struct {
	Client  clinic.Client
	Booking Booking
	// Settings are the numbers the session runs on: the record's own once
	// started (not the practice's current ones), the practice's before.
	Settings dosing.Settings
	// StartRefusals say what stops the record from being started.
	StartRefusals []dosing.Refusal
	// Record is nil until the record is started.
	Record *Record
	// ProcessNotes are the viewer's own, opened for them alone.
	ProcessNotes []ProcessNote
	// Due are the questionnaires the schedule asks for before this session
	// and not yet answered (KAP.md §2: measure before each session).
	Due []measure.Due
	// Now is the time of the read in the practice's zone.
	Now time.Time
}

// View reads the live record of a booked session for the page (ClientRead,
// on the trail). The viewer's own process notes are opened only when they
// may read them: that is its own decision and its own line on the trail.
func (d *Door) View(ctx context.Context, a access.Actor, clientID, sessionID string) (*Live, error) {
	var v *Live
	ref := access.Ref{Type: "session_record", ID: sessionID, ClientID: clientID}
	err := d.Access.Do(ctx, a, access.ClientRead, ref, func(tx *store.Tx, _ access.Decision) error {
		now, err := d.at(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		v = &Live{Now: now}
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		b, err := loadBooking(ctx, tx, clientID, sessionID, now)
		if err != nil {
			return err
		}
		v.Booking = Booking{Course: b.course, Session: b.session, PlannedMg: b.plannedMg}
		if v.Settings, err = settings.MedicineSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if err := d.live(ctx, tx, a, clientID, sessionID, v); err != nil {
			return err
		}
		v.Due, err = measure.DueBefore(ctx, tx, clientID, sessionID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// live fills in the record of the booking, or what stops it from starting.
func (d *Door) live(ctx context.Context, tx *store.Tx, a access.Actor, clientID, sessionID string, v *Live) error {
	recordID, err := Find(ctx, tx, clientID, sessionID)
	if err != nil {
		return err
	}
	if recordID == "" {
		v.StartRefusals, err = StartCheck(ctx, tx, clientID, sessionID, v.Now)
		return err
	}
	if v.Record, err = Load(ctx, tx, clientID, recordID, View{StaffID: a.StaffID, Now: v.Now}); err != nil {
		return err
	}
	v.Settings = v.Record.Settings
	if len(v.Record.ProcessNotes) == 0 {
		return nil
	}
	ref := access.Ref{Type: "process_note", ID: recordID, ClientID: clientID, AuthorStaffID: a.StaffID}
	if _, err := d.Access.Authorize(ctx, tx, a, access.ProcessNoteRead, ref); err != nil {
		if errors.As(err, new(*access.Denied)) {
			return nil
		}
		return err
	}
	v.ProcessNotes, err = ProcessNotes(ctx, tx, d.Keys, clientID, recordID, a.StaffID)
	return err
}

// read runs fn under ClientRead of ref once the client is found, with the
// time in the practice's zone.
func (d *Door) read(ctx context.Context, a access.Actor, ref access.Ref, fn func(tx *store.Tx, now time.Time) error) error {
	return d.Access.Do(ctx, a, access.ClientRead, ref, func(tx *store.Tx, _ access.Decision) error {
		now, err := d.at(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, ref.ClientID); err != nil {
			return err
		}
		return fn(tx, now)
	})
}

// Shown is a record with its timeline and its chart at the time of the
// read.
type Shown struct {
	Record   *Record
	Timeline []TimelineEntry
	Chart    Chart
}

// Show reads one record by its id (ClientRead).
func (d *Door) Show(ctx context.Context, a access.Actor, clientID, recordID string) (Shown, error) {
	var out Shown
	err := d.read(ctx, a, ByRecord(clientID, recordID).ref("session_record"), func(tx *store.Tx, now time.Time) error {
		rec, err := Load(ctx, tx, clientID, recordID, View{StaffID: a.StaffID, Now: now})
		if err != nil {
			return err
		}
		out = Shown{Record: rec, Timeline: rec.Timeline(), Chart: rec.Chart(now)}
		return nil
	})
	return out, err
}

// Version is a record's version (ClientRead, on the trail): it goes up
// with every write to the record.
func (d *Door) Version(ctx context.Context, a access.Actor, clientID, recordID string) (int64, error) {
	var v int64
	err := d.read(ctx, a, ByRecord(clientID, recordID).ref("session_record"), func(tx *store.Tx, _ time.Time) (err error) {
		v, err = ChangedFor(ctx, tx, clientID, recordID)
		return err
	})
	return v, err
}

// Poll is the version of a booked session's record for the live page's
// script, 0 before the record is started. It is asked every few seconds
// by every tablet in the room and says nothing of the record's content, so
// it is decided by the same rule as reading the chart (the care team, an
// administrator or emergency access) without a line on the trail each
// time; the page the script then fetches is read, and audited, as usual.
// Another practice's client, an unknown one and an unknown booking are
// ErrNotFound; this practice's client off the care team is *access.Denied.
func (d *Door) Poll(ctx context.Context, a access.Actor, clientID, sessionID string) (int64, error) {
	var version int64
	err := d.Access.DB.Read(ctx, func(tx *store.Tx) error {
		_, err := d.Access.Check(ctx, tx, a, access.ClientRead, access.Ref{Type: "session_record", ID: sessionID, ClientID: clientID})
		var denied *access.Denied
		if errors.As(err, &denied) && denied.Record.PracticeID != a.PracticeID {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		booked, err := isBooked(ctx, tx, clientID, sessionID)
		if err != nil {
			return err
		}
		if !booked {
			return ErrNotFound
		}
		recordID, err := Find(ctx, tx, clientID, sessionID)
		if err != nil || recordID == "" {
			return err
		}
		version, err = Changed(ctx, tx, recordID)
		return err
	})
	return version, err
}

// isBooked reports whether the client has the course session.
func isBooked(ctx context.Context, tx *store.Tx, clientID, sessionID string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM course_session WHERE id = ? AND client_id = ?`, sessionID, clientID).Scan(&n)
	return n > 0, err
}

// List lists the client's records, newest first (ClientRead).
func (d *Door) List(ctx context.Context, a access.Actor, clientID string) ([]Overview, error) {
	var out []Overview
	err := d.read(ctx, a, access.Ref{Type: "session_record", ClientID: clientID}, func(tx *store.Tx, _ time.Time) (err error) {
		out, err = List(ctx, tx, clientID)
		return err
	})
	return out, err
}

// Gate says what stops the record of a booked session from being started
// now (ClientRead); none when it may start.
func (d *Door) Gate(ctx context.Context, a access.Actor, clientID, sessionID string) ([]dosing.Refusal, error) {
	var out []dosing.Refusal
	err := d.read(ctx, a, access.Ref{Type: "session_record", ID: sessionID, ClientID: clientID}, func(tx *store.Tx, now time.Time) (err error) {
		out, err = StartCheck(ctx, tx, clientID, sessionID, now)
		return err
	})
	return out, err
}

// SharedSession is a signed session as its client sees it in the portal:
// the date, what their clinician wrote for them, and who signed it; never
// the process notes, never the vitals.
type SharedSession struct {
	Shared
	// SessionID is the booked course session.
	SessionID string
	// Aftercare is the practice's aftercare text for the session, filled
	// in for the one session read (SharedSession), empty in the list.
	Aftercare string
}

// SharedSessions lists the signed sessions of the client signed in
// (PortalUse), newest first; records not yet signed are not shared.
func (d *Door) SharedSessions(ctx context.Context, a access.Actor) ([]SharedSession, error) {
	var out []SharedSession
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "session_summary", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) (err error) {
		out, err = sharedSessions(ctx, tx, a.ClientID)
		return err
	})
	return out, err
}

// SharedSession reads one signed session of the client signed in, with
// the practice's aftercare text (PortalUse); nil when the session has no
// signed summary to share.
func (d *Door) SharedSession(ctx context.Context, a access.Actor, sessionID string) (*SharedSession, error) {
	var out *SharedSession
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "session_summary", ID: sessionID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		list, err := sharedSessions(ctx, tx, a.ClientID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(list, func(s SharedSession) bool { return s.SessionID == sessionID })
		if i < 0 {
			return nil
		}
		out = &list[i]
		out.Aftercare, err = reminder.SessionAftercare(ctx, tx, a.PracticeID, a.ClientID, out.SessionNumber, out.SessionDate)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sharedSessions are the client's shared summaries with the booking each
// belongs to.
func sharedSessions(ctx context.Context, tx *store.Tx, clientID string) ([]SharedSession, error) {
	shared, err := SharedSummaries(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	all, err := List(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	out := make([]SharedSession, 0, len(shared))
	for _, sh := range shared {
		i := slices.IndexFunc(all, func(o Overview) bool { return o.ID == sh.RecordID })
		if i < 0 {
			continue
		}
		out = append(out, SharedSession{Shared: sh, SessionID: all[i].CourseSessionID})
	}
	return out, nil
}
