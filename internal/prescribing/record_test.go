package prescribing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var signedAt = time.Date(2026, 11, 23, 15, 4, 5, 987654321, time.UTC)

type site struct {
	db                   *store.DB
	practice, rx, client string
}

func newSite(t *testing.T, db *store.DB) site {
	t.Helper()
	s := site{db: db, practice: store.NewID(), rx: store.NewID(), client: store.NewID()}
	err := s.write(func(ctx context.Context, tx *store.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, []any{s.practice, "p", "P", "America/New_York", signedAt}},
			{`INSERT INTO staff (id, practice_id, email, full_name, credentials, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{s.rx, s.practice, "rx@p.example", "Dr. Priya Raman", "MD", signedAt}},
			{`INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, ?, ?)`, []any{s.client, s.practice, "Alex Rivera", signedAt}},
			// A submitted intake screened clear: what an approval rests on.
			{`INSERT INTO intake (id, practice_id, client_id, status, created_at, updated_at, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?, ?)`,
				[]any{s.client + "-intake", s.practice, s.client, signedAt, signedAt, signedAt}},
			{`INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome, findings, unanswered, parameters, facts,
				trigger_kind, run_by_kind, run_by_id) VALUES (?, ?, ?, ?, ?, 'test', 'clear', '[]', '[]', '{}', '{}', 'submitted', 'staff', ?)`,
				[]any{s.client + "-screening", s.practice, s.client, s.client + "-intake", signedAt, s.rx}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s site) write(fn func(ctx context.Context, tx *store.Tx) error) error {
	ctx := context.Background()
	return s.db.Write(ctx, func(tx *store.Tx) error { return fn(ctx, tx) })
}

func (s site) history(t *testing.T) []prescribing.Evaluation {
	t.Helper()
	var list []prescribing.Evaluation
	if err := s.write(func(ctx context.Context, tx *store.Tx) (err error) {
		list, err = prescribing.History(ctx, tx, s.client)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return list
}

func (s site) sign(t *testing.T, d prescribing.Draft, at time.Time) *prescribing.Evaluation {
	t.Helper()
	var e *prescribing.Evaluation
	err := s.write(func(ctx context.Context, tx *store.Tx) error {
		signer, err := prescribing.LoadSigner(ctx, tx, s.practice, s.rx)
		if err != nil {
			return err
		}
		e, err = prescribing.Sign(ctx, tx, s.practice, s.client, "", d, signer, at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var approval = prescribing.Draft{Decision: prescribing.ApprovedWithConditions, Conditions: "Blood pressure under 140/90 before the first session.",
	Limits:        []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4}},
	PreMedication: []string{"ondansetron 4 mg ODT 30 min before dosing"}, Notes: "Reviewed the intake and the screening."}

func TestASignedEvaluationIsStoredAsSignedAndVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		err := s.write(func(ctx context.Context, tx *store.Tx) error {
			e, err := prescribing.Current(ctx, tx, s.client)
			if err != nil || e != nil || e.Approved() {
				t.Fatalf("current %v (%v) before any evaluation; want nil, not approved", e, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		e := s.sign(t, approval, signedAt)
		if e.SignerName != "Dr. Priya Raman, MD" || e.Meaning != prescribing.MeaningApproval || len(e.Hash) != 64 {
			t.Errorf("signature %+v; want the printed name with credentials, meaning approval and a SHA-256", e.Signature)
		}
		if !e.SignedAt.Equal(signedAt.Truncate(time.Microsecond)) {
			t.Errorf("signed at %v; want the time to the microsecond", e.SignedAt)
		}
		list := s.history(t)
		if len(list) != 1 {
			t.Fatalf("%d evaluations; want 1", len(list))
		}
		got := list[0]
		if err := got.Verify(); err != nil {
			t.Errorf("the evaluation as read back does not verify: %v", err)
		}
		if got.Hash != e.Hash || string(got.Content()) != string(e.Content()) {
			t.Errorf("read back content differs from what was signed:\n%s\n%s", got.Content(), e.Content())
		}
		if !got.Approved() || got.Superseded {
			t.Errorf("approved %v, superseded %v; want true, false", got.Approved(), got.Superseded)
		}
		// Refused drafts write nothing.
		err = s.write(func(ctx context.Context, tx *store.Tx) error {
			_, err := prescribing.Sign(ctx, tx, s.practice, s.client, "", prescribing.Draft{Decision: prescribing.Approved}, prescribing.Signer{StaffID: s.rx, Name: "x"}, signedAt)
			return err
		})
		var ps clinic.Problems
		if !errors.As(err, &ps) || fields(ps) != "limits" {
			t.Errorf("signing an approval without limits: %v; want a problem on limits", err)
		}
		if n := len(s.history(t)); n != 1 {
			t.Errorf("%d evaluations after a refused one; want 1", n)
		}
	})
}

// Later words are addenda: the evaluation is never edited, and the
// database refuses an edit even from outside holdspace's code.
func TestAddendaNeverChangeTheOriginal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		e := s.sign(t, approval, signedAt)
		before := string(e.Content())
		err := s.write(func(ctx context.Context, tx *store.Tx) error {
			signer, err := prescribing.LoadSigner(ctx, tx, s.practice, s.rx)
			if err != nil {
				return err
			}
			a, err := prescribing.AddAddendum(ctx, tx, s.practice, s.client, e.ID, "", "Spoke with the client about clonazepam at night.\r\nNo change to the limits.", signer, signedAt.Add(time.Hour))
			if err != nil {
				return err
			}
			if a.Meaning != prescribing.MeaningAddendum || a.EvaluationHash != e.Hash || a.Text != "Spoke with the client about clonazepam at night.\nNo change to the limits." {
				t.Errorf("addendum %+v", a)
			}
			if _, err := prescribing.AddAddendum(ctx, tx, s.practice, s.client, e.ID, "", "  ", signer, signedAt); !errors.As(err, new(clinic.Problems)) {
				t.Errorf("an empty addendum: %v; want a problem", err)
			}
			if _, err := prescribing.AddAddendum(ctx, tx, s.practice, store.NewID(), e.ID, "", "words", signer, signedAt); !errors.Is(err, clinic.ErrNotFound) {
				t.Errorf("an addendum through another client: %v; want not found", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		list := s.history(t)
		got := list[0]
		if string(got.Content()) != before || got.Hash != e.Hash {
			t.Errorf("the evaluation changed when an addendum was added")
		}
		if len(got.Addenda) != 1 || got.Verify() != nil {
			t.Errorf("%d addenda, verify %v; want 1, nil", len(got.Addenda), got.Verify())
		}
		for _, q := range []string{
			`UPDATE evaluation SET notes = 'changed' WHERE id = ?`,
			`DELETE FROM evaluation WHERE id = ?`,
			`UPDATE evaluation_addendum SET body = 'changed' WHERE evaluation_id = ?`,
			`DELETE FROM evaluation_addendum WHERE evaluation_id = ?`,
		} {
			err := s.write(func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.Exec(ctx, q, e.ID)
				return err
			})
			if err == nil {
				t.Errorf("%s was allowed; a signed record is never changed", q)
			}
		}
	})
}

// A new evaluation supersedes the old one for the readiness tracker and
// the dosing gate; both stay, each verifying on its own.
func TestANewEvaluationSupersedesAndHistoryIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		first := s.sign(t, approval, signedAt)
		second := s.sign(t, prescribing.Draft{Decision: prescribing.NotApproved, Reason: "Blood pressure 186/112 at two visits (uncontrolled hypertension)."}, signedAt.Add(24*time.Hour))
		if second.Meaning != prescribing.MeaningReview {
			t.Errorf("a refusal is signed with the meaning %q; want review", second.Meaning)
		}
		list := s.history(t)
		if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID || list[0].Superseded || !list[1].Superseded {
			t.Fatalf("history %+v; want the refusal first, then the superseded approval", list)
		}
		for _, e := range list {
			if err := e.Verify(); err != nil {
				t.Errorf("%s: %v", e.ID, err)
			}
		}
		err := s.write(func(ctx context.Context, tx *store.Tx) error {
			cur, err := prescribing.Current(ctx, tx, s.client)
			if err != nil {
				return err
			}
			if cur == nil || cur.ID != second.ID || cur.Approved() || len(cur.Limits) != 0 {
				t.Errorf("current %+v; want the refusal, not approved, no limits", cur)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
