package demo

import (
	"fmt"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/sessionrecord"
)

// demoVitals is one set of vitals minutes after the first dose (negative: before it).
type demoVitals struct {
	after              int
	sys, dia, hr, spo2 int
}

// demoSessionRecord is what happened in one of Alex's medicine sessions.
type demoSessionRecord struct {
	number   int
	vitals   []demoVitals
	topUpMg  float64 // an additional dose 30 min after the first, 0 for none
	topUpWhy string
	// alarmAck acknowledges the alert of an alarm reading, when one is expected.
	alarmAck      string
	observations  []sessionrecord.ObservationInput // At holds minutes after the dose as a Duration
	interventions []string
	summary       string
	processNote   string
}

// schedule is the practice's default: every 15 min for the first hour, then every 30.
var demoCurve = []demoVitals{
	{-5, 124, 80, 72, 98}, {15, 132, 86, 78, 98}, {30, 140, 90, 80, 97}, {45, 136, 88, 78, 97},
	{60, 131, 84, 76, 98}, {90, 127, 82, 74, 98}, {120, 124, 80, 72, 98},
}

// sessionRecords gives Alex's sessions 1–3 complete, signed records
// (checklist, vitals at every interval, a top-up in session 2, nausea and
// a blood pressure alarm in session 3, summaries, process notes,
// discharge) and session 4, today, in progress: started an hour ago, the
// dose given, readings taken and the next one due in about ten minutes.
// Each entry is made at its moment in the room, by who made it: Sam
// starts and doses, Jordan takes the readings, Dr. Raman gives the top-up
// and the ondansetron; Sam signs and marks the appointment held.
func (w *world) sessionRecords(t *timeline) {
	observed := func(kind sessionrecord.ObservationKind, sev sessionrecord.Severity, minutes int, text string) sessionrecord.ObservationInput {
		return sessionrecord.ObservationInput{Kind: kind, Severity: sev, Text: text, At: time.Time{}.Add(time.Duration(minutes) * time.Minute)}
	}
	alarm := append([]demoVitals{}, demoCurve...)
	alarm[2] = demoVitals{30, 184, 104, 92, 97}
	alarm = append(alarm[:3], append([]demoVitals{{40, 158, 94, 84, 98}}, alarm[3:]...)...)
	past := []demoSessionRecord{
		{number: 1, vitals: demoCurve,
			observations: []sessionrecord.ObservationInput{observed(sessionrecord.Dissociation, sessionrecord.Mild, 25, "Floating feeling, eyes closed, settled with music.")},
			summary:      "Your first medicine session went gently. You described a floating, quiet feeling and said the music helped you stay with it. Your blood pressure rose a little at 30 minutes and settled, as expected. Before next time: keep writing in your journal each evening.",
			processNote:  "Guarded at first; softened after 20 min. Mentioned brother twice without elaborating. Hold for integration."},
		{number: 2, vitals: demoCurve, topUpMg: 50, topUpWhy: "Little effect at 30 minutes",
			observations: []sessionrecord.ObservationInput{observed(sessionrecord.Dissociation, sessionrecord.Moderate, 50, "Deeper after the top-up; spoke of childhood home."),
				observed(sessionrecord.Anxiety, sessionrecord.Mild, 55, "Brief anxiety at the peak; breathing with the therapist helped.")},
			summary:     "In this session we added a small top-up dose at 30 minutes, within your plan. You went deeper and spoke about your childhood home. A moment of anxiety passed with slow breathing. Bring anything that stayed with you to Thursday's integration session.",
			processNote: "First approach to the loss of the family home. Anxiety spike at peak; grounding worked. Consider somatic focus in integration."},
		{number: 3, vitals: alarm, alarmAck: "Dimmed the lights, reassured; rechecked at 40 min (158/94). Dr. Raman informed, no medication needed.",
			observations: []sessionrecord.ObservationInput{observed(sessionrecord.Dissociation, sessionrecord.Severe, 35, "Strong dissociation; disoriented to place for about 10 minutes."),
				observed(sessionrecord.Nausea, sessionrecord.Moderate, 45, "")},
			interventions: []string{"Ondansetron 4 mg ODT given for nausea"},
			summary:       "This was a strong session. For a while things felt very far away, and you felt sick at the peak; a medicine for the nausea helped. Your blood pressure went up for a short time and came back down on its own. Dr. Raman will plan a smaller step up next time. Rest tonight and call us if anything worries you.",
			processNote:   "Overwhelmed at 200 mg; dissociation too strong for processing. Recommend smaller increment (discussed with Dr. Raman)."},
	}
	at := w.medicineSessions()
	for _, p := range past {
		w.pastSessionRecord(t, p, at[p.number])
	}
	w.sessionInProgress(t)
}

