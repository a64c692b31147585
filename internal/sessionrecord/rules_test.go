package sessionrecord_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
)

// The pre-dose hold as wired into the record. KAP.md §1 Vitals, pre-dose hold: the practice's
// threshold (default systolic >= 180 or diastolic >= 110) holds dosing; only a prescriber
// overrides, with a reason; a new reading after the override needs a new review.
func TestHoldWiring(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		cases := []struct {
			name     string
			readings []sessionrecord.ReadingInput
			override bool
			held     bool
			doseOK   bool
		}{
			{name: "normal reading, no hold (KAP.md §1)", readings: []sessionrecord.ReadingInput{bp(128, 82)}, doseOK: true},
			{name: "one below the at-rest threshold, no hold", readings: []sessionrecord.ReadingInput{bp(179, 99)}, doseOK: true},
			{name: "resting 179/105 holds, as screening blocks it (KAP.md §1 at-rest 180/100)", readings: []sessionrecord.ReadingInput{bp(179, 105)}, held: true},
			{name: "systolic at 180 holds (default at-or-above)", readings: []sessionrecord.ReadingInput{bp(180, 90)}, held: true},
			{name: "diastolic at 100 holds", readings: []sessionrecord.ReadingInput{bp(150, 100)}, held: true},
			{name: "a lower reading lifts the hold", readings: []sessionrecord.ReadingInput{bp(180, 100), bp(150, 92)}, doseOK: true},
			{name: "prescriber override lets the dose go ahead", readings: []sessionrecord.ReadingInput{bp(180, 100)}, override: true, held: true, doseOK: true},
			{name: "no pre-dose reading: no dose", readings: nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, sid := p.booking(t, 200)
				r := p.start(t, sid, p.now)
				now := p.now
				p.write(t, func(tx *store.Tx) error {
					_, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, readyChecklist(now), p.sam, now)
					return err
				})
				for i, in := range tc.readings {
					when := now.Add(time.Duration(i+1) * time.Minute)
					p.write(t, func(tx *store.Tx) error {
						_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(in, when), p.jordan, when)
						return err
					})
				}
				now = now.Add(5 * time.Minute)
				if got := p.load(t, r.ID, p.sam, now).Hold.Held; got != tc.held {
					t.Fatalf("held %v, want %v", got, tc.held)
				}
				if tc.override {
					p.write(t, func(tx *store.Tx) error {
						_, err := sessionrecord.OverrideHold(p.ctx, tx, p.alex, r.ID, "Reviewed: anxious arrival, stable history.", p.rx, now)
						return err
					})
				}
				err := p.try(func(tx *store.Tx) error {
					_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, now.Add(time.Minute))
					return err
				})
				if tc.doseOK != (err == nil) {
					t.Fatalf("dose allowed %v, want %v (%v)", err == nil, tc.doseOK, err)
				}
			})
		}
	})
}

// Dose limits as wired. KAP.md §1 Routes and doses: the prescriber sets the per-session
// maximum (Alex: 300 mg and 4.5 mg/kg at 70.3 kg, so 300 mg), each session's planned dose
// stays within it, and a dose is recorded in mg with mg/kg from the day's weight.
func TestDoseWiring(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		cases := []struct {
			name    string
			planned float64
			doses   []float64
			refuse  string // a fragment of the last dose's refusal; "" when it is given
		}{
			{name: "first dose as planned", planned: 200, doses: []float64{200}},
			{name: "first dose above the plan", planned: 200, doses: []float64{220}, refuse: "200 mg planned, 220 mg entered"},
			{name: "first dose below the plan", planned: 200, doses: []float64{150}, refuse: "200 mg planned, 150 mg entered"},
			{name: "additional dose up to the maximum", planned: 200, doses: []float64{200, 100}},
			{name: "additional dose past the maximum", planned: 200, doses: []float64{200, 100.5}, refuse: "300.5 mg"},
			{name: "additional dose after the maximum is reached", planned: 200, doses: []float64{200, 100, 10}, refuse: "no more fits"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := p.ready(t, tc.planned)
				var err error
				for i, mg := range tc.doses {
					when := p.now.Add(time.Duration(i*20+2) * time.Minute)
					err = p.try(func(tx *store.Tx) error {
						_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(mg), p.sam, when)
						return err
					})
					if i < len(tc.doses)-1 && err != nil {
						t.Fatalf("dose %d: %v", i, err)
					}
				}
				if tc.refuse == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				ref := refusal(t, err, sessionrecord.ReasonRule)
				if !strings.Contains(ref.Fields()["dose_mg"], tc.refuse) || ref.Dose == nil {
					t.Fatalf("refusal %q lacks %q", ref.Fields()["dose_mg"], tc.refuse)
				}
			})
		}
	})
}

