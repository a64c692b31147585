// Package prescribing holds the prescriber's evaluation of a client before
// a course of ketamine-assisted psychotherapy: the decision, the per-route
// maximum dose for the course (KAP.md §1: escalation is practice-specific,
// so the prescriber sets the ceiling), pre-medication orders and notes.
//
// An evaluation is signed electronically in the style of 21 CFR Part 11
// (KAP.md §6): the signer's printed name, the time, the meaning of the
// signature (approval, or review when not approved) and a SHA-256 over a
// canonical JSON encoding of exactly what was signed, stored with the
// record. A signed evaluation is never changed: later words are addenda
// with their own signature and hash, and a new evaluation supersedes an
// old one while both stay on the chart. Verify recomputes the hashes.
//
// holdspace records the prescriber's limits; it does not decide them. The
// bounds checked here only catch typing mistakes (a dose in µg, a stray
// zero).
package prescribing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Decision is the prescriber's answer.
type Decision string

// Decisions a prescriber may record.
const (
	Approved               Decision = "approved"
	ApprovedWithConditions Decision = "approved_with_conditions"
	NotApproved            Decision = "not_approved"
)

// Decisions lists them in the order forms show them.
func Decisions() []Decision { return []Decision{Approved, ApprovedWithConditions, NotApproved} }

// Label is the decision in the clinic's words.
func (d Decision) Label() string {
	switch d {
	case Approved:
		return "Approved"
	case ApprovedWithConditions:
		return "Approved with conditions"
	case NotApproved:
		return "Not approved"
	}
	return string(d)
}

// Meaning is what a signature means (21 CFR 11.50(a)(3)).
type Meaning string

// Meanings of the signatures holdspace records here.
const (
	MeaningApproval Meaning = "approval"
	MeaningReview   Meaning = "review"
	MeaningAddendum Meaning = "addendum"
)

// MeaningOf is what signing a decision means: an approval approves; a
// refusal is signed as a review.
func MeaningOf(d Decision) Meaning {
	if d == NotApproved {
		return MeaningReview
	}
	return MeaningApproval
}

// Bounds that catch typing mistakes in a limit. Doses reported in the
// literature reach 300–400 mg and 7 mg/kg orally (KAP.md §1); a maximum
// per session above these is far more likely a slip than an intent.
const (
	MaxLimitMg      = 1000.0
	MaxLimitMgPerKg = 5.0
	maxText         = 4000
	maxOrders       = 20
	maxOrderLength  = 300
)

