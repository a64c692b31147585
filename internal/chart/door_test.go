package chart_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var at = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// world is a practice with an owner, a therapist on one client's care
// team and one outside it, and that client in the portal.
type world struct {
	t                          *testing.T
	db                         *store.DB
	door                       *chart.Door
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
	w := &world{t: t, db: db, door: &chart.Door{Access: acc, Now: now}, client: store.NewID(), other: store.NewID()}
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

func TestViewReadsTheChartOnTheCareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		v, err := w.door.View(context.Background(), w.therapist, w.client, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.Name() != "Alex Rivera" {
			t.Errorf("client %q", v.Client.Name())
		}
		if len(v.Team) != 1 || v.Team[0].StaffID != w.therapist.StaffID {
			t.Errorf("team %+v", v.Team)
		}
		if len(v.Readiness) == 0 || v.Readiness.Ready() {
			t.Errorf("a client with nothing done has outstanding readiness items: %+v", v.Readiness)
		}
		if v.BreakGlass || v.Treatment.Course != nil || len(v.Treatment.Alerts) != 0 {
			t.Errorf("treatment %+v, break glass %v", v.Treatment, v.BreakGlass)
		}
		if v.CanManage || v.Staff != nil {
			t.Errorf("a therapist does not manage the care team: %v %v", v.CanManage, v.Staff)
		}
		if n := w.audited(access.ClientRead, w.therapist, "allowed"); n != 1 {
			t.Errorf("%d allowed reads on the trail", n)
		}

		v, err = w.door.View(context.Background(), w.owner, w.client, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if !v.CanManage || len(v.Staff) != 3 {
			t.Errorf("the owner manages the care team of the practice's 3 staff: %v %d", v.CanManage, len(v.Staff))
		}
	})
}

func TestViewOutsideTheCareTeamIsDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		_, err := w.door.View(context.Background(), w.outsider, w.client, time.UTC)
		var denied *access.Denied
		if !errors.As(err, &denied) || denied.Record.OnCareTeam {
			t.Fatalf("want a denial off the care team, got %v", err)
		}
		if n := w.audited(access.ClientRead, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denials on the trail", n)
		}
		if _, err := w.door.Disclosures(context.Background(), w.outsider, w.client); !errors.As(err, &denied) {
			t.Errorf("disclosures off the care team: %v", err)
		}
	})
}

func TestListShowsOnlyOwnClientsButToAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		mine, err := w.door.List(context.Background(), w.therapist, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].ID != w.client {
			t.Errorf("therapist's list %+v", mine)
		}
		all, err := w.door.List(context.Background(), w.owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("owner's list has %d clients", len(all))
		}
		found, err := w.door.List(context.Background(), w.owner, "jamie")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != w.other {
			t.Errorf("search %+v", found)
		}
		if _, err := w.door.List(context.Background(), w.portal, ""); err == nil {
			t.Error("a client listed the practice's clients")
		}
	})
}

func TestPortalAndDisclosures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		home, err := w.door.Portal(ctx, w.portal)
		if err != nil {
			t.Fatal(err)
		}
		if home.Client.ID != w.client || len(home.Team) != 1 || home.Next.Appointment != nil || home.Next.Summary != nil {
			t.Errorf("portal %+v", home)
		}
		if _, err := w.door.View(ctx, w.therapist, w.client, time.UTC); err != nil {
			t.Fatal(err)
		}
		own, err := w.door.OwnDisclosures(ctx, w.portal)
		if err != nil {
			t.Fatal(err)
		}
		// The client's own visits are left out; the therapist's read is in.
		if len(own.List) == 0 {
			t.Fatal("the therapist's read is not listed")
		}
		for _, d := range own.List {
			if d.ActorKind == "client" || d.Outcome != "allowed" {
				t.Errorf("listed %+v", d)
			}
		}
		staff, err := w.door.Disclosures(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if len(staff.List) <= len(own.List) {
			t.Errorf("the care team's list (%d) has the client's own visits the portal's (%d) leaves out", len(staff.List), len(own.List))
		}
		other := access.Actor{Kind: access.ClientActor, ClientID: w.other, PracticeID: w.practice}
		if _, err := w.door.Portal(ctx, other); err != nil {
			t.Fatal(err)
		}
		var denied *access.Denied
		if _, err := w.door.Portal(ctx, access.Actor{Kind: access.StaffActor, StaffID: w.therapist.StaffID, PracticeID: w.practice, Roles: w.therapist.Roles}); !errors.As(err, &denied) {
			t.Errorf("staff in the portal: %v", err)
		}
	})
}
