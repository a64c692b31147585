package chart_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// newWorld is demotest's small practice with the door over it.
func newWorld(t *testing.T, db *store.DB) *demotest.DoorWorld[*chart.Door] {
	t.Helper()
	return demotest.NewDoorWorld(t, db, func(a *access.Service) *chart.Door { return &chart.Door{Access: a, Now: demotest.Clock} })
}

func TestViewReadsTheChartOnTheCareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		v, err := w.Door.View(context.Background(), w.Therapist, w.Client, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.Name() != "Alex Rivera" {
			t.Errorf("client %q", v.Client.Name())
		}
		if len(v.Team) != 1 || v.Team[0].StaffID != w.Therapist.StaffID {
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
		if n := w.Audited(access.ClientRead, w.Therapist, "allowed"); n != 1 {
			t.Errorf("%d allowed reads on the trail", n)
		}

		v, err = w.Door.View(context.Background(), w.Owner, w.Client, time.UTC)
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
		_, err := w.Door.View(context.Background(), w.Outsider, w.Client, time.UTC)
		var denied *access.Denied
		if !errors.As(err, &denied) || denied.Record.OnCareTeam {
			t.Fatalf("want a denial off the care team, got %v", err)
		}
		if n := w.Audited(access.ClientRead, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denials on the trail", n)
		}
		if _, err := w.Door.Disclosures(context.Background(), w.Outsider, w.Client); !errors.As(err, &denied) {
			t.Errorf("disclosures off the care team: %v", err)
		}
	})
}

func TestListShowsOnlyOwnClientsButToAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		mine, err := w.Door.List(context.Background(), w.Therapist, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].ID != w.Client {
			t.Errorf("therapist's list %+v", mine)
		}
		all, err := w.Door.List(context.Background(), w.Owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("owner's list has %d clients", len(all))
		}
		found, err := w.Door.List(context.Background(), w.Owner, "jamie")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != w.Other {
			t.Errorf("search %+v", found)
		}
		if _, err := w.Door.List(context.Background(), w.Portal, ""); err == nil {
			t.Error("a client listed the practice's clients")
		}
	})
}

func TestPortalAndDisclosures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		home, err := w.Door.Portal(ctx, w.Portal)
		if err != nil {
			t.Fatal(err)
		}
		if home.Client.ID != w.Client || len(home.Team) != 1 || home.Next.Appointment != nil || home.Next.Summary != nil {
			t.Errorf("portal %+v", home)
		}
		if _, err := w.Door.View(ctx, w.Therapist, w.Client, time.UTC); err != nil {
			t.Fatal(err)
		}
		own, err := w.Door.OwnDisclosures(ctx, w.Portal)
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
		staff, err := w.Door.Disclosures(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if len(staff.List) <= len(own.List) {
			t.Errorf("the care team's list (%d) has the client's own visits the portal's (%d) leaves out", len(staff.List), len(own.List))
		}
		other := access.Actor{Kind: access.ClientActor, ClientID: w.Other, PracticeID: w.Practice}
		if _, err := w.Door.Portal(ctx, other); err != nil {
			t.Fatal(err)
		}
		var denied *access.Denied
		if _, err := w.Door.Portal(ctx, access.Actor{Kind: access.StaffActor, StaffID: w.Therapist.StaffID, PracticeID: w.Practice, Roles: w.Therapist.Roles}); !errors.As(err, &denied) {
			t.Errorf("staff in the portal: %v", err)
		}
	})
}
