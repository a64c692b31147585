package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
)

// Each form of the live record names its fields with its own prefix, so
// one refused form comes back with its values and errors and the others
// keep their defaults. The rest of a field's name is the name the
// sessionrecord package gives its problems (and the JSON API its fields).
const (
	fStart     = "start."
	fChecklist = "checklist."
	fVitals    = "vitals."
	fOverride  = "override."
	fDose      = "dose."
	fPremed    = "premed."
	fAuth      = "auth."
	fObs       = "obs."
	fInt       = "int."
	fAE        = "ae."
	fSummary   = "summary."
	fProcess   = "pn."
	fDischarge = "discharge."
	fSign      = "sign."
	fAddendum  = "addendum."
	// fAck stands for the acknowledged alert's own prefix (ackPrefix).
	fAck = "ack"
)

// ackPrefix is the form of one alert's acknowledgement.
func ackPrefix(alertID string) string { return "ack-" + alertID + "." }

// sessionFields are the fields each form draws beside which an error can
// stand; any other error of the form is listed at its top.
var sessionFields = map[string][]string{
	fChecklist: {"identity_confirmed", "last_food_at", "last_liquid_at", "escort", "escort_name", "escort_phone", "no_driving_acknowledged",
		"substances", "last_alcohol_at", "last_benzodiazepine_at", "intention", "pregnancy", "held_substances"},
	fPremed:    {"drug", "at", "given_by"},
	fAuth:      {"dose_mg", "reason"},
	fVitals:    {"taken_at", "systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate"},
	fOverride:  {"reason"},
	fDose:      {"product", "strength", "lot", "route", "dose_mg", "given_at", "given_by"},
	fObs:       {"kind", "severity", "text", "at"},
	fInt:       {"text", "at"},
	fAE:        {"description", "severity", "outcome", "follow_up", "at"},
	fSummary:   {"summary"},
	fProcess:   {"process_note"},
	fDischarge: {},
	fSign:      {"password"},
	fAddendum:  {"text", "password"},
}

// unplacedErrors are the refused form's errors that belong to none of its
// fields: the gate, the hold, an open alert, the record itself.
func unplacedErrors(f *Form, open string) []FieldError {
	if open == "" {
		return nil
	}
	known := map[string]bool{}
	fields := sessionFields[open]
	if strings.HasPrefix(open, "ack-") {
		fields = []string{"action"}
	}
	for _, k := range fields {
		known[open+k] = true
	}
	var out []FieldError
	for _, e := range f.order {
		if strings.HasPrefix(e, open) && !known[e] {
			out = append(out, FieldError{ID: fieldID(e), Message: f.Errors[e]})
		}
	}
	return out
}

// sessionDefaults fills every form but the refused one: times are now in
// the practice's zone, the checklist is the saved one, a dose repeats the
// product of the last (or the planned mg for the first).
func sessionDefaults(f *Form, d *sessionPage, open string) {
	set := func(prefix, k, v string) {
		if prefix != open {
			f.Set(prefix+k, v)
		}
	}
	clock := d.Now.Format("15:04")
	for _, p := range []string{fVitals, fObs, fInt, fAE} {
		k := "at"
		if p == fVitals {
			k = "taken_at"
		}
		set(p, k, clock)
	}
	set(fDose, "given_at", clock)
	rec := d.Record
	if rec == nil {
		return
	}
	set(fDose, "route", string(rec.Route))
	if n := len(rec.Doses); n > 0 {
		last := rec.Doses[n-1]
		set(fDose, "product", last.Product)
		set(fDose, "strength", last.Strength)
		set(fDose, "lot", last.Lot)
	} else {
		set(fDose, "dose_mg", mgText(rec.PlannedMg))
	}
	for _, g := range rec.Givers {
		if g.ID == d.Viewer {
			set(fDose, "given_by", g.ID)
		}
	}
	set(fPremed, "at", clock)
	set(fPremed, "given_by", d.Viewer)
	if n := len(rec.Orders.PreMedications); n > 0 {
		set(fPremed, "drug", rec.Orders.PreMedications[0].Drug)
	}
	if rec.Summary != nil {
		set(fSummary, "summary", rec.Summary.Text)
	}
	if open != fChecklist {
		checklistToForm(f, rec.Checklist, d.Now.Location())
	}
}

