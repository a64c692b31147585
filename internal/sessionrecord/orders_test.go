package sessionrecord_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// findingOrders are the prescriber's orders of the issue: BP under 160/100, lorazepam held
// 24 h, ondansetron 4 mg ODT 30 min before dosing, and no additional dose without the
// prescriber; the maximum is 400 mg sublingual.
var findingOrders = dosing.ClientConditions{Hold: &dosing.HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100},
	HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam", Hours: 24}},
	PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}}

// ordersFor signs a new evaluation of Alex with the given orders and a 400 mg sublingual
// maximum; it supersedes the demo's.
func (p *practice) ordersFor(t *testing.T, o dosing.ClientConditions) {
	t.Helper()
	p.write(t, func(tx *store.Tx) error {
		_, err := prescribing.Sign(p.ctx, tx, p.id, p.alex, "", prescribing.Draft{Decision: prescribing.ApprovedWithConditions,
			Conditions: "BP under 160/100; hold lorazepam 24 h.", Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 400}}, Orders: o},
			prescribing.Signer{StaffID: p.rx, Name: "Dr. Priya Raman, MD"}, p.now.Add(-3*time.Hour))
		return err
	})
}

func (p *practice) give(recordID string, mg float64, by string, at time.Time) error {
	return p.try(func(tx *store.Tx) error {
		_, err := sessionrecord.Administer(p.ctx, tx, p.alex, recordID, dose(mg), by, at)
		return err
	})
}

// ready opens a record under the finding's orders: the checklist with lorazepam confirmed,
// ondansetron given 35 min before p.now, a normal reading.
func (p *practice) readyUnderOrders(t *testing.T, planned float64) *sessionrecord.Record {
	t.Helper()
	p.ordersFor(t, findingOrders)
	_, sid := p.booking(t, planned)
	r := p.start(t, sid, p.now)
	c := readyChecklist(p.now)
	c.HeldSubstancesConfirmed = []string{"Lorazepam"}
	p.write(t, func(tx *store.Tx) error {
		if _, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, c, p.sam, p.now); err != nil {
			return err
		}
		_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, bp(128, 82), p.sam, p.now)
		return err
	})
	p.premedicate(t, r.ID, p.now)
	return r
}

