// Package audittrail is the front door of reading a practice's audit
// trail: the administrators' search and the export. The trail itself is
// written by internal/audit, which access imports to record each decision;
// a door that decides access first cannot live there, so it lives here.
package audittrail

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// Door reads the trail of the actor's own practice, after access has
// decided that they may.
type Door struct {
	Access *access.Service
	// Now is the door's clock, as every door has one; reading the trail
	// asks it nothing yet.
	Now func() time.Time
}

// Filter narrows the trail. The chain is never part of it: it is always
// the actor's practice.
type Filter struct {
	Client, Staff, Action, Outcome string
	// From and To bound the time, To exclusive; zero is open.
	From, To time.Time
	// Before pages back: only entries numbered lower; zero is the newest.
	Before int64
}

// Typed is a filter as typed into the trail's form: dates are days
// (2026-11-23), Before an entry's number.
type Typed struct {
	Client, Staff, Action, Outcome, From, To, Before string
}

// ReadFilter reads a typed filter. Dates are days in the practice's zone,
// so "to 23 Nov" takes in that whole local day; the trail stores UTC. What
// cannot be read is an invalid fault naming each field, with the filter
// read as far as it could be.
func ReadFilter(in Typed, zone *time.Location) (Filter, error) {
	f := Filter{Client: in.Client, Staff: in.Staff, Action: in.Action, Outcome: in.Outcome}
	bad := &fault.Error{Code: fault.Invalid, Message: "The filter needs attention."}
	if f.Outcome != "" && f.Outcome != audit.Allowed && f.Outcome != audit.Denied {
		bad.Fields = append(bad.Fields, fault.Field{Name: "outcome", Message: "Choose allowed or denied."})
	}
	day := func(name, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, zone)
		if err != nil {
			bad.Fields = append(bad.Fields, fault.Field{Name: name, Message: "Give a date such as 2026-11-23."})
		}
		return t
	}
	f.From = day("from", in.From)
	if to := day("to", in.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		bad.Fields = append(bad.Fields, fault.Field{Name: "to", Message: "The end date is before the start date."})
	}
	f.Before, _ = strconv.ParseInt(in.Before, 10, 64)
	if len(bad.Fields) > 0 {
		if len(bad.Fields) == 1 {
			bad.Message = bad.Fields[0].Message
		}
		return f, bad
	}
	return f, nil
}

// Entry is one entry of the trail with the names of the people it names.
// The trail keeps ids only; names are looked up as it is read, and only
// within the entry's own practice.
type Entry struct {
	Seq                                     int64
	At                                      time.Time
	ActorKind, ActorID, ActorName           string
	Action, RecordType, RecordID            string
	ClientID, ClientName                    string
	Outcome, Reason, Address, UA, RequestID string
}

// StaffName is a staff member to filter on.
type StaffName struct{ ID, Name string }

// Found is one page of the search and what its filter form offers.
type Found struct {
	Entries []Entry
	// Staff and Actions are the choices of the filter's selects: the
	// practice's staff, and the actions its chain holds.
	Staff   []StaffName
	Actions []string
	// ClientName names the client filtered on, when one of the practice is.
	ClientName string
}

