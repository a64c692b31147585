package demo

import (
	"fmt"
	"time"

	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// intake gives the demo clients their questionnaires and screenings, one at
// each stage: Jamie half way through; Robert blocked by an absolute
// contraindication (an aneurysm); Priscilla with a relative one (a past
// hypomanic episode) awaiting the prescriber; Alex clear with cautions
// (clonazepam 0.5 mg at night); Maya clear; Daniel cleared by the
// prescriber after a relative finding (alcohol use disorder in long
// recovery), his intake filled in with Sam at the clinic. The medicines
// match the demo charts.
func (w *world) intake() error {
	rules, err := screening.Load()
	if err != nil {
		return err
	}
	day := 24 * time.Hour
	use := func(by eligibility.By, at time.Time) eligibility.Use {
		return eligibility.Use{Tx: w.tx, PracticeID: w.practiceID, By: by, Now: at, Rules: rules}
	}
	client := func(key string) eligibility.By { return eligibility.By{Kind: "client", ID: w.clients[key]} }
	staff := func(key string) eligibility.By { return eligibility.By{Kind: "staff", ID: w.staff[key]} }
	fill := func(key string, by eligibility.By, at time.Time, in intake.Intake, sections ...string) error {
		if len(sections) == 0 {
			sections = intake.SectionNames()
		}
		for i, name := range sections {
			sec, _ := in.Section(name)
			if _, err := use(by, at.Add(time.Duration(i)*3*time.Minute)).SaveSection(w.ctx, w.clients[key], sec); err != nil {
				return fmt.Errorf("demo intake for %s, %s: %w", key, name, err)
			}
		}
		return nil
	}
	// bp is a resting reading taken by Jordan, the monitoring nurse.
	bp := func(key string, sys, dia int, at time.Time) error {
		_, _, err := use(staff("jordan"), at).RecordBloodPressure(w.ctx, w.clients[key], sys, dia, at)
		return err
	}
	submit := func(key string, by eligibility.By, at time.Time) (eligibility.Screening, error) {
		return use(by, at).Submit(w.ctx, w.clients[key])
	}

	// Jamie: the first two parts saved, the second only half answered.
	jamie := demoIntake()
	jamie.Psychiatric = intake.Psychiatric{PsychosisCurrent: intake.No, PsychosisHistory: intake.No, ManiaCurrent: intake.No}
	if err := fill("jamie", client("jamie"), w.now.Add(-2*day), jamie, intake.SectionMedical, intake.SectionPsychiatric); err != nil {
		return err
	}

	// Robert: an aneurysm, found on a scan years ago.
	robert := demoIntake()
	robert.Medical.AneurysmOrAVM = intake.Yes
	robert.Medical.Hypertension = intake.Yes
	robert.Medical.HypertensionControlled = intake.Yes
	robert.Medical.OtherConditions = "Small aneurysm in the brain found on a scan in 2019; it is checked every year."
	robert.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Lisinopril", Dose: 20, Unit: "mg", Frequency: "once a day"},
		{Name: "Bupropion XL", Dose: 300, Unit: "mg", Frequency: "once a day"}}}
	if err := fill("robert", client("robert"), w.now.Add(-12*day), robert); err != nil {
		return err
	}
	if err := bp("robert", 134, 86, w.now.Add(-11*day)); err != nil {
		return err
	}
	if _, err := submit("robert", client("robert"), w.now.Add(-11*day+2*time.Hour)); err != nil {
		return err
	}

	// Priscilla: one hypomanic episode years ago; awaiting Dr. Raman.
	priscilla := demoIntake()
	priscilla.Psychiatric.ManiaHistory = intake.Yes
	priscilla.Psychiatric.Notes = "In 2017, a few weeks after starting a new antidepressant, I barely slept for a week and spent money I didn't have. " +
		"It stopped when the medicine was changed. I have never been diagnosed with bipolar disorder."
	priscilla.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Venlafaxine XR", Dose: 150, Unit: "mg", Frequency: "once a day"}}}
	if err := fill("priscilla", client("priscilla"), w.now.Add(-4*day), priscilla); err != nil {
		return err
	}
	if err := bp("priscilla", 122, 78, w.now.Add(-3*day)); err != nil {
		return err
	}
	if _, err := submit("priscilla", client("priscilla"), w.now.Add(-3*day+time.Hour)); err != nil {
		return err
	}

	// Alex: clonazepam 0.5 mg at night, cautions only (about 10 mg
	// diazepam-equivalent a day: the benzodiazepine cautions, nothing to
	// acknowledge).
	alex := demoIntake()
	half := 0.5
	alex.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Sertraline", Dose: 100, Unit: "mg", Frequency: "every morning"},
		{Name: "Clonazepam", Dose: 0.5, Unit: "mg", Frequency: "at night", DailyDoseMg: &half}},
		Notes: "I stopped escitalopram in January; it did not help."}
	alex.Experience.PriorPsychedelicExperience = intake.Yes
	alex.Experience.Notes = "Psilocybin twice, years ago. The second time was frightening at first."
	alex.Goals.Text = "To feel less numb, and to understand what keeps pulling me back into the dark."
	if err := fill("alex", client("alex"), w.now.Add(-20*day), alex); err != nil {
		return err
	}
	if err := bp("alex", 118, 76, w.now.Add(-19*day)); err != nil {
		return err
	}
	if _, err := submit("alex", client("alex"), w.now.Add(-19*day+time.Hour)); err != nil {
		return err
	}

	// Maya: nothing for the rules to report.
	maya := demoIntake()
	maya.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Escitalopram", Dose: 10, Unit: "mg", Frequency: "once a day"}}}
	if err := fill("maya", client("maya"), w.now.Add(-15*day), maya); err != nil {
		return err
	}
	if err := bp("maya", 112, 72, w.now.Add(-14*day)); err != nil {
		return err
	}
	if _, err := submit("maya", client("maya"), w.now.Add(-14*day+time.Hour)); err != nil {
		return err
	}

	// Daniel: filled in with Sam at the clinic; alcohol use disorder, sober
	// eight years; Dr. Raman acknowledged it.
	daniel := demoIntake()
	daniel.Substances.Alcohol = intake.Past
	daniel.Substances.UseDisorder = intake.Yes
	daniel.Substances.Notes = "Sober since 2017. Still go to meetings most weeks."
	daniel.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Sertraline", Dose: 50, Unit: "mg", Frequency: "once a day"}}}
	if err := fill("daniel", staff("sam"), w.now.Add(-10*day), daniel); err != nil {
		return err
	}
	if err := bp("daniel", 126, 80, w.now.Add(-10*day+time.Hour)); err != nil {
		return err
	}
	s, err := submit("daniel", staff("sam"), w.now.Add(-10*day+2*time.Hour))
	if err != nil {
		return err
	}
	_, err = use(staff("rx"), w.now.Add(-9*day)).Acknowledge(w.ctx, w.clients["daniel"], s.ID, store.NewID(), "rel-substance-use-disorder",
		"Alcohol use disorder in sustained remission for eight years, with ongoing support. No ketamine or other drug use. "+
			"Discussed the risk of misuse; no take-home doses; his sponsor knows about the treatment.")
	return err
}

