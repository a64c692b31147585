package intake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/screening"
)

func TestFacts(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Intake)
		fact   string
		want   screening.Value // the zero Value means the fact must be unknown
	}{
		{"yes is true", func(i *Intake) { i.Medical.Stroke = Yes }, screening.FactStroke, screening.Bool(true)},
		{"no is false", func(i *Intake) { i.Medical.Stroke = No }, screening.FactStroke, screening.Bool(false)},
		{"not sure is unknown", func(i *Intake) { i.Medical.Stroke = NotSure }, screening.FactStroke, screening.Value{}},
		{"unanswered is unknown", func(i *Intake) { i.Medical.Stroke = Unanswered }, screening.FactStroke, screening.Value{}},
		{"pregnancy", func(i *Intake) { i.Medical.Pregnancy = Yes }, screening.FactPregnant, screening.Bool(true)},
		{"no heart condition means no severe heart disease", func(i *Intake) {
			i.Medical.HeartDisease = No
			i.Medical.SevereCoronaryOrMyocardialDisease = Unanswered
		}, screening.FactSevereCoronaryMyocardial, screening.Bool(false)},
		{"a stale severe answer is ignored once the heart question says no", func(i *Intake) {
			i.Medical.HeartDisease = No
			i.Medical.SevereCoronaryOrMyocardialDisease = Yes
		}, screening.FactSevereCoronaryMyocardial, screening.Bool(false)},
		{"unknown heart condition leaves severity unknown", func(i *Intake) {
			i.Medical.HeartDisease = Unanswered
		}, screening.FactSevereCoronaryMyocardial, screening.Value{}},
		{"severe heart disease", func(i *Intake) {
			i.Medical.HeartDisease = Yes
			i.Medical.SevereCoronaryOrMyocardialDisease = Yes
		}, screening.FactSevereCoronaryMyocardial, screening.Bool(true)},
		{"control of blood pressure not asked stays unknown", func(i *Intake) {
			i.Medical.Hypertension = No
			i.Medical.HypertensionControlled = No
		}, screening.FactHypertensionControlled, screening.Value{}},
		{"uncontrolled blood pressure", func(i *Intake) {
			i.Medical.Hypertension = Yes
			i.Medical.HypertensionControlled = No
		}, screening.FactHypertensionControlled, screening.Bool(false)},
		{"frequency", func(i *Intake) { i.Substances.Ketamine = Weekly }, screening.FactKetamineUse, screening.Text("weekly")},
		{"frequency unanswered", func(i *Intake) { i.Substances.Ketamine = FrequencyUnanswered }, screening.FactKetamineUse, screening.Value{}},
		{"frequency not on the list", func(i *Intake) { i.Substances.Ketamine = "often" }, screening.FactKetamineUse, screening.Value{}},
		{"no medicines: no benzodiazepine", func(i *Intake) {}, screening.FactBenzodiazepine, screening.Bool(false)},
		{"no medicines: dose 0", func(i *Intake) {}, screening.FactDiazepamEquivalentMgPerDay, screening.Number(0)},
		{"medicines unanswered: benzodiazepine unknown", func(i *Intake) { i.Medications.TakesMedications = Unanswered },
			screening.FactBenzodiazepine, screening.Value{}},
		{"medicines yes, list empty: unknown", func(i *Intake) { i.Medications.TakesMedications = Yes },
			screening.FactMAOI, screening.Value{}},
		{"medicines listed without a benzodiazepine: dose 0", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "sertraline"}}}
		}, screening.FactDiazepamEquivalentMgPerDay, screening.Number(0)},
		{"medicines listed: lamotrigine", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Lamictal"}}}
		}, screening.FactLamotrigine, screening.Bool(true)},
		{"medicines listed: no MAOI", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Lamictal"}}}
		}, screening.FactMAOI, screening.Bool(false)},
		{"not sure, one listed: listed class true", func(i *Intake) {
			i.Medications = Medications{TakesMedications: NotSure, List: []Medication{{Name: "Adderall"}}}
		}, screening.FactPsychostimulant, screening.Bool(true)},
		{"not sure, one listed: other classes unknown", func(i *Intake) {
			i.Medications = Medications{TakesMedications: NotSure, List: []Medication{{Name: "Adderall"}}}
		}, screening.FactMAOI, screening.Value{}},
		{"benzodiazepine with dose", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Klonopin", DailyDoseMg: mg(1)}}}
		}, screening.FactDiazepamEquivalentMgPerDay, screening.Number(20)},
		{"benzodiazepine without dose: dose unknown", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Klonopin"}}}
		}, screening.FactDiazepamEquivalentMgPerDay, screening.Value{}},
		{"benzodiazepine listed after saying none still counts", func(i *Intake) {
			i.Medications = Medications{TakesMedications: No, List: []Medication{{Name: "Klonopin"}}}
		}, screening.FactBenzodiazepine, screening.Bool(true)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := complete()
			tc.change(&i)
			got := i.Facts().Get(tc.fact)
			if got != tc.want {
				t.Errorf("%s = %v, want %v", tc.fact, got, tc.want)
			}
		})
	}
}

