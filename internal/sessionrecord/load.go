package sessionrecord

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Load reads a record with every entry and what the rules say as of v.Now: the hold, the
// checklist's gaps, when vitals are next due, the discharge checklist and open alerts. Runs
// under ClientRead (the whole care team sees a record, signed or not).
func Load(ctx context.Context, tx *store.Tx, clientID, recordID string, v View) (*Record, error) {
	h, err := readHead(ctx, tx, clientID, recordID)
	if err != nil {
		return nil, err
	}
	return load(ctx, tx, h, v)
}

func load(ctx context.Context, tx *store.Tx, h *head, v View) (*Record, error) {
	loc := v.Now.Location()
	in := func(t time.Time) time.Time { return t.In(loc) }
	l := loader{ctx: ctx, tx: tx, h: h, in: in}
	if err := l.names(); err != nil {
		return nil, err
	}
	r := &Record{ID: h.id, ClientID: h.clientID, CourseID: h.courseID, CourseSessionID: h.courseSessionID, SessionNumber: h.number,
		Route: h.route, PlannedMg: h.plannedMg, StartedAt: in(h.startedAt), Status: InProgress}
	var startedBy, discharge string
	var dischargedBy, signerID, meaning sql.NullString
	err := tx.QueryRow(ctx, `SELECT started_by, version, discharged_by, discharge, signer_id, meaning FROM session_record WHERE id = ?`, h.id).Scan(
		&startedBy, &r.Version, &dischargedBy, &discharge, &signerID, &meaning)
	if err != nil {
		return nil, err
	}
	r.StartedBy = l.person(startedBy)
	steps := []func(*Record) error{l.clinicians, l.checklist, l.readings, l.doses, l.events, l.alerts, l.notes, l.addenda, l.preMedications, l.authorisations}
	for _, step := range steps {
		if err := step(r); err != nil {
			return nil, err
		}
	}
	if err := l.processNoteRefs(r, v.StaffID); err != nil {
		return nil, err
	}
	if h.dischargedAt != nil {
		d := &DischargeRecord{At: in(*h.dischargedAt), By: l.person(dischargedBy.String)}
		if discharge != "" {
			if err := json.Unmarshal([]byte(discharge), d); err != nil {
				return nil, fmt.Errorf("sessionrecord: discharge of %s: %w", h.id, err)
			}
			d.At, d.By = in(*h.dischargedAt), l.person(dischargedBy.String)
		}
		r.Discharge, r.Status = d, Discharged
	}
	if h.signedAt != nil {
		r.Signature = &Signature{SignerID: signerID.String, SignerName: h.signerName, SignedAt: in(*h.signedAt), Meaning: Meaning(meaning.String), Hash: h.hash}
		r.Status = Signed
	}

	s, err := h.settings(ctx, tx)
	if err != nil {
		return nil, err
	}
	if r.Limit, r.Orders, err = evaluationOrders(ctx, tx, h.clientID, h.route); err != nil {
		return nil, err
	}
	clinicians, err := sessionClinicians(ctx, tx, h, &l)
	if err != nil {
		return nil, err
	}
	r.Givers = allowedGivers(clinicians, h.route, giverRoles(s))
	if r.Weight, err = clinic.LatestWeight(ctx, tx, h.clientID, v.Now); err != nil {
		return nil, err
	}
	if h.snapshot != "" {
		r.SettingsAsOf = &r.StartedAt
	}
	if r.DischargeException, err = CurrentDischargeException(ctx, tx, h.clientID); err != nil {
		return nil, err
	}
	if r.DischargeException != nil {
		r.DischargeException.SignedAt = in(r.DischargeException.SignedAt)
		s.Discharge.MinObservationMinutes = r.DischargeException.MinObservationMinutes
	}
	r.Settings = s
	derive(r, s, v.Now)
	return r, nil
}

