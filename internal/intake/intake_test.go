package intake

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// complete is an intake with every required question answered and nothing to report.
func complete() Intake {
	return Intake{
		Medical: Medical{
			HeartDisease: No, Hypertension: No, Stroke: No, AneurysmOrAVM: No,
			IntracerebralHaemorrhage: No, BrainInjury: No, RaisedIntracranialPressure: No, Glaucoma: No,
			LiverDisease: No, Seizures: No, UrinaryOrBladderProblems: No, Pregnancy: No, Breastfeeding: No,
			EclampsiaOrPreEclampsia: No, KetamineAllergy: No,
		},
		Psychiatric: Psychiatric{
			PsychosisCurrent: No, PsychosisHistory: No, ManiaCurrent: No, ManiaHistory: No, BipolarDiagnosis: No,
			SuicideAttempt: No, SuicidalThoughtsCurrent: No, EatingDisorder: No, DissociativeDisorder: No,
		},
		Substances: Substances{
			Alcohol: Monthly, Ketamine: Never, Cannabis: Never, Stimulants: Never, Opioids: Never, Other: Never,
			UseDisorder: No,
		},
		Medications: Medications{TakesMedications: No},
		Experience:  Experience{PriorKetamineTreatment: No, PriorPsychedelicExperience: No},
	}
}

func TestSectionNamesFollowTheForm(t *testing.T) {
	var fromForm []string
	for _, s := range Sections() {
		fromForm = append(fromForm, s.Name)
	}
	if !slices.Equal(SectionNames(), fromForm) {
		t.Errorf("SectionNames %v, form %v", SectionNames(), fromForm)
	}
	var i Intake
	for _, name := range SectionNames() {
		s, ok := i.Section(name)
		if !ok || s.SectionName() != name {
			t.Errorf("Section(%q) = %v, %v", name, s, ok)
		}
	}
	if _, ok := i.Section("billing"); ok {
		t.Error("an unknown section must not be found")
	}
}

func TestPutReplacesOneSection(t *testing.T) {
	i := complete()
	i.Put(Goals{Text: "to feel at home in myself"})
	i.Put(&Medical{HeartDisease: Yes})
	if i.Goals.Text != "to feel at home in myself" || i.Medical.HeartDisease != Yes || i.Medical.Stroke != Unanswered {
		t.Errorf("after Put: %+v / %+v", i.Goals, i.Medical)
	}
	if i.Psychiatric.PsychosisCurrent != No {
		t.Error("Put changed another section")
	}
}

// Every question's path names a JSON field of its section, and every answer a section reports
// is a question, so the form, the stored JSON and Missing cannot drift apart.
func TestQuestionPathsMatchTheStructs(t *testing.T) {
	var i Intake
	fields := map[string]bool{}
	it := reflect.TypeOf(i)
	for n := range it.NumField() {
		sf := it.Field(n)
		section := strings.Split(sf.Tag.Get("json"), ",")[0]
		for m := range sf.Type.NumField() {
			tag := strings.Split(sf.Type.Field(m).Tag.Get("json"), ",")[0]
			fields[section+"."+tag] = true
		}
	}
	mt := reflect.TypeOf(Medication{})
	for m := range mt.NumField() {
		fields["medications.list[]."+strings.Split(mt.Field(m).Tag.Get("json"), ",")[0]] = true
	}
	questions := map[string]bool{}
	for _, q := range Questions() {
		if questions[q.Path] {
			t.Errorf("question %s appears twice", q.Path)
		}
		questions[q.Path] = true
		if !fields[q.Path] {
			t.Errorf("question %s has no field", q.Path)
		}
		if q.Label == "" {
			t.Errorf("question %s has no label", q.Path)
		}
		if q.AskWhen != nil && !fields[q.AskWhen.Path] {
			t.Errorf("question %s depends on %s, which is no field", q.Path, q.AskWhen.Path)
		}
	}
	for path := range fields {
		if !questions[path] {
			t.Errorf("field %s has no question, so the form would never ask it", path)
		}
	}
	for _, s := range i.sections() {
		for path := range s.answers() {
			if !questions[path] {
				t.Errorf("section %s reports answer %s that is no question", s.SectionName(), path)
			}
		}
	}
}

