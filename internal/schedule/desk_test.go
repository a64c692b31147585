package schedule

import (
	"errors"
	"strings"
	"testing"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
)

// TestTheFrontDeskIsToldWhatSchedulingNeeds: the gate's refusals stay
// refusals for the front desk; its scheduling facts keep their words, and
// what carries the chart (a dose and weight, a prescriber's stop reason,
// an open safety alert) does not reach them (45 CFR 164.514(d)).
func TestTheFrontDeskIsToldWhatSchedulingNeeds(t *testing.T) {
	in := clinic.Problems{
		{Field: "start", Message: "Thu 5 Mar 10:00–12:00 is outside working hours."},
		{Field: "gate.0.preparation_session", Message: "No preparation session is recorded. Who can complete it: therapist."},
		{Field: "gate.0.dose_above_limit", Message: "The planned dose of 0.9 mg/kg (63 mg at 70 kg) is above the prescriber's limit of 0.75 mg/kg."},
		{Field: "gate.0.weight_stale", Message: "The weight on file (70 kg) is from 2025-01-02."},
		{Field: "gate.0.course_not_active", Message: "The course was stopped on 2 Mar 2026 (worsening suicidal thoughts); a new course is needed for another medicine session."},
	}
	var got clinic.Problems
	if !errors.As(deskProblems(in), &got) {
		t.Fatal("the refusal is no longer the form's problems")
	}
	if len(got) != 4 {
		t.Fatalf("%d problems; want 4 (the dose and weight said once): %v", len(got), got)
	}
	if got[0] != in[0] || got[1] != in[1] {
		t.Errorf("scheduling facts were reworded: %v", got[:2])
	}
	for _, p := range got {
		for _, clinical := range []string{"mg", "kg", "suicidal", "worsening"} {
			if strings.Contains(p.Message, clinical) {
				t.Errorf("%s tells the front desk %q: %s", p.Field, clinical, p.Message)
			}
		}
	}
	if !strings.Contains(got[3].Message, "The course was stopped") {
		t.Errorf("the stopped course is not said: %s", got[3].Message)
	}
	ws := deskWarnings([]dosing.Warning{
		{Rule: dosing.RuleOpenSafetyAlert, Message: "A high safety alert raised Mon 2 Mar is open."},
		{Rule: dosing.RuleWeightStale, Message: "The weight on file (70 kg) is old."},
		{Rule: dosing.RuleOutsideCourseWindow, Message: "The session is after the 30-day course window."},
	})
	if len(ws) != 1 || ws[0].Rule != dosing.RuleOutsideCourseWindow {
		t.Errorf("warnings for the front desk: %v; want only the course window", ws)
	}
	opts := []CourseOption{{Label: "Alex Rivera: course for F33.1, 6 sessions"}, {Label: "Alex Rivera: completed course for F33.1, touch-ups"}}
	deskCourses(opts)
	if opts[0].Label != "Alex Rivera: course, 6 sessions" || opts[1].Label != "Alex Rivera: completed course, touch-ups" {
		t.Errorf("course choices for the front desk: %q, %q", opts[0].Label, opts[1].Label)
	}
}
