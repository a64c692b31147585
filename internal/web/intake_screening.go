package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/eligibility"
	"holdspace/internal/screening"
)

// routesScreening registers the staff's screening page, the prescriber's
// acknowledgement of findings, and the resting blood pressure the rules
// need.
func (s *Server) routesScreening() {
	s.handle(GateStaff, "GET /clients/{id}/screening", s.screeningPage)
	s.handle(GateStaff, "POST /clients/{id}/screening/{screeningID}/acknowledge", s.acknowledgeFinding)
	s.handle(GateStaff, "POST /clients/{id}/screening/blood-pressure", s.screeningBloodPressure)
}

// outcomeText is a screening's outcome in words, with the style it is shown
// in.
type outcomeText struct{ Title, Detail, Kind string }

func outcomeWords(sc eligibility.Screening) outcomeText {
	switch {
	case sc.Outcome == screening.Blocked:
		return outcomeText{"Blocked: absolute contraindication", "A course cannot be started. Only a change in the facts (a corrected answer, a new reading) lifts it.", "danger"}
	case sc.Outcome == screening.Incomplete:
		return outcomeText{"Incomplete", "Rules lack answers they need; the screening cannot say the client is clear.", "warn"}
	case sc.Outcome == screening.NeedsAcknowledgement && sc.Settled:
		return outcomeText{"Cleared by the prescriber", "Every finding that needs the prescriber's acknowledgement has it.", "ok"}
	case sc.Outcome == screening.NeedsAcknowledgement:
		return outcomeText{"Awaiting the prescriber's acknowledgement", "Relative or urgent findings need a prescriber's documented acknowledgement before treatment.", "warn"}
	case sc.Outcome == screening.ClearWithCautions:
		return outcomeText{"Clear, with cautions", "No contraindication; read the cautions before planning sessions.", "ok"}
	}
	return outcomeText{"Clear", "Every rule was answered and none fired.", "ok"}
}

// factView is one fact behind a finding, in words.
type factView struct{ Name, Description, Value string }

// historyRow is one screening of the list of all screenings.
type historyRow struct {
	eligibility.Screening
	Words outcomeText
}

type findingView struct {
	screening.Finding
	Facts []factView
	Ack   *eligibility.Acknowledgement
}

type screeningPageData struct {
	Client         clinic.Client
	Intake         eligibility.Record
	Current        *eligibility.Screening
	Newest         bool
	Outcome        outcomeText
	History        []eligibility.Screening
	Rows           []historyRow
	Absolute       []findingView
	NeedsAck       []findingView
	Cautions       []findingView
	Unanswered     []string
	UnansweredTodo []string
	Vitals         []eligibility.Vitals
	CanAcknowledge bool
	BP             []Field
}

// file puts v under the heading its finding belongs to, with the current
// screening's acknowledgement of it.
func (d *screeningPageData) file(v findingView) {
	if ack, ok := d.Current.AcknowledgementFor(v.Finding.RuleID); ok {
		v.Ack = &ack
	}
	switch {
	case v.Finding.Class == screening.Absolute:
		d.Absolute = append(d.Absolute, v)
	case v.Finding.NeedsAcknowledgement:
		d.NeedsAck = append(d.NeedsAck, v)
	default:
		d.Cautions = append(d.Cautions, v)
	}
}

func (s *Server) screeningPage(w http.ResponseWriter, r *http.Request) {
	s.drawScreening(w, r, http.StatusOK, NewForm(nil))
}

