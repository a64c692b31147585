package measure_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/instrument"
	"holdspace/internal/keyring"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var doorAt = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// doorWorld is a practice with an owner, a therapist on one client's care
// team and one outside it, and that client in the portal.
type doorWorld struct {
	t                          *testing.T
	db                         *store.DB
	door                       *measure.Door
	practice, client, other    string
	owner, therapist, outsider access.Actor
	portal                     access.Actor
}

func newDoorWorld(t *testing.T, db *store.DB) *doorWorld {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	cat, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return doorAt }
	acc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: now, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	w := &doorWorld{t: t, db: db, door: &measure.Door{Access: acc, Now: now, Instruments: cat, BaseURL: "http://holdspace.test/"}, client: store.NewID(), other: store.NewID()}
	if w.practice, err = access.CreatePractice(ctx, db, "Stillwater", "stillwater", "America/New_York", doorAt); err != nil {
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
		w.client, w.practice, "Alex Rivera", "alex@client.test", doorAt, w.other, w.practice, "Jamie Chen", "jamie@client.test", doorAt)
	w.exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'therapist', ?)`, w.client, w.therapist.StaffID, doorAt)
	w.portal = access.Actor{Kind: access.ClientActor, ClientID: w.client, PracticeID: w.practice}
	return w
}

func (w *doorWorld) exec(q string, args ...any) {
	w.t.Helper()
	if err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *doorWorld) audited(action access.Action, a access.Actor, outcome string) int {
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

func TestStaffGiveCorrectAndReadAQuestionnaire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		resp, err := w.door.Start(ctx, w.therapist, w.client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc})
		if err != nil {
			t.Fatal(err)
		}
		typed := map[string]string{}
		for k, v := range phq9(12, 0) {
			typed[k] = itoa(v)
		}
		if _, err := w.door.Answer(ctx, w.therapist, w.client, resp.ID, typed, true); err != nil {
			t.Fatal(err)
		}
		v, err := w.door.ResponseView(ctx, w.therapist, w.client, resp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.ID != w.client || v.Response.Status != measure.StatusSubmitted || v.Response.Result == nil || v.Response.Result.Total != 12 {
			t.Errorf("response %+v", v.Response)
		}
		fix, err := w.door.Correct(ctx, w.therapist, w.client, resp.ID, "The client chose the wrong answer to question 3.")
		if err != nil {
			t.Fatal(err)
		}
		if fix.ID == resp.ID || fix.Status != measure.StatusDraft {
			t.Errorf("correction %+v", fix)
		}
		list, err := w.door.Responses(ctx, w.therapist, w.client)
		if err != nil || len(list) != 2 {
			t.Errorf("responses %d %v", len(list), err)
		}
		cv, err := w.door.ClientView(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if cv.Client.ID != w.client || len(cv.History) != 2 || cv.Overridden || len(cv.Plans) == 0 {
			t.Errorf("client view %+v", cv)
		}
		if one, err := w.door.Response(ctx, w.therapist, w.client, fix.ID); err != nil || one.Supersedes != resp.ID {
			t.Errorf("the API reads %+v %v", one, err)
		}
		if n := w.audited(access.ClientUpdate, w.therapist, "allowed"); n != 3 {
			t.Errorf("%d changes on the trail", n)
		}
	})
}

func TestAClientsPlansAndThePracticeSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		set, err := w.door.Settings(ctx, w.owner)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]safety.InstrumentPlan(nil), set.Schedule.Instruments[1:]...)
		if err := w.door.SetPlans(ctx, w.therapist, w.client, want); err != nil {
			t.Fatal(err)
		}
		cv, err := w.door.ClientView(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if !cv.Overridden || len(cv.Plans) != len(want) {
			t.Errorf("plans %+v, overridden %v", cv.Plans, cv.Overridden)
		}
		set.ClientsSeeScores = !set.ClientsSeeScores
		if err := w.door.SaveSettings(ctx, w.owner, set, nil); err != nil {
			t.Fatal(err)
		}
		again, err := w.door.Settings(ctx, w.owner)
		if err != nil || again.ClientsSeeScores != set.ClientsSeeScores {
			t.Errorf("settings not kept: %v %v", again.ClientsSeeScores, err)
		}
		if _, err := w.door.Outcomes(ctx, w.owner, measure.OutcomeFilter{}); err != nil {
			t.Errorf("outcomes: %v", err)
		}
		if sched, err := w.door.Schedule(ctx, w.therapist, w.client); err != nil || len(sched) != 0 {
			t.Errorf("a client with no course has no schedule: %v %v", sched, err)
		}
	})
}

func TestQuestionnairesOffTheCareTeamAreDeniedOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		var denied *access.Denied
		if _, err := w.door.ClientView(ctx, w.outsider, w.client); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if _, err := w.door.Start(ctx, w.outsider, w.client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc}); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		// What the face could not read is refused only after access is
		// decided.
		if err := w.door.SaveSettings(ctx, w.therapist, measure.Settings{}, access.Problems{{Field: "x", Message: "bad"}}); !errors.As(err, &denied) {
			t.Fatalf("want a denial before the form's refusal, got %v", err)
		}
		if _, err := w.door.Outcomes(ctx, w.portal, measure.OutcomeFilter{}); !errors.As(err, &denied) {
			t.Errorf("a client read the outcomes: %v", err)
		}
		if n := w.audited(access.ClientRead, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.audited(access.ClientUpdate, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denied changes on the trail", n)
		}
		if n := w.audited(access.SettingsManage, w.therapist, "denied"); n != 1 {
			t.Errorf("%d denied settings on the trail", n)
		}
		if list, err := w.door.Responses(ctx, w.therapist, w.client); err != nil || len(list) != 0 {
			t.Errorf("a refused start was kept: %v %v", list, err)
		}
	})
}

func TestQuestionnaireRefusalsNameTheirFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newDoorWorld(t, db)
		ctx := context.Background()
		fields := func(err error) []string {
			f := fault.Of(err)
			if f == nil || f.Code != fault.Invalid {
				t.Fatalf("want an invalid fault, got %v", err)
			}
			var out []string
			for _, fl := range f.Fields {
				out = append(out, fl.Name)
			}
			return out
		}
		_, err := w.door.Start(ctx, w.therapist, w.client, measure.Slot{Instrument: "nosuch", Occasion: measure.OccasionAdHoc})
		if got := fields(err); len(got) != 1 || got[0] != "instrument" {
			t.Errorf("no such instrument: %v", got)
		}
		resp, err := w.door.Start(ctx, w.therapist, w.client, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.door.Correct(ctx, w.therapist, w.client, resp.ID, "why")
		if got := fields(err); len(got) != 1 || got[0] != "status" {
			t.Errorf("correcting a draft: %v", got)
		}
		err = w.door.SaveSettings(ctx, w.owner, measure.Settings{}, access.Problems{{Field: "course_end_days_after", Message: "Give a whole number of days, 0 or more."}})
		if got := fields(err); len(got) != 1 || got[0] != "course_end_days_after" {
			t.Errorf("what the form could not read: %v", got)
		}
	})
}
