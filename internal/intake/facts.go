package intake

import (
	"holdspace/internal/screening"
)

// Facts turns the intake into the flat facts the screening rules read. Unanswered and "not sure"
// give no fact, so the screening lists them as unanswered instead of reading them as No. A question
// that was not asked gives no fact either, except where the earlier answer settles it: a person
// with no heart condition has no severe heart disease. Blood pressure is not part of the intake;
// merge the screening visit's vitals over these facts.
func (i Intake) Facts() screening.Facts {
	f := screening.Facts{}
	answers := i.answers()
	put := func(fact, path string) {
		q, ok := QuestionFor(path)
		if !ok || !asked(q, answers) {
			return
		}
		switch Answer(answers[path]) {
		case Yes:
			f[fact] = screening.Bool(true)
		case No:
			f[fact] = screening.Bool(false)
		}
	}
	putFrequency := func(fact string, v Frequency) {
		if v != FrequencyUnanswered && v.valid() {
			f[fact] = screening.Text(string(v))
		}
	}

	put(screening.FactKetamineAllergy, "medical.ketamine_allergy")
	put(screening.FactHeartDisease, "medical.heart_disease")
	put(screening.FactSevereCoronaryMyocardial, "medical.severe_coronary_or_myocardial_disease")
	if i.Medical.HeartDisease == No {
		f[screening.FactSevereCoronaryMyocardial] = screening.Bool(false)
	}
	put(screening.FactHypertension, "medical.hypertension")
	put(screening.FactHypertensionControlled, "medical.hypertension_controlled")
	put(screening.FactStroke, "medical.stroke")
	put(screening.FactAneurysmAVM, "medical.aneurysm_or_avm")
	put(screening.FactIntracerebralHaemorrhage, "medical.intracerebral_haemorrhage")
	put(screening.FactBrainInjury, "medical.brain_injury")
	put(screening.FactRaisedIntracranialPressure, "medical.raised_intracranial_pressure")
	put(screening.FactGlaucoma, "medical.glaucoma")
	put(screening.FactLiverDisease, "medical.liver_disease")
	put(screening.FactSeizures, "medical.seizures")
	put(screening.FactUrinaryBladder, "medical.urinary_or_bladder_problems")
	put(screening.FactEclampsia, "medical.eclampsia_or_pre_eclampsia")
	put(screening.FactPregnant, "medical.pregnancy")
	put(screening.FactBreastfeeding, "medical.breastfeeding")

	put(screening.FactPsychosisCurrent, "psychiatric.psychosis_current")
	put(screening.FactPsychosisHistory, "psychiatric.psychosis_history")
	put(screening.FactManiaCurrent, "psychiatric.mania_current")
	put(screening.FactManiaHistory, "psychiatric.mania_history")
	put(screening.FactBipolarDiagnosis, "psychiatric.bipolar_diagnosis")
	put(screening.FactSuicideAttempt, "psychiatric.suicide_attempt")
	put(screening.FactSuicidalThoughtsCurrent, "psychiatric.suicidal_thoughts_current")
	put(screening.FactEatingDisorder, "psychiatric.eating_disorder")
	put(screening.FactDissociativeDisorder, "psychiatric.dissociative_disorder")

	s := i.Substances
	putFrequency(screening.FactAlcohol, s.Alcohol)
	putFrequency(screening.FactKetamineUse, s.Ketamine)
	putFrequency(screening.FactCannabis, s.Cannabis)
	putFrequency(screening.FactStimulants, s.Stimulants)
	putFrequency(screening.FactOpioids, s.Opioids)
	putFrequency(screening.FactOtherSubstance, s.Other)
	put(screening.FactSubstanceUseDisorder, "substances.use_disorder")

	i.Medications.putFacts(f)
	return f
}

// putFacts sets the medication facts. A medicine on the list counts whatever the answer above it
// says. A class is known to be absent only when the person takes nothing, or said yes and gave a
// list; with "not sure" or no answer, an empty slot in the list proves nothing.
func (m Medications) putFacts(f screening.Facts) {
	listComplete := m.TakesMedications == No || (m.TakesMedications == Yes && len(m.List) > 0)
	present := map[MedicationClass]bool{}
	for _, med := range m.List {
		present[med.Class()] = true
	}
	putClassFacts(f, present, listComplete)
	switch {
	case present[ClassBenzodiazepine]:
		if mg, complete := DiazepamEquivalentMgPerDay(m.List); complete {
			f[screening.FactDiazepamEquivalentMgPerDay] = screening.Number(mg)
		}
	case listComplete:
		f[screening.FactDiazepamEquivalentMgPerDay] = screening.Number(0)
	}
}

// classFacts are the medication classes the screening reads, each with
// its fact.
var classFacts = []struct {
	class MedicationClass
	fact  string
}{
	{ClassBenzodiazepine, screening.FactBenzodiazepine},
	{ClassLamotrigine, screening.FactLamotrigine},
	{ClassMAOI, screening.FactMAOI},
	{ClassPsychostimulant, screening.FactPsychostimulant},
	{ClassSedativeHypnotic, screening.FactSedativeHypnotic},
}

// putClassFacts sets each class's fact: true when a medicine of it is
// present, false when listComplete lets its absence be known, else
// nothing.
func putClassFacts(f screening.Facts, present map[MedicationClass]bool, listComplete bool) {
	for _, c := range classFacts {
		switch {
		case present[c.class]:
			f[c.fact] = screening.Bool(true)
		case listComplete:
			f[c.fact] = screening.Bool(false)
		}
	}
}
