package demo

import (
	"fmt"
	"slices"
	"time"

	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
)

// intake gives the demo clients their questionnaires and screenings, one at
// each stage: Jamie half way through; Robert blocked by an absolute
// contraindication (an aneurysm); Priscilla with a relative one (a past
// hypomanic episode) awaiting the prescriber; Alex clear with cautions
// (clonazepam 0.5 mg at night); Maya clear; Daniel cleared by the
// prescriber after a relative finding (alcohol use disorder in long
// recovery), his intake filled in with Elena, his therapist, at the
// clinic. The medicines match the demo charts. Clients fill in their own
// in the portal.
func (w *world) intake(t *timeline) {
	day := 24 * time.Hour
	ctx, d := w.ctx, w.doors.Intake
	fill, bp := w.fill(t), w.bloodPressure(t)
	screened := map[string]eligibility.Screening{}
	submit := func(key, by string, at time.Time) { w.submitIntake(t, key, by, at, screened) }

	// Jamie: the first two parts saved, the second only half answered.
	jamie := demoIntake()
	jamie.Psychiatric = intake.Psychiatric{PsychosisCurrent: intake.No, PsychosisHistory: intake.No, ManiaCurrent: intake.No}
	fill("jamie", "jamie", w.now.Add(-2*day), jamie, intake.SectionMedical, intake.SectionPsychiatric)

	// Robert: an aneurysm, found on a scan years ago.
	robert := demoIntake()
	robert.Medical.AneurysmOrAVM = intake.Yes
	robert.Medical.Hypertension = intake.Yes
	robert.Medical.HypertensionControlled = intake.Yes
	robert.Medical.OtherConditions = "Small aneurysm in the brain found on a scan in 2019; it is checked every year."
	robert.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Lisinopril", Dose: 20, Unit: "mg", Frequency: "once a day"},
		{Name: "Bupropion XL", Dose: 300, Unit: "mg", Frequency: "once a day"}}}
	fill("robert", "robert", w.now.Add(-12*day), robert)
	bp("robert", 134, 86, w.now.Add(-11*day))
	submit("robert", "robert", w.now.Add(-11*day+2*time.Hour))

	// Priscilla: one hypomanic episode years ago; awaiting Dr. Raman.
	priscilla := demoIntake()
	priscilla.Psychiatric.ManiaHistory = intake.Yes
	priscilla.Psychiatric.Notes = "In 2017, a few weeks after starting a new antidepressant, I barely slept for a week and spent money I didn't have. " +
		"It stopped when the medicine was changed. I have never been diagnosed with bipolar disorder."
	priscilla.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Venlafaxine XR", Dose: 150, Unit: "mg", Frequency: "once a day"}}}
	fill("priscilla", "priscilla", w.now.Add(-4*day), priscilla)
	bp("priscilla", 122, 78, w.now.Add(-3*day))
	submit("priscilla", "priscilla", w.now.Add(-3*day+time.Hour))

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
	fill("alex", "alex", w.now.Add(-20*day), alex)
	bp("alex", 118, 76, w.now.Add(-19*day))
	submit("alex", "alex", w.now.Add(-19*day+time.Hour))

	// Maya: nothing for the rules to report.
	maya := demoIntake()
	maya.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Escitalopram", Dose: 10, Unit: "mg", Frequency: "once a day"}}}
	fill("maya", "maya", w.now.Add(-17*day), maya)
	bp("maya", 112, 72, w.now.Add(-16*day))
	submit("maya", "maya", w.now.Add(-16*day+time.Hour))

	// Daniel: filled in with Elena at the clinic; alcohol use disorder, sober
	// eight years; Dr. Raman acknowledged it.
	daniel := demoIntake()
	daniel.Substances.Alcohol = intake.Past
	daniel.Substances.UseDisorder = intake.Yes
	daniel.Substances.Notes = "Sober since 2017. Still go to meetings most weeks."
	daniel.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
		{Name: "Sertraline", Dose: 50, Unit: "mg", Frequency: "once a day"}}}
	fill("daniel", "elena", w.now.Add(-10*day), daniel)
	bp("daniel", 126, 80, w.now.Add(-10*day+time.Hour))
	submit("daniel", "elena", w.now.Add(-10*day+2*time.Hour))
	t.at(w.now.Add(-9*day), func() error {
		_, err := d.Acknowledge(ctx, w.as["rx"], w.clients["daniel"], screened["daniel"].ID, "rel-substance-use-disorder",
			"Alcohol use disorder in sustained remission for eight years, with ongoing support. No ketamine or other drug use. "+
				"Discussed the risk of misuse; no take-home doses; his sponsor knows about the treatment.", nil)
		return err
	})
}

// fill is the intake's sections saved by by, three minutes apart from
// at, as typed into each section's page, in the portal or at the clinic;
// no sections means all of them.
func (w *world) fill(t *timeline) func(key, by string, at time.Time, in intake.Intake, sections ...string) {
	return func(key, by string, at time.Time, in intake.Intake, sections ...string) {
		if len(sections) == 0 {
			sections = intake.SectionNames()
		}
		for i, name := range sections {
			sec, _ := in.Section(name)
			t.at(at.Add(time.Duration(i)*3*time.Minute), func() error {
				saved, err := w.doors.Intake.SaveTyped(w.ctx, w.as[by], w.clients[key], name, eligibility.TypedFrom(sec))
				if err == nil && len(saved.Result.Errors) > 0 {
					err = fmt.Errorf("answers not kept: %v", saved.Result.Errors)
				}
				if err != nil {
					return fmt.Errorf("demo intake for %s, %s: %w", key, name, err)
				}
				return nil
			})
		}
	}
}

// bloodPressure is a resting reading taken by Jordan, the monitoring
// nurse, for the clients whose care team he is on, else by their
// therapist.
func (w *world) bloodPressure(t *timeline) func(key string, sys, dia int, at time.Time) {
	return func(key string, sys, dia int, at time.Time) {
		by := "jordan"
		if team := teamOf(key); !slices.Contains(team, by) {
			by = team[0]
		}
		t.at(at, func() error {
			_, err := w.doors.Intake.RecordBloodPressure(w.ctx, w.as[by], w.clients[key], eligibility.BloodPressure{Systolic: sys, Diastolic: dia}, nil)
			return err
		})
	}
}

// submitIntake sends the intake at at. Whoever sends it attests it in
// their own name: the client in the portal, or the clinician who filled it
// in with them. The screening it made goes into screened.
func (w *world) submitIntake(t *timeline, key, by string, at time.Time, screened map[string]eligibility.Screening) {
	t.at(at, func() error {
		s, err := w.doors.Intake.Submit(w.ctx, w.as[by], w.clients[key], eligibility.Attestation{Name: personName(by), Confirm: true}, nil)
		screened[key] = s.Screening
		if err != nil {
			return fmt.Errorf("demo intake of %s: %w", key, err)
		}
		return nil
	})
}

// teamOf is the care team of a demo client, by key (the past courses'
// clients by email): therapist, prescriber, and the monitor if any.
func teamOf(key string) []string {
	for _, c := range clients {
		if c.key == key {
			return c.team
		}
	}
	for _, pc := range pastCourses {
		if pc.email == key {
			return pc.team
		}
	}
	return nil
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

// personName is the full name of a demo person, by key: a client's legal
// name or a staff member's name.
func personName(key string) string {
	for _, c := range clients {
		if c.key == key {
			return c.legal
		}
	}
	for _, pc := range pastCourses {
		if pc.email == key {
			return pc.legal
		}
	}
	for _, s := range staff {
		if s.key == key {
			return s.name
		}
	}
	return ""
}
