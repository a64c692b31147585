package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/api"
	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/vitalschart"
)

// The live dosing-session record (KAP.md §1), used on a tablet in the room.
// {sessionID} is the booked course session; its record is opened by
// "Start". Every form is a plain POST answered by the page again (or the
// same page with the refusal beside the field and 422); static/session.js
// keeps the page current while others record into it. Reading is ClientRead
// for the care team; each change names its own action.
func (s *Server) routesSessionRecord() {
	base := "/clients/{id}/sessions/{sessionID}"
	s.handle(GateStaff, "GET "+base, func(w http.ResponseWriter, r *http.Request) { s.renderSession(w, r, nil, "", http.StatusOK) })
	s.handle(GateStaff, "GET "+base+"/changes", s.sessionChanges)
	s.routesSessionRecordForms(base)
	s.handle(GateClient, "GET /portal/sessions", s.portalSessions)
	s.handle(GateClient, "GET /portal/sessions/{sessionID}", s.portalSession)
}

// sessionDoor is the live session record's front door, on the server's
// clock.
func (s *Server) sessionDoor() *sessionrecord.Door {
	return s.doors.Sessions
}

// sessionCan is what the viewer's roles let them do on the page; the
// action itself is decided again when the form is sent.
type sessionCan struct {
	Write, Override, Sign, ProcessNotes bool
}

// nextDue is the "next reading due" line.
type nextDue struct {
	At      time.Time
	Text    string // "in 6 min", "due now", "overdue by 3 min"
	Overdue bool
}

// sessionPage is what the live record, and the signed record, show.
type sessionPage struct {
	Nav     chartNav
	Booking sessionrecord.Booking
	Record  *sessionrecord.Record
	// StartRefusals say what stops the record from being started.
	StartRefusals []dosing.Refusal
	Timeline      []sessionrecord.TimelineEntry
	Chart         template.HTML
	ChartText     string
	Settings      dosing.Settings
	// ProcessNotes are the viewer's own, opened for them alone.
	ProcessNotes []sessionrecord.ProcessNote
	Can          sessionCan
	Due          *nextDue
	Now          time.Time
	Base         string
	// Viewer is the staff id of who looks.
	Viewer string
	// Open is the form that was refused; Unplaced its messages that
	// belong to no field of the form (the gate, the hold, the record).
	Open     string
	Unplaced []FieldError
	// Kinds and severities for the observation forms.
	Kinds      []sessionrecord.ObservationKind
	Severities []sessionrecord.Severity
	Routes     []dosing.Route
	// GiverOptions alternate value and label for who gave a dose: the clinicians of the
	// session allowed to give it by the route. ClinicianOptions are every clinician present,
	// for a pre-medication.
	GiverOptions, ClinicianOptions []string
	// Held are the prescriber's held substances as checklist boxes.
	Held []heldBox
	// Selects are the page's select fields, built with the form's values.
	Selects map[string]Field
	// Questionnaires are those the schedule asks for before this session
	// and not yet answered (KAP.md §2: measure before each session).
	Questionnaires []portalDue
}

// Mg shows a number of mg as typed: 100, 112.5.
func (p sessionPage) Mg(v float64) string { return mgText(v) }

// PerKg shows mg/kg to two decimals.
func (p sessionPage) PerKg(mg, kg float64) string {
	if kg <= 0 {
		return ""
	}
	return strconv.FormatFloat(mg/kg, 'f', 2, 64)
}

// nextStep is the one thing the record needs next, shown at the top of
// the page with a link to the part of the page where it is done.
type nextStep struct {
	Text string
	// Href and Link lead to where it is done, when that is not beside it.
	Href, Link string
	// Urgent marks what holds everything else up: an open alarm, a hold.
	Urgent bool
}

