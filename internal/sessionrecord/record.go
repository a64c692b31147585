package sessionrecord

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// View is who looks at a record and when: process notes are listed for StaffID only, and the
// rules are evaluated at Now (in the practice's zone).
type View struct {
	StaffID string
	Now     time.Time
}

// StartCheck lists what stops the record of a booked session from being started now: the
// dosing gate for the booking's facts (KAP.md §1), each refusal naming what is missing and who
// can resolve it. Empty means Start would open the record. Runs under ClientRead.
func StartCheck(ctx context.Context, tx *store.Tx, clientID, courseSessionID string, now time.Time) ([]dosing.Refusal, error) {
	b, err := loadBooking(ctx, tx, clientID, courseSessionID, now)
	if err != nil {
		return nil, err
	}
	return startRefusals(ctx, tx, clientID, b, now)
}

func startRefusals(ctx context.Context, tx *store.Tx, clientID string, b *booking, now time.Time) ([]dosing.Refusal, error) {
	var out []dosing.Refusal
	if b.session.Status != dosing.SessionBooked {
		out = append(out, dosing.Refusal{Rule: dosing.RuleGateStep, Message: fmt.Sprintf(
			"Session %d is %s, not booked; only a booked medicine session can be started (staff book it on the course page).", b.session.Number, b.session.Status)})
	}
	f, err := gateFacts(ctx, tx, clientID, b, dosing.GateStart, now)
	if err != nil {
		return nil, err
	}
	for _, r := range dosing.Gate(f) {
		if !startOnly(r.Rule) {
			out = append(out, r)
		}
	}
	// A group session needs the practice's number of clinicians per client
	// in the room (issue: group sessions and retreats); booking checks it
	// too, but a facilitator may have been taken off since.
	clients, clinicians, need, err := schedule.ClinicianMinimum(ctx, tx, b.session.ID)
	if err != nil {
		return nil, err
	}
	if clients > 1 && clinicians < need {
		out = append(out, dosing.Refusal{Rule: dosing.RuleGateStep, Message: fmt.Sprintf(
			"This group session has %d clients and needs at least %d clinicians present under the practice's setting; %d %s booked on it. Add a facilitator to the appointment first.",
			clients, need, clinicians, map[bool]string{true: "is", false: "are"}[clinicians == 1])})
	}
	return out, nil
}

// Start opens the record of a booked medicine session, refused (*Refused, ReasonRule) unless
// the dosing gate passes for the booking's facts. by is the clinician starting it, recorded
// as present. The course session stays booked: discharge marks it held. A second start of the
// same session returns the record already open. Runs under SessionRecordWrite.
func Start(ctx context.Context, tx *store.Tx, clientID, courseSessionID, by string, now time.Time) (*Record, error) {
	if id, err := Find(ctx, tx, clientID, courseSessionID); err != nil {
		return nil, err
	} else if id != "" {
		if err := Join(ctx, tx, clientID, id, by, now); err != nil {
			return nil, err
		}
		return Load(ctx, tx, clientID, id, View{StaffID: by, Now: now})
	}
	b, err := loadBooking(ctx, tx, clientID, courseSessionID, now)
	if err != nil {
		return nil, err
	}
	refusals, err := startRefusals(ctx, tx, clientID, b, now)
	if err != nil {
		return nil, err
	}
	if len(refusals) > 0 {
		var p problems
		for _, r := range refusals {
			p.rule("gate", r)
		}
		return nil, p.err(ReasonRule)
	}
	id := store.NewID()
	at := now.UTC()
	snapshot, err := snapshotSettings(ctx, tx, b.practiceID)
	if err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO session_record (id, practice_id, client_id, course_id, course_session_id, session_number, route, planned_mg,
		started_by, started_at, version, updated_at, settings_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		id, b.practiceID, clientID, b.course.ID, courseSessionID, b.session.Number, string(b.course.Route), b.plannedMg, by, at, at, snapshot)
	if err != nil {
		return nil, err
	}
	if err := join(ctx, tx, &head{id: id, practiceID: b.practiceID, clientID: clientID}, by, now); err != nil {
		return nil, err
	}
	return Load(ctx, tx, clientID, id, View{StaffID: by, Now: now})
}

