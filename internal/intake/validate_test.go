package intake

import (
	"math"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", longTextMax+1)
	cases := []struct {
		name   string
		change func(*Intake)
		field  string
		msg    string
	}{
		{"an answer that is not yes, no or not sure", func(i *Intake) { i.Medical.Pregnancy = "maybe" },
			"medical.pregnancy", "Yes, No or Not sure"},
		{"a frequency not on the list", func(i *Intake) { i.Substances.Alcohol = "sometimes" },
			"substances.alcohol", "one of the options"},
		{"notes too long", func(i *Intake) { i.Psychiatric.Notes = long }, "psychiatric.notes", "4,000 characters"},
		{"goals too long", func(i *Intake) { i.Goals.Text = long }, "goals.text", "4,000 characters"},
		{"when of an attempt too long", func(i *Intake) { i.Psychiatric.SuicideAttemptWhen = strings.Repeat("x", shortTextMax+1) },
			"psychiatric.suicide_attempt_when", "200 characters"},
		{"medicines listed after saying none", func(i *Intake) {
			i.Medications = Medications{TakesMedications: No, List: []Medication{{Name: "sertraline"}}}
		}, "medications.list", "remove them or change your answer"},
		{"too many medicines", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: make([]Medication, maxMedications+1)}
			for n := range i.Medications.List {
				i.Medications.List[n].Name = "vitamin"
			}
		}, "medications.list", "at most 50"},
		{"a row without a name", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Dose: 5}}}
		}, "medications.list[0].name", "write the medicine's name"},
		{"a negative dose", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "sertraline", Dose: -5}}}
		}, "medications.list[0].dose", "as a number"},
		{"a dose that is not a number", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "sertraline", Dose: math.NaN()}}}
		}, "medications.list[0].dose", "as a number"},
		{"a daily dose of zero", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Xanax", DailyDoseMg: mg(0)}}}
		}, "medications.list[0].daily_dose_mg", "above 0"},
		{"a daily dose over 1,000 mg", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "Xanax", DailyDoseMg: mg(1000.5)}}}
		}, "medications.list[0].daily_dose_mg", "check the number"},
		{"a unit too long", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "sertraline", Unit: strings.Repeat("m", 21)}}}
		}, "medications.list[0].unit", "20 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := complete()
			tc.change(&i)
			fe := i.Validate()
			if len(fe) != 1 || !strings.Contains(fe[tc.field], tc.msg) {
				t.Errorf("errors %v, want only %s: …%s…", fe, tc.field, tc.msg)
			}
			// The same error comes from the section alone, as the portal saves it.
			name := strings.SplitN(tc.field, ".", 2)[0]
			s, _ := i.Section(name)
			if _, ok := s.Validate()[tc.field]; !ok {
				t.Errorf("section %s alone does not report %s", name, tc.field)
			}
		})
	}
}

func TestValidateAcceptsWellFormedAnswers(t *testing.T) {
	i := complete()
	i.Medical.Stroke = NotSure
	i.Medical.Glaucoma = Unanswered
	i.Goals.Text = strings.Repeat("a", longTextMax)
	i.Medications = Medications{TakesMedications: Yes, List: []Medication{
		{Name: "Xanax", Dose: 0.5, Unit: "mg", Frequency: "twice a day", DailyDoseMg: mg(1)},
		{Name: "sertraline", Dose: 100, Unit: "mg"},
		{Name: "Xanax", DailyDoseMg: mg(1000)},
	}}
	if fe := i.Validate(); len(fe) != 0 {
		t.Errorf("errors %v on a well-formed intake", fe)
	}
}

func TestMedicationNameTooLong(t *testing.T) {
	m := Medications{TakesMedications: Yes, List: []Medication{{Name: strings.Repeat("n", shortTextMax+1)}}}
	if msg := m.Validate()["medications.list[0].name"]; !strings.Contains(msg, "200 characters") {
		t.Errorf("message %q", msg)
	}
	m.List[0].Name = strings.Repeat("n", shortTextMax)
	if fe := m.Validate(); len(fe) != 0 {
		t.Errorf("a name of exactly %d characters is refused: %v", shortTextMax, fe)
	}
}
