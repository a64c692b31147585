package clinic

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Mark says when and by whom a chart entry was removed (or a medication
// stopped), and why. Entries are marked, never deleted.
type Mark struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
}

// Entry is what every chart entry carries: who recorded it, and when.
type Entry struct {
	ID string `json:"id"`
	// RecordedBy is the name of who recorded it, on entries read back.
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
	Removed    *Mark     `json:"removed,omitempty"`
}

// Diagnosis is an ICD-10-CM code with its words.
type Diagnosis struct {
	Entry
	Code        string `json:"code"`
	Description string `json:"description"`
	Primary     bool   `json:"primary"`
	DiagnosedOn string `json:"diagnosed_on"`
}

// Medication is a medicine the client takes, or took: for a stopped one,
// Removed says when it was marked stopped, by whom and why.
type Medication struct {
	Entry
	Name      string `json:"name"`
	Dose      string `json:"dose"`
	Frequency string `json:"frequency"`
	StartedOn string `json:"started_on,omitempty"`
	StoppedOn string `json:"stopped_on,omitempty"`
	// SourceIntakeID is the intake it was confirmed from; empty when staff entered it here.
	SourceIntakeID string `json:"source_intake_id,omitempty"`
}

// Allergy is a substance the client reacts to.
type Allergy struct {
	Entry
	Substance string `json:"substance"`
	Reaction  string `json:"reaction,omitempty"`
}

// Measurement is a dated weight and/or height, stored in kg and cm.
type Measurement struct {
	Entry
	MeasuredOn string   `json:"measured_on"`
	WeightKg   *float64 `json:"weight_kg,omitempty"`
	HeightCm   *float64 `json:"height_cm,omitempty"`
	// The units the numbers were typed in, to show them as entered.
	WeightUnit string `json:"weight_unit,omitempty"`
	HeightUnit string `json:"height_unit,omitempty"`
}

const (
	kgPerLb = 0.45359237
	cmPerIn = 2.54
)

// Kg is the stored weight for a page ("70.3 kg"); empty when none.
func (m Measurement) Kg() string {
	if m.WeightKg == nil {
		return ""
	}
	return show(*m.WeightKg) + " kg"
}

// Cm is the stored height for a page ("175 cm"); empty when none.
func (m Measurement) Cm() string {
	if m.HeightCm == nil {
		return ""
	}
	return show(*m.HeightCm) + " cm"
}

// WeightAsEntered is the weight in the unit it was typed in ("154.3 lb").
func (m Measurement) WeightAsEntered() string {
	if m.WeightKg == nil {
		return ""
	}
	if m.WeightUnit == "lb" {
		return strconv.FormatFloat(math.Round(*m.WeightKg/kgPerLb*10)/10, 'f', -1, 64) + " lb"
	}
	return strconv.FormatFloat(*m.WeightKg, 'f', -1, 64) + " kg"
}

// HeightAsEntered is the height in the unit it was typed in.
func (m Measurement) HeightAsEntered() string {
	if m.HeightCm == nil {
		return ""
	}
	if m.HeightUnit == "in" {
		return strconv.FormatFloat(math.Round(*m.HeightCm/cmPerIn*10)/10, 'f', -1, 64) + " in"
	}
	return strconv.FormatFloat(*m.HeightCm, 'f', -1, 64) + " cm"
}

// Medical is the client's clinical history: what is current, and what was
// removed or stopped, kept for the record.
type Medical struct {
	Diagnoses           []Diagnosis   `json:"diagnoses"`
	PastDiagnoses       []Diagnosis   `json:"past_diagnoses"`
	Medications         []Medication  `json:"medications"`
	StoppedMedications  []Medication  `json:"stopped_medications"`
	Allergies           []Allergy     `json:"allergies"`
	RemovedAllergies    []Allergy     `json:"removed_allergies"`
	Measurements        []Measurement `json:"measurements"`
	RemovedMeasurements []Measurement `json:"removed_measurements"`
	// Offered are the medicines the client listed on the intake that no clinician has confirmed
	// or declined yet: not on the chart, but shown beside it as the client's word.
	Offered []OfferedMedication `json:"offered_from_intake"`
}