// Discharge as wired. KAP.md §1 Discharge: at least 2 h observation (Spravato REMS), vitals
// settled, alert and oriented, walking, escort present, aftercare given; each unmet criterion
// named.
func TestDischargeWiring(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		all := sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true, EscortPresent: true, AftercareGiven: true}
		cases := []struct {
			name    string
			after   time.Duration
			reading *sessionrecord.ReadingInput
			in      sessionrecord.DischargeInput
			unmet   []string
		}{
			{name: "everything after 2 h", after: 125 * time.Minute, reading: ptr(bp(130, 82)), in: all},
			{name: "exactly 2 h is enough", after: 120 * time.Minute, reading: ptr(bp(130, 82)), in: all},
			{name: "too early", after: 90 * time.Minute, reading: ptr(bp(130, 82)), in: all, unmet: []string{"observation_time"}},
			{name: "no reading since the dose", after: 125 * time.Minute, in: all, unmet: []string{"reading_after_dose", "vitals_near_baseline", "vitals_in_range"}},
			{name: "blood pressure not back", after: 125 * time.Minute, reading: ptr(bp(162, 95)), in: all, unmet: []string{"vitals_near_baseline", "vitals_in_range"}},
			{name: "no escort, no aftercare", after: 125 * time.Minute, reading: ptr(bp(130, 82)), in: sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true},
				unmet: []string{"escort_present", "aftercare_given"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := p.ready(t, 200)
				doseAt := p.now.Add(2 * time.Minute)
				p.write(t, func(tx *store.Tx) error {
					_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, doseAt)
					return err
				})
				now := doseAt.Add(tc.after)
				if tc.reading != nil {
					p.write(t, func(tx *store.Tx) error {
						_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(*tc.reading, now.Add(-time.Minute)), p.jordan, now)
						return err
					})
				}
				err := p.try(func(tx *store.Tx) error {
					_, err := sessionrecord.Discharge(p.ctx, tx, p.alex, r.ID, tc.in, p.sam, now)
					return err
				})
				if len(tc.unmet) == 0 {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				ref := refusal(t, err, sessionrecord.ReasonRule)
				f := ref.Fields()
				for _, id := range tc.unmet {
					if f[id] == "" {
						t.Errorf("%s not named: %v", id, f)
					}
				}
				if len(f) != len(tc.unmet) {
					t.Errorf("unmet %v, want only %v", f, tc.unmet)
				}
			})
		}
	})
}

func ptr[T any](v T) *T { return &v }

