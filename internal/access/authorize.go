package access

import (
	"context"
	"database/sql"
	"errors"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// Ref names the record an action is done to. The facts the decision needs
// (its practice, the actor's care-team membership, break-glass) are loaded
// from the database, never taken from the request.
type Ref struct {
	Type          string
	ID            string
	ClientID      string
	AuthorStaffID string
}

// Authorize loads the facts about ref in tx, asks Decide, and writes the
// allowed access to the audit trail in the same transaction. A refusal
// comes back as *Denied for the caller to roll back; Do records it.
func (s *Service) Authorize(ctx context.Context, tx *store.Tx, a Actor, act Action, ref Ref) (Decision, error) {
	d, rec, err := s.decide(ctx, tx, a, act, ref)
	if err != nil {
		return d, err
	}
	return d, s.log(ctx, tx, a, string(act), rec, audit.Allowed, d.Reason)
}

// Check loads the facts about ref in tx and asks Decide, writing nothing to
// the trail. It is for the few reads that return no client data and come
// too often to record, such as the live session page's poll for a version
// number; the pages those reads lead to go through Do. A refusal comes back
// as *Denied.
func (s *Service) Check(ctx context.Context, tx *store.Tx, a Actor, act Action, ref Ref) (Decision, error) {
	d, _, err := s.decide(ctx, tx, a, act, ref)
	return d, err
}

// decide loads the facts about ref and asks Decide, writing nothing.
func (s *Service) decide(ctx context.Context, tx *store.Tx, a Actor, act Action, ref Ref) (Decision, Record, error) {
	rec := Record{Type: ref.Type, ID: ref.ID, ClientID: ref.ClientID, AuthorStaffID: ref.AuthorStaffID}
	if ref.ClientID == "" {
		// Practice-wide records (settings, staff, the trail) are always
		// the actor's own practice: the tenant comes from the actor.
		rec.PracticeID = a.PracticeID
	} else {
		err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, ref.ClientID).Scan(&rec.PracticeID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Decision{}, rec, err
		}
		if a.StaffID != "" && rec.PracticeID == a.PracticeID {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND staff_id = ?`,
				ref.ClientID, a.StaffID).Scan(&n); err != nil {
				return Decision{}, rec, err
			}
			rec.OnCareTeam = n > 0
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM break_glass WHERE staff_id = ? AND client_id = ? AND expires_at > ?`,
				a.StaffID, ref.ClientID, s.now()).Scan(&n); err != nil {
				return Decision{}, rec, err
			}
			rec.BreakGlass = n > 0
		}
	}
	if (act == ClinicalSettingsRead || act == ClinicalSettingsChange) && a.StaffID != "" {
		lead, err := IsClinicalLead(ctx, tx, a.PracticeID, a.StaffID)
		if err != nil {
			return Decision{}, rec, err
		}
		rec.ClinicalLead = lead
	}
	d := Decide(a, act, rec)
	if !d.Allow {
		return d, rec, &Denied{Action: act, Record: rec, Reason: d.Reason, Hidden: rec.PracticeID != a.PracticeID}
	}
	return d, rec, nil
}

// Do is how every use case runs: one write transaction in which the access
// is decided and audited before fn reads or changes anything. A refusal
// rolls fn's work back and is then written to the trail on its own, so the
// attempt is on record even though nothing else is.
//
// The entry is appended after fn, still in the same transaction: the access
// and the work commit together or not at all, and on PostgreSQL the lock
// on the practice's chain head is held only for the commit, not for the
// whole use case.
func (s *Service) Do(ctx context.Context, a Actor, act Action, ref Ref, fn func(tx *store.Tx, d Decision) error) error {
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		d, rec, err := s.decide(ctx, tx, a, act, ref)
		if err != nil {
			return err
		}
		if err := fn(tx, d); err != nil {
			return err
		}
		return s.log(ctx, tx, a, string(act), rec, audit.Allowed, d.Reason)
	})
	var denied *Denied
	if errors.As(err, &denied) {
		if rerr := s.RecordDenial(ctx, a, denied); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return err
}

// RecordDenial writes a refused access to the trail in its own transaction.
func (s *Service) RecordDenial(ctx context.Context, a Actor, d *Denied) error {
	rec := d.Record
	if rec.PracticeID != a.PracticeID {
		// Another practice's record: the attempt goes on the actor's own
		// chain, naming no record of the other practice.
		rec = Record{Type: rec.Type, ID: rec.ID, PracticeID: a.PracticeID}
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		return s.log(ctx, tx, a, string(d.Action), rec, audit.Denied, d.Reason)
	})
}

// IsClinicalLead reports whether the practice names staffID a clinical lead
// (an active member of its staff with the flag set).
func IsClinicalLead(ctx context.Context, tx *store.Tx, practiceID, staffID string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff WHERE id = ? AND practice_id = ? AND clinical_lead AND active`, staffID, practiceID).Scan(&n)
	return n > 0, err
}