const dateTimeLocal = "2006-01-02T15:04"

func checklistToForm(f *Form, c *sessionrecord.Checklist, zone *time.Location) {
	if c == nil {
		f.Set(fChecklist+"base_version", "0")
		return
	}
	f.Set(fChecklist+"base_version", strconv.FormatInt(c.Version, 10))
	yes := func(k string, v bool) {
		if v {
			f.Set(fChecklist+k, "yes")
		}
	}
	at := func(k string, t time.Time) {
		if !t.IsZero() {
			f.Set(fChecklist+k, t.In(zone).Format(dateTimeLocal))
		}
	}
	yes("identity_confirmed", c.IdentityConfirmed)
	at("last_food_at", c.LastFoodAt)
	at("last_liquid_at", c.LastLiquidAt)
	yes("escort_present", c.EscortPresent)
	yes("escort_confirmed", c.EscortConfirmed)
	f.Set(fChecklist+"escort_name", c.EscortName)
	f.Set(fChecklist+"escort_phone", c.EscortPhone)
	yes("no_driving_acknowledged", c.NoDrivingAcknowledged)
	yes("substances_asked", c.SubstancesAsked)
	at("last_alcohol_at", c.LastAlcoholAt)
	at("last_benzodiazepine_at", c.LastBenzodiazepineAt)
	f.Set(fChecklist+"intention", c.Intention)
	yes("pregnancy_relevant", c.PregnancyRelevant)
	f.Set(fChecklist+"pregnancy", string(c.Pregnancy))
	yes("pregnancy_reviewed_by_prescriber", c.PregnancyReviewedByPrescriber)
	for _, h := range c.HeldSubstancesConfirmed {
		f.Values.Add(fChecklist+"held_substance", h)
	}
}

// sessionCtx is one change from the live page: the form it sent, and what
// the door is told.
type sessionCtx struct {
	r      *http.Request
	a      access.Actor
	target sessionrecord.Target
	form   *Form
	prefix string
	// now reads the times of day typed into the form.
	now time.Time
}

func (c *sessionCtx) ctx() context.Context { return c.r.Context() }

// get is the trimmed value of the form's field.
func (c *sessionCtx) get(k string) string { return c.form.Get(c.prefix + k) }

func (c *sessionCtx) checked(k string) bool { return c.get(k) != "" }

// clock reads a time of day on the session's day, in the practice's zone.
// Empty is now; a time more than an hour ahead is taken as yesterday's
// (a session that runs past midnight).
func (c *sessionCtx) clock(k string) time.Time {
	v := c.get(k)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("15:04", v, c.now.Location())
	if err != nil {
		c.form.Fail(c.prefix+k, "Give the time as hours and minutes, such as 10:45.")
		return time.Time{}
	}
	at := time.Date(c.now.Year(), c.now.Month(), c.now.Day(), t.Hour(), t.Minute(), 0, 0, c.now.Location())
	if at.After(c.now.Add(time.Hour)) {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// dateTime reads a date and time (the checklist's "last ate at").
func (c *sessionCtx) dateTime(k string) time.Time {
	v := c.get(k)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(dateTimeLocal, v, c.now.Location())
	if err != nil {
		c.form.Fail(c.prefix+k, "Give the date and time, such as "+c.now.Format("2006-01-02")+" 07:30.")
		return time.Time{}
	}
	return t
}

// measure reads an optional whole number.
func (c *sessionCtx) measure(k string) *int {
	v := c.get(k)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		c.form.Fail(c.prefix+k, "Enter a whole number, such as "+map[bool]string{true: "98", false: "120"}[k == "spo2"]+".")
		return nil
	}
	return &n
}

// mg reads a dose in mg, when one is given.
func (c *sessionCtx) mg(k, msg string) float64 {
	v := c.get(k)
	if v == "" {
		return 0
	}
	mg, err := strconv.ParseFloat(v, 64)
	if err != nil || mg <= 0 {
		c.form.Fail(c.prefix+k, msg)
	}
	return mg
}

// unread is the refusal of what the form could not be read as, which the
// door gives once access is decided.
func (c *sessionCtx) unread() error { return formProblems(c.form) }

// sessionProblems puts the door's problems beside the form's fields.
func sessionProblems(err error, prefix string) error {
	field := func(f string) string {
		if strings.HasPrefix(f, prefix) {
			return f
		}
		return prefix + f
	}
	var aps access.Problems
	if errors.As(err, &aps) {
		out := make(access.Problems, 0, len(aps))
		for _, p := range aps {
			out = append(out, &access.Problem{Field: field(p.Field), Message: p.Message})
		}
		return out
	}
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, 0, len(ps))
	for _, p := range ps {
		out = append(out, &access.Problem{Field: field(p.Field), Message: p.Message})
	}
	return out
}