// Finding 9: the prescriber's conditions reach the room. KAP.md §1 Vitals: a prescriber's
// stricter per-client threshold wins; Fasting, nausea: practices pre-treat with ondansetron;
// interactions: benzodiazepines may blunt the response.
func TestThePrescribersConditionsHoldTheFirstDose(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		p.ordersFor(t, findingOrders)
		_, sid := p.booking(t, 150)
		r := p.start(t, sid, p.now)
		if r.Orders.Hold == nil || len(r.Orders.HeldSubstances) != 1 || len(r.Orders.PreMedications) != 1 || r.PreDoseHold.SystolicMmHg != 160 {
			t.Fatalf("orders in the record: %+v, hold %+v", r.Orders, r.PreDoseHold)
		}
		p.write(t, func(tx *store.Tx) error {
			if _, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, readyChecklist(p.now), p.sam, p.now); err != nil {
				return err
			}
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, bp(165, 95), p.jordan, p.now)
			return err
		})
		r = p.load(t, r.ID, p.sam, p.now)
		if !r.Hold.Held || !strings.Contains(r.Hold.Message, "the prescriber's hold for this client") {
			t.Fatalf("165/95 under the client's 160/100 hold (the practice's is 180/100): %+v", r.Hold)
		}
		gaps := ""
		for _, g := range r.ChecklistGaps {
			gaps += g.Message + " "
		}
		if !strings.Contains(gaps, "lorazepam") || !strings.Contains(gaps, "ondansetron") {
			t.Fatalf("the checklist does not ask for the prescriber's conditions: %s", gaps)
		}
		ref := refusal(t, p.give(r.ID, 150, p.sam, p.now.Add(time.Minute)), sessionrecord.ReasonRule)
		f := ref.Fields()
		if f["hold"] == "" || !strings.Contains(f["checklist.held_substances"], "lorazepam") || !strings.Contains(f["premedication"], "ondansetron 4 mg ODT") {
			t.Fatalf("first dose refusals: %v", f)
		}

		// A medicine not ordered is an intervention, not a pre-medication.
		err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.RecordPreMedication(p.ctx, tx, p.alex, r.ID, sessionrecord.PreMedicationInput{Drug: "meclizine"}, p.sam, p.now)
			return err
		})
		if ref := refusal(t, err, sessionrecord.ReasonInvalid); !strings.Contains(ref.Fields()["drug"], "ondansetron") {
			t.Errorf("meclizine as a pre-medication: %v", ref.Fields())
		}
		// Given 20 min before: the dose waits for the order's 30 min.
		t1 := p.now.Add(2 * time.Minute)
		c := readyChecklist(p.now)
		c.HeldSubstancesConfirmed = []string{"lorazepam"}
		p.write(t, func(tx *store.Tx) error {
			if _, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 1, c, p.sam, t1); err != nil {
				return err
			}
			if _, err := sessionrecord.RecordPreMedication(p.ctx, tx, p.alex, r.ID, sessionrecord.PreMedicationInput{Drug: "Ondansetron", At: t1.Add(-20 * time.Minute), GivenBy: p.jordan},
				p.sam, t1); err != nil {
				return err
			}
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(150, 92), t1), p.jordan, t1)
			return err
		})
		ref = refusal(t, p.give(r.ID, 150, p.sam, t1.Add(time.Minute)), sessionrecord.ReasonRule)
		if f := ref.Fields(); len(f) != 1 || !strings.Contains(f["premedication"], "waits until") {
			t.Fatalf("pre-medication 21 min before: %v", f)
		}
		if err := p.give(r.ID, 150, p.sam, t1.Add(10*time.Minute)); err != nil {
			t.Fatalf("31 min after ondansetron, lorazepam confirmed, 150/92 under 160/100: %v", err)
		}
		r = p.load(t, r.ID, p.sam, t1.Add(11*time.Minute))
		if len(r.PreMedications) != 1 || r.PreMedications[0].GivenBy.ID != p.jordan || r.PreMedications[0].At.Location() != p.zone {
			t.Errorf("pre-medication recorded: %+v", r.PreMedications)
		}
		kinds := ""
		for _, e := range r.Timeline() {
			kinds += e.Kind + " "
		}
		if !strings.Contains(kinds, "premedication") {
			t.Errorf("timeline: %s", kinds)
		}
	})
}

