package settings_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestMedicineSettingsOverlayTheDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		practice := store.NewID()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, 'Test', 'UTC', ?)`, practice, practice, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var got dosing.Settings
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			got, err = settings.MedicineSettings(ctx, tx, practice)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, dosing.DefaultSettings()) {
			t.Fatalf("with nothing saved the practice should have the defaults, got %+v", got)
		}
		// A saved document that names only the hold keeps every other default.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return plantMedicine(ctx, tx, practice, `{"hold": {"systolic_mmhg": 160, "diastolic_mmhg": 100}}`, now)
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			got, err = settings.MedicineSettings(ctx, tx, practice)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got.Hold.SystolicMmHg != 160 || got.Hold.DiastolicMmHg != 100 {
			t.Errorf("hold = %+v, want 160/100", got.Hold)
		}
		if got.Course != dosing.DefaultSettings().Course {
			t.Errorf("course settings changed without being saved: %+v", got.Course)
		}
		// Saving again replaces the document.
		s := dosing.DefaultSettings()
		s.Course.MinGapHours = 72
		if err := db.Write(ctx, func(tx *store.Tx) error {
			raw, _ := json.Marshal(s)
			return plantMedicine(ctx, tx, practice, string(raw), now.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Read(ctx, func(tx *store.Tx) (err error) {
			got, err = settings.MedicineSettings(ctx, tx, practice)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Errorf("after saving, got %+v, want %+v", got, s)
		}
	})
}

// plantMedicine writes a medicine settings document as it may stand in the database (saved
// before bounds existed, or by an earlier release): Save refuses the clinical area.
func plantMedicine(ctx context.Context, tx *store.Tx, practiceID, doc string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO practice_setting (practice_id, area, value, updated_at) VALUES (?, 'medicine', ?, ?)
		ON CONFLICT (practice_id, area) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, practiceID, doc, now)
	return err
}

func TestTheMedicineSettingsAreNotSavedPastTheirDoor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Write(ctx, func(tx *store.Tx) error {
			return settings.Save(ctx, tx, "any", settings.Medicine, dosing.DefaultSettings(), "", time.Now())
		})
		if err != settings.ErrClinicalArea {
			t.Fatalf("Save of the medicine settings: %v; want ErrClinicalArea", err)
		}
	})
}
