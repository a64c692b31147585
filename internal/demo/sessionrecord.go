package demo

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
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

// sessionRecords gives Alex's sessions 1–3 complete, signed records (checklist, vitals at
// every interval, a top-up in session 2, nausea and a blood pressure alarm in session 3,
// summaries, process notes, discharge) and session 4, today, in progress: started an hour
// ago, the dose given, readings taken and the next one due in about ten minutes.
func (w *world) sessionRecords() error {
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		zone = time.UTC
	}
	now := w.now.In(zone)
	alex := w.clients["alex"]
	var courseID string
	err = w.tx.QueryRow(w.ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, alex).Scan(&courseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no course to record into: the courses part did not make one
	}
	if err != nil {
		return err
	}
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
	for _, p := range past {
		if err := w.pastSessionRecord(courseID, p, now); err != nil {
			return fmt.Errorf("demo session record %d: %w", p.number, err)
		}
	}
	return w.sessionInProgress(courseID, now)
}

// courseSession finds the latest booking of session n, booking it at at when there is none,
// and makes sure it reads as booked so its record can be started.
func (w *world) courseSession(courseID string, n int, at time.Time, now time.Time) (string, time.Time, error) {
	alex := w.clients["alex"]
	var id string
	var scheduled *time.Time
	err := w.tx.QueryRow(w.ctx, `SELECT id, scheduled_at FROM course_session WHERE course_id = ? AND session_number = ? AND status IN ('booked', 'held')
		ORDER BY created_at DESC LIMIT 1`, courseID, n).Scan(&id, &scheduled)
	if errors.Is(err, sql.ErrNoRows) {
		c, _, err := course.RecordSession(w.ctx, w.tx, w.practiceID, alex, courseID, n, course.Book, &at, w.staff["jordan"], now)
		if err != nil {
			return "", time.Time{}, err
		}
		for _, s := range c.Sessions {
			if s.Number == n && s.Status == dosing.SessionBooked {
				return s.ID, at, nil
			}
		}
		return "", time.Time{}, fmt.Errorf("session %d was not booked", n)
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if scheduled != nil {
		at = scheduled.In(at.Location())
	}
	// The courses part may have marked it held already; the record's discharge marks it held.
	if _, err := w.tx.Exec(w.ctx, `UPDATE course_session SET status = 'booked' WHERE id = ?`, id); err != nil {
		return "", time.Time{}, err
	}
	return id, at, nil
}

func (w *world) pastSessionRecord(courseID string, p demoSessionRecord, now time.Time) error {
	days := map[int]int{1: -13, 2: -9, 3: -5}[p.number]
	d := now.AddDate(0, 0, days)
	sid, booked, err := w.courseSession(courseID, p.number, time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, now.Location()), now)
	if err != nil {
		return err
	}
	if err := w.weightBefore(booked); err != nil {
		return err
	}
	start := booked.Add(5 * time.Minute)
	r, doseAt, err := w.openSession(sid, start, p.vitals[0])
	if err != nil {
		return err
	}
	alex, sam, jordan, rx := w.clients["alex"], w.staff["sam"], w.staff["jordan"], w.staff["rx"]
	for _, v := range p.vitals[1:] {
		at := doseAt.Add(time.Duration(v.after) * time.Minute)
		if _, err := sessionrecord.AddReading(w.ctx, w.tx, alex, r.ID, vitalsInput(v, at), jordan, at); err != nil {
			return err
		}
		if p.alarmAck != "" && v.sys > 180 {
			rec, err := sessionrecord.Load(w.ctx, w.tx, alex, r.ID, sessionrecord.View{Now: at})
			if err != nil {
				return err
			}
			for _, a := range rec.Alerts {
				if a.Open {
					if err := sessionrecord.AcknowledgeAlert(w.ctx, w.tx, alex, r.ID, a.ID, p.alarmAck, sam, at.Add(3*time.Minute)); err != nil {
						return err
					}
				}
			}
		}
		if p.topUpMg > 0 && v.after == 30 {
			in := demoDose(p.topUpMg, "50 mg")
			in.GivenAt = at.Add(2 * time.Minute)
			if _, err := sessionrecord.Administer(w.ctx, w.tx, alex, r.ID, in, rx, in.GivenAt); err != nil {
				return err
			}
			if _, err := sessionrecord.AddIntervention(w.ctx, w.tx, alex, r.ID, sessionrecord.InterventionInput{
				Text: p.topUpWhy + "; Dr. Raman approved a 50 mg top-up within the session plan.", At: in.GivenAt}, rx, in.GivenAt); err != nil {
				return err
			}
		}
	}
	for _, o := range p.observations {
		o.At = doseAt.Add(o.At.Sub(time.Time{}))
		if _, err := sessionrecord.AddObservation(w.ctx, w.tx, alex, r.ID, o, sam, o.At); err != nil {
			return err
		}
	}
	for _, text := range p.interventions {
		at := doseAt.Add(48 * time.Minute)
		if _, err := sessionrecord.AddIntervention(w.ctx, w.tx, alex, r.ID, sessionrecord.InterventionInput{Text: text, At: at}, rx, at); err != nil {
			return err
		}
	}
	end := doseAt.Add(125 * time.Minute)
	if p.topUpMg > 0 {
		end = doseAt.Add(32*time.Minute + 125*time.Minute)
		at := end.Add(-3 * time.Minute)
		if _, err := sessionrecord.AddReading(w.ctx, w.tx, alex, r.ID, vitalsInput(p.vitals[0], at), jordan, at); err != nil {
			return err
		}
	}
	if _, err := sessionrecord.Discharge(w.ctx, w.tx, alex, r.ID, sessionrecord.DischargeInput{AlertAndOriented: true, WalkingSteadily: true,
		EscortPresent: true, AftercareGiven: true}, sam, end); err != nil {
		return err
	}
	if _, err := sessionrecord.SaveSummary(w.ctx, w.tx, alex, r.ID, p.summary, sam, end.Add(10*time.Minute)); err != nil {
		return err
	}
	if _, err := sessionrecord.AddProcessNote(w.ctx, w.tx, w.keys, alex, r.ID, p.processNote, sam, end.Add(12*time.Minute)); err != nil {
		return err
	}
	signer, err := prescribing.LoadSigner(w.ctx, w.tx, w.practiceID, sam)
	if err != nil {
		return err
	}
	_, err = sessionrecord.Sign(w.ctx, w.tx, alex, r.ID, signer, end.Add(20*time.Minute))
	return err
}

