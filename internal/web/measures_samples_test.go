package web

import (
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
)

func init() {
	cat, err := instrument.Load()
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	phq, _ := cat.Get("phq9")
	cssrs, _ := cat.Get("cssrs-screener")
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera"}
	res := instrument.Result{Code: "phq9", Version: "1", HasTotal: true, Total: 14, Max: 27, Band: "Moderate",
		Critical: []instrument.Finding{{Item: "phq9_9", Value: 1, Label: "Several days", Message: "Item 9 above 0."}}}
	draft := &measure.Response{ID: "r1", ClientID: "c1", Slot: measure.Slot{CourseID: "k1", Instrument: "cssrs-screener", Occasion: "baseline"},
		Status: measure.StatusDraft, Answers: map[string]int{"cssrs_1": 1, "cssrs_2": 1}, FilledBy: measure.FilledByClient, CreatedAt: at, UpdatedAt: at}
	done := &measure.Response{ID: "r2", ClientID: "c1", Slot: measure.Slot{CourseID: "k1", Instrument: "phq9", Occasion: "pre_session:2"},
		Status: measure.StatusSubmitted, Answers: map[string]int{"phq9_1": 2, "phq9_9": 1}, FilledBy: measure.FilledByStaff, StaffName: "Sam Okafor",
		Result: &res, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at, Supersedes: "r0", CorrectionReason: "Wrong answer to question 1."}
	due := measure.Due{CourseID: "k1", Due: safety.Due{Instrument: "phq9", Occasion: "pre_session:3", Session: 3, DueDate: "2026-11-23", DueBy: at, WindowOpens: at, WindowCloses: at},
		Status: safety.StatusDue, Label: "Before medicine session 3", Response: done}
	k := course.Course{ID: "k1", ClientID: "c1", IndicationCode: "F33.1", Route: dosing.RouteIV, Course: dosing.Course{Status: dosing.CourseActive}}
	history := []measure.Response{*done, {ID: "r3", Slot: measure.Slot{Instrument: "phq9"}, Status: measure.StatusSubmitted, SubmittedAt: &at,
		Result: &instrument.Result{Code: "phq9", HasTotal: true, Total: 7, Max: 27}}}
	history[0].SupersededBy = ""
	charts := msrCharts(cat, history, []time.Time{at.Add(-48 * time.Hour)}, time.UTC)
	grid := msrGrid(cat, safety.DefaultSchedule(time.UTC).Instruments)
	rate := &measure.Rate{Num: 2, Den: 3}
	addSamples(map[string]any{
		"measures_portal": portalMeasuresPage{Due: []portalDue{{Due: due, Name: "Patient Health Questionnaire-9"}},
			Drafts: []portalDone{{Response: draft, Name: "C-SSRS", Occasion: "Baseline"}},
			Done:   []portalDone{{Response: done, Name: "PHQ-9", Occasion: "Before medicine session 2", Words: "Your total was 14 out of 27."}}, SeeScores: true, Charts: charts},
		"measures_portal_fill": portalFillPage{Form: buildForm(cssrs, draft, "/portal/measures/r1", map[string]string{"cssrs_6": "Please choose an answer to question 6."}), Review: true},
		"measures_portal_done": portalDonePage{Name: "PHQ-9", Occasion: "Baseline", Words: "Your total was 14 out of 27.", Alerted: true,
			Crisis: crisisBlocks(safety.USCrisisResources(), "Stillwater"), Emergency: "911"},
		"measures_client": clientMeasuresPage{Nav: chartNav{Client: client}, Courses: []msrCourse{{Course: k, Items: []msrDue{{Due: due, Name: "PHQ-9", Value: "k1|pre_session:3|phq9"}}}},
			Responses: []msrResponse{{Response: done, Name: "PHQ-9", Occasion: "Before medicine session 2", Critical: res.Critical}, {Response: draft, Name: "C-SSRS", Occasion: "Baseline"}},
			Charts:    charts, CanUpdate: true, Instruments: []Option{{Value: "phq9", Label: "PHQ-9"}}, Open: []msrDue{{Due: due, Name: "PHQ-9"}}, Grid: grid, Overridden: true},
		"measures_response": staffMeasurePage{Nav: chartNav{Client: client}, Form: buildForm(phq, done, "/clients/c1/measures/r2", nil),
			Response: msrResponse{Response: done, Name: "PHQ-9", Occasion: "Before medicine session 2", Critical: res.Critical}, Alerted: true},
		"measures_settings": measureSettingsPage{Grid: grid, FollowUps: []int{1, 2}},
		"measures_outcomes": outcomesPage{Outcomes: measure.Outcomes{Started: 4, Completed: 3, Stopped: 1, Completion: measure.Rate{Num: 3, Den: 4},
			Stops: []measure.Stop{{AfterSessions: 2, Courses: 1, Reasons: []string{"Side effects"}}},
			Rows:  []measure.OutcomeRow{{Group: "All courses", ShortName: "PHQ-9", Label: "End of course", N: 3, Response: rate, Remission: rate}}}},
	})
}
