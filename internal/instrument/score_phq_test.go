package instrument

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// Severity bands at every edge, both sides. PHQ-9: KAP.md §2; Kroenke,
// Spitzer & Williams 2001 (5, 10, 15, 20). GAD-7: KAP.md §2; Spitzer et
// al. 2006 (5, 10, 15).
func TestBandEdgesPHQ9AndGAD7(t *testing.T) {
	tests := []struct {
		code  string
		total int
		band  string
	}{
		{"phq9", 0, "Minimal"},
		{"phq9", 4, "Minimal"},
		{"phq9", 5, "Mild"},
		{"phq9", 9, "Mild"},
		{"phq9", 10, "Moderate"},
		{"phq9", 14, "Moderate"},
		{"phq9", 15, "Moderately severe"},
		{"phq9", 19, "Moderately severe"},
		{"phq9", 20, "Severe"},
		{"phq9", 27, "Severe"},
		{"gad7", 0, "Minimal"},
		{"gad7", 4, "Minimal"},
		{"gad7", 5, "Mild"},
		{"gad7", 9, "Mild"},
		{"gad7", 10, "Moderate"},
		{"gad7", 14, "Moderate"},
		{"gad7", 15, "Severe"},
		{"gad7", 21, "Severe"},
	}
	for _, tt := range tests {
		d := mustDef(t, tt.code)
		r := mustScore(t, d, fill(t, d, tt.total))
		if r.Total != tt.total || r.Band != tt.band || r.Max != d.Total.Max || !r.HasTotal {
			t.Errorf("%s total %d: got total %d band %q max %d, want band %q", tt.code, tt.total, r.Total, r.Band, r.Max, tt.band)
		}
		if r.Prorated || r.ClinicianEntered {
			t.Errorf("%s total %d: prorated %v, clinician-entered %v", tt.code, tt.total, r.Prorated, r.ClinicianEntered)
		}
	}
}

// A worked PHQ-9: 3+2+2+1+0+1+0+1+0 = 10, moderate (Kroenke et al. 2001).
func TestPHQ9WorkedExample(t *testing.T) {
	d := mustDef(t, "phq9")
	r := mustScore(t, d, answerList(d, 3, 2, 2, 1, 0, 1, 0, 1, 0))
	if r.Total != 10 || r.Band != "Moderate" || r.SafetyPositive || len(r.Critical) != 0 {
		t.Errorf("got %+v", r)
	}
	if r.Code != "phq9" || r.Version != d.Version {
		t.Errorf("result does not name its definition: %q %q", r.Code, r.Version)
	}
}

// KAP.md §2: PHQ-9 item 9 > 0 is a safety event that must reach a
// clinician, whatever the total.
func TestPHQ9Item9IsCritical(t *testing.T) {
	d := mustDef(t, "phq9")
	tests := []struct {
		item9  int
		safety bool
		label  string
	}{
		{0, false, ""},
		{1, true, "Several days"},
		{2, true, "More than half the days"},
		{3, true, "Nearly every day"},
	}
	for _, tt := range tests {
		r := mustScore(t, d, answerList(d, 0, 0, 0, 0, 0, 0, 0, 0, tt.item9))
		if r.SafetyPositive != tt.safety {
			t.Errorf("item 9 = %d: safety %v, want %v", tt.item9, r.SafetyPositive, tt.safety)
		}
		if !tt.safety {
			if len(r.Critical) != 0 {
				t.Errorf("item 9 = 0: critical findings %v", r.Critical)
			}
			continue
		}
		if len(r.Critical) != 1 {
			t.Fatalf("item 9 = %d: %d findings, want 1", tt.item9, len(r.Critical))
		}
		f := r.Critical[0]
		if f.Item != "phq9_9" || f.Value != tt.item9 || f.Label != tt.label || f.Message == "" {
			t.Errorf("item 9 = %d: finding %+v", tt.item9, f)
		}
		// A minimal total must not hide the safety event.
		if r.Band != "Minimal" {
			t.Errorf("band %q, want Minimal", r.Band)
		}
	}
}

// The difficulty question (LOINC 69722-7) is asked but never part of the
// total (KAP.md §2), and may be left blank.
func TestPHQ9DifficultyIsNotScored(t *testing.T) {
	d := mustDef(t, "phq9")
	base := answerList(d, 1, 1, 1, 1, 1, 0, 0, 0, 0)
	for _, v := range []int{0, 3} {
		a := answerList(d, 1, 1, 1, 1, 1, 0, 0, 0, 0)
		a["phq9_difficulty"] = v
		if r := mustScore(t, d, a); r.Total != 5 || r.Prorated {
			t.Errorf("difficulty %d: total %d prorated %v, want 5 not prorated", v, r.Total, r.Prorated)
		}
	}
	if r := mustScore(t, d, base); r.Total != 5 || r.Prorated {
		t.Errorf("no difficulty answer: total %d prorated %v", r.Total, r.Prorated)
	}
	base["phq9_difficulty"] = 4
	if _, ids := answerErr(t, d, base); !slices.Equal(ids, []string{"phq9_difficulty"}) {
		t.Errorf("difficulty 4 flagged %v", ids)
	}
}

