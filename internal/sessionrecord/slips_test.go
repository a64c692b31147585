package sessionrecord_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
)

// written is what a refused write must leave as it was: the record's version (every write
// bumps it), its entries and its state.
type written struct {
	version                    int64
	readings, doses, alerts    int
	status                     sessionrecord.Status
	discharged, signed, closed bool
}

func (p *practice) written(t *testing.T, recordID string, now time.Time) written {
	t.Helper()
	r := p.load(t, recordID, p.sam, now)
	return written{version: r.Version, readings: len(r.Readings), doses: len(r.Doses), alerts: len(r.Alerts), status: r.Status,
		discharged: r.Discharge != nil, signed: r.Signature != nil, closed: r.OpenAlerts == 0}
}

// wantFields fails unless the refusal names exactly the fields of want, each message holding
// its fragment.
func wantFields(t *testing.T, ref *sessionrecord.Refused, want map[string]string) {
	t.Helper()
	got := ref.Fields()
	for field, fragment := range want {
		if !strings.Contains(got[field], fragment) {
			t.Errorf("field %s: message %q lacks %q", field, got[field], fragment)
		}
	}
	if len(got) != len(want) {
		t.Errorf("refusal names %v; want only the fields of %v", got, want)
	}
}

// bedside is every discharge criterion the clinician confirms at the bedside.
var bedside = sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true, EscortPresent: true, AftercareGiven: true}

// An in-session alarm left unacknowledged blocks discharge and sign-off, each refusal naming
// the alert and writing nothing; once someone in the session acknowledges it with the action
// taken, the same discharge or sign-off goes through.
func TestAnOpenAlarmBlocksDischargeAndSignOff(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		discharge := func(tx *store.Tx, r *sessionrecord.Record, now time.Time) error {
			rec, err := sessionrecord.Discharge(p.ctx, tx, p.alex, r.ID, bedside, p.sam, now)
			if err == nil && rec.Status != sessionrecord.Discharged {
				return fmt.Errorf("discharge left the record %s", rec.Status)
			}
			return err
		}
		sign := func(tx *store.Tx, r *sessionrecord.Record, now time.Time) error {
			sig, err := sessionrecord.Sign(p.ctx, tx, p.alex, r.ID, signer(p, p.sam, "Sam Okafor, LCSW"), now)
			if err == nil && len(sig.Hash) != 64 {
				return fmt.Errorf("signature hash %q", sig.Hash)
			}
			return err
		}
		cases := []struct {
			name string
			// dosed gives the planned 200 mg two minutes in, with the alarm 15 minutes after
			// it and a settled reading just before the observation minimum is met.
			dosed bool
			// alarmAfterDischarge discharges first and raises the alarm after.
			alarmAfterDischarge bool
			act                 func(tx *store.Tx, r *sessionrecord.Record, now time.Time) error
			// fix is the message the refusal gives beside "alert", after the alarm's own.
			fix string
		}{
			{name: "discharge with the alarm open", dosed: true, act: discharge, fix: "Acknowledge it with the action taken before discharge."},
			{name: "sign-off of a discharged record with an alarm raised after discharge", dosed: true, alarmAfterDischarge: true, act: sign,
				fix: "Acknowledge it with the action taken before signing."},
			{name: "sign-off of a session without medicine with a pre-dose alarm", act: sign, fix: "Acknowledge it with the action taken before signing."},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := p.ready(t, 200)
				doseAt := p.now.Add(2 * time.Minute)
				now := p.now.Add(5 * time.Minute)
				alarmAt := now
				if tc.dosed {
					p.write(t, func(tx *store.Tx) error {
						_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, doseAt)
						return err
					})
					alarmAt = doseAt.Add(15 * time.Minute)
					now = doseAt.Add(125 * time.Minute)
				}
				if tc.alarmAfterDischarge {
					p.write(t, func(tx *store.Tx) error {
						if _, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(130, 82), now.Add(-time.Minute)), p.jordan, now); err != nil {
							return err
						}
						return discharge(tx, r, now)
					})
					alarmAt, now = now.Add(5*time.Minute), now.Add(10*time.Minute)
				}
				p.write(t, func(tx *store.Tx) error {
					rd, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(186, 112), alarmAt), p.jordan, alarmAt)
					if err == nil && rd.Status != dosing.StatusAlarm {
						t.Errorf("186/112 is %s, want an alarm", rd.Status)
					}
					return err
				})
				if tc.dosed && !tc.alarmAfterDischarge {
					// Settled again, so the open alert is all that stands in the way.
					p.write(t, func(tx *store.Tx) error {
						_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(130, 82), now.Add(-time.Minute)), p.jordan, now)
						return err
					})
				}
				r = p.load(t, r.ID, p.sam, now)
				if r.OpenAlerts != 1 || !strings.Contains(r.Alerts[0].Message, "186 mmHg") {
					t.Fatalf("alerts after the alarm: %+v", r.Alerts)
				}
				alert := r.Alerts[0]

				before := p.written(t, r.ID, now)
				ref := refusal(t, p.try(func(tx *store.Tx) error { return tc.act(tx, r, now) }), sessionrecord.ReasonRule)
				wantFields(t, ref, map[string]string{"alert": "An alert is open: " + alert.Message + " " + tc.fix})
				if after := p.written(t, r.ID, now); after != before {
					t.Fatalf("a refusal wrote: before %+v, after %+v", before, after)
				}

				p.write(t, func(tx *store.Tx) error {
					return sessionrecord.AcknowledgeAlert(p.ctx, tx, p.alex, r.ID, alert.ID, "Dimmed lights, rechecked at 5 min: 142/88; prescriber informed.", p.sam, now.Add(time.Minute))
				})
				if err := p.try(func(tx *store.Tx) error { return tc.act(tx, r, now.Add(2*time.Minute)) }); err != nil {
					t.Fatalf("once acknowledged: %v", err)
				}
			})
		}
	})
}

