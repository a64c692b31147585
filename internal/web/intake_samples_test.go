package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
)

func init() { addSamples(intakeSamples()) }

// intakeSamples gives the intake and screening pages data with every
// optional part present.
func intakeSamples() map[string]any {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	staff := intakeScope{Staff: true, ClientID: "c1", ClientName: "Alex Rivera", Base: "/clients/c1/intake"}
	portal := intakeScope{ClientID: "c1", Base: "/portal/intake"}
	by := &eligibility.By{Kind: "client", ID: "c1", Name: "Alex Rivera"}
	rec := eligibility.Record{ID: "i1", ClientID: "c1", Status: eligibility.Submitted, SubmittedAt: &at, SubmittedBy: by,
		Missing: []string{"medical.pregnancy"}}
	var rows []intakeRow
	for i, info := range intake.Sections() {
		st := eligibility.SectionState{Name: info.Name, Title: info.Title}
		if i < 2 {
			st.SavedAt, st.SavedBy, st.Revision = &at, by, 1
		}
		if i == 1 {
			st.Missing = []string{"psychiatric.mania_history"}
		}
		rec.Sections = append(rec.Sections, st)
		rows = append(rows, rowFor(staff, st))
	}
	info, _ := eligibility.SectionInfo(intake.SectionMedications)
	form := NewForm(nil)
	meds := questionView{Question: info.Questions[1], ID: "f-medications-list", Error: "Please remove them or change your answer above.",
		When: "If yes or not sure:", WhenValues: "yes not_sure", RowHelp: "Add up the doses.",
		Rows: []medRowView{{Number: 1, Remove: "medications.list[0].remove", HasValue: true, Fields: []Field{
			form.Input("medications.list[0].name", "Name", "text"), form.Input("medications.list[0].dose", "Dose", "text").Mode("decimal")}}}}
	yes := questionView{Question: info.Questions[0], ID: "f-medications-takes_medications", Value: "yes", Error: "Please choose Yes, No or Not sure.",
		Choices: []choiceView{{Value: "yes", Label: "Yes", ID: "f-x-yes", Checked: true}, {Value: "no", Label: "No", ID: "f-x-no"}}}
	freq := questionView{Question: intake.Question{Path: "substances.alcohol", Label: "How often do you drink alcohol?", Kind: intake.KindFrequency, Required: true},
		ID: "f-substances-alcohol", Value: "weekly", Choices: []choiceView{{Value: "weekly", Label: "Now, about weekly", Checked: true}}}
	text := questionView{Question: intake.Question{Path: "psychiatric.suicide_attempt_when", Label: "When?", Kind: intake.KindShortText, MaxLength: 200,
		AskWhen: &intake.AskWhen{Path: "psychiatric.suicide_attempt", Answers: []string{"yes"}}}, ID: "f-w", Value: "2019", When: "If yes:", WhenValues: "yes"}
	long := questionView{Question: info.Questions[len(info.Questions)-1], ID: "f-medications-notes", Value: "stopped in May"}
	section := intakeSectionData{Scope: staff, Info: info, Number: 4, Count: 6, Steps: rows, Current: intake.SectionMedications,
		Questions: []questionView{yes, meds, freq, text, long}, Prev: "/clients/c1/intake/substances", Next: "/clients/c1/intake/experience",
		RowCount: 3, State: rec.Sections[3], Submitted: true}
	dose := 1.0
	review := intakeReviewData{Scope: portal, Record: rec, Refused: true,
		Missing: []reviewItem{{Label: "Are you pregnant?", Href: "/portal/intake/medical#f-medical-pregnancy", Missing: true}},
		Sections: []reviewSection{{SectionState: rec.Sections[0], Href: "/portal/intake/medical", DiazepamEq: "20 mg/day",
			Items: []reviewItem{{Label: "Stroke?", Answer: "No"}, {Label: "Pregnant?", Missing: true, Empty: true}, {Label: "Other?", Empty: true}},
			Meds:  []reviewMed{{Medication: intake.Medication{Name: "Xanax", Dose: 0.5, DailyDoseMg: &dose}, DoseText: "0.5 mg", DailyText: "1 mg", Class: "benzodiazepine"}}}}}
	staffReview := review
	staffReview.Scope, staffReview.Refused, staffReview.Submitted = staff, false, true
	portalOverview := intakeOverviewData{Scope: portal, Record: rec, Rows: rows, Resume: "/portal/intake/psychiatric", Done: 1, Started: true}
	return map[string]any{
		"intake_overview": intakeOverviewData{Scope: staff, Record: rec, Rows: rows, Resume: "/clients/c1/intake/psychiatric", Done: 1,
			Started: true, Submitted: true, SubmittedAt: at},
		"intake_section":   section,
		"intake_review":    review,
		"intake_screening": screeningSample(at),
		// Not page names: further states of the same pages, drawn by the test below.
		"-portal-overview": portalOverview,
		"-staff-review":    staffReview,
	}
}

