package sessionrecord_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/fault"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
)

// doorFor is the door on the practice's clock, with the actors of the demo's staff by key.
func doorFor(t *testing.T, p *practice) (*sessionrecord.Door, map[string]access.Actor) {
	t.Helper()
	svc := &access.Service{DB: p.db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1),
		Keys: p.keys, Now: func() time.Time { return testNow }, Policy: access.DefaultPolicy()}
	actors := map[string]access.Actor{}
	for key, email := range map[string]string{"rx": "prescriber@stillwater.example", "sam": "therapist@stillwater.example",
		"elena": "therapist2@stillwater.example", "jordan": "monitor@stillwater.example"} {
		a, err := svc.StaffActorByEmail(p.ctx, p.id, email)
		if err != nil {
			t.Fatal(err)
		}
		actors[key] = a
	}
	return &sessionrecord.Door{Access: svc, Now: func() time.Time { return testNow }, Keys: p.keys}, actors
}

// trail counts the entries of action on the record with the outcome.
func (p *practice) trail(t *testing.T, action access.Action, recordType, recordID, outcome string) int {
	t.Helper()
	var n int
	p.write(t, func(tx *store.Tx) error {
		return tx.QueryRow(p.ctx, `SELECT COUNT(*) FROM audit_event WHERE action = ? AND record_type = ? AND record_id = ? AND client_id = ? AND outcome = ?`,
			string(action), recordType, recordID, p.alex, outcome).Scan(&n)
	})
	return n
}

// The page names a record by its booking and the API by its id; both reach the same record,
// each decision on the trail naming what was given, and the page, the API's read and the
// room's poll see the same version.
func TestDoorRecordsBySessionAndByRecord(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		door, who := doorFor(t, p)
		_, sid := p.booking(t, 200)
		rec, err := door.Start(p.ctx, who["sam"], p.alex, sid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.StartedAt.Equal(testNow) {
			t.Errorf("started at %v; want the door's clock", rec.StartedAt)
		}
		if _, err := door.AddReading(p.ctx, who["jordan"], sessionrecord.BySession(p.alex, sid), bp(128, 82), nil); err != nil {
			t.Fatal(err)
		}
		rd, err := door.AddReading(p.ctx, who["sam"], sessionrecord.ByRecord(p.alex, rec.ID), bp(186, 104), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Status != "alarm" {
			t.Errorf("186/104 read as %s; want alarm", rd.Status)
		}
		if n := p.trail(t, access.SessionRecordWrite, "session_record", sid, "allowed"); n != 2 {
			t.Errorf("%d allowed writes naming the booking (start and the page's reading); want 2", n)
		}
		if n := p.trail(t, access.SessionRecordWrite, "session_record", rec.ID, "allowed"); n != 1 {
			t.Errorf("%d allowed writes naming the record; want 1", n)
		}

		live, err := door.View(p.ctx, who["sam"], p.alex, sid)
		if err != nil {
			t.Fatal(err)
		}
		if live.Record == nil || len(live.Record.Readings) != 2 || live.Record.OpenAlerts != 1 || live.Booking.Session.ID != sid || live.Booking.PlannedMg != 200 {
			t.Fatalf("the page's view: %+v", live)
		}
		if live.Now.Location().String() != "America/New_York" {
			t.Errorf("the view's time is in %s; want the practice's zone", live.Now.Location())
		}
		v, err := door.Version(p.ctx, who["sam"], p.alex, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		polled, err := door.Poll(p.ctx, who["jordan"], p.alex, sid)
		if err != nil || polled != v || v != live.Record.Version {
			t.Errorf("poll %d (%v), version %d, view %d; want one version", polled, err, v, live.Record.Version)
		}
	})
}

// A change the actor may not make is refused as access and audited as denied, before what the
// face could not read is looked at; the poll refuses without a line on the trail.
func TestDoorRefusesAndAuditsADeniedChange(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		door, who := doorFor(t, p)
		rec := p.ready(t, 200)
		target := sessionrecord.ByRecord(p.alex, rec.ID)
		unread := fault.InvalidField("reason", "The body could not be read.")
		_, err := door.OverrideHold(p.ctx, who["jordan"], target, "Rested and calm", unread)
		var denied *access.Denied
		if !errors.As(err, &denied) || !strings.Contains(denied.Reason, "only a prescriber") {
			t.Fatalf("a monitor's override: %v; want refused access naming the prescriber", err)
		}
		if n := p.trail(t, access.HoldOverride, "session_record", rec.ID, "denied"); n != 1 {
			t.Errorf("%d denied overrides on the trail; want 1", n)
		}
		if r := p.load(t, rec.ID, p.sam, p.now); r.Hold.Overridden != nil {
			t.Error("the refused override was kept")
		}

		// Elena is a therapist of the practice, not on Alex's care team.
		before := p.trail(t, access.ClientRead, "session_record", rec.CourseSessionID, "denied")
		if _, err := door.Poll(p.ctx, who["elena"], p.alex, rec.CourseSessionID); !errors.As(err, &denied) {
			t.Errorf("a poll off the care team: %v; want refused access", err)
		}
		if _, err := door.Poll(p.ctx, who["sam"], p.alex, "no-such-booking"); !errors.Is(err, sessionrecord.ErrNotFound) {
			t.Errorf("a poll of an unknown booking: %v; want not found", err)
		}
		if after := p.trail(t, access.ClientRead, "session_record", rec.CourseSessionID, "denied"); after != before {
			t.Errorf("the poll wrote %d denied reads; it writes none", after-before)
		}
	})
}