// Typing slips in a reading are refused beside the measure, naming the number typed and what
// can be measured, and nothing is stored: no reading, no alert, the version as it was.
func TestReadingSlipsAreRefused(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		r := p.ready(t, 200)
		with := func(in sessionrecord.ReadingInput, change func(*sessionrecord.ReadingInput)) sessionrecord.ReadingInput {
			change(&in)
			return in
		}
		cases := []struct {
			name string
			in   sessionrecord.ReadingInput
			want map[string]string // field: a fragment of its message; empty when the reading is taken
		}{
			{name: "systolic 400, an extra digit", in: bp(400, 82),
				want: map[string]string{"systolic": "Systolic 400 is outside what can be measured (40–300 mmHg); check the number."}},
			{name: "diastolic equal to the systolic", in: bp(120, 120),
				want: map[string]string{"diastolic": "Diastolic 120 is not below systolic 120; check the numbers."}},
			{name: "diastolic above the systolic, the numbers swapped", in: bp(82, 128),
				want: map[string]string{"diastolic": "Diastolic 128 is not below systolic 82; check the numbers."}},
			{name: "SpO2 above 100", in: with(bp(128, 82), func(in *sessionrecord.ReadingInput) { in.SpO2 = dosing.Measured(101) }),
				want: map[string]string{"spo2": "SpO2 101 is outside what can be measured (50–100 %); check the number."}},
			{name: "heart rate 0", in: with(bp(128, 82), func(in *sessionrecord.ReadingInput) { in.HeartRate = dosing.Measured(0) }),
				want: map[string]string{"heart_rate": "Heart rate 0 is outside what can be measured (20–250 beats/min); check the number."}},
			{name: "a systolic without its diastolic", in: with(bp(128, 82), func(in *sessionrecord.ReadingInput) { in.Diastolic = nil }),
				want: map[string]string{"systolic": "Enter both blood pressure numbers, systolic and diastolic."}},
			{name: "two slips in one reading, each named", in: with(bp(400, 82), func(in *sessionrecord.ReadingInput) { in.SpO2 = dosing.Measured(101) }),
				want: map[string]string{"systolic": "Systolic 400", "spo2": "SpO2 101"}},
			{name: "the edges of what can be measured are taken", in: with(bp(128, 82), func(in *sessionrecord.ReadingInput) { in.SpO2 = dosing.Measured(100) })},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				now := p.now.Add(time.Duration(i+1) * time.Minute)
				before := p.written(t, r.ID, now)
				err := p.try(func(tx *store.Tx) error {
					_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(tc.in, now), p.jordan, now)
					return err
				})
				after := p.written(t, r.ID, now)
				if len(tc.want) == 0 {
					if err != nil {
						t.Fatal(err)
					}
					if after.readings != before.readings+1 || after.version != before.version+1 {
						t.Fatalf("reading not taken: before %+v, after %+v", before, after)
					}
					return
				}
				wantFields(t, refusal(t, err, sessionrecord.ReasonInvalid), tc.want)
				if after != before {
					t.Fatalf("a refused reading wrote: before %+v, after %+v", before, after)
				}
			})
		}
	})
}

