package eligibility

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"holdspace/internal/clinic"
	"holdspace/internal/intake"
)

// Typed is one section as typed into its page: each field's path and text,
// with medication rows as "medications.list[2].name". A row whose boxes are
// all empty, or whose "medications.list[2].remove" is set, is left out.
type Typed map[string]string

// TypedResult is what saving a page did.
type TypedResult struct {
	// Errors are keyed by the page's own paths: a medication row keeps the
	// number it has on the page even when empty rows above it are dropped.
	Errors intake.FieldErrors
	Saved  Saved
}

// SectionInfo returns the named section of the form.
func SectionInfo(name string) (intake.SectionInfo, bool) {
	for _, s := range intake.Sections() {
		if s.Name == name {
			return s, true
		}
	}
	return intake.SectionInfo{}, false
}

// SaveTyped saves what was typed on one section's page. What is well formed
// is saved; what is not is reported against its field and left as it was
// stored before, so nothing invalid is stored and, since the page shows the
// typed text again beside its message, nothing typed is lost.
func (u Use) SaveTyped(ctx context.Context, clientID, name string, t Typed) (TypedResult, error) {
	res := TypedResult{Errors: intake.FieldErrors{}}
	if _, ok := SectionInfo(name); !ok {
		return res, clinic.ErrNotFound
	}
	rec, err := u.Load(ctx, clientID)
	if err != nil {
		return res, err
	}
	if rec.Status == Submitted && u.By.IsClient() {
		return res, ErrSubmitted
	}
	sec, rows, parseErrs := parseTyped(name, t)
	valErrs := sec.Validate()
	for k, v := range parseErrs {
		res.Errors[k] = v
	}
	for k, v := range valErrs {
		if fk := formPath(k, rows); res.Errors[fk] == "" {
			res.Errors[fk] = v
		}
	}
	if len(res.Errors) > 0 {
		old, _ := rec.Answers.Section(name)
		sec = mergeValid(name, old, sec, rows, parseErrs, valErrs)
		if len(sec.Validate()) > 0 {
			// The valid parts do not stand on their own: keep what was stored.
			return res, nil
		}
	}
	res.Saved, err = u.SaveSection(ctx, clientID, sec)
	return res, err
}

var rowField = regexp.MustCompile(`^medications\.list\[(\d+)\]\.([a-z_]+)$`)

// maxRowIndex bounds the row numbers read from a page, far above the 50
// medicines a list may hold.
const maxRowIndex = 500

// parseTyped reads a page into its section. rows maps each medication of the
// list to its row on the page. A number that cannot be read is reported and
// left out.
func parseTyped(name string, t Typed) (intake.Section, []int, intake.FieldErrors) {
	info, _ := SectionInfo(name)
	fe := intake.FieldErrors{}
	m := map[string]any{}
	for _, q := range info.Questions {
		if q.Kind == intake.KindMedicationList || strings.Contains(q.Path, "[]") {
			continue
		}
		if v := strings.TrimSpace(t[q.Path]); v != "" {
			m[strings.TrimPrefix(q.Path, name+".")] = v
		}
	}
	var rows []int
	if name == intake.SectionMedications {
		var list []intake.Medication
		list, rows = parseRows(t, fe)
		m["list"] = list
	}
	data, _ := json.Marshal(m)
	ptr, _ := NewSection(name)
	if err := json.Unmarshal(data, ptr); err != nil {
		// Only strings and the list are written above; this cannot fail
		// short of a change to the model, which the tests would catch.
		fe[name] = "This page could not be read; please try again."
	}
	return SectionValue(ptr), rows, fe
}

// SectionValue gives the section a pointer from NewSection points at.
func SectionValue(ptr any) intake.Section {
	switch v := ptr.(type) {
	case *intake.Medical:
		return *v
	case *intake.Psychiatric:
		return *v
	case *intake.Substances:
		return *v
	case *intake.Medications:
		return *v
	case *intake.Experience:
		return *v
	case *intake.Goals:
		return *v
	}
	return nil
}