// Next says what the room does next. An open alarm comes first because
// dosing, discharge and sign-off all wait on its acknowledgement; then the
// steps of the session in their order.
func (p sessionPage) Next() *nextStep {
	r := p.Record
	if r == nil || r.Locked() {
		return nil
	}
	if r.OpenAlerts > 0 {
		text := "Acknowledge the alert below: dosing, discharge and sign-off wait on it."
		if r.OpenAlerts > 1 {
			text = "Acknowledge the " + strconv.Itoa(r.OpenAlerts) + " alerts below: dosing, discharge and sign-off wait on them."
		}
		// The alerts stand just below this line: no link.
		return &nextStep{Text: text, Urgent: true}
	}
	if r.Discharge != nil {
		if p.Can.Sign {
			return &nextStep{Text: "Write the session summary if it is not done, then sign and lock the record.", Href: "#sign", Link: "To sign-off"}
		}
		return &nextStep{Text: "A therapist or prescriber in the session signs and locks the record.", Href: "#sign", Link: "To sign-off"}
	}
	if !p.Dosed() {
		switch {
		case len(r.ChecklistGaps) > 0:
			n := len(r.ChecklistGaps)
			text := "Complete the pre-dose checklist: 1 item still to confirm."
			if n > 1 {
				text = "Complete the pre-dose checklist: " + strconv.Itoa(n) + " items still to confirm."
			}
			return &nextStep{Text: text, Href: "#checklist", Link: "To the checklist"}
		case r.Baseline() == nil:
			return &nextStep{Text: "Take the pre-dose reading.", Href: "#reading", Link: "To the reading form"}
		case r.Hold.Held:
			text := "Dosing is held. Take another reading once the client has rested, or ask the prescriber to override it with a reason."
			if p.Can.Override {
				text = "Dosing is held. Take another reading once the client has rested, or override the hold with a reason."
			}
			return &nextStep{Text: text, Href: "#hold", Link: "To the hold", Urgent: true}
		}
		return &nextStep{Text: "Give the planned dose: " + mgText(r.PlannedMg) + " mg.", Href: "#administration", Link: "To the dose form"}
	}
	// Once dosed, the reading form stands beside this line: no link.
	if p.Due != nil && (p.Due.Overdue || p.Due.Text == "due now") {
		return &nextStep{Text: "Take the reading: it is " + p.Due.Text + ".", Urgent: p.Due.Overdue}
	}
	if c := r.DischargeCheck; c != nil && bedsideOnly(c.Unmet) {
		return &nextStep{Text: "Monitoring is complete: confirm the discharge criteria at the bedside and record the discharge.", Href: "#discharge", Link: "To the discharge"}
	}
	text := "Keep monitoring."
	if p.Due != nil {
		text += " The next reading is due at " + p.Due.At.In(p.Now.Location()).Format("15:04") + "."
	}
	if left := p.ObservationLeft(); left != "" {
		text += " The observation minimum is met in " + left + "."
	}
	return &nextStep{Text: text}
}

// sessionSection is one part of the live record below "Now", for the
// page and its jump links.
type sessionSection struct{ ID, Label string }

var (
	secChecklist = sessionSection{"checklist", "Checklist"}
	secHold      = sessionSection{"hold", "Pre-dose"}
	secDose      = sessionSection{"administration", "Dose"}
	secVitals    = sessionSection{"vitals", "Vitals"}
	secDuring    = sessionSection{"during", "During"}
	secNotes     = sessionSection{"notes", "Notes"}
	secDischarge = sessionSection{"discharge", "Discharge"}
	secSign      = sessionSection{"sign", "Sign"}
	secTimeline  = sessionSection{"timeline", "Timeline"}
	secChart     = sessionSection{"chart", "Chart"}
)

// Sections orders the record's parts for the phase the session is in.
// Before the dose, the steps come in the order they are done. Once the
// client is dosed the room watches and records, so the readings and what
// happens in the room come first and the pre-dose steps, done, go last;
// on a tablet they would otherwise push the readings thousands of pixels
// down. After discharge, the notes and the sign-off.
func (p sessionPage) Sections() []sessionSection {
	switch {
	case p.Record == nil:
		return nil
	case !p.Dosed():
		return []sessionSection{secChecklist, secHold, secDose, secVitals, secDuring, secNotes, secDischarge, secSign, secTimeline, secChart}
	case p.Record.Discharge == nil:
		return []sessionSection{secVitals, secDuring, secDose, secDischarge, secNotes, secSign, secChecklist, secHold, secTimeline, secChart}
	}
	return []sessionSection{secNotes, secSign, secDischarge, secDuring, secVitals, secDose, secChecklist, secHold, secTimeline, secChart}
}

// bedsideOnly reports whether the discharge waits only on what is
// confirmed at the bedside, the recorded facts being met.
func bedsideOnly(unmet []dosing.DischargeCriterion) bool {
	for _, c := range unmet {
		switch c.ID {
		case dosing.CriterionAlertOriented, dosing.CriterionWalkingSteadily, dosing.CriterionEscortPresent, dosing.CriterionAftercareGiven:
		default:
			return false
		}
	}
	return true
}

// selects builds the select fields from the form once its values are set.
func (p *sessionPage) selects(f *Form) {
	var routes, kinds, sev []string
	for _, r := range p.Routes {
		routes = append(routes, string(r), r.Label())
	}
	for _, k := range p.Kinds {
		kinds = append(kinds, string(k), k.Label())
	}
	sev = append(sev, "", "Choose")
	for _, v := range p.Severities {
		sev = append(sev, string(v), string(v))
	}
	p.Selects = map[string]Field{
		"given_by":     f.Select(fDose+"given_by", "Given by", p.GiverOptions...),
		"premed_by":    f.Select(fPremed+"given_by", "Given by", p.ClinicianOptions...),
		"premed_drug":  f.Select(fPremed+"drug", "Order", p.premedOptions()...),
		"route":        f.Select(fDose+"route", "Route", routes...),
		"obs_kind":     f.Select(fObs+"kind", "What", kinds...).Req(),
		"obs_severity": f.Select(fObs+"severity", "Severity", sev...),
		"ae_severity":  f.Select(fAE+"severity", "Severity", sev...).Req(),
	}
}