// step adds one entry of a session record to the story, its error named
// for the session.
func (w *world) step(t *timeline, n int, at time.Time, do func(target sessionrecord.Target) error) {
	t.at(at, func() error {
		if err := do(sessionrecord.BySession(w.clients["alex"], w.medicine[n].session)); err != nil {
			return fmt.Errorf("demo session record %d: %w", n, err)
		}
		return nil
	})
}

func (w *world) pastSessionRecord(t *timeline, p demoSessionRecord, booked time.Time) {
	ctx, d := w.ctx, w.doors.Sessions
	sam, jordan, rx := w.as["sam"], w.as["jordan"], w.as["rx"]
	n := p.number
	start := booked.Add(5 * time.Minute)
	doseAt := w.openSession(t, n, start, p.vitals[0])
	for _, v := range p.vitals[1:] {
		at := doseAt.Add(time.Duration(v.after) * time.Minute)
		var reading *sessionrecord.Reading
		w.step(t, n, at, func(r sessionrecord.Target) error {
			var err error
			reading, err = d.AddReading(ctx, jordan, r, vitalsInput(v, at), nil)
			return err
		})
		if p.alarmAck != "" && v.sys > 180 {
			// Steps run in time order after all are told, so the reading
			// is read when the acknowledgement's turn comes.
			w.step(t, n, at.Add(3*time.Minute), func(r sessionrecord.Target) error {
				if reading == nil || reading.AlertID == "" {
					return fmt.Errorf("demo: session %d's alarm reading at %s raised no alert", n, at.Format(time.RFC3339))
				}
				return d.AcknowledgeAlert(ctx, sam, r, reading.AlertID, p.alarmAck, nil)
			})
		}
		if p.topUpMg > 0 && v.after == 30 {
			given := at.Add(2 * time.Minute)
			w.step(t, n, given, func(r sessionrecord.Target) error {
				in := demoDose(p.topUpMg, "50 mg")
				in.GivenAt = given
				if _, err := d.Administer(ctx, rx, r, in, nil); err != nil {
					return err
				}
				_, err := d.AddIntervention(ctx, rx, r, sessionrecord.InterventionInput{
					Text: p.topUpWhy + "; Dr. Raman approved a 50 mg top-up within the session plan.", At: given}, nil)
				return err
			})
		}
	}
	for _, o := range p.observations {
		o.At = doseAt.Add(o.At.Sub(time.Time{}))
		w.step(t, n, o.At, func(r sessionrecord.Target) error {
			_, err := d.AddObservation(ctx, sam, r, o, nil)
			return err
		})
	}
	for _, text := range p.interventions {
		at := doseAt.Add(48 * time.Minute)
		w.step(t, n, at, func(r sessionrecord.Target) error {
			_, err := d.AddIntervention(ctx, rx, r, sessionrecord.InterventionInput{Text: text, At: at}, nil)
			return err
		})
	}
	end := doseAt.Add(125 * time.Minute)
	if p.topUpMg > 0 {
		end = doseAt.Add(32*time.Minute + 125*time.Minute)
		at := end.Add(-3 * time.Minute)
		w.step(t, n, at, func(r sessionrecord.Target) error {
			_, err := d.AddReading(ctx, jordan, r, vitalsInput(p.vitals[0], at), nil)
			return err
		})
	}
	w.step(t, n, end, func(r sessionrecord.Target) error {
		_, err := d.Discharge(ctx, sam, r, sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true,
			EscortPresent: true, AftercareGiven: true}, nil)
		return err
	})
	w.step(t, n, end.Add(10*time.Minute), func(r sessionrecord.Target) error {
		_, err := d.SaveSummary(ctx, sam, r, p.summary, nil)
		return err
	})
	w.step(t, n, end.Add(12*time.Minute), func(r sessionrecord.Target) error {
		_, err := d.AddProcessNote(ctx, sam, r, p.processNote, nil)
		return err
	})
	w.step(t, n, end.Add(20*time.Minute), func(r sessionrecord.Target) error {
		if _, err := d.Sign(ctx, sam, r, Password, nil); err != nil {
			return err
		}
		_, err := w.doors.Schedule.Mark(ctx, sam, w.medicine[n].appointment, schedule.Held, schedule.Unread{})
		return err
	})
}

