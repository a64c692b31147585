package dosing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Bound is the widest a practice may set one number of Settings. The defaults are where the
// sources put each number; the bounds stop a setting from leaving what those sources support
// (the finding that prompted them: a hold at 260/160, an SpO2 alarm at 50 %, vitals every 240
// minutes and a one-minute discharge, all saved without a word). A number that must go past a
// bound for one client is a prescriber's signed exception for that client, not a practice
// setting.
type Bound struct {
	// Field names the number as the settings page and the API do ("discharge.min_observation_minutes").
	Field string
	// Label is the number's name in a sentence.
	Label    string
	Unit     string
	Min, Max int
	// Off: 0 is accepted too, and turns the check off (no alarm on that side, no comparison).
	Off bool
	// Source is the published source the bound rests on, or says that none was found.
	Source string
	// Hazard is the row of the clinical hazard log (docs/HAZARDS.md, served at /hazards) the
	// number belongs to.
	Hazard string
}

// Allows reports whether v is within the bound.
func (b Bound) Allows(v int) bool { return (b.Off && v == 0) || (v >= b.Min && v <= b.Max) }

// Sentence says what the bound is and where it comes from, for a refusal or a hint.
func (b Bound) Sentence() string {
	s := fmt.Sprintf("from %d to %d %s", b.Min, b.Max, b.Unit)
	if b.Off {
		s += ", or empty for none"
	}
	return s + " (" + b.Source + ")"
}

// Sources the bounds cite, once each so that a table test can check every bound cites one.
const (
	srcSwissLabel = "Swiss ketamine label: contraindicated above 180/100 mmHg at rest; NICE NG136: hypertension from 140/90 mmHg in clinic"
	srcEmergent   = "Emory (684 infusions) and Yale (2,342 infusions) ketamine series: treatment-emergent threshold systolic above 180 or diastolic above 110 mmHg; NICE NG136: hypertension from 140/90 mmHg"
	srcNEWS2      = "NEWS2, Royal College of Physicians 2017"
	srcSchedule   = "Emory and Yale ketamine infusion series: blood pressure every 10 minutes during infusion and every 15 after, with the peak around 40 minutes"
	srcREMS       = "Spravato REMS: at least 2 hours of observation every session, blood pressure before dosing and until stable"
	srcFasting    = "Spravato (esketamine) US label: no food for 2 hours and no liquid for 30 minutes before dosing"
	srcAndrade    = "Andrade 2017, J Clin Psychiatry 78:e852 (benzodiazepines may blunt response); Spravato label (alcohol a relative contraindication)"
	srcCourse     = "No published figure; a common course is 6 medicine sessions over 2–3 weeks (Andrade 2017 reviews courses of 6 infusions); holdspace's bound against typing slips"
	srcMeasurable = "What a reading itself can be (holdspace's check against typing slips)"
)

