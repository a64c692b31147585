package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

// The prescriber's evaluation: read by the care team (ClientRead), written
// and signed by a prescriber on it (EvaluationWrite). Signing asks for the
// prescriber's password again, so a signature is a deliberate act
// (21 CFR 11.200, KAP.md §6); the same holds for an addendum.
func (s *Server) routesPrescribing() {
	s.routesChart()
	s.handle(GateStaff, "GET /clients/{id}/evaluation", s.evaluationPage)
	s.handle(GateStaff, "GET /clients/{id}/evaluation/new", s.evaluationNewPage)
	s.handle(GateStaff, "POST /clients/{id}/evaluation/new", s.signEvaluation)
	s.handle(GateStaff, "POST /clients/{id}/evaluation/{evalID}/addenda", s.addAddendum)
}

type evaluationPage struct {
	Nav     chartNav
	Current *prescribing.Evaluation
	Earlier []prescribing.Evaluation
	// CanWrite shows the prescriber's forms; the use case decides.
	CanWrite bool
	// Open names the evaluation whose addendum form was refused.
	Open string
}

func (s *Server) evaluationPage(w http.ResponseWriter, r *http.Request) {
	s.renderEvaluation(w, r, NewForm(nil), "", http.StatusOK)
}

// prescribingDoor is the door the evaluation and chart pages and API go
// through.
func (s *Server) prescribingDoor() *prescribing.Door {
	return s.doors.Prescribing
}