// Finding 5: 150 mg planned, a therapist tries to give 250 mg more (400 mg in all): refused,
// as the plan has no additional dose; a therapist cannot authorise; the prescriber authorises
// 250 mg with a reason; then a dose up to 250 mg is given, once, and never past the 400 mg
// maximum (KAP.md §1: the prescriber sets the ceiling).
func TestAnAdditionalDoseBeyondThePlanNeedsThePrescriber(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.readyUnderOrders(t, 150)
		if err := p.give(r.ID, 150, p.sam, p.now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		t1 := p.now.Add(40 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(134, 84), t1), p.jordan, t1)
			return err
		})
		ref := refusal(t, p.give(r.ID, 250, p.sam, t1.Add(time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["dose_mg"], "no additional dose") {
			t.Fatalf("400 mg given by a therapist: %v", ref.Fields())
		}
		authorise := func(by string, mg float64, reason string, at time.Time) error {
			return p.try(func(tx *store.Tx) error {
				_, err := sessionrecord.AuthoriseDose(p.ctx, tx, p.alex, r.ID, sessionrecord.AuthorisationInput{DoseMg: mg, Reason: reason}, by, at)
				return err
			})
		}
		if ref := refusal(t, authorise(p.sam, 250, "Little effect.", t1), sessionrecord.ReasonRule); ref.Fields()["authorisation"] == "" {
			t.Errorf("a therapist authorises: %v", ref.Fields())
		}
		if ref := refusal(t, authorise(p.rx, 250, " ", t1), sessionrecord.ReasonRule); ref.Fields()["reason"] == "" {
			t.Errorf("no reason: %v", ref.Fields())
		}
		if ref := refusal(t, authorise(p.rx, 300, "Little effect.", t1), sessionrecord.ReasonRule); !strings.Contains(ref.Fields()["dose_mg"], "at most 250 mg more") {
			t.Errorf("past the 400 mg maximum: %v", ref.Fields())
		}
		if err := authorise(p.rx, 250, "Little effect at 40 min; tolerating well, BP 134/84.", t1.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		ref = refusal(t, p.give(r.ID, 260, p.sam, t1.Add(3*time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["dose_mg"], "up to 250 mg") {
			t.Fatalf("above the authorised dose: %v", ref.Fields())
		}
		if err := p.give(r.ID, 250, p.sam, t1.Add(3*time.Minute)); err != nil {
			t.Fatalf("the authorised dose: %v", err)
		}
		r = p.load(t, r.ID, p.sam, t1.Add(4*time.Minute))
		if len(r.Authorisations) != 1 || r.Authorisations[0].DoseID == "" || r.OpenAuthorisation() != nil || r.GivenMg != 400 {
			t.Fatalf("after the authorised dose: %+v, given %v", r.Authorisations, r.GivenMg)
		}
		// The authorisation is spent: the next dose is beyond the plan again.
		ref = refusal(t, p.give(r.ID, 10, p.sam, t1.Add(30*time.Minute)), sessionrecord.ReasonRule)
		if f := ref.Fields()["dose_mg"]; !strings.Contains(f, "no additional dose") || !strings.Contains(f, "400 mg") {
			t.Fatalf("after the authorised dose: %v", f)
		}
	})
}

// The plan's own numbers: total and minutes after the first dose.
func TestAdditionalDosesWithinThePlan(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		o := findingOrders
		o.AdditionalDoses = dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: 250, MinMinutesAfterFirst: 40}
		r := p.readyUnderOrders(t, 150)
		p.ordersFor(t, o)
		if err := p.give(r.ID, 150, p.sam, p.now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		ref := refusal(t, p.give(r.ID, 50, p.sam, p.now.Add(20*time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["dose_mg"], "from 14:41") {
			t.Errorf("20 min after the first: %v", ref.Fields())
		}
		ref = refusal(t, p.give(r.ID, 150, p.sam, p.now.Add(45*time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["dose_mg"], "plan of 250 mg in total") {
			t.Errorf("to 300 mg: %v", ref.Fields())
		}
		if err := p.give(r.ID, 100, p.sam, p.now.Add(45*time.Minute)); err != nil {
			t.Errorf("to 250 mg after 44 min: %v", err)
		}
	})
}

// After an in-session alarm a further dose waits for a blood pressure taken since, below the
// client's hold; acknowledging the alert alone is not enough (KAP.md §1 Vitals).
func TestAfterAnAlarmAFurtherDoseWaitsForAReadingBelowTheHold(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		o := findingOrders
		o.AdditionalDoses = dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: 300}
		r := p.readyUnderOrders(t, 150)
		p.ordersFor(t, o)
		if err := p.give(r.ID, 150, p.sam, p.now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		t1 := p.now.Add(30 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(192, 114), t1), p.jordan, t1)
			return err
		})
		ref := refusal(t, p.give(r.ID, 50, p.sam, t1.Add(time.Minute)), sessionrecord.ReasonRule)
		if ref.Fields()["alert"] == "" {
			t.Fatalf("open alert: %v", ref.Fields())
		}
		r = p.load(t, r.ID, p.sam, t1)
		p.write(t, func(tx *store.Tx) error {
			return sessionrecord.AcknowledgeAlert(p.ctx, tx, p.alex, r.ID, r.Alerts[0].ID, "Lights dimmed, reassured; prescriber informed.", p.sam, t1.Add(2*time.Minute))
		})
		if r = p.load(t, r.ID, p.sam, t1.Add(2*time.Minute)); len(r.AfterAlarm) != 1 {
			t.Errorf("the record does not say what a further dose waits for: %v", r.AfterAlarm)
		}
		ref = refusal(t, p.give(r.ID, 50, p.sam, t1.Add(3*time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["reading"], "take a blood pressure after it") {
			t.Fatalf("acknowledged, no reading since: %v", ref.Fields())
		}
		t2 := t1.Add(10 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(164, 96), t2), p.jordan, t2)
			return err
		})
		ref = refusal(t, p.give(r.ID, 50, p.sam, t2.Add(time.Minute)), sessionrecord.ReasonRule)
		if !strings.Contains(ref.Fields()["reading"], "the prescriber's hold for this client") {
			t.Fatalf("164/96 since, above the client's 160/100: %v", ref.Fields())
		}
		// No authorisation lifts it.
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AuthoriseDose(p.ctx, tx, p.alex, r.ID, sessionrecord.AuthorisationInput{DoseMg: 50, Reason: "Wants more."}, p.rx, t2.Add(time.Minute))
			return err
		})
		if err := p.give(r.ID, 50, p.sam, t2.Add(2*time.Minute)); sessionrecord.AsRefused(err) == nil || sessionrecord.AsRefused(err).Fields()["reading"] == "" {
			t.Fatalf("an authorisation lifted the alarm's rule: %v", err)
		}
		t3 := t2.Add(10 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(148, 90), t3), p.jordan, t3)
			return err
		})
		if err := p.give(r.ID, 50, p.sam, t3.Add(time.Minute)); err != nil {
			t.Fatalf("148/90 since the alarm: %v", err)
		}
	})
}

