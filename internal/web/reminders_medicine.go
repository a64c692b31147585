package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/dosing"
	"holdspace/internal/reminder"
	"holdspace/internal/settings"
)

// medField is one number of dosing.Settings on the medicine settings page.
// Check is the name dosing.Settings.Validate uses for it, so its refusal
// can be placed beside the field; Zero says an empty box means 0 (no
// bound, or the check turned off).
type medField struct {
	Name, Label, Unit, Note, Check string
	Zero                           bool
	ptr                            func(*dosing.Settings) *int
}

type medGroup struct {
	Title, Intro string
	Fields       []medField
}

// medGroups lists every number of dosing.Settings with where its default
// comes from (the comments in internal/dosing).
func medGroups() []medGroup {
	ranges := medGroup{Title: "Normal ranges of vitals", Intro: "Readings outside these ranges are highlighted on the session record. Leave a box empty for no bound."}
	alarms := medGroup{Title: "Alarm thresholds", Intro: "A reading beyond an alarm threshold raises an alert to everyone in the session that needs an acknowledgement. Leave a box empty for no alarm on that side."}
	rangeNotes := map[dosing.Measure]string{
		dosing.MeasureSystolic:        "Default 90–139: below the 140/90 clinic threshold for hypertension (NICE NG136), above the usual 90/60 for low blood pressure.",
		dosing.MeasureDiastolic:       "Default 60–89: as systolic (NICE NG136).",
		dosing.MeasureHeartRate:       "Default 60–100: the usual adult resting range (American Heart Association).",
		dosing.MeasureSpO2:            "Default 96–100: NEWS2 (Royal College of Physicians 2017) scores 0 at 96% or more on scale 1.",
		dosing.MeasureRespiratoryRate: "Default 12–20: NEWS2 scores 0 at 12–20 breaths/min.",
	}
	alarmNotes := map[dosing.Measure]string{
		dosing.MeasureSystolic:        "Default above 180: the treatment-emergent threshold of the Emory and Yale ketamine infusion series (systolic above 180, diastolic above 110; to verify). No low alarm by default; NEWS2 scores 90 or less as 3.",
		dosing.MeasureDiastolic:       "Default above 110: as systolic (Emory and Yale ketamine infusion series).",
		dosing.MeasureHeartRate:       "Default below 50, above 120: practice choice inside NEWS2's warning bands.",
		dosing.MeasureSpO2:            "Default below 92: NEWS2 scale 1 scores 91% or less as 3 (the red band).",
		dosing.MeasureRespiratoryRate: "Default below 10, above 24: NEWS2 scores 25 or more as 3; below 10 is a practice choice for sedation.",
	}
	for _, m := range dosing.Measures() {
		m := m
		unit, key := m.Unit(), string(m)
		ranges.Fields = append(ranges.Fields,
			medField{Name: "ranges." + key + ".low", Label: m.Label() + ", lowest normal", Unit: unit, Note: rangeNotes[m], Check: "The normal range for " + m.Label(), Zero: true,
				ptr: func(s *dosing.Settings) *int { return &rangeOf(s, m).Low }},
			medField{Name: "ranges." + key + ".high", Label: m.Label() + ", highest normal", Unit: unit, Check: "The normal range for " + m.Label(), Zero: true,
				ptr: func(s *dosing.Settings) *int { return &rangeOf(s, m).High }})
		alarms.Fields = append(alarms.Fields,
			medField{Name: "alarm." + key + ".below", Label: m.Label() + ", alarm below", Unit: unit, Note: alarmNotes[m], Check: "The alarm thresholds for " + m.Label(), Zero: true,
				ptr: func(s *dosing.Settings) *int { return &alarmOf(s, m).Below }},
			medField{Name: "alarm." + key + ".above", Label: m.Label() + ", alarm above", Unit: unit, Check: "The alarm thresholds for " + m.Label(), Zero: true,
				ptr: func(s *dosing.Settings) *int { return &alarmOf(s, m).Above }})
	}
	return []medGroup{
		{Title: "Courses", Intro: "Defaults for a new course (the prescriber may change them per course) and when a course counts as stalled.", Fields: []medField{
			{Name: "course.planned_sessions", Label: "Planned medicine sessions", Unit: "sessions", Check: "Planned medicine sessions",
				Note: "Default 6: a common course is 6 medicine sessions over 2–3 weeks (the practice's published course; Andrade 2017 reviews courses of 6 infusions).", ptr: func(s *dosing.Settings) *int { return &s.Course.PlannedSessions }},
			{Name: "course.window_days", Label: "Course window", Unit: "days", Check: "Course window (days)",
				Note: "Default 21: the upper end of 2–3 weeks.", ptr: func(s *dosing.Settings) *int { return &s.Course.WindowDays }},
			{Name: "course.min_gap_hours", Label: "Minimum time between medicine sessions", Unit: "hours", Check: "Minimum hours between medicine sessions",
				Note: "Default 48: two or three sessions a week; no published minimum was found, a practice choice.", ptr: func(s *dosing.Settings) *int { return &s.Course.MinGapHours }},
			{Name: "course.stall_after_days", Label: "Course stalls after", Unit: "days", Check: "Stall after (days)",
				Note: "Default 7: practice choice, a week with nothing booked is worth a call.", ptr: func(s *dosing.Settings) *int { return &s.Course.StallAfterDays }},
		}},
		{Title: "Doses", Fields: []medField{
			{Name: "dose.weight_stale_after_days", Label: "A weight is old after", Unit: "days", Check: "Weight stale after (days)", Zero: true,
				Note: "Default 90: no guideline found, a practice choice. An older weight still gives mg/kg with a warning; 0 turns the warning off.",
				ptr:  func(s *dosing.Settings) *int { return &s.Dose.WeightStaleAfterDays }},
		}},
		{Title: "Pre-dose hold", Intro: "Blood pressure before dosing above this holds the session; only a prescriber can override, with a reason.", Fields: []medField{
			{Name: "hold.systolic_mmhg", Label: "Hold at systolic", Unit: "mmHg", Check: "Pre-dose hold systolic (mmHg)",
				Note: "Default 180: the at-rest label figure 180/100 mmHg (Swiss ketamine label), the same limit screening uses. The treatment-emergent figure above 180/110 is the in-session alarm below.",
				ptr:  func(s *dosing.Settings) *int { return &s.Hold.SystolicMmHg }},
			{Name: "hold.diastolic_mmhg", Label: "Hold at diastolic", Unit: "mmHg", Check: "Pre-dose hold diastolic (mmHg)",
				Note: "Default 100: as systolic.", ptr: func(s *dosing.Settings) *int { return &s.Hold.DiastolicMmHg }},
			{Name: "vitals.pre_dose_reading_within_minutes", Label: "The pre-dose reading must be from the last", Unit: "minutes", Check: "Pre-dose reading within (minutes)",
				Note: "Default 60: practice choice after the Spravato REMS (blood pressure before dosing).", ptr: func(s *dosing.Settings) *int { return &s.Vitals.PreDoseReadingWithinMinutes }},
		}},
		ranges,
		alarms,
		{Title: "Reading schedule", Intro: "When the next set of vitals is due after the first dose.", Fields: []medField{
			{Name: "schedule.early_every_minutes", Label: "Readings every, at first", Unit: "minutes", Check: "Readings every (minutes) in the first period",
				Note: "Default 15: blood pressure peaks around 40 minutes, inside the closer-watched first hour (Emory and Yale ketamine infusion series).", ptr: func(s *dosing.Settings) *int { return &s.Vitals.Schedule.EarlyEveryMinutes }},
			{Name: "schedule.early_for_minutes", Label: "For the first", Unit: "minutes", Check: "First period of readings (minutes)", Zero: true,
				Note: "Default 60.", ptr: func(s *dosing.Settings) *int { return &s.Vitals.Schedule.EarlyForMinutes }},
			{Name: "schedule.then_every_minutes", Label: "Then readings every", Unit: "minutes", Check: "Readings every (minutes) afterwards",
				Note: "Default 30.", ptr: func(s *dosing.Settings) *int { return &s.Vitals.Schedule.ThenEveryMinutes }},
		}},
		{Title: "Discharge", Fields: []medField{
			{Name: "discharge.min_observation_minutes", Label: "Least time from the last dose to discharge", Unit: "minutes", Check: "Minimum observation (minutes)",
				Note: "Default 120: Spravato REMS, at least 2 hours of observation every session.", ptr: func(s *dosing.Settings) *int { return &s.Discharge.MinObservationMinutes }},
			{Name: "discharge.latest_reading_within_minutes", Label: "The settled reading must be from the last", Unit: "minutes", Check: "Latest reading within (minutes)",
				Note: "Default 30: the last due reading of the every-30-minute schedule.", ptr: func(s *dosing.Settings) *int { return &s.Discharge.LatestReadingWithinMinutes }},
			{Name: "discharge.systolic_tolerance_mmhg", Label: "Systolic within this of baseline", Unit: "mmHg", Check: "Systolic tolerance (mmHg)", Zero: true,
				Note: "Default 20: practice choice (\"until stable\", Spravato REMS); 0 does not compare with baseline.", ptr: func(s *dosing.Settings) *int { return &s.Discharge.SystolicToleranceMmHg }},
			{Name: "discharge.heart_rate_tolerance_bpm", Label: "Heart rate within this of baseline", Unit: "beats/min", Check: "Heart rate tolerance (beats/min)", Zero: true,
				Note: "Default 20: as systolic.", ptr: func(s *dosing.Settings) *int { return &s.Discharge.HeartRateToleranceBpm }},
		}},
		{Title: "Pre-dose checklist", Intro: "These numbers are also the fasting times in the reminder email.", Fields: []medField{
			{Name: "checklist.food_fast_minutes", Label: "No food before dosing", Unit: "minutes", Check: "No food before dosing (minutes)", Zero: true,
				Note: "Default 120: Spravato (esketamine) US label, no food for 2 hours; other routes to verify.", ptr: func(s *dosing.Settings) *int { return &s.Checklist.FoodFastMinutes }},
			{Name: "checklist.liquid_fast_minutes", Label: "No liquid before dosing", Unit: "minutes", Check: "No liquid before dosing (minutes)", Zero: true,
				Note: "Default 30: Spravato label, no liquid for 30 min.", ptr: func(s *dosing.Settings) *int { return &s.Checklist.LiquidFastMinutes }},
			{Name: "checklist.substance_free_hours", Label: "No alcohol or benzodiazepine before dosing", Unit: "hours", Check: "No alcohol or benzodiazepine before dosing (hours)", Zero: true,
				Note: "Default 24: practice choice (benzodiazepines may blunt response, Andrade 2017; alcohol a relative contraindication). 0 turns the question off.",
				ptr:  func(s *dosing.Settings) *int { return &s.Checklist.SubstanceFreeHours }},
		}},
	}
}

