package sessionrecord

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

func mg(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// Administer records a dose (KAP.md §1 Routes and doses). The first dose of the session runs
// the whole dosing gate at its time (readiness, consent, course, spacing, session count, the
// checklist with the prescriber's held substances, pre-medication given, a recent pre-dose
// reading and the stricter hold) and must be the course's planned dose for the session. An
// additional dose must keep the session's total within the prescriber's maximum
// (dosing.CheckAdditionalDose) and follow the prescriber's additional-dose plan
// (dosing.CheckAdditionalPlan) unless a prescriber authorised it in the session. After an
// alarm, any dose waits for a blood pressure since, below the hold. The giver is a clinician
// of the session with a role the practice allows for the route (dosing.CheckGiver). Refusals
// carry the numbers (Refused.Dose). No dose is recorded while held, with an alarm
// unacknowledged, or after discharge. Runs under SessionRecordWrite.
func Administer(ctx context.Context, tx *store.Tx, clientID, recordID string, in DoseInput, by string, now time.Time) (*Administration, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	if h.dischargedAt != nil {
		return nil, refused(ReasonRule, "record", fmt.Sprintf("The client was discharged at %s; no dose can follow discharge.", h.dischargedAt.In(now.Location()).Format("15:04")))
	}
	var p problems
	in.Product = text(&p, "product", in.Product, "the product (for example, ketamine HCl RDT)", true)
	in.Strength = text(&p, "strength", in.Strength, "the strength (for example, 100 mg)", true)
	in.Lot = text(&p, "lot", in.Lot, "the lot number", true)
	if in.Route == "" {
		in.Route = h.route
	}
	if in.Route != h.route {
		p.add("route", fmt.Sprintf("The course gives the medicine as %s; a dose by %s is not in the plan. The prescriber changes the route with a new course.", h.route.Label(), in.Route.Label()))
	}
	if in.DoseMg <= 0 || math.IsNaN(in.DoseMg) || math.IsInf(in.DoseMg, 0) {
		p.add("dose_mg", "Enter the dose in mg.")
	}
	givenAt := entryTime("given_at", in.GivenAt, h, now, &p)
	if in.GivenBy == "" {
		in.GivenBy = by
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	r, err := load(ctx, tx, h, View{StaffID: by, Now: givenAt})
	if err != nil {
		return nil, err
	}
	s, err := h.settings(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := checkGiver(ctx, tx, h, in.GivenBy, giverRoles(s), &p); err != nil {
		return nil, err
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	// After an in-session alarm a further dose waits for a blood pressure taken since, below
	// the client's hold (KAP.md §1 Vitals); no authorisation lifts it.
	for _, rf := range r.afterAlarm(s.Hold) {
		p.rule("reading", rf)
	}
	for _, a := range r.Alerts {
		if a.Open {
			p.add("alert", "An alert is open: "+a.Message+" Someone in the session acknowledges it with the action taken before another dose.")
		}
	}
	for _, d := range r.Doses {
		if givenAt.Before(d.GivenAt) {
			p.add("given_at", fmt.Sprintf("A dose is already recorded at %s; doses are recorded in the order given, so this one cannot be earlier.", d.GivenAt.Format("15:04")))
			break
		}
	}
	var check dosing.DoseCheck
	usesAuthorisation := false
	if len(r.Doses) == 0 {
		if err := firstDoseGate(ctx, tx, h, r, givenAt, now, &p); err != nil {
			return nil, err
		}
		check = dosing.CheckPlannedDose(in.Route, in.DoseMg, r.Limit, r.Weight, givenAt, s.Dose)
		if math.Abs(in.DoseMg-r.PlannedMg) > 1e-9 {
			// KAP.md §1: the prescriber plans each session's dose; a different first dose is
			// a change of plan, made on the course with a reason.
			check.Refusals = append(check.Refusals, dosing.Refusal{Rule: dosing.RuleDoseAboveSession, Message: fmt.Sprintf(
				"The first dose must be the planned dose for session %d: %s mg planned, %s mg entered. To give a different dose, the prescriber changes the session's planned dose on the course, with a reason.",
				r.SessionNumber, mg(r.PlannedMg), mg(in.DoseMg))})
		}
	} else {
		given := make([]float64, len(r.Doses))
		for i, d := range r.Doses {
			given[i] = d.DoseMg
		}
		plan := dosing.SessionPlan{Route: r.Route, PlannedMg: r.PlannedMg, SessionMaxMg: r.SessionMaxMg}
		check = dosing.CheckAdditionalDose(plan, given, in.DoseMg, r.Limit, r.Weight, givenAt, s.Dose)
		// The prescriber's additional-dose plan; beyond it, the prescriber's authorisation in
		// the session lifts the plan for one dose up to what was authorised, never past the
		// maximum checked above.
		beyond := dosing.CheckAdditionalPlan(r.Orders.AdditionalDoses, r.FirstDoseAt(), r.GivenMg, in.DoseMg, givenAt)
		if a := r.OpenAuthorisation(); len(beyond) > 0 && a != nil {
			beyond = dosing.CheckAuthorisedDose(dosing.DoseAuthorisation{By: a.By.Name, Role: dosing.RolePrescriber, DoseMg: a.DoseMg, Reason: a.Reason, At: a.At}, in.DoseMg)
			if len(beyond) == 0 {
				usesAuthorisation = true
			}
		}
		check.Refusals = append(check.Refusals, beyond...)
	}
	for _, rf := range check.Refusals {
		p.rule("dose_mg", rf)
	}
	if !p.empty() {
		e := p.err(ReasonRule)
		e.Dose = &check
		return nil, e
	}
	out := &Administration{ID: store.NewID(), Product: in.Product, Strength: in.Strength, Lot: in.Lot, Route: in.Route, DoseMg: in.DoseMg,
		GivenAt: givenAt, GivenBy: Person{ID: in.GivenBy}, Additional: len(r.Doses) > 0, RecordedBy: Person{ID: by}}
	if r.Weight != nil && r.Weight.Kg > 0 {
		out.WeightKg, out.MgPerKg = r.Weight.Kg, in.DoseMg/r.Weight.Kg
	}
	_, err = tx.Exec(ctx, `INSERT INTO session_dose (id, record_id, practice_id, client_id, product, strength, lot, route, dose_mg, weight_kg, given_at, given_by,
		additional, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		out.ID, h.id, h.practiceID, h.clientID, out.Product, out.Strength, out.Lot, string(out.Route), out.DoseMg, out.WeightKg, givenAt.UTC(), in.GivenBy,
		out.Additional, by, now.UTC())
	if err != nil {
		return nil, err
	}
	if usesAuthorisation {
		// One authorisation, one dose: every open authorisation is spent by it, so an older
		// one cannot lift the plan again later.
		if _, err := tx.Exec(ctx, `UPDATE session_dose_authorisation SET dose_id = ? WHERE record_id = ? AND dose_id IS NULL`, out.ID, h.id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkGiver refuses a giver who is not a clinician of the session (booked on its appointment
// or present in the record) or whose role the practice does not allow for the route.
func checkGiver(ctx context.Context, tx *store.Tx, h *head, staffID string, allowed map[dosing.Route][]dosing.Role, p *problems) error {
	var name string
	err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ? AND practice_id = ? AND active = ?`, staffID, h.practiceID, true).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		p.add("given_by", "Choose who gave the dose from the clinicians of this session.")
		return nil
	}
	if err != nil {
		return err
	}
	l := loader{ctx: ctx, tx: tx, h: h, in: func(t time.Time) time.Time { return t }}
	if err := l.names(); err != nil {
		return err
	}
	all, err := sessionClinicians(ctx, tx, h, &l)
	if err != nil {
		return err
	}
	in, roles := false, []dosing.Role{}
	if i := slices.IndexFunc(all, func(g Giver) bool { return g.ID == staffID }); i >= 0 {
		in, roles = true, all[i].Roles
	} else {
		rows, err := tx.Query(ctx, `SELECT role FROM staff_role WHERE staff_id = ?`, staffID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				return err
			}
			roles = append(roles, dosing.Role(r))
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, rf := range dosing.CheckGiver(name, in, roles, h.route, allowed) {
		p.rule("given_by", rf)
	}
	return nil
}

// firstDoseGate runs dosing.Gate at the start step for the first dose: everything starting the
// record checked, plus the checklist, the pre-dose reading and the hold with any override.
func firstDoseGate(ctx context.Context, tx *store.Tx, h *head, r *Record, at, now time.Time, p *problems) error {
	b, err := loadBooking(ctx, tx, h.clientID, h.courseSessionID, now)
	if err != nil {
		return err
	}
	f, err := gateFacts(ctx, tx, h.clientID, b, dosing.GateStart, at)
	if err != nil {
		return err
	}
	// The hold, the pre-dose window and the checklist's numbers are the session's own, taken
	// when it started; only the course's spacing is the course's.
	s, err := h.settings(ctx, tx)
	if err != nil {
		return err
	}
	s.Course = f.Settings.Course
	f.Settings = s
	if r.Checklist != nil {
		f.Checklist = r.Checklist.PreDoseChecklist
	}
	if base := r.Baseline(); base != nil {
		d := base.Dosing()
		f.PreDoseReading = &d
	}
	if n := len(r.Overrides); n > 0 {
		o := r.Overrides[n-1]
		f.HoldOverride = &dosing.Override{By: o.By.Name, Role: dosing.RolePrescriber, Reason: o.Reason, At: o.At}
	}
	// The prescriber's conditions: each held substance confirmed on the checklist and each
	// pre-medication given its minutes before (f.ClientHold, from gateFacts, is the hold).
	for _, rf := range dosing.CheckHeldSubstances(f.Checklist, r.Orders.HeldSubstances) {
		p.rule("checklist.held_substances", rf)
	}
	for _, rf := range dosing.CheckPreMedication(r.Orders.PreMedications, r.preMedicationsGiven(), at) {
		p.rule("premedication", rf)
	}
	if b.session.Status != dosing.SessionBooked {
		p.rule("gate", dosing.Refusal{Rule: dosing.RuleGateStep, Message: fmt.Sprintf("Session %d is %s, not booked; a dose is given only in a booked medicine session.", b.session.Number, b.session.Status)})
	}
	for _, rf := range dosing.Gate(f) {
		switch rf.Rule {
		case dosing.RuleDoseAboveLimit, dosing.RuleWeightNeeded, dosing.RuleWeightInvalid, dosing.RuleLimitMissing, dosing.RuleLimitRoute,
			dosing.RuleLimitInvalid, dosing.RuleDoseInvalid, dosing.RuleRoute:
			continue // the dose check reports these beside the dose, with its numbers
		}
		p.rule(gateField(rf.Rule), rf)
	}
	return nil
}
