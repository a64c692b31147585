package clinic_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var today = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("EST", -5*3600))

// fields lists the fields that have problems, in order.
func fields(ps clinic.Problems) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return strings.Join(out, ",")
}

// A diagnosis is coded in ICD-10-CM: a letter, a digit, a digit or letter,
// then optionally a dot and up to four characters (F33.1 recurrent major
// depressive disorder, F43.10 PTSD, T40.991A).
func TestICD10CodesAreCheckedByShape(t *testing.T) {
	for _, c := range []struct {
		typed, stored string
		ok            bool
	}{
		{"F33.1", "F33.1", true},
		{"F43.10", "F43.10", true},
		{"f331", "F33.1", true},
		{" F41 ", "F41", true},
		{"T40.991A", "T40.991A", true},
		{"C4A.9", "C4A.9", true},
		{"F3", "F3", false},
		{"33.1", "33.1", false},
		{"FF3.1", "FF3.1", false},
		{"F33.12345", "F33.12345", false},
		{"F33.", "F33.", false},
		{"F33-1", "F33-1", false},
		{"", "", false},
	} {
		t.Run(c.typed, func(t *testing.T) {
			code := clinic.NormaliseICD10(c.typed)
			if code != c.stored {
				t.Errorf("normalised to %q; want %q", code, c.stored)
			}
			ps := clinic.DiagnosisInput{Code: code, Description: "words", DiagnosedOn: "2026-01-02"}.Validate(today)
			if got := fields(ps) == ""; got != c.ok {
				t.Errorf("accepted %v (%v); want %v", got, ps, c.ok)
			}
		})
	}
}

// Weight is stored in kg and height in cm whatever was typed; a number no
// adult body has is refused, since mg/kg would be computed from it
// (KAP.md §1: dose in mg, mg/kg from the weight on file).
func TestWeightsAndHeightsConvertAndImpossibleOnesAreRefused(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       clinic.MeasurementInput
		kg, cm   float64
		problems string
		message  string
	}{
		{"kg as typed", clinic.MeasurementInput{Weight: 70.3, WeightUnit: "kg"}, 70.3, 0, "", ""},
		{"no unit means kg", clinic.MeasurementInput{Weight: 70}, 70, 0, "", ""},
		{"lb converted", clinic.MeasurementInput{Weight: 154, WeightUnit: "lb"}, 69.85, 0, "", ""},
		{"inches converted", clinic.MeasurementInput{Height: 69, HeightUnit: "in"}, 0, 175.3, "", ""},
		{"both", clinic.MeasurementInput{Weight: 82.5, Height: 180}, 82.5, 180, "", ""},
		{"lower bound kg", clinic.MeasurementInput{Weight: 25}, 25, 0, "", ""},
		{"upper bound kg", clinic.MeasurementInput{Weight: 350}, 350, 0, "", ""},
		{"a child's weight in kg", clinic.MeasurementInput{Weight: 7}, 0, 0, "weight", "7 kg is not a possible adult weight"},
		{"kg typed as lb too light", clinic.MeasurementInput{Weight: 40, WeightUnit: "lb"}, 0, 0, "weight", "40 lb is not a possible adult weight"},
		{"lb typed as kg too heavy", clinic.MeasurementInput{Weight: 700}, 0, 0, "weight", "holdspace accepts 25–350 kg (55.1–771.6 lb)"},
		{"feet typed as inches", clinic.MeasurementInput{Height: 5.9, HeightUnit: "in"}, 0, 0, "height", "5.9 in is not a possible adult height"},
		{"metres typed as cm", clinic.MeasurementInput{Height: 1.75}, 0, 0, "height", "1.8 cm"},
		{"unknown unit", clinic.MeasurementInput{Weight: 11, WeightUnit: "st"}, 0, 0, "weight_unit", "Choose kg or lb."},
		{"nothing", clinic.MeasurementInput{}, 0, 0, "weight", "Give a weight, a height, or both."},
		{"no date", clinic.MeasurementInput{Weight: 70, MeasuredOn: "-"}, 0, 0, "measured_on", "must be a date"},
		{"in the future", clinic.MeasurementInput{Weight: 70, MeasuredOn: "2026-11-24"}, 0, 0, "measured_on", "cannot be in the future"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.in.MeasuredOn == "" {
				c.in.MeasuredOn = "2026-11-23"
			}
			kg, cm, ps := c.in.Convert(today)
			if fields(ps) != c.problems {
				t.Fatalf("problems %v; want on %q", ps, c.problems)
			}
			if c.message != "" && !strings.Contains(ps.Error(), c.message) {
				t.Errorf("message %q lacks %q", ps.Error(), c.message)
			}
			if c.problems == "" && (kg != c.kg || cm != c.cm) {
				t.Errorf("%v kg, %v cm; want %v kg, %v cm", kg, cm, c.kg, c.cm)
			}
		})
	}
}

