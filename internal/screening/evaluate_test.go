package screening

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var screenedAt = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

func mustLoad(t *testing.T) *RuleSet {
	t.Helper()
	rs, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return rs
}

// clean is a fully answered person with nothing to report and a normal resting blood pressure:
// every rule can decide, and none fires.
func clean() Facts {
	f := Facts{}
	for _, spec := range Catalogue() {
		switch spec.Kind {
		case KindBool:
			f[spec.Name] = Bool(false)
		case KindText:
			f[spec.Name] = Text(FrequencyNever)
		}
	}
	f[FactDiazepamEquivalentMgPerDay] = Number(0)
	f[FactBPSystolic] = Number(120)
	f[FactBPDiastolic] = Number(80)
	return f
}

// with returns base changed by changes; an unknown Value in changes removes the fact.
func with(base Facts, changes Facts) Facts {
	out := Facts{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		if v.Known() {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	return out
}

func ruleIDs(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.RuleID)
	}
	return ids
}

func TestCleanPersonIsClear(t *testing.T) {
	s, err := Evaluate(mustLoad(t), clean(), nil, screenedAt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Outcome != Clear || len(s.Findings) != 0 || len(s.Unanswered) != 0 {
		t.Fatalf("outcome %s, findings %v, unanswered %v; want clear with nothing", s.Outcome, ruleIDs(s.Findings), s.Unanswered)
	}
}

// Every rule of rules.json, each with a case that fires and one that does not. src is the part of
// the rule's source the case rests on; the test checks the rule still cites it.
func TestEveryRule(t *testing.T) {
	rs := mustLoad(t)
	cases := []struct {
		rule  string
		src   string
		name  string
		facts Facts
		fires bool
	}{
		// KAP.md §1 contraindications, absolute: Ketalar and Spravato labels
		{"abs-hypersensitivity", "hypersensitivity to ketamine", "allergy reported", Facts{FactKetamineAllergy: Bool(true)}, true},
		{"abs-hypersensitivity", "hypersensitivity to ketamine", "no allergy", Facts{FactKetamineAllergy: Bool(false)}, false},
		// KAP.md §1 absolute: BP rise a serious hazard; pre-dose hold 180/100 at rest (Swiss label) [verify]
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "systolic at 180", Facts{FactBPSystolic: Number(180)}, true},
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "systolic just under 180", Facts{FactBPSystolic: Number(179)}, false},
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "diastolic at 100", Facts{FactBPDiastolic: Number(100)}, true},
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "diastolic just under 100", Facts{FactBPDiastolic: Number(99)}, false},
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "179/99 both just under", Facts{FactBPSystolic: Number(179), FactBPDiastolic: Number(99)}, false},
		{"abs-severe-hypertension", "above 180/100 mmHg at rest from the Swiss ketamine label", "systolic high, diastolic not taken", Facts{FactBPSystolic: Number(200), FactBPDiastolic: Value{}}, true},
		// KAP.md §1 absolute: Spravato label
		{"abs-aneurysm-avm", "Spravato (esketamine) prescribing information: contraindicated in aneurysmal vascular disease or arteriovenous malformation", "aneurysm or AVM", Facts{FactAneurysmAVM: Bool(true)}, true},
		{"abs-aneurysm-avm", "Spravato (esketamine) prescribing information: contraindicated in aneurysmal vascular disease or arteriovenous malformation", "none", Facts{}, false},
		{"abs-intracerebral-haemorrhage", "Spravato (esketamine) prescribing information: contraindicated with a history of intracerebral haemorrhage", "past bleed", Facts{FactIntracerebralHaemorrhage: Bool(true)}, true},
		{"abs-intracerebral-haemorrhage", "Spravato (esketamine) prescribing information: contraindicated with a history of intracerebral haemorrhage", "none", Facts{}, false},
		// KAP.md §1 absolute: UK label
		{"abs-eclampsia", "UK ketamine label (summary of product characteristics): contraindicated in eclampsia or pre-eclampsia", "pre-eclampsia", Facts{FactEclampsia: Bool(true)}, true},
		{"abs-eclampsia", "UK ketamine label (summary of product characteristics): contraindicated in eclampsia or pre-eclampsia", "none", Facts{}, false},
		{"abs-severe-coronary-myocardial", "UK ketamine label (summary of product characteristics): contraindicated in severe coronary or myocardial disease", "reported", Facts{FactSevereCoronaryMyocardial: Bool(true)}, true},
		{"abs-severe-coronary-myocardial", "UK ketamine label (summary of product characteristics): contraindicated in severe coronary or myocardial disease", "none", Facts{}, false},
		{"abs-stroke", "UK ketamine label (summary of product characteristics): contraindicated after stroke", "stroke", Facts{FactStroke: Bool(true)}, true},
		{"abs-stroke", "UK ketamine label (summary of product characteristics): contraindicated after stroke", "none", Facts{}, false},
		{"abs-cerebral-trauma", "UK ketamine label (summary of product characteristics): contraindicated in cerebral trauma", "brain injury", Facts{FactBrainInjury: Bool(true)}, true},
		{"abs-cerebral-trauma", "UK ketamine label (summary of product characteristics): contraindicated in cerebral trauma", "raised ICP alone is not trauma", Facts{FactRaisedIntracranialPressure: Bool(true)}, false},
		// KAP.md §1 relative: Spravato label; seeds
		{"rel-psychosis", "psychosis or a history of it", "current psychosis", Facts{FactPsychosisCurrent: Bool(true)}, true},
		{"rel-psychosis", "psychosis or a history of it", "past psychosis", Facts{FactPsychosisHistory: Bool(true)}, true},
		{"rel-psychosis", "psychosis or a history of it", "neither", Facts{}, false},
		{"rel-mania-bipolar", "current mania or bipolar disorder", "mania now", Facts{FactManiaCurrent: Bool(true)}, true},
		{"rel-mania-bipolar", "current mania or bipolar disorder", "bipolar diagnosis", Facts{FactBipolarDiagnosis: Bool(true)}, true},
		{"rel-mania-bipolar", "current mania or bipolar disorder", "past mania", Facts{FactManiaHistory: Bool(true)}, true},
		{"rel-mania-bipolar", "current mania or bipolar disorder", "none", Facts{}, false},
		{"rel-substance-use-disorder", "substance use disorder, including alcohol", "diagnosed", Facts{FactSubstanceUseDisorder: Bool(true)}, true},
		{"rel-substance-use-disorder", "substance use disorder, including alcohol", "weekly alcohol alone is not a disorder", Facts{FactAlcohol: Text(FrequencyWeekly)}, false},
		{"rel-pregnancy", "pregnancy calls for caution", "pregnant", Facts{FactPregnant: Bool(true)}, true},
		{"rel-pregnancy", "pregnancy calls for caution", "not pregnant", Facts{}, false},
		{"rel-breastfeeding", "breastfeeding calls for caution", "breastfeeding", Facts{FactBreastfeeding: Bool(true)}, true},
		{"rel-breastfeeding", "breastfeeding calls for caution", "not breastfeeding", Facts{}, false},
		{"rel-uncontrolled-hypertension", "uncontrolled hypertension", "hypertension not controlled", Facts{FactHypertension: Bool(true), FactHypertensionControlled: Bool(false)}, true},
		{"rel-uncontrolled-hypertension", "uncontrolled hypertension", "hypertension controlled", Facts{FactHypertension: Bool(true), FactHypertensionControlled: Bool(true)}, false},
		{"rel-uncontrolled-hypertension", "uncontrolled hypertension", "no hypertension, control not asked", Facts{FactHypertensionControlled: Value{}}, false},
		// KAP.md §1 interaction: Andrade 2017; Andrashko 2020; Spravato form
		{"int-benzodiazepine", "Andrade 2017", "takes one", Facts{FactBenzodiazepine: Bool(true)}, true},
		{"int-benzodiazepine", "Andrade 2017", "takes none", Facts{}, false},
		{"int-benzodiazepine-over-8mg-de", "Andrashko et al. 2020", "8.01 mg/d", Facts{FactBenzodiazepine: Bool(true), FactDiazepamEquivalentMgPerDay: Number(8.01)}, true},
		{"int-benzodiazepine-over-8mg-de", "Andrashko et al. 2020", "exactly 8 mg/d", Facts{FactBenzodiazepine: Bool(true), FactDiazepamEquivalentMgPerDay: Number(8)}, false},
		{"int-lamotrigine", "lamotrigine may reduce the effects", "takes it", Facts{FactLamotrigine: Bool(true)}, true},
		{"int-lamotrigine", "lamotrigine may reduce the effects", "does not", Facts{}, false},
		{"int-maoi", "Spravato REMS patient monitoring form, which asks about MAOIs", "takes one", Facts{FactMAOI: Bool(true)}, true},
		{"int-maoi", "Spravato REMS patient monitoring form, which asks about MAOIs", "takes none", Facts{}, false},
		{"int-psychostimulant", "Spravato REMS patient monitoring form, which asks about psychostimulants", "takes one", Facts{FactPsychostimulant: Bool(true)}, true},
		{"int-psychostimulant", "Spravato REMS patient monitoring form, which asks about psychostimulants", "takes none", Facts{}, false},
		{"int-sedative-hypnotic", "Spravato REMS patient monitoring form, which asks about sedative-hypnotics", "takes one", Facts{FactSedativeHypnotic: Bool(true)}, true},
		{"int-sedative-hypnotic", "Spravato REMS patient monitoring form, which asks about sedative-hypnotics", "takes none", Facts{}, false},
		// KAP.md §2 safety events; §1 adverse effects (seeds); §7 safety planning
		{"cau-suicidal-thoughts-current", "must reach a clinician", "thoughts in the past month", Facts{FactSuicidalThoughtsCurrent: Bool(true)}, true},
		{"cau-suicidal-thoughts-current", "must reach a clinician", "past attempt only", Facts{FactSuicideAttempt: Bool(true)}, false},
		{"cau-suicide-attempt", "Stanley-Brown", "past attempt", Facts{FactSuicideAttempt: Bool(true)}, true},
		{"cau-suicide-attempt", "Stanley-Brown", "none", Facts{}, false},
		{"cau-glaucoma-raised-icp", "raised pressure in the brain", "glaucoma", Facts{FactGlaucoma: Bool(true)}, true},
		{"cau-glaucoma-raised-icp", "raised pressure in the brain", "raised ICP", Facts{FactRaisedIntracranialPressure: Bool(true)}, true},
		{"cau-glaucoma-raised-icp", "raised pressure in the brain", "neither", Facts{}, false},
		{"cau-liver-disease", "liver problems", "liver disease", Facts{FactLiverDisease: Bool(true)}, true},
		{"cau-liver-disease", "liver problems", "none", Facts{}, false},
		{"cau-urinary-bladder", "list urinary tract problems as an adverse effect", "bladder problems", Facts{FactUrinaryBladder: Bool(true)}, true},
		{"cau-urinary-bladder", "list urinary tract problems as an adverse effect", "none", Facts{}, false},
		{"cau-seizures", "Practice screening question", "seizures", Facts{FactSeizures: Bool(true)}, true},
		{"cau-seizures", "Practice screening question", "none", Facts{}, false},
		{"cau-eating-disorder", "Practice screening question", "eating disorder", Facts{FactEatingDisorder: Bool(true)}, true},
		{"cau-eating-disorder", "Practice screening question", "none", Facts{}, false},
		{"cau-dissociative-disorder", "dissociation is a common adverse effect", "dissociative disorder", Facts{FactDissociativeDisorder: Bool(true)}, true},
		{"cau-dissociative-disorder", "dissociation is a common adverse effect", "none", Facts{}, false},
		{"cau-ketamine-frequent", "substance use disorder", "weekly", Facts{FactKetamineUse: Text(FrequencyWeekly)}, true},
		{"cau-ketamine-frequent", "substance use disorder", "daily", Facts{FactKetamineUse: Text(FrequencyDaily)}, true},
		{"cau-ketamine-frequent", "substance use disorder", "monthly is under the line", Facts{FactKetamineUse: Text(FrequencyMonthly)}, false},
		{"cau-ketamine-frequent", "substance use disorder", "past use", Facts{FactKetamineUse: Text(FrequencyPast)}, false},
		{"cau-substance-daily", "substance use disorder, including alcohol", "daily alcohol", Facts{FactAlcohol: Text(FrequencyDaily)}, true},
		{"cau-substance-daily", "substance use disorder, including alcohol", "daily other drug", Facts{FactOtherSubstance: Text(FrequencyDaily)}, true},
		{"cau-substance-daily", "substance use disorder, including alcohol", "weekly alcohol is under the line", Facts{FactAlcohol: Text(FrequencyWeekly)}, false},
		{"cau-heart-disease", "a rise in blood pressure is a serious hazard", "heart condition", Facts{FactHeartDisease: Bool(true)}, true},
		{"cau-heart-disease", "a rise in blood pressure is a serious hazard", "none", Facts{}, false},
		{"cau-hypertension-controlled", "more often in older or hypertensive patients", "controlled hypertension", Facts{FactHypertension: Bool(true), FactHypertensionControlled: Bool(true)}, true},
		{"cau-hypertension-controlled", "more often in older or hypertensive patients", "uncontrolled is the relative rule instead", Facts{FactHypertension: Bool(true), FactHypertensionControlled: Bool(false)}, false},
	}

	sources := map[string]string{}
	for _, r := range rs.Rules() {
		sources[r.ID] = r.Source
	}
	covered := map[string][2]bool{}
	for _, tc := range cases {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			src, ok := sources[tc.rule]
			if !ok {
				t.Fatalf("no rule %q in rules.json", tc.rule)
			}
			if !strings.Contains(src, tc.src) {
				t.Errorf("rule %s no longer cites %q; its source is %q", tc.rule, tc.src, src)
			}
			s, err := Evaluate(rs, with(clean(), tc.facts), nil, screenedAt)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Contains(ruleIDs(s.Findings), tc.rule)
			if got != tc.fires {
				t.Errorf("fires = %v, want %v (findings %v, unanswered %v)", got, tc.fires, ruleIDs(s.Findings), s.Unanswered)
			}
		})
		c := covered[tc.rule]
		if tc.fires {
			c[0] = true
		} else {
			c[1] = true
		}
		covered[tc.rule] = c
	}
	for id := range sources {
		if c := covered[id]; !c[0] || !c[1] {
			t.Errorf("rule %s needs a case that fires and one that does not (have fires=%v, quiet=%v)", id, c[0], c[1])
		}
	}
}