// The gate as wired into Start. KAP.md §1 Session and course (and issue 5's dosing gate):
// readiness complete, consent current, course active, spacing kept, session count not
// exceeded; every refusal names what is missing and who resolves it.
func TestGateWiring(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		cases := []struct {
			name   string
			change func(tx *store.Tx, courseID, sessionID string) error
			refuse string
		}{
			{name: "ready: starts"},
			{name: "course stopped", refuse: "stopped", change: func(tx *store.Tx, courseID, _ string) error {
				_, err := course.Stop(p.ctx, tx, p.alex, courseID, "Client moved away", p.rx, p.now)
				return err
			}},
			{name: "session not booked", refuse: "not booked", change: func(tx *store.Tx, _, sessionID string) error {
				_, err := tx.Exec(p.ctx, `UPDATE course_session SET status = 'cancelled' WHERE id = ?`, sessionID)
				return err
			}},
			{name: "too soon after a held session", refuse: "practice minimum between medicine sessions", change: func(tx *store.Tx, courseID, _ string) error {
				_, err := tx.Exec(p.ctx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, 2, ?, 'held', ?, ?, ?)`, store.NewID(), p.id, p.alex, courseID, p.now.Add(-20*time.Hour).UTC(), p.jordan, p.now.UTC(), p.now.UTC())
				return err
			}},
			{name: "every planned session already held", refuse: "All 1 planned medicine sessions", change: func(tx *store.Tx, courseID, _ string) error {
				_, err := tx.Exec(p.ctx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, 1, ?, 'held', ?, ?, ?)`, store.NewID(), p.id, p.alex, courseID, p.now.Add(-100*time.Hour).UTC(), p.jordan, p.now.UTC(), p.now.UTC())
				return err
			}},
			{name: "instructions not acknowledged: who can complete it", refuse: "Who can complete it", change: func(tx *store.Tx, _, _ string) error {
				_, err := tx.Exec(p.ctx, `DELETE FROM instructions_ack WHERE client_id = ?`, p.alex)
				return err
			}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				courseID, sid := p.booking(t, 200)
				if tc.change != nil {
					p.write(t, func(tx *store.Tx) error { return tc.change(tx, courseID, sid) })
				}
				err := p.try(func(tx *store.Tx) error {
					_, err := sessionrecord.Start(p.ctx, tx, p.alex, sid, p.sam, p.now)
					return err
				})
				if tc.refuse == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				ref := refusal(t, err, sessionrecord.ReasonRule)
				if !strings.Contains(ref.Fields()["gate"], tc.refuse) {
					t.Fatalf("gate refusal %q lacks %q", ref.Fields()["gate"], tc.refuse)
				}
			})
		}
	})
}

// Two clinicians recording into one record at once lose nothing: each entry has its own id
// and transaction, and the version counts every write.
func TestConcurrentWriters(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.ready(t, 200)
		var before int64
		p.write(t, func(tx *store.Tx) error {
			var err error
			before, err = sessionrecord.Changed(p.ctx, tx, r.ID)
			return err
		})
		const each = 8
		var wg sync.WaitGroup
		errs := make(chan error, 2*each)
		for _, who := range []string{p.sam, p.jordan} {
			wg.Add(1)
			go func(who string) {
				defer wg.Done()
				for i := range each {
					errs <- p.try(func(tx *store.Tx) error {
						if who == p.sam {
							_, err := sessionrecord.AddObservation(p.ctx, tx, p.alex, r.ID, sessionrecord.ObservationInput{Kind: sessionrecord.Anxiety, Severity: sessionrecord.Mild}, who, p.now.Add(time.Duration(i)*time.Second))
							return err
						}
						_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, bp(120+i, 80), who, p.now.Add(time.Duration(i)*time.Second))
						return err
					})
				}
			}(who)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := p.load(t, r.ID, p.sam, p.now.Add(time.Minute))
		if len(got.Observations) != each || len(got.Readings) != each+1 {
			t.Fatalf("observations %d, readings %d; want %d and %d", len(got.Observations), len(got.Readings), each, each+1)
		}
		if got.Version != before+2*each {
			t.Fatalf("version %d, want %d", got.Version, before+2*each)
		}
		ids := map[string]bool{}
		for _, e := range got.Timeline() {
			if e.Kind == "reading" || e.Kind == "observation" {
				if ids[e.ID] {
					t.Fatalf("duplicate id %s", e.ID)
				}
				ids[e.ID] = true
			}
		}
	})
}

