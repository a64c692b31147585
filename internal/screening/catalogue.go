package screening

// Fact names. The intake, the screening visit and the rule file all speak these names; the rule
// file is checked against this catalogue when it is loaded.
const (
	FactKetamineAllergy            = "allergy.ketamine"
	FactHeartDisease               = "history.heart_disease"
	FactSevereCoronaryMyocardial   = "history.severe_coronary_myocardial_disease"
	FactHypertension               = "history.hypertension"
	FactHypertensionControlled     = "history.hypertension_controlled"
	FactStroke                     = "history.stroke"
	FactAneurysmAVM                = "history.aneurysm_avm"
	FactIntracerebralHaemorrhage   = "history.intracerebral_haemorrhage"
	FactBrainInjury                = "history.brain_injury"
	FactRaisedIntracranialPressure = "history.raised_intracranial_pressure"
	FactGlaucoma                   = "history.glaucoma"
	FactLiverDisease               = "history.liver_disease"
	FactSeizures                   = "history.seizures"
	FactUrinaryBladder             = "history.urinary_bladder_problems"
	FactEclampsia                  = "history.eclampsia_pre_eclampsia"

	FactPregnant      = "pregnancy.pregnant"
	FactBreastfeeding = "pregnancy.breastfeeding"

	FactPsychosisCurrent        = "psych.psychosis_current"
	FactPsychosisHistory        = "psych.psychosis_history"
	FactManiaCurrent            = "psych.mania_current"
	FactManiaHistory            = "psych.mania_history"
	FactBipolarDiagnosis        = "psych.bipolar_diagnosis"
	FactSuicideAttempt          = "psych.suicide_attempt"
	FactSuicidalThoughtsCurrent = "psych.suicidal_thoughts_current"
	FactEatingDisorder          = "psych.eating_disorder"
	FactDissociativeDisorder    = "psych.dissociative_disorder"

	FactAlcohol              = "substance.alcohol"
	FactKetamineUse          = "substance.ketamine"
	FactCannabis             = "substance.cannabis"
	FactStimulants           = "substance.stimulants"
	FactOpioids              = "substance.opioids"
	FactOtherSubstance       = "substance.other"
	FactSubstanceUseDisorder = "substance.use_disorder"

	FactBenzodiazepine             = "meds.benzodiazepine"
	FactDiazepamEquivalentMgPerDay = "meds.diazepam_eq_mg_per_day"
	FactLamotrigine                = "meds.lamotrigine"
	FactMAOI                       = "meds.maoi"
	FactPsychostimulant            = "meds.psychostimulant"
	FactSedativeHypnotic           = "meds.sedative_hypnotic"

	FactBPSystolic  = "vitals.bp_systolic"
	FactBPDiastolic = "vitals.bp_diastolic"
)

// Substance-use frequencies, from least to most often. "past" means used before but not now.
const (
	FrequencyNever   = "never"
	FrequencyPast    = "past"
	FrequencyMonthly = "monthly"
	FrequencyWeekly  = "weekly"
	FrequencyDaily   = "daily"
)

// Frequencies lists the substance-use frequencies in order.
func Frequencies() []string {
	return []string{FrequencyNever, FrequencyPast, FrequencyMonthly, FrequencyWeekly, FrequencyDaily}
}

// catalogue is built on each call so that no shared map can be changed behind a caller's back.
func catalogue() map[string]FactSpec {
	out := map[string]FactSpec{}
	yes := func(name, desc string) { out[name] = FactSpec{Name: name, Kind: KindBool, Description: desc} }
	freq := func(name, desc string) {
		out[name] = FactSpec{Name: name, Kind: KindText, Description: desc, Values: Frequencies()}
	}
	num := func(name, desc, unit string, lo, hi float64) {
		out[name] = FactSpec{Name: name, Kind: KindNumber, Description: desc, Unit: unit, Min: lo, Max: hi}
	}

	yes(FactKetamineAllergy, "allergy or hypersensitivity to ketamine or esketamine")
	yes(FactHeartDisease, "any heart condition")
	yes(FactSevereCoronaryMyocardial, "severe coronary or myocardial disease")
	yes(FactHypertension, "high blood pressure diagnosed")
	yes(FactHypertensionControlled, "high blood pressure controlled by treatment (asked only if diagnosed)")
	yes(FactStroke, "stroke")
	yes(FactAneurysmAVM, "aneurysm or arteriovenous malformation")
	yes(FactIntracerebralHaemorrhage, "bleeding in the brain, ever")
	yes(FactBrainInjury, "brain injury (cerebral trauma)")
	yes(FactRaisedIntracranialPressure, "raised pressure inside the head")
	yes(FactGlaucoma, "glaucoma or raised pressure in the eye")
	yes(FactLiverDisease, "liver disease")
	yes(FactSeizures, "seizures or epilepsy")
	yes(FactUrinaryBladder, "urinary or bladder problems")
	yes(FactEclampsia, "eclampsia or pre-eclampsia, now or recently")
	yes(FactPregnant, "pregnant or might be")
	yes(FactBreastfeeding, "breastfeeding")
	yes(FactPsychosisCurrent, "psychosis now")
	yes(FactPsychosisHistory, "psychosis in the past")
	yes(FactManiaCurrent, "mania or hypomania now")
	yes(FactManiaHistory, "mania or hypomania in the past")
	yes(FactBipolarDiagnosis, "bipolar disorder diagnosed")
	yes(FactSuicideAttempt, "suicide attempt, ever")
	yes(FactSuicidalThoughtsCurrent, "thoughts of ending one's life in the past month")
	yes(FactEatingDisorder, "eating disorder")
	yes(FactDissociativeDisorder, "dissociative disorder")
	freq(FactAlcohol, "how often alcohol is used")
	freq(FactKetamineUse, "how often ketamine is used outside treatment")
	freq(FactCannabis, "how often cannabis is used")
	freq(FactStimulants, "how often non-prescribed stimulants are used")
	freq(FactOpioids, "how often non-prescribed opioids are used")
	freq(FactOtherSubstance, "how often another drug is used")
	yes(FactSubstanceUseDisorder, "substance use disorder diagnosed or in treatment")
	yes(FactBenzodiazepine, "takes a benzodiazepine")
	num(FactDiazepamEquivalentMgPerDay, "daily benzodiazepine dose as diazepam equivalent (Ashton)", "mg/d", 0, 1000)
	yes(FactLamotrigine, "takes lamotrigine")
	yes(FactMAOI, "takes a monoamine oxidase inhibitor")
	yes(FactPsychostimulant, "takes a psychostimulant")
	yes(FactSedativeHypnotic, "takes a non-benzodiazepine sedative-hypnotic")
	num(FactBPSystolic, "resting systolic blood pressure at screening", "mm[Hg]", 40, 300)
	num(FactBPDiastolic, "resting diastolic blood pressure at screening", "mm[Hg]", 20, 200)
	return out
}