// Started reports whether the record is open.
func (p sessionPage) Started() bool { return p.Record != nil }

// Dosed reports whether a dose has been given.
func (p sessionPage) Dosed() bool { return p.Record != nil && len(p.Record.Doses) > 0 }

// Reading finds a reading by id, for an alert's line.
func (p sessionPage) Reading(id string) *sessionrecord.Reading {
	if p.Record == nil {
		return nil
	}
	for i := range p.Record.Readings {
		if p.Record.Readings[i].ID == id {
			return &p.Record.Readings[i]
		}
	}
	return nil
}

// sessionData makes the page of what the door read.
func (s *Server) sessionData(a access.Actor, clientID, sessionID string, v *sessionrecord.Live) *sessionPage {
	d := &sessionPage{Nav: chartNav{Current: "courses", Client: v.Client}, Now: v.Now, Viewer: a.StaffID, Base: "/clients/" + clientID + "/sessions/" + sessionID,
		Booking: v.Booking, Record: v.Record, StartRefusals: v.StartRefusals, Settings: v.Settings, ProcessNotes: v.ProcessNotes,
		Kinds: sessionrecord.ObservationKinds(), Severities: sessionrecord.Severities(), Routes: dosing.Routes(),
		Can: sessionCan{Write: a.IsClinician(), Override: a.Has(access.Prescriber), Sign: a.Has(access.Prescriber, access.Therapist),
			ProcessNotes: a.Has(access.Prescriber, access.Therapist)}}
	for _, q := range v.Due {
		d.Questionnaires = append(d.Questionnaires, portalDue{Due: q, Name: instrumentName(s.instruments, q.Instrument)})
	}
	if d.Record == nil {
		return d
	}
	d.Timeline = d.Record.Timeline()
	d.Chart, d.ChartText = sessionChart(d.Record, d.Settings.Vitals.Ranges, v.Now.Location(), "vitals")
	if n := d.Record.NextReading; n != nil && d.Record.Discharge == nil {
		d.Due = dueLine(*n, v.Now)
	}
	for _, g := range d.Record.Givers {
		d.GiverOptions = append(d.GiverOptions, g.ID, g.Name)
	}
	for _, c := range d.Record.Clinicians {
		d.ClinicianOptions = append(d.ClinicianOptions, c.ID, c.Name)
	}
	return d
}

// heldBox is one of the prescriber's held substances on the checklist.
type heldBox struct {
	Substance, Text string
	Checked         bool
}

// heldBoxes ticks the held substances the form confirms.
func (p *sessionPage) heldBoxes(f *Form) {
	if p.Record == nil {
		return
	}
	for _, h := range p.Record.Orders.HeldSubstances {
		b := heldBox{Substance: h.Substance, Text: h.Text()}
		for _, v := range f.Values[fChecklist+"held_substance"] {
			b.Checked = b.Checked || dosing.SameDrug(v, h.Substance)
		}
		p.Held = append(p.Held, b)
	}
}

// premedOptions are the prescriber's pre-medication orders for the form.
func (p sessionPage) premedOptions() []string {
	var out []string
	if p.Record != nil {
		for _, o := range p.Record.Orders.PreMedications {
			out = append(out, o.Drug, o.Text())
		}
	}
	return out
}

// PreMedicationGiven is the latest record of an order given, nil while not.
func (p sessionPage) PreMedicationGiven(o dosing.PreMedicationOrder) *sessionrecord.PreMedication {
	var last *sessionrecord.PreMedication
	for i := range p.Record.PreMedications {
		if m := &p.Record.PreMedications[i]; dosing.SameDrug(m.Order.Drug, o.Drug) {
			last = m
		}
	}
	return last
}

// sessionChart draws the record's vitals with its doses marked.
func sessionChart(rec *sessionrecord.Record, ranges dosing.Ranges, zone *time.Location, id string) (template.HTML, string) {
	c := vitalschart.Chart{Title: "Vitals during medicine session " + strconv.Itoa(rec.SessionNumber), Ranges: ranges, Zone: zone, ID: id}
	for _, rd := range rec.Readings {
		c.Readings = append(c.Readings, rd.Dosing())
	}
	for _, dz := range rec.Doses {
		c.Doses = append(c.Doses, vitalschart.Dose{At: dz.GivenAt, Label: mgText(dz.DoseMg) + " mg"})
	}
	// The chart escapes every text it draws.
	return template.HTML(vitalschart.SVG(c)), vitalschart.Describe(c)
}

