package readiness_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/keyring"
	"holdspace/internal/preparation"
	"holdspace/internal/readiness"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var at = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// world is a practice with an owner, a therapist on one client's care
// team and one outside it, and that client in the portal.
type world struct {
	t                          *testing.T
	db                         *store.DB
	door                       *readiness.Door
	practice, client, other    string
	owner, therapist, outsider access.Actor
	portal                     access.Actor
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	now := func() time.Time { return at }
	acc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: now, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	w := &world{t: t, db: db, door: &readiness.Door{Access: acc, Now: now}, client: store.NewID(), other: store.NewID()}
	var err error
	if w.practice, err = access.CreatePractice(ctx, db, "Stillwater", "stillwater", "America/New_York", at); err != nil {
		t.Fatal(err)
	}
	add := func(name, email string, roles ...access.Role) access.Actor {
		id, _, err := acc.AddStaffBySystem(ctx, w.practice, access.StaffInput{Name: name, Email: email, Roles: roles}, "")
		if err != nil {
			t.Fatal(err)
		}
		return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: w.practice, Roles: roles}
	}
	w.owner = add("Morgan Avery", "owner@stillwater.test", access.Owner)
	w.therapist = add("Sam Okafor", "sam@stillwater.test", access.Therapist)
	w.outsider = add("Elena Brooks", "elena@stillwater.test", access.Therapist)
	w.exec(`INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
		w.client, w.practice, "Alex Rivera", "alex@client.test", at, w.other, w.practice, "Jamie Chen", "jamie@client.test", at)
	w.exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'therapist', ?)`, w.client, w.therapist.StaffID, at)
	w.portal = access.Actor{Kind: access.ClientActor, ClientID: w.client, PracticeID: w.practice}
	return w
}

func (w *world) exec(q string, args ...any) {
	w.t.Helper()
	if err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) audited(action access.Action, a access.Actor, outcome string) int {
	w.t.Helper()
	var n int
	if err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_event WHERE action = ? AND actor_id = ? AND outcome = ?`,
			string(action), a.ID(), outcome).Scan(&n)
	}); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func TestRecordSessionAndReadTheTracker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		v, err := w.door.View(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.ID != w.client || !v.CanRecord || len(v.Sessions) != 0 || v.Items.Ready() {
			t.Fatalf("before: %+v", v)
		}
		if err := w.door.RecordSession(ctx, w.therapist, w.client, time.UTC, "2026-11-20", "Set and setting; the escort is arranged."); err != nil {
			t.Fatal(err)
		}
		v, err = w.door.View(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Sessions) != 1 {
			t.Errorf("sessions %+v", v.Sessions)
		}
		items, err := w.door.Items(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(v.Items) {
			t.Errorf("the API's items (%d) are not the page's (%d)", len(items), len(v.Items))
		}
		if n := w.audited(access.PreparationRecord, w.therapist, "allowed"); n != 1 {
			t.Errorf("%d recordings on the trail", n)
		}
	})
}

func TestReadinessOffTheCareTeamIsDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var denied *access.Denied
		if v, err := w.door.View(ctx, w.outsider, w.client); !errors.As(err, &denied) || v.CanRecord {
			t.Fatalf("want a denial, got %v (can record %v)", err, v.CanRecord)
		}
		if err := w.door.RecordSession(ctx, w.outsider, w.client, time.UTC, "2026-11-20", "A note."); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if n := w.audited(access.ClientRead, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.audited(access.PreparationRecord, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denied recordings on the trail", n)
		}
		if _, err := w.door.Intentions(ctx, w.outsider, w.client); !errors.As(err, &denied) {
			t.Errorf("intentions off the care team: %v", err)
		}
	})
}

func TestRefusalsNameTheirField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var prob *preparation.Problem
		if err := w.door.RecordSession(ctx, w.therapist, w.client, time.UTC, "soon", "A note."); !errors.As(err, &prob) || prob.Field != "held_on" {
			t.Errorf("a date that cannot be read: %v", err)
		}
		if err := w.door.RecordSession(ctx, w.therapist, w.client, time.UTC, "2026-11-20", ""); !errors.As(err, &prob) || prob.Field != "note" {
			t.Errorf("no note: %v", err)
		}
		if err := w.door.SaveIntention(ctx, w.portal, " "); !errors.As(err, &prob) || prob.Field != "text" {
			t.Errorf("no intention: %v", err)
		}
		if err := w.door.AcknowledgeInstructions(ctx, w.portal, preparation.CurrentInstructions().SHA256, "127.0.0.1", false); !errors.As(err, &prob) || prob.Field != "agree" {
			t.Errorf("not agreed: %v", err)
		}
		if v, err := w.door.View(ctx, w.therapist, w.client); err != nil || len(v.Sessions) != 0 {
			t.Errorf("a refused session was kept: %v %+v", err, v.Sessions)
		}
	})
}

func TestThePortalKeepsTheClientsOwnPreparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := w.door.SaveIntention(ctx, w.portal, "To feel less stuck."); err != nil {
			t.Fatal(err)
		}
		ins := preparation.CurrentInstructions()
		if err := w.door.AcknowledgeInstructions(ctx, w.portal, ins.SHA256, "127.0.0.1", true); err != nil {
			t.Fatal(err)
		}
		p, err := w.door.Preparation(ctx, w.portal)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Intentions) != 1 || p.Intentions[0].Text != "To feel less stuck." || p.Acknowledged == nil || len(p.Items) == 0 {
			t.Errorf("preparation %+v", p)
		}
		list, err := w.door.Intentions(ctx, w.therapist, w.client)
		if err != nil || len(list) != 1 {
			t.Errorf("the care team reads %v %v", list, err)
		}
		var denied *access.Denied
		if _, err := w.door.Preparation(ctx, w.therapist); !errors.As(err, &denied) {
			t.Errorf("staff in the portal: %v", err)
		}
	})
}