// Draft is what the prescriber records, before it is signed.
type Draft struct {
	Decision   Decision `json:"decision"`
	Conditions string   `json:"conditions,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	// Limits are the maximum dose per session for each route allowed in
	// the course, in the order of dosing.Routes.
	Limits []dosing.Limit `json:"limits"`
	// PreMedication orders, one line each, e.g. "ondansetron 4 mg ODT 30
	// min before dosing".
	PreMedication []string `json:"premedication"`
	Notes         string   `json:"notes,omitempty"`
	// Orders are the structured conditions the room enforces: a per-client pre-dose hold,
	// substances held before a session, pre-medication to give and the additional-dose plan.
	// PreMedication and Conditions stay for what these do not cover.
	Orders dosing.ClientConditions `json:"orders"`
	// AboveBound confirms, with a reason, each maximum above its route's reported range.
	AboveBound []BoundConfirmation `json:"above_bound,omitempty"`
}

// cleanText trims a text and gives it one kind of line ending, so that
// what a browser sends (CRLF) and what is hashed later are the same.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
}

// Normalised trims the texts, drops empty orders and unset limits, and
// puts the limits in route order.
func (d Draft) Normalised() Draft {
	d.Decision = Decision(strings.TrimSpace(string(d.Decision)))
	d.Conditions, d.Reason, d.Notes = cleanText(d.Conditions), cleanText(d.Reason), cleanText(d.Notes)
	orders := []string{}
	for _, o := range d.PreMedication {
		if o = strings.Join(strings.Fields(o), " "); o != "" {
			orders = append(orders, o)
		}
	}
	d.PreMedication = orders
	limits := []dosing.Limit{}
	for _, r := range dosing.Routes() {
		for _, l := range d.Limits {
			if l.Route == r && (l.MaxMg != 0 || l.MaxMgPerKg != 0) {
				limits = append(limits, l)
			}
		}
	}
	for _, l := range d.Limits {
		if !l.Route.Valid() {
			limits = append(limits, l) // kept, so Validate can name it
		}
	}
	d.Limits = limits
	o := &d.Orders
	if o.Hold != nil && o.Hold.SystolicMmHg == 0 && o.Hold.DiastolicMmHg == 0 {
		o.Hold = nil
	}
	if o.Hold != nil {
		// The prescriber writes "BP under 160/100": 160/100 itself holds.
		o.Hold.AtOrAbove = true
	}
	held := []dosing.HeldSubstance{}
	for _, h := range o.HeldSubstances {
		if h.Substance = strings.Join(strings.Fields(h.Substance), " "); h.Substance != "" || h.Hours != 0 {
			held = append(held, h)
		}
	}
	o.HeldSubstances = held
	pre := []dosing.PreMedicationOrder{}
	for _, m := range o.PreMedications {
		m.Drug, m.Route = strings.Join(strings.Fields(m.Drug), " "), strings.Join(strings.Fields(m.Route), " ")
		if m.Drug != "" || m.DoseMg != 0 || m.Route != "" || m.MinutesBefore != 0 {
			pre = append(pre, m)
		}
	}
	o.PreMedications = pre
	if !o.AdditionalDoses.Allowed {
		o.AdditionalDoses = dosing.AdditionalDosePlan{}
	}
	confirmed := []BoundConfirmation{}
	for _, c := range d.AboveBound {
		c.Reason = cleanText(c.Reason)
		if _, ok := d.Limit(c.Route); ok {
			confirmed = append(confirmed, c)
		}
	}
	d.AboveBound = confirmed
	return d
}

// Limit is the draft's maximum for a route; false when the route is not allowed.
func (d Draft) Limit(r dosing.Route) (dosing.Limit, bool) {
	for _, l := range d.Limits {
		if l.Route == r {
			return l, true
		}
	}
	return dosing.Limit{}, false
}

// Fields of the structured orders on the form and in problems.
const (
	FieldHoldSystolic       = "hold_systolic"
	FieldHoldDiastolic      = "hold_diastolic"
	FieldAdditionalAllowed  = "additional_allowed"
	FieldAdditionalMaxMg    = "additional_max_mg"
	FieldAdditionalMinutes  = "additional_min_minutes"
	maxHeldHours            = 14 * 24
	maxPreMedicationMinutes = 240
)

// HeldField and PreMedicationField name the fields of the i-th row (from 0) of the held
// substances and the pre-medication orders.
func HeldField(i int, part string) string { return fmt.Sprintf("held.%d.%s", i, part) }

// PreMedicationField names the field of the i-th pre-medication order (from 0).
func PreMedicationField(i int, part string) string { return fmt.Sprintf("premed.%d.%s", i, part) }

// validateOrders checks the structured conditions: numbers a clinician can act on, each named.
func (d Draft) validateOrders(ps *clinic.Problems) {
	o := d.Orders
	if d.Decision == NotApproved && !o.Empty() {
		ps.Add("orders", "A client who is not approved has no orders for medicine sessions; clear them.")
		return
	}
	if h := o.Hold; h != nil {
		switch {
		case h.SystolicMmHg < 90 || h.SystolicMmHg > 250:
			ps.Add(FieldHoldSystolic, "Give the systolic of the client's hold in mmHg, between 90 and 250; %d was given.", h.SystolicMmHg)
		case h.DiastolicMmHg < 50 || h.DiastolicMmHg > 150:
			ps.Add(FieldHoldDiastolic, "Give the diastolic of the client's hold in mmHg, between 50 and 150; %d was given.", h.DiastolicMmHg)
		case h.DiastolicMmHg >= h.SystolicMmHg:
			ps.Add(FieldHoldDiastolic, "The diastolic %d is not below the systolic %d; check the numbers.", h.DiastolicMmHg, h.SystolicMmHg)
		}
	}
	if len(o.HeldSubstances) > maxOrders || len(o.PreMedications) > maxOrders {
		ps.Add("orders", "Give at most %d held substances and %d pre-medication orders.", maxOrders, maxOrders)
	}
	for i, h := range o.HeldSubstances {
		if h.Substance == "" {
			ps.Add(HeldField(i, "substance"), "Name the substance to hold, such as lorazepam.")
		} else if utf8.RuneCountInString(h.Substance) > maxOrderLength {
			ps.Add(HeldField(i, "substance"), "Keep the substance's name under %d characters.", maxOrderLength)
		}
		if h.Hours < 1 || h.Hours > maxHeldHours {
			ps.Add(HeldField(i, "hours"), "Give how many hours before the session to hold it, from 1 to %d.", maxHeldHours)
		}
	}
	for i, m := range o.PreMedications {
		if m.Drug == "" {
			ps.Add(PreMedicationField(i, "drug"), "Name the pre-medication, such as ondansetron.")
		} else if utf8.RuneCountInString(m.Drug) > maxOrderLength {
			ps.Add(PreMedicationField(i, "drug"), "Keep the medicine's name under %d characters.", maxOrderLength)
		}
		if math.IsNaN(m.DoseMg) || m.DoseMg <= 0 || m.DoseMg > MaxLimitMg {
			ps.Add(PreMedicationField(i, "dose_mg"), "Give the dose of %s in mg, such as 4.", nonEmpty(m.Drug, "the pre-medication"))
		}
		if m.Route == "" || utf8.RuneCountInString(m.Route) > maxOrderLength {
			ps.Add(PreMedicationField(i, "route"), "Give how %s is given, such as ODT or oral.", nonEmpty(m.Drug, "the pre-medication"))
		}
		if m.MinutesBefore < 0 || m.MinutesBefore > maxPreMedicationMinutes {
			ps.Add(PreMedicationField(i, "minutes_before"), "Give how many minutes before dosing, from 0 to %d.", maxPreMedicationMinutes)
		}
	}
	if a := o.AdditionalDoses; a.Allowed {
		if math.IsNaN(a.MaxTotalMg) || a.MaxTotalMg <= 0 || a.MaxTotalMg > MaxLimitMg {
			ps.Add(FieldAdditionalMaxMg, "Give the most a session may total in mg with its additional doses, the first dose included.")
		} else if over := d.additionalAboveLimits(); over != "" {
			ps.Add(FieldAdditionalMaxMg, "%s", over)
		}
		if a.MinMinutesAfterFirst < 0 || a.MinMinutesAfterFirst > maxPreMedicationMinutes {
			ps.Add(FieldAdditionalMinutes, "Give how many minutes after the first dose an additional one may follow, from 0 to %d.", maxPreMedicationMinutes)
		}
	}
}

// additionalAboveLimits names a session total above every mg maximum the draft sets: the plan
// could then never be used in full.
func (d Draft) additionalAboveLimits() string {
	most := 0.0
	for _, l := range d.Limits {
		if l.MaxMg == 0 {
			return "" // a mg/kg maximum depends on the day's weight
		}
		most = math.Max(most, l.MaxMg)
	}
	if most > 0 && d.Orders.AdditionalDoses.MaxTotalMg > most {
		return fmt.Sprintf("The session total for additional doses (%s mg) is above your maximum per session (%s mg); the maximum always applies.",
			number(d.Orders.AdditionalDoses.MaxTotalMg), number(most))
	}
	return ""
}

func nonEmpty(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// LimitField names the form field of a route's limit: part is "mg" or
// "mg_per_kg".
func LimitField(r dosing.Route, part string) string { return "limit." + string(r) + "." + part }

// Validate says what is wrong with a normalised draft, field by field, without a weight: a
// maximum in mg for a route whose reported range is per kg is checked when signing
// (ValidateAt).
func (d Draft) Validate() clinic.Problems { return d.ValidateAt(0) }

// ValidateAt is Validate with the client's latest weight in kg (0 when none).
func (d Draft) ValidateAt(kg float64) clinic.Problems {
	var ps clinic.Problems
	d.validateOrders(&ps)
	d.checkBounds(&ps, kg)
	switch d.Decision {
	case Approved, ApprovedWithConditions, NotApproved:
	default:
		ps.Add("decision", "Choose approved, approved with conditions, or not approved.")
	}
	if d.Decision == ApprovedWithConditions && d.Conditions == "" {
		ps.Add("conditions", "Write the conditions of the approval.")
	}
	if d.Decision == NotApproved && d.Reason == "" {
		ps.Add("reason", "Write why the client is not approved; the care team reads it.")
	}
	for field, text := range map[string]string{"conditions": d.Conditions, "reason": d.Reason, "notes": d.Notes} {
		if utf8.RuneCountInString(text) > maxText {
			ps.Add(field, "Keep this under %d characters; add more as an addendum after signing.", maxText)
		}
	}
	seen := map[dosing.Route]bool{}
	for _, l := range d.Limits {
		if !l.Route.Valid() {
			ps.Add("limits", "%q is not a route holdspace records.", string(l.Route))
			continue
		}
		if seen[l.Route] {
			ps.Add("limits", "The %s route is given twice; give one maximum per route.", l.Route.Label())
		}
		seen[l.Route] = true
		checkLimit(&ps, LimitField(l.Route, "mg"), l.MaxMg, MaxLimitMg, "mg", l.Route)
		checkLimit(&ps, LimitField(l.Route, "mg_per_kg"), l.MaxMgPerKg, MaxLimitMgPerKg, "mg/kg", l.Route)
	}
	switch {
	case (d.Decision == Approved || d.Decision == ApprovedWithConditions) && len(d.Limits) == 0:
		ps.Add("limits", "Set a maximum dose (mg, mg/kg or both) for at least one route.")
	case d.Decision == NotApproved && len(d.Limits) > 0:
		ps.Add("limits", "A client who is not approved has no dose limits; clear them.")
	}
	if len(d.PreMedication) > maxOrders {
		ps.Add("premedication", "Give at most %d pre-medication orders.", maxOrders)
	}
	for _, o := range d.PreMedication {
		if utf8.RuneCountInString(o) > maxOrderLength {
			ps.Add("premedication", "Keep each order under %d characters: %.40q… is longer.", maxOrderLength, o)
		}
	}
	return ps
}

func checkLimit(ps *clinic.Problems, field string, v, max float64, unit string, r dosing.Route) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		ps.Add(field, "The %s maximum for %s must be a positive number.", unit, r.Label())
	case v > max:
		ps.Add(field, "%s %s for %s is above %s %s, more than holdspace accepts as a maximum for one session; check the number and the unit.",
			number(v), unit, r.Label(), number(max), unit)
	}
}

func number(v float64) string { return fmt.Sprint(math.Round(v*1000) / 1000) }

// Signature is an electronic signature: who, their printed name as it
// stood when they signed, when, what it means, and the SHA-256 binding it
// to the content signed.
type Signature struct {
	SignerID   string    `json:"signer_id"`
	SignerName string    `json:"signer_name"`
	SignedAt   time.Time `json:"signed_at"`
	Meaning    Meaning   `json:"meaning"`
	Hash       string    `json:"sha256"`
}

// Signer is the prescriber about to sign, with their printed name.
type Signer struct {
	StaffID string
	Name    string
}

// PrintedName is a staff member's name with credentials, as signed.
func PrintedName(fullName, credentials string) string {
	if credentials = strings.TrimSpace(credentials); credentials != "" {
		return strings.TrimSpace(fullName) + ", " + credentials
	}
	return strings.TrimSpace(fullName)
}

// Evaluation is a signed evaluation with its addenda.
type Evaluation struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Draft
	// Signature is embedded so SignedAt, SignerName and the rest read as
	// the evaluation's own; in JSON it is its own object.
	Signature `json:"signature"`
	Addenda   []Addendum `json:"addenda"`
	// Superseded is set when a newer evaluation of the client exists.
	Superseded bool `json:"superseded"`
}

// Approved reports whether the client may go on to medicine sessions
// under this evaluation (approved, with or without conditions).
func (e *Evaluation) Approved() bool {
	return e != nil && (e.Decision == Approved || e.Decision == ApprovedWithConditions)
}

// Limit is the prescriber's maximum for a route; false when the route is
// not allowed in this course.
func (e *Evaluation) Limit(r dosing.Route) (dosing.Limit, bool) {
	if e == nil {
		return dosing.Limit{}, false
	}
	for _, l := range e.Limits {
		if l.Route == r {
			return l, true
		}
	}
	return dosing.Limit{}, false
}

// Addendum is text added to a signed evaluation, signed on its own and
// bound to the evaluation's hash.
type Addendum struct {
	ID           string `json:"id"`
	EvaluationID string `json:"evaluation_id"`
	// EvaluationHash is the hash of the evaluation it was added to.
	EvaluationHash string `json:"evaluation_sha256"`
	Text           string `json:"text"`
	Signature      `json:"signature"`
}

// limitContent spells out both parts of a limit, zero when unset, so the
// hashed encoding does not depend on omitempty.
type limitContent struct {
	Route      string  `json:"route"`
	MaxMg      float64 `json:"max_mg"`
	MaxMgPerKg float64 `json:"max_mg_per_kg"`
}

// evaluationContent is the canonical form of what an evaluation's
// signature covers. Its field order is fixed by the struct; times are UTC
// to the microsecond, as stored.
type evaluationContent struct {
	Record        string         `json:"record"`
	ID            string         `json:"id"`
	ClientID      string         `json:"client_id"`
	Decision      string         `json:"decision"`
	Conditions    string         `json:"conditions"`
	Reason        string         `json:"reason"`
	Limits        []limitContent `json:"limits"`
	PreMedication []string       `json:"premedication"`
	Notes         string         `json:"notes"`
	// Orders and AboveBound are left out when empty, so evaluations signed before they
	// existed hash as they did.
	Orders     *ordersContent `json:"orders,omitempty"`
	AboveBound []boundContent `json:"above_bound,omitempty"`
	SignerID   string         `json:"signer_id"`
	SignerName string         `json:"signer_name"`
	Meaning    string         `json:"meaning"`
	SignedAt   string         `json:"signed_at"`
}

// ordersContent spells out the structured orders with every number, fixed here so that a
// later field of dosing.ClientConditions does not change what was signed.
type ordersContent struct {
	HoldSystolic         int                    `json:"hold_systolic"`
	HoldDiastolic        int                    `json:"hold_diastolic"`
	HeldSubstances       []heldContent          `json:"held_substances"`
	PreMedications       []preMedicationContent `json:"premedications"`
	AdditionalAllowed    bool                   `json:"additional_allowed"`
	AdditionalMaxTotalMg float64                `json:"additional_max_total_mg"`
	AdditionalMinMinutes int                    `json:"additional_min_minutes_after_first"`
}

type heldContent struct {
	Substance string `json:"substance"`
	Hours     int    `json:"hours"`
}

type preMedicationContent struct {
	Drug          string  `json:"drug"`
	DoseMg        float64 `json:"dose_mg"`
	Route         string  `json:"route"`
	MinutesBefore int     `json:"minutes_before"`
}

type boundContent struct {
	Route  string `json:"route"`
	Reason string `json:"reason"`
}

func contentOfOrders(o dosing.ClientConditions) *ordersContent {
	if o.Empty() {
		return nil
	}
	c := &ordersContent{AdditionalAllowed: o.AdditionalDoses.Allowed, AdditionalMaxTotalMg: o.AdditionalDoses.MaxTotalMg,
		AdditionalMinMinutes: o.AdditionalDoses.MinMinutesAfterFirst}
	if o.Hold != nil {
		c.HoldSystolic, c.HoldDiastolic = o.Hold.SystolicMmHg, o.Hold.DiastolicMmHg
	}
	c.HeldSubstances = []heldContent{}
	for _, h := range o.HeldSubstances {
		c.HeldSubstances = append(c.HeldSubstances, heldContent{Substance: h.Substance, Hours: h.Hours})
	}
	c.PreMedications = []preMedicationContent{}
	for _, m := range o.PreMedications {
		c.PreMedications = append(c.PreMedications, preMedicationContent{Drug: m.Drug, DoseMg: m.DoseMg, Route: m.Route, MinutesBefore: m.MinutesBefore})
	}
	return c
}

type addendumContent struct {
	Record         string `json:"record"`
	ID             string `json:"id"`
	EvaluationID   string `json:"evaluation_id"`
	EvaluationHash string `json:"evaluation_sha256"`
	ClientID       string `json:"client_id"`
	Text           string `json:"text"`
	SignerID       string `json:"signer_id"`
	SignerName     string `json:"signer_name"`
	Meaning        string `json:"meaning"`
	SignedAt       string `json:"signed_at"`
}

func instant(t time.Time) string { return store.Instant(t).Format(time.RFC3339Nano) }

// Content is the canonical JSON the evaluation's signature hashes.
func (e Evaluation) Content() []byte {
	c := evaluationContent{Record: "evaluation", ID: e.ID, ClientID: e.ClientID, Decision: string(e.Decision),
		Conditions: e.Conditions, Reason: e.Reason, Limits: []limitContent{}, PreMedication: []string{}, Notes: e.Notes,
		SignerID: e.Signature.SignerID, SignerName: e.Signature.SignerName, Meaning: string(e.Signature.Meaning), SignedAt: instant(e.Signature.SignedAt)}
	for _, l := range e.Limits {
		c.Limits = append(c.Limits, limitContent{Route: string(l.Route), MaxMg: l.MaxMg, MaxMgPerKg: l.MaxMgPerKg})
	}
	c.PreMedication = append(c.PreMedication, e.PreMedication...)
	c.Orders = contentOfOrders(e.Orders)
	for _, a := range e.AboveBound {
		c.AboveBound = append(c.AboveBound, boundContent{Route: string(a.Route), Reason: a.Reason})
	}
	b, _ := json.Marshal(c) // plain strings and numbers: cannot fail
	return b
}

// Content is the canonical JSON the addendum's signature hashes; clientID
// is the evaluation's client.
func (a *Addendum) Content(clientID string) []byte {
	b, _ := json.Marshal(addendumContent{Record: "evaluation_addendum", ID: a.ID, EvaluationID: a.EvaluationID,
		EvaluationHash: a.EvaluationHash, ClientID: clientID, Text: a.Text, SignerID: a.Signature.SignerID,
		SignerName: a.Signature.SignerName, Meaning: string(a.Signature.Meaning), SignedAt: instant(a.Signature.SignedAt)})
	return b
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ErrAltered is returned by Verify when stored content no longer matches
// its signature's hash.
var ErrAltered = errors.New("the record was changed after it was signed")

// Verify recomputes the hash of the evaluation and of each addendum and
// says which, if any, no longer match what was signed.
func (e Evaluation) Verify() error {
	var errs []error
	if !e.ContentIntact() {
		errs = append(errs, fmt.Errorf("evaluation %s: %w", e.ID, ErrAltered))
	}
	for _, a := range e.Addenda {
		if !e.AddendumIntact(a) {
			errs = append(errs, fmt.Errorf("addendum %s: %w", a.ID, ErrAltered))
		}
	}
	return errors.Join(errs...)
}

// Intact reports whether Verify finds nothing altered, for pages.
func (e Evaluation) Intact() bool { return e.Verify() == nil }

// ContentIntact reports whether the evaluation itself is as signed.
func (e Evaluation) ContentIntact() bool { return hash(e.Content()) == e.Signature.Hash }

// AddendumIntact reports whether an addendum is as signed and bound to
// this evaluation as it is now.
func (e Evaluation) AddendumIntact(a Addendum) bool {
	return a.EvaluationID == e.ID && a.EvaluationHash == e.Signature.Hash && hash(a.Content(e.ClientID)) == a.Signature.Hash
}
