package measure_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// newDoorWorld is demotest's small practice with the door over it.
func newDoorWorld(t *testing.T, db *store.DB) *demotest.DoorWorld[*measure.Door] {
	t.Helper()
	cat, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	return demotest.NewDoorWorld(t, db, func(a *access.Service) *measure.Door {
		return &measure.Door{Access: a, Now: demotest.Clock, Instruments: cat, BaseURL: "http://holdspace.test/"}
	})
}

func TestStaffGiveCorrectAndReadAQuestionnaire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		resp, err := w.Door.Start(ctx, w.Therapist, w.Client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc})
		if err != nil {
			t.Fatal(err)
		}
		typed := map[string]string{}
		for k, v := range phq9(12, 0) {
			typed[k] = itoa(v)
		}
		if _, err := w.Door.Answer(ctx, w.Therapist, w.Client, resp.ID, typed, true); err != nil {
			t.Fatal(err)
		}
		v, err := w.Door.ResponseView(ctx, w.Therapist, w.Client, resp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.ID != w.Client || v.Response.Status != measure.StatusSubmitted || v.Response.Result == nil || v.Response.Result.Total != 12 {
			t.Errorf("response %+v", v.Response)
		}
		fix, err := w.Door.Correct(ctx, w.Therapist, w.Client, resp.ID, "The client chose the wrong answer to question 3.")
		if err != nil {
			t.Fatal(err)
		}
		if fix.ID == resp.ID || fix.Status != measure.StatusDraft {
			t.Errorf("correction %+v", fix)
		}
		list, err := w.Door.Responses(ctx, w.Therapist, w.Client)
		if err != nil || len(list) != 2 {
			t.Errorf("responses %d %v", len(list), err)
		}
		cv, err := w.Door.ClientView(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if cv.Client.ID != w.Client || len(cv.History) != 2 || cv.Overridden || len(cv.Plans) == 0 {
			t.Errorf("client view %+v", cv)
		}
		if one, err := w.Door.Response(ctx, w.Therapist, w.Client, fix.ID); err != nil || one.Supersedes != resp.ID {
			t.Errorf("the API reads %+v %v", one, err)
		}
		if n := w.Audited(access.ClientUpdate, w.Therapist, "allowed"); n != 3 {
			t.Errorf("%d changes on the trail", n)
		}
	})
}

func TestAClientsPlansAndThePracticeSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		set, err := w.Door.Settings(ctx, w.Owner)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]safety.InstrumentPlan(nil), set.Schedule.Instruments[1:]...)
		if err := w.Door.SetPlans(ctx, w.Therapist, w.Client, want); err != nil {
			t.Fatal(err)
		}
		cv, err := w.Door.ClientView(ctx, w.Therapist, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if !cv.Overridden || len(cv.Plans) != len(want) {
			t.Errorf("plans %+v, overridden %v", cv.Plans, cv.Overridden)
		}
		set.ClientsSeeScores = !set.ClientsSeeScores
		if err := w.Door.SaveSettings(ctx, w.Owner, set, nil); err != nil {
			t.Fatal(err)
		}
		again, err := w.Door.Settings(ctx, w.Owner)
		if err != nil || again.ClientsSeeScores != set.ClientsSeeScores {
			t.Errorf("settings not kept: %v %v", again.ClientsSeeScores, err)
		}
		if _, err := w.Door.Outcomes(ctx, w.Owner, measure.OutcomeFilter{}); err != nil {
			t.Errorf("outcomes: %v", err)
		}
		if sched, err := w.Door.Schedule(ctx, w.Therapist, w.Client); err != nil || len(sched) != 0 {
			t.Errorf("a client with no course has no schedule: %v %v", sched, err)
		}
	})
}

func TestQuestionnairesOffTheCareTeamAreDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		var denied *access.Denied
		if _, err := w.Door.ClientView(ctx, w.Outsider, w.Client); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if _, err := w.Door.Start(ctx, w.Outsider, w.Client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc}); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		// What the face could not read is refused only after access is
		// decided.
		if err := w.Door.SaveSettings(ctx, w.Therapist, measure.Settings{}, access.Problems{{Field: "x", Message: "bad"}}); !errors.As(err, &denied) {
			t.Fatalf("want a denial before the form's refusal, got %v", err)
		}
		if _, err := w.Door.Outcomes(ctx, w.Portal, measure.OutcomeFilter{}); !errors.As(err, &denied) {
			t.Errorf("a client read the outcomes: %v", err)
		}
		if n := w.Audited(access.ClientRead, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.Audited(access.ClientUpdate, w.Outsider, "denied"); n != 1 {
			t.Errorf("%d denied changes on the trail", n)
		}
		if n := w.Audited(access.SettingsManage, w.Therapist, "denied"); n != 1 {
			t.Errorf("%d denied settings on the trail", n)
		}
		if list, err := w.Door.Responses(ctx, w.Therapist, w.Client); err != nil || len(list) != 0 {
			t.Errorf("a refused start was kept: %v %v", list, err)
		}
	})
}

func TestQuestionnaireRefusalsNameTheirFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		_, err := w.Door.Start(ctx, w.Therapist, w.Client, measure.Slot{Instrument: "nosuch", Occasion: measure.OccasionAdHoc})
		if got := demotest.InvalidFields(t, err); len(got) != 1 || got[0] != "instrument" {
			t.Errorf("no such instrument: %v", got)
		}
		resp, err := w.Door.Start(ctx, w.Therapist, w.Client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.Door.Correct(ctx, w.Therapist, w.Client, resp.ID, "why")
		if got := demotest.InvalidFields(t, err); len(got) != 1 || got[0] != "status" {
			t.Errorf("correcting a draft: %v", got)
		}
		err = w.Door.SaveSettings(ctx, w.Owner, measure.Settings{}, access.Problems{{Field: "course_end_days_after", Message: "Give a whole number of days, 0 or more."}})
		if got := demotest.InvalidFields(t, err); len(got) != 1 || got[0] != "course_end_days_after" {
			t.Errorf("what the form could not read: %v", got)
		}
	})
}