// sessionInProgress is today's session 4: started an hour ago, the planned dose given 50
// minutes ago, readings at 15, 30 and 45 minutes; the next is due in about ten minutes.
func (w *world) sessionInProgress(courseID string, now time.Time) error {
	start := now.Add(-60 * time.Minute)
	sid, _, err := w.courseSession(courseID, 4, start.Add(-15*time.Minute), now)
	if err != nil {
		return err
	}
	if err := w.weightBefore(start); err != nil {
		return err
	}
	r, doseAt, err := w.openSession(sid, start, demoCurve[0])
	if err != nil {
		return err
	}
	alex, sam, jordan := w.clients["alex"], w.staff["sam"], w.staff["jordan"]
	for _, v := range demoCurve[1:4] {
		at := doseAt.Add(time.Duration(v.after) * time.Minute)
		if _, err := sessionrecord.AddReading(w.ctx, w.tx, alex, r.ID, vitalsInput(v, at), jordan, at); err != nil {
			return err
		}
	}
	at := doseAt.Add(20 * time.Minute)
	_, err = sessionrecord.AddObservation(w.ctx, w.tx, alex, r.ID, sessionrecord.ObservationInput{Kind: sessionrecord.Dissociation, Severity: sessionrecord.Mild,
		Text: "Calm, eyes shaded, gentle music; responding to voice.", At: at}, sam, at)
	return err
}

