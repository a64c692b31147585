package screening

import (
	"slices"
	"testing"
	"time"
)

func TestAcknowledged(t *testing.T) {
	rs := mustLoad(t)
	screen := func(changes Facts) Screening {
		t.Helper()
		s, err := Evaluate(rs, with(clean(), changes), nil, screenedAt)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	later := screenedAt.Add(time.Hour)
	ack := func(rule string) Acknowledgement {
		return Acknowledgement{RuleID: rule, PrescriberID: "dr-1", Reason: "discussed; benefits outweigh risk", At: later}
	}
	pregnant := Facts{FactPregnant: Bool(true), FactLamotrigine: Bool(true)}

	cases := []struct {
		name    string
		s       Screening
		acks    []Acknowledgement
		ok      bool
		pending []string
	}{
		{"clear needs nothing", screen(nil), nil, true, nil},
		{"cautions need nothing", screen(Facts{FactLamotrigine: Bool(true)}), nil, true, nil},
		{"relative without acknowledgement", screen(pregnant), nil, false, []string{"rel-pregnancy"}},
		{"relative acknowledged", screen(pregnant), []Acknowledgement{ack("rel-pregnancy")}, true, nil},
		{"acknowledgement of another rule does not count", screen(pregnant), []Acknowledgement{ack("rel-breastfeeding")}, false, []string{"rel-pregnancy"}},
		{"acknowledgement without a reason", screen(pregnant), []Acknowledgement{{RuleID: "rel-pregnancy", PrescriberID: "dr-1", Reason: "  ", At: later}}, false, []string{"rel-pregnancy"}},
		{"acknowledgement without a prescriber", screen(pregnant), []Acknowledgement{{RuleID: "rel-pregnancy", Reason: "ok", At: later}}, false, []string{"rel-pregnancy"}},
		{"acknowledgement without a time", screen(pregnant), []Acknowledgement{{RuleID: "rel-pregnancy", PrescriberID: "dr-1", Reason: "ok"}}, false, []string{"rel-pregnancy"}},
		{"acknowledgement before the screening", screen(pregnant), []Acknowledgement{{RuleID: "rel-pregnancy", PrescriberID: "dr-1", Reason: "ok", At: screenedAt.Add(-time.Second)}}, false, []string{"rel-pregnancy"}},
		{"acknowledgement at the screening's own time", screen(pregnant), []Acknowledgement{{RuleID: "rel-pregnancy", PrescriberID: "dr-1", Reason: "ok", At: screenedAt}}, true, nil},
		{"two relatives, one acknowledged", screen(Facts{FactPregnant: Bool(true), FactBreastfeeding: Bool(true)}), []Acknowledgement{ack("rel-breastfeeding")}, false, []string{"rel-pregnancy"}},
		{"urgent caution needs acknowledgement", screen(Facts{FactSuicidalThoughtsCurrent: Bool(true)}), nil, false, []string{"cau-suicidal-thoughts-current"}},
		{"urgent caution acknowledged", screen(Facts{FactSuicidalThoughtsCurrent: Bool(true)}), []Acknowledgement{ack("cau-suicidal-thoughts-current")}, true, nil},
		{"absolute cannot be acknowledged away", screen(Facts{FactStroke: Bool(true)}), []Acknowledgement{ack("abs-stroke")}, false, []string{"abs-stroke"}},
		{"incomplete is not ok even with nothing pending", screen(Facts{FactGlaucoma: Value{}}), nil, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, pending := Acknowledged(tc.s, tc.acks)
			if ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if got := ruleIDs(pending); !slices.Equal(got, tc.pending) {
				t.Errorf("pending %v, want %v", got, tc.pending)
			}
		})
	}
}