// sessionInProgress is today's session 4: started an hour ago, the planned dose given 50
// minutes ago, readings at 15, 30 and 45 minutes; the next is due in about ten minutes.
func (w *world) sessionInProgress(t *timeline) {
	ctx, d := w.ctx, w.doors.Sessions
	sam, jordan := w.as["sam"], w.as["jordan"]
	start := w.now.Add(-60 * time.Minute)
	doseAt := w.openSession(t, 4, start, demoCurve[0])
	for _, v := range demoCurve[1:4] {
		at := doseAt.Add(time.Duration(v.after) * time.Minute)
		w.step(t, 4, at, func(r sessionrecord.Target) error {
			_, err := d.AddReading(ctx, jordan, r, vitalsInput(v, at), nil)
			return err
		})
	}
	at := doseAt.Add(20 * time.Minute)
	w.step(t, 4, at, func(r sessionrecord.Target) error {
		_, err := d.AddObservation(ctx, sam, r, sessionrecord.ObservationInput{Kind: sessionrecord.Dissociation, Severity: sessionrecord.Mild,
			Text: "Calm, eyes shaded, gentle music; responding to voice.", At: at}, nil)
		return err
	})
}

// openSession starts the record (Sam, then Jordan joining), saves the
// checklist, records the ordered pre-medication, takes the pre-dose
// vitals and gives the planned dose ten minutes after the start; it
// returns the dose time.
func (w *world) openSession(t *timeline, n int, start time.Time, pre demoVitals) time.Time {
	ctx, d := w.ctx, w.doors.Sessions
	sam, jordan := w.as["sam"], w.as["jordan"]
	var r *sessionrecord.Record
	w.step(t, n, start, func(target sessionrecord.Target) error {
		var err error
		r, err = d.Start(ctx, sam, target.ClientID, target.SessionID, nil)
		return err
	})
	w.step(t, n, start.Add(time.Minute), func(target sessionrecord.Target) error {
		_, err := d.Start(ctx, jordan, target.ClientID, target.SessionID, nil)
		return err
	})
	doseAt := start.Add(10 * time.Minute)
	w.step(t, n, start.Add(3*time.Minute), func(target sessionrecord.Target) error {
		check := dosing.PreDoseChecklist{IdentityConfirmed: true, LastFoodAt: start.Add(-5 * time.Hour), LastLiquidAt: start.Add(-90 * time.Minute),
			EscortPresent: true, EscortName: "Jo Rivera", EscortPhone: "+1 555 0199", NoDrivingAcknowledged: true, SubstancesAsked: true,
			Intention: "To stay with whatever comes up, and be kinder to myself about it."}
		// The prescriber's orders for Alex: clonazepam held, ondansetron 30 min before dosing,
		// given on arrival.
		for _, h := range r.Orders.HeldSubstances {
			check.HeldSubstancesConfirmed = append(check.HeldSubstancesConfirmed, h.Substance)
		}
		if _, err := d.SaveChecklist(ctx, sam, target, 0, check, nil); err != nil {
			return err
		}
		return nil
	})
	w.step(t, n, start.Add(4*time.Minute), func(target sessionrecord.Target) error {
		for _, o := range r.Orders.PreMedications {
			given := doseAt.Add(-time.Duration(o.MinutesBefore+5) * time.Minute)
			if _, err := d.RecordPreMedication(ctx, sam, target, sessionrecord.PreMedicationInput{Drug: o.Drug, At: given}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	at := doseAt.Add(time.Duration(pre.after) * time.Minute)
	w.step(t, n, at, func(target sessionrecord.Target) error {
		_, err := d.AddReading(ctx, jordan, target, vitalsInput(pre, at), nil)
		return err
	})
	w.step(t, n, doseAt, func(target sessionrecord.Target) error {
		in := demoDose(r.PlannedMg, "100 mg")
		in.GivenAt = doseAt
		_, err := d.Administer(ctx, sam, target, in, nil)
		return err
	})
	return doseAt
}

func vitalsInput(v demoVitals, at time.Time) sessionrecord.ReadingInput {
	return sessionrecord.ReadingInput{TakenAt: at, Systolic: dosing.Measured(v.sys), Diastolic: dosing.Measured(v.dia), HeartRate: dosing.Measured(v.hr),
		SpO2: dosing.Measured(v.spo2), RespiratoryRate: dosing.Measured(14)}
}

func demoDose(mg float64, strength string) sessionrecord.DoseInput {
	return sessionrecord.DoseInput{Product: "Ketamine HCl sublingual RDT", Strength: strength, Lot: "KRX-24117", DoseMg: mg}
}