func dueLine(n dosing.NextReading, now time.Time) *nextDue {
	d := &nextDue{At: n.DueAt, Overdue: n.Overdue}
	switch mins := int(n.DueAt.Sub(now).Round(time.Minute) / time.Minute); {
	case n.Overdue && n.OverdueMinutes > 0:
		d.Text = "overdue by " + strconv.Itoa(n.OverdueMinutes) + " min"
	case mins <= 0:
		d.Text = "due now"
	default:
		d.Text = "in " + strconv.Itoa(mins) + " min"
	}
	return d
}

func mgText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// renderSession shows the live record (or the signed record once it is
// locked). form carries a refused form's values, open names it.
func (s *Server) renderSession(w http.ResponseWriter, r *http.Request, form *Form, open string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id, sessionID := r.PathValue("id"), r.PathValue("sessionID")
	v, err := s.sessionDoor().View(r.Context(), a, id, sessionID)
	if s.chartFailed(w, r, err) {
		return
	}
	d := s.sessionData(a, id, sessionID, v)
	if form == nil {
		form = NewForm(nil)
	}
	d.Open = open
	d.Unplaced = unplacedErrors(form, open)
	sessionDefaults(form, d, open)
	d.selects(form)
	d.heldBoxes(form)
	title := "Medicine session " + strconv.Itoa(d.Booking.Session.Number) + " · " + d.Nav.Client.Name()
	p := s.page(w, r, title, d)
	p.Form = form
	// A signed record shows itself read-only, with its addenda.
	s.render(w, r, status, "sessionrecord_live", p)
}

// sessionChanges answers the live page's script: the record's version
// number, and nothing of its content (sessionrecord.Door.Poll: decided
// without a line on the trail each time).
func (s *Server) sessionChanges(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	version, err := s.sessionDoor().Poll(r.Context(), sess.Actor, r.PathValue("id"), r.PathValue("sessionID"))
	w.Header().Set("Cache-Control", "no-store")
	var denied *access.Denied
	switch {
	case errors.Is(err, sessionrecord.ErrNotFound):
		api.WriteJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	case errors.As(err, &denied):
		api.WriteJSON(w, http.StatusForbidden, map[string]any{"error": reasonSentence(denied.Reason)})
	case err != nil:
		s.log.Error("session changes", "request_id", RequestID(r.Context()), "err", err)
		api.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": "unavailable"})
	default:
		api.WriteJSON(w, http.StatusOK, map[string]any{"version": version, "changed": r.URL.Query().Get("since") != strconv.FormatInt(version, 10)})
	}
}

// readingCell is one measure of a reading in the table: the value, and
// a word and a mark besides the colour when it is out of range.
type readingCell struct {
	Value  string
	Status dosing.VitalStatus
	Mark   string
	Note   string
}

// Cell describes one measure of a reading for the readings table.
func (p sessionPage) Cell(rd sessionrecord.Reading, m dosing.Measure) readingCell {
	v, ok := rd.Dosing().Value(m)
	if !ok {
		return readingCell{Value: "–"}
	}
	c := readingCell{Value: strconv.Itoa(v), Status: rd.Flag(m)}
	g := p.Settings.Vitals.Ranges.For(m)
	high := g.High > 0 && v > g.High
	switch c.Status {
	case dosing.StatusAlarm:
		c.Mark, c.Note = "‼", "alarm"
	case dosing.StatusOutOfRange:
		c.Mark, c.Note = "!", "out of range"
	}
	if c.Mark != "" {
		if high {
			c.Note = "high, " + c.Note
		} else {
			c.Note = "low, " + c.Note
		}
	}
	return c
}

// Measures are the columns of the readings table.
func (p sessionPage) Measures() []dosing.Measure { return dosing.Measures() }

// SinceDose says how long ago the first dose was, for the vitals line.
func (p sessionPage) SinceDose() string {
	if !p.Dosed() {
		return ""
	}
	return minutesText(p.Now.Sub(p.Record.FirstDoseAt()))
}

// ObservationLeft says how much of the observation minimum remains after
// the last dose, "" once it is met.
func (p sessionPage) ObservationLeft() string {
	if !p.Dosed() {
		return ""
	}
	last := p.Record.Doses[len(p.Record.Doses)-1].GivenAt
	left := last.Add(time.Duration(p.Settings.Discharge.MinObservationMinutes) * time.Minute).Sub(p.Now)
	if left <= 0 {
		return ""
	}
	return minutesText(left)
}

func minutesText(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return strconv.Itoa(m) + " min"
	}
	if m%60 == 0 {
		return strconv.Itoa(m/60) + " h"
	}
	return strconv.Itoa(m/60) + " h " + strconv.Itoa(m%60) + " min"
}
