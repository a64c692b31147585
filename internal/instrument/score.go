package instrument

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// TotalKey is the only answer key a total-only instrument accepts.
const TotalKey = "total"

// Result is a scored instrument. It carries the rules' version so a stored
// result can be traced to the definition that produced it.
type Result struct {
	Code    string `json:"code"`
	Version string `json:"version"`
	// HasTotal is false for instruments that triage instead of summing.
	HasTotal bool   `json:"has_total"`
	Total    int    `json:"total"`
	Max      int    `json:"max"`
	Band     string `json:"band,omitempty"`
	// ClinicianEntered marks a total typed in from a licensed paper form.
	ClinicianEntered bool `json:"clinician_entered"`
	// Prorated totals were completed from the answered items under the
	// instrument's missing-answer rule; ProratedOver names the gaps.
	Prorated       bool           `json:"prorated"`
	ProratedOver   []string       `json:"prorated_over,omitempty"`
	Critical       []Finding      `json:"critical_findings"`
	Clusters       []ClusterScore `json:"clusters,omitempty"`
	Diagnosis      *Diagnosis     `json:"provisional_diagnosis,omitempty"`
	RiskLevel      string         `json:"risk_level,omitempty"`
	SafetyPositive bool           `json:"safety_positive"`
}

// Finding is one critical answer that must reach a clinician.
type Finding struct {
	Item    string `json:"item"`
	Value   int    `json:"value"`
	Label   string `json:"label"`
	Message string `json:"message"`
}

// ClusterScore is a symptom cluster's subtotal and symptom count.
type ClusterScore struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Score       int    `json:"score"`
	Max         int    `json:"max"`
	Symptoms    int    `json:"symptoms"`
	MinSymptoms int    `json:"min_symptoms"`
	Met         bool   `json:"met"`
}

// Diagnosis is a provisional diagnosis. It is a screening result for a
// clinician to confirm, never a diagnosis made by holdspace.
type Diagnosis struct {
	Label         string `json:"label"`
	Met           bool   `json:"met"`
	BySymptomRule bool   `json:"by_symptom_rule"`
	ByCutPoint    bool   `json:"by_cut_point"`
	CutPoint      int    `json:"cut_point"`
}

// Score validates answers against the definition and scores them. Every
// answer problem is reported together in an *AnswerError.
func Score(def *Definition, answers map[string]int) (Result, error) {
	if def == nil {
		return Result{}, errors.New("instrument: no definition to score against")
	}
	if def.TotalOnly {
		return scoreTotalOnly(def, answers)
	}
	aerr := &AnswerError{Instrument: def.ShortName}

	for id, v := range answers {
		it, ok := def.Item(id)
		if !ok {
			aerr.add(id, "not an item of "+def.ShortName)
			continue
		}
		if _, ok := it.option(v); !ok {
			aerr.add(id, fmt.Sprintf("%d is not an allowed answer; allowed: %s", v, describeOptions(it.Options)))
		}
	}
	if !aerr.empty() {
		return Result{}, aerr
	}

	shown := map[string]bool{}
	for _, it := range def.Items {
		shown[it.ID] = isShown(it, answers)
		if _, answered := answers[it.ID]; answered && !shown[it.ID] {
			aerr.add(it.ID, "not asked: "+describeShowIf(def, *it.ShowIf))
		}
	}
	if !aerr.empty() {
		return Result{}, aerr
	}

	missing, err := missingItems(def, answers, shown)
	if err != nil {
		return Result{}, err
	}

	res := Result{Code: def.Code, Version: def.Version, Critical: []Finding{}}
	if def.Total != nil {
		res.HasTotal = true
		res.Max = def.Total.Max
		res.Total, res.Prorated = total(def, answers, shown, len(missing))
		if res.Prorated {
			res.ProratedOver = missing
		}
		res.Band = def.bandFor(res.Total)
	}
	for _, c := range def.CriticalItems {
		v, answered := answers[c.Item]
		if answered && v >= c.AtLeast {
			it, _ := def.Item(c.Item)
			opt, _ := it.option(v)
			res.Critical = append(res.Critical, Finding{Item: c.Item, Value: v, Label: opt.Label, Message: c.Message})
		}
	}
	res.Clusters, res.Diagnosis = clusters(def, answers, res.Total)
	if def.Risk != nil {
		res.RiskLevel = riskLevel(def.Risk, answers)
	}
	res.SafetyPositive = len(res.Critical) > 0 ||
		(def.Risk != nil && slices.Contains(def.Risk.SafetyLevels, res.RiskLevel))
	return res, nil
}

func scoreTotalOnly(def *Definition, answers map[string]int) (Result, error) {
	aerr := &AnswerError{Instrument: def.ShortName}
	for id := range answers {
		if id != TotalKey {
			aerr.add(id, fmt.Sprintf("%s records only a clinician-entered total under the key %q", def.ShortName, TotalKey))
		}
	}
	v, ok := answers[TotalKey]
	switch {
	case !ok:
		aerr.add(TotalKey, "missing: enter the total scored on the licensed form")
	case v < def.Total.Min || v > def.Total.Max:
		aerr.add(TotalKey, fmt.Sprintf("%d is outside the %s range %d–%d", v, def.ShortName, def.Total.Min, def.Total.Max))
	}
	if !aerr.empty() {
		return Result{}, aerr
	}
	return Result{
		Code:             def.Code,
		Version:          def.Version,
		HasTotal:         true,
		Total:            v,
		Max:              def.Total.Max,
		Band:             def.bandFor(v),
		ClinicianEntered: true,
		Critical:         []Finding{},
	}, nil
}

