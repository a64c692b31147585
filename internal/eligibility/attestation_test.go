package eligibility_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/eligibility"
	"holdspace/internal/fault"
	"holdspace/internal/intake"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// world is demotest's small practice with the intake's door, as the
// attestation tests read it.
type world struct {
	t                           *testing.T
	db                          *store.DB
	door                        *eligibility.Door
	therapist, portal, outsider access.Actor
	client                      string
}

func attestWorld(t *testing.T, db *store.DB) *world {
	dw := newWorld(t, db)
	return &world{t: t, db: db, door: dw.Door, therapist: dw.Therapist, portal: dw.Portal, outsider: dw.Outsider, client: dw.Client}
}

// fillAll saves every section of a complete intake, as the therapist
// filling it in with the client.
func (w *world) fillAll(in intake.Intake) {
	w.t.Helper()
	for _, name := range intake.SectionNames() {
		sec, _ := in.Section(name)
		if _, err := w.door.SaveSection(context.Background(), w.therapist, w.client, name, sec, nil); err != nil {
			w.t.Fatalf("saving %s: %v", name, err)
		}
	}
}

func (w *world) count(q string, args ...any) int {
	w.t.Helper()
	return storetest.Count(w.t, w.db, q, args...)
}

// storedHash rebuilds, from the stored rows alone, the canonical text the
// documentation of CanonicalAnswers describes, and hashes it.
func (w *world) storedHash() string {
	w.t.Helper()
	var parts []string
	if err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT s.section, s.answers FROM intake_section s JOIN intake i ON i.id = s.intake_id
			WHERE i.client_id = ? AND s.revision = (SELECT MAX(x.revision) FROM intake_section x WHERE x.intake_id = s.intake_id AND x.section = s.section)`, w.client)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, answers string
			if err := rows.Scan(&name, &answers); err != nil {
				return err
			}
			parts = append(parts, `"`+name+`":`+answers)
		}
		return rows.Err()
	}); err != nil {
		w.t.Fatal(err)
	}
	slices.Sort(parts)
	sum := sha256.Sum256([]byte("{" + strings.Join(parts, ",") + "}"))
	return hex.EncodeToString(sum[:])
}

func fieldNames(t *testing.T, err error) []string {
	t.Helper()
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

func TestTheClientAttestsWhatTheySend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := attestWorld(t, db)
		w.fillAll(eligibility.Complete())
		ctx := access.WithMeta(context.Background(), access.Meta{Address: "203.0.113.7", UserAgent: "Firefox/140", RequestID: "r1"})

		refusals := []struct {
			name string
			in   eligibility.Attestation
			want []string
		}{
			{"nothing given", eligibility.Attestation{}, []string{"name", "confirm"}},
			{"only spaces, ticked", eligibility.Attestation{Name: "   ", Confirm: true}, []string{"name"}},
			{"another name", eligibility.Attestation{Name: "Jamie Chen", Confirm: true}, []string{"name"}},
			{"part of the name", eligibility.Attestation{Name: "Alex", Confirm: true}, []string{"name"}},
			{"the name, not ticked", eligibility.Attestation{Name: "Alex Rivera"}, []string{"confirm"}},
		}
		for _, r := range refusals {
			_, err := w.door.Submit(ctx, w.portal, "", r.in, nil)
			if got := fieldNames(t, err); !slices.Equal(got, r.want) {
				t.Errorf("%s: refused naming %v; want %v", r.name, got, r.want)
			}
		}
		if n := w.count(`SELECT COUNT(*) FROM intake WHERE client_id = ? AND status = 'draft'`, w.client); n != 1 {
			t.Fatalf("a refused attestation sent the intake")
		}
		if n := w.count(`SELECT COUNT(*) FROM intake_attestation`) + w.count(`SELECT COUNT(*) FROM screening`); n != 0 {
			t.Fatalf("%d attestations and screenings after refusals", n)
		}

		// Case and the spaces around and between words do not matter.
		sent, err := w.door.Submit(ctx, w.portal, "", eligibility.Attestation{Name: "  alex   RIVERA ", Confirm: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := w.storedHash()
		a := sent.Attestation
		if a.TypedName != "alex RIVERA" || !a.By.IsClient() || a.By.Name != "Alex Rivera" || !a.At.Equal(at) || a.AnswersSHA256 != want ||
			a.Address != "203.0.113.7" || a.UserAgent != "Firefox/140" || sent.Screening.ID == "" {
			t.Errorf("sent %+v; want the hash %s", a, want)
		}
		rec, err := w.door.Load(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Status != eligibility.Submitted || rec.Attestation == nil || !rec.Attestation.Matches || rec.Attestation.AnswersSHA256 != want ||
			rec.Attestation.TypedName != "alex RIVERA" || len(rec.Attestation.Changes) != 0 {
			t.Fatalf("read back %+v", rec.Attestation)
		}
		if n := w.count(`SELECT COUNT(*) FROM intake_attestation_section WHERE attestation_id = ?`, a.ID); n != len(intake.SectionNames()) {
			t.Errorf("%d sections bound to the attestation", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'intake.attest' AND record_id = ? AND actor_id = ? AND address = '203.0.113.7'`,
			a.ID, w.client); n != 1 {
			t.Errorf("%d attestations on the trail", n)
		}
		// Sent once: a second attestation is refused as a conflict.
		if _, err := w.door.Submit(ctx, w.portal, "", eligibility.Attestation{Name: "Alex Rivera", Confirm: true}, nil); !errors.Is(err, eligibility.ErrSubmitted) {
			t.Errorf("sending again: %v", err)
		}
		// The record of the attestation cannot be changed.
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE intake_attestation SET typed_name = 'Someone Else'`)
			return err
		})
		if err == nil {
			t.Error("an attestation was changed in the database")
		}
	})
}

func TestAStaffChangeAfterTheAttestationShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := attestWorld(t, db)
		ctx := context.Background()
		in := eligibility.Complete()
		w.fillAll(in)
		if _, err := w.door.Submit(ctx, w.portal, "", eligibility.Attestation{Name: "Alex Rivera", Confirm: true}, nil); err != nil {
			t.Fatal(err)
		}
		attested := w.storedHash()

		// Saved as it was, nothing changed.
		if _, err := w.door.SaveSection(ctx, w.therapist, w.client, intake.SectionGoals, in.Goals, nil); err != nil {
			t.Fatal(err)
		}
		rec, _ := w.door.Load(ctx, w.therapist, w.client)
		if !rec.Attestation.Matches {
			t.Fatal("saving the same answers broke the attestation")
		}

		changed := intake.Goals{Text: "To sleep through the night."}
		if _, err := w.door.SaveSection(ctx, w.therapist, w.client, intake.SectionGoals, changed, nil); err != nil {
			t.Fatal(err)
		}
		rec, err := w.door.Load(ctx, w.therapist, w.client)
		if err != nil {
			t.Fatal(err)
		}
		a := rec.Attestation
		if a.Matches || a.AnswersSHA256 != attested || w.storedHash() == attested {
			t.Fatalf("after a staff change: %+v", a)
		}
		if len(a.Changes) != 1 || a.Changes[0].Section != intake.SectionGoals || a.Changes[0].SavedBy.Name != "Sam Okafor" ||
			a.Changes[0].Revision != 2 || !a.Changes[0].SavedAt.Equal(at) || a.Changes[0].Title == "" {
			t.Errorf("changes %+v", a.Changes)
		}
		if got := a.SectionsChanged(); len(got) != 1 {
			t.Errorf("sections changed %v", got)
		}

		// Put back as attested, the answers match again.
		if _, err := w.door.SaveSection(ctx, w.therapist, w.client, intake.SectionGoals, in.Goals, nil); err != nil {
			t.Fatal(err)
		}
		rec, _ = w.door.Load(ctx, w.therapist, w.client)
		if !rec.Attestation.Matches || len(rec.Attestation.Changes) != 0 {
			t.Errorf("answers put back: %+v", rec.Attestation)
		}
	})
}

// Staff who send the intake for a client attest under their own name, on
// the client's word; typing the client's name is not theirs to do.
func TestStaffAttestUnderTheirOwnName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := attestWorld(t, db)
		ctx := context.Background()
		w.fillAll(eligibility.Complete())
		_, err := w.door.Submit(ctx, w.therapist, w.client, eligibility.Attestation{Name: "Alex Rivera", Confirm: true}, nil)
		if got := fieldNames(t, err); !slices.Equal(got, []string{"name"}) {
			t.Errorf("the client's name typed by staff: %v", got)
		}
		sent, err := w.door.Submit(ctx, w.therapist, w.client, eligibility.Attestation{Name: "sam okafor", Confirm: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sent.Attestation.By.Kind != "staff" || sent.Attestation.By.Name != "Sam Okafor" || sent.Attestation.TypedName != "sam okafor" {
			t.Errorf("staff attestation %+v", sent.Attestation)
		}
		// Someone who may not send it learns nothing of the attestation's rules.
		var denied *access.Denied
		if _, err := w.door.Submit(ctx, w.outsider, w.client, eligibility.Attestation{}, nil); !errors.As(err, &denied) {
			t.Errorf("off the care team: %v", err)
		}
	})
}
