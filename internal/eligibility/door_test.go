package eligibility_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/eligibility"
	"holdspace/internal/fault"
	"holdspace/internal/intake"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// at is the door's and its world's clock.
var at = demotest.Now

// newWorld is demotest's small practice with the door over it.
func newWorld(t *testing.T, db *store.DB) *demotest.DoorWorld[*eligibility.Door] {
	t.Helper()
	return demotest.NewDoorWorld(t, db, func(a *access.Service) *eligibility.Door { return &eligibility.Door{Access: a, Now: demotest.Clock} })
}

func TestTheClientSavesAPageAndStaffReadIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		f, err := w.Door.Form(ctx, w.Portal, "ignored: a client reads only their own")
		if err != nil {
			t.Fatal(err)
		}
		if f.Client.ID != w.Client || f.Record.ID != "" || f.Record.Status != eligibility.Draft {
			t.Fatalf("before: %+v", f)
		}
		saved, err := w.Door.SaveTyped(ctx, w.Portal, "", intake.SectionGoals, eligibility.Typed{"goals.text": "Less stuck."})
		if err != nil {
			t.Fatal(err)
		}
		if len(saved.Result.Errors) != 0 || !saved.Record.Section(intake.SectionGoals).Started() || saved.Client.ID != w.Client {
			t.Errorf("saved %+v", saved)
		}
		rec, err := w.Door.Load(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Answers.Goals.Text != "Less stuck." {
			t.Errorf("the care team reads %+v", rec.Answers.Goals)
		}
		if n := w.Audited(access.PortalUse, w.Portal, "allowed"); n != 2 {
			t.Errorf("%d portal entries on the trail", n)
		}
		list, err := w.Door.Screenings(ctx, w.Therapist, w.Client)
		if err != nil || len(list) != 0 {
			t.Errorf("screenings of a draft: %v %v", list, err)
		}
		v, err := w.Door.ScreeningView(ctx, w.Therapist, w.Client)
		if err != nil || v.Client.ID != w.Client || v.Intake.ID != rec.ID {
			t.Errorf("screening page %+v %v", v, err)
		}
		taken := at.Add(-time.Hour)
		done, err := w.Door.RecordBloodPressure(ctx, w.Therapist, w.Client, eligibility.BloodPressure{Systolic: 120, Diastolic: 80, TakenAt: &taken}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if done.Vitals.Systolic != 120 || done.Screening != nil {
			t.Errorf("a reading before submission screens nothing: %+v", done)
		}
	})
}

func TestIntakeOffTheCareTeamIsDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var denied *access.Denied
		if _, err := w.Door.Form(ctx, w.Outsider, w.Client); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if _, err := w.Door.SaveTyped(ctx, w.Outsider, w.Client, intake.SectionGoals, eligibility.Typed{"goals.text": "x"}); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		// What the face could not read is refused only after access is
		// decided: someone refused learns nothing from it.
		unread := access.Problems{{Field: "body", Message: "not JSON"}}
		if _, err := w.Door.SaveSection(ctx, w.Outsider, w.Client, intake.SectionGoals, intake.Goals{}, unread); !errors.As(err, &denied) {
			t.Fatalf("want a denial before the body's refusal, got %v", err)
		}
		if n := w.Audited(access.ClientRead, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.Audited(access.ClientUpdate, w.Outsider, "denied"); n != 2 {
			t.Errorf("%d denied changes on the trail", n)
		}
		if _, err := w.Door.Acknowledge(ctx, w.Therapist, w.Client, "s1", "r1", "because", nil); !errors.As(err, &denied) {
			t.Errorf("a therapist acknowledged a finding: %v", err)
		}
		if rec, err := w.Door.Load(ctx, w.Therapist, w.Client); err != nil || rec.ID != "" {
			t.Errorf("a refused change was kept: %+v %v", rec, err)
		}
	})
}

func TestRefusalsNameTheirFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		_, err := w.Door.SaveSection(ctx, w.Therapist, w.Client, intake.SectionGoals, intake.Goals{}, access.Problems{{Field: "text", Message: "a string"}, {Field: "body", Message: "bad"}})
		if got := demotest.InvalidFields(t, err); len(got) != 2 || got[0] != "goals.text" || got[1] != "goals" {
			t.Errorf("the body's problems are named in the section: %v", got)
		}
		if _, err := w.Door.SaveSection(ctx, w.Therapist, w.Client, "nosuch", nil, nil); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Errorf("no such section: %v", err)
		}
		_, err = w.Door.Submit(ctx, w.Therapist, w.Client, eligibility.Attestation{Name: "Sam Okafor", Confirm: true}, nil)
		var missing *eligibility.MissingAnswers
		if !errors.As(err, &missing) || len(demotest.InvalidFields(t, err)) == 0 {
			t.Errorf("submitting an empty intake: %v", err)
		}
		taken := at.Add(-time.Hour)
		_, err = w.Door.RecordBloodPressure(ctx, w.Therapist, w.Client, eligibility.BloodPressure{Systolic: 80, Diastolic: 120, TakenAt: &taken}, nil)
		if got := demotest.InvalidFields(t, err); len(got) != 1 || got[0] != "bp_diastolic" {
			t.Errorf("swapped numbers: %v", got)
		}
		_, err = w.Door.RecordBloodPressure(ctx, w.Therapist, w.Client, eligibility.BloodPressure{Systolic: 120, Diastolic: 80}, access.Problems{{Field: "taken_at", Message: "unreadable"}})
		if got := demotest.InvalidFields(t, err); len(got) != 1 || got[0] != "taken_at" {
			t.Errorf("what the face could not read: %v", got)
		}
		v, err := w.Door.ScreeningView(ctx, w.Therapist, w.Client)
		if err != nil || len(v.Vitals) != 0 {
			t.Errorf("a refused reading was kept: %+v %v", v.Vitals, err)
		}
	})
}

func TestRulesNeedAListOfClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		rs, err := w.Door.Rules(context.Background(), w.Therapist)
		if err != nil || len(rs.Rules()) == 0 {
			t.Fatalf("rules %v", err)
		}
		var denied *access.Denied
		if _, err := w.Door.Rules(context.Background(), w.Portal); !errors.As(err, &denied) {
			t.Errorf("a client read the rule set: %v", err)
		}
	})
}
