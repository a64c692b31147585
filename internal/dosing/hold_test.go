package dosing

import (
	"strings"
	"testing"
)

func bp(sys, dia int) Reading {
	return Reading{At: day0, Systolic: Measured(sys), Diastolic: Measured(dia)}
}

func TestPreDoseHold(t *testing.T) {
	// KAP.md §1 Vitals, pre-dose hold: a common treatment-emergent threshold is SBP >180 or
	// DBP >110; the Swiss label contraindicates use above 180/100 mmHg at rest. Consensus
	// numbers are [verify], so the threshold is a practice setting (default at or above
	// 180/100, the at-rest figure screening uses).
	def, swiss := DefaultHoldThreshold(), SwissLabelHoldThreshold()
	tests := []struct {
		name   string
		r      Reading
		t      HoldThreshold
		held   bool
		saying string
	}{
		{"default: both one under", bp(179, 99), def, false, "below the practice's pre-dose hold (at or above 180/100 mmHg)"},
		{"default: systolic at the threshold", bp(180, 99), def, true, "systolic 180 is at or above 180 mmHg"},
		{"default: diastolic at the threshold", bp(179, 100), def, true, "diastolic 100 is at or above 100 mmHg"},
		{"default: resting 179/105 holds, as screening blocks it", bp(179, 105), def, true, "diastolic 105 is at or above 100 mmHg"},
		{"default: both over", bp(181, 101), def, true, "systolic 181 is at or above 180 mmHg and diastolic 101 is at or above 100 mmHg"},
		{"Swiss label: 180/100 exactly is not above", bp(180, 100), swiss, false, ""},
		{"Swiss label: systolic one over", bp(181, 100), swiss, true, "systolic 181 is above 180 mmHg"},
		{"Swiss label: diastolic one over", bp(180, 101), swiss, true, "diastolic 101 is above 100 mmHg"},
		{"no reading at all", Reading{At: day0}, def, true, "no full blood pressure"},
		{"systolic only", Reading{At: day0, Systolic: Measured(120)}, def, true, "no full blood pressure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held, reason := PreDoseHold(tt.r, tt.t)
			if held != tt.held {
				t.Errorf("held = %v (%s), want %v", held, reason, tt.held)
			}
			if !strings.Contains(reason, tt.saying) || reason == "" {
				t.Errorf("reason %q lacks %q", reason, tt.saying)
			}
		})
	}
}

func TestOverrideHold(t *testing.T) {
	// KAP.md §1 Vitals: "let only a prescriber override a hold, with a reason".
	tests := []struct {
		name   string
		by     string
		role   Role
		reason string
		want   []Rule
	}{
		{"prescriber with a reason", "Dr Ana Reyes", RolePrescriber, "Known white-coat hypertension; repeat 172/98 after rest", nil},
		{"therapist refused", "Sam Lee", RoleTherapist, "client is calm", []Rule{RuleOverrideRole}},
		{"admin refused", "Front desk", RoleAdmin, "running late", []Rule{RuleOverrideRole}},
		{"client refused", "client", RoleClient, "I feel fine", []Rule{RuleOverrideRole}},
		{"prescriber without a reason", "Dr Ana Reyes", RolePrescriber, "", []Rule{RuleOverrideReason}},
		{"prescriber with a blank reason", "Dr Ana Reyes", RolePrescriber, "  \t ", []Rule{RuleOverrideReason}},
		{"unnamed prescriber", "", RolePrescriber, "reason", []Rule{RuleOverrideActor}},
		{"no role, no name, no reason", "", "", "", []Rule{RuleOverrideRole, RuleOverrideActor, RuleOverrideReason}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, probs := OverrideHold(tt.by, tt.role, tt.reason, day0)
			wantRules(t, probs, tt.want...)
			if len(tt.want) == 0 && (o.Role != RolePrescriber || o.Reason == "") {
				t.Errorf("override not recorded: %+v", o)
			}
			if len(tt.want) > 0 && o != (Override{}) {
				t.Errorf("refused override still returned %+v", o)
			}
		})
	}
	_, probs := OverrideHold("Sam Lee", RoleTherapist, "x", day0)
	wantMessages(t, probs, "Only a prescriber can override a pre-dose hold; the override was asked for by a therapist.")
}
