package measure_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/measure"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// portalDoor is a door on a fixed clock over f's practice, whose staff
// member is made a prescriber on clientID's care team.
func portalDoor(t *testing.T, f *fixture, clientID string) *measure.Door {
	t.Helper()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f.exec(t, `INSERT INTO staff_role (staff_id, role) VALUES (?, 'prescriber')`, f.staff)
	f.exec(t, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'prescriber', ?)`, clientID, f.staff, now)
	return &measure.Door{Access: &access.Service{DB: f.db, Now: clock}, Instruments: f.cat, Now: clock}
}

// A client reading back a PHQ-9 they submitted learns from the door
// whether it raised a safety alert, from the same rule that raised it:
// item 9 answered above zero does, zero does not.
func TestDoorMyResponseSaysWhetherItAlerted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.client(t, "Maya Lopez", "maya@example.org")
		d := portalDoor(t, f, c)
		staff := access.Actor{Kind: access.StaffActor, StaffID: f.staff, PracticeID: f.practice, Roles: []access.Role{access.Prescriber}}
		client := access.Actor{Kind: access.ClientActor, ClientID: c, PracticeID: f.practice}
		for _, nine := range []int{0, 2} {
			got, err := d.Administer(ctx, staff, c, measure.Slot{Instrument: "phq9"}, phq9(12, nine), nil)
			if err != nil {
				t.Fatal(err)
			}
			m, err := d.MyResponse(ctx, client, got.Response.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Definition == nil || m.Response.Status != measure.StatusSubmitted {
				t.Fatalf("read back %+v", m)
			}
			if m.Alerted != (got.AlertID != "") || m.Alerted != (nine > 0) {
				t.Errorf("item 9 = %d: alerted %v, the submission raised %q", nine, m.Alerted, got.AlertID)
			}
			if m.Crisis.Resources.Emergency == "" {
				t.Errorf("item 9 = %d: no emergency number beside the response", nine)
			}
		}
		q, err := d.MyQuestionnaires(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.History) != 2 || len(q.Due) != 0 {
			t.Errorf("the client's questionnaires: %d answered, %d due; want 2 and none", len(q.History), len(q.Due))
		}
	})
}

// Nothing is due without a course, so the portal refuses to start a
// questionnaire, naming the instrument; staff cannot use the portal's
// door, and that refusal is on the trail.
func TestDoorStartMineOnlyWhatIsOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.client(t, "Maya Lopez", "maya@example.org")
		d := portalDoor(t, f, c)
		client := access.Actor{Kind: access.ClientActor, ClientID: c, PracticeID: f.practice}
		_, err := d.StartMine(ctx, client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc})
		if fl := fault.Of(err); fl == nil || fl.Code != fault.Invalid || fl.FieldMap()["instrument"] == "" {
			t.Fatalf("starting what is not open: %v, want invalid beside instrument", err)
		}
		staff := access.Actor{Kind: access.StaffActor, StaffID: f.staff, PracticeID: f.practice, Roles: []access.Role{access.Prescriber}}
		var denied *access.Denied
		if _, err := d.StartMine(ctx, staff, measure.Slot{Instrument: "phq9"}); !errors.As(err, &denied) {
			t.Fatalf("staff through the portal's door: %v, want a denial", err)
		}
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_event WHERE action = ? AND outcome = 'denied'`, string(access.PortalUse)).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("denied portal uses on the trail = %d, want 1", n)
		}
		var responses int
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM measure_response WHERE client_id = ?`, c).Scan(&responses)
		})
		if responses != 0 {
			t.Errorf("refused starts left %d responses", responses)
		}
	})
}
