package instrument

import (
	"math"
	"testing"
)

func totalResult(code string, total int) Result {
	return Result{Code: code, HasTotal: true, Total: total}
}

// Response is a drop of 50% or more from baseline; remission is a total
// under the definition's threshold. PHQ-9: remission < 5 (KAP.md §2;
// Kroenke & Spitzer 2002). MADRS: remission ≤ 12 as in ketamine and
// esketamine trials (madrs.json). PCL-5: no response or remission rule; a
// 10-point change is meaningful (KAP.md §2; National Center for PTSD).
func TestCompare(t *testing.T) {
	tests := []struct {
		name                            string
		code                            string
		baseline, current               int
		response, remission, meaningful bool
		absolute                        int
		percent                         float64 // NaN when there is none
		want                            string
	}{
		{"worked example", "phq9", 18, 7, true, false, false, -11, -61.111,
			"PHQ-9 fell from 18 to 7 (\u221261%): response, not remission."},
		{"exactly 50%", "phq9", 20, 10, true, false, false, -10, -50,
			"PHQ-9 fell from 20 to 10 (\u221250%): response, not remission."},
		{"47%, just short", "phq9", 19, 10, false, false, false, -9, -47.368,
			"PHQ-9 fell from 19 to 10 (\u221247%): no response, not remission."},
		{"49%, just short", "madrs", 49, 25, false, false, false, -24, -48.98,
			"MADRS fell from 49 to 25 (\u221249%): no response, not remission."},
		{"remission at 4", "phq9", 10, 4, true, true, false, -6, -60,
			"PHQ-9 fell from 10 to 4 (\u221260%): response, remission."},
		{"no remission at 5", "phq9", 10, 5, true, false, false, -5, -50,
			"PHQ-9 fell from 10 to 5 (\u221250%): response, not remission."},
		{"MADRS remission at 12", "madrs", 24, 12, true, true, false, -12, -50,
			"MADRS fell from 24 to 12 (\u221250%): response, remission."},
		{"MADRS no remission at 13", "madrs", 26, 13, true, false, false, -13, -50,
			"MADRS fell from 26 to 13 (\u221250%): response, not remission."},
		{"worse", "phq9", 7, 12, false, false, false, 5, 71.429,
			"PHQ-9 rose from 7 to 12 (+71%): no response, not remission."},
		{"unchanged", "gad7", 12, 12, false, false, false, 0, 0,
			"GAD-7 unchanged at 12 (0%): no response, not remission."},
		{"baseline 0, worse", "phq9", 0, 3, false, true, false, 3, math.NaN(),
			"PHQ-9 rose from 0 to 3 (no percentage change from a baseline of 0): no response, remission."},
		{"baseline 0, unchanged", "gad7", 0, 0, false, true, false, 0, math.NaN(),
			"GAD-7 unchanged at 0 (no percentage change from a baseline of 0): no response, remission."},
		{"PCL-5 9 points", "pcl5", 50, 41, false, false, false, -9, -18,
			"PCL-5 fell from 50 to 41 (\u221218%): less than a meaningful change (10 points)."},
		{"PCL-5 10 points", "pcl5", 50, 40, false, false, true, -10, -20,
			"PCL-5 fell from 50 to 40 (\u221220%): a meaningful change (10 points or more)."},
		{"PCL-5 10 points worse", "pcl5", 40, 50, false, false, true, 10, 25,
			"PCL-5 rose from 40 to 50 (+25%): a meaningful change (10 points or more)."},
		{"BDI-II has no remission rule", "bdi2", 30, 15, true, false, false, -15, -50,
			"BDI-II fell from 30 to 15 (\u221250%): response."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDef(t, tt.code)
			ch := Compare(d, totalResult(tt.code, tt.baseline), totalResult(tt.code, tt.current))
			if !ch.Comparable || ch.Code != tt.code || ch.Baseline != tt.baseline || ch.Current != tt.current || ch.Absolute != tt.absolute {
				t.Errorf("change = %+v", ch)
			}
			if ch.Response != tt.response || ch.Remission != tt.remission || ch.Meaningful != tt.meaningful {
				t.Errorf("response %v remission %v meaningful %v, want %v %v %v",
					ch.Response, ch.Remission, ch.Meaningful, tt.response, tt.remission, tt.meaningful)
			}
			switch {
			case math.IsNaN(tt.percent) && ch.PercentChange != nil:
				t.Errorf("percent %v, want none", *ch.PercentChange)
			case !math.IsNaN(tt.percent) && (ch.PercentChange == nil || math.Abs(*ch.PercentChange-tt.percent) > 0.01):
				t.Errorf("percent %v, want %v", ch.PercentChange, tt.percent)
			}
			if ch.Description != tt.want {
				t.Errorf("description\n got %q\nwant %q", ch.Description, tt.want)
			}
		})
	}
}

// A prorated total is an estimate and the words must say so.
func TestCompareNamesProratedTotals(t *testing.T) {
	d := mustDef(t, "phq9")
	base := totalResult("phq9", 18)
	base.Prorated = true
	got := Compare(d, base, totalResult("phq9", 9)).Description
	want := "PHQ-9 fell from 18 to 9 (\u221250%): response, not remission. The baseline total was prorated for missing answers."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Scored end to end: a PHQ-9 baseline of 18 and a follow-up of 7.
func TestCompareScoredResults(t *testing.T) {
	d := mustDef(t, "phq9")
	base := mustScore(t, d, fill(t, d, 18))
	cur := mustScore(t, d, fill(t, d, 7))
	if ch := Compare(d, base, cur); !ch.Response || ch.Remission || ch.Absolute != -11 {
		t.Errorf("change = %+v", ch)
	}
}

// Results that cannot be set side by side are said to be so, not scored.
func TestCompareRefusesWhatCannotBeCompared(t *testing.T) {
	phq := mustDef(t, "phq9")
	cs := mustDef(t, "cssrs-screener")
	tests := []struct {
		name string
		def  *Definition
		b, c Result
		want string
	}{
		{"different instruments", phq, totalResult("gad7", 10), totalResult("phq9", 5),
			`Cannot compare: PHQ-9 needs two PHQ-9 results, got "gad7" and "phq9".`},
		{"C-SSRS risk change", cs, Result{Code: "cssrs-screener", RiskLevel: "high"}, Result{Code: "cssrs-screener", RiskLevel: "low"},
			"C-SSRS screener has no total score; risk level was high, now low."},
		{"C-SSRS risk unchanged", cs, Result{Code: "cssrs-screener", RiskLevel: "none"}, Result{Code: "cssrs-screener", RiskLevel: "none"},
			"C-SSRS screener has no total score; risk level unchanged at none."},
		{"no definition", nil, totalResult("phq9", 10), totalResult("phq9", 5),
			"No instrument definition to compare against."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := Compare(tt.def, tt.b, tt.c)
			if ch.Comparable || ch.Response || ch.Remission || ch.Description != tt.want {
				t.Errorf("change = %+v\nwant description %q", ch, tt.want)
			}
		})
	}
}
