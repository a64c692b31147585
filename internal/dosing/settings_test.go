package dosing

import "testing"

func TestDefaultSettings(t *testing.T) {
	// KAP.md §1: each default and its source — 6 sessions over 2–3 weeks (seeds), 2 h
	// observation (Spravato REMS), 2 h food / 30 min liquid fast (Spravato label), hold at
	// 180/100 (the at-rest label figure, as screening).
	s := DefaultSettings()
	if probs := s.Validate(); len(probs) != 0 {
		t.Fatalf("defaults do not validate:\n%s", messages(probs))
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"planned sessions", s.Course.PlannedSessions, 6},
		{"window days", s.Course.WindowDays, 21},
		{"min gap hours", s.Course.MinGapHours, 48},
		{"stall after days", s.Course.StallAfterDays, 7},
		{"weight stale days", s.Dose.WeightStaleAfterDays, 90},
		{"hold systolic", s.Hold.SystolicMmHg, 180},
		{"hold diastolic", s.Hold.DiastolicMmHg, 100},
		{"min observation", s.Discharge.MinObservationMinutes, 120},
		{"food fast", s.Checklist.FoodFastMinutes, 120},
		{"liquid fast", s.Checklist.LiquidFastMinutes, 30},
		{"substance window", s.Checklist.SubstanceFreeHours, 24},
		{"early readings", s.Vitals.Schedule.EarlyEveryMinutes, 15},
		{"early period", s.Vitals.Schedule.EarlyForMinutes, 60},
		{"later readings", s.Vitals.Schedule.ThenEveryMinutes, 30},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if !s.Hold.AtOrAbove {
		t.Error("default hold should hold at the numbers themselves")
	}
}

func TestSettingsValidate(t *testing.T) {
	// Practice settings (KAP.md §1 [verify] items) must at least be usable numbers.
	s := DefaultSettings()
	s.Course.MinGapHours = 0
	s.Checklist.FoodFastMinutes = -5
	s.Vitals.Ranges.HeartRate = Range{Low: 100, High: 60}
	s.Vitals.Alarm.SpO2 = AlarmBand{Below: 95, Above: 90}
	probs := s.Validate()
	wantRules(t, probs, RuleSettings, RuleSettings, RuleSettings, RuleSettings)
	wantMessages(t, probs,
		"Minimum hours between medicine sessions must be more than 0; it is 0.",
		"No food before dosing (minutes) cannot be negative; it is -5.",
		"The normal range for Heart rate (100–60) is not a range.",
		"The alarm thresholds for SpO2 (below 95, above 90) overlap.")
}
