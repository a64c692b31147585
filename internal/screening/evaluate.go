package screening

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Outcome sums up a screening.
type Outcome string

const (
	// Blocked: at least one absolute contraindication.
	Blocked Outcome = "blocked"
	// Incomplete: nothing absolute was found, but facts some rules need are unknown, so the
	// screening cannot say the person is clear.
	Incomplete Outcome = "incomplete"
	// NeedsAcknowledgement: a relative or urgent finding that the prescriber must acknowledge.
	NeedsAcknowledgement Outcome = "needs_acknowledgement"
	// ClearWithCautions: only cautions for the clinician to read.
	ClearWithCautions Outcome = "clear_with_cautions"
	// Clear: every rule was answered and none fired.
	Clear Outcome = "clear"
)

// Overrides replace parameter defaults with the practice's own thresholds, by parameter name.
type Overrides map[string]float64

// Finding is one rule that fired.
type Finding struct {
	RuleID               string `json:"rule_id"`
	Class                Class  `json:"class"`
	Urgent               bool   `json:"urgent"`
	NeedsAcknowledgement bool   `json:"needs_acknowledgement"`
	Message              string `json:"message"`
	Source               string `json:"source"`
	// Facts are the fact values that made the rule fire.
	Facts Facts `json:"facts"`
	// Parameters are the thresholds the rule compared against, as in effect for this screening.
	Parameters map[string]float64 `json:"parameters,omitempty"`
	// Details are lines the caller adds for the clinician, such as each benzodiazepine's
	// diazepam equivalent behind an interaction finding; the rules themselves set none.
	Details []string `json:"details,omitempty"`
}

// Unanswered is a fact that is unknown although rules need it to decide.
type Unanswered struct {
	Fact    string   `json:"fact"`
	RuleIDs []string `json:"rule_ids"`
}

// Screening is a dated result of checking facts against a rule set.
type Screening struct {
	At             time.Time `json:"at"`
	RuleSetVersion string    `json:"rule_set_version"`
	Outcome        Outcome   `json:"outcome"`
	// NeedsClinicalAttention is set when any finding is urgent, so it can be shown before all else.
	NeedsClinicalAttention bool         `json:"needs_clinical_attention"`
	Findings               []Finding    `json:"findings"`
	Unanswered             []Unanswered `json:"unanswered"`
	// Parameters are every threshold in effect, defaults with the practice's overrides applied.
	Parameters map[string]float64 `json:"parameters"`
	// Facts are the facts screened, kept so the screening can be read again later as it was made.
	Facts Facts `json:"facts"`
}

// Evaluate screens facts against a rule set at the given time. It refuses facts the catalogue does
// not know or that have the wrong kind, and overrides for unknown parameters or outside their
// bounds, because either would quietly change what the rules check.
//
// Findings are ordered urgent first, then absolute, relative, caution, then as in the rule file.
func Evaluate(rs *RuleSet, f Facts, o Overrides, at time.Time) (Screening, error) {
	if rs == nil {
		return Screening{}, errors.New("screening: no rule set")
	}
	params, err := rs.resolve(o)
	if err != nil {
		return Screening{}, err
	}
	if err := f.Check(); err != nil {
		return Screening{}, fmt.Errorf("screening: facts rejected: %w", err)
	}

	s := Screening{
		At:             at,
		RuleSetVersion: rs.version,
		Findings:       []Finding{},
		Unanswered:     []Unanswered{},
		Parameters:     params,
		Facts:          f.Merge(nil),
	}
	missing := map[string][]string{}
	for i, r := range rs.rules {
		res := rs.nodes[i].eval(f, params)
		switch res.t {
		case yes:
			fd := Finding{
				RuleID:               r.ID,
				Class:                r.Class,
				Urgent:               r.Urgent,
				NeedsAcknowledgement: r.Class == Relative || r.Urgent,
				Message:              r.Message,
				Source:               r.Source,
				Facts:                Facts{},
			}
			for _, name := range res.facts {
				fd.Facts[name] = f.Get(name)
			}
			for _, p := range rs.nodes[i].params() {
				if fd.Parameters == nil {
					fd.Parameters = map[string]float64{}
				}
				fd.Parameters[p] = params[p]
			}
			s.Findings = append(s.Findings, fd)
		case unknown:
			for _, name := range res.facts {
				if !slices.Contains(missing[name], r.ID) {
					missing[name] = append(missing[name], r.ID)
				}
			}
		}
	}
	sort.SliceStable(s.Findings, func(i, j int) bool {
		a, b := s.Findings[i], s.Findings[j]
		if a.Urgent != b.Urgent {
			return a.Urgent
		}
		return a.Class.rank() < b.Class.rank()
	})
	for _, name := range slices.Sorted(maps.Keys(missing)) {
		s.Unanswered = append(s.Unanswered, Unanswered{Fact: name, RuleIDs: missing[name]})
	}
	for _, fd := range s.Findings {
		if fd.Urgent {
			s.NeedsClinicalAttention = true
		}
	}
	s.Outcome = outcome(s.Findings, len(s.Unanswered) > 0)
	return s, nil
}

