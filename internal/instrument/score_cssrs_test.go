package instrument

import (
	"slices"
	"strings"
	"testing"
)

const yes, no = 1, 0

// C-SSRS Screen Version - Recent triage (KAP.md §2; Posner et al. 2011;
// Columbia Lighthouse Project screener with triage points): yes to Q4, Q5
// or behaviour in the past 3 months = high; Q3, or behaviour only longer
// ago = moderate; Q1 or Q2 only = low. Moderate and high are safety events.
func TestCSSRSRiskLevels(t *testing.T) {
	tests := []struct {
		name     string
		answers  map[string]int
		risk     string
		safety   bool
		critical []string
	}{
		{"all no", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_6": no}, "none", false, nil},
		{"wish to be dead only", map[string]int{"cssrs_1": yes, "cssrs_2": no, "cssrs_6": no}, "low", false, nil},
		{"thoughts, no method, intent or plan", map[string]int{"cssrs_1": no, "cssrs_2": yes, "cssrs_3": no, "cssrs_4": no, "cssrs_5": no, "cssrs_6": no}, "low", false, nil},
		{"thoughts with method", map[string]int{"cssrs_1": yes, "cssrs_2": yes, "cssrs_3": yes, "cssrs_4": no, "cssrs_5": no, "cssrs_6": no}, "moderate", true, []string{"cssrs_3"}},
		{"some intent", map[string]int{"cssrs_1": yes, "cssrs_2": yes, "cssrs_3": no, "cssrs_4": yes, "cssrs_5": no, "cssrs_6": no}, "high", true, []string{"cssrs_4"}},
		{"plan and intent", map[string]int{"cssrs_1": yes, "cssrs_2": yes, "cssrs_3": yes, "cssrs_4": no, "cssrs_5": yes, "cssrs_6": no}, "high", true, []string{"cssrs_3", "cssrs_5"}},
		{"behaviour over 3 months ago", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_6": yes, "cssrs_6_recent": no}, "moderate", true, []string{"cssrs_6"}},
		{"behaviour in the past 3 months", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_6": yes, "cssrs_6_recent": yes}, "high", true, []string{"cssrs_6", "cssrs_6_recent"}},
		{"low ideation but recent behaviour", map[string]int{"cssrs_1": yes, "cssrs_2": no, "cssrs_6": yes, "cssrs_6_recent": yes}, "high", true, []string{"cssrs_6", "cssrs_6_recent"}},
	}
	d := mustDef(t, "cssrs-screener")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, d, tt.answers)
			if r.RiskLevel != tt.risk || r.SafetyPositive != tt.safety {
				t.Errorf("risk %q safety %v, want %q %v", r.RiskLevel, r.SafetyPositive, tt.risk, tt.safety)
			}
			if got := findingItems(r); !slices.Equal(got, tt.critical) && !(len(got) == 0 && tt.critical == nil) {
				t.Errorf("critical findings %v, want %v", got, tt.critical)
			}
			// The screener triages; it has no total or band.
			if r.HasTotal || r.Band != "" || r.Total != 0 || r.Prorated {
				t.Errorf("unexpected total fields: %+v", r)
			}
		})
	}
}

// Adaptive display (KAP.md §2; the screener's own instruction: "If YES to 2,
// ask questions 3, 4, 5 and 6. If NO to 2, go directly to question 6."):
// answers to questions that were not due are refused, and questions that
// were due must be answered.
func TestCSSRSAdaptiveQuestions(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]int
		flagged []string
		contain string
	}{
		{"Q3 answered after no to Q2", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_3": no, "cssrs_6": no}, []string{"cssrs_3"}, "not asked"},
		{"Q3-5 answered after no to Q2", map[string]int{"cssrs_1": yes, "cssrs_2": no, "cssrs_3": yes, "cssrs_4": no, "cssrs_5": no, "cssrs_6": no}, []string{"cssrs_3", "cssrs_4", "cssrs_5"}, `cssrs_2 is answered "Yes"`},
		{"Q3-5 answered with Q2 unanswered", map[string]int{"cssrs_1": no, "cssrs_3": no, "cssrs_4": no, "cssrs_5": no, "cssrs_6": no}, []string{"cssrs_3", "cssrs_4", "cssrs_5"}, "not asked"},
		{"past-3-months answered after no to Q6", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_6": no, "cssrs_6_recent": no}, []string{"cssrs_6_recent"}, "not asked"},
		{"Q4 unanswered after yes to Q2", map[string]int{"cssrs_1": no, "cssrs_2": yes, "cssrs_3": no, "cssrs_5": no, "cssrs_6": no}, []string{"cssrs_4"}, "missing"},
		{"past-3-months unanswered after yes to Q6", map[string]int{"cssrs_1": no, "cssrs_2": no, "cssrs_6": yes}, []string{"cssrs_6_recent"}, "missing"},
		{"Q2 unanswered", map[string]int{"cssrs_1": no, "cssrs_6": no}, []string{"cssrs_2"}, "missing"},
		{"Q6 unanswered", map[string]int{"cssrs_1": no, "cssrs_2": no}, []string{"cssrs_6"}, "missing"},
		{"nothing answered", map[string]int{}, []string{"cssrs_1", "cssrs_2", "cssrs_6"}, "missing"},
		{"not a yes/no answer", map[string]int{"cssrs_1": 2, "cssrs_2": no, "cssrs_6": no}, []string{"cssrs_1"}, "0 (No), 1 (Yes)"},
	}
	d := mustDef(t, "cssrs-screener")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae, ids := answerErr(t, d, tt.answers)
			if !slices.Equal(ids, tt.flagged) {
				t.Errorf("flagged %v, want %v", ids, tt.flagged)
			}
			if !strings.Contains(ae.Items[tt.flagged[0]], tt.contain) {
				t.Errorf("message %q does not mention %q", ae.Items[tt.flagged[0]], tt.contain)
			}
		})
	}
}
