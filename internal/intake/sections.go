package intake

// Medical is the physical-health section.
type Medical struct {
	HeartDisease                      Answer `json:"heart_disease,omitempty"`
	SevereCoronaryOrMyocardialDisease Answer `json:"severe_coronary_or_myocardial_disease,omitempty"`
	Hypertension                      Answer `json:"hypertension,omitempty"`
	HypertensionControlled            Answer `json:"hypertension_controlled,omitempty"`
	Stroke                            Answer `json:"stroke,omitempty"`
	AneurysmOrAVM                     Answer `json:"aneurysm_or_avm,omitempty"`
	IntracerebralHaemorrhage          Answer `json:"intracerebral_haemorrhage,omitempty"`
	BrainInjury                       Answer `json:"brain_injury,omitempty"`
	RaisedIntracranialPressure        Answer `json:"raised_intracranial_pressure,omitempty"`
	Glaucoma                          Answer `json:"glaucoma,omitempty"`
	LiverDisease                      Answer `json:"liver_disease,omitempty"`
	Seizures                          Answer `json:"seizures,omitempty"`
	UrinaryOrBladderProblems          Answer `json:"urinary_or_bladder_problems,omitempty"`
	Pregnancy                         Answer `json:"pregnancy,omitempty"`
	Breastfeeding                     Answer `json:"breastfeeding,omitempty"`
	EclampsiaOrPreEclampsia           Answer `json:"eclampsia_or_pre_eclampsia,omitempty"`
	KetamineAllergy                   Answer `json:"ketamine_allergy,omitempty"`
	OtherConditions                   string `json:"other_conditions,omitempty"`
}

// SectionName is "medical".
func (Medical) SectionName() string { return SectionMedical }

func (m Medical) answers() map[string]string {
	return map[string]string{
		"medical.heart_disease":                         string(m.HeartDisease),
		"medical.severe_coronary_or_myocardial_disease": string(m.SevereCoronaryOrMyocardialDisease),
		"medical.hypertension":                          string(m.Hypertension),
		"medical.hypertension_controlled":               string(m.HypertensionControlled),
		"medical.stroke":                                string(m.Stroke),
		"medical.aneurysm_or_avm":                       string(m.AneurysmOrAVM),
		"medical.intracerebral_haemorrhage":             string(m.IntracerebralHaemorrhage),
		"medical.brain_injury":                          string(m.BrainInjury),
		"medical.raised_intracranial_pressure":          string(m.RaisedIntracranialPressure),
		"medical.glaucoma":                              string(m.Glaucoma),
		"medical.liver_disease":                         string(m.LiverDisease),
		"medical.seizures":                              string(m.Seizures),
		"medical.urinary_or_bladder_problems":           string(m.UrinaryOrBladderProblems),
		"medical.pregnancy":                             string(m.Pregnancy),
		"medical.breastfeeding":                         string(m.Breastfeeding),
		"medical.eclampsia_or_pre_eclampsia":            string(m.EclampsiaOrPreEclampsia),
		"medical.ketamine_allergy":                      string(m.KetamineAllergy),
		"medical.other_conditions":                      m.OtherConditions,
	}
}

// Validate checks what was entered is well formed; unanswered questions are Missing, not errors.
func (m Medical) Validate() FieldErrors {
	return validateAnswers(m.answers())
}

// Psychiatric is the mental-health section.
type Psychiatric struct {
	PsychosisCurrent        Answer `json:"psychosis_current,omitempty"`
	PsychosisHistory        Answer `json:"psychosis_history,omitempty"`
	ManiaCurrent            Answer `json:"mania_current,omitempty"`
	ManiaHistory            Answer `json:"mania_history,omitempty"`
	BipolarDiagnosis        Answer `json:"bipolar_diagnosis,omitempty"`
	SuicideAttempt          Answer `json:"suicide_attempt,omitempty"`
	SuicideAttemptWhen      string `json:"suicide_attempt_when,omitempty"`
	SuicidalThoughtsCurrent Answer `json:"suicidal_thoughts_current,omitempty"`
	EatingDisorder          Answer `json:"eating_disorder,omitempty"`
	DissociativeDisorder    Answer `json:"dissociative_disorder,omitempty"`
	Notes                   string `json:"notes,omitempty"`
}

// SectionName is "psychiatric".
func (Psychiatric) SectionName() string { return SectionPsychiatric }

