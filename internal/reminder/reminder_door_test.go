package reminder_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/keyring"
	"holdspace/internal/reminder"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// door is the reminders' front door over s's database, at t0.
func (s site) door() *reminder.Door {
	ring, _ := keyring.New(make([]byte, 32))
	now := func() time.Time { return t0 }
	return &reminder.Door{Access: &access.Service{DB: s.db, Keys: ring, Now: now, Policy: access.DefaultPolicy()}, Now: now}
}

func (s site) staff(id string, roles ...access.Role) access.Actor {
	return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: s.practice, Roles: roles}
}

func (s site) owner(t *testing.T) string {
	t.Helper()
	var id string
	if err := s.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT id FROM staff WHERE email = ?`, "owner@stillwater.example").Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// A prescriber reads and changes the medicine settings with a reason;
// the change is on record, and the reminders' preview reads the new
// fasting time.
func TestTheDoorChangesTheMedicineSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := loadDemo(t, db)
		d, ctx := s.door(), context.Background()
		rx := s.staff(s.rx, access.Prescriber)
		m, err := d.Medicine(ctx, rx)
		if err != nil {
			t.Fatal(err)
		}
		if !m.CanChange {
			t.Error("a prescriber is not offered the change")
		}
		changes := func() int {
			return s.count(t, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_id = 'medicine' AND outcome = 'allowed'`, s.rx, string(access.ClinicalSettingsChange))
		}
		before := changes()
		next := m.Settings
		next.Checklist.FoodFastMinutes += 30
		got, err := d.ChangeMedicine(ctx, rx, reminder.MedicineChange{Settings: next, Reason: "The anaesthetist asked for longer."})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Changes) != 1 || got.Settings.Checklist.FoodFastMinutes != next.Checklist.FoodFastMinutes || len(got.History) != len(m.History)+1 {
			t.Errorf("changed %v, now %d minutes, %d in the history; want one change to %d, on record",
				got.Changes, got.Settings.Checklist.FoodFastMinutes, len(got.History), next.Checklist.FoodFastMinutes)
		}
		// The access decided, and the change itself with its reason.
		if n := changes() - before; n != 2 {
			t.Errorf("%d more allowed changes on the trail; want 2", n)
		}
		ms, err := d.PreviewValues(ctx, s.staff(s.owner(t), access.Owner))
		if err != nil || ms.Checklist.FoodFastMinutes != next.Checklist.FoodFastMinutes {
			t.Errorf("the preview's settings: %d minutes, %v; want the new %d", ms.Checklist.FoodFastMinutes, err, next.Checklist.FoodFastMinutes)
		}
	})
}

// Running the practice is not clinical authority: the owner reads the
// medicine settings but may not change them, and a monitor may not even
// read them; each refusal is on the trail, and nothing changes.
func TestTheDoorRefusesTheMedicineSettingsAndAuditsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := loadDemo(t, db)
		d, ctx := s.door(), context.Background()
		ownerID := s.owner(t)
		owner, jordan := s.staff(ownerID, access.Owner), s.staff(s.jordan, access.Monitor)
		m, err := d.Medicine(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if m.CanChange {
			t.Error("the owner, no prescriber, is offered the change")
		}
		next := m.Settings
		next.Hold.SystolicMmHg = 200
		var denied *access.Denied
		if _, err := d.ChangeMedicine(ctx, owner, reminder.MedicineChange{Settings: next, Reason: "Fewer holds."}); !errors.As(err, &denied) {
			t.Fatalf("the owner's change: %v; want a refusal", err)
		}
		if _, err := d.Medicine(ctx, jordan); !errors.As(err, &denied) {
			t.Fatalf("the monitor's read: %v; want a refusal", err)
		}
		for _, c := range []struct {
			actor string
			act   access.Action
		}{{ownerID, access.ClinicalSettingsChange}, {s.jordan, access.ClinicalSettingsRead}} {
			if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_id = 'medicine' AND outcome = 'denied'`, c.actor, string(c.act)); n != 1 {
				t.Errorf("%s: %d denied on the trail; want 1", c.act, n)
			}
		}
		if _, err := d.SaveReminders(ctx, s.staff(s.rx, access.Prescriber), reminder.DefaultSettings()); !errors.As(err, &denied) {
			t.Errorf("a prescriber saving the reminder emails: %v; want a refusal (the administrators' page)", err)
		}
		after, err := d.Medicine(ctx, s.staff(s.rx, access.Prescriber))
		if err != nil || after.Settings.Hold.SystolicMmHg != m.Settings.Hold.SystolicMmHg {
			t.Errorf("the hold is %d after the refusal (%v); want %d", after.Settings.Hold.SystolicMmHg, err, m.Settings.Hold.SystolicMmHg)
		}
	})
}

// What the door refuses as entered names its fields: a number outside its
// bound and a missing reason; the reminder emails' own checks; and what
// the face could not read, given once access is decided.
func TestTheDoorNamesTheSettingsItRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := loadDemo(t, db)
		d, ctx := s.door(), context.Background()
		rx, owner := s.staff(s.rx, access.Prescriber), s.staff(s.owner(t), access.Owner)
		next := dosing.DefaultSettings()
		next.Hold.SystolicMmHg = 1000
		_, err := d.ChangeMedicine(ctx, rx, reminder.MedicineChange{Settings: next})
		var bad settings.Invalid
		if !errors.As(err, &bad) {
			t.Fatalf("an unbounded hold: %v; want the settings refused", err)
		}
		fields := named(len(bad), func(i int) string { return bad[i].Field })
		if !fields["hold.systolic_mmhg"] || !fields["reason"] {
			t.Errorf("refused %v; want hold.systolic_mmhg and reason named", bad)
		}
		unread := errors.New("the form has errors")
		if _, err := d.ChangeMedicine(ctx, rx, reminder.MedicineChange{Settings: dosing.DefaultSettings(), Reason: "x", Unread: unread}); !errors.Is(err, unread) {
			t.Errorf("an unread form: %v; want the face's refusal", err)
		}
		if _, err := d.ChangeMedicine(ctx, s.staff(s.jordan, access.Monitor), reminder.MedicineChange{Unread: unread}); errors.Is(err, unread) {
			t.Error("a monitor learns of the unread form before being refused")
		}
		rs := reminder.DefaultSettings()
		rs.HoursBefore, rs.CrisisLine = 1, ""
		_, err = d.SaveReminders(ctx, owner, rs)
		var ps clinic.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("reminders with no crisis line: %v; want problems", err)
		}
		got := named(len(ps), func(i int) string { return ps[i].Field })
		if !got["hours_before"] || !got["crisis_line"] {
			t.Errorf("refused %v; want hours_before and crisis_line named", ps)
		}
		rs = reminder.DefaultSettings()
		rs.Place = "Suite 4, 12 Elm Street"
		if _, err := d.SaveReminders(ctx, owner, rs); err != nil {
			t.Fatal(err)
		}
		if v, err := d.Reminders(ctx, owner); err != nil || v.Settings.Place != rs.Place {
			t.Errorf("saved place %q (%v); want %q", v.Settings.Place, err, rs.Place)
		}
	})
}

// named is the set of the n field names field gives.
func named(n int, field func(i int) string) map[string]bool {
	out := map[string]bool{}
	for i := range n {
		out[field(i)] = true
	}
	return out
}
