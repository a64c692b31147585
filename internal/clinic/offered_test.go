package clinic_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/clinic"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// What the client listed on the intake is offered, in their words, and reaches the chart only
// when a clinician confirms it; a declined one stays off; nothing is decided twice.
func TestIntakeMedicationsAreOfferedThenConfirmedOrDeclined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newChartSite(t, db)
		intakeID := store.NewID()
		two := 2.0
		typed := []clinic.Offer{
			{Name: "Lorazepam ", Dose: "1 mg", Frequency: "twice  daily", DailyDoseMg: &two},
			{Name: "sertraline", Dose: "100 mg", Frequency: "every morning"},
			{Name: "Lamictal", Dose: "50 mg", Frequency: "daily"},
		}
		var offers []clinic.OfferedMedication
		err := s.write(t, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO intake (id, practice_id, client_id, status, created_at, updated_at) VALUES (?, ?, ?, 'submitted', ?, ?)`,
				intakeID, s.practice, s.client, today, today); err != nil {
				return err
			}
			if _, err := clinic.OfferFromIntake(ctx, tx, s.practice, s.client, intakeID, typed, today); err != nil {
				return err
			}
			// Offering the same list again (a correction elsewhere in the intake) adds nothing.
			again, err := clinic.OfferFromIntake(ctx, tx, s.practice, s.client, intakeID, typed, today)
			if err != nil || len(again) != 0 {
				t.Errorf("offered again: %v (%v)", again, err)
			}
			offers, err = clinic.PendingOffers(ctx, tx, s.client)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 3 {
			t.Fatalf("%d offers; want 3", len(offers))
		}
		// Byte for byte as written, spaces and all.
		if o := offers[0]; o.Name != "Lorazepam " || o.Dose != "1 mg" || o.Frequency != "twice  daily" || o.DailyDoseMg == nil || *o.DailyDoseMg != 2 {
			t.Errorf("first offer %+v", o)
		}
		if m := s.medical(t); len(m.Medications) != 0 {
			t.Fatalf("the chart has %d medications before any was confirmed", len(m.Medications))
		}

		err = s.write(t, func(ctx context.Context, tx *store.Tx) error {
			m, err := clinic.ConfirmOffer(ctx, tx, s.practice, s.client, offers[0].ID, clinic.MedicationInput{}, s.staff, today)
			if err != nil {
				return err
			}
			if m.Name != "Lorazepam" || m.Dose != "1 mg" || m.SourceIntakeID != intakeID {
				t.Errorf("confirmed as %+v", m)
			}
			// The clinician corrects the dose before confirming.
			if _, err := clinic.ConfirmOffer(ctx, tx, s.practice, s.client, offers[1].ID, clinic.MedicationInput{Dose: "150 mg", StartedOn: "2025-01-10"}, s.staff, today); err != nil {
				return err
			}
			return clinic.DeclineOffer(ctx, tx, s.client, offers[2].ID, "Stopped in October", s.staff, today)
		})
		if err != nil {
			t.Fatal(err)
		}
		m := s.medical(t)
		if len(m.Medications) != 2 || m.Medications[0].Name != "Lorazepam" || m.Medications[1].Dose != "150 mg" || m.Medications[1].RecordedBy != "Dr. Priya Raman" {
			t.Errorf("chart medications %+v", m.Medications)
		}

		err = s.write(t, func(ctx context.Context, tx *store.Tx) error {
			_, err := clinic.ConfirmOffer(ctx, tx, s.practice, s.client, offers[2].ID, clinic.MedicationInput{}, s.staff, today)
			var ps clinic.Problems
			if !errors.As(err, &ps) || ps[0].Message != "This medicine from the intake was already declined." {
				t.Errorf("confirming a declined offer: %v", err)
			}
			if err := clinic.DeclineOffer(ctx, tx, s.client, offers[0].ID, "", s.staff, today); !errors.As(err, &ps) {
				t.Errorf("declining a confirmed offer: %v", err)
			}
			if _, err := clinic.ConfirmOffer(ctx, tx, s.practice, store.NewID(), offers[1].ID, clinic.MedicationInput{}, s.staff, today); !errors.Is(err, clinic.ErrNotFound) {
				t.Errorf("confirming another client's offer: %v; want not found", err)
			}
			all, err := clinic.MedicationOffers(ctx, tx, s.client)
			if err != nil {
				return err
			}
			for _, o := range all {
				if o.Pending() || o.DecidedBy != "Dr. Priya Raman" || o.DecidedAt == nil {
					t.Errorf("offer %+v not decided by the clinician", o)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// A bad edit is refused with the chart's own message and the offer stays pending.
func TestAConfirmationWithABadEditLeavesTheOfferPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newChartSite(t, db)
		intakeID := store.NewID()
		var offerID string
		s.write(t, func(ctx context.Context, tx *store.Tx) error {
			tx.Exec(ctx, `INSERT INTO intake (id, practice_id, client_id, status, created_at, updated_at) VALUES (?, ?, ?, 'submitted', ?, ?)`, intakeID, s.practice, s.client, today, today)
			made, err := clinic.OfferFromIntake(ctx, tx, s.practice, s.client, intakeID, []clinic.Offer{{Name: "diazepam", Frequency: "at night"}}, today)
			if err == nil {
				offerID = made[0].ID
			}
			return err
		})
		err := s.write(t, func(ctx context.Context, tx *store.Tx) error {
			_, err := clinic.ConfirmOffer(ctx, tx, s.practice, s.client, offerID, clinic.MedicationInput{}, s.staff, today)
			return err
		})
		var ps clinic.Problems
		if !errors.As(err, &ps) || fields(ps) != "dose" {
			t.Fatalf("confirming without a dose: %v; want a problem on dose", err)
		}
		s.write(t, func(ctx context.Context, tx *store.Tx) error {
			p, err := clinic.PendingOffers(ctx, tx, s.client)
			if err != nil || len(p) != 1 {
				t.Errorf("pending %v (%v) after the refusal; want the offer still there", p, err)
			}
			return nil
		})
	})
}