// outcome ranks blocked over incomplete so that a contraindication already found is never hidden
// behind missing answers, and incomplete over the rest so that silence never reads as clear.
func outcome(findings []Finding, incomplete bool) Outcome {
	var relative, cautions bool
	for _, fd := range findings {
		switch {
		case fd.Class == Absolute:
			return Blocked
		case fd.NeedsAcknowledgement:
			relative = true
		default:
			cautions = true
		}
	}
	switch {
	case incomplete:
		return Incomplete
	case relative:
		return NeedsAcknowledgement
	case cautions:
		return ClearWithCautions
	}
	return Clear
}

func (rs *RuleSet) resolve(o Overrides) (map[string]float64, error) {
	params := make(map[string]float64, len(rs.params))
	bounds := make(map[string]Parameter, len(rs.params))
	for _, p := range rs.params {
		params[p.Name] = p.Default
		bounds[p.Name] = p
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(o)) {
		v := o[name]
		p, ok := bounds[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("override %q is not a parameter of rule set %s", name, rs.version))
		case !(v >= p.Min && v <= p.Max):
			errs = append(errs, fmt.Errorf("override %q is %s; it must lie within %s–%s %s",
				name, fmtNum(v), fmtNum(p.Min), fmtNum(p.Max), p.Unit))
		default:
			params[name] = v
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("screening: overrides rejected: %w", errors.Join(errs...))
	}
	return params, nil
}

// truth is three-valued: a rule over an unknown fact is neither met nor unmet.
type truth int8

const (
	no truth = iota
	unknown
	yes
)

// result carries, for yes, the facts that made it so, and for unknown, the facts still missing.
type result struct {
	t     truth
	facts []string
}

func (n node) eval(f Facts, params map[string]float64) result {
	switch {
	case n.any != nil:
		return combine(n.any, f, params, yes, no)
	case n.all != nil:
		return combine(n.all, f, params, no, yes)
	}
	v := f.Get(n.fact)
	if !v.Known() {
		return result{t: unknown, facts: []string{n.fact}}
	}
	if n.test(v, params) {
		return result{t: yes, facts: []string{n.fact}}
	}
	return result{t: no}
}

// combine is any (decisive yes) or all (decisive no) in Kleene logic: one decisive child settles
// it; otherwise an unknown child leaves it unknown.
func combine(kids []node, f Facts, params map[string]float64, decisive, rest truth) result {
	var decided, missing, met []string
	var sawDecisive, sawUnknown bool
	for _, k := range kids {
		r := k.eval(f, params)
		switch r.t {
		case decisive:
			sawDecisive = true
			decided = appendNew(decided, r.facts...)
		case unknown:
			sawUnknown = true
			missing = appendNew(missing, r.facts...)
		default:
			met = appendNew(met, r.facts...)
		}
	}
	switch {
	case sawDecisive && decisive == yes:
		return result{t: yes, facts: decided}
	case sawDecisive:
		return result{t: no}
	case sawUnknown:
		return result{t: unknown, facts: missing}
	case rest == yes:
		return result{t: yes, facts: met}
	}
	return result{t: no}
}

func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

func (n node) test(v Value, params map[string]float64) bool {
	switch n.op {
	case OpIsTrue:
		b, _ := v.AsBool()
		return b
	case OpIsFalse:
		b, _ := v.AsBool()
		return !b
	case OpIn:
		s, _ := v.AsText()
		return slices.Contains(n.in, s)
	}
	x, _ := v.AsNumber()
	limit := n.num
	if n.param != "" {
		limit = params[n.param]
	}
	switch n.op {
	case OpGT:
		return x > limit
	case OpGTE:
		return x >= limit
	case OpLT:
		return x < limit
	case OpLTE:
		return x <= limit
	}
	return false
}

func (n node) params() []string {
	var out []string
	if n.param != "" {
		out = append(out, n.param)
	}
	for _, k := range n.any {
		out = appendNew(out, k.params()...)
	}
	for _, k := range n.all {
		out = appendNew(out, k.params()...)
	}
	return out
}