// derive fills in what the rules say about the record at now.
func derive(r *Record, s dosing.Settings, now time.Time) {
	r.ranges = s.Vitals.Ranges
	for i := range r.Readings {
		rd := &r.Readings[i]
		rd.Measures = dosing.Classify(rd.Dosing(), s.Vitals.Ranges, s.Vitals.Alarm)
		rd.Status = dosing.Worst(rd.Measures)
	}
	first := r.FirstDoseAt()
	for i := range r.Readings {
		r.Readings[i].PreDose = first.IsZero() || !r.Readings[i].TakenAt.After(first)
	}
	r.SessionMaxMg = sessionCeiling(r.Limit, r.Weight)
	for _, d := range r.Doses {
		r.GivenMg += d.DoseMg
	}
	var c dosing.PreDoseChecklist
	if r.Checklist != nil {
		c = r.Checklist.PreDoseChecklist
	}
	r.ChecklistGaps = dosing.CheckChecklist(c, s.Checklist, now)
	// The prescriber's conditions are part of the checklist the first dose waits for.
	r.ChecklistGaps = append(r.ChecklistGaps, dosing.CheckHeldSubstances(c, r.Orders.HeldSubstances)...)
	if len(r.Doses) == 0 {
		r.ChecklistGaps = append(r.ChecklistGaps, dosing.CheckPreMedication(r.Orders.PreMedications, r.preMedicationsGiven(), now)...)
	}
	if r.ChecklistGaps == nil {
		r.ChecklistGaps = []dosing.Refusal{}
	}
	r.PreDoseHold, r.HoldWhose = dosing.StricterHold(s.Hold, r.Orders.Hold)
	r.Hold = holdState(r, s.Hold)
	r.AfterAlarm = []dosing.Refusal{}
	if len(r.Doses) > 0 && r.Discharge == nil {
		r.AfterAlarm = append(r.AfterAlarm, r.afterAlarm(s.Hold)...)
	}
	for _, a := range r.Alerts {
		if a.Open {
			r.OpenAlerts++
		}
	}
	if !first.IsZero() && r.Discharge == nil {
		readings := make([]dosing.Reading, len(r.Readings))
		for i, rd := range r.Readings {
			readings[i] = rd.Dosing()
		}
		next := dosing.NextReadingDue(first, readings, s.Vitals.Schedule, now)
		r.NextReading = &next
		check := dosing.CheckDischarge(dischargeFacts(r, DischargeInput{}), s.Discharge, s.Vitals.Ranges, now)
		r.DischargeCheck = &check
	}
}

// sessionCeiling is the most a session may total under the prescriber's limit: the mg maximum
// or the mg/kg maximum at the weight, whichever is lower; 0 when neither can be worked out.
func sessionCeiling(l dosing.Limit, w *dosing.Weight) float64 {
	ceiling := l.MaxMg
	if l.MaxMgPerKg > 0 && w != nil && w.Kg > 0 {
		if perKg := l.MaxMgPerKg * w.Kg; ceiling == 0 || perKg < ceiling {
			ceiling = perKg
		}
	}
	return ceiling
}

// holdState applies the pre-dose hold (KAP.md §1 Vitals), the stricter of the practice's t and
// the prescriber's for this client, to the latest pre-dose reading.
// Once a dose is given the hold has done its work and nothing is held.
func holdState(r *Record, t dosing.HoldThreshold) HoldState {
	var latest *Override
	for i := range r.Overrides {
		latest = &r.Overrides[i]
	}
	if len(r.Doses) > 0 {
		return HoldState{Overridden: latest}
	}
	base := r.Baseline()
	if base == nil || base.Systolic == nil {
		return HoldState{Message: "No pre-dose blood pressure yet; take one before the first dose."}
	}
	held, msg := dosing.ClientPreDoseHold(base.Dosing(), t, r.Orders.Hold)
	if !held {
		return HoldState{Message: msg}
	}
	if latest != nil && !latest.At.Before(base.TakenAt) {
		return HoldState{Message: msg + fmt.Sprintf(" Overridden by %s at %s: %s", latest.By.Name, latest.At.Format("15:04"), latest.Reason), Overridden: latest}
	}
	return HoldState{Held: true, Message: msg + " Only a prescriber can override it, with a reason."}
}

func dischargeFacts(r *Record, in DischargeInput) dosing.DischargeFacts {
	f := dosing.DischargeFacts{AlertAndOriented: in.AlertAndOriented, WalkingSteadily: in.WalkingSteadily,
		EscortPresent: in.EscortPresent, AftercareGiven: in.AftercareGiven}
	if n := len(r.Doses); n > 0 {
		f.LastDoseAt = r.Doses[n-1].GivenAt
	}
	if b := r.Baseline(); b != nil {
		d := b.Dosing()
		f.Baseline = &d
	}
	for i := len(r.Readings) - 1; i >= 0; i-- {
		d := r.Readings[i].Dosing()
		if !d.Empty() {
			f.Latest = &d
			break
		}
	}
	return f
}

