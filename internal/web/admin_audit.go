package web

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// auditPageSize is how many entries one page of the trail shows.
const auditPageSize = 50

// auditFilter narrows the trail. The chain is never part of it: it is
// always the signed-in actor's practice.
type auditFilter struct {
	Client, Staff, Action, Outcome string
	// From and To bound the time, To exclusive; zero is open.
	From, To time.Time
	// Before pages back: only entries numbered lower.
	Before int64
}

// parseAuditFilter reads the filter form. Dates are days in the practice's
// zone, so "to 23 Nov" takes in that whole local day; the trail stores UTC.
func parseAuditFilter(form *Form, zone *time.Location) auditFilter {
	f := auditFilter{Client: form.Get("client"), Staff: form.Get("staff"), Action: form.Get("action"), Outcome: form.Get("outcome")}
	if f.Outcome != "" && f.Outcome != audit.Allowed && f.Outcome != audit.Denied {
		form.Fail("outcome", "Choose allowed or denied.")
	}
	day := func(name string) time.Time {
		v := form.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, zone)
		if err != nil {
			form.Fail(name, "Give a date such as 2026-11-23.")
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		form.Fail("to", "The end date is before the start date.")
	}
	f.Before, _ = strconv.ParseInt(form.Get("before"), 10, 64)
	return f
}

