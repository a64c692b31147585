package instrument

import (
	"slices"
	"strings"
	"testing"
)

// Copyrighted scales keep no items: a clinician enters the total from the
// licensed form (KAP.md §2). Bands: BDI-II per Beck, Steer & Brown 1996
// (0-13, 14-19, 20-28, 29-63); MADRS per KAP.md §2 (0-6, 7-19, 20-34, ≥35;
// scale from Montgomery & Åsberg 1979).
func TestClinicianEnteredTotalBands(t *testing.T) {
	tests := []struct {
		code  string
		total int
		band  string
	}{
		{"bdi2", 0, "Minimal"},
		{"bdi2", 13, "Minimal"},
		{"bdi2", 14, "Mild"},
		{"bdi2", 19, "Mild"},
		{"bdi2", 20, "Moderate"},
		{"bdi2", 28, "Moderate"},
		{"bdi2", 29, "Severe"},
		{"bdi2", 63, "Severe"},
		{"madrs", 0, "Normal"},
		{"madrs", 6, "Normal"},
		{"madrs", 7, "Mild"},
		{"madrs", 19, "Mild"},
		{"madrs", 20, "Moderate"},
		{"madrs", 34, "Moderate"},
		{"madrs", 35, "Severe"},
		{"madrs", 60, "Severe"},
	}
	for _, tt := range tests {
		d := mustDef(t, tt.code)
		r := mustScore(t, d, map[string]int{TotalKey: tt.total})
		if r.Total != tt.total || r.Band != tt.band || !r.ClinicianEntered || !r.HasTotal || r.Max != d.Total.Max {
			t.Errorf("%s %d: got %+v, want band %q", tt.code, tt.total, r, tt.band)
		}
	}
}

func TestClinicianEnteredTotalRefusals(t *testing.T) {
	tests := []struct {
		code    string
		answers map[string]int
		flagged []string
		contain string
	}{
		{"bdi2", map[string]int{TotalKey: 64}, []string{"total"}, "outside the BDI-II range 0–63"},
		{"bdi2", map[string]int{TotalKey: -1}, []string{"total"}, "outside"},
		{"madrs", map[string]int{TotalKey: 61}, []string{"total"}, "outside the MADRS range 0–60"},
		{"madrs", map[string]int{}, []string{"total"}, "missing"},
		// Item answers would mean copyrighted items were shown.
		{"bdi2", map[string]int{"bdi2_1": 2, TotalKey: 10}, []string{"bdi2_1"}, "only a clinician-entered total"},
		{"madrs", map[string]int{"score": 10}, []string{"score", "total"}, "only a clinician-entered total"},
	}
	for _, tt := range tests {
		ae, ids := answerErr(t, mustDef(t, tt.code), tt.answers)
		if !slices.Equal(ids, tt.flagged) {
			t.Errorf("%s %v: flagged %v, want %v", tt.code, tt.answers, ids, tt.flagged)
			continue
		}
		if !strings.Contains(ae.Items[tt.flagged[0]], tt.contain) {
			t.Errorf("%s: message %q does not mention %q", tt.code, ae.Items[tt.flagged[0]], tt.contain)
		}
	}
}

// HAM-A (Hamilton 1959; public domain per NINDS CDE): 14 clinician-rated
// items 0-4, total 0-56, bands per KAP.md §2 (<18, 18, 25, 31).
func TestHAMABandEdges(t *testing.T) {
	d := mustDef(t, "hama")
	if d.CompletedBy != CompletedByClinician || len(d.Items) != 14 {
		t.Fatalf("HAM-A: completed by %q with %d items", d.CompletedBy, len(d.Items))
	}
	tests := []struct {
		total int
		band  string
	}{
		{0, "Mild"},
		{17, "Mild"},
		{18, "Mild to moderate"},
		{24, "Mild to moderate"},
		{25, "Moderate to severe"},
		{30, "Moderate to severe"},
		{31, "Very severe"},
		{56, "Very severe"},
	}
	for _, tt := range tests {
		r := mustScore(t, d, fill(t, d, tt.total))
		if r.Total != tt.total || r.Band != tt.band || r.ClinicianEntered {
			t.Errorf("HAM-A %d: got total %d band %q", tt.total, r.Total, r.Band)
		}
	}
	a := fill(t, d, 20)
	delete(a, "hama_14")
	if _, ids := answerErr(t, d, a); !slices.Equal(ids, []string{"hama_14"}) {
		t.Errorf("unrated item flagged %v", ids)
	}
}