// drawScreening shows the newest screening, or the one named by ?id=, with
// form (its values and errors) in the acknowledgement or blood pressure form.
func (s *Server) drawScreening(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	v, err := s.eligibilityDoor().ScreeningView(r.Context(), a, id)
	d := screeningPageData{Client: v.Client, Intake: v.Intake, History: v.History, Vitals: v.Vitals}
	if s.intakeFailed(w, r, err) {
		return
	}
	for _, h := range d.History {
		d.Rows = append(d.Rows, historyRow{Screening: h, Words: outcomeWords(h)})
	}
	want := r.URL.Query().Get("id")
	for i := range d.History {
		if (want == "" && i == 0) || d.History[i].ID == want {
			d.Current, d.Newest = &d.History[i], i == 0
		}
	}
	if want != "" && d.Current == nil {
		s.notFoundMsg(w, r, "There is no such screening for this client.")
		return
	}
	d.CanAcknowledge = a.Has(access.Prescriber)
	if d.Current != nil {
		d.Outcome = outcomeWords(*d.Current)
		desc := map[string]string{}
		for _, f := range screening.Catalogue() {
			desc[f.Name] = f.Description
		}
		for _, fd := range d.Current.Findings {
			v := findingView{Finding: fd}
			for _, name := range slices.Sorted(maps.Keys(fd.Facts)) {
				v.Facts = append(v.Facts, factView{Name: name, Description: desc[name], Value: fd.Facts[name].String()})
			}
			d.file(v)
		}
		for _, u := range d.Current.Unanswered {
			d.Unanswered = append(d.Unanswered, desc[u.Fact])
		}
		d.UnansweredTodo = eligibility.UnansweredInWords(d.Current.Unanswered)
	}
	if form.Get("taken_at") == "" {
		form.Set("taken_at", s.now().In(sess.Zone).Format("2006-01-02T15:04"))
	}
	d.BP = []Field{
		form.Input("bp_systolic", "Systolic (upper)", "text").Mode("numeric").WithHint("mmHg").Req(),
		form.Input("bp_diastolic", "Diastolic (lower)", "text").Mode("numeric").WithHint("mmHg").Req(),
		form.Input("taken_at", "Taken at", "datetime-local").Req(),
	}
	p := s.page(w, r, "Screening · "+d.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "intake_screening", p)
}

func (s *Server) acknowledgeFinding(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id, screeningID := r.PathValue("id"), r.PathValue("screeningID")
	_, err := s.eligibilityDoor().Acknowledge(r.Context(), a, id, screeningID, form.Get("rule_id"), form.Get("reason"), nil)
	var ps access.Problems
	switch {
	case errors.Is(err, eligibility.ErrSuperseded):
		s.redirect(w, r, "/clients/"+id+"/screening", "error", "A newer screening has replaced that one. Acknowledge the findings of the screening shown here.")
	case errors.As(err, &ps):
		for _, p := range ps {
			form.Fail(p.Field, p.Message)
		}
		s.drawScreening(w, r, http.StatusUnprocessableEntity, form)
	case errors.Is(err, clinic.ErrNotFound):
		s.notFoundMsg(w, r, "There is no such screening for this client.")
	case s.intakeFailed(w, r, err):
	default:
		s.redirect(w, r, "/clients/"+id+"/screening#finding-"+form.Get("rule_id"), "ok", "Acknowledged. Your reason is on the screening record.")
	}
}

func (s *Server) screeningBloodPressure(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	sys, errSys := strconv.Atoi(form.Get("bp_systolic"))
	dia, errDia := strconv.Atoi(form.Get("bp_diastolic"))
	at, errAt := time.ParseInLocation("2006-01-02T15:04", form.Get("taken_at"), sess.Zone)
	// What could not be read is refused once access is decided, so that
	// someone refused learns nothing from it.
	var unread access.Problems
	if errSys != nil {
		unread = append(unread, &access.Problem{Field: "bp_systolic", Message: "Enter the systolic (upper) number in mmHg, such as 120."})
	}
	if errDia != nil {
		unread = append(unread, &access.Problem{Field: "bp_diastolic", Message: "Enter the diastolic (lower) number in mmHg, such as 80."})
	}
	if errAt != nil {
		unread = append(unread, &access.Problem{Field: "taken_at", Message: "Enter the date and time the reading was taken."})
	}
	var bad error
	if len(unread) > 0 {
		bad = unread
	}
	done, err := s.eligibilityDoor().RecordBloodPressure(r.Context(), a, id, eligibility.BloodPressure{Systolic: sys, Diastolic: dia, TakenAt: &at}, bad)
	rescreened := done.Screening
	var ps access.Problems
	switch {
	case errors.As(err, &ps):
		for _, p := range ps {
			form.Fail(p.Field, p.Message)
		}
		s.drawScreening(w, r, http.StatusUnprocessableEntity, form)
	case s.intakeFailed(w, r, err):
	case rescreened != nil:
		s.redirect(w, r, "/clients/"+id+"/screening", "ok", "Blood pressure recorded. The screening ran again: "+outcomeWords(*rescreened).Title+".")
	default:
		s.redirect(w, r, "/clients/"+id+"/screening", "ok", "Blood pressure recorded. It will be used when the intake is submitted.")
	}
}
