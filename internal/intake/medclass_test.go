package intake

import (
	"testing"
)

func mg(x float64) *float64 { return &x }

func TestRecognise(t *testing.T) {
	// KAP.md §1 interactions: benzodiazepines, lamotrigine (Andrade 2017); MAOIs, psychostimulants,
	// sedative-hypnotics (Spravato form).
	cases := []struct {
		name string
		want MedicationClass
	}{
		{"alprazolam", ClassBenzodiazepine},
		{"Xanax", ClassBenzodiazepine},
		{"XANAX XR 0.5mg", ClassBenzodiazepine},
		{"Klonopin", ClassBenzodiazepine},
		{"clonazepam 0.5 mg", ClassBenzodiazepine},
		{"Ativan", ClassBenzodiazepine},
		{"Valium", ClassBenzodiazepine},
		{"Restoril", ClassBenzodiazepine},
		{"Librium", ClassBenzodiazepine},
		{"oxazepam", ClassBenzodiazepine},
		{"Clorazepate dipotassium", ClassBenzodiazepine},
		{"chlordiazepoxide/amitriptyline", ClassBenzodiazepine},
		{"lamotrigine", ClassLamotrigine},
		{"Lamictal XR", ClassLamotrigine},
		{"phenelzine", ClassMAOI},
		{"Parnate", ClassMAOI},
		{"isocarboxazid", ClassMAOI},
		{"Emsam patch", ClassMAOI},
		{"selegiline", ClassMAOI},
		{"methylphenidate", ClassPsychostimulant},
		{"Concerta", ClassPsychostimulant},
		{"Adderall XR", ClassPsychostimulant},
		{"dextroamphetamine-amphetamine", ClassPsychostimulant},
		{"lisdexamfetamine", ClassPsychostimulant},
		{"Vyvanse", ClassPsychostimulant},
		{"modafinil", ClassPsychostimulant},
		{"zolpidem", ClassSedativeHypnotic},
		{"Ambien CR", ClassSedativeHypnotic},
		{"eszopiclone", ClassSedativeHypnotic},
		{"Lunesta", ClassSedativeHypnotic},
		{"zaleplon", ClassSedativeHypnotic},
		{"zopiclone", ClassSedativeHypnotic},
		{"sertraline", ClassOther},
		{"Xanex", ClassOther},      // misspelt: the clinician reads the list
		{"lamotrigin", ClassOther}, // a partial word is not a match
		{"", ClassOther},
		{"vitamin D", ClassOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Recognise(tc.name); got != tc.want {
				t.Errorf("Recognise(%q) = %s, want %s", tc.name, got, tc.want)
			}
			if got := (Medication{Name: tc.name}).Class(); got != tc.want {
				t.Errorf("Medication.Class() = %s, want %s", got, tc.want)
			}
		})
	}
}

// Every name in the tables is recognised as its own class and no name sits in two classes.
func TestClassTablesAreConsistent(t *testing.T) {
	owner := map[string]MedicationClass{}
	claim := func(name string, c MedicationClass) {
		if prev, ok := owner[name]; ok && prev != c {
			t.Errorf("%q is listed as both %s and %s", name, prev, c)
		}
		owner[name] = c
		if got := Recognise(name); got != c {
			t.Errorf("Recognise(%q) = %s, want %s", name, got, c)
		}
	}
	for _, b := range Benzodiazepines() {
		claim(b.Generic, ClassBenzodiazepine)
		for _, brand := range b.Brands {
			claim(brand, ClassBenzodiazepine)
		}
		if b.EquivalentMg <= 0 || b.EquivalentMgHigh < b.EquivalentMg {
			t.Errorf("%s: equivalence %v–%v mg is not a range", b.Generic, b.EquivalentMg, b.EquivalentMgHigh)
		}
	}
	for _, c := range otherClasses() {
		for _, n := range c.names {
			claim(n, c.class)
		}
	}
}

func TestDiazepamEquivalentMgPerDay(t *testing.T) {
	// Ashton Manual (2002) Table 1: approximately equivalent to 10 mg diazepam.
	cases := []struct {
		name     string
		meds     []Medication
		want     float64
		complete bool
	}{
		{"no medicines", nil, 0, true},
		{"no benzodiazepine", []Medication{{Name: "sertraline", DailyDoseMg: mg(100)}}, 0, true},
		{"diazepam 5 mg is 5 mg", []Medication{{Name: "diazepam", DailyDoseMg: mg(5)}}, 5, true},
		{"alprazolam 0.5 mg ≈ 10 mg", []Medication{{Name: "Xanax", DailyDoseMg: mg(0.5)}}, 10, true},
		{"clonazepam 0.5 mg ≈ 10 mg", []Medication{{Name: "Klonopin", DailyDoseMg: mg(0.5)}}, 10, true},
		{"lorazepam 1 mg ≈ 10 mg", []Medication{{Name: "lorazepam", DailyDoseMg: mg(1)}}, 10, true},
		{"temazepam 20 mg ≈ 10 mg", []Medication{{Name: "temazepam", DailyDoseMg: mg(20)}}, 10, true},
		{"chlordiazepoxide 25 mg ≈ 10 mg", []Medication{{Name: "Librium", DailyDoseMg: mg(25)}}, 10, true},
		{"oxazepam 30 mg ≈ 15 mg", []Medication{{Name: "oxazepam", DailyDoseMg: mg(30)}}, 15, true},
		{"estazolam uses the low end of 1–2 mg", []Medication{{Name: "estazolam", DailyDoseMg: mg(1)}}, 10, true},
		{"two benzodiazepines add up", []Medication{
			{Name: "clonazepam", DailyDoseMg: mg(0.25)},
			{Name: "temazepam", DailyDoseMg: mg(10)},
		}, 10, true},
		{"alprazolam 0.4 mg is exactly 8, not a hair over", []Medication{{Name: "alprazolam", DailyDoseMg: mg(0.4)}}, 8, true},
		{"lorazepam 0.3 mg three ways is 3", []Medication{
			{Name: "lorazepam", DailyDoseMg: mg(0.1)},
			{Name: "Ativan", DailyDoseMg: mg(0.1)},
			{Name: "Temesta", DailyDoseMg: mg(0.1)},
		}, 3, true},
		{"a Z-drug is not counted", []Medication{{Name: "zolpidem", DailyDoseMg: mg(10)}}, 0, true},
		{"benzodiazepine without a daily dose is incomplete", []Medication{
			{Name: "diazepam", DailyDoseMg: mg(5)},
			{Name: "Xanax"},
		}, 5, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, complete := DiazepamEquivalentMgPerDay(tc.meds)
			if got != tc.want || complete != tc.complete {
				t.Errorf("got %v mg (complete %v), want %v mg (complete %v)", got, complete, tc.want, tc.complete)
			}
		})
	}
}
