package intake

import (
	"strings"
	"testing"

	"holdspace/internal/screening"
)

// The equivalents are the Ashton Manual's (Ashton CH, "Benzodiazepines: How They Work and How to
// Withdraw", 2002, Table 1: approximately equivalent to diazepam 10 mg): lorazepam 1 mg,
// clonazepam 0.5 mg, alprazolam 0.5 mg, diazepam 10 mg, temazepam 20 mg.
func TestBenzodiazepineDayAshton(t *testing.T) {
	mg := func(x float64) *float64 { return &x }
	cases := []struct {
		name     string
		med      ListedMedicine
		known    bool
		diazepam float64
		line     string
	}{
		{"lorazepam 1 mg twice daily ≈ 20 mg", ListedMedicine{Name: "lorazepam", Dose: "1 mg", Frequency: "twice daily"}, true, 20,
			"lorazepam 1 mg twice daily ≈ diazepam 20 mg/day (Ashton Manual)"},
		{"Klonopin 0.5mg BID ≈ 20 mg", ListedMedicine{Name: "Klonopin", Dose: "0.5mg", Frequency: "BID"}, true, 20, ""},
		{"Xanax 0.25 mg three times a day ≈ 15 mg", ListedMedicine{Name: "Xanax XR", Dose: "0.25 mg", Frequency: "three times a day"}, true, 15, ""},
		{"diazepam 5 mg at night is 5 mg", ListedMedicine{Name: "diazepam", Dose: "5", Frequency: "at night"}, true, 5, ""},
		{"temazepam 10 mg every 12 hours ≈ 10 mg", ListedMedicine{Name: "temazepam", Dose: "10 mg", Frequency: "every 12 hours"}, true, 10, ""},
		{"clonazepam 500 mcg 2x a day ≈ 20 mg", ListedMedicine{Name: "clonazepam", Dose: "500 mcg", Frequency: "2x a day"}, true, 20, ""},
		{"the client's own total wins over dose × times", ListedMedicine{Name: "lorazepam", Dose: "1 mg", Frequency: "twice a day, sometimes three", DailyDoseMg: mg(2.5)}, true, 25,
			"lorazepam 1 mg twice a day, sometimes three (2.5 mg a day, the client's own total) ≈ diazepam 25 mg/day (Ashton Manual)"},
		{"nocte is once a day", ListedMedicine{Name: "temazepam", Dose: "20mg", Frequency: "nocte"}, true, 10, ""},
		{"as needed is not guessed", ListedMedicine{Name: "lorazepam", Dose: "1 mg", Frequency: "as needed"}, false, 0, "taken as needed"},
		{"a range of doses is not guessed", ListedMedicine{Name: "Ativan", Dose: "1-2 mg", Frequency: "daily"}, false, 0, `the dose "1-2 mg" cannot be read as mg`},
		{"tablets are not mg", ListedMedicine{Name: "Xanax", Dose: "1 tab", Frequency: "daily"}, false, 0, "cannot be read as mg"},
		{"no frequency", ListedMedicine{Name: "diazepam", Dose: "5 mg"}, false, 0, "how often it is taken is not written"},
		{"every 5 hours is not a whole number a day", ListedMedicine{Name: "diazepam", Dose: "5 mg", Frequency: "every 5 hours"}, false, 0, "cannot be read as a number of times a day"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, ok := BenzodiazepineDayOf(c.med)
			if !ok {
				t.Fatal("not recognised as a benzodiazepine")
			}
			if d.Known != c.known || d.DiazepamMgPerDay != c.diazepam {
				t.Errorf("known %v, %v mg diazepam; want %v, %v (%s)", d.Known, d.DiazepamMgPerDay, c.known, c.diazepam, d)
			}
			if !d.Known && !strings.Contains(d.String(), "ask and record") {
				t.Errorf("%q does not say what to do", d)
			}
			if c.line != "" && !strings.Contains(d.String(), c.line) {
				t.Errorf("line %q, want it to hold %q", d, c.line)
			}
		})
	}
	if _, ok := BenzodiazepineDayOf(ListedMedicine{Name: "sertraline", Dose: "50 mg", Frequency: "daily"}); ok {
		t.Error("sertraline taken for a benzodiazepine")
	}
}

func TestMedicationFactsFromChartAndIntake(t *testing.T) {
	f := screening.Facts{}
	days := MedicationFacts(f, []ListedMedicine{
		{Name: "lorazepam", Dose: "1 mg", Frequency: "twice daily"},
		{Name: "sertraline", Dose: "100 mg", Frequency: "daily"},
		{Name: "Lamictal", Dose: "100 mg", Frequency: "daily"},
	}, true)
	if len(days) != 1 || f[screening.FactDiazepamEquivalentMgPerDay] != screening.Number(20) {
		t.Errorf("days %v, equivalent %v", days, f[screening.FactDiazepamEquivalentMgPerDay])
	}
	if f[screening.FactBenzodiazepine] != screening.Bool(true) || f[screening.FactLamotrigine] != screening.Bool(true) || f[screening.FactMAOI] != screening.Bool(false) {
		t.Errorf("facts %v", f)
	}
	// One unreadable day leaves the total unknown rather than understated.
	f = screening.Facts{}
	MedicationFacts(f, []ListedMedicine{{Name: "lorazepam", Dose: "1 mg", Frequency: "twice daily"}, {Name: "diazepam", Dose: "5 mg", Frequency: "prn"}}, true)
	if _, ok := f[screening.FactDiazepamEquivalentMgPerDay]; ok {
		t.Errorf("a partial total was given: %v", f[screening.FactDiazepamEquivalentMgPerDay])
	}
}
