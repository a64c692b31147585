package instrument

import (
	"slices"
	"testing"
)

// pcl5Answers takes the 20 ratings in item order.
func pcl5Answers(t *testing.T, ratings [20]int) map[string]int {
	t.Helper()
	return answerList(mustDef(t, "pcl5"), ratings[:]...)
}

// PCL-5 clusters B 1-5, C 6-7, D 8-14, E 15-20 (KAP.md §2; Weathers et al.
// 2013; Blevins et al. 2015).
func TestPCL5ClusterScores(t *testing.T) {
	d := mustDef(t, "pcl5")
	r := mustScore(t, d, pcl5Answers(t, [20]int{
		4, 3, 2, 1, 0, // B = 10
		2, 1, // C = 3
		0, 1, 2, 3, 4, 0, 1, // D = 11
		1, 1, 1, 1, 1, 4, // E = 9
	}))
	want := []ClusterScore{
		{ID: "B", Name: "Intrusion", Score: 10, Max: 20, Symptoms: 3, MinSymptoms: 1, Met: true},
		{ID: "C", Name: "Avoidance", Score: 3, Max: 8, Symptoms: 1, MinSymptoms: 1, Met: true},
		{ID: "D", Name: "Negative alterations in cognitions and mood", Score: 11, Max: 28, Symptoms: 3, MinSymptoms: 2, Met: true},
		{ID: "E", Name: "Alterations in arousal and reactivity", Score: 9, Max: 24, Symptoms: 1, MinSymptoms: 2, Met: false},
	}
	if !slices.Equal(r.Clusters, want) {
		t.Errorf("clusters = %+v\nwant %+v", r.Clusters, want)
	}
	if r.Total != 33 || r.Max != 80 {
		t.Errorf("total %d/%d, want 33/80", r.Total, r.Max)
	}
	// E lacks a second symptom, so only the cut point makes it provisional.
	if dg := r.Diagnosis; dg == nil || dg.BySymptomRule || !dg.ByCutPoint || !dg.Met || dg.CutPoint != 33 {
		t.Errorf("diagnosis = %+v", r.Diagnosis)
	}
}

// Provisional diagnosis (KAP.md §2; National Center for PTSD scoring
// guidance): an item rated 2 or more is a symptom; DSM-5 needs B≥1, C≥1,
// D≥2, E≥2. Alternatively a total at or above the cut point (default 33;
// 31-33 supported, Bovin et al. 2016). Either method makes it provisional.
func TestPCL5ProvisionalDiagnosis(t *testing.T) {
	tests := []struct {
		name               string
		ratings            [20]int
		symptoms, cut, met bool
		wantTotal          int
		wantBand           string
	}{
		{
			name:     "symptom rule met exactly at each cluster minimum",
			ratings:  [20]int{2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0},
			symptoms: true, met: true, wantTotal: 12,
			wantBand: "Below the provisional PTSD cut point",
		},
		{
			name:      "B one short",
			ratings:   [20]int{1, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0},
			wantTotal: 11, wantBand: "Below the provisional PTSD cut point",
		},
		{
			name:      "C one short",
			ratings:   [20]int{2, 0, 0, 0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0},
			wantTotal: 12, wantBand: "Below the provisional PTSD cut point",
		},
		{
			name:      "D one short",
			ratings:   [20]int{2, 0, 0, 0, 0, 2, 0, 2, 1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0},
			wantTotal: 16, wantBand: "Below the provisional PTSD cut point",
		},
		{
			name:      "E one short",
			ratings:   [20]int{2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 1, 1, 1, 1, 1},
			wantTotal: 15, wantBand: "Below the provisional PTSD cut point",
		},
		{
			// Every item at 1: no symptoms anywhere, total 20.
			name:      "ones are not symptoms",
			ratings:   [20]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			wantTotal: 20, wantBand: "Below the provisional PTSD cut point",
		},
		{
			// C all 1s keeps the symptom rule unmet; total one under the cut.
			name:      "total 32, just under the cut point",
			ratings:   [20]int{4, 4, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			wantTotal: 32, wantBand: "Below the provisional PTSD cut point",
		},
		{
			name:    "total 33, at the cut point",
			ratings: [20]int{4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			cut:     true, met: true, wantTotal: 33,
			wantBand: "At or above the provisional PTSD cut point",
		},
		{
			name:     "both methods",
			ratings:  [20]int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
			symptoms: true, cut: true, met: true, wantTotal: 80,
			wantBand: "At or above the provisional PTSD cut point",
		},
		{
			name:      "nothing endorsed",
			wantTotal: 0, wantBand: "Below the provisional PTSD cut point",
		},
	}
	d := mustDef(t, "pcl5")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, d, pcl5Answers(t, tt.ratings))
			if r.Total != tt.wantTotal || r.Band != tt.wantBand {
				t.Errorf("total %d band %q, want %d %q", r.Total, r.Band, tt.wantTotal, tt.wantBand)
			}
			dg := r.Diagnosis
			if dg == nil {
				t.Fatal("no diagnosis")
			}
			if dg.BySymptomRule != tt.symptoms || dg.ByCutPoint != tt.cut || dg.Met != tt.met {
				t.Errorf("diagnosis = %+v, want symptoms %v cut %v met %v", dg, tt.symptoms, tt.cut, tt.met)
			}
			if dg.Label != "Provisional PTSD" {
				t.Errorf("label %q", dg.Label)
			}
			// The PCL-5 carries no critical items and no triage.
			if r.SafetyPositive || len(r.Critical) != 0 || r.RiskLevel != "" {
				t.Errorf("unexpected safety fields: %+v", r)
			}
		})
	}
}

// The cut point recorded with its supported range (KAP.md §2: 31-33;
// default 33 per the National Center for PTSD).
func TestPCL5CutPointRange(t *testing.T) {
	dg := mustDef(t, "pcl5").Diagnosis
	if dg.CutPoint != 33 || dg.CutPointRange != (Range{Min: 31, Max: 33}) || dg.SymptomAtLeast != 2 || dg.Combine != "either" {
		t.Errorf("diagnosis rule = %+v", dg)
	}
}

// No published proration rule for the PCL-5: a gap is refused, and a rating
// of 5 is outside the 0-4 scale (Weathers et al. 2013).
func TestPCL5InvalidAnswers(t *testing.T) {
	d := mustDef(t, "pcl5")
	a := pcl5Answers(t, [20]int{})
	delete(a, "pcl5_7")
	if _, ids := answerErr(t, d, a); !slices.Equal(ids, []string{"pcl5_7"}) {
		t.Errorf("missing item 7 flagged %v", ids)
	}
	a = pcl5Answers(t, [20]int{})
	a["pcl5_20"] = 5
	if _, ids := answerErr(t, d, a); !slices.Equal(ids, []string{"pcl5_20"}) {
		t.Errorf("rating 5 flagged %v", ids)
	}
	a["pcl5_20"] = 4
	if r := mustScore(t, d, a); r.Total != 4 {
		t.Errorf("rating 4 total %d", r.Total)
	}
}