func TestChoiceQuestionsOfferTheirOptions(t *testing.T) {
	for _, q := range Questions() {
		switch q.Kind {
		case KindYesNo:
			if len(q.Options) != 3 {
				t.Errorf("%s: yes/no offers %v", q.Path, q.Options)
			}
		case KindFrequency:
			if len(q.Options) != 5 {
				t.Errorf("%s: frequency offers %v", q.Path, q.Options)
			}
			for _, o := range q.Options {
				if !Frequency(o.Value).valid() {
					t.Errorf("%s: option %q is not a frequency", q.Path, o.Value)
				}
			}
		case KindShortText, KindLongText:
			if q.MaxLength == 0 {
				t.Errorf("%s: free text without a length limit", q.Path)
			}
		}
	}
}

func TestQuestionFor(t *testing.T) {
	for _, path := range []string{"medical.pregnancy", "medications.list[3].daily_dose_mg", "medications.list[].name"} {
		if _, ok := QuestionFor(path); !ok {
			t.Errorf("QuestionFor(%q) not found", path)
		}
	}
	if _, ok := QuestionFor("medical.pregnant"); ok {
		t.Error("a wrong path must not be found")
	}
}

func TestMissing(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Intake)
		want   []string
	}{
		{"complete intake", func(*Intake) {}, nil},
		{"not sure counts as answered", func(i *Intake) { i.Medical.Stroke = NotSure }, nil},
		{"no counts as answered", func(i *Intake) { i.Medical.Stroke = No }, nil},
		{"one question left open", func(i *Intake) { i.Medical.Pregnancy = Unanswered }, []string{"medical.pregnancy"}},
		{"free text is not required", func(i *Intake) { i.Goals.Text = "" }, nil},
		{"high blood pressure asks whether controlled", func(i *Intake) { i.Medical.Hypertension = Yes },
			[]string{"medical.hypertension_controlled"}},
		{"control not asked without high blood pressure", func(i *Intake) { i.Medical.Hypertension = NotSure }, nil},
		{"heart condition asks whether severe", func(i *Intake) { i.Medical.HeartDisease = Yes },
			[]string{"medical.severe_coronary_or_myocardial_disease"}},
		{"unsure heart condition asks whether severe", func(i *Intake) { i.Medical.HeartDisease = NotSure },
			[]string{"medical.severe_coronary_or_myocardial_disease"}},
		{"a past attempt asks when", func(i *Intake) { i.Psychiatric.SuicideAttempt = Yes },
			[]string{"psychiatric.suicide_attempt_when"}},
		{"a past attempt with when given", func(i *Intake) {
			i.Psychiatric.SuicideAttempt = Yes
			i.Psychiatric.SuicideAttemptWhen = "2019"
		}, nil},
		{"another drug asks which", func(i *Intake) { i.Substances.Other = Weekly }, []string{"substances.other_name"}},
		{"another drug never used asks nothing", func(i *Intake) { i.Substances.Other = Never }, nil},
		{"taking medicines asks for the list", func(i *Intake) { i.Medications.TakesMedications = Yes },
			[]string{"medications.list"}},
		{"not sure about medicines with no list", func(i *Intake) { i.Medications.TakesMedications = NotSure }, nil},
		{"a benzodiazepine needs its daily dose", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: "sertraline"}, {Name: "Xanax", Dose: 0.5, Unit: "mg"}}}
		}, []string{"medications.list[1].daily_dose_mg"}},
		{"a benzodiazepine listed under not sure still needs its dose", func(i *Intake) {
			i.Medications = Medications{TakesMedications: NotSure, List: []Medication{{Name: "lorazepam"}}}
		}, []string{"medications.list[0].daily_dose_mg"}},
		{"a row without a name", func(i *Intake) {
			i.Medications = Medications{TakesMedications: Yes, List: []Medication{{Name: " ", Dose: 5}}}
		}, []string{"medications.list[0].name"}},
		{"several open, in form order", func(i *Intake) {
			i.Experience.PriorKetamineTreatment = Unanswered
			i.Medical.HeartDisease = Unanswered
			i.Substances.Alcohol = FrequencyUnanswered
		}, []string{"medical.heart_disease", "substances.alcohol", "experience.prior_ketamine_treatment"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := complete()
			tc.change(&i)
			if got := i.Missing(); !slices.Equal(got, tc.want) {
				t.Errorf("Missing() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMissingOnAnEmptyIntakeListsEveryUnconditionalQuestion(t *testing.T) {
	var want []string
	for _, q := range Questions() {
		if q.Required && q.AskWhen == nil && !strings.Contains(q.Path, "[]") {
			want = append(want, q.Path)
		}
	}
	if got := (Intake{}).Missing(); !slices.Equal(got, want) {
		t.Errorf("Missing() = %v\nwant %v", got, want)
	}
	if len(want) < 30 {
		t.Errorf("only %d required questions; the yes/no and frequency questions are all required", len(want))
	}
}
