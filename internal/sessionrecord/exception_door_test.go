package sessionrecord_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/keyring"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// exceptionSite is the demo practice behind the discharge exception's door.
type exceptionSite struct {
	t             *testing.T
	db            *store.DB
	door          *sessionrecord.ExceptionDoor
	rx, therapist access.Actor
	dan           string
}

func newExceptionSite(t *testing.T, db *store.DB) *exceptionSite {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	ring, _ := keyring.New(make([]byte, 32))
	hasher := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	if _, err := demo.Load(ctx, db, demo.Options{Hasher: hasher, Keys: ring}, now); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	s := &exceptionSite{t: t, db: db, door: &sessionrecord.ExceptionDoor{Access: &access.Service{DB: db, Hasher: hasher, Keys: ring, Now: clock, Policy: access.DefaultPolicy()}, Now: clock}}
	staff := func(email string, role access.Role) access.Actor {
		a := access.Actor{Kind: access.StaffActor, Roles: []access.Role{role}}
		s.scan(`SELECT s.id, s.practice_id, a.id FROM staff s JOIN account a ON a.staff_id = s.id WHERE s.email = ?`, []any{email}, &a.StaffID, &a.PracticeID, &a.AccountID)
		return a
	}
	s.rx = staff("prescriber@stillwater.example", access.Prescriber)
	s.therapist = staff("therapist2@stillwater.example", access.Therapist)
	s.scan(`SELECT id FROM client WHERE email = 'dan@client.example'`, nil, &s.dan)
	return s
}

func (s *exceptionSite) scan(q string, args []any, into ...any) {
	s.t.Helper()
	if err := s.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(into...)
	}); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

func (s *exceptionSite) denials(a access.Actor) int {
	s.t.Helper()
	var n int
	s.scan(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_type = 'discharge_exception' AND outcome = 'denied'`,
		[]any{a.StaffID, string(access.DischargeExceptionSign)}, &n)
	return n
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