func TestDetailsAreValidatedFieldByField(t *testing.T) {
	good := clinic.Details{LegalName: "Alex Rivera", DateOfBirth: "1988-04-12", Email: "alex@client.example", Phone: "+1 (555) 010-0101",
		TimeZone: "America/New_York", Address: clinic.Address{Line1: "12 Harbour St", City: "Kingston", Region: "NY", PostalCode: "12401", Country: "USA"},
		Emergency: clinic.Contact{Name: "Sam Rivera", Relationship: "brother", Phone: "555 010 0199"},
		Escort:    clinic.Contact{Name: "Jo Park", Relationship: "partner", Phone: "555-010-0177"}}
	for _, c := range []struct {
		name   string
		change func(*clinic.Details)
		want   string
	}{
		{"as filled", func(*clinic.Details) {}, ""},
		{"only a name", func(d *clinic.Details) { *d = clinic.Details{LegalName: "Alex"} }, ""},
		{"no legal name", func(d *clinic.Details) { d.LegalName = "" }, "legal_name"},
		{"birth in the future", func(d *clinic.Details) { d.DateOfBirth = "2027-01-01" }, "date_of_birth"},
		{"birth not a date", func(d *clinic.Details) { d.DateOfBirth = "12/04/1988" }, "date_of_birth"},
		{"email without domain", func(d *clinic.Details) { d.Email = "alex@client" }, "email"},
		{"email with a name", func(d *clinic.Details) { d.Email = "Alex <alex@client.example>" }, "email"},
		{"phone with letters", func(d *clinic.Details) { d.Phone = "call me" }, "phone"},
		{"phone too short", func(d *clinic.Details) { d.Phone = "555-01" }, "phone"},
		{"unknown zone", func(d *clinic.Details) { d.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"Local is not a zone", func(d *clinic.Details) { d.TimeZone = "Local" }, "time_zone"},
		{"address without street", func(d *clinic.Details) { d.Address.Line1 = "" }, "address_line1"},
		{"address without city", func(d *clinic.Details) { d.Address.City = "" }, "city"},
		{"escort without phone", func(d *clinic.Details) { d.Escort.Phone = "" }, "escort_phone"},
		{"escort phone without name", func(d *clinic.Details) { d.Escort.Name = "" }, "escort_name"},
		{"emergency contact bad phone", func(d *clinic.Details) { d.Emergency.Phone = "12" }, "emergency_phone"},
		{"very long name", func(d *clinic.Details) { d.LegalName = strings.Repeat("a", 201) }, "legal_name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := good
			c.change(&d)
			if got := fields(d.Normalised().Validate(today)); got != c.want {
				t.Errorf("problems on %q; want %q", got, c.want)
			}
		})
	}
}

// chartSite is a practice with a staff member and a client.
type chartSite struct {
	db                      *store.DB
	practice, staff, client string
}