func rangeOf(s *dosing.Settings, m dosing.Measure) *dosing.Range {
	r := &s.Vitals.Ranges
	return ofMeasure(m, &r.Systolic, &r.Diastolic, &r.HeartRate, &r.SpO2, &r.RespiratoryRate)
}

func alarmOf(s *dosing.Settings, m dosing.Measure) *dosing.AlarmBand {
	a := &s.Vitals.Alarm
	return ofMeasure(m, &a.Systolic, &a.Diastolic, &a.HeartRate, &a.SpO2, &a.RespiratoryRate)
}

// ofMeasure is the one of a measure's five that m names; systolic for any
// other, as the settings have no sixth.
func ofMeasure[T any](m dosing.Measure, systolic, diastolic, heartRate, spo2, respiratoryRate *T) *T {
	switch m {
	case dosing.MeasureDiastolic:
		return diastolic
	case dosing.MeasureHeartRate:
		return heartRate
	case dosing.MeasureSpO2:
		return spo2
	case dosing.MeasureRespiratoryRate:
		return respiratoryRate
	}
	return systolic
}

// medicineForm fills a form from saved settings.
func medicineForm(ms dosing.Settings) *Form {
	f := NewForm(nil)
	for _, g := range medGroups() {
		for _, fl := range g.Fields {
			v := *fl.ptr(&ms)
			// An empty box reads better than 0 for "no bound".
			if v == 0 && (strings.HasPrefix(fl.Name, "ranges.") || strings.HasPrefix(fl.Name, "alarm.")) {
				continue
			}
			f.Set(fl.Name, strconv.Itoa(v))
		}
	}
	if ms.Hold.AtOrAbove {
		f.Set("hold.at_or_above", "on")
	}
	for route, roles := range ms.Givers {
		for _, r := range roles {
			f.Set(giverField(route, r), "on")
		}
	}
	return f
}

