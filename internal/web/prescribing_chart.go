package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/sessionrecord"
)

// The client chart's clinical details: demographics and contacts, and the
// medical history (diagnoses, medications, allergies, weight and height).
// Reads are ClientRead and changes ClientUpdate, each audited by
// access.Service.Do; entries are marked removed or stopped, never deleted.

// chartProblems turns the chart's field problems into access's, which the
// form and API helpers show; prefix renames each field to the form's own.
func chartProblems(err error, prefix string) error {
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, 0, len(ps))
	for _, p := range ps {
		out = append(out, &access.Problem{Field: prefix + p.Field, Message: p.Message})
	}
	return out
}

// chartNav is the strip of links between the pages of one client's chart.
type chartNav struct {
	Client  clinic.Client
	Current string
}

// timeZones offered for a client; a zone on file that is not here is
// offered too.
var timeZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Toronto", "America/Vancouver",
	"Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Australia/Sydney", "Pacific/Auckland", "UTC"}

func zoneOptions(current string) []string {
	opts := []string{"", "The practice's time zone"}
	zones := timeZones
	if current != "" && !slices.Contains(zones, current) {
		zones = append([]string{current}, zones...)
	}
	for _, z := range zones {
		opts = append(opts, z, strings.ReplaceAll(z, "_", " "))
	}
	return opts
}

type detailsPage struct {
	Nav      chartNav
	TimeZone Field
}

func (s *Server) renderDetails(w http.ResponseWriter, r *http.Request, c clinic.Client, form *Form, status int) {
	zone := form.Select("time_zone", "Time zone", zoneOptions(form.Get("time_zone"))...).WithHint("Where they live, for times in messages to them.")
	p := s.page(w, r, "Details · "+c.Name(), detailsPage{Nav: chartNav{c, "details"}, TimeZone: zone})
	p.Form = form
	s.render(w, r, status, "prescribing_details", p)
}

// detailsFields are the form's fields in the order of clinic.Details.
var detailsFields = []string{"legal_name", "preferred_name", "pronouns", "date_of_birth", "email", "phone", "time_zone",
	"address_line1", "address_line2", "city", "region", "postal_code", "country",
	"emergency_name", "emergency_relationship", "emergency_phone", "escort_name", "escort_relationship", "escort_phone"}

func detailsPointers(d *clinic.Details) []*string {
	return []*string{&d.LegalName, &d.PreferredName, &d.Pronouns, &d.DateOfBirth, &d.Email, &d.Phone, &d.TimeZone,
		&d.Address.Line1, &d.Address.Line2, &d.Address.City, &d.Address.Region, &d.Address.PostalCode, &d.Address.Country,
		&d.Emergency.Name, &d.Emergency.Relationship, &d.Emergency.Phone, &d.Escort.Name, &d.Escort.Relationship, &d.Escort.Phone}
}

func detailsFromForm(f *Form) clinic.Details {
	var d clinic.Details
	for i, p := range detailsPointers(&d) {
		*p = f.Get(detailsFields[i])
	}
	return d
}

func formFromDetails(d clinic.Details) *Form {
	f := NewForm(nil)
	for i, p := range detailsPointers(&d) {
		f.Set(detailsFields[i], *p)
	}
	return f
}

func (s *Server) detailsPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	d, err := s.prescribingDoor().Details(r.Context(), sess.Actor, r.PathValue("id"))
	if s.chartFailed(w, r, err) {
		return
	}
	s.renderDetails(w, r, d.Client, formFromDetails(d.Details), http.StatusOK)
}

func (s *Server) saveDetails(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	d, err := s.prescribingDoor().SaveDetails(r.Context(), a, id, detailsFromForm(form), nil)
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/details", "ok", "The details are saved.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderDetails(w, r, d.Client, form, http.StatusUnprocessableEntity)
}

// chartFailed answers an error of the chart unless it is about what was
// typed, and reports whether it did.
func (s *Server) chartFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	return s.pageFailed(w, r, err, true, "There is no such record in this client's chart.")
}

type medicalPage struct {
	Nav     chartNav
	Medical clinic.Medical
	// Open names the form to show open: the one that was refused.
	Open string
	// Exception is the client's discharge observation exception, nil when none.
	Exception *sessionrecord.DischargeException
	// MaySignException: the viewer is a prescriber, who alone records one.
	MaySignException bool
	ExceptionHint    string
}

// The add forms' field names are the chart's field names with a prefix.
const (
	dxPrefix  = "dx_"
	medPrefix = "med_"
	alPrefix  = "al_"
	msPrefix  = "ms_"
)

func (s *Server) medicalPage(w http.ResponseWriter, r *http.Request) {
	s.renderMedical(w, r, NewForm(nil), "", http.StatusOK)
}

