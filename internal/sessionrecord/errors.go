package sessionrecord

import (
	"errors"
	"strings"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/fault"
)

// Reason says which kind of refusal an error is, so the API can choose its status.
type Reason string

// Refusal reasons.
const (
	// ReasonInvalid: what was entered cannot be stored (422).
	ReasonInvalid Reason = "invalid"
	// ReasonRule: a dosing rule says no (gate, hold, dose, discharge) (422).
	ReasonRule Reason = "rule"
	// ReasonStale: the save was based on an older version than the stored one (409).
	ReasonStale Reason = "stale"
	// ReasonLocked: the record is signed; only addenda may be added (409).
	ReasonLocked Reason = "locked"
)

// Refused is every refusal of this package: a reason, the problems field by field (several
// may share a field), and, when a rule said no, the rule's own answer with its numbers.
// It unwraps to clinic.Problems, so form helpers show each problem beside its field.
type Refused struct {
	Reason   Reason          `json:"reason"`
	Problems clinic.Problems `json:"problems"`
	// Refusals are the dosing rules' refusals behind the problems, when any.
	Refusals []dosing.Refusal `json:"refusals,omitempty"`
	// Dose is the dose check with its numbers when a dose was refused.
	Dose *dosing.DoseCheck `json:"dose,omitempty"`
	// Discharge is the checklist when a discharge was refused.
	Discharge *dosing.DischargeCheck `json:"discharge,omitempty"`
}

func (e *Refused) Error() string { return e.Problems.Error() }

// Fault is the refusal in the house's vocabulary, with the rule's own
// answer (its reason, refusals and numbers) as members of the problem.
func (e *Refused) Fault() *fault.Error {
	f := &fault.Error{Code: fault.Invalid, Title: "Refused", Message: "The record refused this; each field says why.", Err: e,
		Extra: map[string]any{"reason": e.Reason}}
	switch e.Reason {
	case ReasonInvalid:
		f.Title, f.Message = "Invalid input", "Some fields need attention."
	case ReasonStale:
		f.Code, f.Title, f.Message = fault.Conflict, "Changed meanwhile", e.Error()
	case ReasonLocked:
		f.Code, f.Title, f.Message = fault.Locked, "Signed and locked", e.Error()
	}
	for _, p := range e.Problems {
		f.Fields = append(f.Fields, fault.Field{Name: p.Field, Message: p.Message})
	}
	if len(e.Refusals) > 0 {
		f.Extra["refusals"] = e.Refusals
	}
	if e.Dose != nil {
		f.Extra["dose"] = e.Dose
	}
	if e.Discharge != nil {
		f.Extra["discharge"] = e.Discharge
	}
	return f
}

// Unwrap gives the problems to errors.As(err, &clinic.Problems{}).
func (e *Refused) Unwrap() error { return e.Problems }

// Fields joins the messages of each field into one, for the API's field errors.
func (e *Refused) Fields() map[string]string { return e.Fault().FieldMap() }

// AsRefused returns the *Refused in err's chain, nil when there is none.
func AsRefused(err error) *Refused {
	var r *Refused
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// ErrNotFound is a record, alert or course session that does not exist for the client.
var ErrNotFound = clinic.ErrNotFound

// problems collects refusals; unlike clinic.Problems.Add it keeps every message of a field.
type problems struct {
	ps       clinic.Problems
	refusals []dosing.Refusal
}

func (p *problems) add(field, msg string) {
	p.ps = append(p.ps, clinic.FieldProblem{Field: field, Message: strings.TrimSpace(msg)})
}

func (p *problems) rule(field string, r dosing.Refusal) {
	p.add(field, r.Message)
	p.refusals = append(p.refusals, r)
}

func (p *problems) empty() bool { return len(p.ps) == 0 }

func (p *problems) err(reason Reason) *Refused {
	if p.empty() {
		return nil
	}
	return &Refused{Reason: reason, Problems: p.ps, Refusals: p.refusals}
}

func refused(reason Reason, field, msg string) *Refused {
	return &Refused{Reason: reason, Problems: clinic.Problems{{Field: field, Message: msg}}}
}

// checklistField places a checklist refusal beside its field.
func checklistField(r dosing.Rule) string {
	switch r {
	case dosing.RuleIdentity:
		return "identity_confirmed"
	case dosing.RuleFastingFood:
		return "last_food_at"
	case dosing.RuleFastingLiquid:
		return "last_liquid_at"
	case dosing.RuleEscort:
		return "escort"
	case dosing.RuleNoDriving:
		return "no_driving_acknowledged"
	case dosing.RuleAlcoholBenzo:
		return "substances"
	case dosing.RuleIntention:
		return "intention"
	case dosing.RulePregnancy:
		return "pregnancy"
	case dosing.RuleHeldSubstance:
		return "held_substances"
	case dosing.RulePreMedication:
		return "premedication"
	}
	return string(r)
}