// openSession starts the record, saves the checklist, takes the pre-dose vitals and gives
// the planned dose ten minutes after the start, returning the record and the dose time.
func (w *world) openSession(courseSessionID string, start time.Time, pre demoVitals) (*sessionrecord.Record, time.Time, error) {
	alex, sam, jordan := w.clients["alex"], w.staff["sam"], w.staff["jordan"]
	r, err := sessionrecord.Start(w.ctx, w.tx, alex, courseSessionID, sam, start)
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := sessionrecord.Join(w.ctx, w.tx, alex, r.ID, jordan, start.Add(time.Minute)); err != nil {
		return nil, time.Time{}, err
	}
	check := dosing.PreDoseChecklist{IdentityConfirmed: true, LastFoodAt: start.Add(-5 * time.Hour), LastLiquidAt: start.Add(-90 * time.Minute),
		EscortPresent: true, EscortName: "Jo Rivera", EscortPhone: "+1 555 0199", NoDrivingAcknowledged: true, SubstancesAsked: true,
		Intention: "To stay with whatever comes up, and be kinder to myself about it."}
	// The prescriber's orders for Alex: clonazepam held, ondansetron 30 min before dosing,
	// given on arrival.
	for _, h := range r.Orders.HeldSubstances {
		check.HeldSubstancesConfirmed = append(check.HeldSubstancesConfirmed, h.Substance)
	}
	if _, err := sessionrecord.SaveChecklist(w.ctx, w.tx, alex, r.ID, 0, check, sam, start.Add(3*time.Minute)); err != nil {
		return nil, time.Time{}, err
	}
	doseAt := start.Add(10 * time.Minute)
	for _, o := range r.Orders.PreMedications {
		given := doseAt.Add(-time.Duration(o.MinutesBefore+5) * time.Minute)
		if _, err := sessionrecord.RecordPreMedication(w.ctx, w.tx, alex, r.ID, sessionrecord.PreMedicationInput{Drug: o.Drug, At: given}, sam, start.Add(4*time.Minute)); err != nil {
			return nil, time.Time{}, err
		}
	}
	at := doseAt.Add(time.Duration(pre.after) * time.Minute)
	if _, err := sessionrecord.AddReading(w.ctx, w.tx, alex, r.ID, vitalsInput(pre, at), jordan, at); err != nil {
		return nil, time.Time{}, err
	}
	in := demoDose(r.PlannedMg, "100 mg")
	in.GivenAt = doseAt
	if _, err := sessionrecord.Administer(w.ctx, w.tx, alex, r.ID, in, sam, doseAt); err != nil {
		return nil, time.Time{}, err
	}
	return r, doseAt, nil
}

// weightBefore makes sure a weight dated on or before the session's day is on file, so mg/kg
// can be worked out for it: the client was weighed at the first preparation visit.
func (w *world) weightBefore(at time.Time) error {
	alex := w.clients["alex"]
	wt, err := clinic.LatestWeight(w.ctx, w.tx, alex, at)
	if err != nil || wt != nil {
		return err
	}
	_, err = clinic.AddMeasurement(w.ctx, w.tx, w.practiceID, alex, clinic.MeasurementInput{MeasuredOn: at.AddDate(0, 0, -7).Format("2006-01-02"),
		Weight: 155, WeightUnit: "lb"}, w.staff["jordan"], at)
	return err
}

func vitalsInput(v demoVitals, at time.Time) sessionrecord.ReadingInput {
	return sessionrecord.ReadingInput{TakenAt: at, Systolic: dosing.Measured(v.sys), Diastolic: dosing.Measured(v.dia), HeartRate: dosing.Measured(v.hr),
		SpO2: dosing.Measured(v.spo2), RespiratoryRate: dosing.Measured(14)}
}

func demoDose(mg float64, strength string) sessionrecord.DoseInput {
	return sessionrecord.DoseInput{Product: "Ketamine HCl sublingual RDT", Strength: strength, Lot: "KRX-24117", DoseMg: mg}
}