// renderMedical reads the chart (an audited read of its own) and draws the
// page with form, which holds what was typed when a change was refused.
func (s *Server) renderMedical(w http.ResponseWriter, r *http.Request, form *Form, open string, status int) {
	sess, _ := sessionFrom(r.Context())
	h, err := s.sessionDoor().MedicalHistory(r.Context(), sess.Actor, r.PathValue("id"))
	if s.chartFailed(w, r, err) {
		return
	}
	d := medicalPage{Nav: chartNav{Client: h.Client}, Medical: h.Medical, Exception: h.Exception, Open: open}
	d.MaySignException = sess.Actor.Has(access.Prescriber)
	if b, ok := dosing.BoundFor("discharge.min_observation_minutes"); ok {
		d.ExceptionHint = fmt.Sprintf("From %d to %d minutes; the practice settings may not go below %d (%s). Blood pressure peaks around 40 minutes after dosing, so no exception goes below %d.",
			sessionrecord.ExceptionFloorMinutes, b.Min-1, b.Min, b.Source, sessionrecord.ExceptionFloorMinutes)
	}
	d.Nav.Current = "medical"
	// Fields not sent start with a sensible value; a field sent empty
	// stays empty, beside its message.
	today := s.now().In(sess.Zone).Format("2006-01-02")
	defaults := map[string]string{dxPrefix + "diagnosed_on": today, msPrefix + "measured_on": today, msPrefix + "weight_unit": "kg", msPrefix + "height_unit": "cm"}
	for _, m := range d.Medical.Medications {
		defaults["stop-"+m.ID+"-stopped_on"] = today
	}
	// An offer's form starts with the client's words, for the clinician to correct.
	for _, o := range d.Medical.Offered {
		p := offerPrefix(o.ID)
		defaults[p+"name"], defaults[p+"dose"], defaults[p+"frequency"] = o.Name, o.Dose, o.Frequency
	}
	for k, v := range defaults {
		if _, sent := form.Values[k]; !sent {
			form.Set(k, v)
		}
	}
	p := s.page(w, r, "Medical history · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "prescribing_medical", p)
}

// medicalChange is one change to the medical history from a form.
type medicalChange struct {
	// prefix of the form's fields; {item} stands for the entry's id.
	prefix string
	anchor string
	done   string
	apply  func(c chartChange) error
}

// chartChange is what a change from a form passes to the door.
type chartChange struct {
	r      *http.Request
	door   *prescribing.Door
	a      access.Actor
	client string
	item   string
	form   *Form
	// today is now in the reader's zone, for what the face checks itself.
	today time.Time
}

func (c chartChange) ctx() context.Context { return c.r.Context() }

func (c chartChange) get(name string) string { return c.form.Get(name) }

func (s *Server) medicalPost(m medicalChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		id, item := r.PathValue("id"), r.PathValue("itemID")
		r.ParseForm()
		prefix := strings.ReplaceAll(m.prefix, "{item}", item)
		// A row's own form names its fields with the row's prefix, so a
		// refusal shows beside that row.
		form := NewForm(r.PostForm)
		err := m.apply(chartChange{r: r, door: s.prescribingDoor(), a: sess.Actor, client: id, item: item, form: form, today: s.now().In(sess.Zone)})
		if err == nil {
			s.redirect(w, r, "/clients/"+id+"/medical#"+m.anchor, "ok", m.done)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, prefix), form) {
			return
		}
		s.renderMedical(w, r, form, strings.TrimSuffix(prefix, "_"), http.StatusUnprocessableEntity)
	}
}

