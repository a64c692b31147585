package intake

import (
	"fmt"
	"slices"
	"strings"
)

// Section names, in the order the form asks them.
const (
	SectionMedical     = "medical"
	SectionPsychiatric = "psychiatric"
	SectionSubstances  = "substances"
	SectionMedications = "medications"
	SectionExperience  = "experience"
	SectionGoals       = "goals"
)

// SectionNames lists the sections in form order.
func SectionNames() []string {
	return []string{SectionMedical, SectionPsychiatric, SectionSubstances, SectionMedications, SectionExperience, SectionGoals}
}

// Section is one part of the intake that the portal saves on its own.
type Section interface {
	SectionName() string
	Validate() FieldErrors
	answers() map[string]string
}

// Intake is the preparation-phase questionnaire a person fills in before a course.
type Intake struct {
	Medical     Medical     `json:"medical"`
	Psychiatric Psychiatric `json:"psychiatric"`
	Substances  Substances  `json:"substances"`
	Medications Medications `json:"medications"`
	Experience  Experience  `json:"experience"`
	Goals       Goals       `json:"goals"`
}

// Section returns the named section.
func (i Intake) Section(name string) (Section, bool) {
	for _, s := range i.sections() {
		if s.SectionName() == name {
			return s, true
		}
	}
	return nil, false
}

// Put replaces one section, as saved from its page of the portal; a
// pointer to a section puts the section it points to.
func (i *Intake) Put(s Section) {
	put(&i.Medical, s)
	put(&i.Psychiatric, s)
	put(&i.Substances, s)
	put(&i.Medications, s)
	put(&i.Experience, s)
	put(&i.Goals, s)
}

// put sets *field to s when s is a T or points to one.
func put[T Section](field *T, s any) {
	switch v := s.(type) {
	case T:
		*field = v
	case *T:
		*field = *v
	}
}

func (i Intake) sections() []Section {
	return []Section{i.Medical, i.Psychiatric, i.Substances, i.Medications, i.Experience, i.Goals}
}

// Validate checks every section.
func (i Intake) Validate() FieldErrors {
	fe := FieldErrors{}
	for _, s := range i.sections() {
		fe.merge(s.Validate())
	}
	return fe
}

func (i Intake) answers() map[string]string {
	out := map[string]string{}
	for _, s := range i.sections() {
		for k, v := range s.answers() {
			out[k] = v
		}
	}
	return out
}

// asked reports whether q is shown given the answers so far. A question that is not asked is
// neither missing nor read as a fact, even if an old answer is still stored for it.
func asked(q Question, answers map[string]string) bool {
	return q.AskWhen == nil || slices.Contains(q.AskWhen.Answers, answers[q.AskWhen.Path])
}

// Missing lists, in form order, the paths of required questions not yet answered, for the
// review-before-submit page. "Not sure" counts as answered: the person has replied, and the
// clinician will go through it with them.
func (i Intake) Missing() []string {
	answers := i.answers()
	var missing []string
	for _, q := range Questions() {
		if !q.Required || !asked(q, answers) || strings.Contains(q.Path, "[]") {
			continue
		}
		if q.Kind == KindMedicationList {
			missing = append(missing, i.Medications.missing()...)
			continue
		}
		if strings.TrimSpace(answers[q.Path]) == "" {
			missing = append(missing, q.Path)
		}
	}
	return missing
}

// missing is called when the list is asked for: the person takes medicines, or is not sure what
// counts. A listed benzodiazepine needs its daily dose either way, for the diazepam-equivalent.
func (m Medications) missing() []string {
	if len(m.List) == 0 {
		if m.TakesMedications == Yes {
			return []string{"medications.list"}
		}
		return nil
	}
	var out []string
	for i, med := range m.List {
		if strings.TrimSpace(med.Name) == "" {
			out = append(out, fmt.Sprintf("medications.list[%d].name", i))
			continue
		}
		if med.Class() == ClassBenzodiazepine && med.DailyDoseMg == nil {
			out = append(out, fmt.Sprintf("medications.list[%d].daily_dose_mg", i))
		}
	}
	return out
}