func isShown(it Item, answers map[string]int) bool {
	if it.ShowIf == nil {
		return true
	}
	v, ok := answers[it.ShowIf.Item]
	return ok && v >= it.ShowIf.AtLeast
}

// missingItems applies the instrument's missing-answer rule. It returns the
// scored items a total may be prorated over, or an error naming every item
// that must be answered first.
func missingItems(def *Definition, answers map[string]int, shown map[string]bool) ([]string, error) {
	var scored, other []string
	for _, it := range def.Items {
		if _, answered := answers[it.ID]; answered || !shown[it.ID] || it.Optional {
			continue
		}
		if it.NotScored {
			other = append(other, it.ID)
		} else {
			scored = append(scored, it.ID)
		}
	}
	if len(scored)+len(other) == 0 {
		return nil, nil
	}
	aerr := &AnswerError{Instrument: def.ShortName}
	for _, id := range other {
		aerr.add(id, "missing: an answer is required")
	}
	rule := def.Missing
	switch {
	case rule.MaxProrated == 0:
		for _, id := range scored {
			aerr.add(id, fmt.Sprintf("missing: %s is scored only when every item shown is answered", def.ShortName))
		}
	case len(scored) > rule.MaxProrated:
		for _, id := range scored {
			aerr.add(id, fmt.Sprintf("missing: %d items are unanswered and %s can be prorated over at most %d", len(scored), def.ShortName, rule.MaxProrated))
		}
	default:
		for _, id := range scored {
			if slices.Contains(rule.NeverProrated, id) {
				aerr.add(id, "missing: this item must always be answered and is never prorated")
			}
		}
	}
	if !aerr.empty() {
		return nil, aerr
	}
	return scored, nil
}

// total sums the scored answers. With missing items it prorates: the mean
// of the answered items stands in for each missing one, rounded half up.
func total(def *Definition, answers map[string]int, shown map[string]bool, missing int) (int, bool) {
	sum, n := 0, 0
	for _, it := range def.Items {
		if it.NotScored || !shown[it.ID] {
			continue
		}
		n++
		sum += answers[it.ID]
	}
	if missing == 0 {
		return sum, false
	}
	answered := n - missing
	// sum*n/answered rounded half up, in integers so no float edge can move
	// a total across a band boundary.
	return (2*sum*n + answered) / (2 * answered), true
}

func clusters(def *Definition, answers map[string]int, totalScore int) ([]ClusterScore, *Diagnosis) {
	if len(def.Clusters) == 0 {
		return nil, nil
	}
	dg := def.Diagnosis
	out := make([]ClusterScore, 0, len(def.Clusters))
	allMet := true
	for _, c := range def.Clusters {
		cs := ClusterScore{ID: c.ID, Name: c.Name, MinSymptoms: c.MinSymptoms}
		for _, id := range c.Items {
			it, _ := def.Item(id)
			_, hi := it.valueRange()
			cs.Max += hi
			v := answers[id]
			cs.Score += v
			if dg != nil && v >= dg.SymptomAtLeast {
				cs.Symptoms++
			}
		}
		cs.Met = dg != nil && cs.Symptoms >= c.MinSymptoms
		allMet = allMet && cs.Met
		out = append(out, cs)
	}
	if dg == nil {
		return out, nil
	}
	d := &Diagnosis{
		Label:         dg.Label,
		BySymptomRule: allMet,
		ByCutPoint:    totalScore >= dg.CutPoint,
		CutPoint:      dg.CutPoint,
	}
	if dg.Combine == "both" {
		d.Met = d.BySymptomRule && d.ByCutPoint
	} else {
		d.Met = d.BySymptomRule || d.ByCutPoint
	}
	return out, d
}

func riskLevel(r *RiskRule, answers map[string]int) string {
	for _, l := range r.Levels {
		for _, c := range l.WhenAny {
			if v, ok := answers[c.Item]; ok && v >= c.AtLeast {
				return l.Level
			}
		}
	}
	return r.Default
}

func describeOptions(opts []Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = fmt.Sprintf("%d (%s)", o.Value, o.Label)
	}
	return strings.Join(parts, ", ")
}

func describeShowIf(def *Definition, c Condition) string {
	it, _ := def.Item(c.Item)
	opt, _ := it.option(c.AtLeast)
	label := opt.Label
	if label == "" {
		label = fmt.Sprint(c.AtLeast)
	}
	_, hi := it.valueRange()
	more := ""
	if c.AtLeast < hi {
		more = " or higher"
	}
	return fmt.Sprintf("shown only when %s is answered %q%s", c.Item, label, more)
}
