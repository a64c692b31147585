package eligibility

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var day = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)

// fixture is one practice with a prescriber, a therapist and two clients.
type fixture struct {
	t        *testing.T
	db       *store.DB
	rules    *screening.RuleSet
	practice string
	rx, sam  string
	client   string
	other    string
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	rules, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, rules: rules, practice: store.NewID(), rx: store.NewID(), sam: store.NewID(), client: store.NewID(), other: store.NewID()}
	f.exec(`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, f.practice, "p-"+f.practice[:8], "Test", "UTC", day)
	for _, s := range []struct{ id, name, email string }{{f.rx, "Dr. Rae", "rx@example.org"}, {f.sam, "Sam Okafor", "sam@example.org"}} {
		f.exec(`INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`, s.id, f.practice, s.email, s.name, day)
	}
	for _, c := range []struct{ id, name string }{{f.client, "Alex Rivera"}, {f.other, "Jamie Chen"}} {
		f.exec(`INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, ?, ?)`, c.id, f.practice, c.name, day)
	}
	return f
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	return storetest.Count(f.t, f.db, q, args...)
}

// as runs fn in one write transaction as by, at the given time. The error of
// fn is returned for the test to judge; the transaction rolls back on it.
func (f *fixture) as(by By, at time.Time, fn func(u Use) error) error {
	return f.db.Write(context.Background(), func(tx *store.Tx) error {
		return fn(Use{Tx: tx, PracticeID: f.practice, By: by, Now: at, Rules: f.rules})
	})
}

func (f *fixture) must(by By, at time.Time, fn func(u Use) error) {
	f.t.Helper()
	if err := f.as(by, at, fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) byClient() By { return By{Kind: "client", ID: f.client} }
func (f *fixture) bySam() By    { return By{Kind: "staff", ID: f.sam} }
func (f *fixture) byRx() By     { return By{Kind: "staff", ID: f.rx} }

// fill saves every section of in as the client.
func (f *fixture) fill(in intake.Intake) {
	f.t.Helper()
	f.must(f.byClient(), day, func(u Use) error {
		for _, name := range intake.SectionNames() {
			sec, _ := in.Section(name)
			if _, err := u.SaveSection(context.Background(), f.client, sec); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fixture) bp(sys, dia int) {
	f.t.Helper()
	f.must(f.bySam(), day, func(u Use) error {
		_, _, err := u.RecordBloodPressure(context.Background(), f.client, sys, dia, day.Add(-time.Minute))
		return err
	})
}

// complete is an intake with every required question answered and nothing
// for the rules to report.
func complete() intake.Intake {
	no := intake.No
	return intake.Intake{
		Medical: intake.Medical{
			HeartDisease: no, Hypertension: no, Stroke: no, AneurysmOrAVM: no, IntracerebralHaemorrhage: no, BrainInjury: no,
			RaisedIntracranialPressure: no, Glaucoma: no, LiverDisease: no, Seizures: no, UrinaryOrBladderProblems: no,
			Pregnancy: no, Breastfeeding: no, EclampsiaOrPreEclampsia: no, KetamineAllergy: no,
		},
		Psychiatric: intake.Psychiatric{
			PsychosisCurrent: no, PsychosisHistory: no, ManiaCurrent: no, ManiaHistory: no, BipolarDiagnosis: no,
			SuicideAttempt: no, SuicidalThoughtsCurrent: no, EatingDisorder: no, DissociativeDisorder: no,
		},
		Substances: intake.Substances{
			Alcohol: intake.Monthly, Ketamine: intake.Never, Cannabis: intake.Never, Stimulants: intake.Never,
			Opioids: intake.Never, Other: intake.Never, UseDisorder: no,
		},
		Medications: intake.Medications{TakesMedications: no},
		Experience:  intake.Experience{PriorKetamineTreatment: no, PriorPsychedelicExperience: no},
		Goals:       intake.Goals{Text: "To feel at home in myself again."},
	}
}

// submit sends the intake as u.By, attested with the name on record, as
// every face now sends it.
func submit(ctx context.Context, u Use, clientID string) (Screening, error) {
	by, err := u.name(ctx, u.By)
	if err != nil {
		return Screening{}, err
	}
	sent, err := u.SubmitAttested(ctx, clientID, Attestation{Name: by.Name, Confirm: true}, access.Meta{})
	return sent.Screening, err
}
