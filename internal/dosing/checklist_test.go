package dosing

import (
	"testing"
	"time"
)

func completeChecklist(now time.Time) PreDoseChecklist {
	return PreDoseChecklist{
		IdentityConfirmed: true,
		LastFoodAt:        now.Add(-3 * hour),
		LastLiquidAt:      now.Add(-1 * hour),
		EscortPresent:     true, EscortName: "Jo Park", EscortPhone: "+1 555 0100",
		NoDrivingAcknowledged: true,
		SubstancesAsked:       true,
		Intention:             "Be gentle with the grief that comes up",
	}
}

func TestCheckChecklist(t *testing.T) {
	// KAP.md §1 Fasting: Spravato label, no food for 2 h and no liquid for 30 min before dosing
	// (other routes [verify]: practice setting). §1 Discharge: no driving until the next day
	// after sleep, transport arranged (Spravato label). §1 interactions: benzodiazepines
	// (Andrade 2017) and alcohol (Spravato label), window a practice setting (24 h). §1
	// contraindications: pregnancy is relative (Spravato label), so a prescriber reviews.
	now := at(0)
	s := DefaultSettings().Checklist
	with := func(change func(*PreDoseChecklist)) PreDoseChecklist {
		c := completeChecklist(now)
		change(&c)
		return c
	}
	tests := []struct {
		name string
		c    PreDoseChecklist
		want []Rule
		says []string
	}{
		{"complete", completeChecklist(now), nil, nil},
		{"identity", with(func(c *PreDoseChecklist) { c.IdentityConfirmed = false }), []Rule{RuleIdentity}, nil},
		{"food exactly 2 h ago", with(func(c *PreDoseChecklist) { c.LastFoodAt = now.Add(-2 * hour) }), nil, nil},
		{"food 1 h 59 min ago", with(func(c *PreDoseChecklist) { c.LastFoodAt = now.Add(-2*hour + min) }), []Rule{RuleFastingFood},
			[]string{"The client last ate at 07:01, 1 h 59 min ago; the practice asks for 2 h without food before dosing (from 09:01)."}},
		{"food not recorded", with(func(c *PreDoseChecklist) { c.LastFoodAt = time.Time{} }), []Rule{RuleFastingFood}, []string{"Record when the client last ate"}},
		{"food in the future", with(func(c *PreDoseChecklist) { c.LastFoodAt = now.Add(hour) }), []Rule{RuleFastingFood}, []string{"later than now"}},
		{"liquid exactly 30 min ago", with(func(c *PreDoseChecklist) { c.LastLiquidAt = now.Add(-30 * min) }), nil, nil},
		{"liquid 29 min ago", with(func(c *PreDoseChecklist) { c.LastLiquidAt = now.Add(-29 * min) }), []Rule{RuleFastingLiquid},
			[]string{"last drank at 08:31, 29 min ago; the practice asks for 30 min without liquid"}},
		{"liquid not recorded", with(func(c *PreDoseChecklist) { c.LastLiquidAt = time.Time{} }), []Rule{RuleFastingLiquid}, nil},
		{"escort confirmed by phone is enough", with(func(c *PreDoseChecklist) { c.EscortPresent = false; c.EscortConfirmed = true }), nil, nil},
		{"escort neither present nor confirmed", with(func(c *PreDoseChecklist) { c.EscortPresent = false }), []Rule{RuleEscort},
			[]string{"An escort must be present or confirmed"}},
		{"escort without name or phone", with(func(c *PreDoseChecklist) { c.EscortName = ""; c.EscortPhone = " " }), []Rule{RuleEscort, RuleEscort},
			[]string{"Record the escort's name.", "Record the escort's phone number."}},
		{"no driving not acknowledged", with(func(c *PreDoseChecklist) { c.NoDrivingAcknowledged = false }), []Rule{RuleNoDriving}, nil},
		{"substances not asked", with(func(c *PreDoseChecklist) { c.SubstancesAsked = false }), []Rule{RuleAlcoholBenzo},
			[]string{"Ask about alcohol and benzodiazepines in the last 24 h"}},
		{"alcohol exactly 24 h ago", with(func(c *PreDoseChecklist) { c.LastAlcoholAt = now.Add(-24 * hour) }), nil, nil},
		{"alcohol 23 h 59 min ago", with(func(c *PreDoseChecklist) { c.LastAlcoholAt = now.Add(-24*hour + min) }), []Rule{RuleAlcoholBenzo},
			[]string{"Alcohol was taken at Sun 1 Mar 2026 09:01, 23 h 59 min before now; the practice asks for none within 24 h before dosing (from Mon 2 Mar 2026 09:01)."}},
		{"benzodiazepine last night", with(func(c *PreDoseChecklist) { c.LastBenzodiazepineAt = now.Add(-11 * hour) }), []Rule{RuleAlcoholBenzo},
			[]string{"A benzodiazepine was taken"}},
		{"no intention", with(func(c *PreDoseChecklist) { c.Intention = "" }), []Rule{RuleIntention}, nil},
		{"pregnancy relevant, not asked", with(func(c *PreDoseChecklist) { c.PregnancyRelevant = true }), []Rule{RulePregnancy},
			[]string{"Ask and record the client's pregnancy status."}},
		{"pregnancy relevant, not pregnant", with(func(c *PreDoseChecklist) { c.PregnancyRelevant = true; c.Pregnancy = PregnancyNotPregnant }), nil, nil},
		{"pregnancy unsure, not reviewed", with(func(c *PreDoseChecklist) { c.PregnancyRelevant = true; c.Pregnancy = PregnancyUnsure }), []Rule{RulePregnancy},
			[]string{"a prescriber must review before dosing"}},
		{"pregnant, reviewed by prescriber", with(func(c *PreDoseChecklist) {
			c.PregnancyRelevant, c.Pregnancy, c.PregnancyReviewedByPrescriber = true, PregnancyPregnant, true
		}), nil, nil},
		{"pregnancy not relevant", with(func(c *PreDoseChecklist) { c.Pregnancy = "" }), nil, nil},
		{"empty checklist names every gap", PreDoseChecklist{}, []Rule{RuleIdentity, RuleFastingFood, RuleFastingLiquid, RuleEscort, RuleEscort, RuleEscort,
			RuleNoDriving, RuleAlcoholBenzo, RuleIntention}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckChecklist(tt.c, s, now)
			wantRules(t, got, tt.want...)
			wantMessages(t, got, tt.says...)
		})
	}
}

func TestCheckChecklistSettings(t *testing.T) {
	// KAP.md §1 Fasting: fasting for other routes is a practice instruction, so a practice may
	// turn a rule off (0) or lengthen it.
	now := at(0)
	c := completeChecklist(now)
	c.LastFoodAt = now.Add(-10 * min)
	c.LastAlcoholAt = now.Add(-1 * hour)
	wantRules(t, CheckChecklist(c, ChecklistSettings{}, now))
	c.SubstancesAsked = false
	wantRules(t, CheckChecklist(c, ChecklistSettings{}, now))
	wantRules(t, CheckChecklist(completeChecklist(now), ChecklistSettings{FoodFastMinutes: 240}, now), RuleFastingFood)
}