// Bounds lists the bound of every number of Settings, in the order the settings page shows them.
func Bounds() []Bound {
	b := []Bound{
		{Field: "course.planned_sessions", Label: "Planned medicine sessions", Unit: "sessions", Min: 1, Max: 12, Source: srcCourse, Hazard: "session-count"},
		{Field: "course.window_days", Label: "Course window", Unit: "days", Min: 7, Max: 90, Source: srcCourse, Hazard: "course-window"},
		{Field: "course.min_gap_hours", Label: "Minimum time between medicine sessions", Unit: "hours", Min: 24, Max: 336, Source: "No published minimum; at least a day apart so one session's effects have passed before the next (holdspace's bound)", Hazard: "medicine-session-spacing"},
		{Field: "course.stall_after_days", Label: "Course stalls after", Unit: "days", Min: 1, Max: 60, Source: "No published figure; holdspace's bound", Hazard: "course-stall"},
		{Field: "dose.weight_stale_after_days", Label: "A weight is old after", Unit: "days", Min: 7, Max: 365, Off: true, Source: "No published figure; holdspace's bound", Hazard: "weight-stale"},
		{Field: "hold.systolic_mmhg", Label: "Hold at systolic", Unit: "mmHg", Min: 140, Max: 180, Source: srcSwissLabel, Hazard: "pre-dose-hold"},
		{Field: "hold.diastolic_mmhg", Label: "Hold at diastolic", Unit: "mmHg", Min: 90, Max: 100, Source: srcSwissLabel, Hazard: "pre-dose-hold"},
		{Field: "vitals.pre_dose_reading_within_minutes", Label: "The pre-dose reading must be from the last", Unit: "minutes", Min: 5, Max: 60, Source: srcREMS + "; an hour is the oldest holdspace takes as before dosing", Hazard: "pre-dose-reading"},
	}
	// Normal ranges only highlight a reading, so they are bounded by what a reading can be.
	measurable := map[Measure][2]int{MeasureSystolic: {40, 300}, MeasureDiastolic: {20, 200}, MeasureHeartRate: {20, 250}, MeasureSpO2: {50, 100}, MeasureRespiratoryRate: {4, 70}}
	for _, m := range Measures() {
		k, r := string(m), measurable[m]
		b = append(b,
			Bound{Field: "ranges." + k + ".low", Label: m.Label() + ", lowest normal", Unit: m.Unit(), Min: r[0], Max: r[1], Off: true, Source: srcMeasurable, Hazard: "vitals-alarm"},
			Bound{Field: "ranges." + k + ".high", Label: m.Label() + ", highest normal", Unit: m.Unit(), Min: r[0], Max: r[1], Off: true, Source: srcMeasurable, Hazard: "vitals-alarm"})
	}
	// Alarms raise an alert that must be answered: each has to stay where the sources put
	// danger. The low blood pressure alarms are off by default, so Off.
	alarm := func(m Measure, side string, min, max int, off bool, src string) Bound {
		return Bound{Field: "alarm." + string(m) + "." + side, Label: m.Label() + ", alarm " + side, Unit: m.Unit(), Min: min, Max: max, Off: off, Source: src, Hazard: "vitals-alarm"}
	}
	b = append(b,
		alarm(MeasureSystolic, "below", 70, 100, true, srcNEWS2+": systolic 90 mmHg or less scores 3"),
		alarm(MeasureSystolic, "above", 140, 180, false, srcEmergent),
		alarm(MeasureDiastolic, "below", 40, 60, true, srcNEWS2+" and the usual 90/60 mmHg for low blood pressure"),
		alarm(MeasureDiastolic, "above", 90, 110, false, srcEmergent),
		alarm(MeasureHeartRate, "below", 40, 60, false, srcNEWS2+": 40 beats/min or less scores 3"),
		alarm(MeasureHeartRate, "above", 100, 131, false, srcNEWS2+": 131 beats/min or more scores 3"),
		alarm(MeasureSpO2, "below", 92, 96, false, srcNEWS2+": SpO2 91 % or less scores 3 on scale 1, 96 % or more scores 0"),
		alarm(MeasureSpO2, "above", 50, 100, true, srcMeasurable),
		alarm(MeasureRespiratoryRate, "below", 8, 12, false, srcNEWS2+": 8 breaths/min or less scores 3"),
		alarm(MeasureRespiratoryRate, "above", 20, 25, false, srcNEWS2+": 25 breaths/min or more scores 3"),
	)
	return append(b,
		Bound{Field: "schedule.early_every_minutes", Label: "Readings every, at first", Unit: "minutes", Min: 5, Max: 15, Source: srcSchedule, Hazard: "vitals-schedule"},
		Bound{Field: "schedule.early_for_minutes", Label: "For the first", Unit: "minutes", Min: 40, Max: 180, Source: srcSchedule, Hazard: "vitals-schedule"},
		Bound{Field: "schedule.then_every_minutes", Label: "Then readings every", Unit: "minutes", Min: 5, Max: 30, Source: srcSchedule + "; " + srcREMS, Hazard: "vitals-schedule"},
		Bound{Field: "discharge.min_observation_minutes", Label: "Least time from the last dose to discharge", Unit: "minutes", Min: 120, Max: 480, Source: srcREMS, Hazard: "discharge-criteria"},
		Bound{Field: "discharge.latest_reading_within_minutes", Label: "The settled reading must be from the last", Unit: "minutes", Min: 5, Max: 30, Source: srcREMS, Hazard: "discharge-criteria"},
		Bound{Field: "discharge.systolic_tolerance_mmhg", Label: "Systolic within this of baseline", Unit: "mmHg", Min: 5, Max: 40, Off: true, Source: srcREMS + "; no published figure for how near is stable", Hazard: "discharge-criteria"},
		Bound{Field: "discharge.heart_rate_tolerance_bpm", Label: "Heart rate within this of baseline", Unit: "beats/min", Min: 5, Max: 40, Off: true, Source: srcREMS + "; no published figure for how near is stable", Hazard: "discharge-criteria"},
		Bound{Field: "checklist.food_fast_minutes", Label: "No food before dosing", Unit: "minutes", Min: 120, Max: 720, Source: srcFasting, Hazard: "fasting-food"},
		Bound{Field: "checklist.liquid_fast_minutes", Label: "No liquid before dosing", Unit: "minutes", Min: 30, Max: 240, Source: srcFasting, Hazard: "fasting-liquid"},
		Bound{Field: "checklist.substance_free_hours", Label: "No alcohol or benzodiazepine before dosing", Unit: "hours", Min: 12, Max: 72, Off: true, Source: srcAndrade, Hazard: "alcohol-benzodiazepine-before-dose"},
	)
}

// BoundFor returns the bound of field.
func BoundFor(field string) (Bound, bool) {
	for _, b := range Bounds() {
		if b.Field == field {
			return b, true
		}
	}
	return Bound{}, false
}