// sessionChange is one change of the live record: apply reads the form
// and calls the door, and says what was done when it has more to say than
// done. Back to the record's section on success; the page with the
// refusal beside the field (422) otherwise.
func (s *Server) sessionChange(formPrefix, anchor, done string, apply func(c *sessionCtx) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		id, sessionID := r.PathValue("id"), r.PathValue("sessionID")
		r.ParseForm()
		form := NewForm(r.PostForm)
		// The prefix is this request's own: an acknowledgement's names the
		// alert it answers. Writing it back into formPrefix, which every
		// request to the route shares, would make each later alert read
		// the first alert's field, find it empty and refuse.
		prefix := formPrefix
		if prefix == fAck {
			prefix = ackPrefix(r.PathValue("alertID"))
		}
		c := &sessionCtx{r: r, a: sess.Actor, target: sessionrecord.BySession(id, sessionID), form: form, prefix: prefix, now: s.now().In(sess.Zone)}
		said, err := apply(c)
		if err == nil {
			if said == "" {
				said = done
			}
			s.redirect(w, r, "/clients/"+id+"/sessions/"+sessionID+"#"+anchor, "ok", said)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, sessionProblems(err, prefix), form) {
			return
		}
		s.renderSession(w, r, form, prefix, http.StatusUnprocessableEntity)
	}
}

// saidDone is the answer of a change whose result the page does not
// show: the change's usual done message, or its refusal.
func saidDone[T any](_ T, err error) (string, error) { return "", err }

