package dosing

import (
	"strings"
	"time"
)

// PregnancyStatus is what the client reports on the day.
type PregnancyStatus string

// Pregnancy statuses; empty means not asked.
const (
	PregnancyNotAsked    PregnancyStatus = ""
	PregnancyNotPregnant PregnancyStatus = "not_pregnant"
	PregnancyPregnant    PregnancyStatus = "pregnant"
	PregnancyUnsure      PregnancyStatus = "unsure"
)

// PreDoseChecklist is what the team confirms with the client before the first dose of a session.
// Zero times mean "not recorded".
type PreDoseChecklist struct {
	IdentityConfirmed bool      `json:"identity_confirmed"`
	LastFoodAt        time.Time `json:"last_food_at,omitzero"`
	LastLiquidAt      time.Time `json:"last_liquid_at,omitzero"`
	// EscortPresent: the escort is here; EscortConfirmed: reached and will collect the client.
	EscortPresent         bool   `json:"escort_present"`
	EscortConfirmed       bool   `json:"escort_confirmed"`
	EscortName            string `json:"escort_name,omitempty"`
	EscortPhone           string `json:"escort_phone,omitempty"`
	NoDrivingAcknowledged bool   `json:"no_driving_acknowledged"`
	// SubstancesAsked: the client was asked about alcohol and benzodiazepines; the times are
	// the last use they report, zero for none in the window.
	SubstancesAsked      bool      `json:"substances_asked"`
	LastAlcoholAt        time.Time `json:"last_alcohol_at,omitzero"`
	LastBenzodiazepineAt time.Time `json:"last_benzodiazepine_at,omitzero"`
	Intention            string    `json:"intention,omitempty"`
	// HeldSubstancesConfirmed names each substance the prescriber holds before a session
	// (ClientConditions.HeldSubstances) that the client confirms not taking in its window.
	HeldSubstancesConfirmed []string `json:"held_substances_confirmed,omitempty"`
	// PregnancyRelevant is set by the practice for clients who could be pregnant.
	PregnancyRelevant             bool            `json:"pregnancy_relevant"`
	Pregnancy                     PregnancyStatus `json:"pregnancy,omitempty"`
	PregnancyReviewedByPrescriber bool            `json:"pregnancy_reviewed_by_prescriber"`
}

// CheckChecklist names each gap in the pre-dose checklist at now. Fasting follows the practice
// setting (default per the Spravato label, KAP.md §1 Fasting).
func CheckChecklist(c PreDoseChecklist, s ChecklistSettings, now time.Time) []Refusal {
	var out []Refusal
	if !c.IdentityConfirmed {
		out = append(out, refuse(RuleIdentity, "Confirm the client's identity."))
	}
	out = append(out, fasting(RuleFastingFood, "ate", "food", c.LastFoodAt, minutes(s.FoodFastMinutes), now)...)
	out = append(out, fasting(RuleFastingLiquid, "drank", "liquid", c.LastLiquidAt, minutes(s.LiquidFastMinutes), now)...)

	if !c.EscortPresent && !c.EscortConfirmed {
		out = append(out, refuse(RuleEscort, "An escort must be present or confirmed to take the client home."))
	}
	if strings.TrimSpace(c.EscortName) == "" {
		out = append(out, refuse(RuleEscort, "Record the escort's name."))
	}
	if strings.TrimSpace(c.EscortPhone) == "" {
		out = append(out, refuse(RuleEscort, "Record the escort's phone number."))
	}
	if !c.NoDrivingAcknowledged {
		out = append(out, refuse(RuleNoDriving, "The client must acknowledge no driving or machinery until the next day after sleep."))
	}

	if s.SubstanceFreeHours > 0 {
		window := time.Duration(s.SubstanceFreeHours) * time.Hour
		if !c.SubstancesAsked {
			out = append(out, refuse(RuleAlcoholBenzo, "Ask about alcohol and benzodiazepines in the last %d h and record the answer.", s.SubstanceFreeHours))
		} else {
			for _, u := range []struct {
				what string
				at   time.Time
			}{{"Alcohol", c.LastAlcoholAt}, {"A benzodiazepine", c.LastBenzodiazepineAt}} {
				if u.at.IsZero() || now.Sub(u.at) >= window {
					continue
				}
				out = append(out, refuse(RuleAlcoholBenzo, "%s was taken at %s, %s before now; the practice asks for none within %d h before dosing (from %s).",
					u.what, when(u.at), span(now.Sub(u.at)), s.SubstanceFreeHours, when(u.at.Add(window))))
			}
		}
	}

	if strings.TrimSpace(c.Intention) == "" {
		out = append(out, refuse(RuleIntention, "Record the client's intention for today."))
	}
	if c.PregnancyRelevant {
		switch c.Pregnancy {
		case PregnancyNotPregnant:
		case PregnancyPregnant, PregnancyUnsure:
			if !c.PregnancyReviewedByPrescriber {
				// KAP.md §1 contraindications: pregnancy is a relative contraindication (Spravato
				// label), so the prescriber decides.
				out = append(out, refuse(RulePregnancy, "The client reports pregnancy status %q; a prescriber must review before dosing.", strings.ReplaceAll(string(c.Pregnancy), "_", " ")))
			}
		default:
			out = append(out, refuse(RulePregnancy, "Ask and record the client's pregnancy status."))
		}
	}
	return out
}

func fasting(rule Rule, verb, what string, last time.Time, need time.Duration, now time.Time) []Refusal {
	if need <= 0 {
		return nil
	}
	if last.IsZero() {
		return []Refusal{refuse(rule, "Record when the client last %s; the practice asks for %s without %s before dosing.", verb, span(need), what)}
	}
	if last.After(now) {
		return []Refusal{refuse(rule, "The time the client last %s (%s) is later than now; correct it.", verb, when(last))}
	}
	if gap := now.Sub(last); gap < need {
		return []Refusal{refuse(rule, "The client last %s at %s, %s ago; the practice asks for %s without %s before dosing (from %s).",
			verb, clock(last), span(gap), span(need), what, clock(last.Add(need)))}
	}
	return nil
}
