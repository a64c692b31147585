package sessionrecord

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

func mg(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// Administer records a dose (KAP.md §1 Routes and doses). The first dose of the session runs
// the whole dosing gate at its time (readiness, consent, course, spacing, session count, the
// checklist, a recent pre-dose reading and the hold) and must be the course's planned dose for
// the session; an additional dose must keep the session's total within the prescriber's
// maximum (dosing.CheckAdditionalDose). Refusals carry the numbers (Refused.Dose). No dose is
// recorded while held, with an alarm unacknowledged, or after discharge. Runs under
// SessionRecordWrite.
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
	} else {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff WHERE id = ? AND practice_id = ? AND active = ?`, in.GivenBy, h.practiceID, true).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			p.add("given_by", "Choose who gave the dose from the practice's staff.")
		}
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
	return out, nil
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
