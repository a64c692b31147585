package instrument

import (
	"fmt"
	"math"
	"strings"
)

// Change compares a current result with a baseline under the definition's
// response, remission and meaningful-change rules.
type Change struct {
	Code string `json:"code"`
	// Comparable is false when the results cannot be set side by side
	// (different instruments, or an instrument with no total).
	Comparable bool `json:"comparable"`
	Baseline   int  `json:"baseline"`
	Current    int  `json:"current"`
	Absolute   int  `json:"absolute_change"`
	// PercentChange is absent when the baseline is 0: no percentage of
	// nothing exists.
	PercentChange *float64 `json:"percent_change,omitempty"`
	Response      bool     `json:"response"`
	Remission     bool     `json:"remission"`
	Meaningful    bool     `json:"meaningful_change"`
	Description   string   `json:"description"`
}

// Compare describes the change from baseline to current in numbers and in
// plain words, e.g. "PHQ-9 fell from 18 to 7 (−61%): response, not
// remission.". Rules a definition leaves unset are left out of the words
// and their flags stay false.
func Compare(def *Definition, baseline, current Result) Change {
	if def == nil {
		return Change{Description: "No instrument definition to compare against."}
	}
	ch := Change{Code: def.Code}
	if baseline.Code != def.Code || current.Code != def.Code {
		ch.Description = fmt.Sprintf("Cannot compare: %s needs two %s results, got %q and %q.",
			def.ShortName, def.ShortName, baseline.Code, current.Code)
		return ch
	}
	if !def.hasComparableTotal(baseline, current) {
		ch.Description = noTotalDescription(def, baseline, current)
		return ch
	}

	b, c := baseline.Total, current.Total
	ch.Comparable = true
	ch.Baseline, ch.Current, ch.Absolute = b, c, c-b
	if b != 0 {
		p := float64(c-b) * 100 / float64(b)
		ch.PercentChange = &p
	}
	if r := def.Response; r != nil && b > 0 {
		// Integer form of (b-c)/b >= pct/100, so exactly 50% counts.
		ch.Response = (b-c)*100 >= r.MinReductionPercent*b
	}
	if r := def.Remission; r != nil {
		ch.Remission = c < r.Below
	}
	if r := def.Meaningful; r != nil {
		ch.Meaningful = abs(c-b) >= r.Points
	}
	ch.Description = describeChange(def, ch, baseline, current)
	return ch
}

func (d *Definition) hasComparableTotal(baseline, current Result) bool {
	return d.Total != nil && baseline.HasTotal && current.HasTotal
}

func noTotalDescription(def *Definition, baseline, current Result) string {
	if def.Risk != nil && baseline.RiskLevel != "" && current.RiskLevel != "" {
		if baseline.RiskLevel == current.RiskLevel {
			return fmt.Sprintf("%s has no total score; risk level unchanged at %s.", def.ShortName, current.RiskLevel)
		}
		return fmt.Sprintf("%s has no total score; risk level was %s, now %s.", def.ShortName, baseline.RiskLevel, current.RiskLevel)
	}
	return fmt.Sprintf("%s results have no total score to compare.", def.ShortName)
}

func describeChange(def *Definition, ch Change, baseline, current Result) string {
	var b strings.Builder
	switch {
	case ch.Current < ch.Baseline:
		fmt.Fprintf(&b, "%s fell from %d to %d", def.ShortName, ch.Baseline, ch.Current)
	case ch.Current > ch.Baseline:
		fmt.Fprintf(&b, "%s rose from %d to %d", def.ShortName, ch.Baseline, ch.Current)
	default:
		fmt.Fprintf(&b, "%s unchanged at %d", def.ShortName, ch.Current)
	}
	if ch.PercentChange != nil {
		fmt.Fprintf(&b, " (%s)", formatPercent(*ch.PercentChange))
	} else {
		b.WriteString(" (no percentage change from a baseline of 0)")
	}

	var verdicts []string
	if def.Response != nil {
		verdicts = append(verdicts, yesNo(ch.Response, "response", "no response"))
	}
	if def.Remission != nil {
		verdicts = append(verdicts, yesNo(ch.Remission, "remission", "not remission"))
	}
	if def.Meaningful != nil {
		verdicts = append(verdicts, yesNo(ch.Meaningful,
			fmt.Sprintf("a meaningful change (%d points or more)", def.Meaningful.Points),
			fmt.Sprintf("less than a meaningful change (%d points)", def.Meaningful.Points)))
	}
	if len(verdicts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(verdicts, ", "))
	}
	b.WriteString(".")

	// A prorated total is an estimate; say so wherever it is compared.
	switch {
	case baseline.Prorated && current.Prorated:
		b.WriteString(" Both totals were prorated for missing answers.")
	case baseline.Prorated:
		b.WriteString(" The baseline total was prorated for missing answers.")
	case current.Prorated:
		b.WriteString(" The current total was prorated for missing answers.")
	}
	return b.String()
}

// formatPercent writes a whole-number percentage with a true minus sign,
// as a clinician would write it by hand.
func formatPercent(p float64) string {
	r := math.Round(p)
	switch {
	case r < 0:
		return fmt.Sprintf("\u2212%.0f%%", -r)
	case r > 0:
		return fmt.Sprintf("+%.0f%%", r)
	default:
		return "0%"
	}
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