// PHQ-9 missing-answer rule (phq9.json "missing"): at most 2 items are
// prorated by the mean of the answered items, rounded half up; item 9 is
// never prorated. Mean imputation as in Arrieta et al. 2017.
func TestPHQ9MissingAnswers(t *testing.T) {
	d := mustDef(t, "phq9")
	without := func(a map[string]int, ids ...string) map[string]int {
		for _, id := range ids {
			delete(a, id)
		}
		return a
	}

	// 7 answered summing 14: 14 × 9/7 = 18, moderately severe.
	a := without(answerList(d, 3, 3, 0, 2, 0, 3, 2, 1, 0), "phq9_3", "phq9_5")
	r := mustScore(t, d, a)
	if r.Total != 18 || r.Band != "Moderately severe" || !r.Prorated || !slices.Equal(r.ProratedOver, []string{"phq9_3", "phq9_5"}) {
		t.Errorf("two missing: got total %d band %q prorated %v over %v", r.Total, r.Band, r.Prorated, r.ProratedOver)
	}

	// Rounding half up crosses a band edge: 8 answered summing 4 gives
	// 4 × 9/8 = 4.5, which rounds to 5 (mild, not minimal).
	a = without(answerList(d, 1, 1, 1, 1, 0, 0, 0, 0, 0), "phq9_8")
	if r := mustScore(t, d, a); r.Total != 5 || r.Band != "Mild" || !r.Prorated {
		t.Errorf("4.5 rounds to %d (%q), want 5 Mild", r.Total, r.Band)
	}
	// Just under the half: 8 answered summing 3 gives 3.375, rounds to 3.
	a = without(answerList(d, 1, 1, 1, 0, 0, 0, 0, 0, 0), "phq9_8")
	if r := mustScore(t, d, a); r.Total != 3 || r.Band != "Minimal" {
		t.Errorf("3.375 rounds to %d (%q), want 3 Minimal", r.Total, r.Band)
	}

	// Three missing: more than the rule allows, every gap is named.
	a = without(answerList(d, 1, 1, 1, 1, 1, 1, 1, 1, 0), "phq9_1", "phq9_2", "phq9_3")
	ae, ids := answerErr(t, d, a)
	if !slices.Equal(ids, []string{"phq9_1", "phq9_2", "phq9_3"}) || !strings.Contains(ae.Items["phq9_1"], "at most 2") {
		t.Errorf("three missing: %v", ae.Items)
	}

	// Item 9 missing alone: never prorated, because a guessed answer could
	// hide a safety event (KAP.md §2).
	a = without(answerList(d, 1, 1, 1, 1, 1, 1, 1, 1, 0), "phq9_9")
	ae, ids = answerErr(t, d, a)
	if !slices.Equal(ids, []string{"phq9_9"}) || !strings.Contains(ae.Items["phq9_9"], "never prorated") {
		t.Errorf("item 9 missing: %v", ae.Items)
	}
}

// GAD-7 has no published proration rule (gad7.json "missing"), so any gap
// is refused and named.
func TestGAD7RefusesMissingAnswers(t *testing.T) {
	d := mustDef(t, "gad7")
	a := fill(t, d, 10)
	delete(a, "gad7_4")
	ae, ids := answerErr(t, d, a)
	if !slices.Equal(ids, []string{"gad7_4"}) || !strings.Contains(ae.Items["gad7_4"], "missing") {
		t.Errorf("got %v", ae.Items)
	}
	if _, ids := answerErr(t, d, map[string]int{}); len(ids) != 7 {
		t.Errorf("empty answers named %d items, want 7", len(ids))
	}
}

// Every answer must belong to the instrument and be an allowed value; all
// problems come back together so a form can mark each field.
func TestAnswersMustBelongAndBeAllowed(t *testing.T) {
	d := mustDef(t, "phq9")
	tests := []struct {
		name   string
		change map[string]int
		want   []string
	}{
		{"above range", map[string]int{"phq9_3": 4}, []string{"phq9_3"}},
		{"below range", map[string]int{"phq9_3": -1}, []string{"phq9_3"}},
		{"unknown item", map[string]int{"phq9_10": 1}, []string{"phq9_10"}},
		{"another instrument's item", map[string]int{"gad7_1": 1}, []string{"gad7_1"}},
		{"several at once", map[string]int{"phq9_1": 7, "phq9_2": 9, "extra": 0}, []string{"extra", "phq9_1", "phq9_2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fill(t, d, 12)
			for k, v := range tt.change {
				a[k] = v
			}
			ae, ids := answerErr(t, d, a)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("flagged %v, want %v", ids, tt.want)
			}
			if ae.Code() != "invalid" || !strings.HasPrefix(ae.Error(), "PHQ-9: ") {
				t.Errorf("code %q, message %q", ae.Code(), ae.Error())
			}
		})
	}
	ae, _ := answerErr(t, d, map[string]int{"phq9_1": 4, "phq9_2": 0, "phq9_3": 0, "phq9_4": 0, "phq9_5": 0, "phq9_6": 0, "phq9_7": 0, "phq9_8": 0, "phq9_9": 0})
	if got := ae.Items["phq9_1"]; !strings.Contains(got, "4 is not an allowed answer") || !strings.Contains(got, "3 (Nearly every day)") {
		t.Errorf("message %q does not name the value and the allowed answers", got)
	}
}

func TestScoreWithoutDefinition(t *testing.T) {
	_, err := Score(nil, map[string]int{"x": 1})
	var ae *AnswerError
	if err == nil || errors.As(err, &ae) {
		t.Errorf("Score(nil) error = %v, want a plain error", err)
	}
}
