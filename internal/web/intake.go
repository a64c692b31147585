package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
)

// routesIntake registers the intake questionnaire: the client fills it in
// the portal; staff fill it in with the client under the client's record,
// with the same pages.
func (s *Server) routesIntake() {
	s.handle(GateClient, "GET /portal/intake", s.intakeOverview)
	s.handle(GateClient, "GET /portal/intake/review", s.intakeReview)
	s.handle(GateClient, "POST /portal/intake/submit", s.intakeSubmit)
	s.handle(GateClient, "GET /portal/intake/{section}", s.intakeSection)
	s.handle(GateClient, "POST /portal/intake/{section}", s.intakeSave)
	s.handle(GateStaff, "GET /clients/{id}/intake", s.intakeOverview)
	s.handle(GateStaff, "GET /clients/{id}/intake/review", s.intakeReview)
	s.handle(GateStaff, "POST /clients/{id}/intake/submit", s.intakeSubmit)
	s.handle(GateStaff, "GET /clients/{id}/intake/{section}", s.intakeSection)
	s.handle(GateStaff, "POST /clients/{id}/intake/{section}", s.intakeSave)
	s.routesScreening()
}

// intakeScope is whose intake a page is about and who is filling it in:
// the client in the portal, or staff under the client's record.
type intakeScope struct {
	Staff      bool
	ClientID   string
	ClientName string
	Base       string
	// Signer is the name the person at the screen types to attest the
	// answers: their own, as on record.
	Signer string
}

func intakeScopeFor(r *http.Request) (access.Actor, intakeScope) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	if a.Kind == access.ClientActor {
		return a, intakeScope{ClientID: a.ClientID, Base: "/portal/intake"}
	}
	id := r.PathValue("id")
	return a, intakeScope{Staff: true, ClientID: id, Base: "/clients/" + id + "/intake"}
}

// eligibilityDoor is the intake's front door on the server's clock.
func (s *Server) eligibilityDoor() *eligibility.Door {
	return s.doors.Intake
}

// loadIntake reads the intake, and for staff the client's name.
func (s *Server) loadIntake(r *http.Request, a access.Actor, sc *intakeScope) (eligibility.Record, error) {
	f, err := s.eligibilityDoor().Form(r.Context(), a, sc.ClientID)
	sc.ClientName, sc.Signer = f.Client.Name(), f.Signer
	return f.Record, err
}

// openIntake is the intake the request names and in what scope it is
// asked for; false where it has answered the request already with why
// not.
func (s *Server) openIntake(w http.ResponseWriter, r *http.Request) (intakeScope, eligibility.Record, bool) {
	a, sc := intakeScopeFor(r)
	rec, err := s.loadIntake(r, a, &sc)
	return sc, rec, !s.intakeFailed(w, r, err)
}

// intakeFailed answers an error that is not about what was typed.
func (s *Server) intakeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	return s.pageFailed(w, r, err, false, "There is no such page of the questionnaire, or no such client in your practice.")
}

type intakeRow struct {
	eligibility.SectionState
	Href    string
	SavedOn time.Time
}

func rowFor(sc intakeScope, st eligibility.SectionState) intakeRow {
	row := intakeRow{SectionState: st, Href: sc.Base + "/" + st.Name}
	if st.SavedAt != nil {
		row.SavedOn = *st.SavedAt
	}
	return row
}

type intakeOverviewData struct {
	Scope     intakeScope
	Record    eligibility.Record
	Rows      []intakeRow
	Resume    string
	Done      int
	Started   bool
	Submitted bool
	// SubmittedAt is the zero time while a draft.
	SubmittedAt time.Time
}

func (s *Server) intakeOverview(w http.ResponseWriter, r *http.Request) {
	sc, rec, ok := s.openIntake(w, r)
	if !ok {
		return
	}
	d := intakeOverviewData{Scope: sc, Record: rec, Submitted: rec.Status == eligibility.Submitted, Started: rec.ID != ""}
	if rec.SubmittedAt != nil {
		d.SubmittedAt = *rec.SubmittedAt
	}
	for _, st := range rec.Sections {
		d.Rows = append(d.Rows, rowFor(sc, st))
		if st.Done() {
			d.Done++
		}
	}
	if next := rec.NextOpen(); next != "" {
		d.Resume = sc.Base + "/" + next
	} else {
		d.Resume = sc.Base + "/review"
	}
	title := "Your health questionnaire"
	if sc.Staff {
		title = "Intake: " + sc.ClientName
	}
	s.render(w, r, http.StatusOK, "intake_overview", s.page(w, r, title, d))
}