// number reads a typed number; ok is false (with a problem on the form's
// field) when something was typed that is not a number above 0.
func number(f *Form, field, what string) (float64, bool) {
	v := f.Get(field)
	if v == "" {
		return 0, true
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x <= 0 {
		f.Fail(field, "Give the "+what+" as a number above 0, such as 70.5, or leave it empty.")
		return 0, false
	}
	return x, true
}

func (s *Server) routesChart() {
	// A prescriber's signed exception to the discharge observation minimum, for one client.
	s.handle(GateStaff, "POST /clients/{id}/medical/discharge-exception", s.signDischargeException)
	s.handle(GateStaff, "GET /clients/{id}/details", s.detailsPage)
	s.handle(GateStaff, "POST /clients/{id}/details", s.saveDetails)
	s.handle(GateStaff, "GET /clients/{id}/medical", s.medicalPage)
	s.routesOffered()
	s.handle(GateStaff, "POST /clients/{id}/medical/diagnoses", s.medicalPost(medicalChange{prefix: dxPrefix, anchor: "diagnoses", done: "The diagnosis is recorded.",
		apply: func(c chartChange) error {
			_, err := c.door.AddDiagnosis(c.ctx(), c.a, c.client, clinic.DiagnosisInput{Code: c.get(dxPrefix + "code"),
				Description: c.get(dxPrefix + "description"), Primary: c.get(dxPrefix+"primary") != "", DiagnosedOn: c.get(dxPrefix + "diagnosed_on")}, nil)
			return err
		}}))
	s.handle(GateStaff, "POST /clients/{id}/medical/medications", s.medicalPost(medicalChange{prefix: medPrefix, anchor: "medications", done: "The medication is recorded.",
		apply: func(c chartChange) error {
			_, err := c.door.AddMedication(c.ctx(), c.a, c.client, clinic.MedicationInput{Name: c.get(medPrefix + "name"),
				Dose: c.get(medPrefix + "dose"), Frequency: c.get(medPrefix + "frequency"), StartedOn: c.get(medPrefix + "started_on")}, nil)
			return err
		}}))
	s.handle(GateStaff, "POST /clients/{id}/medical/allergies", s.medicalPost(medicalChange{prefix: alPrefix, anchor: "allergies", done: "The allergy is recorded.",
		apply: func(c chartChange) error {
			_, err := c.door.AddAllergy(c.ctx(), c.a, c.client, clinic.AllergyInput{Substance: c.get(alPrefix + "substance"),
				Reaction: c.get(alPrefix + "reaction")}, nil)
			return err
		}}))
	s.handle(GateStaff, "POST /clients/{id}/medical/measurements", s.medicalPost(medicalChange{prefix: msPrefix, anchor: "measurements", done: "The measurement is recorded.",
		apply: func(c chartChange) error {
			weight, okW := number(c.form, msPrefix+"weight", "weight")
			height, okH := number(c.form, msPrefix+"height", "height")
			in := clinic.MeasurementInput{MeasuredOn: c.get(msPrefix + "measured_on"), Weight: weight, WeightUnit: c.get(msPrefix + "weight_unit"),
				Height: height, HeightUnit: c.get(msPrefix + "height_unit")}
			var unread error
			if !okW || !okH {
				// Show the unit and date problems too, in one round.
				_, _, ps := in.Convert(c.today)
				for _, p := range ps {
					if p.Field != "weight" && p.Field != "height" {
						c.form.Fail(msPrefix+p.Field, p.Message)
					}
				}
				unread = formProblems(c.form)
			}
			_, err := c.door.AddMeasurement(c.ctx(), c.a, c.client, in, unread)
			return err
		}}))
	remove := func(kind, anchor, done string) http.HandlerFunc {
		return s.medicalPost(medicalChange{prefix: "remove-{item}-", anchor: anchor, done: done, apply: func(c chartChange) error {
			return c.door.RemoveEntry(c.ctx(), c.a, kind, c.client, c.item, c.get("remove-"+c.item+"-reason"), nil)
		}})
	}
	s.handle(GateStaff, "POST /clients/{id}/medical/diagnoses/{itemID}/remove", remove(clinic.KindDiagnosis, "diagnoses", "The diagnosis is marked removed; it stays in the history."))
	s.handle(GateStaff, "POST /clients/{id}/medical/allergies/{itemID}/remove", remove(clinic.KindAllergy, "allergies", "The allergy is marked removed; it stays in the history."))
	s.handle(GateStaff, "POST /clients/{id}/medical/measurements/{itemID}/remove", remove(clinic.KindMeasurement, "measurements", "The measurement is marked removed; it stays in the history."))
	s.handle(GateStaff, "POST /clients/{id}/medical/medications/{itemID}/stop", s.medicalPost(medicalChange{prefix: "stop-{item}-", anchor: "medications",
		done: "The medication is marked stopped; it stays in the history.", apply: func(c chartChange) error {
			p := "stop-" + c.item + "-"
			return c.door.StopMedication(c.ctx(), c.a, c.client, c.item, c.get(p+"stopped_on"), c.get(p+"reason"), nil)
		}}))
}

// formProblems returns the form's errors as a refusal of what was typed.
func formProblems(f *Form) error {
	if !f.HasErrors() {
		return nil
	}
	var ps access.Problems
	for _, e := range f.order {
		ps = append(ps, &access.Problem{Field: e, Message: f.Errors[e]})
	}
	return ps
}

// signDischargeException records a prescriber's shorter discharge observation for one client.
func (s *Server) signDischargeException(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	minutes, convErr := strconv.Atoi(form.Get("min_observation_minutes"))
	var unread error
	if convErr != nil {
		form.Fail("min_observation_minutes", "Give the least observation as a whole number of minutes.")
		unread = errFormInvalid
	}
	_, err := s.sessionDoor().SignException(r.Context(), a, id, minutes, form.Get("exception_reason"), unread)
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/medical#discharge-exception", "ok", "The discharge exception is signed. This client's discharges use it from now on.")
		return
	}
	if rf := sessionrecord.AsRefused(err); rf != nil {
		for f, m := range rf.Fields() {
			if f == "reason" {
				f = "exception_reason"
			}
			form.Fail(f, m)
		}
	} else if !errors.Is(err, errFormInvalid) && s.chartFailed(w, r, err) {
		return
	}
	s.renderMedical(w, r, form, "dx_exception", http.StatusUnprocessableEntity)
}
