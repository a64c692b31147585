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
	"holdspace/internal/prescribing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
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

// sessionCtx is what one change from the live page works with.
type sessionCtx struct {
	r        *http.Request
	tx       *store.Tx
	a        access.Actor
	client   string
	session  string
	recordID string
	form     *Form
	prefix   string
	now      time.Time
	// done replaces the handler's message, when the change has more to say.
	done string
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

// parsed stops the change when the form itself could not be read.
func (c *sessionCtx) parsed() error { return formProblems(c.form) }

// sessionProblems puts the package's problems beside the form's fields.
func sessionProblems(err error, prefix string) error {
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, 0, len(ps))
	for _, p := range ps {
		f := p.Field
		if !strings.HasPrefix(f, prefix) {
			f = prefix + f
		}
		out = append(out, &access.Problem{Field: f, Message: p.Message})
	}
	return out
}

// sessionChange runs one change of the live record under act: back to
// the record's section on success, the page with the refusal beside the
// field (422) otherwise. Every change but the start needs the record open.
func (s *Server) sessionChange(act access.Action, formPrefix, anchor, done string, apply func(c *sessionCtx) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		a := sess.Actor
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
		c := &sessionCtx{r: r, a: a, client: id, session: sessionID, form: form, prefix: prefix, now: s.now().In(sess.Zone), done: done}
		ref := access.Ref{Type: "session_record", ID: sessionID, ClientID: id}
		if act == access.ProcessNoteWrite {
			ref.Type = "process_note"
		}
		wrongPassword := false
		err := s.access.Do(r.Context(), a, act, ref, func(tx *store.Tx, _ access.Decision) error {
			if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
				return err
			}
			c.tx = tx
			var err error
			if c.recordID, err = sessionrecord.Find(r.Context(), tx, id, sessionID); err != nil {
				return err
			}
			if c.recordID == "" && prefix != fStart {
				if _, err := loadSessionBooking(r.Context(), tx, id, sessionID, c.now); err != nil {
					return err
				}
				return access.Problems{{Field: prefix + "record", Message: "The record of this session is not started yet: start it first."}}
			}
			if prefix == fSign || prefix == fAddendum {
				var ps access.Problems
				if err := s.checkSignature(r.Context(), tx, a, c.get("password"), &ps); errors.Is(err, errWrongPassword) {
					wrongPassword = true
				} else if err != nil {
					return err
				}
				for _, p := range ps {
					c.form.Fail(prefix+p.Field, p.Message)
				}
			}
			return apply(c)
		})
		if wrongPassword {
			s.recordRefusedSessionSignature(r.Context(), a, sessionID, id)
		}
		if err == nil {
			s.redirect(w, r, "/clients/"+id+"/sessions/"+sessionID+"#"+anchor, "ok", c.done)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, sessionProblems(err, prefix), form) {
			return
		}
		s.renderSession(w, r, form, prefix, http.StatusUnprocessableEntity)
	}
}

// recordRefusedSessionSignature puts a signature refused for its
// password on the trail and counts it toward the account's lock.
func (s *Server) recordRefusedSessionSignature(ctx context.Context, a access.Actor, sessionID, clientID string) {
	err := s.access.RecordDenial(ctx, a, &access.Denied{Action: access.SessionRecordSign, Reason: errWrongPassword.Error(),
		Record: access.Record{Type: "session_record", ID: sessionID, PracticeID: a.PracticeID, ClientID: clientID}})
	if err != nil {
		s.log.Error("recording a refused signature", "err", err)
	}
	if err := s.access.PasswordRefused(ctx, a); err != nil {
		s.log.Error("counting a refused signature password", "err", err)
	}
}

