package clinic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestTheDoorListsAndReadsClientsAsTheCareTeamAllows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		svc := &access.Service{DB: db, Now: func() time.Time { return now }}
		door := &clinic.Door{Access: svc, Now: svc.Now}
		practice, admin, ther, other := store.NewID(), store.NewID(), store.NewID(), store.NewID()
		harriet, ivo := store.NewID(), store.NewID()
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, practice, "p"+practice[:8], "Test Practice", "UTC", now)
		for _, id := range []string{admin, ther, other} {
			exec(`INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`, id, practice, id+"@example.org", "Staff "+id[:4], now)
		}
		exec(`INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?)`, harriet, practice, "Harriet Osei", "h@example.org", now)
		exec(`INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?)`, ivo, practice, "Ivo Brandt", "i@example.org", now)
		exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?)`, harriet, ther, "therapist", now)
		asAdmin := access.Actor{Kind: access.StaffActor, StaffID: admin, PracticeID: practice, Roles: []access.Role{access.Admin}}
		asTher := access.Actor{Kind: access.StaffActor, StaffID: ther, PracticeID: practice, Roles: []access.Role{access.Therapist}}
		asOther := access.Actor{Kind: access.StaffActor, StaffID: other, PracticeID: practice, Roles: []access.Role{access.Therapist}}

		list, err := door.List(ctx, asAdmin, "")
		if err != nil || len(list) != 2 || list[0].ID != harriet || list[1].ID != ivo {
			t.Fatalf("the administrator's list %+v %v", list, err)
		}
		if list, err := door.List(ctx, asAdmin, "ivo"); err != nil || len(list) != 1 || list[0].ID != ivo {
			t.Fatalf("searched %+v %v", list, err)
		}
		if list, err := door.List(ctx, asTher, ""); err != nil || len(list) != 1 || list[0].ID != harriet {
			t.Fatalf("the therapist's list %+v %v; want their own client only", list, err)
		}

		rec, err := door.Client(ctx, asTher, harriet)
		if err != nil || rec.Client.LegalName != "Harriet Osei" || len(rec.CareTeam) != 1 || rec.CareTeam[0].StaffID != ther {
			t.Fatalf("record %+v %v", rec, err)
		}

		// Off the care team: refused, and the refusal is on the trail.
		var denied *access.Denied
		if _, err := door.Client(ctx, asOther, harriet); !errors.As(err, &denied) || fault.Of(err).Code != fault.Forbidden {
			t.Fatalf("read off the care team: %v", err)
		}
		// No such client: not found, its existence not confirmed.
		if _, err := door.Client(ctx, asAdmin, "no-such-client"); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Fatalf("an unknown client: %v", err)
		}
		var n int
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = 'client.read' AND outcome = 'denied'`, other).Scan(&n)
		})
		if n != 1 {
			t.Errorf("%d refusals on the trail; want 1", n)
		}
	})
}
