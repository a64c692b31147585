package sessionrecord_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestASessionRunsOnTheSettingsItStartedWith: a stricter hold saved after the start does not
// reach the session under way; a record started before sessions kept their settings (no
// snapshot) falls back to the practice's current ones.
func TestASessionRunsOnTheSettingsItStartedWith(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		_, sid := p.booking(t, 200, 250)
		r := p.start(t, sid, p.now)
		if r.SettingsAsOf == nil || !r.SettingsAsOf.Equal(r.StartedAt) {
			t.Fatalf("settings as of %v; want the start %v", r.SettingsAsOf, r.StartedAt)
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `INSERT INTO practice_setting (practice_id, area, value, updated_at) VALUES (?, 'medicine', ?, ?)
				ON CONFLICT (practice_id, area) DO UPDATE SET value = excluded.value`, p.id, `{"hold": {"systolic_mmhg": 150, "diastolic_mmhg": 95, "at_or_above": true}}`, p.now)
			return err
		})
		t1 := p.now.Add(5 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(160, 90), t1), p.jordan, t1)
			return err
		})
		if r = p.load(t, r.ID, p.sam, t1); r.Hold.Held {
			t.Fatalf("a hold saved after the start held the session: %+v", r.Hold)
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `UPDATE session_record SET settings_snapshot = '' WHERE id = ?`, r.ID)
			return err
		})
		if r = p.load(t, r.ID, p.sam, t1); r.SettingsAsOf != nil || !r.Hold.Held || !strings.Contains(r.Hold.Message, "160/90") {
			t.Fatalf("a record without a snapshot: as of %v, hold %+v; want the current 150/95 hold", r.SettingsAsOf, r.Hold)
		}
	})
}

// TestADischargeExceptionStaysWithinItsFloor: from 40 minutes (the blood pressure peak) to just
// under the practice bound of 120, with a reason; the newest one is the client's.
func TestADischargeExceptionStaysWithinItsFloor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		for _, c := range []struct {
			minutes int
			reason  string
			field   string
		}{{39, "Settles fast.", "min_observation_minutes"}, {120, "Settles fast.", "min_observation_minutes"}, {60, " ", "reason"}} {
			err := p.try(func(tx *store.Tx) error {
				_, err := sessionrecord.RecordDischargeException(p.ctx, tx, p.id, p.alex, p.rx, c.minutes, c.reason, p.now)
				return err
			})
			if ref := refusal(t, err, sessionrecord.ReasonInvalid); ref.Fields()[c.field] == "" {
				t.Errorf("%d minutes, %q: %v; want a refusal on %s", c.minutes, c.reason, ref.Fields(), c.field)
			}
		}
		for i, m := range []int{90, 60} {
			p.write(t, func(tx *store.Tx) error {
				_, err := sessionrecord.RecordDischargeException(p.ctx, tx, p.id, p.alex, p.rx, m, "Settles fast.", p.now.Add(time.Duration(i)*time.Minute))
				return err
			})
		}
		p.write(t, func(tx *store.Tx) error {
			e, err := sessionrecord.CurrentDischargeException(p.ctx, tx, p.alex)
			if err == nil && (e == nil || e.MinObservationMinutes != 60 || !strings.HasPrefix(e.PrescriberName, "Dr. Priya Raman")) {
				t.Errorf("current exception %+v; want the newest, 60 minutes, signed by the prescriber", e)
			}
			return err
		})
	})
}