// demoIntake is a fully answered questionnaire with nothing to report.
func demoIntake() intake.Intake {
	no := intake.No
	return intake.Intake{
		Medical: intake.Medical{
			HeartDisease: no, Hypertension: no, Stroke: no, AneurysmOrAVM: no, IntracerebralHaemorrhage: no, BrainInjury: no,
			RaisedIntracranialPressure: no, Glaucoma: no, LiverDisease: no, Seizures: no, UrinaryOrBladderProblems: no,
			Pregnancy: no, Breastfeeding: no, EclampsiaOrPreEclampsia: no, KetamineAllergy: no,
		},
		Psychiatric: intake.Psychiatric{
			PsychosisCurrent: no, PsychosisHistory: no, ManiaCurrent: no, ManiaHistory: no, BipolarDiagnosis: no,
			SuicideAttempt: no, SuicidalThoughtsCurrent: no, EatingDisorder: no, DissociativeDisorder: no,
		},
		Substances: intake.Substances{
			Alcohol: intake.Monthly, Ketamine: intake.Never, Cannabis: intake.Never, Stimulants: intake.Never,
			Opioids: intake.Never, Other: intake.Never, UseDisorder: no,
		},
		Medications: intake.Medications{TakesMedications: no},
		Experience:  intake.Experience{PriorKetamineTreatment: no, PriorPsychedelicExperience: no},
		Goals:       intake.Goals{Text: "To find some steadiness again."},
	}
}