// query is the filter as URL parameters, for links that keep it.
func (f auditFilter) query(form *Form) url.Values {
	q := url.Values{}
	for _, k := range []string{"client", "staff", "action", "outcome", "from", "to"} {
		if v := form.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// where is the SQL condition for the filter on chain.
func (f auditFilter) where(chain string) (string, []any) {
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

// auditSelect reads entries with the names of the people they name. The
// trail keeps ids only; names are looked up as it is shown, and only
// within the entry's own practice.
const auditSelect = `SELECT e.seq, e.at, e.actor_kind, e.actor_id, COALESCE(sa.full_name, ca.legal_name, ''), e.action,
	e.record_type, e.record_id, e.client_id, COALESCE(c.legal_name, ''), e.outcome, e.reason, e.address, e.user_agent, e.request_id
	FROM audit_event e
	LEFT JOIN staff sa ON e.actor_kind IN ('staff', 'api') AND sa.id = e.actor_id AND sa.practice_id = e.chain
	LEFT JOIN client ca ON e.actor_kind = 'client' AND ca.id = e.actor_id AND ca.practice_id = e.chain
	LEFT JOIN client c ON c.id = e.client_id AND c.practice_id = e.chain`

// auditRow is one entry as shown.
type auditRow struct {
	Seq                                     int64
	At                                      time.Time
	ActorKind, ActorID, ActorName           string
	Action, RecordType, RecordID            string
	ClientID, ClientName                    string
	Outcome, Reason, Address, UA, RequestID string
}

func scanAuditRow(rows *store.Rows) (auditRow, error) {
	var e auditRow
	err := rows.Scan(&e.Seq, &e.At, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action, &e.RecordType, &e.RecordID,
		&e.ClientID, &e.ClientName, &e.Outcome, &e.Reason, &e.Address, &e.UA, &e.RequestID)
	return e, err
}

// Actor names who acted, in words.
func (e auditRow) Actor() string {
	switch {
	case e.ActorKind == "system":
		return "holdspace (system)"
	case e.ActorKind == "anonymous":
		return "Not signed in"
	case e.ActorName == "":
		return e.ActorKind + " " + e.ActorID
	case e.ActorKind == "api":
		return e.ActorName + " (API token)"
	case e.ActorKind == "client":
		return e.ActorName + " (client)"
	}
	return e.ActorName
}

// IsStaff says whether the actor can be filtered on as a staff member.
func (e auditRow) IsStaff() bool {
	return (e.ActorKind == "staff" || e.ActorKind == "api") && e.ActorID != ""
}

// When is the time in the practice's zone, to the second.
func (e auditRow) When(zone *time.Location) string {
	return e.At.In(zone).Format("2 Jan 2006, 15:04:05 MST")
}

// Denied marks refused attempts.
func (e auditRow) Denied() bool { return e.Outcome == audit.Denied }

// auditData is what the audit page shows.
type auditData struct {
	adminTabs
	Rows                   []auditRow
	Staff, Action, Outcome Field
	Older, Newest, CSV     string
	Filtered               bool
	// ClientName names the client filtered on, when one is.
	ClientName string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	form := NewForm(r.URL.Query())
	f := parseAuditFilter(form, sess.Zone)
	status := http.StatusOK
	if form.HasErrors() {
		// Show the form with its errors and no entries; the filter
		// as typed would not mean what the person meant.
		status = http.StatusUnprocessableEntity
		f = auditFilter{Before: -1}
	}
	d := auditData{adminTabs: tabsFor(r.URL.Path)}
	var staff [][2]string
	var actions []string
	err := s.access.Do(r.Context(), sess.Actor, access.AuditRead, access.Ref{Type: "audit_trail"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if staff, actions, err = auditChoices(r.Context(), tx, sess.Actor.PracticeID); err != nil {
			return err
		}
		if f.Before < 0 {
			return nil
		}
		if f.Client != "" {
			// Within the practice only: an id from elsewhere names no one.
			err := tx.QueryRow(r.Context(), `SELECT legal_name FROM client WHERE id = ? AND practice_id = ?`, f.Client, sess.Actor.PracticeID).Scan(&d.ClientName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		cond, args := f.where(sess.Actor.PracticeID)
		rows, err := tx.Query(r.Context(), auditSelect+cond+` ORDER BY e.seq DESC LIMIT `+strconv.Itoa(auditPageSize+1), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAuditRow(rows)
			if err != nil {
				return err
			}
			d.Rows = append(d.Rows, e)
		}
		return rows.Err()
	})
	if err != nil && s.failed(w, r, err, form) {
		return
	}
	q := f.query(form)
	d.Filtered = len(q) > 0
	d.CSV = "/admin/audit.csv"
	if len(q) > 0 {
		d.CSV += "?" + q.Encode()
	}
	if len(d.Rows) > auditPageSize {
		d.Rows = d.Rows[:auditPageSize]
		older := f.query(form)
		older.Set("before", strconv.FormatInt(d.Rows[len(d.Rows)-1].Seq, 10))
		d.Older = "/admin/audit?" + older.Encode()
	}
	if f.Before > 0 {
		d.Newest = "/admin/audit"
		if len(q) > 0 {
			d.Newest += "?" + q.Encode()
		}
	}
	staffOpts := []string{"", "Anyone"}
	for _, st := range staff {
		staffOpts = append(staffOpts, st[0], st[1])
	}
	actionOpts := []string{"", "Any action"}
	for _, a := range actions {
		actionOpts = append(actionOpts, a, a)
	}
	d.Staff = form.Select("staff", "Staff member", staffOpts...)
	d.Action = form.Select("action", "Action", actionOpts...)
	d.Outcome = form.Select("outcome", "Outcome", "", "Allowed or denied", audit.Allowed, "Allowed", audit.Denied, "Denied")
	p := s.page(w, r, "Audit trail", d)
	p.Form = form
	s.render(w, r, status, "admin_audit", p)
}

// auditChoices lists the practice's staff (id, name) and the actions its
// chain holds, for the filter's selects.
func auditChoices(ctx context.Context, tx *store.Tx, practiceID string) ([][2]string, []string, error) {
	var staff [][2]string
	rows, err := tx.Query(ctx, `SELECT id, full_name FROM staff WHERE practice_id = ? ORDER BY LOWER(full_name), id`, practiceID)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		staff = append(staff, [2]string{id, name})
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

// auditCSV downloads the filtered trail, oldest first. The export is
// decided and audited first, in its own transaction; the rows are then
// streamed from a read transaction, so a long download never holds up
// the practice's writes.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	form := NewForm(r.URL.Query())
	f := parseAuditFilter(form, sess.Zone)
	if form.HasErrors() {
		s.auditPage(w, r)
		return
	}
	f.Before = 0
	if err := s.may(r.Context(), sess.Actor, access.AuditExport, access.Ref{Type: "audit_trail"}); err != nil && s.failed(w, r, err, form) {
		return
	}
	started := false
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		cond, args := f.where(sess.Actor.PracticeID)
		rows, err := tx.Query(r.Context(), auditSelect+cond+` ORDER BY e.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		name := "audit-trail-" + s.now().In(sess.Zone).Format("2006-01-02") + ".csv"
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
		started = true
		cw := csv.NewWriter(w)
		cw.Write([]string{"seq", "time_utc", "time_local", "actor_kind", "actor_id", "actor_name", "action", "record_type", "record_id",
			"client_id", "client_name", "outcome", "reason", "address", "user_agent", "request_id"})
		for rows.Next() {
			e, err := scanAuditRow(rows)
			if err != nil {
				return err
			}
			cw.Write(spreadsheetSafe(strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
				e.At.In(sess.Zone).Format("2006-01-02 15:04:05 MST"), e.ActorKind, e.ActorID, e.ActorName, e.Action,
				e.RecordType, e.RecordID, e.ClientID, e.ClientName, e.Outcome, e.Reason, e.Address, e.UA, e.RequestID))
		}
		cw.Flush()
		return errors.Join(rows.Err(), cw.Error())
	})
	if err == nil {
		return
	}
	if !started {
		s.serverError(w, r, err)
		return
	}
	// Part of the file is sent: break the connection so the download
	// fails visibly instead of ending early as if complete.
	s.log.Error("audit export broke off", "request_id", RequestID(r.Context()), "err", err)
	panic(http.ErrAbortHandler)
}

// spreadsheetSafe keeps a cell from being run as a formula when the file
// is opened in a spreadsheet: a leading = + - @ (or tab, carriage return)
// gets a single quote before it. encoding/csv does the RFC 4180 quoting.
func spreadsheetSafe(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
