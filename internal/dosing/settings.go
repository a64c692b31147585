package dosing

import (
	"fmt"
	"slices"
	"time"
)

// Settings collects every number the medicine-phase rules use. Each one is a practice decision:
// the defaults below come from the sources in KAP.md §1 where one exists, and say so where none
// does. holdspace checks against them; it does not choose them.
type Settings struct {
	Dose      DoseSettings      `json:"dose"`
	Course    CourseSettings    `json:"course"`
	Hold      HoldThreshold     `json:"hold"`
	Vitals    VitalsSettings    `json:"vitals"`
	Discharge DischargeSettings `json:"discharge"`
	Checklist ChecklistSettings `json:"checklist"`
	// Givers are the roles that may give a dose by each route (CheckGiver).
	Givers map[Route][]Role `json:"givers"`
}

// GiverRoleChoices are the clinical roles a practice may allow to give a dose.
func GiverRoleChoices() []Role { return []Role{RolePrescriber, RoleTherapist, RoleMonitor} }

// DoseSettings govern how a dose is checked against the prescriber's limit.
type DoseSettings struct {
	// WeightStaleAfterDays: an older weight still gives mg/kg but draws a warning, because the
	// number the prescriber's mg/kg maximum rests on may have moved. 0 turns the warning off.
	WeightStaleAfterDays int `json:"weight_stale_after_days"`
}

// CourseSettings are the defaults for a new course and the limits for spacing and stalls.
type CourseSettings struct {
	// PlannedSessions: how many medicine sessions a new course plans for.
	PlannedSessions int `json:"planned_sessions"`
	// WindowDays: how long, from the first medicine session, the course is meant to take.
	WindowDays int `json:"window_days"`
	// MinGapHours: the least time between two medicine sessions of one course.
	MinGapHours int `json:"min_gap_hours"`
	// StallAfterDays: with nothing booked, a gap longer than this since the last medicine session
	// makes the course stalled.
	StallAfterDays int `json:"stall_after_days"`
}

// VitalsSettings hold the ranges and alarm thresholds for readings and how often they are due.
type VitalsSettings struct {
	Ranges   Ranges          `json:"ranges"`
	Alarm    Alarm           `json:"alarm"`
	Schedule ReadingSchedule `json:"schedule"`
	// PreDoseReadingWithinMinutes: how recent the blood pressure behind the pre-dose hold check
	// must be when a session starts.
	PreDoseReadingWithinMinutes int `json:"pre_dose_reading_within_minutes"`
}

// DischargeSettings are the numbers behind the discharge checklist.
type DischargeSettings struct {
	// MinObservationMinutes: least time from the last dose to discharge.
	MinObservationMinutes int `json:"min_observation_minutes"`
	// LatestReadingWithinMinutes: the reading that shows vitals have settled must be this recent.
	LatestReadingWithinMinutes int `json:"latest_reading_within_minutes"`
	// SystolicToleranceMmHg and HeartRateToleranceBpm: how far the last reading may sit from the
	// pre-dose baseline. 0 means that measure is not compared with baseline.
	SystolicToleranceMmHg int `json:"systolic_tolerance_mmhg"`
	HeartRateToleranceBpm int `json:"heart_rate_tolerance_bpm"`
}

// ChecklistSettings are the numbers behind the pre-dose checklist.
type ChecklistSettings struct {
	FoodFastMinutes   int `json:"food_fast_minutes"`
	LiquidFastMinutes int `json:"liquid_fast_minutes"`
	// SubstanceFreeHours: no alcohol or benzodiazepine within this many hours before dosing.
	// 0 turns the question off (a prescriber managing a regular benzodiazepine may prefer that).
	SubstanceFreeHours int `json:"substance_free_hours"`
}

// DefaultSettings returns the defaults a new practice starts from.
func DefaultSettings() Settings {
	return Settings{
		Givers: DefaultGiverRoles(),
		Dose: DoseSettings{
			// No guideline found for how old a weight may be; 90 days is a practice choice.
			WeightStaleAfterDays: 90,
		},
		Course: CourseSettings{
			// KAP.md §1 Session and course: "a common course is 6 medicine sessions over 2–3
			// weeks" (seeds); the window takes the upper end, 21 days.
			PlannedSessions: 6,
			WindowDays:      21,
			// Six sessions in 2–3 weeks means two or three a week; 48 h keeps them apart. No
			// published minimum was found: practice choice.
			MinGapHours: 48,
			// Practice choice: a week with nothing booked is worth a call.
			StallAfterDays: 7,
		},
		// KAP.md §1 Vitals, pre-dose hold: the at-rest figure 180/100, the one screening uses.
		Hold: DefaultHoldThreshold(),
		Vitals: VitalsSettings{
			Ranges:   DefaultRanges(),
			Alarm:    DefaultAlarm(),
			Schedule: DefaultReadingSchedule(),
			// Practice choice: a reading from the last hour stands for "BP before dosing"
			// (Spravato REMS model, KAP.md §1 Discharge).
			PreDoseReadingWithinMinutes: 60,
		},
		Discharge: DischargeSettings{
			// KAP.md §1 Discharge: Spravato REMS, at least 2 h observation every session.
			MinObservationMinutes: 120,
			// Matches the every-30-min schedule after the first hour: the last due reading.
			LatestReadingWithinMinutes: 30,
			// Practice choice ("until stable", Spravato REMS); within 20 of baseline.
			SystolicToleranceMmHg: 20,
			HeartRateToleranceBpm: 20,
		},
		Checklist: ChecklistSettings{
			// KAP.md §1 Fasting: Spravato label, no food for 2 h and no liquid for 30 min before
			// dosing; other routes [verify], so a practice instruction.
			FoodFastMinutes:   120,
			LiquidFastMinutes: 30,
			// KAP.md §1 interactions: benzodiazepines may blunt response (Andrade 2017); alcohol
			// is a relative contraindication (Spravato label). The 24 h window is a practice
			// choice.
			SubstanceFreeHours: 24,
		},
	}
}

