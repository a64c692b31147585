package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

// chart is one demo client's clinical details.
type chart struct {
	address     clinic.Address
	emergency   clinic.Contact
	escort      clinic.Contact
	weight      float64
	weightUnit  string
	heightCm    float64
	diagnoses   []clinic.DiagnosisInput
	medications []clinic.MedicationInput
	// stopped medications are kept in the history, stopped for stopReason.
	stopped     []clinic.MedicationInput
	stopReason  string
	allergies   []clinic.AllergyInput
	daysSinceDx int
	daysWeighed int
}

var charts = map[string]chart{
	"alex": {
		address:   clinic.Address{Line1: "41 Larchmont Ave", Line2: "Apt 3B", City: "Kingston", Region: "NY", PostalCode: "12401", Country: "USA"},
		emergency: clinic.Contact{Name: "Marisol Rivera", Relationship: "mother", Phone: "+1 555 0141"},
		escort:    clinic.Contact{Name: "Jo Park", Relationship: "partner", Phone: "+1 555 0177"},
		weight:    155, weightUnit: "lb", heightCm: 173,
		diagnoses: []clinic.DiagnosisInput{
			{Code: "F33.1", Description: "Major depressive disorder, recurrent, moderate", Primary: true},
			{Code: "F41.1", Description: "Generalized anxiety disorder"},
		},
		medications: []clinic.MedicationInput{
			{Name: "clonazepam", Dose: "0.5 mg", Frequency: "nightly"},
			{Name: "sertraline", Dose: "100 mg", Frequency: "daily, mornings"},
		},
		stopped:     []clinic.MedicationInput{{Name: "escitalopram", Dose: "10 mg", Frequency: "daily"}},
		stopReason:  "No benefit after 12 weeks; switched to sertraline.",
		allergies:   []clinic.AllergyInput{{Substance: "penicillin", Reaction: "hives"}},
		daysSinceDx: 900, daysWeighed: 16,
	},
	"jamie": {
		emergency: clinic.Contact{Name: "Lin Chen", Relationship: "sister", Phone: "+1 555 0142"},
		weight:    61, weightUnit: "kg", heightCm: 165,
		diagnoses:   []clinic.DiagnosisInput{{Code: "F43.10", Description: "Post-traumatic stress disorder, unspecified", Primary: true}},
		medications: []clinic.MedicationInput{{Name: "prazosin", Dose: "2 mg", Frequency: "nightly"}},
		daysSinceDx: 400, daysWeighed: 3,
	},
	"robert": {
		address:   clinic.Address{Line1: "7 Mill Road", City: "Saugerties", Region: "NY", PostalCode: "12477", Country: "USA"},
		emergency: clinic.Contact{Name: "Ellen Haines", Relationship: "wife", Phone: "+1 555 0143"},
		escort:    clinic.Contact{Name: "Ellen Haines", Relationship: "wife", Phone: "+1 555 0143"},
		weight:    94, weightUnit: "kg", heightCm: 180,
		diagnoses: []clinic.DiagnosisInput{
			{Code: "F33.2", Description: "Major depressive disorder, recurrent, severe without psychotic features", Primary: true},
			{Code: "I67.1", Description: "Cerebral aneurysm, nonruptured"},
			{Code: "I10", Description: "Essential (primary) hypertension"},
		},
		medications: []clinic.MedicationInput{
			{Name: "lisinopril", Dose: "20 mg", Frequency: "daily"},
			{Name: "bupropion XL", Dose: "300 mg", Frequency: "daily"},
		},
		allergies:   []clinic.AllergyInput{{Substance: "sulfonamides", Reaction: "rash"}},
		daysSinceDx: 2000, daysWeighed: 10,
	},
	"maya": {
		emergency: clinic.Contact{Name: "Dana Thompson", Relationship: "friend", Phone: "+1 555 0144"},
		escort:    clinic.Contact{Name: "Dana Thompson", Relationship: "friend", Phone: "+1 555 0144"},
		weight:    58.5, weightUnit: "kg", heightCm: 162,
		diagnoses:   []clinic.DiagnosisInput{{Code: "F33.1", Description: "Major depressive disorder, recurrent, moderate", Primary: true}},
		medications: []clinic.MedicationInput{{Name: "escitalopram", Dose: "10 mg", Frequency: "daily"}},
		daysSinceDx: 700, daysWeighed: 15,
	},
	"daniel": {
		address:   clinic.Address{Line1: "230 Wall St", City: "Kingston", Region: "NY", PostalCode: "12401", Country: "USA"},
		emergency: clinic.Contact{Name: "Rosa Ortiz", Relationship: "sister", Phone: "+1 555 0145"},
		escort:    clinic.Contact{Name: "Miguel Ortiz", Relationship: "brother", Phone: "+1 555 0146"},
		weight:    181, weightUnit: "lb", heightCm: 178,
		diagnoses: []clinic.DiagnosisInput{
			{Code: "F43.10", Description: "Post-traumatic stress disorder, unspecified", Primary: true},
			{Code: "F33.0", Description: "Major depressive disorder, recurrent, mild"},
		},
		medications: []clinic.MedicationInput{{Name: "sertraline", Dose: "50 mg", Frequency: "daily"}},
		daysSinceDx: 1200, daysWeighed: 8,
	},
	"priscilla": {
		emergency: clinic.Contact{Name: "Obi Nwosu", Relationship: "son", Phone: "+1 555 0147"},
		escort:    clinic.Contact{Name: "Obi Nwosu", Relationship: "son", Phone: "+1 555 0147"},
		weight:    68, weightUnit: "kg", heightCm: 167,
		diagnoses: []clinic.DiagnosisInput{
			{Code: "F33.2", Description: "Major depressive disorder, recurrent, severe without psychotic features", Primary: true},
			{Code: "F41.1", Description: "Generalized anxiety disorder"},
		},
		medications: []clinic.MedicationInput{{Name: "venlafaxine XR", Dose: "150 mg", Frequency: "daily"}},
		allergies:   []clinic.AllergyInput{{Substance: "latex", Reaction: "contact dermatitis"}},
		daysSinceDx: 3000, daysWeighed: 2,
	},
}

