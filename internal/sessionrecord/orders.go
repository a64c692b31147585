package sessionrecord

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// PreMedicationInput is a pre-medication given against one of the prescriber's orders. Drug
// names the order; At zero means now; GivenBy empty means whoever records it.
type PreMedicationInput struct {
	Drug    string    `json:"drug"`
	At      time.Time `json:"at,omitzero"`
	GivenBy string    `json:"given_by,omitempty"`
}

// PreMedication is a pre-medication recorded as given, with the order it answers.
type PreMedication struct {
	ID         string                    `json:"id"`
	Order      dosing.PreMedicationOrder `json:"order"`
	At         time.Time                 `json:"at"`
	GivenBy    Person                    `json:"given_by"`
	RecordedBy Person                    `json:"recorded_by"`
}

// AuthorisationInput is a prescriber's authorisation of one additional dose beyond the plan.
type AuthorisationInput struct {
	DoseMg float64 `json:"dose_mg"`
	Reason string  `json:"reason"`
}

// Authorisation is a stored authorisation; DoseID is the dose that used it, "" while open.
type Authorisation struct {
	ID     string    `json:"id"`
	DoseMg float64   `json:"dose_mg"`
	Reason string    `json:"reason"`
	By     Person    `json:"by"`
	At     time.Time `json:"at"`
	DoseID string    `json:"dose_id,omitempty"`
}

// Giver is a clinician of the session who may give the medicine by the course's route.
type Giver struct {
	Person
	Roles []dosing.Role `json:"roles"`
}

// OpenAuthorisation is the latest authorisation no dose has used yet, nil when none.
func (r *Record) OpenAuthorisation() *Authorisation {
	for i := len(r.Authorisations) - 1; i >= 0; i-- {
		if r.Authorisations[i].DoseID == "" {
			return &r.Authorisations[i]
		}
	}
	return nil
}

// LastAlarmAt is the time of the latest reading that raised an alert, zero when none did.
func (r *Record) LastAlarmAt() time.Time {
	var at time.Time
	for _, a := range r.Alerts {
		for _, rd := range r.Readings {
			if rd.ID == a.ReadingID && rd.TakenAt.After(at) {
				at = rd.TakenAt
			}
		}
	}
	return at
}

// preMedicationsGiven are the recorded pre-medications as the dosing rules take them.
func (r *Record) preMedicationsGiven() []dosing.PreMedicationGiven {
	out := make([]dosing.PreMedicationGiven, len(r.PreMedications))
	for i, m := range r.PreMedications {
		out[i] = dosing.PreMedicationGiven{Drug: m.Order.Drug, At: m.At}
	}
	return out
}

// afterAlarm is what stops a further dose after an in-session alarm: a blood pressure taken
// after the latest alarm reading, below the hold that applies to the client.
func (r *Record) afterAlarm(practice dosing.HoldThreshold) []dosing.Refusal {
	at := r.LastAlarmAt()
	if at.IsZero() {
		return nil
	}
	readings := make([]dosing.Reading, len(r.Readings))
	for i, rd := range r.Readings {
		readings[i] = rd.Dosing()
	}
	return dosing.CheckAfterAlarm(at, readings, practice, r.Orders.Hold)
}

// evaluationOrders is the prescriber's maximum for the route and the structured orders, from
// the current evaluation; the zero values when there is none.
func evaluationOrders(ctx context.Context, tx *store.Tx, clientID string, route dosing.Route) (dosing.Limit, dosing.ClientConditions, error) {
	ev, err := prescribing.Current(ctx, tx, clientID)
	if err != nil || ev == nil {
		return dosing.Limit{}, dosing.ClientConditions{}, err
	}
	l, _ := ev.Limit(route)
	return l, ev.Orders, nil
}