// Validate names every setting that cannot work (zero or negative where a number is needed,
// a range upside down). It does not judge whether a number is clinically wise.
func (s Settings) Validate() []Refusal {
	var out []Refusal
	positive := func(name string, v int) {
		if v <= 0 {
			out = append(out, refuse(RuleSettings, "%s must be more than 0; it is %d.", name, v))
		}
	}
	notNegative := func(name string, v int) {
		if v < 0 {
			out = append(out, refuse(RuleSettings, "%s cannot be negative; it is %d.", name, v))
		}
	}
	notNegative("Weight stale after (days)", s.Dose.WeightStaleAfterDays)
	positive("Planned medicine sessions", s.Course.PlannedSessions)
	positive("Course window (days)", s.Course.WindowDays)
	positive("Minimum hours between medicine sessions", s.Course.MinGapHours)
	positive("Stall after (days)", s.Course.StallAfterDays)
	positive("Pre-dose hold systolic (mmHg)", s.Hold.SystolicMmHg)
	positive("Pre-dose hold diastolic (mmHg)", s.Hold.DiastolicMmHg)
	positive("Readings every (minutes) in the first period", s.Vitals.Schedule.EarlyEveryMinutes)
	notNegative("First period of readings (minutes)", s.Vitals.Schedule.EarlyForMinutes)
	positive("Readings every (minutes) afterwards", s.Vitals.Schedule.ThenEveryMinutes)
	positive("Pre-dose reading within (minutes)", s.Vitals.PreDoseReadingWithinMinutes)
	positive("Minimum observation (minutes)", s.Discharge.MinObservationMinutes)
	positive("Latest reading within (minutes)", s.Discharge.LatestReadingWithinMinutes)
	notNegative("Systolic tolerance (mmHg)", s.Discharge.SystolicToleranceMmHg)
	notNegative("Heart rate tolerance (beats/min)", s.Discharge.HeartRateToleranceBpm)
	notNegative("No food before dosing (minutes)", s.Checklist.FoodFastMinutes)
	notNegative("No liquid before dosing (minutes)", s.Checklist.LiquidFastMinutes)
	notNegative("No alcohol or benzodiazepine before dosing (hours)", s.Checklist.SubstanceFreeHours)
	for _, m := range Measures() {
		r := s.Vitals.Ranges.For(m)
		if r.Low < 0 || r.High < 0 || (r.High > 0 && r.Low > r.High) {
			out = append(out, refuse(RuleSettings, "The normal range for %s (%d–%d) is not a range.", m.Label(), r.Low, r.High))
		}
		a := s.Vitals.Alarm.For(m)
		if a.Below < 0 || a.Above < 0 || (a.Above > 0 && a.Below > a.Above) {
			out = append(out, refuse(RuleSettings, "The alarm thresholds for %s (below %d, above %d) overlap.", m.Label(), a.Below, a.Above))
		}
	}
	return out
}

// GiverProblems names each route whose choice of who may give a dose cannot work: nobody, or
// a role that is not a clinician's. No source fixes these roles; the default is holdspace's
// (DefaultGiverRoles).
func (s Settings) GiverProblems() []BoundRefusal {
	var out []BoundRefusal
	for _, route := range Routes() {
		field := "givers." + string(route)
		roles := s.Givers[route]
		if len(roles) == 0 {
			out = append(out, BoundRefusal{Field: field, Message: fmt.Sprintf("Who may give a dose by %s: choose at least one role, or no dose by this route can be recorded.", route.Label())})
		}
		for _, r := range roles {
			if !slices.Contains(GiverRoleChoices(), r) {
				out = append(out, BoundRefusal{Field: field, Message: fmt.Sprintf("Who may give a dose by %s: %q is not a clinical role (prescriber, therapist or monitor).", route.Label(), string(r))})
			}
		}
	}
	return out
}

// MinGap is the spacing rule as a duration.
func (s CourseSettings) MinGap() time.Duration { return time.Duration(s.MinGapHours) * time.Hour }