// questionView is one question as its page draws it.
type questionView struct {
	intake.Question
	ID         string
	Value      string
	Error      string
	When       string
	WhenValues string
	Choices    []choiceView
	Rows       []medRowView
	// RowHelp explains the daily total asked in each medication row.
	RowHelp string
}

type choiceView struct {
	Value, Label, ID string
	Checked          bool
}

type medRowView struct {
	Number   int
	Fields   []Field
	Remove   string
	HasValue bool
}

type intakeSectionData struct {
	Scope     intakeScope
	Info      intake.SectionInfo
	Number    int
	Count     int
	Steps     []intakeRow
	Current   string
	Questions []questionView
	Prev      string
	Next      string
	RowCount  int
	State     eligibility.SectionState
	Submitted bool
}

func (s *Server) intakeSection(w http.ResponseWriter, r *http.Request) {
	sc, rec, ok := s.openIntake(w, r)
	if !ok {
		return
	}
	name := r.PathValue("section")
	sec, ok := rec.Answers.Section(name)
	if !ok {
		s.intakeFailed(w, r, clinic.ErrNotFound)
		return
	}
	if rec.Status == eligibility.Submitted && !sc.Staff {
		http.Redirect(w, r, sc.Base+"/review", http.StatusSeeOther)
		return
	}
	typed := eligibility.TypedFrom(sec)
	form := NewForm(nil)
	for k, v := range typed {
		form.Set(k, v)
	}
	rows := 0
	if meds, ok := sec.(intake.Medications); ok {
		rows = max(len(meds.List)+1, 3)
	}
	p := s.page(w, r, "", nil)
	s.drawSection(w, r, p, http.StatusOK, sc, rec, name, form, rows)
}

// drawSection renders one section's page from what the form holds: what was
// stored, or what was typed with its errors.
func (s *Server) drawSection(w http.ResponseWriter, r *http.Request, p *Page, status int, sc intakeScope, rec eligibility.Record, name string, form *Form, rows int) {
	info, _ := eligibility.SectionInfo(name)
	d := intakeSectionData{Scope: sc, Info: info, Count: len(rec.Sections), Current: name, State: rec.Section(name),
		Submitted: rec.Status == eligibility.Submitted, RowCount: rows}
	for i, st := range rec.Sections {
		d.Steps = append(d.Steps, rowFor(sc, st))
		if st.Name == name {
			d.Number = i + 1
			if i > 0 {
				d.Prev = sc.Base + "/" + rec.Sections[i-1].Name
			}
			d.Next = sc.Base + "/review"
			if i+1 < len(rec.Sections) {
				d.Next = sc.Base + "/" + rec.Sections[i+1].Name
			}
		}
	}
	errs := form.Errors
	form.Errors = map[string]string{}
	fail := func(path string) {
		if msg, ok := errs[path]; ok {
			form.Fail(path, msg)
		}
	}
	for _, q := range info.Questions {
		if strings.Contains(q.Path, "[]") {
			continue
		}
		v := questionView{Question: q, ID: fieldID(q.Path), Value: form.Values.Get(q.Path), Error: errs[q.Path]}
		fail(q.Path)
		if q.AskWhen != nil {
			v.When = askWhenWords(q.AskWhen)
			v.WhenValues = strings.Join(q.AskWhen.Answers, " ")
		}
		for _, o := range q.Options {
			v.Choices = append(v.Choices, choiceView{Value: o.Value, Label: o.Label, ID: v.ID + "-" + o.Value, Checked: v.Value == o.Value})
		}
		if q.Kind == intake.KindMedicationList {
			daily, _ := intake.QuestionFor("medications.list[].daily_dose_mg")
			v.RowHelp = daily.Help
			for i := range rows {
				row := medRowView{Number: i + 1, Remove: fmt.Sprintf("medications.list[%d].remove", i)}
				for _, f := range medFields() {
					path := fmt.Sprintf("medications.list[%d].%s", i, f.key)
					fq, _ := intake.QuestionFor(path)
					fl := form.Input(path, fq.Label, "text")
					fl.Error = errs[path]
					if fq.Kind == intake.KindNumber {
						fl = fl.Mode("decimal")
					}
					row.Fields = append(row.Fields, fl.WithHint(f.hint))
					row.HasValue = row.HasValue || strings.TrimSpace(fl.Value) != ""
					fail(path)
				}
				v.Rows = append(v.Rows, row)
			}
		}
		d.Questions = append(d.Questions, v)
	}
	for k, msg := range errs {
		form.Fail(k, msg)
	}
	p.Title = info.Title
	if sc.Staff {
		p.Title = info.Title + " · " + sc.ClientName
	}
	p.Form = form
	p.Data = d
	s.render(w, r, status, "intake_section", p)
}