// Process notes are sealed at rest: the stored column does not hold the text, the author
// reads it back, nobody else's view lists it.
func TestProcessNotesSealed(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.ready(t, 200)
		const secret = "Spoke for the first time about the accident."
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddProcessNote(p.ctx, tx, p.keys, p.alex, r.ID, secret, p.sam, p.now)
			return err
		})
		var body, sealed string
		p.write(t, func(tx *store.Tx) error {
			return tx.QueryRow(p.ctx, `SELECT body, sealed FROM session_note WHERE record_id = ? AND kind = 'process'`, r.ID).Scan(&body, &sealed)
		})
		if body != "" || sealed == "" || strings.Contains(sealed, "accident") || strings.Contains(sealed, secret) {
			t.Fatalf("stored body %q sealed %q", body, sealed)
		}
		p.write(t, func(tx *store.Tx) error {
			mine, err := sessionrecord.ProcessNotes(p.ctx, tx, p.keys, p.alex, r.ID, p.sam)
			if err != nil {
				return err
			}
			if len(mine) != 1 || mine[0].Text != secret {
				t.Errorf("author reads %+v", mine)
			}
			theirs, err := sessionrecord.ProcessNotes(p.ctx, tx, p.keys, p.alex, r.ID, p.rx)
			if len(theirs) != 0 {
				t.Errorf("another clinician reads %+v", theirs)
			}
			return err
		})
		if n := len(p.load(t, r.ID, p.rx, p.now).ProcessNotes); n != 0 {
			t.Errorf("the prescriber's view lists %d process notes", n)
		}
		if n := len(p.load(t, r.ID, p.sam, p.now).ProcessNotes); n != 1 {
			t.Errorf("the author's view lists %d process notes", n)
		}
	})
}

// A record of one client cannot be reached through another client's id.
func TestOtherClientsRecord(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.ready(t, 200)
		var jamie string
		p.write(t, func(tx *store.Tx) error {
			return tx.QueryRow(p.ctx, `SELECT id FROM client WHERE email = 'jamie@client.example'`).Scan(&jamie)
		})
		err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, jamie, r.ID, bp(120, 80), p.sam, p.now)
			return err
		})
		if err != sessionrecord.ErrNotFound {
			t.Fatalf("got %v", err)
		}
		if got := p.load(t, r.ID, p.sam, p.now).Readings; len(got) != 1 || got[0].Flag(dosing.MeasureSystolic) != dosing.StatusNormal {
			t.Fatalf("readings %+v", got)
		}
	})
}