// What cannot be recorded is refused by field: a reading without a measure, a change to a
// booking whose record is not started, and what the face could not read, once access allows.
func TestDoorRefusesByField(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		door, who := doorFor(t, p)
		_, sid := p.booking(t, 200)
		target := sessionrecord.BySession(p.alex, sid)

		_, err := door.AddReading(p.ctx, who["sam"], target, bp(128, 82), nil)
		if f := fault.Of(err); f == nil || f.Code != fault.Invalid || f.FieldMap()["record"] == "" || !strings.Contains(f.FieldMap()["record"], "not started") {
			t.Fatalf("a reading before the start: %v; want the field record saying it is not started", err)
		}
		if _, err := door.AddReading(p.ctx, who["sam"], sessionrecord.BySession(p.alex, "no-such-booking"), bp(128, 82), nil); !errors.Is(err, sessionrecord.ErrNotFound) {
			t.Errorf("a reading for an unknown booking: %v; want not found", err)
		}

		if _, err := door.Start(p.ctx, who["sam"], p.alex, sid, nil); err != nil {
			t.Fatal(err)
		}
		_, err = door.AddReading(p.ctx, who["sam"], target, sessionrecord.ReadingInput{}, nil)
		if r := refusal(t, err, sessionrecord.ReasonInvalid); r.Fields()["reading"] == "" {
			t.Errorf("an empty reading: %v; want the field reading", r.Fields())
		}
		sys, dia := 80, 120
		_, err = door.AddReading(p.ctx, who["sam"], target, sessionrecord.ReadingInput{Systolic: &sys, Diastolic: &dia}, nil)
		if r := refusal(t, err, sessionrecord.ReasonInvalid); r.Fields()["diastolic"] == "" {
			t.Errorf("diastolic above systolic: %v; want the field diastolic", r.Fields())
		}

		unread := fault.InvalidField("vitals.taken_at", "Give the time as hours and minutes, such as 10:45.")
		_, err = door.AddReading(p.ctx, who["sam"], target, bp(128, 82), unread)
		if f := fault.Of(err); f == nil || f.FieldMap()["vitals.taken_at"] == "" {
			t.Errorf("an unread form: %v; want its own field", err)
		}
		if n := p.trail(t, access.SessionRecordWrite, "session_record", sid, "denied"); n != 0 {
			t.Errorf("%d denied writes; refusals of input are not access refusals", n)
		}
		if r := p.load(t, p.find(t, sid), p.sam, p.now); len(r.Readings) != 0 {
			t.Errorf("%d readings kept; every refused reading is dropped", len(r.Readings))
		}
	})
}

// A signature needs the signer's own password: a wrong one is a problem of the field password,
// goes on the trail as a refused signature and counts toward the account's lock; the right one
// signs and locks.
func TestDoorSignsWithThePassword(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		door, who := doorFor(t, p)
		_, sid := p.booking(t, 200)
		rec, err := door.Start(p.ctx, who["sam"], p.alex, sid, nil)
		if err != nil {
			t.Fatal(err)
		}
		target := sessionrecord.ByRecord(p.alex, rec.ID)

		_, err = door.Sign(p.ctx, who["sam"], target, "not my password", nil)
		var ps access.Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Field != "password" {
			t.Fatalf("a wrong password: %v; want the field password", err)
		}
		if n := p.trail(t, access.SessionRecordSign, "session_record", rec.ID, "denied"); n != 1 {
			t.Errorf("%d refused signatures on the trail; want 1", n)
		}
		var attempts int
		p.write(t, func(tx *store.Tx) error {
			return tx.QueryRow(p.ctx, `SELECT failed_attempts FROM account WHERE id = ?`, who["sam"].AccountID).Scan(&attempts)
		})
		if attempts != 1 {
			t.Errorf("%d failed attempts counted; want 1", attempts)
		}
		if _, err := door.Sign(p.ctx, who["sam"], target, "", nil); !errors.As(err, &ps) || ps[0].Field != "password" {
			t.Errorf("no password: %v; want the field password", err)
		}
		if _, err := door.Sign(p.ctx, who["sam"], sessionrecord.ByRecord(p.alex, "no-such-record"), "not my password", nil); !errors.Is(err, sessionrecord.ErrNotFound) {
			t.Errorf("an unknown record: %v; want not found before the password is asked about", err)
		}

		sig, err := door.Sign(p.ctx, who["sam"], target, demo.Password, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sig.SignerID != p.sam || !strings.HasPrefix(sig.SignerName, "Sam Okafor") {
			t.Errorf("signed by %s (%s); want Sam", sig.SignerName, sig.SignerID)
		}
		_, err = door.AddReading(p.ctx, who["sam"], target, bp(128, 82), nil)
		refusal(t, err, sessionrecord.ReasonLocked)
		add, err := door.AddAddendum(p.ctx, who["sam"], sessionrecord.BySession(p.alex, sid), "Called next morning: well.", demo.Password, nil)
		if err != nil || add.Text != "Called next morning: well." {
			t.Fatalf("addendum: %+v, %v", add, err)
		}
	})
}

func (p *practice) find(t *testing.T, sessionID string) string {
	t.Helper()
	var id string
	p.write(t, func(tx *store.Tx) (err error) {
		id, err = sessionrecord.Find(p.ctx, tx, p.alex, sessionID)
		return err
	})
	return id
}