func (p Psychiatric) answers() map[string]string {
	return map[string]string{
		"psychiatric.psychosis_current":         string(p.PsychosisCurrent),
		"psychiatric.psychosis_history":         string(p.PsychosisHistory),
		"psychiatric.mania_current":             string(p.ManiaCurrent),
		"psychiatric.mania_history":             string(p.ManiaHistory),
		"psychiatric.bipolar_diagnosis":         string(p.BipolarDiagnosis),
		"psychiatric.suicide_attempt":           string(p.SuicideAttempt),
		"psychiatric.suicide_attempt_when":      p.SuicideAttemptWhen,
		"psychiatric.suicidal_thoughts_current": string(p.SuicidalThoughtsCurrent),
		"psychiatric.eating_disorder":           string(p.EatingDisorder),
		"psychiatric.dissociative_disorder":     string(p.DissociativeDisorder),
		"psychiatric.notes":                     p.Notes,
	}
}

// Validate checks what was entered is well formed.
func (p Psychiatric) Validate() FieldErrors {
	return validateAnswers(p.answers())
}

// Substances is the alcohol-and-other-drugs section.
type Substances struct {
	Alcohol    Frequency `json:"alcohol,omitempty"`
	Ketamine   Frequency `json:"ketamine,omitempty"`
	Cannabis   Frequency `json:"cannabis,omitempty"`
	Stimulants Frequency `json:"stimulants,omitempty"`
	Opioids    Frequency `json:"opioids,omitempty"`
	Other      Frequency `json:"other,omitempty"`
	OtherName  string    `json:"other_name,omitempty"`
	// UseDisorder: a substance use disorder (alcohol included) ever diagnosed, or ever treated.
	UseDisorder Answer `json:"use_disorder,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// SectionName is "substances".
func (Substances) SectionName() string { return SectionSubstances }

func (s Substances) answers() map[string]string {
	return map[string]string{
		"substances.alcohol":      string(s.Alcohol),
		"substances.ketamine":     string(s.Ketamine),
		"substances.cannabis":     string(s.Cannabis),
		"substances.stimulants":   string(s.Stimulants),
		"substances.opioids":      string(s.Opioids),
		"substances.other":        string(s.Other),
		"substances.other_name":   s.OtherName,
		"substances.use_disorder": string(s.UseDisorder),
		"substances.notes":        s.Notes,
	}
}

// Validate checks what was entered is well formed.
func (s Substances) Validate() FieldErrors {
	return validateAnswers(s.answers())
}

// Experience is the section on earlier ketamine and psychedelic experience.
type Experience struct {
	PriorKetamineTreatment     Answer `json:"prior_ketamine_treatment,omitempty"`
	PriorPsychedelicExperience Answer `json:"prior_psychedelic_experience,omitempty"`
	Notes                      string `json:"notes,omitempty"`
}

// SectionName is "experience".
func (Experience) SectionName() string { return SectionExperience }

func (e Experience) answers() map[string]string {
	return map[string]string{
		"experience.prior_ketamine_treatment":     string(e.PriorKetamineTreatment),
		"experience.prior_psychedelic_experience": string(e.PriorPsychedelicExperience),
		"experience.notes":                        e.Notes,
	}
}

// Validate checks what was entered is well formed.
func (e Experience) Validate() FieldErrors {
	return validateAnswers(e.answers())
}

// Goals is what the person hopes for, in their own words.
type Goals struct {
	Text string `json:"text,omitempty"`
}

// SectionName is "goals".
func (Goals) SectionName() string { return SectionGoals }

func (g Goals) answers() map[string]string { return map[string]string{"goals.text": g.Text} }

// Validate checks what was entered is well formed.
func (g Goals) Validate() FieldErrors {
	return validateAnswers(g.answers())
}

// validateAnswers checks each answer against its question's kind and length, so the checks cannot
// drift from the questions the form shows.
func validateAnswers(answers map[string]string) FieldErrors {
	fe := FieldErrors{}
	for _, q := range Questions() {
		v, ok := answers[q.Path]
		if !ok {
			continue
		}
		switch q.Kind {
		case KindYesNo:
			checkAnswer(fe, q.Path, Answer(v))
		case KindFrequency:
			checkFrequency(fe, q.Path, Frequency(v))
		case KindShortText, KindLongText:
			checkText(fe, q.Path, v, q.MaxLength)
		}
	}
	return fe
}