func screeningSample(at time.Time) screeningPageData {
	rules, _ := screening.Load()
	f := screening.Facts{screening.FactAneurysmAVM: screening.Bool(true), screening.FactManiaHistory: screening.Bool(true),
		screening.FactBenzodiazepine: screening.Bool(true), screening.FactSuicidalThoughtsCurrent: screening.Bool(true),
		screening.FactBPSystolic: screening.Number(190), screening.FactBPDiastolic: screening.Number(95)}
	res, _ := screening.Evaluate(rules, f, nil, at)
	sc := eligibility.Screening{ID: "s1", ClientID: "c1", Screening: res, Trigger: "changed", TriggerNote: "Your medicines changed after submission",
		RunBy: eligibility.By{Kind: "staff", Name: "Sam Okafor"},
		Acknowledgements: []eligibility.Acknowledgement{{ID: "a1", Acknowledgement: screening.Acknowledgement{RuleID: "rel-mania-bipolar",
			PrescriberID: "p1", Reason: "Euthymic six years.", At: at}, PrescriberName: "Dr. Priya Raman", CarriedFrom: "a0"}}}
	d := screeningPageData{Client: clinic.Client{ID: "c1", LegalName: "Alex Rivera"}, Current: &sc, Newest: true, Outcome: outcomeWords(sc),
		History: []eligibility.Screening{sc, sc}, Rows: []historyRow{{sc, outcomeWords(sc)}, {sc, outcomeWords(sc)}}, CanAcknowledge: true, Intake: eligibility.Record{Status: eligibility.Submitted},
		Unanswered: []string{"glaucoma"}, UnansweredTodo: []string{"Answer needed"},
		Vitals: []eligibility.Vitals{{Systolic: 190, Diastolic: 95, TakenAt: at, RecordedBy: eligibility.By{Name: "Jordan Lee"}}}}
	for _, fd := range res.Findings {
		d.file(findingView{Finding: fd, Facts: []factView{{Name: "x", Description: "stroke", Value: "yes"}}})
	}
	form := NewForm(nil)
	d.BP = []Field{form.Input("bp_systolic", "Systolic", "text")}
	return d
}

// The further states draw too, and the section page keeps what was typed.
func TestIntakePagesDrawEveryState(t *testing.T) {
	tmpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	samples := intakeSamples()
	draw := func(page string, data any, form *Form) string {
		t.Helper()
		if form == nil {
			form = NewForm(nil)
		}
		rec := httptest.NewRecorder()
		p := &Page{Title: page, Zone: time.UTC, Form: form, Data: data}
		if err := tmpl.Render(rec, 200, page, p); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if strings.Contains(rec.Body.String(), "ZgotmplZ") {
			t.Errorf("%s: an unsafe value was refused", page)
		}
		return rec.Body.String()
	}
	draw("intake_overview", samples["-portal-overview"], nil)
	draw("intake_review", samples["-staff-review"], nil)
	form := NewForm(nil)
	form.Fail("reason", "Write why.")
	form.Set("rule_id", "cau-suicidal-thoughts-current")
	form.Set("reason", "typed reason")
	body := draw("intake_screening", samples["intake_screening"], form)
	for _, want := range []string{"typed reason", `id="f-reason"`, "blocks a course", "Needs clinical attention", "carried forward", "prescribing information"} {
		if !strings.Contains(body, want) {
			t.Errorf("the screening page lacks %q", want)
		}
	}
	body = draw("intake_section", samples["intake_section"], nil)
	for _, want := range []string{`data-ask-path="medications.takes_medications"`, `value="add-row"`, `/static/intake.js`, "If yes or not sure:",
		`name="medications.list[0].remove"`, `<option value="weekly" selected>`, "(optional)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the section page lacks %s", want)
		}
	}
}