// Slips in the dose record are refused beside their field and record nothing: a dose needs
// the product, strength and lot; no dose follows discharge; doses are recorded in the order
// given, so one timed before a recorded dose is refused.
func TestDoseRecordSlipsAreRefused(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		without := func(change func(*sessionrecord.DoseInput)) sessionrecord.DoseInput {
			in := dose(200)
			change(&in)
			return in
		}
		// fresh is a record ready for its first dose, the slip two minutes in.
		fresh := func(t *testing.T) (*sessionrecord.Record, time.Time) {
			return p.ready(t, 200), p.now.Add(2 * time.Minute)
		}
		// dosed has the planned 200 mg given ten minutes in, the slip ten minutes later.
		dosed := func(t *testing.T) (*sessionrecord.Record, time.Time) {
			r := p.ready(t, 200)
			p.write(t, func(tx *store.Tx) error {
				_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, p.now.Add(10*time.Minute))
				return err
			})
			return r, p.now.Add(20 * time.Minute)
		}
		// discharged has the dose given, the client discharged after the observation minimum,
		// and the slip five minutes after discharge.
		discharged := func(t *testing.T) (*sessionrecord.Record, time.Time) {
			r := p.ready(t, 200)
			doseAt := p.now.Add(2 * time.Minute)
			out := doseAt.Add(125 * time.Minute)
			p.write(t, func(tx *store.Tx) error {
				if _, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, doseAt); err != nil {
					return err
				}
				if _, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(130, 82), out.Add(-time.Minute)), p.jordan, out); err != nil {
					return err
				}
				_, err := sessionrecord.Discharge(p.ctx, tx, p.alex, r.ID, bedside, p.sam, out)
				return err
			})
			return r, out.Add(5 * time.Minute)
		}
		// twice has the planned 200 mg two minutes in and 50 mg more half an hour later (the
		// prescriber's plan allows an additional dose from 20 minutes after the first), the
		// slip ten minutes after that.
		twice := func(t *testing.T) (*sessionrecord.Record, time.Time) {
			r := p.ready(t, 200)
			p.write(t, func(tx *store.Tx) error {
				if _, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, p.now.Add(2*time.Minute)); err != nil {
					return err
				}
				_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(50), p.sam, p.now.Add(32*time.Minute))
				return err
			})
			return r, p.now.Add(42 * time.Minute)
		}
		givenAt := func(mg float64, after time.Duration) sessionrecord.DoseInput {
			in := dose(mg)
			in.GivenAt = p.now.Add(after)
			return in
		}
		order := "; doses are recorded in the order given, so this one cannot be earlier."
		cases := []struct {
			name   string
			setup  func(t *testing.T) (*sessionrecord.Record, time.Time)
			in     sessionrecord.DoseInput
			reason sessionrecord.Reason
			want   map[string]string
		}{
			{name: "no product", setup: fresh, in: without(func(in *sessionrecord.DoseInput) { in.Product = "" }), reason: sessionrecord.ReasonInvalid,
				want: map[string]string{"product": "Write the product (for example, ketamine HCl RDT)."}},
			{name: "no strength", setup: fresh, in: without(func(in *sessionrecord.DoseInput) { in.Strength = "" }), reason: sessionrecord.ReasonInvalid,
				want: map[string]string{"strength": "Write the strength (for example, 100 mg)."}},
			{name: "a lot of spaces only", setup: fresh, in: without(func(in *sessionrecord.DoseInput) { in.Lot = "   " }), reason: sessionrecord.ReasonInvalid,
				want: map[string]string{"lot": "Write the lot number."}},
			{name: "none of the three", setup: fresh, in: without(func(in *sessionrecord.DoseInput) { in.Product, in.Strength, in.Lot = "", "", "" }),
				reason: sessionrecord.ReasonInvalid, want: map[string]string{"product": "Write the product", "strength": "Write the strength", "lot": "Write the lot number."}},
			{name: "a dose after discharge", setup: discharged, in: dose(50), reason: sessionrecord.ReasonRule,
				want: map[string]string{"record": "The client was discharged at " + p.now.Add(127*time.Minute).Format("15:04") + "; no dose can follow discharge."}},
			{name: "a dose timed before the first dose, so also inside the plan's wait", setup: dosed, in: givenAt(50, 5*time.Minute), reason: sessionrecord.ReasonRule,
				want: map[string]string{"given_at": "A dose is already recorded at " + p.now.Add(10*time.Minute).Format("15:04") + order,
					"dose_mg": "the prescriber's plan allows an additional dose 20 min after it"}},
			{name: "a dose timed between two recorded doses, otherwise within the plan", setup: twice, in: givenAt(25, 27*time.Minute), reason: sessionrecord.ReasonRule,
				want: map[string]string{"given_at": "A dose is already recorded at " + p.now.Add(32*time.Minute).Format("15:04") + order}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r, now := tc.setup(t)
				before := p.written(t, r.ID, now)
				err := p.try(func(tx *store.Tx) error {
					_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, tc.in, p.sam, now)
					return err
				})
				wantFields(t, refusal(t, err, tc.reason), tc.want)
				if after := p.written(t, r.ID, now); after != before {
					t.Fatalf("a refused dose wrote: before %+v, after %+v", before, after)
				}
			})
		}
		// The same first dose with nothing missing is given, so the refusals above are the
		// slips' and not the record's.
		r, now := fresh(t)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, now)
			return err
		})
	})
}