// sessionClinicians are the staff booked on the session's appointment and those present in
// the record, each with their roles: the people in the room who may give medicine.
func sessionClinicians(ctx context.Context, tx *store.Tx, h *head, l *loader) ([]Giver, error) {
	var ids []string
	if a, err := schedule.ForCourseSession(ctx, tx, h.courseSessionID); err != nil {
		return nil, err
	} else if a != nil {
		for _, p := range a.Staff {
			ids = append(ids, p.ID)
		}
	}
	joined, err := tx.Strings(ctx, `SELECT staff_id FROM session_clinician WHERE record_id = ? ORDER BY joined_at, staff_id`, h.id)
	if err != nil {
		return nil, err
	}
	for _, id := range joined {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	out := []Giver{}
	for _, id := range ids {
		g := Giver{Person: l.person(id), Roles: []dosing.Role{}}
		rs, err := tx.Query(ctx, `SELECT r.role FROM staff_role r JOIN staff s ON s.id = r.staff_id WHERE r.staff_id = ? AND s.practice_id = ? AND s.active = ? ORDER BY r.role`,
			id, h.practiceID, true)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var role string
			if err := rs.Scan(&role); err != nil {
				rs.Close()
				return nil, err
			}
			g.Roles = append(g.Roles, dosing.Role(role))
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// giverRoles is who may give a dose by each route, from the settings the session runs on;
// holdspace's default where they name none.
func giverRoles(s dosing.Settings) map[dosing.Route][]dosing.Role {
	if len(s.Givers) == 0 {
		return dosing.DefaultGiverRoles()
	}
	return s.Givers
}

// allowedGivers keeps the clinicians whose role the practice allows for the route.
func allowedGivers(all []Giver, route dosing.Route, allowed map[dosing.Route][]dosing.Role) []Giver {
	out := []Giver{}
	for _, g := range all {
		if len(dosing.CheckGiver(g.Name, true, g.Roles, route, allowed)) == 0 {
			out = append(out, g)
		}
	}
	return out
}

// RecordPreMedication records a pre-medication given against one of the prescriber's orders
// (KAP.md §1 Fasting, nausea: practices pre-treat nausea); the first dose waits for it and for
// the order's minutes. The giver is a clinician of the session. Other medicines given are an
// intervention. Runs under SessionRecordWrite.
func RecordPreMedication(ctx context.Context, tx *store.Tx, clientID, recordID string, in PreMedicationInput, by string, now time.Time) (*PreMedication, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	if h.dischargedAt != nil {
		return nil, refused(ReasonRule, "record", "The client is discharged; pre-medication is recorded before dosing.")
	}
	r, err := load(ctx, tx, h, View{StaffID: by, Now: now})
	if err != nil {
		return nil, err
	}
	var p problems
	at := entryTime("at", in.At, h, now, &p)
	var order *dosing.PreMedicationOrder
	for i := range r.Orders.PreMedications {
		if dosing.SameDrug(r.Orders.PreMedications[i].Drug, in.Drug) {
			order = &r.Orders.PreMedications[i]
		}
	}
	if order == nil {
		names := make([]string, len(r.Orders.PreMedications))
		for i, o := range r.Orders.PreMedications {
			names[i] = o.Text()
		}
		msg := "The prescriber ordered no pre-medication for this client; record any medicine given as an intervention."
		if len(names) > 0 {
			msg = fmt.Sprintf("Choose the order given: %s. Record any other medicine as an intervention.", strings.Join(names, "; "))
		}
		p.add("drug", msg)
	}
	if in.GivenBy == "" {
		in.GivenBy = by
	}
	if !slices.ContainsFunc(r.Clinicians, func(c Clinician) bool { return c.ID == in.GivenBy }) &&
		!slices.ContainsFunc(r.Givers, func(g Giver) bool { return g.ID == in.GivenBy }) {
		p.add("given_by", "Choose who gave it from the clinicians of this session.")
	}
	if len(r.Doses) > 0 {
		p.add("drug", "The first dose is already given; pre-medication is recorded before it. Record a medicine given now as an intervention.")
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	out := &PreMedication{ID: store.NewID(), Order: *order, At: at, GivenBy: Person{ID: in.GivenBy}, RecordedBy: Person{ID: by}}
	_, err = tx.Exec(ctx, `INSERT INTO session_premedication (id, record_id, practice_id, client_id, drug, dose_mg, route, given_at, given_by, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, h.id, h.practiceID, h.clientID, order.Drug, order.DoseMg, order.Route, at.UTC(), in.GivenBy, by, now.UTC())
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AuthoriseDose records a prescriber's authorisation, in the session, of one additional dose
// beyond the prescriber's plan, up to a dose and with a reason (like the hold override:
// dosing.DoseAuthorisation). It never reaches past the prescriber's maximum for the session,
// and it is used by the next additional dose. by must hold the prescriber role. Runs under
// HoldOverride.
func AuthoriseDose(ctx context.Context, tx *store.Tx, clientID, recordID string, in AuthorisationInput, by string, now time.Time) (*Authorisation, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	if h.dischargedAt != nil {
		return nil, refused(ReasonRule, "record", "The client is discharged; no dose can follow discharge.")
	}
	name, role, err := prescriberRole(ctx, tx, by)
	if err != nil {
		return nil, err
	}
	a := dosing.DoseAuthorisation{By: name, Role: role, DoseMg: in.DoseMg, Reason: strings.TrimSpace(in.Reason), At: now}
	var p problems
	if math.IsNaN(a.DoseMg) || math.IsInf(a.DoseMg, 0) {
		a.DoseMg = 0
	}
	for _, rf := range a.Check() {
		field := map[dosing.Rule]string{dosing.RuleAuthorisationReason: "reason", dosing.RuleDoseInvalid: "dose_mg"}[rf.Rule]
		if field == "" {
			field = "authorisation"
		}
		p.rule(field, rf)
	}
	if !p.empty() {
		return nil, p.err(ReasonRule)
	}
	a.Reason = text(&p, "reason", a.Reason, "the reason", true)
	r, err := load(ctx, tx, h, View{StaffID: by, Now: now})
	if err != nil {
		return nil, err
	}
	if len(r.Doses) == 0 {
		p.add("authorisation", fmt.Sprintf("No dose is given yet: the first dose is the planned %s mg. An authorisation is for a dose after it.", mg(r.PlannedMg)))
	} else if room := r.SessionMaxMg - r.GivenMg; r.SessionMaxMg > 0 && a.DoseMg-room > 1e-9 {
		p.add("dose_mg", fmt.Sprintf("%s mg given so far against the prescriber's maximum of %s mg for the session, so at most %s mg more can be authorised; the maximum is changed only by a new evaluation.",
			mg(r.GivenMg), mg(r.SessionMaxMg), mg(math.Max(room, 0))))
	}
	if !p.empty() {
		return nil, p.err(ReasonRule)
	}
	out := &Authorisation{ID: store.NewID(), DoseMg: a.DoseMg, Reason: a.Reason, By: Person{ID: by, Name: name}, At: now}
	_, err = tx.Exec(ctx, `INSERT INTO session_dose_authorisation (id, record_id, practice_id, client_id, dose_mg, reason, authorised_by, authorised_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, h.id, h.practiceID, h.clientID, out.DoseMg, out.Reason, by, now.UTC())
	return out, err
}

// prescriberRole is the staff member's name and whether they hold the prescriber role.
func prescriberRole(ctx context.Context, tx *store.Tx, staffID string) (string, dosing.Role, error) {
	var name string
	if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, staffID).Scan(&name); err != nil {
		return "", "", err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role WHERE staff_id = ? AND role = 'prescriber'`, staffID).Scan(&n); err != nil {
		return "", "", err
	}
	if n > 0 {
		return name, dosing.RolePrescriber, nil
	}
	return name, dosing.RoleTherapist, nil
}

func (l *loader) preMedications(r *Record) error {
	r.PreMedications = []PreMedication{}
	return l.each(`SELECT id, drug, dose_mg, route, given_at, given_by, recorded_by FROM session_premedication WHERE record_id = ? ORDER BY given_at, recorded_at, id`,
		func(rows *store.Rows) error {
			var m PreMedication
			var givenBy, by string
			if err := rows.Scan(&m.ID, &m.Order.Drug, &m.Order.DoseMg, &m.Order.Route, &m.At, &givenBy, &by); err != nil {
				return err
			}
			m.At, m.GivenBy, m.RecordedBy = l.in(m.At), l.person(givenBy), l.person(by)
			r.PreMedications = append(r.PreMedications, m)
			return nil
		}, l.h.id)
}

func (l *loader) authorisations(r *Record) error {
	r.Authorisations = []Authorisation{}
	return l.each(`SELECT id, dose_mg, reason, authorised_by, authorised_at, COALESCE(dose_id, '') FROM session_dose_authorisation WHERE record_id = ?
		ORDER BY authorised_at, id`, func(rows *store.Rows) error {
		var a Authorisation
		var by string
		if err := rows.Scan(&a.ID, &a.DoseMg, &a.Reason, &by, &a.At, &a.DoseID); err != nil {
			return err
		}
		a.At, a.By = l.in(a.At), l.person(by)
		r.Authorisations = append(r.Authorisations, a)
		return nil
	}, l.h.id)
}
