package eligibility

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/intake"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Submitting offers the medicines to the chart; the benzodiazepine finding lists the diazepam
// equivalent (Ashton Manual: lorazepam 1 mg ≈ diazepam 10 mg); a clinician's correction on
// confirming screens again with the corrected dose; a declined medicine is no longer read.
func TestSubmittedMedicinesAreOfferedAndTheirConfirmationScreensAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		two := 2.0
		in.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{
			{Name: "lorazepam", Dose: 1, Unit: "mg", Frequency: "twice daily", DailyDoseMg: &two},
			{Name: "sertraline", Dose: 100, Unit: "mg", Frequency: "every morning"},
			{Name: "Lamictal", Dose: 50, Unit: "mg", Frequency: "daily"},
		}}
		f.fill(in)
		f.bp(120, 80)
		var first Screening
		f.must(f.byClient(), day, func(u Use) (err error) { first, err = submit(ctx, u, f.client); return })
		over, ok := first.finding("int-benzodiazepine-over-8mg-de")
		if !ok || len(over.Details) != 1 || !strings.Contains(over.Details[0], "≈ diazepam 20 mg/day (Ashton Manual)") {
			t.Fatalf("finding %+v (fired %v); want the >8 mg caution with lorazepam ≈ diazepam 20 mg/day", over, ok)
		}
		var offers []clinic.OfferedMedication
		f.must(f.bySam(), day, func(u Use) (err error) { offers, err = clinic.PendingOffers(ctx, u.Tx, f.client); return })
		if len(offers) != 3 || offers[0].Dose != "1 mg" || offers[0].Frequency != "twice daily" {
			t.Fatalf("offers %+v; want the three medicines as written", offers)
		}
		if n := f.count(`SELECT COUNT(*) FROM medication WHERE client_id = ?`, f.client); n != 0 {
			t.Fatalf("%d chart medications before confirmation", n)
		}

		// The prescriber finds it is 0.5 mg at night: 5 mg diazepam, under the line.
		var s *Screening
		f.must(f.byRx(), day.Add(time.Hour), func(u Use) (err error) {
			_, s, err = u.ConfirmOffer(ctx, f.client, offers[0].ID, clinic.MedicationInput{Dose: "0.5 mg", Frequency: "at night"}, f.rx)
			return err
		})
		if s == nil || s.Trigger != "medications" {
			t.Fatalf("screening %+v; want a new one for the corrected dose", s)
		}
		if _, fired := s.finding("int-benzodiazepine-over-8mg-de"); fired {
			t.Errorf("the >8 mg caution still fires at 5 mg")
		}
		if b, _ := s.finding("int-benzodiazepine"); len(b.Details) != 1 || b.Details[0] != "lorazepam 0.5 mg at night ≈ diazepam 5 mg/day (Ashton Manual)" {
			t.Errorf("benzodiazepine finding details %q", b.Details)
		}
		// Confirming unchanged changes nothing the rules read; declining lamotrigine does.
		f.must(f.byRx(), day.Add(2*time.Hour), func(u Use) (err error) {
			_, s, err = u.ConfirmOffer(ctx, f.client, offers[1].ID, clinic.MedicationInput{}, f.rx)
			return err
		})
		if s != nil {
			t.Errorf("screened again after confirming sertraline unchanged: %+v", s)
		}
		f.must(f.byRx(), day.Add(3*time.Hour), func(u Use) (err error) {
			s, err = u.DeclineOffer(ctx, f.client, offers[2].ID, "Stopped last month", f.rx)
			return err
		})
		if s == nil {
			t.Fatal("no new screening after lamotrigine was declined")
		}
		if _, fired := s.finding("int-lamotrigine"); fired {
			t.Errorf("the lamotrigine caution fires for a declined medicine")
		}
		if n := f.count(`SELECT COUNT(*) FROM medication WHERE client_id = ?`, f.client); n != 2 {
			t.Errorf("%d chart medications; want the two confirmed", n)
		}
	})
}

// A benzodiazepine on the chart whose frequency cannot be read leaves the equivalent unknown,
// and the finding says why instead of guessing.
func TestAnUnreadableBenzodiazepineDoseIsSaidNotGuessed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		in.Medications = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{{Name: "Ativan", Dose: 1, Unit: "mg", Frequency: "as needed", DailyDoseMg: new(float64)}}}
		*in.Medications.List[0].DailyDoseMg = 1
		f.fill(in)
		f.bp(120, 80)
		var first Screening
		f.must(f.byClient(), day, func(u Use) (err error) { first, err = submit(ctx, u, f.client); return })
		var offers []clinic.OfferedMedication
		f.must(f.bySam(), day, func(u Use) (err error) { offers, err = clinic.PendingOffers(ctx, u.Tx, f.client); return })
		// Confirmed without the client's daily total, only "as needed" is left to read.
		var s *Screening
		f.must(f.byRx(), day.Add(time.Hour), func(u Use) (err error) {
			_, s, err = u.ConfirmOffer(ctx, f.client, offers[0].ID, clinic.MedicationInput{}, f.rx)
			return err
		})
		if s == nil {
			t.Fatalf("no new screening; first was %+v", first)
		}
		b, _ := s.finding("int-benzodiazepine")
		if len(b.Details) != 1 || !strings.Contains(b.Details[0], "taken as needed") || !strings.Contains(b.Details[0], "ask and record") {
			t.Errorf("details %q; want the reason the equivalent is unknown", b.Details)
		}
		if s.Outcome != "incomplete" {
			t.Errorf("outcome %s; want incomplete while the daily dose is unknown", s.Outcome)
		}
	})
}

// A benzodiazepine staff record on the chart themselves is screened like one from the intake.
func TestAChartMedicationAddedByStaffIsScreened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		f.fill(complete())
		f.bp(120, 80)
		f.must(f.byClient(), day, func(u Use) error { _, err := submit(ctx, u, f.client); return err })
		var s *Screening
		f.must(f.byRx(), day.Add(time.Hour), func(u Use) error {
			if _, err := clinic.AddMedication(ctx, u.Tx, f.practice, f.client, clinic.MedicationInput{Name: "Klonopin", Dose: "0.5 mg", Frequency: "bid"}, f.rx, u.Now); err != nil {
				return err
			}
			var err error
			s, err = u.ChartMedicationsChanged(ctx, f.client)
			return err
		})
		if s == nil {
			t.Fatal("no new screening after a benzodiazepine was added to the chart")
		}
		b, ok := s.finding("int-benzodiazepine-over-8mg-de")
		if !ok || len(b.Details) != 1 || b.Details[0] != "Klonopin 0.5 mg bid ≈ diazepam 20 mg/day (Ashton Manual)" {
			t.Errorf("finding %+v (fired %v)", b, ok)
		}
	})
}
