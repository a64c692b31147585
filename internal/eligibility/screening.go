package eligibility

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// Screening is a stored, dated screening with its acknowledgements.
type Screening struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	screening.Screening
	// Trigger says why it ran: submitted, changed (answers changed after
	// submission) or vitals (a resting blood pressure was recorded).
	Trigger          string            `json:"trigger"`
	TriggerNote      string            `json:"trigger_note,omitempty"`
	RunBy            By                `json:"run_by"`
	Acknowledgements []Acknowledgement `json:"acknowledgements"`
	// Settled: nothing absolute, nothing unanswered, and every finding that
	// needs the prescriber's acknowledgement has it (screening.Acknowledged).
	Settled bool `json:"settled"`
	// Pending are the rule ids of findings still in the way.
	Pending []string `json:"pending"`
}

// Acknowledgement is a prescriber's documented acknowledgement of one
// finding, as stored.
type Acknowledgement struct {
	ID string `json:"id"`
	screening.Acknowledgement
	PrescriberName string `json:"prescriber_name"`
	// CarriedFrom names the acknowledgement of an earlier screening this one
	// repeats: the facts behind the finding had not changed.
	CarriedFrom string `json:"carried_from,omitempty"`
}

// AcknowledgementFor returns the acknowledgement of a rule, if any.
func (s Screening) AcknowledgementFor(ruleID string) (Acknowledgement, bool) {
	for _, a := range s.Acknowledgements {
		if a.RuleID == ruleID {
			return a, true
		}
	}
	return Acknowledgement{}, false
}

// visitFacts is the merge point for facts measured rather than answered:
// the latest resting blood pressure recorded for the screening. When the
// chart keeps vitals of its own, their screening-relevant readings belong
// here too; the intake's facts are laid under these (screening.Facts.Merge).
func (u Use) visitFacts(ctx context.Context, clientID string) (screening.Facts, error) {
	v, err := u.latestVitals(ctx, clientID)
	if err != nil || v == nil {
		return screening.Facts{}, err
	}
	return screening.Facts{
		screening.FactBPSystolic:  screening.Number(float64(v.Systolic)),
		screening.FactBPDiastolic: screening.Number(float64(v.Diastolic)),
	}, nil
}

