package instrument

import (
	"errors"
	"slices"
	"testing"
)

func mustDef(t *testing.T, code string) *Definition {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	d, ok := c.Get(code)
	if !ok {
		t.Fatalf("no definition %q", code)
	}
	return d
}

// fill answers every scored item, in order, as high as it goes until the
// answers add up to target: a worked example for any total.
func fill(t *testing.T, d *Definition, target int) map[string]int {
	t.Helper()
	answers := map[string]int{}
	left := target
	for _, it := range d.Items {
		if it.NotScored || it.ShowIf != nil {
			continue
		}
		lo, hi := it.valueRange()
		v := min(max(left, lo), hi)
		answers[it.ID] = v
		left -= v
	}
	if left != 0 {
		t.Fatalf("%s: cannot reach total %d", d.Code, target)
	}
	return answers
}

// answerList maps values onto the instrument's items in order.
func answerList(d *Definition, values ...int) map[string]int {
	answers := map[string]int{}
	for i, v := range values {
		answers[d.Items[i].ID] = v
	}
	return answers
}

func mustScore(t *testing.T, d *Definition, answers map[string]int) Result {
	t.Helper()
	r, err := Score(d, answers)
	if err != nil {
		t.Fatalf("Score(%s): %v", d.Code, err)
	}
	return r
}

// answerErr scores answers expecting an *AnswerError and returns the
// sorted ids it names.
func answerErr(t *testing.T, d *Definition, answers map[string]int) (*AnswerError, []string) {
	t.Helper()
	_, err := Score(d, answers)
	var ae *AnswerError
	if !errors.As(err, &ae) {
		t.Fatalf("Score(%s) error = %v, want *AnswerError", d.Code, err)
	}
	ids := make([]string, 0, len(ae.Items))
	for id := range ae.Items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ae, ids
}

func findingItems(r Result) []string {
	ids := make([]string, 0, len(r.Critical))
	for _, f := range r.Critical {
		ids = append(ids, f.Item)
	}
	return ids
}