func (s *Server) routesSessionRecordForms(base string) {
	door := s.sessionDoor()
	s.handle(GateStaff, "POST "+base+"/start", s.sessionChange(fStart, "top", "The session record is started. Work through the checklist and the pre-dose vitals.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.Start(c.ctx(), c.a, c.target.ClientID, c.target.SessionID, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/checklist", s.sessionChange(fChecklist, "checklist", "The checklist is saved.",
		func(c *sessionCtx) (string, error) {
			base, _ := strconv.ParseInt(c.get("base_version"), 10, 64)
			cl := dosing.PreDoseChecklist{
				IdentityConfirmed: c.checked("identity_confirmed"), LastFoodAt: c.dateTime("last_food_at"), LastLiquidAt: c.dateTime("last_liquid_at"),
				EscortPresent: c.checked("escort_present"), EscortConfirmed: c.checked("escort_confirmed"),
				EscortName: c.get("escort_name"), EscortPhone: c.get("escort_phone"), NoDrivingAcknowledged: c.checked("no_driving_acknowledged"),
				SubstancesAsked: c.checked("substances_asked"), LastAlcoholAt: c.dateTime("last_alcohol_at"), LastBenzodiazepineAt: c.dateTime("last_benzodiazepine_at"),
				Intention: c.get("intention"), PregnancyRelevant: c.checked("pregnancy_relevant"), Pregnancy: dosing.PregnancyStatus(c.get("pregnancy")),
				PregnancyReviewedByPrescriber: c.checked("pregnancy_reviewed_by_prescriber"),
				// One box per substance the prescriber holds, each sending the substance's name.
				HeldSubstancesConfirmed: c.form.Values[fChecklist+"held_substance"],
			}
			return saidDone(door.SaveChecklist(c.ctx(), c.a, c.target, base, cl, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/vitals", s.sessionChange(fVitals, "top", "The reading is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.ReadingInput{TakenAt: c.clock("taken_at"), Systolic: c.measure("systolic"), Diastolic: c.measure("diastolic"),
				HeartRate: c.measure("heart_rate"), SpO2: c.measure("spo2"), RespiratoryRate: c.measure("respiratory_rate")}
			rd, err := door.AddReading(c.ctx(), c.a, c.target, in, c.unread())
			switch {
			case err != nil:
				return "", err
			case rd.Status == dosing.StatusAlarm:
				return "The reading is recorded. It is beyond an alarm threshold: an alert is raised at the top of the record for acknowledgement.", nil
			case rd.Status == dosing.StatusOutOfRange:
				return "The reading is recorded; it is outside the practice's ranges.", nil
			}
			return "", nil
		}))
	s.handle(GateStaff, "POST "+base+"/override", s.sessionChange(fOverride, "hold", "The hold is overridden; the reason is on record.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.OverrideHold(c.ctx(), c.a, c.target, c.get("reason"), c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/doses", s.sessionChange(fDose, "administration", "The dose is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.DoseInput{Product: c.get("product"), Strength: c.get("strength"), Lot: c.get("lot"), Route: dosing.Route(c.get("route")),
				GivenAt: c.clock("given_at"), GivenBy: c.get("given_by"), DoseMg: c.mg("dose_mg", "Enter the dose in mg as a number, such as 100.")}
			return saidDone(door.Administer(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/premedications", s.sessionChange(fPremed, "orders", "The pre-medication is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.PreMedicationInput{Drug: c.get("drug"), At: c.clock("at"), GivenBy: c.get("given_by")}
			return saidDone(door.RecordPreMedication(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/dose-authorisations", s.sessionChange(fAuth, "administration",
		"The additional dose is authorised; your name, the time and the reason are on record.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.AuthorisationInput{Reason: c.get("reason"), DoseMg: c.mg("dose_mg", "Enter the dose authorised in mg as a number, such as 50.")}
			return saidDone(door.AuthoriseDose(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/alerts/{alertID}/acknowledge", s.sessionChange(fAck, "alerts", "The alert is acknowledged; the action taken is on record.",
		func(c *sessionCtx) (string, error) {
			return "", door.AcknowledgeAlert(c.ctx(), c.a, c.target, c.r.PathValue("alertID"), c.get("action"), c.unread())
		}))
	s.handle(GateStaff, "POST "+base+"/observations", s.sessionChange(fObs, "during", "The observation is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.ObservationInput{Kind: sessionrecord.ObservationKind(c.get("kind")), Severity: sessionrecord.Severity(c.get("severity")),
				Text: c.get("text"), At: c.clock("at")}
			return saidDone(door.AddObservation(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/interventions", s.sessionChange(fInt, "during", "The intervention is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.InterventionInput{Text: c.get("text"), At: c.clock("at")}
			return saidDone(door.AddIntervention(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/adverse-events", s.sessionChange(fAE, "during", "The adverse event is recorded.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.AdverseEventInput{Description: c.get("description"), Severity: sessionrecord.Severity(c.get("severity")),
				Outcome: c.get("outcome"), FollowUp: c.get("follow_up"), At: c.clock("at")}
			return saidDone(door.AddAdverseEvent(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/summary", s.sessionChange(fSummary, "notes", "The session summary is saved. The client sees it once the record is signed.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.SaveSummary(c.ctx(), c.a, c.target, c.get("summary"), c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/process-notes", s.sessionChange(fProcess, "notes", "Your process note is saved, encrypted and readable by you alone.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.AddProcessNote(c.ctx(), c.a, c.target, c.form.Values.Get(fProcess+"process_note"), c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/discharge", s.sessionChange(fDischarge, "discharge", "The client is discharged and the session is marked held.",
		func(c *sessionCtx) (string, error) {
			in := sessionrecord.DischargeInput{AlertAndOriented: c.checked("alert_and_oriented"), WalkingSteadily: c.checked("walking_steadily"),
				EscortPresent: c.checked("escort_present"), AftercareGiven: c.checked("aftercare_given")}
			return saidDone(door.Discharge(c.ctx(), c.a, c.target, in, c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/sign", s.sessionChange(fSign, "top", "The record is signed and locked. The care team sees it, and the client sees the summary in their portal.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.Sign(c.ctx(), c.a, c.target, c.get("password"), c.unread()))
		}))
	s.handle(GateStaff, "POST "+base+"/addenda", s.sessionChange(fAddendum, "addenda", "The addendum is signed and added to the record.",
		func(c *sessionCtx) (string, error) {
			return saidDone(door.AddAddendum(c.ctx(), c.a, c.target, c.form.Values.Get(fAddendum+"text"), c.get("password"), c.unread()))
		}))
}