func TestFindingCarriesTriggersAndSource(t *testing.T) {
	rs := mustLoad(t)
	s, err := Evaluate(rs, with(clean(), Facts{FactBPSystolic: Number(185), FactBPDiastolic: Value{}}), nil, screenedAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Findings) != 1 {
		t.Fatalf("findings %v, want abs-severe-hypertension only", ruleIDs(s.Findings))
	}
	fd := s.Findings[0]
	if fd.RuleID != "abs-severe-hypertension" || fd.Class != Absolute || fd.Source == "" || fd.Message == "" {
		t.Errorf("finding %+v", fd)
	}
	if v, _ := fd.Facts.Get(FactBPSystolic).AsNumber(); v != 185 || len(fd.Facts) != 1 {
		t.Errorf("triggering facts %v, want only systolic 185", fd.Facts)
	}
	if fd.Parameters["bp_systolic_contraindicated_mmhg"] != 180 || fd.Parameters["bp_diastolic_contraindicated_mmhg"] != 100 {
		t.Errorf("parameters %v, want the 180/100 defaults", fd.Parameters)
	}
	if s.RuleSetVersion != rs.Version() || !s.At.Equal(screenedAt) {
		t.Errorf("version %q at %v", s.RuleSetVersion, s.At)
	}
	// Blocked already: the missing diastolic does not hide the contraindication.
	if s.Outcome != Blocked {
		t.Errorf("outcome %s, want blocked", s.Outcome)
	}
}

