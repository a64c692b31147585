package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/audittrail"
	"holdspace/internal/fault"
)

// auditPageSize is how many entries one page of the trail shows.
const auditPageSize = 50

// auditFilter narrows the trail (audittrail.Filter); query keeps it in
// links.
type auditFilter audittrail.Filter

// parseAuditFilter reads the filter form, each problem beside its field.
func parseAuditFilter(form *Form, zone *time.Location) auditFilter {
	f, err := audittrail.ReadFilter(audittrail.Typed{Client: form.Get("client"), Staff: form.Get("staff"), Action: form.Get("action"),
		Outcome: form.Get("outcome"), From: form.Get("from"), To: form.Get("to"), Before: form.Get("before")}, zone)
	if fe := fault.Of(err); fe != nil {
		for _, fl := range fe.Fields {
			form.Fail(fl.Name, fl.Message)
		}
	}
	return auditFilter(f)
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

// auditRow is one entry as shown.
type auditRow audittrail.Entry

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
	search := (*audittrail.Filter)(&f)
	if f.Before < 0 {
		search = nil
	}
	found, err := s.auditDoor().Search(r.Context(), sess.Actor, search, auditPageSize+1)
	if err != nil && s.failed(w, r, err, form) {
		return
	}
	d.ClientName = found.ClientName
	for _, e := range found.Entries {
		d.Rows = append(d.Rows, auditRow(e))
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
	for _, st := range found.Staff {
		staffOpts = append(staffOpts, st.ID, st.Name)
	}
	actionOpts := []string{"", "Any action"}
	for _, a := range found.Actions {
		actionOpts = append(actionOpts, a, a)
	}
	d.Staff = form.Select("staff", "Staff member", staffOpts...)
	d.Action = form.Select("action", "Action", actionOpts...)
	d.Outcome = form.Select("outcome", "Outcome", "", "Allowed or denied", audit.Allowed, "Allowed", audit.Denied, "Denied")
	p := s.page(w, r, "Audit trail", d)
	p.Form = form
	s.render(w, r, status, "admin_audit", p)
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
	started := false
	var cw *csv.Writer
	err := s.auditDoor().Export(r.Context(), sess.Actor, audittrail.Filter(f), func() {
		name := "audit-trail-" + s.now().In(sess.Zone).Format("2006-01-02") + ".csv"
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
		started = true
		cw = csv.NewWriter(w)
		cw.Write([]string{"seq", "time_utc", "time_local", "actor_kind", "actor_id", "actor_name", "action", "record_type", "record_id",
			"client_id", "client_name", "outcome", "reason", "address", "user_agent", "request_id"})
	}, func(e audittrail.Entry) error {
		cw.Write(spreadsheetSafe(strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
			e.At.In(sess.Zone).Format("2006-01-02 15:04:05 MST"), e.ActorKind, e.ActorID, e.ActorName, e.Action,
			e.RecordType, e.RecordID, e.ClientID, e.ClientName, e.Outcome, e.Reason, e.Address, e.UA, e.RequestID))
		return nil
	})
	if started {
		cw.Flush()
		err = errors.Join(err, cw.Error())
	}
	if err == nil {
		return
	}
	if !started {
		// A refusal is answered as the pages answer it; anything else,
		// before a byte is sent, as a server error.
		if !s.failed(w, r, err, form) {
			s.serverError(w, r, err)
		}
		return
	}
	// Part of the file is sent: break the connection so the download
	// fails visibly instead of ending early as if complete.
	s.log.Error("audit export broke off", "request_id", RequestID(r.Context()), "err", err)
	panic(http.ErrAbortHandler)
}

// auditDoor is the trail's front door as the pages use it.
func (s *Server) auditDoor() *audittrail.Door {
	return s.doors.Audit
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