// Number points at the number of s that field names, nil for an unknown field.
func (s *Settings) Number(field string) *int {
	switch field {
	case "course.planned_sessions":
		return &s.Course.PlannedSessions
	case "course.window_days":
		return &s.Course.WindowDays
	case "course.min_gap_hours":
		return &s.Course.MinGapHours
	case "course.stall_after_days":
		return &s.Course.StallAfterDays
	case "dose.weight_stale_after_days":
		return &s.Dose.WeightStaleAfterDays
	case "hold.systolic_mmhg":
		return &s.Hold.SystolicMmHg
	case "hold.diastolic_mmhg":
		return &s.Hold.DiastolicMmHg
	case "vitals.pre_dose_reading_within_minutes":
		return &s.Vitals.PreDoseReadingWithinMinutes
	case "schedule.early_every_minutes":
		return &s.Vitals.Schedule.EarlyEveryMinutes
	case "schedule.early_for_minutes":
		return &s.Vitals.Schedule.EarlyForMinutes
	case "schedule.then_every_minutes":
		return &s.Vitals.Schedule.ThenEveryMinutes
	case "discharge.min_observation_minutes":
		return &s.Discharge.MinObservationMinutes
	case "discharge.latest_reading_within_minutes":
		return &s.Discharge.LatestReadingWithinMinutes
	case "discharge.systolic_tolerance_mmhg":
		return &s.Discharge.SystolicToleranceMmHg
	case "discharge.heart_rate_tolerance_bpm":
		return &s.Discharge.HeartRateToleranceBpm
	case "checklist.food_fast_minutes":
		return &s.Checklist.FoodFastMinutes
	case "checklist.liquid_fast_minutes":
		return &s.Checklist.LiquidFastMinutes
	case "checklist.substance_free_hours":
		return &s.Checklist.SubstanceFreeHours
	}
	for _, m := range Measures() {
		k := string(m)
		switch field {
		case "ranges." + k + ".low":
			return &s.Vitals.Ranges.ptr(m).Low
		case "ranges." + k + ".high":
			return &s.Vitals.Ranges.ptr(m).High
		case "alarm." + k + ".below":
			return &s.Vitals.Alarm.ptr(m).Below
		case "alarm." + k + ".above":
			return &s.Vitals.Alarm.ptr(m).Above
		}
	}
	return nil
}

func (r *Ranges) ptr(m Measure) *Range {
	switch m {
	case MeasureDiastolic:
		return &r.Diastolic
	case MeasureHeartRate:
		return &r.HeartRate
	case MeasureSpO2:
		return &r.SpO2
	case MeasureRespiratoryRate:
		return &r.RespiratoryRate
	}
	return &r.Systolic
}

func (a *Alarm) ptr(m Measure) *AlarmBand {
	switch m {
	case MeasureDiastolic:
		return &a.Diastolic
	case MeasureHeartRate:
		return &a.HeartRate
	case MeasureSpO2:
		return &a.SpO2
	case MeasureRespiratoryRate:
		return &a.RespiratoryRate
	}
	return &a.Systolic
}

// BoundRefusal is one number outside its bound.
type BoundRefusal struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Bound   Bound  `json:"-"`
}

// OutOfBounds names every number of s outside its bound, with the bound and its source.
func (s Settings) OutOfBounds() []BoundRefusal {
	var out []BoundRefusal
	for _, b := range Bounds() {
		v := *s.Number(b.Field)
		if b.Allows(v) {
			continue
		}
		out = append(out, BoundRefusal{Field: b.Field, Bound: b,
			Message: fmt.Sprintf("%s can be set %s; %d is outside it.", b.Label, b.Sentence(), v)})
	}
	return out
}

// Change is one number changed by a save, for the history of the clinical settings.
type Change struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Changes lists what differs between before and after, every number and the hold's rule.
func Changes(before, after Settings) []Change {
	var out []Change
	for _, b := range Bounds() {
		x, y := *before.Number(b.Field), *after.Number(b.Field)
		if x != y {
			out = append(out, Change{Field: b.Field, Label: b.Label, Before: showNumber(x, b), After: showNumber(y, b)})
		}
	}
	if before.Hold.AtOrAbove != after.Hold.AtOrAbove {
		rule := map[bool]string{true: "at or above", false: "above only"}
		out = append(out, Change{Field: "hold.at_or_above", Label: "Hold at the numbers themselves", Before: rule[before.Hold.AtOrAbove], After: rule[after.Hold.AtOrAbove]})
	}
	for _, route := range Routes() {
		x, y := roleList(before.Givers[route]), roleList(after.Givers[route])
		if x != y {
			out = append(out, Change{Field: "givers." + string(route), Label: "Who may give a dose by " + route.Label(), Before: x, After: y})
		}
	}
	return out
}

func showNumber(v int, b Bound) string {
	if v == 0 && b.Off {
		return "none"
	}
	return strconv.Itoa(v) + " " + b.Unit
}

// roleList names roles in the order of GiverRoleChoices, for the history.
func roleList(roles []Role) string {
	var names []string
	for _, c := range GiverRoleChoices() {
		if slices.Contains(roles, c) {
			names = append(names, string(c))
		}
	}
	if len(names) == 0 {
		return "nobody"
	}
	return strings.Join(names, ", ")
}
