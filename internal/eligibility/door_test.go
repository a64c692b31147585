package eligibility_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/eligibility"
	"holdspace/internal/fault"
	"holdspace/internal/intake"
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
	door                       *eligibility.Door
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
	w := &world{t: t, db: db, door: &eligibility.Door{Access: acc, Now: now}, client: store.NewID(), other: store.NewID()}
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

func TestTheClientSavesAPageAndStaffReadIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		f, err := w.door.Form(ctx, w.portal, "ignored: a client reads only their own")
		if err != nil {
			t.Fatal(err)
		}
		if f.Client.ID != w.client || f.Record.ID != "" || f.Record.Status != eligibility.Draft {
			t.Fatalf("before: %+v", f)
		}
		saved, err := w.door.SaveTyped(ctx, w.portal, "", intake.SectionGoals, eligibility.Typed{"goals.text": "Less stuck."})
		if err != nil {
			t.Fatal(err)
		}
		if len(saved.Result.Errors) != 0 || !saved.Record.Section(intake.SectionGoals).Started() || saved.Client.ID != w.client {
			t.Errorf("saved %+v", saved)
		}
		rec, err := w.door.Load(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Answers.Goals.Text != "Less stuck." {
			t.Errorf("the care team reads %+v", rec.Answers.Goals)
		}
		if n := w.audited(access.PortalUse, w.portal, "allowed"); n != 2 {
			t.Errorf("%d portal entries on the trail", n)
		}
		list, err := w.door.Screenings(ctx, w.therapist, w.client)
		if err != nil || len(list) != 0 {
			t.Errorf("screenings of a draft: %v %v", list, err)
		}
		v, err := w.door.ScreeningView(ctx, w.therapist, w.client)
		if err != nil || v.Client.ID != w.client || v.Intake.ID != rec.ID {
			t.Errorf("screening page %+v %v", v, err)
		}
		taken := at.Add(-time.Hour)
		done, err := w.door.RecordBloodPressure(ctx, w.therapist, w.client, eligibility.BloodPressure{Systolic: 120, Diastolic: 80, TakenAt: &taken}, nil)
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
		if _, err := w.door.Form(ctx, w.outsider, w.client); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		if _, err := w.door.SaveTyped(ctx, w.outsider, w.client, intake.SectionGoals, eligibility.Typed{"goals.text": "x"}); !errors.As(err, &denied) {
			t.Fatalf("want a denial, got %v", err)
		}
		// What the face could not read is refused only after access is
		// decided: someone refused learns nothing from it.
		unread := access.Problems{{Field: "body", Message: "not JSON"}}
		if _, err := w.door.SaveSection(ctx, w.outsider, w.client, intake.SectionGoals, intake.Goals{}, unread); !errors.As(err, &denied) {
			t.Fatalf("want a denial before the body's refusal, got %v", err)
		}
		if n := w.audited(access.ClientRead, w.outsider, "denied"); n != 1 {
			t.Errorf("%d denied reads on the trail", n)
		}
		if n := w.audited(access.ClientUpdate, w.outsider, "denied"); n != 2 {
			t.Errorf("%d denied changes on the trail", n)
		}
		if _, err := w.door.Acknowledge(ctx, w.therapist, w.client, "s1", "r1", "because", nil); !errors.As(err, &denied) {
			t.Errorf("a therapist acknowledged a finding: %v", err)
		}
		if rec, err := w.door.Load(ctx, w.therapist, w.client); err != nil || rec.ID != "" {
			t.Errorf("a refused change was kept: %+v %v", rec, err)
		}
	})
}

func TestRefusalsNameTheirFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
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
		_, err := w.door.SaveSection(ctx, w.therapist, w.client, intake.SectionGoals, intake.Goals{}, access.Problems{{Field: "text", Message: "a string"}, {Field: "body", Message: "bad"}})
		if got := fields(err); len(got) != 2 || got[0] != "goals.text" || got[1] != "goals" {
			t.Errorf("the body's problems are named in the section: %v", got)
		}
		if _, err := w.door.SaveSection(ctx, w.therapist, w.client, "nosuch", nil, nil); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Errorf("no such section: %v", err)
		}
		_, err = w.door.Submit(ctx, w.therapist, w.client, eligibility.Attestation{Name: "Sam Okafor", Confirm: true}, nil)
		var missing *eligibility.MissingAnswers
		if !errors.As(err, &missing) || len(fields(err)) == 0 {
			t.Errorf("submitting an empty intake: %v", err)
		}
		taken := at.Add(-time.Hour)
		_, err = w.door.RecordBloodPressure(ctx, w.therapist, w.client, eligibility.BloodPressure{Systolic: 80, Diastolic: 120, TakenAt: &taken}, nil)
		if got := fields(err); len(got) != 1 || got[0] != "bp_diastolic" {
			t.Errorf("swapped numbers: %v", got)
		}
		_, err = w.door.RecordBloodPressure(ctx, w.therapist, w.client, eligibility.BloodPressure{Systolic: 120, Diastolic: 80}, access.Problems{{Field: "taken_at", Message: "unreadable"}})
		if got := fields(err); len(got) != 1 || got[0] != "taken_at" {
			t.Errorf("what the face could not read: %v", got)
		}
		v, err := w.door.ScreeningView(ctx, w.therapist, w.client)
		if err != nil || len(v.Vitals) != 0 {
			t.Errorf("a refused reading was kept: %+v %v", v.Vitals, err)
		}
	})
}

func TestRulesNeedAListOfClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		rs, err := w.door.Rules(context.Background(), w.therapist)
		if err != nil || len(rs.Rules()) == 0 {
			t.Fatalf("rules %v", err)
		}
		var denied *access.Denied
		if _, err := w.door.Rules(context.Background(), w.portal); !errors.As(err, &denied) {
			t.Errorf("a client read the rule set: %v", err)
		}
	})
}
