package dosing_test

import (
	"fmt"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/screening"
)

// KAP.md §1 Vitals, pre-dose hold: the at-rest figure (label: above 180/100 mmHg at rest) is the
// one for screening and for the reading before a dose, "and the two must agree". Each boundary
// reading goes through both rules with their defaults.
func TestScreeningAndPreDoseHoldAgreeAtRest(t *testing.T) {
	rs, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		sys, dia int
		blocked  bool
	}{{179, 99, false}, {179, 100, true}, {180, 99, true}, {180, 100, true}, {181, 101, true}, {179, 105, true}, {150, 90, false}} {
		t.Run(fmt.Sprintf("%d/%d", c.sys, c.dia), func(t *testing.T) {
			res, err := screening.Evaluate(rs, screening.Facts{
				screening.FactBPSystolic:  screening.Number(float64(c.sys)),
				screening.FactBPDiastolic: screening.Number(float64(c.dia)),
			}, nil, at)
			if err != nil {
				t.Fatal(err)
			}
			screened := false
			for _, f := range res.Findings {
				if f.RuleID == "abs-severe-hypertension" {
					screened = true
				}
			}
			held, why := dosing.PreDoseHold(dosing.Reading{At: at, Systolic: dosing.Measured(c.sys), Diastolic: dosing.Measured(c.dia)}, dosing.DefaultHoldThreshold())
			if screened != c.blocked || held != c.blocked {
				t.Errorf("screening blocks = %v, pre-dose hold = %v (%s); both should be %v", screened, held, why, c.blocked)
			}
		})
	}
}
