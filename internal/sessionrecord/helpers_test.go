package sessionrecord_test

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/demo"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/dosing"
	"holdspace/internal/keyring"
	"holdspace/internal/prescribing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// testNow is a Monday afternoon in New York (14:00).
var testNow = time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)

// practice is the demo practice with Alex (ready for medicine sessions, weight 155 lb, the
// prescriber's maximum for sublingual RDT 300 mg and 4.5 mg/kg) and the staff ids.
type practice struct {
	db                     *store.DB
	ctx                    context.Context
	keys                   *keyring.Ring
	zone                   *time.Location
	now                    time.Time
	id                     string
	rx, sam, jordan, elena string
	alex                   string
}

// eachPractice runs fn on the demo practice, once in each database.
func eachPractice(t *testing.T, fn func(t *testing.T, p *practice)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newPractice(t, db)) })
}

func newPractice(t *testing.T, db *store.DB) *practice {
	t.Helper()
	ctx := context.Background()
	ring := demotest.LoadAt(t, db, testNow).Access.Keys
	p := &practice{db: db, ctx: ctx, keys: ring}
	p.zone, _ = time.LoadLocation("America/New_York")
	p.now = testNow.In(p.zone)
	err := db.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT id FROM practice WHERE slug = ?`, demo.PracticeSlug).Scan(&p.id); err != nil {
			return err
		}
		for email, dst := range map[string]*string{"prescriber@stillwater.example": &p.rx, "therapist@stillwater.example": &p.sam,
			"therapist2@stillwater.example": &p.elena, "monitor@stillwater.example": &p.jordan} {
			if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, email).Scan(dst); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `SELECT id FROM client WHERE email = ?`, "alex@client.example").Scan(&p.alex)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// booking makes a new active course for Alex with the given planned doses and books session 1
// at the practice's now, returning the course session's id. Its own course keeps spacing and
// session counts apart from the demo's.
func (p *practice) booking(t *testing.T, doses ...float64) (courseID, sessionID string) {
	t.Helper()
	p.write(t, func(tx *store.Tx) error {
		ms, err := settings.MedicineSettings(p.ctx, tx, p.id)
		if err != nil {
			return err
		}
		// One course is active at a time: stop whatever a test or the demo left active.
		active, err := tx.Strings(p.ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, p.alex)
		if err != nil {
			return err
		}
		for _, id := range active {
			if _, err := course.Stop(p.ctx, tx, p.alex, id, "Replaced by a test course", p.rx, p.now.Add(-2*time.Hour)); err != nil {
				return err
			}
		}
		plan := course.DefaultPlan(ms.Course)
		plan.IndicationCode, plan.IndicationText = "F33.1", "Major depressive disorder, recurrent, moderate"
		plan.Route, plan.PlannedSessions, plan.Doses = dosing.RouteSublingualRDT, len(doses), doses
		c, _, err := course.Create(p.ctx, tx, p.id, p.alex, "", plan, p.rx, p.now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if _, err := course.Activate(p.ctx, tx, p.alex, c.ID, p.rx, p.now.Add(-time.Hour)); err != nil {
			return err
		}
		at := p.now.Add(-30 * time.Minute)
		c, _, err = course.RecordSession(p.ctx, tx, p.id, p.alex, c.ID, 1, course.Book, &at, p.jordan, p.now.Add(-time.Hour))
		if err != nil {
			return err
		}
		courseID, sessionID = c.ID, c.Sessions[0].ID
		return nil
	})
	return courseID, sessionID
}

func (p *practice) write(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := p.db.Write(p.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// try runs fn in a write transaction and returns its error, rolling back on error.
func (p *practice) try(fn func(tx *store.Tx) error) error { return p.db.Write(p.ctx, fn) }

func (p *practice) start(t *testing.T, sessionID string, at time.Time) *sessionrecord.Record {
	t.Helper()
	var r *sessionrecord.Record
	p.write(t, func(tx *store.Tx) error {
		var err error
		r, err = sessionrecord.Start(p.ctx, tx, p.alex, sessionID, p.sam, at)
		return err
	})
	return r
}

func (p *practice) load(t *testing.T, recordID, staffID string, at time.Time) *sessionrecord.Record {
	t.Helper()
	var r *sessionrecord.Record
	p.write(t, func(tx *store.Tx) error {
		var err error
		r, err = sessionrecord.Load(p.ctx, tx, p.alex, recordID, sessionrecord.View{StaffID: staffID, Now: at})
		return err
	})
	return r
}

// readyChecklist is a complete checklist at now.
func readyChecklist(now time.Time) dosing.PreDoseChecklist {
	return dosing.PreDoseChecklist{IdentityConfirmed: true, LastFoodAt: now.Add(-4 * time.Hour), LastLiquidAt: now.Add(-time.Hour),
		EscortPresent: true, EscortName: "Jo Rivera", EscortPhone: "+1 555 0199", NoDrivingAcknowledged: true, SubstancesAsked: true,
		Intention: "To meet the grief with less fear."}
}

// premedicate records the ordered ondansetron given 35 min before at (for an evaluation with
// the order: see ordersFor).
func (p *practice) premedicate(t *testing.T, recordID string, at time.Time) {
	t.Helper()
	p.write(t, func(tx *store.Tx) error {
		_, err := sessionrecord.RecordPreMedication(p.ctx, tx, p.alex, recordID, sessionrecord.PreMedicationInput{Drug: "ondansetron", At: at.Add(-35 * time.Minute)}, p.sam, at)
		return err
	})
}

func bp(sys, dia int) sessionrecord.ReadingInput {
	return sessionrecord.ReadingInput{Systolic: &sys, Diastolic: &dia, HeartRate: dosing.Measured(76), SpO2: dosing.Measured(98), RespiratoryRate: dosing.Measured(14)}
}

func at(in sessionrecord.ReadingInput, t time.Time) sessionrecord.ReadingInput {
	in.TakenAt = t
	return in
}

// ready opens a record for a fresh booking with the checklist saved and a normal pre-dose
// reading, at p.now.
func (p *practice) ready(t *testing.T, doses ...float64) *sessionrecord.Record {
	t.Helper()
	_, sid := p.booking(t, doses...)
	r := p.start(t, sid, p.now)
	p.write(t, func(tx *store.Tx) error {
		if _, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, readyChecklist(p.now), p.sam, p.now); err != nil {
			return err
		}
		_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, bp(128, 82), p.sam, p.now)
		return err
	})
	return r
}

func dose(mg float64) sessionrecord.DoseInput {
	return sessionrecord.DoseInput{Product: "Ketamine HCl RDT", Strength: "100 mg", Lot: "KT2611A", DoseMg: mg}
}

func refusal(t *testing.T, err error, reason sessionrecord.Reason) *sessionrecord.Refused {
	t.Helper()
	r := sessionrecord.AsRefused(err)
	if r == nil {
		t.Fatalf("want a refusal (%s), got %v", reason, err)
	}
	if r.Reason != reason {
		t.Fatalf("want reason %s, got %s: %v", reason, r.Reason, r)
	}
	return r
}

func signer(p *practice, id, name string) prescribing.Signer {
	return prescribing.Signer{StaffID: id, Name: name}
}