// loader reads the entries of one record.
type loader struct {
	ctx   context.Context
	tx    *store.Tx
	h     *head
	in    func(time.Time) time.Time
	staff map[string]string
}

func (l *loader) names() error {
	rows, err := l.tx.Query(l.ctx, `SELECT id, full_name FROM staff WHERE practice_id = ?`, l.h.practiceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	l.staff = map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		l.staff[id] = name
	}
	return rows.Err()
}

func (l *loader) person(id string) Person {
	if id == "" {
		return Person{}
	}
	name, ok := l.staff[id]
	if !ok {
		name = "a former staff member"
	}
	return Person{ID: id, Name: name}
}

// each runs a query and scan for every row.
func (l *loader) each(q string, scan func(*store.Rows) error, args ...any) error {
	rows, err := l.tx.Query(l.ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (l *loader) clinicians(r *Record) error {
	r.Clinicians = []Clinician{}
	return l.each(`SELECT staff_id, joined_at FROM session_clinician WHERE record_id = ? ORDER BY joined_at, staff_id`, func(rows *store.Rows) error {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		r.Clinicians = append(r.Clinicians, Clinician{Person: l.person(id), JoinedAt: l.in(at)})
		return nil
	}, l.h.id)
}

func (l *loader) checklist(r *Record) error {
	return l.each(`SELECT version, body, saved_by, saved_at FROM session_checklist WHERE record_id = ? ORDER BY version DESC LIMIT 1`, func(rows *store.Rows) error {
		var c Checklist
		var body, by string
		if err := rows.Scan(&c.Version, &body, &by, &c.SavedAt); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(body), &c.PreDoseChecklist); err != nil {
			return fmt.Errorf("sessionrecord: checklist of %s: %w", l.h.id, err)
		}
		c.SavedBy, c.SavedAt = l.person(by), l.in(c.SavedAt)
		c.PreDoseChecklist = checklistIn(c.PreDoseChecklist, l.in)
		r.Checklist = &c
		return nil
	}, l.h.id)
}

// checklistIn moves the checklist's times into the viewer's zone (JSON keeps them in UTC).
func checklistIn(c dosing.PreDoseChecklist, in func(time.Time) time.Time) dosing.PreDoseChecklist {
	for _, t := range []*time.Time{&c.LastFoodAt, &c.LastLiquidAt, &c.LastAlcoholAt, &c.LastBenzodiazepineAt} {
		if !t.IsZero() {
			*t = in(*t)
		}
	}
	return c
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func (l *loader) readings(r *Record) error {
	r.Readings = []Reading{}
	return l.each(`SELECT id, taken_at, systolic, diastolic, heart_rate, spo2, respiratory_rate, recorded_by FROM session_reading
		WHERE record_id = ? ORDER BY taken_at, recorded_at, id`, func(rows *store.Rows) error {
		var rd Reading
		var sys, dia, hr, spo2, rr sql.NullInt64
		var by string
		if err := rows.Scan(&rd.ID, &rd.TakenAt, &sys, &dia, &hr, &spo2, &rr, &by); err != nil {
			return err
		}
		rd.TakenAt, rd.By = l.in(rd.TakenAt), l.person(by)
		rd.Systolic, rd.Diastolic, rd.HeartRate, rd.SpO2, rd.RespiratoryRate = nullInt(sys), nullInt(dia), nullInt(hr), nullInt(spo2), nullInt(rr)
		r.Readings = append(r.Readings, rd)
		return nil
	}, l.h.id)
}

func (l *loader) doses(r *Record) error {
	r.Doses = []Administration{}
	return l.each(`SELECT id, product, strength, lot, route, dose_mg, weight_kg, given_at, given_by, additional, recorded_by FROM session_dose
		WHERE record_id = ? ORDER BY given_at, recorded_at, id`, func(rows *store.Rows) error {
		var d Administration
		var route, givenBy, by string
		if err := rows.Scan(&d.ID, &d.Product, &d.Strength, &d.Lot, &route, &d.DoseMg, &d.WeightKg, &d.GivenAt, &givenBy, &d.Additional, &by); err != nil {
			return err
		}
		d.Route, d.GivenAt, d.GivenBy, d.RecordedBy = dosing.Route(route), l.in(d.GivenAt), l.person(givenBy), l.person(by)
		if d.WeightKg > 0 {
			d.MgPerKg = d.DoseMg / d.WeightKg
		}
		r.Doses = append(r.Doses, d)
		return nil
	}, l.h.id)
}

func (l *loader) events(r *Record) error {
	r.Observations, r.Interventions, r.AdverseEvents, r.Overrides = []Event{}, []Event{}, []Event{}, []Override{}
	return l.each(`SELECT id, category, kind, severity, description, outcome, follow_up, occurred_at, staff_id FROM session_event
		WHERE record_id = ? ORDER BY occurred_at, recorded_at, id`, func(rows *store.Rows) error {
		var e Event
		var cat, kind, sev, by string
		if err := rows.Scan(&e.ID, &cat, &kind, &sev, &e.Description, &e.Outcome, &e.FollowUp, &e.At, &by); err != nil {
			return err
		}
		e.Category, e.Kind, e.Severity, e.At, e.By = Category(cat), ObservationKind(kind), Severity(sev), l.in(e.At), l.person(by)
		switch e.Category {
		case CategoryObservation:
			r.Observations = append(r.Observations, e)
		case CategoryIntervention:
			r.Interventions = append(r.Interventions, e)
		case CategoryAdverseEvent:
			r.AdverseEvents = append(r.AdverseEvents, e)
		case categoryOverride:
			r.Overrides = append(r.Overrides, Override{ID: e.ID, By: e.By, Reason: e.Description, At: e.At})
		}
		return nil
	}, l.h.id)
}

func (l *loader) alerts(r *Record) error {
	r.Alerts = []Alert{}
	return l.each(`SELECT id, reading_id, message, raised_at, acknowledged_by, acknowledged_at, action_taken FROM session_alert
		WHERE record_id = ? ORDER BY raised_at, id`, func(rows *store.Rows) error {
		var a Alert
		var by sql.NullString
		var at *time.Time
		if err := rows.Scan(&a.ID, &a.ReadingID, &a.Message, &a.RaisedAt, &by, &at, &a.ActionTaken); err != nil {
			return err
		}
		a.RaisedAt = l.in(a.RaisedAt)
		a.Open = at == nil
		if at != nil {
			p := l.person(by.String)
			a.AcknowledgedBy, a.AcknowledgedAt = &p, l.in(*at)
		}
		r.Alerts = append(r.Alerts, a)
		return nil
	}, l.h.id)
}

func (l *loader) notes(r *Record) error {
	return l.each(`SELECT id, body, author_id, written_at FROM session_note WHERE record_id = ? AND kind = 'summary'
		ORDER BY written_at DESC, id DESC LIMIT 1`, func(rows *store.Rows) error {
		var n Note
		var by string
		if err := rows.Scan(&n.ID, &n.Text, &by, &n.At); err != nil {
			return err
		}
		n.Author, n.At = l.person(by), l.in(n.At)
		r.Summary = &n
		return nil
	}, l.h.id)
}

func (l *loader) processNoteRefs(r *Record, staffID string) error {
	r.ProcessNotes = []ProcessNoteRef{}
	if staffID == "" {
		return nil
	}
	return l.each(`SELECT id, author_id, written_at FROM session_note WHERE record_id = ? AND kind = 'process' AND author_id = ?
		ORDER BY written_at, id`, func(rows *store.Rows) error {
		var n ProcessNoteRef
		var by string
		if err := rows.Scan(&n.ID, &by, &n.At); err != nil {
			return err
		}
		n.Author, n.At = l.person(by), l.in(n.At)
		r.ProcessNotes = append(r.ProcessNotes, n)
		return nil
	}, l.h.id, staffID)
}

func (l *loader) addenda(r *Record) error {
	r.Addenda = []Addendum{}
	return l.each(`SELECT id, record_hash, body, signer_id, signer_name, signed_at, meaning, content_hash FROM session_addendum
		WHERE record_id = ? ORDER BY signed_at, id`, func(rows *store.Rows) error {
		var a Addendum
		var meaning string
		if err := rows.Scan(&a.ID, &a.RecordHash, &a.Text, &a.SignerID, &a.SignerName, &a.SignedAt, &meaning, &a.Hash); err != nil {
			return err
		}
		a.SignedAt, a.Meaning = l.in(a.SignedAt), Meaning(meaning)
		r.Addenda = append(r.Addenda, a)
		return nil
	}, l.h.id)
}