// Finding 14a: a dose is given by a clinician of the session whose role the practice allows
// for the route (a sublingual RDT: a prescriber or therapist), never by a monitor or someone
// off the session.
func TestTheGiverIsAClinicianOfTheSession(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.ready(t, 200)
		p.write(t, func(tx *store.Tx) error { return sessionrecord.Join(p.ctx, tx, p.alex, r.ID, p.jordan, p.now) })
		for name, giver := range map[string]string{"a monitor in the room": p.jordan, "a therapist off the session": p.elena} {
			in := dose(200)
			in.GivenBy = giver
			err := p.try(func(tx *store.Tx) error {
				_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, in, p.sam, p.now.Add(time.Minute))
				return err
			})
			if ref := sessionrecord.AsRefused(err); ref == nil || ref.Fields()["given_by"] == "" {
				t.Errorf("%s gives the dose: %v", name, err)
			}
		}
		r = p.load(t, r.ID, p.sam, p.now)
		for _, g := range r.Givers {
			if g.ID == p.jordan || g.ID == p.elena {
				t.Errorf("the dose form offers %s", g.Name)
			}
		}
		in := dose(200)
		in.GivenBy = p.sam
		if err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, in, p.jordan, p.now.Add(time.Minute))
			return err
		}); err != nil {
			t.Errorf("recorded by the monitor, given by the therapist: %v", err)
		}
	})
}

// The practice chooses who may give a dose by each route (finding: only
// clinicians on the session "with a role the practice allows for that
// route"). With sublingual RDT kept to prescribers, the therapist on the
// session is refused as the giver and not offered; the prescriber is.
// A change after the session started does not reach it.
func TestThePracticeChoosesWhoGivesByRoute(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		prescriber := access.Actor{Kind: access.StaffActor, StaffID: p.rx, PracticeID: p.id, Roles: []access.Role{access.Prescriber}}
		change := func(roles ...dosing.Role) {
			t.Helper()
			p.write(t, func(tx *store.Tx) error {
				s, err := settings.MedicineSettings(p.ctx, tx, p.id)
				if err != nil {
					return err
				}
				s.Givers[dosing.RouteSublingualRDT] = roles
				_, err = settings.ChangeMedicine(p.ctx, tx, prescriber, s, "Our therapists are not licensed to hand over the medicine.", p.now)
				return err
			})
		}
		change(dosing.RolePrescriber)
		r := p.ready(t, 200)
		p.write(t, func(tx *store.Tx) error { return sessionrecord.Join(p.ctx, tx, p.alex, r.ID, p.rx, p.now) })
		// Changed back mid-session: the session keeps what it started with.
		change(dosing.RolePrescriber, dosing.RoleTherapist)
		in := dose(200)
		in.GivenBy = p.sam
		err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, in, p.sam, p.now.Add(time.Minute))
			return err
		})
		if ref := sessionrecord.AsRefused(err); ref == nil || !strings.Contains(ref.Fields()["given_by"], "prescriber") {
			t.Fatalf("the therapist gives a sublingual dose the practice keeps to prescribers: %v", err)
		}
		rec := p.load(t, r.ID, p.sam, p.now)
		for _, g := range rec.Givers {
			if g.ID == p.sam {
				t.Error("the dose form offers the therapist")
			}
		}
		in.GivenBy = p.rx
		if err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, in, p.sam, p.now.Add(time.Minute))
			return err
		}); err != nil {
			t.Errorf("the prescriber in the room gives the dose: %v", err)
		}
	})
}
