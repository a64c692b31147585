package course_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/dosing"
	"holdspace/internal/fault"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// doorSite is the demo practice behind a course door.
type doorSite struct {
	*demotest.Site
	door              *course.Door
	rx, therapist     access.Actor
	dan, alex         string
	danDx, danDxWords string
}

func newDoorSite(t *testing.T, db *store.DB) *doorSite {
	t.Helper()
	site := demotest.Load(t, db)
	s := &doorSite{Site: site, door: &course.Door{Access: site.Access, Now: demotest.Clock}, rx: site.Prescriber(), therapist: site.Therapist(),
		dan: site.Client("dan@client.example"), alex: site.Client("alex@client.example")}
	ctx := context.Background()
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

// outcomes counts the trail's entries of action on records of refType by actor, per outcome.
func (s *doorSite) outcomes(a access.Actor, action access.Action, refType string) map[string]int {
	return map[string]int{"allowed": s.Trail(a, action, refType, "allowed"), "denied": s.Trail(a, action, refType, "denied")}
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
		courses := s.Count(`SELECT COUNT(*) FROM course WHERE client_id = ?`, s.dan)
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
		if n := s.Count(`SELECT COUNT(*) FROM course WHERE client_id = ?`, s.dan); n != courses {
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
		var active string
		s.Scan(`SELECT id FROM course WHERE client_id = ? AND status = 'active'`, []any{s.alex}, &active)
		_, err := s.door.Stop(ctx, s.rx, s.alex, active, "  ", nil)
		if got := demotest.InvalidFieldSet(t, err); !got["stop_reason"] {
			t.Errorf("stopping without a reason refused on %v; want stop_reason", got)
		}
		if n := s.Count(`SELECT COUNT(*) FROM course WHERE id = ? AND status = 'active'`, active); n != 1 {
			t.Error("the refused stop stopped the course")
		}
		p := testPlan()
		p.Doses = []float64{0, 0}
		_, err = s.door.Create(ctx, s.rx, s.dan, course.NewPlan{Plan: p}, nil)
		if got := demotest.InvalidFieldSet(t, err); !got[course.DoseField(1)] || !got[course.DoseField(2)] {
			t.Errorf("a plan without doses refused on %v; want %s and %s", got, course.DoseField(1), course.DoseField(2))
		}
		_, err = s.door.Create(ctx, s.rx, s.alex, course.NewPlan{Plan: testPlan()}, nil)
		if got := demotest.InvalidFieldSet(t, err); !got["course"] {
			t.Errorf("a second course beside an active one refused on %v; want course", got)
		}
	})
}