// screen evaluates the submitted intake with the visit's facts, stores the
// screening, and carries forward each acknowledgement of the previous
// screening whose finding rests on the same facts as before.
func (u Use) screen(ctx context.Context, rec Record, trigger, note string) (Screening, error) {
	if u.Rules == nil {
		return Screening{}, errors.New("eligibility: no rule set to screen with")
	}
	previous, err := u.latest(ctx, rec.ClientID)
	if err != nil {
		return Screening{}, err
	}
	facts, days, err := u.facts(ctx, rec)
	if err != nil {
		return Screening{}, err
	}
	// The practice's own thresholds are not stored yet: the defaults apply.
	var overrides screening.Overrides
	res, err := screening.Evaluate(u.Rules, facts, overrides, u.Now)
	if err != nil {
		return Screening{}, err
	}
	explain(&res, days)
	s := Screening{ID: store.NewID(), ClientID: rec.ClientID, Screening: res, Trigger: trigger, TriggerNote: note, RunBy: u.By}
	findings, _ := json.Marshal(res.Findings)
	unanswered, _ := json.Marshal(res.Unanswered)
	params, _ := json.Marshal(res.Parameters)
	factsJSON, err := json.Marshal(res.Facts)
	if err != nil {
		return s, err
	}
	if _, err := u.Tx.Exec(ctx, `INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome,
		needs_clinical_attention, findings, unanswered, parameters, facts, trigger_kind, trigger_note, run_by_kind, run_by_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, u.PracticeID, rec.ClientID, rec.ID, res.At, res.RuleSetVersion, string(res.Outcome), res.NeedsClinicalAttention,
		string(findings), string(unanswered), string(params), string(factsJSON), trigger, note, u.By.Kind, u.By.ID); err != nil {
		return s, err
	}
	if previous != nil {
		for _, fd := range res.Findings {
			if !fd.NeedsAcknowledgement {
				continue
			}
			ack, ok := previous.AcknowledgementFor(fd.RuleID)
			before, fired := previous.finding(fd.RuleID)
			if !ok || !fired || !sameFacts(before.Facts, fd.Facts) {
				continue
			}
			carried := Acknowledgement{ID: store.NewID(), Acknowledgement: screening.Acknowledgement{
				RuleID: fd.RuleID, PrescriberID: ack.PrescriberID, Reason: ack.Reason, At: u.Now}, PrescriberName: ack.PrescriberName, CarriedFrom: ack.ID}
			if err := u.insertAck(ctx, rec.ClientID, s.ID, carried); err != nil {
				return s, err
			}
			s.Acknowledgements = append(s.Acknowledgements, carried)
		}
	}
	s.settle()
	return s, nil
}

func (s Screening) finding(ruleID string) (screening.Finding, bool) {
	for _, fd := range s.Findings {
		if fd.RuleID == ruleID {
			return fd, true
		}
	}
	return screening.Finding{}, false
}

// sameFacts compares facts by their known values.
func sameFacts(a, b screening.Facts) bool {
	known := func(f screening.Facts) map[string]string {
		out := map[string]string{}
		for k, v := range f {
			if v.Known() {
				out[k] = string(v.Kind()) + ":" + v.String()
			}
		}
		return out
	}
	ka, kb := known(a), known(b)
	if len(ka) != len(kb) {
		return false
	}
	for k, v := range ka {
		if kb[k] != v {
			return false
		}
	}
	return true
}

func (s *Screening) settle() {
	acks := make([]screening.Acknowledgement, len(s.Acknowledgements))
	for i, a := range s.Acknowledgements {
		acks[i] = a.Acknowledgement
	}
	ok, pending := screening.Acknowledged(s.Screening, acks)
	s.Settled = ok
	s.Pending = []string{}
	for _, fd := range pending {
		s.Pending = append(s.Pending, fd.RuleID)
	}
	if s.Acknowledgements == nil {
		s.Acknowledgements = []Acknowledgement{}
	}
}

func (u Use) insertAck(ctx context.Context, clientID, screeningID string, a Acknowledgement) error {
	var carried any
	if a.CarriedFrom != "" {
		carried = a.CarriedFrom
	}
	_, err := u.Tx.Exec(ctx, `INSERT INTO screening_acknowledgement (id, practice_id, client_id, screening_id, rule_id, prescriber_id, reason, at, carried_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, u.PracticeID, clientID, screeningID, a.RuleID, a.PrescriberID, a.Reason, a.At, carried)
	return err
}

const screeningColumns = `s.id, s.client_id, s.screened_at, s.rule_set_version, s.outcome, s.needs_clinical_attention, s.findings, s.unanswered,
	s.parameters, s.facts, s.trigger_kind, s.trigger_note, s.run_by_kind, s.run_by_id, COALESCE(st.full_name, c.legal_name, '')`

const screeningFrom = ` FROM screening s
	LEFT JOIN staff st ON s.run_by_kind IN ('staff', 'api') AND st.id = s.run_by_id
	LEFT JOIN client c ON s.run_by_kind = 'client' AND c.id = s.run_by_id`

// Screenings lists the client's screenings, newest first, each with its
// acknowledgements.
func (u Use) Screenings(ctx context.Context, clientID string) ([]Screening, error) {
	return screenings(ctx, u.Tx, ` WHERE s.client_id = ? AND s.practice_id = ? ORDER BY s.screened_at DESC, s.id DESC`, clientID, u.PracticeID)
}

// latest is the client's newest screening, or nil.
func (u Use) latest(ctx context.Context, clientID string) (*Screening, error) {
	list, err := screenings(ctx, u.Tx, ` WHERE s.client_id = ? AND s.practice_id = ? ORDER BY s.screened_at DESC, s.id DESC LIMIT 1`, clientID, u.PracticeID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

func screenings(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Screening, error) {
	rows, err := tx.Query(ctx, `SELECT `+screeningColumns+screeningFrom+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Screening
	for rows.Next() {
		var s Screening
		var outcome, findings, unanswered, params, facts string
		if err := rows.Scan(&s.ID, &s.ClientID, &s.At, &s.RuleSetVersion, &outcome, &s.NeedsClinicalAttention, &findings, &unanswered,
			&params, &facts, &s.Trigger, &s.TriggerNote, &s.RunBy.Kind, &s.RunBy.ID, &s.RunBy.Name); err != nil {
			rows.Close()
			return nil, err
		}
		s.Outcome = screening.Outcome(outcome)
		for _, part := range []struct {
			data string
			into any
		}{{findings, &s.Findings}, {unanswered, &s.Unanswered}, {params, &s.Parameters}, {facts, &s.Facts}} {
			if err := json.Unmarshal([]byte(part.data), part.into); err != nil {
				rows.Close()
				return nil, fmt.Errorf("screening %s: %w", s.ID, err)
			}
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Acknowledgements, err = acknowledgements(ctx, tx, out[i].ID); err != nil {
			return nil, err
		}
		out[i].settle()
	}
	return out, nil
}

func acknowledgements(ctx context.Context, tx *store.Tx, screeningID string) ([]Acknowledgement, error) {
	out, err := store.All(ctx, tx, func(r store.Scanner) (a Acknowledgement, err error) {
		err = r.Scan(&a.ID, &a.RuleID, &a.PrescriberID, &a.Reason, &a.At, &a.CarriedFrom, &a.PrescriberName)
		return a, err
	}, `SELECT a.id, a.rule_id, a.prescriber_id, a.reason, a.at, COALESCE(a.carried_from, ''), COALESCE(st.full_name, '')
		FROM screening_acknowledgement a LEFT JOIN staff st ON st.id = a.prescriber_id
		WHERE a.screening_id = ? ORDER BY a.at, a.id`, screeningID)
	return nonNil(out), err
}

// reasonMax keeps an acknowledgement to what a colleague will read.
const reasonMax = 2000

// Acknowledge records the prescriber's documented acknowledgement of one
// finding of the client's newest screening. The caller has decided, with
// access.ScreeningAcknowledge, that u.By may do it. id is the new
// acknowledgement's id, chosen before the access decision so the audit
// trail names it.
func (u Use) Acknowledge(ctx context.Context, clientID, screeningID, id, ruleID, reason string) (Acknowledgement, error) {
	list, err := screenings(ctx, u.Tx, ` WHERE s.id = ? AND s.client_id = ? AND s.practice_id = ?`, screeningID, clientID, u.PracticeID)
	if err != nil {
		return Acknowledgement{}, err
	}
	if len(list) == 0 {
		return Acknowledgement{}, clinic.ErrNotFound
	}
	s := list[0]
	latest, err := u.latest(ctx, clientID)
	if err != nil {
		return Acknowledgement{}, err
	}
	if latest.ID != s.ID {
		return Acknowledgement{}, ErrSuperseded
	}
	ruleID = strings.TrimSpace(ruleID)
	reason = strings.TrimSpace(reason)
	var ps access.Problems
	fd, ok := s.finding(ruleID)
	switch {
	case ruleID == "":
		ps = append(ps, &access.Problem{Field: "rule_id", Message: "Choose the finding to acknowledge."})
	case !ok:
		ps = append(ps, &access.Problem{Field: "rule_id", Message: "This screening has no finding " + ruleID + "."})
	case fd.Class == screening.Absolute:
		ps = append(ps, &access.Problem{Field: "rule_id", Message: "An absolute contraindication cannot be acknowledged: it blocks a course until the facts behind it change."})
	case !fd.NeedsAcknowledgement:
		ps = append(ps, &access.Problem{Field: "rule_id", Message: "This finding is a caution to read; it needs no acknowledgement."})
	default:
		if prior, done := s.AcknowledgementFor(ruleID); done {
			ps = append(ps, &access.Problem{Field: "rule_id", Message: "This finding was already acknowledged by " + prior.PrescriberName + "."})
		}
	}
	switch {
	case reason == "":
		ps = append(ps, &access.Problem{Field: "reason", Message: "Write why treatment may go ahead despite this finding: what you weighed, and any conditions."})
	case utf8.RuneCountInString(reason) > reasonMax:
		ps = append(ps, &access.Problem{Field: "reason", Message: "Please shorten the reason to 2,000 characters or fewer."})
	}
	if len(ps) > 0 {
		return Acknowledgement{}, ps
	}
	a := Acknowledgement{ID: id, Acknowledgement: screening.Acknowledgement{RuleID: ruleID, PrescriberID: u.By.ID, Reason: reason, At: u.Now}}
	if err := u.insertAck(ctx, clientID, s.ID, a); err != nil {
		return a, err
	}
	by, err := u.name(ctx, By{Kind: "staff", ID: u.By.ID})
	a.PrescriberName = by.Name
	return a, err
}

// Vitals is a resting blood pressure taken for the screening.
type Vitals struct {
	ID         string    `json:"id"`
	Systolic   int       `json:"bp_systolic"`
	Diastolic  int       `json:"bp_diastolic"`
	TakenAt    time.Time `json:"taken_at"`
	RecordedBy By        `json:"recorded_by"`
}

// Bounds a reading must fall within; they match the screening catalogue's,
// so a typing slip is refused here rather than by the rules.
const (
	systolicMin, systolicMax   = 40, 300
	diastolicMin, diastolicMax = 20, 200
)

// RecordBloodPressure stores a resting blood pressure for the screening
// and, once the intake is submitted, screens again with it.
func (u Use) RecordBloodPressure(ctx context.Context, clientID string, systolic, diastolic int, takenAt time.Time) (Vitals, *Screening, error) {
	var ps access.Problems
	if systolic < systolicMin || systolic > systolicMax {
		ps = append(ps, &access.Problem{Field: "bp_systolic", Message: fmt.Sprintf("Enter the systolic (upper) number in mmHg, between %d and %d.", systolicMin, systolicMax)})
	}
	if diastolic < diastolicMin || diastolic > diastolicMax {
		ps = append(ps, &access.Problem{Field: "bp_diastolic", Message: fmt.Sprintf("Enter the diastolic (lower) number in mmHg, between %d and %d.", diastolicMin, diastolicMax)})
	} else if len(ps) == 0 && diastolic >= systolic {
		ps = append(ps, &access.Problem{Field: "bp_diastolic", Message: "The diastolic number is lower than the systolic; check the two are not swapped."})
	}
	switch {
	case takenAt.IsZero():
		ps = append(ps, &access.Problem{Field: "taken_at", Message: "Enter when the reading was taken."})
	case takenAt.After(u.Now.Add(5 * time.Minute)):
		ps = append(ps, &access.Problem{Field: "taken_at", Message: "The reading cannot be taken in the future."})
	}
	if len(ps) > 0 {
		return Vitals{}, nil, ps
	}
	v := Vitals{ID: store.NewID(), Systolic: systolic, Diastolic: diastolic, TakenAt: takenAt.UTC(), RecordedBy: u.By}
	if _, err := u.Tx.Exec(ctx, `INSERT INTO screening_vitals (id, practice_id, client_id, bp_systolic, bp_diastolic, taken_at, recorded_at, recorded_by_kind, recorded_by_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, u.PracticeID, clientID, systolic, diastolic, takenAt, u.Now, u.By.Kind, u.By.ID); err != nil {
		return v, nil, err
	}
	rec, err := u.Load(ctx, clientID)
	if err != nil || rec.Status != Submitted {
		return v, nil, err
	}
	s, err := u.screen(ctx, rec, "vitals", fmt.Sprintf("Resting blood pressure %d/%d mmHg recorded", systolic, diastolic))
	return v, &s, err
}

// VitalsList lists the readings taken for the screening, newest first.
func (u Use) VitalsList(ctx context.Context, clientID string) ([]Vitals, error) {
	out, err := store.All(ctx, u.Tx, func(r store.Scanner) (v Vitals, err error) {
		err = r.Scan(&v.ID, &v.Systolic, &v.Diastolic, &v.TakenAt, &v.RecordedBy.Kind, &v.RecordedBy.ID, &v.RecordedBy.Name)
		return v, err
	}, `SELECT v.id, v.bp_systolic, v.bp_diastolic, v.taken_at, v.recorded_by_kind, v.recorded_by_id, COALESCE(st.full_name, '')
		FROM screening_vitals v LEFT JOIN staff st ON st.id = v.recorded_by_id
		WHERE v.client_id = ? AND v.practice_id = ? ORDER BY v.taken_at DESC, v.id DESC`, clientID, u.PracticeID)
	return nonNil(out), err
}

// nonNil keeps an empty list a list: the screening's JSON answers [] where
// nothing is recorded yet, never null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

func (u Use) latestVitals(ctx context.Context, clientID string) (*Vitals, error) {
	var v Vitals
	err := u.Tx.QueryRow(ctx, `SELECT id, bp_systolic, bp_diastolic, taken_at FROM screening_vitals
		WHERE client_id = ? AND practice_id = ? ORDER BY taken_at DESC, id DESC LIMIT 1`, clientID, u.PracticeID).
		Scan(&v.ID, &v.Systolic, &v.Diastolic, &v.TakenAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &v, err
}