// DiagnosisInput is a diagnosis as entered.
type DiagnosisInput struct {
	// ID is the new entry's id; one is made when empty.
	ID          string `json:"-"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Primary     bool   `json:"primary"`
	DiagnosedOn string `json:"diagnosed_on"`
}

// icd10 is the shape of an ICD-10-CM code: a letter, two characters, and
// up to four more after the dot (F33.1, F43.10, T40.991A).
var icd10 = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)

// NormaliseICD10 upper-cases a code and puts in the dot when it was left
// out (f331 → F33.1).
func NormaliseICD10(code string) string {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	if len(c) > 3 && !strings.Contains(c, ".") && icd10.MatchString(c[:3]+"."+c[3:]) {
		c = c[:3] + "." + c[3:]
	}
	return c
}

// Validate says what is wrong with a normalised diagnosis.
func (in DiagnosisInput) Validate(today time.Time) Problems {
	var ps Problems
	switch {
	case in.Code == "":
		ps.Add("code", "The ICD-10 code is needed, such as F33.1.")
	case !icd10.MatchString(in.Code):
		ps.Add("code", "%q is not shaped like an ICD-10 code: a letter, two characters, then a dot and up to four more, such as F33.1 or F43.10.", in.Code)
	}
	checkText(&ps, "description", in.Description, "The description", true, 200)
	checkDay(&ps, "diagnosed_on", in.DiagnosedOn, "The date of diagnosis", true, today)
	return ps
}

func (in *DiagnosisInput) normalise() {
	in.Code = NormaliseICD10(in.Code)
	in.Description, in.DiagnosedOn = strings.TrimSpace(in.Description), strings.TrimSpace(in.DiagnosedOn)
}

// AddDiagnosis records a diagnosis, entered by staff member by. A client has
// at most one current primary diagnosis: to change it, remove the old one.
//
// Here and in the other Add functions, at is now in the practice's zone:
// dates typed are checked against its calendar day.
func AddDiagnosis(ctx context.Context, tx *store.Tx, practiceID, clientID string, in DiagnosisInput, by string, at time.Time) (Diagnosis, error) {
	in.normalise()
	ps := in.Validate(at)
	if in.Primary {
		var code string
		err := tx.QueryRow(ctx, `SELECT code FROM diagnosis WHERE client_id = ? AND is_primary = ? AND removed_at IS NULL`, clientID, true).Scan(&code)
		if err == nil {
			ps.Add("primary", "%s is already the primary diagnosis; remove it first, or record this one as secondary.", code)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Diagnosis{}, err
		}
	}
	if err := ps.Err(); err != nil {
		return Diagnosis{}, err
	}
	d := Diagnosis{Entry: newEntry(in.ID, at), Code: in.Code, Description: in.Description, Primary: in.Primary, DiagnosedOn: in.DiagnosedOn}
	_, err := tx.Exec(ctx, `INSERT INTO diagnosis (id, practice_id, client_id, code, description, is_primary, diagnosed_on, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, practiceID, clientID, d.Code, d.Description, d.Primary, d.DiagnosedOn, by, at)
	return d, err
}

func newEntry(id string, at time.Time) Entry {
	if id == "" {
		id = store.NewID()
	}
	return Entry{ID: id, RecordedAt: store.Instant(at)}
}

// MedicationInput is a medication as entered.
type MedicationInput struct {
	ID        string `json:"-"`
	Name      string `json:"name"`
	Dose      string `json:"dose"`
	Frequency string `json:"frequency"`
	StartedOn string `json:"started_on"`
}

// Validate says what is wrong with a trimmed medication.
func (in MedicationInput) Validate(today time.Time) Problems {
	var ps Problems
	checkText(&ps, "name", in.Name, "The medication's name", true, 120)
	checkText(&ps, "dose", in.Dose, "The dose", true, 60)
	checkText(&ps, "frequency", in.Frequency, "How often it is taken", true, 60)
	checkDay(&ps, "started_on", in.StartedOn, "The start date", false, today)
	return ps
}

// AddMedication records a current medication.
func AddMedication(ctx context.Context, tx *store.Tx, practiceID, clientID string, in MedicationInput, by string, at time.Time) (Medication, error) {
	return addMedication(ctx, tx, practiceID, clientID, in, "", by, at)
}