// medicineFromForm reads the form over the defaults, failing each box
// that is not a whole number, then places Validate's refusals beside
// their fields.
func medicineFromForm(f *Form) dosing.Settings {
	ms := dosing.DefaultSettings()
	groups := medGroups()
	for _, g := range groups {
		for _, fl := range g.Fields {
			raw := f.Get(fl.Name)
			if raw == "" && fl.Zero {
				*fl.ptr(&ms) = 0
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				f.Fail(fl.Name, fl.Label+": enter a whole number of "+fl.Unit+".")
				continue
			}
			*fl.ptr(&ms) = n
		}
	}
	ms.Hold.AtOrAbove = f.Get("hold.at_or_above") != ""
	ms.Givers = map[dosing.Route][]dosing.Role{}
	for _, route := range dosing.Routes() {
		roles := []dosing.Role{}
		for _, r := range dosing.GiverRoleChoices() {
			if f.Get(giverField(route, r)) != "" {
				roles = append(roles, r)
			}
		}
		ms.Givers[route] = roles
	}
	for _, r := range ms.Validate() {
		placed := false
		for _, g := range groups {
			for _, fl := range g.Fields {
				if !placed && fl.Check != "" && strings.HasPrefix(r.Message, fl.Check) {
					f.Fail(fl.Name, r.Message)
					placed = true
				}
			}
		}
		if !placed {
			f.Fail("medicine", r.Message)
		}
	}
	return ms
}