func TestOutcome(t *testing.T) {
	rs := mustLoad(t)
	cases := []struct {
		name  string
		facts Facts
		want  Outcome
	}{
		{"nothing found, all answered", clean(), Clear},
		{"only a caution", with(clean(), Facts{FactLamotrigine: Bool(true)}), ClearWithCautions},
		{"a relative finding", with(clean(), Facts{FactPregnant: Bool(true)}), NeedsAcknowledgement},
		{"relative and caution", with(clean(), Facts{FactPregnant: Bool(true), FactLamotrigine: Bool(true)}), NeedsAcknowledgement},
		{"urgent caution needs acknowledgement", with(clean(), Facts{FactSuicidalThoughtsCurrent: Bool(true)}), NeedsAcknowledgement},
		{"absolute beats relative", with(clean(), Facts{FactStroke: Bool(true), FactPregnant: Bool(true)}), Blocked},
		{"absolute beats unanswered", with(clean(), Facts{FactStroke: Bool(true), FactGlaucoma: Value{}}), Blocked},
		{"unanswered beats relative", with(clean(), Facts{FactPregnant: Bool(true), FactGlaucoma: Value{}}), Incomplete},
		{"unanswered alone", with(clean(), Facts{FactBPSystolic: Value{}, FactBPDiastolic: Value{}}), Incomplete},
		{"nothing answered", Facts{}, Incomplete},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Evaluate(rs, tc.facts, nil, screenedAt)
			if err != nil {
				t.Fatal(err)
			}
			if s.Outcome != tc.want {
				t.Errorf("outcome %s, want %s (findings %v)", s.Outcome, tc.want, ruleIDs(s.Findings))
			}
		})
	}
}

