package prescribing_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/demo"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// doorSite is the demo practice behind a prescribing door.
type doorSite struct {
	*demotest.Site
	door          *prescribing.Door
	rx, therapist access.Actor
	dan           string
}

func newDoorSite(t *testing.T, db *store.DB) *doorSite {
	t.Helper()
	site := demotest.Load(t, db)
	return &doorSite{Site: site, door: &prescribing.Door{Access: site.Access, Now: demotest.Clock}, rx: site.Prescriber(), therapist: site.Therapist(),
		dan: site.Client("dan@client.example")}
}

// trail counts the entries of evaluation.write on records of refType by
// actor with outcome.
func (s *doorSite) trail(a access.Actor, refType, outcome string) int {
	return s.Trail(a, access.EvaluationWrite, refType, outcome)
}

// A prescriber signs an evaluation and an addendum with their own
// password; the evaluation becomes the current one, its hashes verify,
// and each signature's access is on the trail as allowed.
func TestTheDoorSignsAnEvaluationAndAnAddendumWithThePrescribersPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		allowed := s.trail(s.rx, "evaluation", "allowed")
		ev, err := s.door.Sign(ctx, s.rx, s.dan, prescribing.Signing{Draft: approval, Password: demo.Password})
		if err != nil {
			t.Fatal(err)
		}
		if n := s.trail(s.rx, "evaluation", "allowed"); n != allowed+1 {
			t.Errorf("%d allowed signatures on the trail; want %d", n, allowed+1)
		}
		if _, err := s.door.AddAddendum(ctx, s.rx, s.dan, ev.ID, "Blood pressure 128/82 on the day.", demo.Password); err != nil {
			t.Fatal(err)
		}
		evs, err := s.door.Evaluations(ctx, s.rx, s.dan)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs.History) == 0 || evs.History[0].ID != ev.ID || !evs.History[0].Intact() || len(evs.History[0].Addenda) != 1 {
			t.Fatalf("history %+v; want the signed evaluation first, intact, with its addendum", evs.History)
		}
		if evs.Client.ID != s.dan {
			t.Errorf("the evaluations came with client %q; want %q", evs.Client.ID, s.dan)
		}
	})
}

// A wrong password is refused on the password field with nothing signed,
// and the refused signature is on the trail as denied; a therapist is
// refused before the password is asked, and so is any API token.
func TestTheDoorRefusesAWrongPasswordATherapistAndATokenOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		evaluations := s.Count(`SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, s.dan)
		denied := s.trail(s.rx, "evaluation", "denied")
		_, err := s.door.Sign(ctx, s.rx, s.dan, prescribing.Signing{Draft: approval, Password: "not the password"})
		if got := demotest.InvalidFieldSet(t, err); !got["password"] || len(got) != 1 {
			t.Errorf("a wrong password refused on %v; want password alone", got)
		}
		if n := s.trail(s.rx, "evaluation", "denied"); n != denied+1 {
			t.Errorf("%d denied signatures on the trail; want %d", n, denied+1)
		}
		if n := s.Count(`SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, s.dan); n != evaluations {
			t.Errorf("%d evaluations after the refusal; want %d", n, evaluations)
		}

		before := s.trail(s.therapist, "evaluation", "denied")
		var refused *access.Denied
		if _, err := s.door.Sign(ctx, s.therapist, s.dan, prescribing.Signing{Draft: approval, Password: demo.Password}); !errors.As(err, &refused) {
			t.Fatalf("a therapist signing: %v; want a refusal of access", err)
		}
		if n := s.trail(s.therapist, "evaluation", "denied"); n != before+1 {
			t.Errorf("%d denied entries for the therapist; want %d", n, before+1)
		}

		token := s.rx
		// Every scope: the refusal is the door's own, not the token's.
		token.Kind, token.Scopes = access.APIActor, access.Scopes
		const signing = `SELECT COUNT(*) FROM audit_event WHERE record_type = 'evaluation_addendum' AND outcome = 'denied' AND reason LIKE 'API tokens cannot sign%'`
		addenda := s.Count(signing)
		if err := s.door.CannotSign(ctx, token, "evaluation_addendum", s.dan, ""); !errors.As(err, &refused) {
			t.Fatalf("signing by token: %v; want a refusal of access", err)
		}
		if n := s.Count(signing); n != addenda+1 {
			t.Errorf("%d denied addendum signatures on the trail; want %d", n, addenda+1)
		}
	})
}

// Every problem comes back at once on its field: what the face could not
// read, what the draft lacks and the missing password; a unit the chart
// does not know; an allergy without its substance.
func TestTheDoorNamesTheFieldsOfWhatItRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newDoorSite(t, db)
		ctx := context.Background()
		typed := access.Problems{{Field: prescribing.FieldHoldSystolic, Message: "Give the systolic in mmHg as a whole number."}}
		_, err := s.door.Sign(ctx, s.rx, s.dan, prescribing.Signing{Draft: prescribing.Draft{Decision: prescribing.Approved}, Typed: typed})
		if got := demotest.InvalidFieldSet(t, err); !got[prescribing.FieldHoldSystolic] || !got["limits"] || !got["password"] {
			t.Errorf("an unsigned draft without limits refused on %v; want %s, limits and password", got, prescribing.FieldHoldSystolic)
		}

		_, err = s.door.AddMeasurement(ctx, s.rx, s.dan, clinic.MeasurementInput{MeasuredOn: "2026-11-20", Weight: 70, WeightUnit: "stone"}, nil)
		if got := demotest.InvalidFieldSet(t, err); !got["weight_unit"] {
			t.Errorf("a weight in stone refused on %v; want weight_unit", got)
		}
		allergies := s.Count(`SELECT COUNT(*) FROM allergy WHERE client_id = ?`, s.dan)
		_, err = s.door.AddAllergy(ctx, s.rx, s.dan, clinic.AllergyInput{Reaction: "hives"}, nil)
		if got := demotest.InvalidFieldSet(t, err); !got["substance"] {
			t.Errorf("an allergy without its substance refused on %v; want substance", got)
		}
		if n := s.Count(`SELECT COUNT(*) FROM allergy WHERE client_id = ?`, s.dan); n != allergies {
			t.Errorf("%d allergies after the refusal; want %d", n, allergies)
		}

		m, err := s.door.AddMedication(ctx, s.rx, s.dan, clinic.MedicationInput{Name: "Sertraline", Dose: "50 mg", Frequency: "daily"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		med, err := s.door.Medical(ctx, s.rx, s.dan)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range med.Medications {
			found = found || x.ID == m.ID && x.Name == "Sertraline"
		}
		if !found {
			t.Errorf("the chart's medications %+v do not hold the one added", med.Medications)
		}
	})
}