// addMedication records a medication; sourceIntake names the intake it was confirmed from, or is
// empty when staff entered it on the chart.
func addMedication(ctx context.Context, tx *store.Tx, practiceID, clientID string, in MedicationInput, sourceIntake, by string, at time.Time) (Medication, error) {
	for _, p := range []*string{&in.Name, &in.Dose, &in.Frequency, &in.StartedOn} {
		*p = strings.TrimSpace(*p)
	}
	if err := in.Validate(at).Err(); err != nil {
		return Medication{}, err
	}
	m := Medication{Entry: newEntry(in.ID, at), Name: in.Name, Dose: in.Dose, Frequency: in.Frequency, StartedOn: in.StartedOn, SourceIntakeID: sourceIntake}
	var source *string
	if sourceIntake != "" {
		source = &sourceIntake
	}
	_, err := tx.Exec(ctx, `INSERT INTO medication (id, practice_id, client_id, name, dose, frequency, started_on, recorded_by, recorded_at, source_intake_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, practiceID, clientID, m.Name, m.Dose, m.Frequency, m.StartedOn, by, at, source)
	return m, err
}

// StopMedication marks a medication stopped on a day; the row stays.
func StopMedication(ctx context.Context, tx *store.Tx, clientID, id, stoppedOn, reason, by string, at time.Time) error {
	stoppedOn, reason = strings.TrimSpace(stoppedOn), strings.TrimSpace(reason)
	var ps Problems
	checkDay(&ps, "stopped_on", stoppedOn, "The date it was stopped", true, at)
	checkText(&ps, "reason", reason, "The reason", false, 300)
	if err := ps.Err(); err != nil {
		return err
	}
	var started string
	var stopped *time.Time
	err := tx.QueryRow(ctx, `SELECT started_on, stopped_at FROM medication WHERE id = ? AND client_id = ?`, id, clientID).Scan(&started, &stopped)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case stopped != nil:
		return Problems{{"stopped_on", "This medication is already marked stopped."}}
	case started != "" && stoppedOn < started:
		return Problems{{"stopped_on", "It cannot stop before it started (" + started + ")."}}
	}
	_, err = tx.Exec(ctx, `UPDATE medication SET stopped_on = ?, stopped_at = ?, stopped_by = ?, stop_reason = ? WHERE id = ?`, stoppedOn, at, by, reason, id)
	return err
}

// AllergyInput is an allergy as entered.
type AllergyInput struct {
	ID        string `json:"-"`
	Substance string `json:"substance"`
	Reaction  string `json:"reaction"`
}

// AddAllergy records an allergy.
func AddAllergy(ctx context.Context, tx *store.Tx, practiceID, clientID string, in AllergyInput, by string, at time.Time) (Allergy, error) {
	in.Substance, in.Reaction = strings.TrimSpace(in.Substance), strings.TrimSpace(in.Reaction)
	var ps Problems
	checkText(&ps, "substance", in.Substance, "The substance", true, 120)
	checkText(&ps, "reaction", in.Reaction, "The reaction", false, 200)
	if err := ps.Err(); err != nil {
		return Allergy{}, err
	}
	a := Allergy{Entry: newEntry(in.ID, at), Substance: in.Substance, Reaction: in.Reaction}
	_, err := tx.Exec(ctx, `INSERT INTO allergy (id, practice_id, client_id, substance, reaction, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, practiceID, clientID, a.Substance, a.Reaction, by, at)
	return a, err
}

// MeasurementInput is a weight and/or height as typed, in kg or lb and cm
// or in.
type MeasurementInput struct {
	ID         string  `json:"-"`
	MeasuredOn string  `json:"measured_on"`
	Weight     float64 `json:"weight,omitempty"`
	WeightUnit string  `json:"weight_unit,omitempty"`
	Height     float64 `json:"height,omitempty"`
	HeightUnit string  `json:"height_unit,omitempty"`
}

// Bounds of a possible adult body: a number outside them is a typo or the
// wrong unit, so it is refused rather than used for mg/kg.
const (
	MinWeightKg, MaxWeightKg = 25.0, 350.0
	MinHeightCm, MaxHeightCm = 100.0, 250.0
)

func show(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// Convert checks the input and returns the weight in kg and the height in
// cm (0 when not given), with problems for impossible values.
func (in MeasurementInput) Convert(today time.Time) (kg, cm float64, ps Problems) {
	checkDay(&ps, "measured_on", in.MeasuredOn, "The date measured", true, today)
	if in.Weight == 0 && in.Height == 0 {
		ps.Add("weight", "Give a weight, a height, or both.")
	}
	// A number in an unknown unit is not checked against the bounds: the
	// unit's own message says what to fix.
	switch in.WeightUnit {
	case "", "kg":
		kg = in.Weight
	case "lb":
		kg = in.Weight * kgPerLb
	default:
		ps.Add("weight_unit", "Choose kg or lb.")
	}
	switch in.HeightUnit {
	case "", "cm":
		cm = in.Height
	case "in":
		cm = in.Height * cmPerIn
	default:
		ps.Add("height_unit", "Choose cm or in.")
	}
	if kg != 0 && (kg < MinWeightKg || kg > MaxWeightKg) {
		ps.Add("weight", "%s %s is not a possible adult weight; holdspace accepts %s–%s kg (%s–%s lb). Check the number and the unit.",
			show(in.Weight), orUnit(in.WeightUnit, "kg"), show(MinWeightKg), show(MaxWeightKg), show(MinWeightKg/kgPerLb), show(MaxWeightKg/kgPerLb))
	}
	if cm != 0 && (cm < MinHeightCm || cm > MaxHeightCm) {
		ps.Add("height", "%s %s is not a possible adult height; holdspace accepts %s–%s cm (%s–%s in). Check the number and the unit.",
			show(in.Height), orUnit(in.HeightUnit, "cm"), show(MinHeightCm), show(MaxHeightCm), show(MinHeightCm/cmPerIn), show(MaxHeightCm/cmPerIn))
	}
	return math.Round(kg*100) / 100, math.Round(cm*10) / 10, ps
}

func orUnit(u, def string) string {
	if u == "" {
		return def
	}
	return u
}

// AddMeasurement records a weight and/or height, stored in kg and cm.
func AddMeasurement(ctx context.Context, tx *store.Tx, practiceID, clientID string, in MeasurementInput, by string, at time.Time) (Measurement, error) {
	in.MeasuredOn = strings.TrimSpace(in.MeasuredOn)
	kg, cm, ps := in.Convert(at)
	if err := ps.Err(); err != nil {
		return Measurement{}, err
	}
	m := Measurement{Entry: newEntry(in.ID, at), MeasuredOn: in.MeasuredOn}
	if kg > 0 {
		m.WeightKg, m.WeightUnit = &kg, orUnit(in.WeightUnit, "kg")
	}
	if cm > 0 {
		m.HeightCm, m.HeightUnit = &cm, orUnit(in.HeightUnit, "cm")
	}
	_, err := tx.Exec(ctx, `INSERT INTO body_measurement (id, practice_id, client_id, measured_on, weight_kg, weight_unit, height_cm, height_unit, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, practiceID, clientID, m.MeasuredOn, m.WeightKg, m.WeightUnit, m.HeightCm, m.HeightUnit, by, at)
	return m, err
}

// Kinds of chart entry that are removed (marked, not deleted) with a reason.
const (
	KindDiagnosis   = "diagnosis"
	KindAllergy     = "allergy"
	KindMeasurement = "body_measurement"
)

// RemoveEntry marks a diagnosis, allergy or measurement removed, with the
// reason (resolved, entered in error…). The row stays for the history.
func RemoveEntry(ctx context.Context, tx *store.Tx, kind, clientID, id, reason, by string, at time.Time) error {
	if kind != KindDiagnosis && kind != KindAllergy && kind != KindMeasurement {
		return fmt.Errorf("clinic: no removable entry kind %q", kind)
	}
	reason = strings.TrimSpace(reason)
	var ps Problems
	checkText(&ps, "reason", reason, "The reason", true, 300)
	if err := ps.Err(); err != nil {
		return err
	}
	var removed *time.Time
	err := tx.QueryRow(ctx, `SELECT removed_at FROM `+kind+` WHERE id = ? AND client_id = ?`, id, clientID).Scan(&removed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case removed != nil:
		return Problems{{"reason", "This entry was already removed."}}
	}
	_, err = tx.Exec(ctx, `UPDATE `+kind+` SET removed_at = ?, removed_by = ?, removed_reason = ? WHERE id = ?`, at, by, reason, id)
	return err
}

// entryColumns are the columns every chart entry starts with; recorded_by
// and the mark's by are resolved to names for the page.
func entryColumns(markAt, markBy, markReason string) string {
	return `id, (SELECT full_name FROM staff WHERE id = recorded_by), recorded_at, ` + markAt +
		`, (SELECT full_name FROM staff WHERE id = ` + markBy + `), ` + markReason
}

// loadEntries reads one kind of entry, sorting current and marked apart;
// cols gives the entry of a new item and the item's own columns.
func loadEntries[T any](ctx context.Context, tx *store.Tx, q, clientID string, cols func(*T) (*Entry, []any), current, marked *[]T) error {
	rows, err := tx.Query(ctx, q, clientID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var item T
		e, own := cols(&item)
		var at *time.Time
		var by sql.NullString
		var reason string
		if err := rows.Scan(append([]any{&e.ID, &e.RecordedBy, &e.RecordedAt, &at, &by, &reason}, own...)...); err != nil {
			return err
		}
		if at == nil {
			*current = append(*current, item)
			continue
		}
		e.Removed = &Mark{At: *at, By: by.String, Reason: reason}
		*marked = append(*marked, item)
	}
	return rows.Err()
}

// LoadMedical reads a client's diagnoses, medications, allergies and
// measurements, current ones apart from those removed or stopped.
func LoadMedical(ctx context.Context, tx *store.Tx, clientID string) (Medical, error) {
	var m Medical
	removed := entryColumns("removed_at", "removed_by", "removed_reason")
	err := loadEntries(ctx, tx, `SELECT `+removed+`, code, description, is_primary, diagnosed_on FROM diagnosis
		WHERE client_id = ? ORDER BY is_primary DESC, diagnosed_on DESC, recorded_at DESC`, clientID,
		func(d *Diagnosis) (*Entry, []any) {
			return &d.Entry, []any{&d.Code, &d.Description, &d.Primary, &d.DiagnosedOn}
		},
		&m.Diagnoses, &m.PastDiagnoses)
	if err != nil {
		return m, err
	}
	err = loadEntries(ctx, tx, `SELECT `+entryColumns("stopped_at", "stopped_by", "stop_reason")+`, name, dose, frequency, started_on, stopped_on, COALESCE(source_intake_id, '')
		FROM medication WHERE client_id = ? ORDER BY stopped_on DESC, LOWER(name), recorded_at DESC`, clientID,
		func(d *Medication) (*Entry, []any) {
			return &d.Entry, []any{&d.Name, &d.Dose, &d.Frequency, &d.StartedOn, &d.StoppedOn, &d.SourceIntakeID}
		}, &m.Medications, &m.StoppedMedications)
	if err != nil {
		return m, err
	}
	err = loadEntries(ctx, tx, `SELECT `+removed+`, substance, reaction FROM allergy
		WHERE client_id = ? ORDER BY LOWER(substance), recorded_at DESC`, clientID,
		func(d *Allergy) (*Entry, []any) { return &d.Entry, []any{&d.Substance, &d.Reaction} },
		&m.Allergies, &m.RemovedAllergies)
	if err != nil {
		return m, err
	}
	err = loadEntries(ctx, tx, `SELECT `+removed+`, measured_on, weight_kg, weight_unit, height_cm, height_unit FROM body_measurement
		WHERE client_id = ? ORDER BY measured_on DESC, recorded_at DESC`, clientID,
		func(d *Measurement) (*Entry, []any) {
			return &d.Entry, []any{&d.MeasuredOn, &d.WeightKg, &d.WeightUnit, &d.HeightCm, &d.HeightUnit}
		}, &m.Measurements, &m.RemovedMeasurements)
	if err != nil {
		return m, err
	}
	m.Offered, err = PendingOffers(ctx, tx, clientID)
	return m, err
}

// LatestWeight is the client's most recent weight measured on or before the
// day of on (in on's zone), for mg/kg; nil when none is on file.
func LatestWeight(ctx context.Context, tx *store.Tx, clientID string, on time.Time) (*dosing.Weight, error) {
	rows, err := tx.Query(ctx, `SELECT measured_on, weight_kg FROM body_measurement
		WHERE client_id = ? AND weight_kg IS NOT NULL AND removed_at IS NULL AND measured_on <= ?`, clientID, on.Format(dayLayout))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ws []dosing.Weight
	for rows.Next() {
		var day string
		var kg float64
		if err := rows.Scan(&day, &kg); err != nil {
			return nil, err
		}
		d, err := time.ParseInLocation(dayLayout, day, on.Location())
		if err != nil {
			return nil, fmt.Errorf("clinic: measurement dated %q: %w", day, err)
		}
		ws = append(ws, dosing.Weight{Kg: kg, MeasuredOn: d})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return dosing.LatestWeight(ws, on), nil
}