// Search reads the newest limit entries that f lets through, newest first,
// with the filter's choices. A nil f (a filter the person typed that could
// not be read) reads only the choices; the access is decided and on the
// trail all the same.
func (d *Door) Search(ctx context.Context, a access.Actor, f *Filter, limit int) (Found, error) {
	var out Found
	err := d.Access.Do(ctx, a, access.AuditRead, access.Ref{Type: "audit_trail"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Staff, out.Actions, err = choices(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if f == nil {
			return nil
		}
		if f.Client != "" {
			// Within the practice only: an id from elsewhere names no one.
			err := tx.QueryRow(ctx, `SELECT legal_name FROM client WHERE id = ? AND practice_id = ?`, f.Client, a.PracticeID).Scan(&out.ClientName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		cond, args := f.where(a.PracticeID)
		rows, err := tx.Query(ctx, selectEntries+cond+` ORDER BY e.seq DESC LIMIT `+strconv.Itoa(limit), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				return err
			}
			out.Entries = append(out.Entries, e)
		}
		return rows.Err()
	})
	return out, err
}

// Export hands each entry f lets through to each, oldest first (f.Before
// is ignored: an export is the whole filtered trail). The export is decided
// and audited first, in its own transaction; the entries are then read in
// a read transaction, so a long download never holds up the practice's
// writes. begin is called once the entries are being read, before the
// first: a face starts its response there, and an error after it means
// the export broke off part way.
func (d *Door) Export(ctx context.Context, a access.Actor, f Filter, begin func(), each func(Entry) error) error {
	if err := d.Access.May(ctx, a, access.AuditExport, access.Ref{Type: "audit_trail"}); err != nil {
		return err
	}
	f.Before = 0
	return d.Access.DB.Read(ctx, func(tx *store.Tx) error {
		cond, args := f.where(a.PracticeID)
		rows, err := tx.Query(ctx, selectEntries+cond+` ORDER BY e.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		begin()
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				return err
			}
			if err := each(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// where is the SQL condition for the filter on chain.
func (f Filter) where(chain string) (string, []any) {
	var b strings.Builder
	b.WriteString(` WHERE e.chain = ?`)
	args := []any{chain}
	add := func(cond string, v any) {
		b.WriteString(` AND ` + cond)
		args = append(args, v)
	}
	if f.Client != "" {
		add(`e.client_id = ?`, f.Client)
	}
	if f.Staff != "" {
		add(`e.actor_kind IN ('staff', 'api') AND e.actor_id = ?`, f.Staff)
	}
	if f.Action != "" {
		add(`e.action = ?`, f.Action)
	}
	if f.Outcome != "" {
		add(`e.outcome = ?`, f.Outcome)
	}
	if !f.From.IsZero() {
		add(`e.at >= ?`, f.From)
	}
	if !f.To.IsZero() {
		add(`e.at < ?`, f.To)
	}
	if f.Before > 0 {
		add(`e.seq < ?`, f.Before)
	}
	return b.String(), args
}

const selectEntries = `SELECT e.seq, e.at, e.actor_kind, e.actor_id, COALESCE(sa.full_name, ca.legal_name, ''), e.action,
	e.record_type, e.record_id, e.client_id, COALESCE(c.legal_name, ''), e.outcome, e.reason, e.address, e.user_agent, e.request_id
	FROM audit_event e
	LEFT JOIN staff sa ON e.actor_kind IN ('staff', 'api') AND sa.id = e.actor_id AND sa.practice_id = e.chain
	LEFT JOIN client ca ON e.actor_kind = 'client' AND ca.id = e.actor_id AND ca.practice_id = e.chain
	LEFT JOIN client c ON c.id = e.client_id AND c.practice_id = e.chain`

func scan(rows *store.Rows) (Entry, error) {
	var e Entry
	err := rows.Scan(&e.Seq, &e.At, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action, &e.RecordType, &e.RecordID,
		&e.ClientID, &e.ClientName, &e.Outcome, &e.Reason, &e.Address, &e.UA, &e.RequestID)
	return e, err
}

// choices lists the practice's staff and the actions its chain holds, for
// the filter's selects.
func choices(ctx context.Context, tx *store.Tx, practiceID string) ([]StaffName, []string, error) {
	var staff []StaffName
	rows, err := tx.Query(ctx, `SELECT id, full_name FROM staff WHERE practice_id = ? ORDER BY LOWER(full_name), id`, practiceID)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var st StaffName
		if err := rows.Scan(&st.ID, &st.Name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		staff = append(staff, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var actions []string
	rows, err = tx.Query(ctx, `SELECT DISTINCT action FROM audit_event WHERE chain = ? ORDER BY action`, practiceID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, nil, err
		}
		actions = append(actions, a)
	}
	return staff, actions, rows.Err()
}