func TestFindingOrderAndAttention(t *testing.T) {
	s, err := Evaluate(mustLoad(t), with(clean(), Facts{
		FactLamotrigine:             Bool(true),
		FactPregnant:                Bool(true),
		FactSuicidalThoughtsCurrent: Bool(true),
		FactStroke:                  Bool(true),
	}), nil, screenedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cau-suicidal-thoughts-current", "abs-stroke", "rel-pregnancy", "int-lamotrigine"}
	if got := ruleIDs(s.Findings); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if !s.NeedsClinicalAttention || !s.Findings[0].Urgent || !s.Findings[0].NeedsAcknowledgement {
		t.Errorf("the urgent finding must be flagged and need acknowledgement: %+v", s.Findings[0])
	}
	if s.Findings[3].NeedsAcknowledgement {
		t.Error("an ordinary caution does not need acknowledgement")
	}
}

func TestUnknownFacts(t *testing.T) {
	rs := mustLoad(t)
	t.Run("empty intake lists every fact a rule needs", func(t *testing.T) {
		s, err := Evaluate(rs, Facts{}, nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Findings) != 0 {
			t.Errorf("findings %v from no facts", ruleIDs(s.Findings))
		}
		var got []string
		for _, u := range s.Unanswered {
			got = append(got, u.Fact)
		}
		for _, spec := range Catalogue() {
			if !slices.Contains(got, spec.Name) {
				t.Errorf("%s is read by a rule but not listed unanswered", spec.Name)
			}
		}
	})
	t.Run("one fact needed by two rules names both", func(t *testing.T) {
		s, err := Evaluate(rs, with(clean(), Facts{FactHypertension: Bool(true), FactHypertensionControlled: Value{}}), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		want := []Unanswered{{Fact: FactHypertensionControlled, RuleIDs: []string{"rel-uncontrolled-hypertension", "cau-hypertension-controlled"}}}
		if len(s.Unanswered) != 1 || s.Unanswered[0].Fact != want[0].Fact || !slices.Equal(s.Unanswered[0].RuleIDs, want[0].RuleIDs) {
			t.Errorf("unanswered %+v, want %+v", s.Unanswered, want)
		}
	})
	t.Run("any fires on one yes while another is unknown", func(t *testing.T) {
		s, err := Evaluate(rs, with(clean(), Facts{FactPsychosisCurrent: Value{}, FactPsychosisHistory: Bool(true)}), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(ruleIDs(s.Findings), "rel-psychosis") || len(s.Unanswered) != 0 {
			t.Errorf("findings %v unanswered %v", ruleIDs(s.Findings), s.Unanswered)
		}
	})
	t.Run("any with a no and an unknown stays unanswered", func(t *testing.T) {
		s, err := Evaluate(rs, with(clean(), Facts{FactPsychosisCurrent: Value{}}), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Unanswered) != 1 || s.Unanswered[0].Fact != FactPsychosisCurrent || s.Outcome != Incomplete {
			t.Errorf("unanswered %v outcome %s", s.Unanswered, s.Outcome)
		}
	})
	t.Run("benzodiazepine without a dose: caution fires, dose unanswered", func(t *testing.T) {
		s, err := Evaluate(rs, with(clean(), Facts{FactBenzodiazepine: Bool(true), FactDiazepamEquivalentMgPerDay: Value{}}), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(ruleIDs(s.Findings), "int-benzodiazepine") ||
			len(s.Unanswered) != 1 || s.Unanswered[0].Fact != FactDiazepamEquivalentMgPerDay {
			t.Errorf("findings %v unanswered %v", ruleIDs(s.Findings), s.Unanswered)
		}
	})
	t.Run("false is not unknown", func(t *testing.T) {
		s, err := Evaluate(rs, with(clean(), Facts{FactStroke: Bool(false)}), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Unanswered) != 0 {
			t.Errorf("unanswered %v", s.Unanswered)
		}
	})
}

func TestOverrides(t *testing.T) {
	rs := mustLoad(t)
	cases := []struct {
		name     string
		o        Overrides
		sys, dia float64
		fires    bool
		err      string
	}{
		{"default: 170/95 is under 180/100", nil, 170, 95, false, ""},
		{"practice lowers systolic to 160: 160 fires", Overrides{"bp_systolic_contraindicated_mmhg": 160}, 160, 80, true, ""},
		{"practice lowers systolic to 160: 159 does not", Overrides{"bp_systolic_contraindicated_mmhg": 160}, 159, 80, false, ""},
		{"practice raises diastolic to 110: 105 does not", Overrides{"bp_diastolic_contraindicated_mmhg": 110}, 120, 105, false, ""},
		{"practice raises diastolic to 110: 110 fires", Overrides{"bp_diastolic_contraindicated_mmhg": 110}, 120, 110, true, ""},
		{"override at the lower bound is accepted", Overrides{"bp_systolic_contraindicated_mmhg": 120}, 120, 80, true, ""},
		{"override below bounds is refused", Overrides{"bp_systolic_contraindicated_mmhg": 119}, 120, 80, false, "must lie within 120–220"},
		{"override above bounds is refused", Overrides{"bp_diastolic_contraindicated_mmhg": 131}, 120, 80, false, "must lie within 80–130"},
		{"unknown parameter is refused", Overrides{"bp_sys": 150}, 120, 80, false, `"bp_sys" is not a parameter`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Evaluate(rs, with(clean(), Facts{FactBPSystolic: Number(tc.sys), FactBPDiastolic: Number(tc.dia)}), tc.o, screenedAt)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(ruleIDs(s.Findings), "abs-severe-hypertension"); got != tc.fires {
				t.Errorf("fires %v, want %v", got, tc.fires)
			}
			for name, v := range tc.o {
				if s.Parameters[name] != v {
					t.Errorf("screening records %s = %v, want the override %v", name, s.Parameters[name], v)
				}
			}
		})
	}
}

func TestEvaluateRefusesBadFacts(t *testing.T) {
	rs := mustLoad(t)
	cases := []struct {
		name  string
		facts Facts
		err   string
	}{
		{"misspelt fact", Facts{"history.strok": Bool(true)}, `"history.strok" is not one`},
		{"wrong kind", Facts{FactStroke: Text("yes")}, "must be a bool, not a text"},
		{"frequency not on the list", Facts{FactAlcohol: Text("sometimes")}, `"sometimes"`},
		{"blood pressure out of range", Facts{FactBPSystolic: Number(1200)}, "outside 40–300"},
		{"negative dose", Facts{FactDiazepamEquivalentMgPerDay: Number(-1)}, "outside 0–1000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(rs, tc.facts, nil, screenedAt)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
	if _, err := Evaluate(nil, Facts{}, nil, screenedAt); err == nil {
		t.Error("a nil rule set must be refused")
	}
}
