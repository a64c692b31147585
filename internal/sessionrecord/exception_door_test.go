package sessionrecord_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// exceptionSite is the demo practice behind the discharge exception's door.
type exceptionSite struct {
	*demotest.Site
	door          *sessionrecord.Door
	rx, therapist access.Actor
	dan           string
}

func newExceptionSite(t *testing.T, db *store.DB) *exceptionSite {
	t.Helper()
	site := demotest.Load(t, db)
	return &exceptionSite{Site: site, door: &sessionrecord.Door{Access: site.Access, Now: demotest.Clock}, rx: site.Prescriber(), therapist: site.Therapist(),
		dan: site.Client("dan@client.example")}
}

func (s *exceptionSite) denials(a access.Actor) int {
	return s.Trail(a, access.DischargeExceptionSign, "discharge_exception", "denied")
}

// A prescriber on the care team signs an exception, and the medical
// history then reads it beside the chart.
func TestTheExceptionDoorSignsAndTheMedicalHistoryShowsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newExceptionSite(t, db)
		ctx := context.Background()
		e, err := s.door.SignException(ctx, s.rx, s.dan, sessionrecord.ExceptionFloorMinutes+20, "Observed twice without a rise in blood pressure.", nil)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.door.MedicalHistory(ctx, s.rx, s.dan)
		if err != nil {
			t.Fatal(err)
		}
		if h.Client.ID != s.dan || h.Exception == nil || h.Exception.ID != e.ID || h.Exception.MinObservationMinutes != sessionrecord.ExceptionFloorMinutes+20 {
			t.Errorf("the medical history reads client %q with exception %+v; want %q with the one signed", h.Client.ID, h.Exception, s.dan)
		}
	})
}

// A therapist may not sign one: refused before what they typed is looked
// at, and the attempt is on the trail; what a prescriber types wrong is
// refused on its fields with nothing signed.
func TestTheExceptionDoorRefusesATherapistAndNamesTheFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newExceptionSite(t, db)
		ctx := context.Background()
		before := s.denials(s.therapist)
		var denied *access.Denied
		unread := errors.New("the form has errors")
		if _, err := s.door.SignException(ctx, s.therapist, s.dan, 60, "A reason.", unread); !errors.As(err, &denied) {
			t.Fatalf("a therapist signing an exception: %v; want a refusal of access", err)
		}
		if n := s.denials(s.therapist); n != before+1 {
			t.Errorf("%d denied entries; want %d", n, before+1)
		}
		_, err := s.door.SignException(ctx, s.rx, s.dan, sessionrecord.ExceptionFloorMinutes-1, " ", nil)
		rf := sessionrecord.AsRefused(err)
		if rf == nil {
			t.Fatalf("an exception below the floor without a reason: %v; want a refusal", err)
		}
		if f := rf.Fields(); f["min_observation_minutes"] == "" || f["reason"] == "" {
			t.Errorf("refused on %v; want min_observation_minutes and reason", f)
		}
		h, err := s.door.MedicalHistory(ctx, s.rx, s.dan)
		if err != nil {
			t.Fatal(err)
		}
		if h.Exception != nil {
			t.Errorf("an exception %+v was signed by a refusal", h.Exception)
		}
	})
}
