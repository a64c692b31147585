package alert_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func checkInTrigger(t *testing.T, at time.Time) safety.Trigger {
	t.Helper()
	mood, yes := 3, true
	tr, ok, err := safety.CheckInTrigger(safety.CheckIn{Session: 2, Mood: &mood, Sleep: safety.SleepPoor,
		SelfHarmThoughts: &yes, ForCareTeam: "Rough night, I'm scared.", AnsweredAt: at}, safety.DefaultCheckInSettings(time.UTC))
	if err != nil || !ok {
		t.Fatalf("check-in trigger: %v %v", ok, err)
	}
	return tr
}

// KAP.md §2: a positive safety answer must reach a clinician. Raise stores
// the alert and its first step and emails the whole care team (and nobody
// else) with the quoted answers and a link, in the caller's transaction.
func TestRaiseStoresAndEmailsTheCareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := alert.WithBaseURL(context.Background(), "https://clinic.example/")
		now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "America/New_York", now)
		var id string
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			id, err = alert.Raise(ctx, tx, f.practice, f.client, checkInTrigger(t, now), now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		to, subjects, texts := outbox(t, db)
		slices.Sort(to)
		if !slices.Equal(to, []string{"rx@example.org", "theo@example.org"}) {
			t.Fatalf("emailed %v, want the two care-team members only", to)
		}
		for i, txt := range texts {
			if !strings.Contains(txt, "https://clinic.example/alerts/"+id) || !strings.Contains(txt, "I'm scared") {
				t.Errorf("email %d lacks the link or the client's words:\n%s", i, txt)
			}
			if !strings.Contains(subjects[i], "Maya") {
				t.Errorf("subject %q does not name the client", subjects[i])
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'raised'`, id); n != 1 {
			t.Errorf("raised steps = %d, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed'`, id); n != 2 {
			t.Errorf("emailed steps = %d, want 2", n)
		}
		// Steps taken in the same instant read in the order they happened:
		// the alert is raised, then emailed.
		if err := db.Read(ctx, func(tx *store.Tx) error {
			_, events, err := alert.Get(ctx, tx, f.practice, id)
			if err != nil {
				return err
			}
			var kinds []string
			for _, e := range events {
				kinds = append(kinds, e.Kind)
			}
			if !slices.Equal(kinds, []string{"raised", "emailed", "emailed"}) {
				t.Errorf("timeline %v, want raised then the two emails", kinds)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// A rolled-back caller leaves nothing behind.
		_ = db.Write(ctx, func(tx *store.Tx) error {
			if _, err := alert.Raise(ctx, tx, f.practice, f.client, checkInTrigger(t, now), now); err != nil {
				t.Fatal(err)
			}
			return context.Canceled
		})
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert`); n != 1 {
			t.Errorf("alerts after a rolled-back raise = %d, want 1", n)
		}
	})
}

// KAP.md §7: 988 by default; a practice's own valid resources replace them.
func TestCrisisDefaultsAndPracticeResources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "America/New_York", now)
		var got safety.CrisisResources
		read := func() {
			t.Helper()
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { got, err = alert.Crisis(ctx, tx, f.practice); return err }); err != nil {
				t.Fatal(err)
			}
		}
		read()
		if got.Emergency != "911" || got.Lines[0].Call != "988" {
			t.Fatalf("default resources = %+v", got)
		}
		own := safety.CrisisResources{Region: "UK", Lines: []safety.CrisisLine{{Name: "Samaritans", Call: "116 123"}}, Emergency: "999"}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			s, err := alert.LoadSettings(ctx, tx, f.practice)
			if err != nil {
				return err
			}
			s.Crisis = own
			s.Escalation.OnCall = safety.OnCall{Clinician: f.rx}
			return alert.SaveSettings(ctx, tx, f.practice, s, f.owner, now)
		}); err != nil {
			t.Fatal(err)
		}
		read()
		if got.Emergency != "999" || got.Lines[0].Name != "Samaritans" {
			t.Fatalf("practice resources = %+v", got)
		}
	})
}

// The banner query runs on every staff page view: one indexed query.
func BenchmarkBanner(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	f := newFixture(b, db, "UTC", now)
	for i := 0; i < 50; i++ {
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := alert.Raise(ctx, tx, f.practice, f.client, safety.Trigger{Source: safety.SourceCheckInSelfHarm, Instrument: "check_in", Severity: safety.SeverityModerate, Message: "m"}, now)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := db.Read(ctx, func(tx *store.Tx) error {
			_, err := alert.Banner(ctx, tx, f.practice, f.therapist)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
