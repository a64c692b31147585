package dosing

import (
	"fmt"
	"strings"
	"time"
)

// HoldThreshold is the blood pressure at which dosing is held before it starts (KAP.md §1 Vitals,
// pre-dose hold). AtOrAbove says whether the numbers themselves hold (>=) or only values above
// them (>): the default and the Swiss label are written differently.
type HoldThreshold struct {
	SystolicMmHg  int  `json:"systolic_mmhg"`
	DiastolicMmHg int  `json:"diastolic_mmhg"`
	AtOrAbove     bool `json:"at_or_above"`
}

// DefaultHoldThreshold holds at systolic >= 180 or diastolic >= 100 mmHg: the at-rest figure of
// KAP.md §1 Vitals (label text contraindicates use above 180/100 mmHg at rest), the same figure
// and the same comparison as the screening rule abs-severe-hypertension (gte 180 / gte 100), so a
// resting pressure that blocks a course also holds a dose. Holding at the numbers themselves errs
// one mmHg toward caution. The treatment-emergent >180/>110 belongs to the in-session alarm
// (DefaultAlarm), not here. A practice setting.
func DefaultHoldThreshold() HoldThreshold {
	return HoldThreshold{SystolicMmHg: 180, DiastolicMmHg: 100, AtOrAbove: true}
}

// SwissLabelHoldThreshold is the alternative a practice may choose: the Swiss label's
// contraindication above 180/100 mmHg at rest (KAP.md §1 Vitals).
func SwissLabelHoldThreshold() HoldThreshold {
	return HoldThreshold{SystolicMmHg: 180, DiastolicMmHg: 100, AtOrAbove: false}
}

func (t HoldThreshold) breaks(v, limit int) bool {
	if t.AtOrAbove {
		return v >= limit
	}
	return v > limit
}

func (t HoldThreshold) words() string {
	if t.AtOrAbove {
		return "at or above"
	}
	return "above"
}

// PreDoseHold says whether a pre-dose reading holds dosing, and why, in a sentence for the
// screen. A reading without both blood pressure numbers holds too: the rule cannot be checked.
func PreDoseHold(r Reading, t HoldThreshold) (bool, string) {
	return preDoseHold(r, t, "the practice's pre-dose hold")
}

// ClientPreDoseHold is PreDoseHold under the hold that applies to this client: the stricter of
// the practice's and the prescriber's per-client hold (StricterHold).
func ClientPreDoseHold(r Reading, practice HoldThreshold, client *HoldThreshold) (bool, string) {
	t, whose := StricterHold(practice, client)
	return preDoseHold(r, t, whose)
}

// StricterHold is the pre-dose hold for a client: per number, whichever of the practice's hold
// and the prescriber's per-client hold (nil when none) holds at the lower blood pressure (KAP.md
// §1 Vitals: "a prescriber's stricter per-client threshold wins"). whose names it for the
// screen. Every place that asks whether a reading holds goes through here, so a change of the
// practice's figure and the prescriber's own both reach the room.
func StricterHold(practice HoldThreshold, client *HoldThreshold) (t HoldThreshold, whose string) {
	if client == nil || client.SystolicMmHg <= 0 || client.DiastolicMmHg <= 0 {
		return practice, "the practice's pre-dose hold"
	}
	c := *client
	if practice.AtOrAbove != c.AtOrAbove {
		// "above 180" holds from 181: put both in at-or-above terms to compare them.
		practice, c = practice.atOrAbove(), c.atOrAbove()
	}
	t = practice
	sysClient, diaClient := c.SystolicMmHg < practice.SystolicMmHg, c.DiastolicMmHg < practice.DiastolicMmHg
	if sysClient {
		t.SystolicMmHg = c.SystolicMmHg
	}
	if diaClient {
		t.DiastolicMmHg = c.DiastolicMmHg
	}
	switch {
	case sysClient && diaClient:
		return t, "the prescriber's hold for this client"
	case sysClient || diaClient:
		return t, "the prescriber's hold for this client where stricter, else the practice's"
	}
	return t, "the practice's pre-dose hold (no stricter than the prescriber's for this client)"
}

func (t HoldThreshold) atOrAbove() HoldThreshold {
	if t.AtOrAbove {
		return t
	}
	return HoldThreshold{SystolicMmHg: t.SystolicMmHg + 1, DiastolicMmHg: t.DiastolicMmHg + 1, AtOrAbove: true}
}

func preDoseHold(r Reading, t HoldThreshold, whose string) (bool, string) {
	sys, okS := r.Value(MeasureSystolic)
	dia, okD := r.Value(MeasureDiastolic)
	if !okS || !okD {
		return true, "Hold: no full blood pressure (systolic and diastolic) is recorded before the dose; take a reading."
	}
	var broke []string
	if t.breaks(sys, t.SystolicMmHg) {
		broke = append(broke, fmt.Sprintf("systolic %d is %s %d mmHg", sys, t.words(), t.SystolicMmHg))
	}
	if t.breaks(dia, t.DiastolicMmHg) {
		broke = append(broke, fmt.Sprintf("diastolic %d is %s %d mmHg", dia, t.words(), t.DiastolicMmHg))
	}
	if len(broke) > 0 {
		return true, fmt.Sprintf("Hold: blood pressure %d/%d mmHg at %s; %s, %s. Dosing waits for a lower reading or a prescriber's override with a reason.",
			sys, dia, clock(r.At), strings.Join(broke, " and "), whose)
	}
	return false, fmt.Sprintf("Blood pressure %d/%d mmHg at %s is below %s (%s %d/%d mmHg).",
		sys, dia, clock(r.At), whose, t.words(), t.SystolicMmHg, t.DiastolicMmHg)
}

// Override records a prescriber's decision to dose despite a hold.
type Override struct {
	By     string    `json:"by"`
	Role   Role      `json:"role"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// OverrideHold makes an override, refusing it unless a named prescriber gives a reason
// (KAP.md §1: "let only a prescriber override a hold, with a reason").
func OverrideHold(by string, role Role, reason string, at time.Time) (Override, []Refusal) {
	o := Override{By: strings.TrimSpace(by), Role: role, Reason: strings.TrimSpace(reason), At: at}
	if probs := o.Check(); len(probs) > 0 {
		return Override{}, probs
	}
	return o, nil
}

// Check names what makes an override invalid.
func (o Override) Check() []Refusal {
	var out []Refusal
	if o.Role != RolePrescriber {
		who := string(o.Role)
		if who == "" {
			who = "someone without a role"
		}
		out = append(out, refuse(RuleOverrideRole, "Only a prescriber can override a pre-dose hold; the override was asked for by a %s.", who))
	}
	if strings.TrimSpace(o.By) == "" {
		out = append(out, refuse(RuleOverrideActor, "An override must name the prescriber who makes it."))
	}
	if strings.TrimSpace(o.Reason) == "" {
		out = append(out, refuse(RuleOverrideReason, "An override needs a reason: write why dosing goes ahead despite the hold."))
	}
	return out
}