func parseRows(t Typed, fe intake.FieldErrors) ([]intake.Medication, []int) {
	var idx []int
	for k := range t {
		if mm := rowField.FindStringSubmatch(k); mm != nil {
			if i, err := strconv.Atoi(mm[1]); err == nil && i <= maxRowIndex && !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	var list []intake.Medication
	var rows []int
	for _, i := range idx {
		at := func(f string) string { return fmt.Sprintf("medications.list[%d].%s", i, f) }
		get := func(f string) string { return strings.TrimSpace(t[at(f)]) }
		if get("remove") != "" {
			continue
		}
		name, dose, unit, freq, daily := get("name"), get("dose"), get("unit"), get("frequency"), get("daily_dose_mg")
		if name == "" && dose == "" && unit == "" && freq == "" && daily == "" {
			continue
		}
		med := intake.Medication{Name: name, Unit: unit, Frequency: freq}
		if dose != "" {
			if x, ok := parseNumber(dose); ok {
				med.Dose = x
			} else {
				fe[at("dose")] = "Please enter the dose as a number, such as 10 or 0.5."
			}
		}
		if daily != "" {
			if x, ok := parseNumber(daily); ok {
				med.DailyDoseMg = &x
			} else {
				fe[at("daily_dose_mg")] = "Please enter the total mg you take in a usual day as a number, such as 2 or 0.5."
			}
		}
		list = append(list, med)
		rows = append(rows, i)
	}
	return list, rows
}

// parseNumber reads a number as people write it: "0.5", "0,5", "10 mg".
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "mg"))
	if !strings.Contains(s, ".") && strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// formPath turns a path into the list ("medications.list[1].dose") into the
// path of the same box on the page.
func formPath(path string, rows []int) string {
	mm := rowField.FindStringSubmatch(path)
	if mm == nil {
		return path
	}
	j, _ := strconv.Atoi(mm[1])
	if j >= len(rows) {
		return path
	}
	return fmt.Sprintf("medications.list[%d].%s", rows[j], mm[2])
}

// mergeValid takes from typed every answer that was read and is well formed,
// and from old the rest. Row errors of the list drop the box in error (a row
// without a usable name is dropped whole); an error about the list as a
// whole keeps the stored list and the answer above it.
func mergeValid(name string, old, typed intake.Section, rows []int, parseErrs, valErrs intake.FieldErrors) intake.Section {
	bad := map[string]bool{}
	for k := range valErrs {
		bad[k] = true
	}
	for k := range parseErrs {
		mm := rowField.FindStringSubmatch(k)
		if mm == nil {
			bad[k] = true
			continue
		}
		i, _ := strconv.Atoi(mm[1])
		if j := slices.Index(rows, i); j >= 0 {
			bad[fmt.Sprintf("medications.list[%d].%s", j, mm[2])] = true
		}
	}
	oldMap, newMap := asMap(old), asMap(typed)
	info, _ := SectionInfo(name)
	for _, q := range info.Questions {
		if q.Kind == intake.KindMedicationList || strings.Contains(q.Path, "[]") || !bad[q.Path] {
			continue
		}
		key := strings.TrimPrefix(q.Path, name+".")
		if v, ok := oldMap[key]; ok {
			newMap[key] = v
		} else {
			delete(newMap, key)
		}
	}
	if name == intake.SectionMedications {
		oldMeds, _ := old.(intake.Medications)
		meds, _ := typed.(intake.Medications)
		var list []intake.Medication
		if bad["medications.list"] {
			list = oldMeds.List
			if v, ok := oldMap["takes_medications"]; ok {
				newMap["takes_medications"] = v
			} else {
				delete(newMap, "takes_medications")
			}
		} else {
			for j, med := range meds.List {
				at := func(f string) bool { return bad[fmt.Sprintf("medications.list[%d].%s", j, f)] }
				if at("name") {
					continue
				}
				if at("dose") {
					med.Dose = 0
				}
				if at("daily_dose_mg") {
					med.DailyDoseMg = nil
				}
				if at("unit") {
					med.Unit = ""
				}
				if at("frequency") {
					med.Frequency = ""
				}
				list = append(list, med)
			}
		}
		raw, _ := json.Marshal(list)
		newMap["list"] = raw
	}
	data, _ := json.Marshal(newMap)
	ptr, _ := NewSection(name)
	if err := json.Unmarshal(data, ptr); err != nil {
		return old
	}
	return SectionValue(ptr)
}

func asMap(s intake.Section) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if s == nil {
		return m
	}
	data, _ := json.Marshal(s)
	json.Unmarshal(data, &m)
	return m
}

// TypedFrom gives a stored section as the page shows it.
func TypedFrom(sec intake.Section) Typed {
	t := Typed{}
	if sec == nil {
		return t
	}
	name := sec.SectionName()
	for k, raw := range asMap(sec) {
		var v string
		if json.Unmarshal(raw, &v) == nil {
			t[name+"."+k] = v
		}
	}
	if meds, ok := sec.(intake.Medications); ok {
		for i, m := range meds.List {
			at := func(f string) string { return fmt.Sprintf("medications.list[%d].%s", i, f) }
			t[at("name")] = m.Name
			if m.Dose != 0 {
				t[at("dose")] = strconv.FormatFloat(m.Dose, 'f', -1, 64)
			}
			t[at("unit")] = m.Unit
			t[at("frequency")] = m.Frequency
			if m.DailyDoseMg != nil {
				t[at("daily_dose_mg")] = strconv.FormatFloat(*m.DailyDoseMg, 'f', -1, 64)
			}
		}
	}
	return t
}
