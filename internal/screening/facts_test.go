package screening

import (
	"encoding/json"
	"math"
	"testing"
)

func TestValueJSON(t *testing.T) {
	cases := []struct {
		name string
		v    Value
		json string
	}{
		{"yes", Bool(true), `true`},
		{"no is not unknown", Bool(false), `false`},
		{"number", Number(12.5), `12.5`},
		{"text", Text(FrequencyWeekly), `"weekly"`},
		{"unknown", Value{}, `null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil || string(b) != tc.json {
				t.Fatalf("marshal %s, %v; want %s", b, err, tc.json)
			}
			var back Value
			if err := json.Unmarshal(b, &back); err != nil || back != tc.v {
				t.Fatalf("round trip %+v, %v; want %+v", back, err, tc.v)
			}
		})
	}
	var v Value
	if err := json.Unmarshal([]byte(`[1]`), &v); err == nil {
		t.Error("a list is not a fact value")
	}
}

func TestNumberRefusesNonFinite(t *testing.T) {
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if Number(x).Known() {
			t.Errorf("Number(%v) must be unknown", x)
		}
	}
}

func TestFactsUnknownDiffersFromFalse(t *testing.T) {
	f := Facts{FactStroke: Bool(false)}
	if b, ok := f.Get(FactStroke).AsBool(); !ok || b {
		t.Error("a no must read as a known false")
	}
	if f.Get(FactAneurysmAVM).Known() {
		t.Error("an absent fact must read as unknown")
	}
}

func TestMergeLaysKnownFactsOver(t *testing.T) {
	intake := Facts{FactStroke: Bool(false), FactBPSystolic: Number(130)}
	visit := Facts{FactBPSystolic: Number(150), FactBPDiastolic: Number(90), FactStroke: Value{}}
	got := intake.Merge(visit)
	if v, _ := got.Get(FactBPSystolic).AsNumber(); v != 150 {
		t.Errorf("systolic %v, want the visit's 150", got.Get(FactBPSystolic))
	}
	if b, ok := got.Get(FactStroke).AsBool(); !ok || b {
		t.Error("an unknown in the visit must not erase the intake's answer")
	}
	if v, _ := intake.Get(FactBPSystolic).AsNumber(); v != 130 {
		t.Error("Merge must not change its receiver")
	}
}

func TestCatalogueCoversEveryRuleFact(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Catalogue() {
		names[s.Name] = true
	}
	var walk func(c Condition)
	used := map[string]bool{}
	walk = func(c Condition) {
		if c.Fact != "" {
			used[c.Fact] = true
		}
		for _, s := range c.Any {
			walk(s)
		}
		for _, s := range c.All {
			walk(s)
		}
	}
	for _, r := range mustLoad(t).Rules() {
		walk(r.Condition)
	}
	// A catalogued fact that no rule reads would be asked of every client for nothing.
	for name := range names {
		if !used[name] {
			t.Errorf("fact %s is in the catalogue but no rule reads it", name)
		}
	}
}
