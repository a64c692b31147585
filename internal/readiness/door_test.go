package readiness_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/preparation"
	"holdspace/internal/readiness"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// newWorld is demotest's small practice with the door over it.
func newWorld(t *testing.T, db *store.DB) *demotest.DoorWorld[*readiness.Door] {
	t.Helper()
	return demotest.NewDoorWorld(t, db, func(a *access.Service) *readiness.Door { return &readiness.Door{Access: a, Now: demotest.Clock} })
}

func TestRecordSessionAndReadTheTracker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		v, err := w.Door.View(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.ID != w.Client || !v.CanRecord || len(v.Sessions) != 0 || v.Items.Ready() {
			t.Fatalf("before: %+v", v)
		}
		if err := w.Door.RecordSession(ctx, w.Therapist, w.Client, time.UTC, "2026-11-20", "Set and setting; the escort is arranged."); err != nil {
			t.Fatal(err)
		}
		v, err = w.Door.View(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Sessions) != 1 {
			t.Errorf("sessions %+v", v.Sessions)
		}
		items, err := w.Door.Items(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(v.Items) {
			t.Errorf("the API's items (%d) are not the page's (%d)", len(items), len(v.Items))
		}
		if n := w.Audited(access.PreparationRecord, w.Therapist, "allowed"); n != 1 {
			t.Errorf("%d recordings on the trail", n)
		}
	})
}

func TestReadinessOffTheCareTeamIsDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var denied *access.Denied
		if v, err := w.Door.View(ctx, w.Outsider, w.Client); !errors.As(err, &denied) || v.CanRecord {
			t.Fatalf("want a denial, got %v (can record %v)", err, v.CanRecord)
		}
		if err := w.Door.RecordSession(ctx, w.Outsider, w.Client, time.UTC, "2026-11-20", "A note."); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if n := w.Audited(access.ClientRead, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.Audited(access.PreparationRecord, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denied recordings on the trail", n)
		}
		if _, err := w.Door.Intentions(ctx, w.Outsider, w.Client); !errors.As(err, &denied) {
			t.Errorf("intentions off the care team: %v", err)
		}
	})
}

func TestRefusalsNameTheirField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var prob *preparation.Problem
		if err := w.Door.RecordSession(ctx, w.Therapist, w.Client, time.UTC, "soon", "A note."); !errors.As(err, &prob) || prob.Field != "held_on" {
			t.Errorf("a date that cannot be read: %v", err)
		}
		if err := w.Door.RecordSession(ctx, w.Therapist, w.Client, time.UTC, "2026-11-20", ""); !errors.As(err, &prob) || prob.Field != "note" {
			t.Errorf("no note: %v", err)
		}
		if err := w.Door.SaveIntention(ctx, w.Portal, " "); !errors.As(err, &prob) || prob.Field != "text" {
			t.Errorf("no intention: %v", err)
		}
		if err := w.Door.AcknowledgeInstructions(ctx, w.Portal, preparation.CurrentInstructions().SHA256, "127.0.0.1", false); !errors.As(err, &prob) || prob.Field != "agree" {
			t.Errorf("not agreed: %v", err)
		}
		if v, err := w.Door.View(ctx, w.Therapist, w.Client); err != nil || len(v.Sessions) != 0 {
			t.Errorf("a refused session was kept: %v %+v", err, v.Sessions)
		}
	})
}

func TestThePortalKeepsTheClientsOwnPreparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := w.Door.SaveIntention(ctx, w.Portal, "To feel less stuck."); err != nil {
			t.Fatal(err)
		}
		ins := preparation.CurrentInstructions()
		if err := w.Door.AcknowledgeInstructions(ctx, w.Portal, ins.SHA256, "127.0.0.1", true); err != nil {
			t.Fatal(err)
		}
		p, err := w.Door.Preparation(ctx, w.Portal)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Intentions) != 1 || p.Intentions[0].Text != "To feel less stuck." || p.Acknowledged == nil || len(p.Items) == 0 {
			t.Errorf("preparation %+v", p)
		}
		list, err := w.Door.Intentions(ctx, w.Therapist, w.Client)
		if err != nil || len(list) != 1 {
			t.Errorf("the care team reads %v %v", list, err)
		}
		var denied *access.Denied
		if _, err := w.Door.Preparation(ctx, w.Therapist); !errors.As(err, &denied) {
			t.Errorf("staff in the portal: %v", err)
		}
	})
}