func (s *Server) routesSessionRecordForms(base string) {
	write := access.SessionRecordWrite
	s.handle(GateStaff, "POST "+base+"/start", s.sessionChange(write, fStart, "top", "The session record is started. Work through the checklist and the pre-dose vitals.",
		func(c *sessionCtx) error {
			_, err := sessionrecord.Start(c.ctx(), c.tx, c.client, c.session, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/checklist", s.sessionChange(write, fChecklist, "checklist", "The checklist is saved.",
		func(c *sessionCtx) error {
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
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.SaveChecklist(c.ctx(), c.tx, c.client, c.recordID, base, cl, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/vitals", s.sessionChange(write, fVitals, "top", "The reading is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.ReadingInput{TakenAt: c.clock("taken_at"), Systolic: c.measure("systolic"), Diastolic: c.measure("diastolic"),
				HeartRate: c.measure("heart_rate"), SpO2: c.measure("spo2"), RespiratoryRate: c.measure("respiratory_rate")}
			if err := c.parsed(); err != nil {
				return err
			}
			rd, err := sessionrecord.AddReading(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			if err == nil && rd.Status == dosing.StatusAlarm {
				c.done = "The reading is recorded. It is beyond an alarm threshold: an alert is raised at the top of the record for acknowledgement."
			} else if err == nil && rd.Status == dosing.StatusOutOfRange {
				c.done = "The reading is recorded; it is outside the practice's ranges."
			}
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/override", s.sessionChange(access.HoldOverride, fOverride, "hold", "The hold is overridden; the reason is on record.",
		func(c *sessionCtx) error {
			_, err := sessionrecord.OverrideHold(c.ctx(), c.tx, c.client, c.recordID, c.get("reason"), c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/doses", s.sessionChange(write, fDose, "administration", "The dose is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.DoseInput{Product: c.get("product"), Strength: c.get("strength"), Lot: c.get("lot"), Route: dosing.Route(c.get("route")),
				GivenAt: c.clock("given_at"), GivenBy: c.get("given_by")}
			if v := c.get("dose_mg"); v != "" {
				mg, err := strconv.ParseFloat(v, 64)
				if err != nil || mg <= 0 {
					c.form.Fail(fDose+"dose_mg", "Enter the dose in mg as a number, such as 100.")
				}
				in.DoseMg = mg
			}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.Administer(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/premedications", s.sessionChange(write, fPremed, "orders", "The pre-medication is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.PreMedicationInput{Drug: c.get("drug"), At: c.clock("at"), GivenBy: c.get("given_by")}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.RecordPreMedication(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/dose-authorisations", s.sessionChange(access.HoldOverride, fAuth, "administration",
		"The additional dose is authorised; your name, the time and the reason are on record.",
		func(c *sessionCtx) error {
			in := sessionrecord.AuthorisationInput{Reason: c.get("reason")}
			if v := c.get("dose_mg"); v != "" {
				mg, err := strconv.ParseFloat(v, 64)
				if err != nil || mg <= 0 {
					c.form.Fail(fAuth+"dose_mg", "Enter the dose authorised in mg as a number, such as 50.")
				}
				in.DoseMg = mg
			}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.AuthoriseDose(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/alerts/{alertID}/acknowledge", s.sessionChange(write, fAck, "alerts", "The alert is acknowledged; the action taken is on record.",
		func(c *sessionCtx) error {
			return sessionrecord.AcknowledgeAlert(c.ctx(), c.tx, c.client, c.recordID, c.r.PathValue("alertID"), c.get("action"), c.a.StaffID, c.now)
		}))
	s.handle(GateStaff, "POST "+base+"/observations", s.sessionChange(write, fObs, "during", "The observation is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.ObservationInput{Kind: sessionrecord.ObservationKind(c.get("kind")), Severity: sessionrecord.Severity(c.get("severity")),
				Text: c.get("text"), At: c.clock("at")}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.AddObservation(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/interventions", s.sessionChange(write, fInt, "during", "The intervention is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.InterventionInput{Text: c.get("text"), At: c.clock("at")}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.AddIntervention(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/adverse-events", s.sessionChange(write, fAE, "during", "The adverse event is recorded.",
		func(c *sessionCtx) error {
			in := sessionrecord.AdverseEventInput{Description: c.get("description"), Severity: sessionrecord.Severity(c.get("severity")),
				Outcome: c.get("outcome"), FollowUp: c.get("follow_up"), At: c.clock("at")}
			if err := c.parsed(); err != nil {
				return err
			}
			_, err := sessionrecord.AddAdverseEvent(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/summary", s.sessionChange(write, fSummary, "notes", "The session summary is saved. The client sees it once the record is signed.",
		func(c *sessionCtx) error {
			_, err := sessionrecord.SaveSummary(c.ctx(), c.tx, c.client, c.recordID, c.get("summary"), c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/process-notes", s.sessionChange(access.ProcessNoteWrite, fProcess, "notes", "Your process note is saved, encrypted and readable by you alone.",
		func(c *sessionCtx) error {
			_, err := sessionrecord.AddProcessNote(c.ctx(), c.tx, s.access.Keys, c.client, c.recordID, c.form.Values.Get(fProcess+"process_note"), c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/discharge", s.sessionChange(write, fDischarge, "discharge", "The client is discharged and the session is marked held.",
		func(c *sessionCtx) error {
			in := sessionrecord.DischargeInput{AlertAndOriented: c.checked("alert_and_oriented"), WalkingSteadily: c.checked("walking_steadily"),
				EscortPresent: c.checked("escort_present"), AftercareGiven: c.checked("aftercare_given")}
			_, err := sessionrecord.Discharge(c.ctx(), c.tx, c.client, c.recordID, in, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/sign", s.sessionChange(access.SessionRecordSign, fSign, "top", "The record is signed and locked. The care team sees it, and the client sees the summary in their portal.",
		func(c *sessionCtx) error {
			if err := c.parsed(); err != nil {
				return err
			}
			signer, err := prescribing.LoadSigner(c.ctx(), c.tx, c.a.PracticeID, c.a.StaffID)
			if err != nil {
				return err
			}
			_, err = sessionrecord.Sign(c.ctx(), c.tx, c.client, c.recordID, signer, c.now)
			return err
		}))
	s.handle(GateStaff, "POST "+base+"/addenda", s.sessionChange(access.SessionRecordSign, fAddendum, "addenda", "The addendum is signed and added to the record.",
		func(c *sessionCtx) error {
			if err := c.parsed(); err != nil {
				return err
			}
			signer, err := prescribing.LoadSigner(c.ctx(), c.tx, c.a.PracticeID, c.a.StaffID)
			if err != nil {
				return err
			}
			_, err = sessionrecord.AddAddendum(c.ctx(), c.tx, c.client, c.recordID, c.form.Values.Get(fAddendum+"text"), signer, c.now)
			return err
		}))
}
