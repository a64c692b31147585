package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
)

// reviewItem is one answer on the review page.
type reviewItem struct {
	Label   string
	Answer  string
	Href    string
	Missing bool
	Empty   bool
	// Positive marks, for staff, a "yes" the clinician will want to see.
	Positive bool
}

// reviewMed is one medicine as the review page lists it; the class is shown
// to staff, the client sees what they wrote.
type reviewMed struct {
	intake.Medication
	DoseText  string
	DailyText string
	Class     string
}

type reviewSection struct {
	eligibility.SectionState
	Href  string
	Items []reviewItem
	Meds  []reviewMed
	// DiazepamEq is the benzodiazepine total in diazepam equivalents, for
	// staff; "" when there is none or a daily dose is missing.
	DiazepamEq string
}

type intakeReviewData struct {
	Scope     intakeScope
	Record    eligibility.Record
	Sections  []reviewSection
	Missing   []reviewItem
	Submitted bool
	// Refused: a submission was just refused for the missing answers.
	Refused bool
}

func (s *Server) intakeReview(w http.ResponseWriter, r *http.Request) {
	sc, rec, ok := s.openIntake(w, r)
	if !ok {
		return
	}
	s.drawReview(w, r, http.StatusOK, sc, rec, false, NewForm(nil))
}

// drawReview draws the answers, and for a draft the form that sends them
// with the attestation, keeping what was typed there.
func (s *Server) drawReview(w http.ResponseWriter, r *http.Request, status int, sc intakeScope, rec eligibility.Record, refused bool, form *Form) {
	d := intakeReviewData{Scope: sc, Record: rec, Submitted: rec.Status == eligibility.Submitted, Refused: refused}
	typed := eligibility.Typed{}
	for _, name := range intake.SectionNames() {
		sec, _ := rec.Answers.Section(name)
		for k, v := range eligibility.TypedFrom(sec) {
			typed[k] = v
		}
	}
	for _, st := range rec.Sections {
		info, _ := eligibility.SectionInfo(st.Name)
		rs := reviewSection{SectionState: st, Href: sc.Base + "/" + st.Name}
		for _, q := range info.Questions {
			if strings.Contains(q.Path, "[]") || (q.AskWhen != nil && !slices.Contains(q.AskWhen.Answers, typed[q.AskWhen.Path])) {
				continue
			}
			item := reviewItem{Label: q.Label, Href: sc.Base + "/" + st.Name + "#" + fieldID(q.Path), Missing: slices.Contains(rec.Missing, q.Path)}
			if q.Kind == intake.KindMedicationList {
				rs.Meds, rs.DiazepamEq = reviewMeds(rec.Answers.Medications.List)
				for _, p := range rec.Missing {
					if strings.HasPrefix(p, "medications.list") {
						m := reviewItem{Label: medMissingLabel(p, rec.Answers.Medications.List), Href: item.Href, Missing: true, Empty: true}
						rs.Items = append(rs.Items, m)
						d.Missing = append(d.Missing, m)
					}
				}
				continue
			}
			item.Answer = answerText(q, typed[q.Path])
			item.Empty = item.Answer == ""
			item.Positive = sc.Staff && q.Kind == intake.KindYesNo && typed[q.Path] == string(intake.Yes)
			rs.Items = append(rs.Items, item)
			if item.Missing {
				d.Missing = append(d.Missing, item)
			}
		}
		d.Sections = append(d.Sections, rs)
	}
	p := s.page(w, r, "Check your answers", d)
	p.Form = form
	if sc.Staff {
		p.Title = "Intake review · " + sc.ClientName
	}
	s.render(w, r, status, "intake_review", p)
}

func reviewMeds(list []intake.Medication) ([]reviewMed, string) {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	var out []reviewMed
	for _, m := range list {
		rm := reviewMed{Medication: m}
		if m.Dose != 0 {
			rm.DoseText = strings.TrimSpace(num(m.Dose) + " " + m.Unit)
		}
		if m.DailyDoseMg != nil {
			rm.DailyText = num(*m.DailyDoseMg) + " mg"
		}
		if c := m.Class(); c != intake.ClassOther {
			rm.Class = strings.ReplaceAll(string(c), "_", "-")
		}
		out = append(out, rm)
	}
	if mg, complete := intake.DiazepamEquivalentMgPerDay(list); complete && mg > 0 {
		return out, num(mg) + " mg/day"
	}
	return out, ""
}

// medMissingLabel names what is missing from the medication list.
func medMissingLabel(path string, list []intake.Medication) string {
	var i int
	var field string
	if _, err := fmt.Sscanf(path, "medications.list[%d].%s", &i, &field); err != nil || i >= len(list) {
		return "The list of your medicines"
	}
	if field == "daily_dose_mg" {
		return "The total mg you take in a usual day of " + list[i].Name
	}
	return "The name of medicine " + strconv.Itoa(i+1)
}

// answerText gives an answer as the form offered it.
func answerText(q intake.Question, v string) string {
	for _, o := range q.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func (s *Server) intakeSubmit(w http.ResponseWriter, r *http.Request) {
	a, sc := intakeScopeFor(r)
	if err := r.ParseForm(); err != nil {
		s.notFoundMsg(w, r, "This form could not be read.")
		return
	}
	form := NewForm(r.PostForm)
	sent, err := s.eligibilityDoor().Submit(r.Context(), a, sc.ClientID,
		eligibility.Attestation{Name: r.PostForm.Get("name"), Confirm: r.PostForm.Get("confirm") == "yes"}, nil)
	var missing *eligibility.MissingAnswers
	switch {
	case errors.As(err, &missing):
		rec, err := s.loadIntake(r, a, &sc)
		if s.intakeFailed(w, r, err) {
			return
		}
		s.drawReview(w, r, http.StatusUnprocessableEntity, sc, rec, true, form)
	case errors.Is(err, eligibility.ErrSubmitted):
		s.redirect(w, r, sc.Base, "info", "These answers were already sent to the care team.")
	case putProblems(err, form):
		rec, err := s.loadIntake(r, a, &sc)
		if s.intakeFailed(w, r, err) {
			return
		}
		s.drawReview(w, r, http.StatusUnprocessableEntity, sc, rec, false, form)
	case s.intakeFailed(w, r, err):
	case sc.Staff:
		s.redirect(w, r, "/clients/"+sc.ClientID+"/screening", "ok", "Submitted. The screening ran: "+outcomeWords(sent.Screening).Title)
	default:
		s.redirect(w, r, sc.Base, "ok", "Thank you. Your answers are with your care team, who will go through them with you.")
	}
}