// A group medicine session starts only with the practice's number of
// clinicians per client booked on it (issue 5, group sessions: "a
// practice-set minimum of clinicians per client present"; the default is
// three clients per clinician).
func TestAGroupSessionNeedsEnoughClinicians(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		_, sessionID := p.booking(t, 100)
		appointment := store.NewID()
		p.write(t, func(tx *store.Tx) error {
			start := p.now.Add(-30 * time.Minute)
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment (id, practice_id, kind, title, starts_at, ends_at, status, created_by, created_at, updated_by, updated_at)
				VALUES (?, ?, 'group_session', 'Group medicine session', ?, ?, 'booked', ?, ?, ?, ?)`,
				appointment, p.id, start, start.Add(4*time.Hour), p.sam, p.now, p.sam, p.now); err != nil {
				return err
			}
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, appointment, p.id, p.sam); err != nil {
				return err
			}
			others, err := tx.Strings(p.ctx, `SELECT id FROM client WHERE practice_id = ? AND id <> ? ORDER BY id LIMIT 3`, p.id, p.alex)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id, course_session_id) VALUES (?, ?, ?, ?)`,
				appointment, p.id, p.alex, sessionID); err != nil {
				return err
			}
			for _, c := range others {
				if _, err := tx.Exec(p.ctx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id) VALUES (?, ?, ?)`, appointment, p.id, c); err != nil {
					return err
				}
			}
			return nil
		})
		check := func() []dosing.Refusal {
			var out []dosing.Refusal
			p.write(t, func(tx *store.Tx) (err error) {
				out, err = sessionrecord.StartCheck(p.ctx, tx, p.alex, sessionID, p.now)
				return err
			})
			return out
		}
		var found bool
		for _, r := range check() {
			if strings.Contains(r.Message, "4 clients and needs at least 2 clinicians") && strings.Contains(r.Message, "1 is booked") {
				found = true
			}
		}
		if !found {
			t.Errorf("four clients with one clinician: refusals %+v; want the group's clinician minimum named", check())
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, appointment, p.id, p.elena)
			return err
		})
		for _, r := range check() {
			if strings.Contains(r.Message, "clinicians present") {
				t.Errorf("two clinicians for four clients is enough, but: %s", r.Message)
			}
		}
	})
}

// TestASessionRunsOnTheSettingsItStartedWith: a stricter hold saved after the start does not
// reach the session under way; a record started before sessions kept their settings (no
// snapshot) falls back to the practice's current ones.
func TestASessionRunsOnTheSettingsItStartedWith(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		_, sid := p.booking(t, 200, 250)
		r := p.start(t, sid, p.now)
		if r.SettingsAsOf == nil || !r.SettingsAsOf.Equal(r.StartedAt) {
			t.Fatalf("settings as of %v; want the start %v", r.SettingsAsOf, r.StartedAt)
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `INSERT INTO practice_setting (practice_id, area, value, updated_at) VALUES (?, 'medicine', ?, ?)
				ON CONFLICT (practice_id, area) DO UPDATE SET value = excluded.value`, p.id, `{"hold": {"systolic_mmhg": 150, "diastolic_mmhg": 95, "at_or_above": true}}`, p.now)
			return err
		})
		t1 := p.now.Add(5 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(160, 90), t1), p.jordan, t1)
			return err
		})
		if r = p.load(t, r.ID, p.sam, t1); r.Hold.Held {
			t.Fatalf("a hold saved after the start held the session: %+v", r.Hold)
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `UPDATE session_record SET settings_snapshot = '' WHERE id = ?`, r.ID)
			return err
		})
		if r = p.load(t, r.ID, p.sam, t1); r.SettingsAsOf != nil || !r.Hold.Held || !strings.Contains(r.Hold.Message, "160/90") {
			t.Fatalf("a record without a snapshot: as of %v, hold %+v; want the current 150/95 hold", r.SettingsAsOf, r.Hold)
		}
	})
}

// TestADischargeExceptionStaysWithinItsFloor: from 40 minutes (the blood pressure peak) to just
// under the practice bound of 120, with a reason; the newest one is the client's.
func TestADischargeExceptionStaysWithinItsFloor(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		for _, c := range []struct {
			minutes int
			reason  string
			field   string
		}{{39, "Settles fast.", "min_observation_minutes"}, {120, "Settles fast.", "min_observation_minutes"}, {60, " ", "reason"}} {
			err := p.try(func(tx *store.Tx) error {
				_, err := sessionrecord.RecordDischargeException(p.ctx, tx, p.id, p.alex, p.rx, c.minutes, c.reason, p.now)
				return err
			})
			if ref := refusal(t, err, sessionrecord.ReasonInvalid); ref.Fields()[c.field] == "" {
				t.Errorf("%d minutes, %q: %v; want a refusal on %s", c.minutes, c.reason, ref.Fields(), c.field)
			}
		}
		for i, m := range []int{90, 60} {
			p.write(t, func(tx *store.Tx) error {
				_, err := sessionrecord.RecordDischargeException(p.ctx, tx, p.id, p.alex, p.rx, m, "Settles fast.", p.now.Add(time.Duration(i)*time.Minute))
				return err
			})
		}
		p.write(t, func(tx *store.Tx) error {
			e, err := sessionrecord.CurrentDischargeException(p.ctx, tx, p.alex)
			if err == nil && (e == nil || e.MinObservationMinutes != 60 || !strings.HasPrefix(e.PrescriberName, "Dr. Priya Raman")) {
				t.Errorf("current exception %+v; want the newest, 60 minutes, signed by the prescriber", e)
			}
			return err
		})
	})
}
