package course_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/demo"
	"holdspace/internal/dosing"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// doorSite is the demo practice behind a course door.
type doorSite struct {
	t                 *testing.T
	db                *store.DB
	door              *course.Door
	rx, therapist     access.Actor
	dan, alex         string
	danDx, danDxWords string
}

func newDoorSite(t *testing.T, db *store.DB) *doorSite {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	ring, _ := keyring.New(make([]byte, 32))
	hasher := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	if _, err := demo.Load(ctx, db, demo.Options{Hasher: hasher, Keys: ring}, now); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	s := &doorSite{t: t, db: db, door: &course.Door{Access: &access.Service{DB: db, Hasher: hasher, Keys: ring, Now: clock, Policy: access.DefaultPolicy()}, Now: clock}}
	staff := func(email string, role access.Role) access.Actor {
		a := access.Actor{Kind: access.StaffActor, Roles: []access.Role{role}}
		s.read(`SELECT s.id, s.practice_id, a.id FROM staff s JOIN account a ON a.staff_id = s.id WHERE s.email = ?`, []any{email}, &a.StaffID, &a.PracticeID, &a.AccountID)
		return a
	}
	s.rx = staff("prescriber@stillwater.example", access.Prescriber)
	s.therapist = staff("therapist2@stillwater.example", access.Therapist)
	s.read(`SELECT id FROM client WHERE email = 'dan@client.example'`, nil, &s.dan)
	s.read(`SELECT id FROM client WHERE email = 'alex@client.example'`, nil, &s.alex)
	if err := db.Read(ctx, func(tx *store.Tx) error {
		m, err := clinic.LoadMedical(ctx, tx, s.dan)
		if err == nil && len(m.Diagnoses) > 0 {
			s.danDx, s.danDxWords = m.Diagnoses[0].Code, m.Diagnoses[0].Description
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if s.danDx == "" {
		t.Fatal("the demo's Daniel has no diagnosis on the chart")
	}
	return s
}

func (s *doorSite) read(q string, args []any, into ...any) {
	s.t.Helper()
	if err := s.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(into...)
	}); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

func (s *doorSite) count(q string, args ...any) int {
	s.t.Helper()
	var n int
	s.read(q, args, &n)
	return n
}

// outcomes counts the trail's entries of action on records of refType by actor, per outcome.
func (s *doorSite) outcomes(a access.Actor, action access.Action, refType string) map[string]int {
	s.t.Helper()
	out := map[string]int{}
	for _, o := range []string{"allowed", "denied"} {
		out[o] = s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_type = ? AND outcome = ?`, a.StaffID, string(action), refType, o)
	}
	return out
}

func testPlan() course.Plan {
	return course.Plan{IndicationCode: "typed", IndicationText: "typed words", Route: dosing.RouteSublingualRDT, PlannedSessions: 2, WindowDays: 21, MinGapHours: 48, Doses: []float64{100, 150}}
}

// A prescriber on the care team plans a course through the door; the
// indication chosen from the chart replaces what was typed, the plan is
// stored planned, and the access is on the trail as allowed.
func TestTheDoorPlansACourseWithTheChartsDiagnosis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		before := s.outcomes(s.rx, access.EvaluationWrite, "course")
		res, err := s.door.Create(ctx, s.rx, s.dan, course.NewPlan{Plan: testPlan(), Indication: s.danDx}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Course == nil || res.Course.Status != dosing.CoursePlanned {
			t.Fatalf("created %+v; want a planned course", res.Course)
		}
		if res.Course.IndicationCode != s.danDx || res.Course.IndicationText != s.danDxWords {
			t.Errorf("indication %q %q; want the chart's %q %q", res.Course.IndicationCode, res.Course.IndicationText, s.danDx, s.danDxWords)
		}
		after := s.outcomes(s.rx, access.EvaluationWrite, "course")
		if after["allowed"] != before["allowed"]+1 || after["denied"] != before["denied"] {
			t.Errorf("trail before %v, after %v; want one more allowed entry", before, after)
		}
		list, err := s.door.List(ctx, s.rx, s.dan, nil)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range list.Courses {
			found = found || c.ID == res.Course.ID
		}
		if !found || list.Client.ID != s.dan {
			t.Errorf("the client's courses %+v do not hold the new course %s", list.Courses, res.Course.ID)
		}
		v, err := s.door.View(ctx, s.rx, s.dan, res.Course.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Course.ID != res.Course.ID || v.Limit == nil {
			t.Errorf("viewed %+v with limit %v; want the course and the evaluation's limit for its route", v.Course, v.Limit)
		}
	})
}

// A therapist may not plan a course: the door refuses before anything is
// read, the body's own refusal included, and the attempt is on the trail
// as denied with nothing written.
func TestTheDoorRefusesATherapistAPlanAndAuditsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		courses := s.count(`SELECT COUNT(*) FROM course WHERE client_id = ?`, s.dan)
		before := s.outcomes(s.therapist, access.EvaluationWrite, "course")
		unread := fault.InvalidField("body", "The body is not JSON.")
		_, err := s.door.Create(ctx, s.therapist, s.dan, course.NewPlan{Plan: testPlan()}, unread)
		var denied *access.Denied
		if !errors.As(err, &denied) {
			t.Fatalf("a therapist planning a course: %v; want a refusal of access", err)
		}
		after := s.outcomes(s.therapist, access.EvaluationWrite, "course")
		if after["denied"] != before["denied"]+1 || after["allowed"] != before["allowed"] {
			t.Errorf("trail before %v, after %v; want one more denied entry", before, after)
		}
		if n := s.count(`SELECT COUNT(*) FROM course WHERE client_id = ?`, s.dan); n != courses {
			t.Errorf("%d courses after the refusal; want %d", n, courses)
		}
		if _, err := s.door.Planning(ctx, s.therapist, s.dan, nil); !errors.As(err, &denied) {
			t.Errorf("a therapist opening the plan form: %v; want a refusal of access", err)
		}
	})
}

// What the rules refuse comes back on the fields it concerns: a stop
// without a reason on stop_reason, a plan without doses on each dose, a
// second active course on course.
func TestTheDoorNamesTheFieldsItRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		fields := func(err error) map[string]bool {
			f := fault.Of(err)
			if f == nil || f.Code != fault.Invalid {
				t.Fatalf("%v; want an invalid fault", err)
			}
			out := map[string]bool{}
			for _, fl := range f.Fields {
				out[fl.Name] = true
			}
			return out
		}
		var active string
		s.read(`SELECT id FROM course WHERE client_id = ? AND status = 'active'`, []any{s.alex}, &active)
		_, err := s.door.Stop(ctx, s.rx, s.alex, active, "  ", nil)
		if got := fields(err); !got["stop_reason"] {
			t.Errorf("stopping without a reason refused on %v; want stop_reason", got)
		}
		if n := s.count(`SELECT COUNT(*) FROM course WHERE id = ? AND status = 'active'`, active); n != 1 {
			t.Error("the refused stop stopped the course")
		}
		p := testPlan()
		p.Doses = []float64{0, 0}
		_, err = s.door.Create(ctx, s.rx, s.dan, course.NewPlan{Plan: p}, nil)
		if got := fields(err); !got[course.DoseField(1)] || !got[course.DoseField(2)] {
			t.Errorf("a plan without doses refused on %v; want %s and %s", got, course.DoseField(1), course.DoseField(2))
		}
		_, err = s.door.Create(ctx, s.rx, s.alex, course.NewPlan{Plan: testPlan()}, nil)
		if got := fields(err); !got["course"] {
			t.Errorf("a second course beside an active one refused on %v; want course", got)
		}
	})
}
