package sessionrecord_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
)

// TestWholeSession runs one medicine session end to end: start, checklist with a stale save
// refused, a held pre-dose reading and the prescriber's override, a refused and a given first
// dose, a refused and a given additional dose, readings with an alarm acknowledged, notes,
// discharge refused then recorded, sign-off, the lock, an addendum and the client's view.
func TestWholeSession(t *testing.T) {
	eachPractice(t, func(t *testing.T, p *practice) {
		_, sid := p.booking(t, 200, 250)
		now := p.now
		r := p.start(t, sid, now)
		if r.Status != sessionrecord.InProgress || r.SessionNumber != 1 || r.PlannedMg != 200 || len(r.Clinicians) != 1 {
			t.Fatalf("started record: %+v", r)
		}
		if r.Hold.Held {
			t.Fatal("starting holds nothing")
		}
		var status string
		p.write(t, func(tx *store.Tx) error {
			return tx.QueryRow(p.ctx, `SELECT status FROM course_session WHERE id = ?`, sid).Scan(&status)
		})
		if status != "booked" {
			t.Fatalf("starting must not mark the session held; it is %s", status)
		}

		// Checklist: version 1, then a save based on version 0 is refused by name.
		p.write(t, func(tx *store.Tx) error {
			c, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, readyChecklist(now), p.sam, now)
			if err == nil && c.Version != 1 {
				t.Errorf("first checklist version %d", c.Version)
			}
			return err
		})
		err := p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.SaveChecklist(p.ctx, tx, p.alex, r.ID, 0, readyChecklist(now), p.jordan, now.Add(time.Minute))
			return err
		})
		if ref := refusal(t, err, sessionrecord.ReasonStale); !strings.Contains(ref.Error(), "Sam Okafor saved the checklist") {
			t.Errorf("stale message: %v", ref)
		}

		// A pre-dose reading at the hold threshold holds the session.
		t1 := now.Add(5 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(180, 104), t1), p.jordan, t1)
			return err
		})
		r = p.load(t, r.ID, p.sam, t1)
		if !r.Hold.Held || !strings.Contains(r.Hold.Message, "180/104") {
			t.Fatalf("hold: %+v", r.Hold)
		}
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, t1.Add(time.Minute))
			return err
		})
		if ref := refusal(t, err, sessionrecord.ReasonRule); ref.Fields()["hold"] == "" {
			t.Fatalf("no dose while held: %v", ref.Fields())
		}
		// Only a prescriber overrides, and only with a reason.
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.OverrideHold(p.ctx, tx, p.alex, r.ID, "Known white-coat rise", p.sam, t1.Add(2*time.Minute))
			return err
		})
		refusal(t, err, sessionrecord.ReasonRule)
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.OverrideHold(p.ctx, tx, p.alex, r.ID, "  ", p.rx, t1.Add(2*time.Minute))
			return err
		})
		if ref := refusal(t, err, sessionrecord.ReasonRule); ref.Fields()["reason"] == "" {
			t.Errorf("override without reason: %v", ref.Fields())
		}
		t2 := t1.Add(3 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.OverrideHold(p.ctx, tx, p.alex, r.ID, "Known white-coat rise; 150/90 at home this morning.", p.rx, t2)
			return err
		})
		r = p.load(t, r.ID, p.sam, t2)
		if r.Hold.Held || r.Hold.Overridden == nil || len(r.Clinicians) != 3 {
			t.Fatalf("after override: hold %+v, clinicians %d", r.Hold, len(r.Clinicians))
		}

		// The first dose must be the planned one: the refusal carries both numbers.
		t3 := t2.Add(2 * time.Minute)
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(250), p.sam, t3)
			return err
		})
		ref := refusal(t, err, sessionrecord.ReasonRule)
		if msg := ref.Fields()["dose_mg"]; !strings.Contains(msg, "200 mg planned, 250 mg entered") || ref.Dose == nil {
			t.Fatalf("first dose refusal: %q", msg)
		}
		p.write(t, func(tx *store.Tx) error {
			d, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(200), p.sam, t3)
			if err == nil && (d.MgPerKg < 2.8 || d.MgPerKg > 2.9 || d.Additional) {
				t.Errorf("dose: %+v", d)
			}
			return err
		})
		// An additional dose above the prescriber's 300 mg is refused with the numbers.
		t4 := t3.Add(40 * time.Minute)
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(150), p.sam, t4)
			return err
		})
		ref = refusal(t, err, sessionrecord.ReasonRule)
		if msg := ref.Fields()["dose_mg"]; !strings.Contains(msg, "350 mg") || !strings.Contains(msg, "300 mg") || ref.Dose == nil || ref.Dose.SessionTotalMg != 350 {
			t.Fatalf("over-limit refusal: %q", msg)
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.Administer(p.ctx, tx, p.alex, r.ID, dose(50), p.sam, t4)
			return err
		})

		// Readings: the schedule, an alarm raising an alert that blocks until acknowledged.
		r = p.load(t, r.ID, p.sam, t3.Add(10*time.Minute))
		if r.NextReading == nil || !r.NextReading.DueAt.Equal(t3.Add(15*time.Minute)) {
			t.Fatalf("next reading: %+v", r.NextReading)
		}
		t5 := t3.Add(15 * time.Minute)
		var raised string
		p.write(t, func(tx *store.Tx) error {
			rd, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(186, 112), t5), p.jordan, t5)
			if err == nil && rd.Status != dosing.StatusAlarm {
				t.Errorf("alarm reading status %s", rd.Status)
			}
			if err == nil {
				raised = rd.AlertID
			}
			return err
		})
		r = p.load(t, r.ID, p.sam, t5)
		if r.OpenAlerts != 1 || !strings.Contains(r.Alerts[0].Message, "186 mmHg") {
			t.Fatalf("alerts: %+v", r.Alerts)
		}
		// The answer to the alarm reading names the alert it raised, so
		// whoever recorded it can acknowledge it without reading the record.
		if raised == "" || raised != r.Alerts[0].ID {
			t.Errorf("the alarm reading's answer names alert %q; the record holds %q", raised, r.Alerts[0].ID)
		}
		if r.NextReading.IntervalMinutes != 15 || !r.NextReading.DueAt.Equal(t5.Add(15*time.Minute)) {
			t.Errorf("next after reading: %+v", r.NextReading)
		}
		err = p.try(func(tx *store.Tx) error {
			return sessionrecord.AcknowledgeAlert(p.ctx, tx, p.alex, r.ID, r.Alerts[0].ID, " ", p.sam, t5.Add(time.Minute))
		})
		refusal(t, err, sessionrecord.ReasonInvalid)
		p.write(t, func(tx *store.Tx) error {
			return sessionrecord.AcknowledgeAlert(p.ctx, tx, p.alex, r.ID, r.Alerts[0].ID, "Dimmed lights, rechecked at 5 min: 168/98; prescriber informed.", p.sam, t5.Add(2*time.Minute))
		})
		err = p.try(func(tx *store.Tx) error {
			return sessionrecord.AcknowledgeAlert(p.ctx, tx, p.alex, r.ID, r.Alerts[0].ID, "again", p.jordan, t5.Add(3*time.Minute))
		})
		refusal(t, err, sessionrecord.ReasonStale)

		// During: an observation, an intervention, an adverse event, notes.
		p.write(t, func(tx *store.Tx) error {
			if _, err := sessionrecord.AddObservation(p.ctx, tx, p.alex, r.ID, sessionrecord.ObservationInput{Kind: sessionrecord.Nausea, Severity: sessionrecord.Mild, At: t5}, p.sam, t5); err != nil {
				return err
			}
			if _, err := sessionrecord.AddIntervention(p.ctx, tx, p.alex, r.ID, sessionrecord.InterventionInput{Text: "Ondansetron 4 mg ODT given", At: t5}, p.rx, t5); err != nil {
				return err
			}
			if _, err := sessionrecord.AddAdverseEvent(p.ctx, tx, p.alex, r.ID, sessionrecord.AdverseEventInput{Description: "Transient hypertension", Severity: sessionrecord.Moderate,
				Outcome: "Resolved within 20 minutes without medication", FollowUp: "Recheck BP at the next visit", At: t5}, p.rx, t5); err != nil {
				return err
			}
			if _, err := sessionrecord.SaveSummary(p.ctx, tx, p.alex, r.ID, "A steady session. You noticed the old fear and stayed with it.", p.sam, t5); err != nil {
				return err
			}
			_, err := sessionrecord.AddProcessNote(p.ctx, tx, p.keys, p.alex, r.ID, "Transference toward father figure surfaced again.", p.sam, t5)
			return err
		})
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.AddObservation(p.ctx, tx, p.alex, r.ID, sessionrecord.ObservationInput{Kind: sessionrecord.Other, Severity: "grim"}, p.sam, t5)
			return err
		})
		if ref := refusal(t, err, sessionrecord.ReasonInvalid); ref.Fields()["text"] == "" || ref.Fields()["severity"] == "" {
			t.Errorf("observation problems: %v", ref.Fields())
		}

		// Discharge: refused at 60 minutes naming the time the minimum is met.
		t6 := t4.Add(60 * time.Minute)
		all := sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true, EscortPresent: true, AftercareGiven: true}
		p.write(t, func(tx *store.Tx) error {
			rd, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(132, 84), t6), p.jordan, t6)
			if err == nil && rd.AlertID != "" {
				t.Errorf("a reading in range names alert %q", rd.AlertID)
			}
			return err
		})
		err = p.try(func(tx *store.Tx) error {
			_, err := sessionrecord.Discharge(p.ctx, tx, p.alex, r.ID, sessionrecord.DischargeInput{AlertAndOriented: true}, p.sam, t6)
			return err
		})
		ref = refusal(t, err, sessionrecord.ReasonRule)
		f := ref.Fields()
		if !strings.Contains(f["observation_time"], t4.Add(2*time.Hour).Format("15:04")) || f["walking_steadily"] == "" || f["alert_and_oriented"] != "" || ref.Discharge == nil {
			t.Fatalf("discharge refusal: %v", f)
		}
		t7 := t4.Add(2*time.Hour + 5*time.Minute)
		p.write(t, func(tx *store.Tx) error {
			if _, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, at(bp(165, 95), t7), p.jordan, t7); err != nil {
				return err
			}
			rec, err := sessionrecord.Discharge(p.ctx, tx, p.alex, r.ID, all, p.sam, t7)
			if err == nil && (rec.Status != sessionrecord.Discharged || !rec.Discharge.Check.Met) {
				t.Errorf("discharged: %+v", rec.Discharge)
			}
			return err
		})
		p.write(t, func(tx *store.Tx) error {
			return tx.QueryRow(p.ctx, `SELECT status FROM course_session WHERE id = ?`, sid).Scan(&status)
		})
		if status != "held" {
			t.Fatalf("discharge must mark the session held; it is %s", status)
		}

		// Before sign-off the client sees nothing.
		p.write(t, func(tx *store.Tx) error {
			s, err := sessionrecord.SharedSummaries(p.ctx, tx, p.alex)
			for _, x := range s {
				if x.RecordID == r.ID {
					t.Error("summary shared before sign-off")
				}
			}
			return err
		})
		t8 := t7.Add(10 * time.Minute)
		p.write(t, func(tx *store.Tx) error {
			sig, err := sessionrecord.Sign(p.ctx, tx, p.alex, r.ID, signer(p, p.sam, "Sam Okafor, LCSW"), t8)
			if err == nil && len(sig.Hash) != 64 {
				t.Errorf("hash %q", sig.Hash)
			}
			return err
		})
		// Locked: every write refused, addenda allowed.
		locked := []func(tx *store.Tx) error{
			func(tx *store.Tx) error {
				_, err := sessionrecord.AddReading(p.ctx, tx, p.alex, r.ID, bp(120, 80), p.jordan, t8)
				return err
			},
			func(tx *store.Tx) error {
				_, err := sessionrecord.SaveSummary(p.ctx, tx, p.alex, r.ID, "changed", p.sam, t8)
				return err
			},
			func(tx *store.Tx) error {
				_, err := sessionrecord.AddProcessNote(p.ctx, tx, p.keys, p.alex, r.ID, "late", p.sam, t8)
				return err
			},
			func(tx *store.Tx) error {
				_, err := sessionrecord.Sign(p.ctx, tx, p.alex, r.ID, signer(p, p.rx, "Dr. Priya Raman, MD"), t8)
				return err
			},
		}
		for i, fn := range locked {
			if ref := refusal(t, p.try(fn), sessionrecord.ReasonLocked); !strings.Contains(ref.Error(), "Sam Okafor, LCSW") {
				t.Errorf("locked write %d: %v", i, ref)
			}
		}
		p.write(t, func(tx *store.Tx) error {
			_, err := sessionrecord.AddAddendum(p.ctx, tx, p.alex, r.ID, "Escort confirmed safe arrival home at 18:40.", signer(p, p.sam, "Sam Okafor, LCSW"), t8.Add(time.Hour))
			return err
		})
		r = p.load(t, r.ID, p.rx, t8.Add(2*time.Hour))
		if r.Status != sessionrecord.Signed || len(r.Addenda) != 1 || len(r.ProcessNotes) != 0 {
			t.Fatalf("signed record: status %s addenda %d process notes visible to the prescriber %d", r.Status, len(r.Addenda), len(r.ProcessNotes))
		}
		if err := sessionrecord.Verify(r); err != nil {
			t.Fatalf("verify: %v", err)
		}
		tl := r.Timeline()
		for i := 1; i < len(tl); i++ {
			if tl[i].At.Before(tl[i-1].At) {
				t.Fatalf("timeline out of order at %d", i)
			}
		}
		if c := r.Chart(t8); len(c.Readings) != 4 || len(c.Doses) != 2 {
			t.Errorf("chart: %d readings, %d doses", len(c.Readings), len(c.Doses))
		}
		p.write(t, func(tx *store.Tx) error {
			s, err := sessionrecord.SharedSummaries(p.ctx, tx, p.alex)
			found := false
			for _, x := range s {
				if x.RecordID == r.ID {
					found = strings.Contains(x.Summary, "steady session") && x.SignedBy == "Sam Okafor, LCSW"
				}
			}
			if !found {
				t.Errorf("signed summary not shared: %+v", s)
			}
			return err
		})

		// Tampering after sign-off shows.
		p.write(t, func(tx *store.Tx) error {
			_, err := tx.Exec(p.ctx, `UPDATE session_dose SET dose_mg = 100 WHERE record_id = ? AND additional = ?`, r.ID, false)
			return err
		})
		if err := sessionrecord.Verify(p.load(t, r.ID, p.rx, t8)); err == nil {
			t.Fatal("a changed dose after signing must fail verification")
		}
	})
}