// medFields are the boxes of a medication row, with the short hint each
// row shows (the question's full help is given once, above the rows).
func medFields() []struct{ key, hint string } {
	return []struct{ key, hint string }{
		{"name", ""}, {"dose", "A number, e.g. 50"}, {"unit", "e.g. mg"}, {"frequency", "e.g. twice a day"},
		{"daily_dose_mg", "Only for calming or sleeping medicines"},
	}
}

// askWhenWords says, for a page drawn without script, when a follow-up
// question applies ("If yes:").
func askWhenWords(w *intake.AskWhen) string {
	q, ok := intake.QuestionFor(w.Path)
	if !ok {
		return ""
	}
	var labels, rest []string
	for _, o := range q.Options {
		if slices.Contains(w.Answers, o.Value) {
			labels = append(labels, strings.ToLower(o.Label))
		} else {
			rest = append(rest, "\u201c"+o.Label+"\u201d")
		}
	}
	switch {
	case len(labels) == 0:
		return ""
	case len(rest) == 1 && len(labels) > 2:
		return "If you did not answer " + rest[0] + " above:"
	}
	return "If " + strings.Join(labels, " or ") + ":"
}

func (s *Server) intakeSave(w http.ResponseWriter, r *http.Request) {
	a, sc := intakeScopeFor(r)
	name := r.PathValue("section")
	if err := r.ParseForm(); err != nil {
		s.notFoundMsg(w, r, "This form could not be read.")
		return
	}
	typed := eligibility.Typed{}
	for k, v := range r.PostForm {
		if strings.HasPrefix(k, name+".") && len(v) > 0 {
			typed[k] = v[0]
		}
	}
	action := r.PostForm.Get("action")
	saved, err := s.eligibilityDoor().SaveTyped(r.Context(), a, sc.ClientID, name, typed)
	sc.ClientName = saved.Client.Name()
	res, rec := saved.Result, saved.Record
	if errors.Is(err, eligibility.ErrSubmitted) {
		s.redirect(w, r, sc.Base, "info", "Your answers were already sent to your care team, so this page can no longer be changed. "+
			"If something has changed, please tell your care team.")
		return
	}
	if s.intakeFailed(w, r, err) {
		return
	}
	rows, _ := strconv.Atoi(r.PostForm.Get("rows"))
	rows = min(max(rows, 3), 60)
	if len(res.Errors) > 0 || action == "add-row" {
		form := NewForm(r.PostForm)
		for k, msg := range res.Errors {
			form.Errors[k] = msg
		}
		status := http.StatusUnprocessableEntity
		p := s.page(w, r, "", nil)
		if len(res.Errors) == 0 {
			status, rows = http.StatusOK, rows+1
			p.Flash = &Flash{Kind: "ok", Text: "Saved. There is room for one more medicine below."}
		} else {
			p.Flash = &Flash{Kind: "warn", Text: "Some answers need another look; everything else on this page is saved."}
		}
		s.drawSection(w, r, p, status, sc, rec, name, form, rows)
		return
	}
	msg := "Saved."
	if res.Saved.Screening != nil {
		msg = "Saved. The change ran a new screening: " + outcomeWords(*res.Saved.Screening).Title
	}
	switch {
	case action == "continue":
		next := sc.Base + "/review"
		for i, st := range rec.Sections {
			if st.Name == name && i+1 < len(rec.Sections) {
				next = sc.Base + "/" + rec.Sections[i+1].Name
			}
		}
		s.redirect(w, r, next, "ok", msg)
	default:
		if !sc.Staff {
			msg += " You can come back and carry on at any time."
		}
		s.redirect(w, r, sc.Base+"/"+name, "ok", msg)
	}
}