// giverField is the box that allows role to give a dose by route.
func giverField(route dosing.Route, role dosing.Role) string {
	return "givers." + string(route) + "." + string(role)
}

// giverRow is one route's choice of who may give a dose, for the page.
type giverRow struct {
	Route dosing.Route
	Label string
	Boxes []giverBox
	// Error is the refusal of this route's choice, if any.
	Error string
}

type giverBox struct {
	Name, Label string
	Checked     bool
}

// giverRows lays out the routes and roles with form's ticks, and places a refusal of a
// route's choice (Validate names it by its route's label) beside it.
func giverRows(form *Form) []giverRow {
	var out []giverRow
	for _, route := range dosing.Routes() {
		row := giverRow{Route: route, Label: route.Label()}
		for _, r := range dosing.GiverRoleChoices() {
			name := giverField(route, r)
			row.Boxes = append(row.Boxes, giverBox{Name: name, Label: string(r), Checked: form.Get(name) != ""})
		}
		row.Error = form.Errors["givers."+string(route)]
		out = append(out, row)
	}
	return out
}

type medicinePage struct {
	adminTabs
	Groups []medGroup
	Fields map[string]Field
	// Bounds are each number's bound, by field, with the hazard log row it belongs to.
	Bounds map[string]dosing.Bound
	// CanChange: the viewer is a prescriber or a clinical lead; everyone else reads.
	CanChange bool
	History   []settings.HistoryEntry
	// Values are the saved numbers as text, for the read-only view.
	Values map[string]string
	// Givers are who may give a dose by each route.
	Givers []giverRow
}

// newMedicinePage lays out form's values and errors by group, each number with its bound
// and source.
func newMedicinePage(path string, form *Form) medicinePage {
	d := medicinePage{adminTabs: tabsFor(path), Groups: medGroups(), Fields: map[string]Field{}, Bounds: map[string]dosing.Bound{}, Values: map[string]string{},
		Givers: giverRows(form)}
	for _, b := range dosing.Bounds() {
		d.Bounds[b.Field] = b
	}
	for _, g := range d.Groups {
		for _, fl := range g.Fields {
			hint := fl.Note
			if b, ok := d.Bounds[fl.Name]; ok {
				hint += " Allowed " + b.Sentence() + "."
			}
			d.Fields[fl.Name] = form.Input(fl.Name, fl.Label+" ("+fl.Unit+")", "text").Mode("numeric").WithHint(hint)
			d.Values[fl.Name] = form.Get(fl.Name)
		}
	}
	return d
}

func (s *Server) medicineSettingsPage(w http.ResponseWriter, r *http.Request) {
	s.showMedicineSettings(w, r, nil, http.StatusOK)
}

// showMedicineSettings draws the page: form when it holds a refused change (kept as typed),
// else the saved numbers.
func (s *Server) showMedicineSettings(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	v, err := s.reminderDoor().Medicine(r.Context(), a)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	if form == nil {
		form = medicineForm(v.Settings)
	}
	d := newMedicinePage(r.URL.Path, form)
	d.CanChange, d.History = v.CanChange, v.History
	p := s.page(w, r, "Medicine settings", d)
	p.Form = form
	s.render(w, r, status, "reminders_medicine", p)
}

// placeSettingsProblems puts the door's refusals beside their boxes; a field the page does
// not show goes at the top.
func placeSettingsProblems(form *Form, bad settings.Invalid) {
	for _, p := range bad {
		if form.Errors[p.Field] != "" {
			continue
		}
		form.Fail(p.Field, p.Message)
	}
}

func (s *Server) saveMedicineSettings(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	ms := medicineFromForm(form)
	in := reminder.MedicineChange{Settings: ms, Reason: form.Get("reason")}
	if form.HasErrors() {
		in.Unread = errFormInvalid
	}
	res, err := s.reminderDoor().ChangeMedicine(r.Context(), a, in)
	changes := res.Changes
	var bad settings.Invalid
	switch {
	case err == nil && len(changes) == 0:
		s.redirect(w, r, "/admin/medicine-settings", "ok", "Nothing was changed: the numbers are as saved.")
		return
	case err == nil:
		s.redirect(w, r, "/admin/medicine-settings", "ok", "The medicine settings are saved with your reason. New courses, checks and session records started from now on use them; sessions under way keep the settings they started with.")
		return
	case errors.As(err, &bad):
		placeSettingsProblems(form, bad)
	case err != errFormInvalid && s.failed(w, r, err, form):
		return
	}
	s.showMedicineSettings(w, r, form, http.StatusUnprocessableEntity)
}