// A fully answered intake gives every fact the screening rules read, except blood pressure,
// which is measured at the screening visit, and control of blood pressure, which is asked only of
// people with high blood pressure (the rules reading it also need high blood pressure, so an
// unknown here cannot leave a screening incomplete: see TestScreeningAnIntake).
func TestCompleteIntakeGivesEveryIntakeFact(t *testing.T) {
	f := complete().Facts()
	if err := f.Check(); err != nil {
		t.Fatalf("facts rejected: %v", err)
	}
	for _, spec := range screening.Catalogue() {
		known := f.Get(spec.Name).Known()
		notAsked := strings.HasPrefix(spec.Name, "vitals.") || spec.Name == screening.FactHypertensionControlled
		if known == notAsked {
			t.Errorf("%s: known=%v from a complete intake", spec.Name, known)
		}
	}
}

func TestFrequenciesMatchScreening(t *testing.T) {
	var values []string
	for _, o := range frequencyOptions() {
		values = append(values, o.Value)
	}
	if !slices.Equal(values, screening.Frequencies()) {
		t.Errorf("intake offers %v, screening reads %v", values, screening.Frequencies())
	}
}

// End to end: KAP.md §1 contraindications, read from an intake and the screening visit's vitals.
func TestScreeningAnIntake(t *testing.T) {
	rs, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 6, 9, 30, 0, 0, time.UTC)
	vitals := screening.Facts{screening.FactBPSystolic: screening.Number(128), screening.FactBPDiastolic: screening.Number(82)}
	cases := []struct {
		name     string
		change   func(*Intake)
		vitals   screening.Facts
		outcome  screening.Outcome
		findings []string
	}{
		{"nothing to report", func(*Intake) {}, vitals, screening.Clear, nil},
		{"before blood pressure is taken", func(*Intake) {}, nil, screening.Incomplete, nil},
		{"an unanswered question", func(i *Intake) { i.Medical.Glaucoma = Unanswered }, vitals, screening.Incomplete, nil},
		{"not sure about an aneurysm", func(i *Intake) { i.Medical.AneurysmOrAVM = NotSure }, vitals, screening.Incomplete, nil},
		{"aneurysm", func(i *Intake) { i.Medical.AneurysmOrAVM = Yes }, vitals, screening.Blocked, []string{"abs-aneurysm-avm"}},
		{"breastfeeding and Xanax 1 mg a day", func(i *Intake) {
			i.Medical.Breastfeeding = Yes
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Xanax", DailyDoseMg: mg(1)}}}
		}, vitals, screening.NeedsAcknowledgement, []string{"rel-breastfeeding", "int-benzodiazepine", "int-benzodiazepine-over-8mg-de"}},
		{"Xanax without a daily dose", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Xanax"}}}
		}, vitals, screening.Incomplete, []string{"int-benzodiazepine"}},
		{"suicidal thoughts", func(i *Intake) { i.Psychiatric.SuicidalThoughtsCurrent = Yes }, vitals,
			screening.NeedsAcknowledgement, []string{"cau-suicidal-thoughts-current"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := complete()
			tc.change(&i)
			s, err := screening.Evaluate(rs, i.Facts().Merge(tc.vitals), nil, at)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range s.Findings {
				ids = append(ids, f.RuleID)
			}
			if s.Outcome != tc.outcome || !slices.Equal(ids, tc.findings) {
				t.Errorf("outcome %s findings %v, want %s %v (unanswered %v)", s.Outcome, ids, tc.outcome, tc.findings, s.Unanswered)
			}
		})
	}
}