// evaluations are the demo prescriber's signed decisions; Priscilla has
// none yet (awaiting the prescriber) and neither has Jamie.
var evaluations = map[string]struct {
	daysAgo  int
	draft    prescribing.Draft
	addendum string
}{
	"alex": {daysAgo: 15, draft: prescribing.Draft{Decision: prescribing.ApprovedWithConditions,
		Conditions: "Clonazepam stays at 0.5 mg at night only, and is not taken on the morning of a medicine session.",
		Limits:     []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4.5}},
		// Top-ups within the session, up to the maximum, from 20 min after the first dose.
		Orders: dosing.ClientConditions{AdditionalDoses: dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: 300, MinMinutesAfterFirst: 20}},
		Notes:  "Reviewed intake, screening and history. Benzodiazepine may blunt the response (Andrade 2017); the dose is low. Start at 100 mg RDT and titrate within the limit."},
		addendum: "Spoke with Alex by phone: understands the clonazepam condition and will bring the pill organiser to the first session."},
	"maya": {daysAgo: 14, draft: prescribing.Draft{Decision: prescribing.Approved,
		Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 200, MaxMgPerKg: 3.5}},
		// The prescriber's orders reach the room: a hold stricter than the practice's (KAP.md
		// §1 Vitals: a prescriber's stricter per-client threshold wins), cannabis held the day
		// before, ondansetron before dosing (Fasting, nausea), and no top-up without the
		// prescriber in the session.
		Orders: dosing.ClientConditions{Hold: &dosing.HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100, AtOrAbove: true},
			HeldSubstances: []dosing.HeldSubstance{{Substance: "cannabis", Hours: 24}},
			PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}},
		Notes: "No contraindications found. First session 100 mg RDT. Blood pressure under 160/100 before dosing."}},
	"daniel": {daysAgo: 2, draft: prescribing.Draft{Decision: prescribing.Approved,
		Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 400}},
		Notes:  "Blood pressure normal at two visits. Escalate between sessions as tolerated."}},
	"robert": {daysAgo: 5, draft: prescribing.Draft{Decision: prescribing.NotApproved,
		Reason: "Nonruptured cerebral aneurysm (I67.1): a rise in blood pressure is a serious hazard, an absolute contraindication to ketamine (Spravato and Ketalar labels). Refer back to the referring psychiatrist for other treatment."}},
}