func (s *Server) renderEvaluation(w http.ResponseWriter, r *http.Request, form *Form, open string, status int) {
	sess, _ := sessionFrom(r.Context())
	evs, err := s.prescribingDoor().Evaluations(r.Context(), sess.Actor, r.PathValue("id"))
	if s.chartFailed(w, r, err) {
		return
	}
	d := evaluationPage{Nav: chartNav{Client: evs.Client, Current: "evaluation"}, CanWrite: sess.Actor.Has(access.Prescriber), Open: open}
	if len(evs.History) > 0 {
		d.Current, d.Earlier = &evs.History[0], evs.History[1:]
	}
	p := s.page(w, r, "Prescriber evaluation · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "prescribing_evaluation", p)
}

// decisionChoice is one radio button of the decision.
type decisionChoice struct {
	Value, Label, Hint string
	Checked            bool
}

var decisionHints = map[prescribing.Decision]string{
	prescribing.Approved:               "The client may go on to medicine sessions within the limits below.",
	prescribing.ApprovedWithConditions: "As approved, on the conditions you write (for example a blood pressure check, a reduced first dose).",
	prescribing.NotApproved:            "The client may not start medicine sessions; say why. Signed as a review.",
}

type evaluationNewPage struct {
	Nav       chartNav
	Current   *prescribing.Evaluation
	Medical   clinic.Medical
	Weight    *dosing.Weight
	Signer    prescribing.Signer
	Decisions []decisionChoice
	Routes    []dosing.Route
	// HeldRows and PreMedicationRows number the rows of the orders' tables.
	HeldRows, PreMedicationRows []int
	// Bounds are the reported ranges per route, beside the limits.
	Bounds map[dosing.Route]prescribing.RouteBound
}

// orderRows is how many rows a table of orders shows: the orders carried on, and at least
// three, with one empty row to add another.
func orderRows(n int) []int {
	rows := make([]int, max(n+1, 3))
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// formRows counts the rows of a table of orders up to the last with anything typed in it, so
// a refused form shows every row typed and a half-filled row is checked, not dropped.
func formRows(f *Form, field func(int, string) string, parts ...string) int {
	n := 0
	for i := 0; i < 100; i++ {
		for _, part := range parts {
			if f.Get(field(i, part)) != "" {
				n = i + 1
			}
		}
	}
	return n
}

var (
	heldParts          = []string{"substance", "hours"}
	preMedicationParts = []string{"drug", "dose_mg", "route", "minutes_before"}
)

func (s *Server) evaluationNewPage(w http.ResponseWriter, r *http.Request) {
	s.renderEvaluationNew(w, r, nil, http.StatusOK)
}

// renderEvaluationNew draws the evaluation form with what the prescriber
// reviews beside it. A nil form starts from the current evaluation's
// limits and orders, which a new evaluation usually carries on.
func (s *Server) renderEvaluationNew(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	rv, err := s.prescribingDoor().Review(r.Context(), sess.Actor, r.PathValue("id"), sess.Zone)
	if s.chartFailed(w, r, err) {
		return
	}
	d := evaluationNewPage{Nav: chartNav{Client: rv.Client, Current: "evaluation"}, Routes: dosing.Routes(),
		Current: rv.Current, Medical: rv.Medical, Weight: rv.Weight, Signer: rv.Signer}
	if form == nil {
		form = NewForm(nil)
		if d.Current != nil {
			for _, l := range d.Current.Limits {
				form.Set(prescribing.LimitField(l.Route, "mg"), formatAmount(l.MaxMg))
				form.Set(prescribing.LimitField(l.Route, "mg_per_kg"), formatAmount(l.MaxMgPerKg))
			}
			form.Set("premedication", strings.Join(d.Current.PreMedication, "\n"))
			setOrders(form, d.Current.Orders)
		}
	}
	d.HeldRows = orderRows(formRows(form, prescribing.HeldField, heldParts...))
	d.PreMedicationRows = orderRows(formRows(form, prescribing.PreMedicationField, preMedicationParts...))
	d.Bounds = prescribing.RouteBounds()
	for _, dec := range prescribing.Decisions() {
		d.Decisions = append(d.Decisions, decisionChoice{Value: string(dec), Label: dec.Label(), Hint: decisionHints[dec], Checked: form.Get("decision") == string(dec)})
	}
	p := s.page(w, r, "New evaluation · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "prescribing_evaluation_new", p)
}

func formatAmount(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// draftFromForm reads the evaluation form; numbers that are not numbers
// fail on the form at once.
func draftFromForm(f *Form) prescribing.Draft {
	d := prescribing.Draft{Decision: prescribing.Decision(f.Get("decision")), Conditions: f.Values.Get("conditions"),
		Reason: f.Values.Get("reason"), Notes: f.Values.Get("notes"), PreMedication: strings.Split(f.Values.Get("premedication"), "\n")}
	for _, route := range dosing.Routes() {
		mgField, perKgField := prescribing.LimitField(route, "mg"), prescribing.LimitField(route, "mg_per_kg")
		mg, _ := number(f, mgField, "maximum in mg")
		perKg, _ := number(f, perKgField, "maximum in mg/kg")
		d.Limits = append(d.Limits, dosing.Limit{Route: route, MaxMg: mg, MaxMgPerKg: perKg})
		if f.Get(prescribing.ConfirmField(route, "confirm")) != "" {
			d.AboveBound = append(d.AboveBound, prescribing.BoundConfirmation{Route: route, Reason: f.Values.Get(prescribing.ConfirmField(route, "reason"))})
		}
	}
	o := &d.Orders
	sys, dia := whole(f, prescribing.FieldHoldSystolic, "systolic in mmHg"), whole(f, prescribing.FieldHoldDiastolic, "diastolic in mmHg")
	if sys != 0 || dia != 0 {
		o.Hold = &dosing.HoldThreshold{SystolicMmHg: sys, DiastolicMmHg: dia, AtOrAbove: true}
	}
	for i := range formRows(f, prescribing.HeldField, heldParts...) {
		o.HeldSubstances = append(o.HeldSubstances, dosing.HeldSubstance{Substance: f.Get(prescribing.HeldField(i, "substance")),
			Hours: whole(f, prescribing.HeldField(i, "hours"), "hours")})
	}
	for i := range formRows(f, prescribing.PreMedicationField, preMedicationParts...) {
		mg, _ := number(f, prescribing.PreMedicationField(i, "dose_mg"), "dose in mg")
		o.PreMedications = append(o.PreMedications, dosing.PreMedicationOrder{Drug: f.Get(prescribing.PreMedicationField(i, "drug")), DoseMg: mg,
			Route: f.Get(prescribing.PreMedicationField(i, "route")), MinutesBefore: whole(f, prescribing.PreMedicationField(i, "minutes_before"), "minutes")})
	}
	if f.Get(prescribing.FieldAdditionalAllowed) != "" {
		total, _ := number(f, prescribing.FieldAdditionalMaxMg, "session total in mg")
		o.AdditionalDoses = dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: total,
			MinMinutesAfterFirst: whole(f, prescribing.FieldAdditionalMinutes, "minutes")}
	}
	return d
}

// whole reads a whole number, 0 when empty; anything else fails on the form.
func whole(f *Form, field, what string) int {
	v := f.Get(field)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		f.Fail(field, "Give the "+what+" as a whole number, such as 30, or leave it empty.")
		return 0
	}
	return n
}

// setOrders fills the form from orders carried on from the current evaluation.
func setOrders(f *Form, o dosing.ClientConditions) {
	if o.Hold != nil {
		f.Set(prescribing.FieldHoldSystolic, strconv.Itoa(o.Hold.SystolicMmHg))
		f.Set(prescribing.FieldHoldDiastolic, strconv.Itoa(o.Hold.DiastolicMmHg))
	}
	for i, h := range o.HeldSubstances {
		f.Set(prescribing.HeldField(i, "substance"), h.Substance)
		f.Set(prescribing.HeldField(i, "hours"), strconv.Itoa(h.Hours))
	}
	for i, m := range o.PreMedications {
		f.Set(prescribing.PreMedicationField(i, "drug"), m.Drug)
		f.Set(prescribing.PreMedicationField(i, "dose_mg"), formatAmount(m.DoseMg))
		f.Set(prescribing.PreMedicationField(i, "route"), m.Route)
		f.Set(prescribing.PreMedicationField(i, "minutes_before"), strconv.Itoa(m.MinutesBefore))
	}
	if a := o.AdditionalDoses; a.Allowed {
		f.Set(prescribing.FieldAdditionalAllowed, "on")
		f.Set(prescribing.FieldAdditionalMaxMg, formatAmount(a.MaxTotalMg))
		f.Set(prescribing.FieldAdditionalMinutes, strconv.Itoa(a.MinMinutesAfterFirst))
	}
}

func (s *Server) signEvaluation(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	in := prescribing.Signing{Draft: draftFromForm(form), Password: r.PostForm.Get("password")}
	in.Typed, _ = formProblems(form).(access.Problems)
	signed, err := s.prescribingDoor().Sign(r.Context(), a, id, in)
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/evaluation", "ok", "The evaluation is signed ("+signed.Decision.Label()+"), meaning "+string(signed.Meaning)+".")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderEvaluationNew(w, r, form, http.StatusUnprocessableEntity)
}

func (s *Server) addAddendum(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id, evalID := r.PathValue("id"), r.PathValue("evalID")
	// Each evaluation's addendum form names its fields after it, so a
	// refusal shows beside the right one.
	prefix := "add-" + evalID + "-"
	_, err := s.prescribingDoor().AddAddendum(r.Context(), a, id, evalID, r.PostForm.Get(prefix+"text"), r.PostForm.Get(prefix+"password"))
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/evaluation#e-"+evalID, "ok", "The addendum is signed and added below the evaluation.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, prefixProblems(chartProblems(err, ""), prefix), form) {
		return
	}
	s.renderEvaluation(w, r, form, evalID, http.StatusUnprocessableEntity)
}

// prefixProblems renames each field of the problems in err with prefix,
// the form's own name for it.
func prefixProblems(err error, prefix string) error {
	var ps access.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, len(ps))
	for i, p := range ps {
		out[i] = &access.Problem{Field: prefix + p.Field, Message: p.Message}
	}
	return out
}
