package demo

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo practice's charts and evaluations: weights for mg/kg, escorts
// for all but Jamie, signed approvals for Alex, Maya and Daniel, Robert
// not approved, Priscilla awaiting the prescriber.
func TestTheDemoChartsAndEvaluations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			on := w.now.In(time.FixedZone("EST", -5*3600))
			for key, id := range w.clients {
				named, err := clinic.EscortNamed(ctx, tx, id)
				if err != nil {
					return err
				}
				if named != (key != "jamie") {
					t.Errorf("%s: escort named %v", key, named)
				}
				weight, err := clinic.LatestWeight(ctx, tx, id, on)
				if err != nil {
					return err
				}
				if weight == nil || weight.Kg < 50 || weight.Kg > 100 {
					t.Errorf("%s: weight %+v", key, weight)
				}
				e, err := prescribing.Current(ctx, tx, id)
				if err != nil {
					return err
				}
				switch key {
				case "alex", "maya", "daniel":
					if !e.Approved() || e.SignerName != "Dr. Priya Raman, MD" || e.Verify() != nil {
						t.Errorf("%s: evaluation %+v; want a verified approval signed by the demo prescriber", key, e)
					} else if _, ok := e.Limit("sublingual_rdt"); !ok {
						t.Errorf("%s: no sublingual RDT limit", key)
					}
					// Maya's prescriber orders a stricter hold, a held substance and ondansetron.
					if o := e.Orders; key == "maya" && (o.Hold == nil || o.Hold.SystolicMmHg != 160 || len(o.HeldSubstances) != 1 ||
						len(o.PreMedications) != 1 || o.PreMedications[0].Drug != "ondansetron") {
						t.Errorf("maya: orders %+v", o)
					}
				case "robert":
					if e == nil || e.Approved() || e.Decision != prescribing.NotApproved || e.Meaning != prescribing.MeaningReview {
						t.Errorf("robert: evaluation %+v; want not approved, signed as a review", e)
					}
				default:
					if e != nil {
						t.Errorf("%s: evaluation %+v; want none yet", key, e)
					}
				}
			}
			m, err := clinic.LoadMedical(ctx, tx, w.clients["alex"])
			if err != nil {
				return err
			}
			if len(m.Medications) == 0 || m.Medications[0].Name != "clonazepam" || m.Medications[0].Dose != "0.5 mg" || len(m.StoppedMedications) != 1 {
				t.Errorf("alex's medications %+v, stopped %+v; want clonazepam 0.5 mg nightly and one stopped", m.Medications, m.StoppedMedications)
			}
			// Alex's intake medicines were confirmed onto the chart; Priscilla's still waits.
			if len(m.Offered) != 0 || m.Medications[0].SourceIntakeID == "" {
				t.Errorf("alex: offered %+v, first medication %+v; want both confirmed from the intake", m.Offered, m.Medications[0])
			}
			p, err := clinic.LoadMedical(ctx, tx, w.clients["priscilla"])
			if err != nil {
				return err
			}
			if len(p.Offered) != 1 || p.Offered[0].Name != "Venlafaxine XR" || len(p.Medications) != 0 {
				t.Errorf("priscilla: offered %+v, medications %+v; want her intake's venlafaxine still offered", p.Offered, p.Medications)
			}
			return nil
		})
	})
}