// prescribing fills the chart's clinical details, each client's on the
// day they were weighed, by their care team (Jordan weighs the clients
// whose care team he is on, the therapist the others; Dr. Raman gives the
// diagnoses and reconciles the medicines), then the prescriber's
// evaluations, each signed with her password as the page asks.
func (w *world) prescribing(t *timeline) {
	ctx, d := w.ctx, w.doors.Prescribing
	day := func(daysAgo int) string { return w.day(-daysAgo, 0, 0).Format("2006-01-02") }
	for _, c := range clients {
		key, ch := c.key, charts[c.key]
		t.at(w.day(-ch.daysWeighed, 16, 0), func() error {
			therapist, weigher := w.as[c.team[0]], w.as["jordan"]
			if !slices.Contains(c.team, "jordan") {
				weigher = therapist
			}
			id := w.clients[key]
			dt := newcomer{legal: c.legal, preferred: c.preferred, pronouns: c.pronouns, dob: c.dob, email: c.email, phone: c.phone}.details()
			dt.Address, dt.Emergency, dt.Escort = ch.address, ch.emergency, ch.escort
			if _, err := d.SaveDetails(ctx, therapist, id, dt, nil); err != nil {
				return fmt.Errorf("demo chart %s: %w", key, err)
			}
			if _, err := d.AddMeasurement(ctx, weigher, id, clinic.MeasurementInput{MeasuredOn: day(ch.daysWeighed),
				Weight: ch.weight, WeightUnit: ch.weightUnit, Height: ch.heightCm, HeightUnit: "cm"}, nil); err != nil {
				return fmt.Errorf("demo measurement %s: %w", key, err)
			}
			for _, dx := range ch.diagnoses {
				dx.DiagnosedOn = day(ch.daysSinceDx)
				if _, err := d.AddDiagnosis(ctx, w.as["rx"], id, dx, nil); err != nil {
					return fmt.Errorf("demo diagnosis %s: %w", key, err)
				}
			}
			// Dr. Raman reconciles the medicines on her evaluation's form,
			// where the intake's offers stand beside the chart.
			rev, err := d.Review(ctx, w.as["rx"], id, w.zone())
			if err != nil {
				return fmt.Errorf("demo offers %s: %w", key, err)
			}
			offers := rev.Medical.Offered
			for _, m := range ch.medications {
				if key == "priscilla" {
					// Awaiting Dr. Raman: her intake's medicine is still offered, not yet on the chart.
					break
				}
				m.StartedOn = day(ch.daysSinceDx / 3)
				if err := w.confirmOrAdd(w.as["rx"], id, offers, m); err != nil {
					return fmt.Errorf("demo medication %s: %w", key, err)
				}
			}
			for _, m := range ch.stopped {
				m.StartedOn = day(ch.daysSinceDx / 2)
				added, err := d.AddMedication(ctx, therapist, id, m, nil)
				if err == nil {
					err = d.StopMedication(ctx, therapist, id, added.ID, day(ch.daysSinceDx/3+1), ch.stopReason, nil)
				}
				if err != nil {
					return fmt.Errorf("demo stopped medication %s: %w", key, err)
				}
			}
			for _, a := range ch.allergies {
				if _, err := d.AddAllergy(ctx, therapist, id, a, nil); err != nil {
					return fmt.Errorf("demo allergy %s: %w", key, err)
				}
			}
			return nil
		})
	}
	for _, key := range []string{"robert", "alex", "maya", "daniel"} {
		ev := evaluations[key]
		// Late morning, after the visit the client was weighed at and
		// before the consents are signed.
		at := w.day(-ev.daysAgo, 11, 0)
		var signed *prescribing.Evaluation
		t.at(at, func() error {
			var err error
			if signed, err = d.Sign(ctx, w.as["rx"], w.clients[key], prescribing.Signing{Draft: ev.draft, Password: Password}); err != nil {
				return fmt.Errorf("demo evaluation %s: %w", key, err)
			}
			return nil
		})
		if ev.addendum != "" {
			t.at(at.Add(26*time.Hour), func() error {
				if _, err := d.AddAddendum(ctx, w.as["rx"], w.clients[key], signed.ID, ev.addendum, Password); err != nil {
					return fmt.Errorf("demo addendum %s: %w", key, err)
				}
				return nil
			})
		}
	}
}

// confirmOrAdd puts a medication on the demo chart: confirmed, in the clinician's words, from the
// intake's offer of the same medicine when there is one, as a practice would; added otherwise.
func (w *world) confirmOrAdd(by access.Actor, clientID string, offers []clinic.OfferedMedication, m clinic.MedicationInput) error {
	for _, o := range offers {
		if o.Pending() && strings.EqualFold(o.Name, m.Name) {
			_, err := w.doors.Prescribing.ConfirmOffer(w.ctx, by, clientID, o.ID, m, nil)
			return err
		}
	}
	_, err := w.doors.Prescribing.AddMedication(w.ctx, by, clientID, m, nil)
	return err
}
