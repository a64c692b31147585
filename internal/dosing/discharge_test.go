package dosing

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func vitals(d time.Duration, sys, dia, hr, spo2 int) *Reading {
	return &Reading{At: at(d), Systolic: Measured(sys), Diastolic: Measured(dia), HeartRate: Measured(hr), SpO2: Measured(spo2)}
}

func TestCheckDischarge(t *testing.T) {
	// KAP.md §1 Discharge: release only after recovery is complete and into the care of a
	// responsible adult (US label); no driving until the next day after sleep (Spravato label);
	// Spravato REMS as the model: at least 2 h observation, BP until stable. Tolerances (SBP and
	// HR within 20 of baseline) and the 30-min freshness of the last reading are practice settings.
	s := DefaultSettings()
	ready := DischargeFacts{
		LastDoseAt:       at(0),
		Baseline:         vitals(-15*min, 125, 80, 72, 98),
		Latest:           vitals(125*min, 132, 84, 80, 97),
		AlertAndOriented: true, WalkingSteadily: true, EscortPresent: true, AftercareGiven: true,
	}
	with := func(change func(*DischargeFacts)) DischargeFacts {
		f := ready
		change(&f)
		return f
	}
	tests := []struct {
		name  string
		facts DischargeFacts
		now   time.Time
		unmet []DischargeCriterionID
		says  []string
	}{
		{"everything met at exactly 2 h", ready, at(2 * hour), nil, nil},
		{"one minute short of 2 h", ready, at(2*hour - min), []DischargeCriterionID{CriterionObservationTime},
			[]string{"1 h 59 min since the last dose at 09:00; the practice minimum is 2 h (from 11:00)."}},
		{"an additional dose restarts observation", with(func(f *DischargeFacts) { f.LastDoseAt = at(30 * min) }), at(2 * hour),
			[]DischargeCriterionID{CriterionObservationTime}, []string{"1 h 30 min since the last dose at 09:30"}},
		{"no dose time", with(func(f *DischargeFacts) { f.LastDoseAt = time.Time{} }), at(2 * hour),
			[]DischargeCriterionID{CriterionObservationTime}, []string{"Record the time of the last dose"}},
		{"no reading", with(func(f *DischargeFacts) { f.Latest = nil }), at(2 * hour),
			[]DischargeCriterionID{CriterionReadingAfterDose, CriterionVitalsNearBaseline, CriterionVitalsInRange},
			[]string{"Take a set of vitals: none is recorded since the dose."}},
		{"latest reading before the last dose", with(func(f *DischargeFacts) { f.Latest = vitals(-5*min, 125, 80, 72, 98) }), at(2 * hour),
			[]DischargeCriterionID{CriterionReadingAfterDose, CriterionVitalsNearBaseline, CriterionVitalsInRange},
			[]string{"the latest (08:55) is from before the last dose (09:00)"}},
		{"latest reading exactly 30 min old", ready, at(155 * min), nil, nil},
		{"latest reading 31 min old", ready, at(156 * min), []DischargeCriterionID{CriterionReadingAfterDose, CriterionVitalsNearBaseline, CriterionVitalsInRange},
			[]string{"the latest is from 11:05, 31 min ago; discharge needs one from the last 30 min"}},
		{"reading without SpO2", with(func(f *DischargeFacts) {
			f.Latest = &Reading{At: at(125 * min), Systolic: Measured(130), Diastolic: Measured(80), HeartRate: Measured(75)}
		}), at(2 * hour),
			[]DischargeCriterionID{CriterionReadingAfterDose}, []string{"The latest reading has no SpO2; record it."}},
		{"systolic exactly 20 over baseline", with(func(f *DischargeFacts) {
			f.Latest = vitals(125*min, 145, 84, 80, 97)
			f.Baseline = vitals(-15*min, 125, 80, 72, 98)
		}), at(2 * hour),
			[]DischargeCriterionID{CriterionVitalsInRange}, []string{"Systolic 145 mmHg is above the normal range 90–139 mmHg (baseline 125 mmHg)."}},
		{"systolic 21 over baseline", with(func(f *DischargeFacts) { f.Baseline = vitals(-15*min, 111, 80, 72, 98) }), at(2 * hour),
			[]DischargeCriterionID{CriterionVitalsNearBaseline}, []string{"Systolic 132 mmHg is 21 from the baseline 111 mmHg; the practice asks for within 20."}},
		{"heart rate exactly 20 from baseline", with(func(f *DischargeFacts) { f.Baseline = vitals(-15*min, 125, 80, 60, 98) }), at(2 * hour), nil, nil},
		{"heart rate 21 from an in-range baseline", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 125, 80, 71, 98)
			f.Latest = vitals(125*min, 130, 84, 92, 97)
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsNearBaseline}, []string{"Heart rate 92 beats/min is 21 from the baseline 71 beats/min"}},
		// A baseline above the normal range is not where recovery returns to: back inside the
		// range has settled (KAP.md §1 Discharge, "BP until stable").
		{"heart rate back in range from a high baseline", with(func(f *DischargeFacts) { f.Baseline = vitals(-15*min, 125, 80, 101, 98) }), at(2 * hour), nil, nil},
		{"systolic back in range after a hold was overridden at 180", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 180, 104, 72, 98)
			f.Latest = vitals(125*min, 128, 80, 76, 97)
		}), at(2 * hour), nil, nil},
		{"systolic 25 below an in-range baseline", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 130, 80, 72, 98)
			f.Latest = vitals(125*min, 105, 70, 76, 97)
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsNearBaseline}, []string{"Systolic 105 mmHg is 25 from the baseline 130 mmHg"}},
		{"no baseline", with(func(f *DischargeFacts) { f.Baseline = nil }), at(2 * hour),
			[]DischargeCriterionID{CriterionVitalsNearBaseline}, []string{"No pre-dose baseline reading is recorded"}},
		{"SpO2 below normal", with(func(f *DischargeFacts) { f.Latest = vitals(125*min, 130, 84, 80, 95) }), at(2 * hour),
			[]DischargeCriterionID{CriterionVitalsInRange}, []string{"SpO2 95% is below the normal range 96–100% (baseline 98%)."}},
		{"baseline out of range, back to it", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 148, 92, 72, 98)
			f.Latest = vitals(125*min, 146, 90, 80, 97)
		}), at(2 * hour), nil, nil},
		{"baseline out of range, now further out", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 148, 92, 72, 98)
			f.Latest = vitals(125*min, 150, 94, 80, 97)
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsInRange}, []string{"Systolic 150 mmHg is above the normal range 90–139 mmHg (baseline 148 mmHg).", "Diastolic 94 mmHg"}},
		{"baseline SpO2 below range, now no lower", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 125, 80, 72, 94)
			f.Latest = vitals(125*min, 130, 84, 80, 94)
		}), at(2 * hour), nil, nil},
		{"baseline SpO2 below range, now lower", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 125, 80, 72, 94)
			f.Latest = vitals(125*min, 130, 84, 80, 93)
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsInRange}, []string{"SpO2 93% is below the normal range 96–100% (baseline 94%)."}},
		{"baseline high, now swung below range", with(func(f *DischargeFacts) {
			f.Baseline = vitals(-15*min, 145, 80, 72, 98)
			f.Latest = vitals(125*min, 130, 84, 80, 98)
			f.Latest.HeartRate = Measured(58)
			f.Baseline.HeartRate = Measured(105)
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsNearBaseline, CriterionVitalsInRange},
			[]string{"Heart rate 58 beats/min is 47 from the baseline 105 beats/min", "Heart rate 58 beats/min is below the normal range 60–100 beats/min (baseline 105 beats/min)."}},
		{"baseline without heart rate", with(func(f *DischargeFacts) {
			f.Baseline = &Reading{At: at(-15 * min), Systolic: Measured(125), Diastolic: Measured(80)}
		}), at(2 * hour), []DischargeCriterionID{CriterionVitalsNearBaseline}, []string{"The baseline has no heart rate to compare with."}},
		{"not alert and oriented", with(func(f *DischargeFacts) { f.AlertAndOriented = false }), at(2 * hour),
			[]DischargeCriterionID{CriterionAlertOriented}, []string{"alert and oriented"}},
		{"not walking steadily", with(func(f *DischargeFacts) { f.WalkingSteadily = false }), at(2 * hour),
			[]DischargeCriterionID{CriterionWalkingSteadily}, []string{"walks steadily"}},
		{"no escort", with(func(f *DischargeFacts) { f.EscortPresent = false }), at(2 * hour),
			[]DischargeCriterionID{CriterionEscortPresent}, []string{"The escort must be present"}},
		{"no aftercare", with(func(f *DischargeFacts) { f.AftercareGiven = false }), at(2 * hour),
			[]DischargeCriterionID{CriterionAftercareGiven}, []string{"aftercare instructions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CheckDischarge(tt.facts, s.Discharge, s.Vitals.Ranges, tt.now)
			var got []DischargeCriterionID
			var needed []string
			for _, u := range c.Unmet {
				got = append(got, u.ID)
				needed = append(needed, u.Needed)
			}
			if !slices.Equal(got, tt.unmet) {
				t.Errorf("unmet %v, want %v\n%s", got, tt.unmet, strings.Join(needed, "\n"))
			}
			if c.Met != (len(tt.unmet) == 0) || len(c.Criteria) != 8 {
				t.Errorf("met %v with %d criteria", c.Met, len(c.Criteria))
			}
			all := strings.Join(needed, "\n")
			for _, f := range tt.says {
				if !strings.Contains(all, f) {
					t.Errorf("needed lacks %q:\n%s", f, all)
				}
			}
		})
	}
}

func TestDischargeSummary(t *testing.T) {
	// KAP.md §1 Discharge: monitoring continues until the criteria are met; the screen shows how
	// long since the last dose (Spravato REMS ≥2 h).
	s := DefaultSettings()
	c := CheckDischarge(DischargeFacts{LastDoseAt: at(0)}, s.Discharge, s.Vitals.Ranges, at(85*min))
	if c.Summary != "Monitoring continues: 1 h 25 min since the last dose; 8 of 8 discharge criteria not yet met." || c.MinutesSinceLastDose != 85 {
		t.Errorf("summary %q, %d min", c.Summary, c.MinutesSinceLastDose)
	}
	f := DischargeFacts{LastDoseAt: at(0), Baseline: vitals(-15*min, 125, 80, 72, 98), Latest: vitals(125*min, 130, 82, 76, 98),
		AlertAndOriented: true, WalkingSteadily: true, EscortPresent: true, AftercareGiven: true}
	c = CheckDischarge(f, s.Discharge, s.Vitals.Ranges, at(130*min))
	if !c.Met || c.Summary != "Discharge criteria met: 2 h 10 min since the last dose." {
		t.Errorf("summary %q", c.Summary)
	}
}