func newChartSite(t *testing.T, db *store.DB) chartSite {
	t.Helper()
	s := chartSite{db: db, practice: store.NewID(), staff: store.NewID(), client: store.NewID()}
	s.write(t, func(ctx context.Context, tx *store.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, []any{s.practice, "p", "P", "America/New_York", today}},
			{`INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`, []any{s.staff, s.practice, "rx@p.example", "Dr. Priya Raman", today}},
			{`INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, ?, ?)`, []any{s.client, s.practice, "Alex Rivera", today}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

func (s chartSite) write(t *testing.T, fn func(ctx context.Context, tx *store.Tx) error) error {
	t.Helper()
	ctx := context.Background()
	return s.db.Write(ctx, func(tx *store.Tx) error { return fn(ctx, tx) })
}

func (s chartSite) medical(t *testing.T) clinic.Medical {
	t.Helper()
	var m clinic.Medical
	if err := s.write(t, func(ctx context.Context, tx *store.Tx) (err error) {
		m, err = clinic.LoadMedical(ctx, tx, s.client)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDetailsAndTheEscortAreSavedAndReadBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newChartSite(t, db)
		err := s.write(t, func(ctx context.Context, tx *store.Tx) error {
			named, err := clinic.EscortNamed(ctx, tx, s.client)
			if err != nil || named {
				t.Fatalf("escort named %v (%v) before any was given", named, err)
			}
			in := clinic.Details{LegalName: "  Alex   Rivera ", Email: "Alex@Client.Example", TimeZone: "America/Chicago",
				Escort: clinic.Contact{Name: "Jo Park", Relationship: "partner", Phone: "555 010 0177"}}
			if _, err := clinic.SaveDetails(ctx, tx, s.practice, s.client, in, today); err != nil {
				return err
			}
			d, err := clinic.LoadDetails(ctx, tx, s.practice, s.client)
			if err != nil {
				return err
			}
			if d.LegalName != "Alex Rivera" || d.Email != "alex@client.example" || d.Escort.Name != "Jo Park" || d.TimeZone != "America/Chicago" {
				t.Errorf("read back %+v", d)
			}
			if named, err := clinic.EscortNamed(ctx, tx, s.client); err != nil || !named {
				t.Errorf("escort named %v (%v) after Jo Park was given", named, err)
			}
			// Another practice's id for the same client finds nothing.
			if _, err := clinic.LoadDetails(ctx, tx, store.NewID(), s.client); !errors.Is(err, clinic.ErrNotFound) {
				t.Errorf("loading with another practice: %v; want not found", err)
			}
			_, err = clinic.SaveDetails(ctx, tx, s.practice, s.client, clinic.Details{LegalName: "", Email: "nope"}, today)
			var ps clinic.Problems
			if !errors.As(err, &ps) || fields(ps) != "legal_name,email" {
				t.Errorf("saving bad details: %v; want problems on legal_name and email", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Removing or stopping an entry marks it and keeps it: the history of the
// chart stays readable.
func TestEntriesAreMarkedNeverDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newChartSite(t, db)
		var dxID, medID, alID string
		err := s.write(t, func(ctx context.Context, tx *store.Tx) error {
			dx, err := clinic.AddDiagnosis(ctx, tx, s.practice, s.client, clinic.DiagnosisInput{Code: "f331", Description: "Recurrent major depressive disorder",
				Primary: true, DiagnosedOn: "2024-03-02"}, s.staff, today)
			if err != nil {
				return err
			}
			dxID = dx.ID
			_, err = clinic.AddDiagnosis(ctx, tx, s.practice, s.client, clinic.DiagnosisInput{Code: "F43.10", Description: "PTSD", Primary: true, DiagnosedOn: "2024-03-02"}, s.staff, today)
			var ps clinic.Problems
			if !errors.As(err, &ps) || fields(ps) != "primary" || !strings.Contains(ps.Error(), "F33.1 is already the primary diagnosis") {
				t.Errorf("a second primary diagnosis: %v; want a problem naming F33.1", err)
			}
			if _, err := clinic.AddDiagnosis(ctx, tx, s.practice, s.client, clinic.DiagnosisInput{Code: "F43.10", Description: "PTSD", DiagnosedOn: "2024-03-02"}, s.staff, today); err != nil {
				return err
			}
			med, err := clinic.AddMedication(ctx, tx, s.practice, s.client, clinic.MedicationInput{Name: "clonazepam", Dose: "0.5 mg", Frequency: "nightly", StartedOn: "2025-06-01"}, s.staff, today)
			if err != nil {
				return err
			}
			medID = med.ID
			al, err := clinic.AddAllergy(ctx, tx, s.practice, s.client, clinic.AllergyInput{Substance: "penicillin", Reaction: "hives"}, s.staff, today)
			alID = al.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		m := s.medical(t)
		if len(m.Diagnoses) != 2 || m.Diagnoses[0].Code != "F33.1" || !m.Diagnoses[0].Primary || m.Diagnoses[0].RecordedBy != "Dr. Priya Raman" {
			t.Fatalf("diagnoses %+v; want F33.1 (primary, recorded by Dr. Priya Raman) first, and F43.10", m.Diagnoses)
		}
		err = s.write(t, func(ctx context.Context, tx *store.Tx) error {
			later := today.Add(time.Hour)
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindDiagnosis, s.client, dxID, "Re-coded after review", s.staff, later); err != nil {
				return err
			}
			if err := clinic.StopMedication(ctx, tx, s.client, medID, "2026-11-20", "Tapered before the course", s.staff, later); err != nil {
				return err
			}
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindAllergy, s.client, alID, "Entered in error", s.staff, later); err != nil {
				return err
			}
			// Twice is refused; so is a missing reason, an early stop and another client's entry.
			var ps clinic.Problems
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindDiagnosis, s.client, dxID, "again", s.staff, later); !errors.As(err, &ps) {
				t.Errorf("removing twice: %v; want a problem", err)
			}
			if err := clinic.StopMedication(ctx, tx, s.client, medID, "2026-11-21", "", s.staff, later); !errors.As(err, &ps) {
				t.Errorf("stopping twice: %v; want a problem", err)
			}
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindAllergy, s.client, alID, " ", s.staff, later); !errors.As(err, &ps) || fields(ps) != "reason" {
				t.Errorf("removing without a reason: %v; want a problem on reason", err)
			}
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindAllergy, store.NewID(), alID, "x", s.staff, later); !errors.Is(err, clinic.ErrNotFound) {
				t.Errorf("removing through another client: %v; want not found", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		m = s.medical(t)
		if len(m.Diagnoses) != 1 || len(m.PastDiagnoses) != 1 || m.PastDiagnoses[0].Removed == nil || m.PastDiagnoses[0].Removed.Reason != "Re-coded after review" ||
			m.PastDiagnoses[0].Removed.By != "Dr. Priya Raman" {
			t.Errorf("after removing F33.1: current %+v, past %+v", m.Diagnoses, m.PastDiagnoses)
		}
		if len(m.Medications) != 0 || len(m.StoppedMedications) != 1 || m.StoppedMedications[0].StoppedOn != "2026-11-20" {
			t.Errorf("after stopping clonazepam: current %+v, stopped %+v", m.Medications, m.StoppedMedications)
		}
		if len(m.Allergies) != 0 || len(m.RemovedAllergies) != 1 {
			t.Errorf("after removing the allergy: current %+v, removed %+v", m.Allergies, m.RemovedAllergies)
		}
		// A removed primary frees the place for a new one.
		err = s.write(t, func(ctx context.Context, tx *store.Tx) error {
			_, err := clinic.AddDiagnosis(ctx, tx, s.practice, s.client, clinic.DiagnosisInput{Code: "F33.2", Description: "Recurrent, severe", Primary: true, DiagnosedOn: "2026-11-23"}, s.staff, today)
			return err
		})
		if err != nil {
			t.Errorf("a new primary after removing the old one: %v", err)
		}
	})
}

// mg/kg uses the latest weight on or before the session's day; a removed
// measurement or a height alone does not count.
func TestLatestWeightIsTheNewestOnOrBeforeTheDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newChartSite(t, db)
		on := time.Date(2026, 11, 23, 9, 0, 0, 0, today.Location())
		err := s.write(t, func(ctx context.Context, tx *store.Tx) error {
			if w, err := clinic.LatestWeight(ctx, tx, s.client, on); err != nil || w != nil {
				t.Fatalf("weight %v (%v) with none on file; want nil", w, err)
			}
			for _, in := range []clinic.MeasurementInput{
				{MeasuredOn: "2026-10-01", Weight: 72},
				{MeasuredOn: "2026-11-20", Weight: 154, WeightUnit: "lb"},
				{MeasuredOn: "2026-11-22", Height: 175},
			} {
				if _, err := clinic.AddMeasurement(ctx, tx, s.practice, s.client, in, s.staff, today); err != nil {
					return err
				}
			}
			wrong, err := clinic.AddMeasurement(ctx, tx, s.practice, s.client, clinic.MeasurementInput{MeasuredOn: "2026-11-23", Weight: 97}, s.staff, today)
			if err != nil {
				return err
			}
			if err := clinic.RemoveEntry(ctx, tx, clinic.KindMeasurement, s.client, wrong.ID, "Entered in error", s.staff, today); err != nil {
				return err
			}
			w, err := clinic.LatestWeight(ctx, tx, s.client, on)
			if err != nil {
				return err
			}
			if w == nil || w.Kg != 69.85 || w.MeasuredOn.Format("2006-01-02") != "2026-11-20" {
				t.Errorf("latest weight %+v; want 69.85 kg (154 lb) of 2026-11-20", w)
			}
			w, err = clinic.LatestWeight(ctx, tx, s.client, time.Date(2026, 11, 1, 9, 0, 0, 0, today.Location()))
			if err != nil || w == nil || w.Kg != 72 {
				t.Errorf("latest weight on 1 Nov %+v (%v); want 72 kg of 1 Oct", w, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		m := s.medical(t)
		if len(m.Measurements) != 3 || m.Measurements[1].WeightAsEntered() != "154 lb" || m.Measurements[1].Kg() != "69.9 kg" {
			t.Errorf("measurements %+v; want three with 154 lb shown as entered", m.Measurements)
		}
	})
}