// Find returns the id of the record of a course session, "" when none is started.
func Find(ctx context.Context, tx *store.Tx, clientID, courseSessionID string) (string, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM session_record WHERE course_session_id = ? AND client_id = ?`, courseSessionID, clientID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// Changed is the record's version, which goes up with every write to it: the live page polls
// it (or streams when it moves) and reloads the record only when it changed. ErrNotFound when
// there is no such record.
func Changed(ctx context.Context, tx *store.Tx, recordID string) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `SELECT version FROM session_record WHERE id = ?`, recordID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}

// Join records a clinician as present in the session (writing into it does the same).
// Runs under SessionRecordWrite.
func Join(ctx context.Context, tx *store.Tx, clientID, recordID, by string, now time.Time) error {
	h, err := lock(ctx, tx, clientID, recordID, now)
	if err != nil {
		return err
	}
	if err := h.writable(); err != nil {
		return err
	}
	return join(ctx, tx, h, by, now)
}

// head is the record's row as writes need it.
type head struct {
	id, practiceID, clientID, courseID, courseSessionID string
	number                                              int
	route                                               dosing.Route
	plannedMg                                           float64
	startedAt                                           time.Time
	dischargedAt                                        *time.Time
	signedAt                                            *time.Time
	signerName                                          string
	hash                                                string
	// snapshot is the medicine settings in force at the start (JSON), "" for older records.
	snapshot string
}

// lock bumps the record's version before anything else is read or written, so concurrent
// writers to one record queue on its row (PostgreSQL) and each sees the other's entries.
func lock(ctx context.Context, tx *store.Tx, clientID, recordID string, now time.Time) (*head, error) {
	res, err := tx.Exec(ctx, `UPDATE session_record SET version = version + 1, updated_at = ? WHERE id = ? AND client_id = ?`, now.UTC(), recordID, clientID)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, ErrNotFound
	}
	return readHead(ctx, tx, clientID, recordID)
}

func readHead(ctx context.Context, tx *store.Tx, clientID, recordID string) (*head, error) {
	var h head
	var route string
	err := tx.QueryRow(ctx, `SELECT id, practice_id, client_id, course_id, course_session_id, session_number, route, planned_mg, started_at,
		discharged_at, signed_at, signer_name, content_hash, settings_snapshot FROM session_record WHERE id = ? AND client_id = ?`, recordID, clientID).Scan(
		&h.id, &h.practiceID, &h.clientID, &h.courseID, &h.courseSessionID, &h.number, &route, &h.plannedMg, &h.startedAt,
		&h.dischargedAt, &h.signedAt, &h.signerName, &h.hash, &h.snapshot)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	h.route = dosing.Route(route)
	return &h, err
}

// writable refuses every write to a signed record: after sign-off only addenda.
func (h *head) writable() error {
	if h.signedAt != nil {
		return refused(ReasonLocked, "record", fmt.Sprintf(
			"The record was signed by %s on %s and is locked; only a signed addendum can be added.", h.signerName, h.signedAt.Format("2 Jan 2006 15:04 MST")))
	}
	return nil
}

func join(ctx context.Context, tx *store.Tx, h *head, staffID string, now time.Time) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM session_clinician WHERE record_id = ? AND staff_id = ?`, h.id, staffID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO session_clinician (record_id, practice_id, client_id, staff_id, joined_at) VALUES (?, ?, ?, ?, ?)`,
		h.id, h.practiceID, h.clientID, staffID, now.UTC())
	return err
}

// begin opens a write: lock, refuse a signed record, record the writer as present.
func begin(ctx context.Context, tx *store.Tx, clientID, recordID, by string, now time.Time) (*head, error) {
	h, err := lock(ctx, tx, clientID, recordID, now)
	if err != nil {
		return nil, err
	}
	if err := h.writable(); err != nil {
		return nil, err
	}
	return h, join(ctx, tx, h, by, now)
}

// entryTime is when an entry happened: now when not given, and never in the future or long
// before the record was started.
func entryTime(field string, at time.Time, h *head, now time.Time, p *problems) time.Time {
	if at.IsZero() {
		return now
	}
	at = at.In(now.Location())
	if at.After(now.Add(time.Minute)) {
		p.add(field, fmt.Sprintf("The time %s is later than now (%s); enter when it happened.", at.Format("15:04"), now.Format("15:04")))
	}
	if earliest := h.startedAt.Add(-3 * time.Hour); at.Before(earliest) {
		p.add(field, fmt.Sprintf("The time %s is more than 3 hours before the record was started (%s); check the date and time.",
			at.Format("2 Jan 15:04"), h.startedAt.In(now.Location()).Format("2 Jan 15:04")))
	}
	return at
}

// ChangedFor is Changed for a record of the given client (ErrNotFound for another client's),
// for callers that have not loaded the record.
func ChangedFor(ctx context.Context, tx *store.Tx, clientID, recordID string) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `SELECT version FROM session_record WHERE id = ? AND client_id = ?`, recordID, clientID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}
