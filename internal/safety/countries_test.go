package safety

import "testing"

// Every country's lines must pass the same check a practice's own lines
// do: a client in crisis always has an emergency number and a line with a
// way to reach it.
func TestEveryKnownCountryHasLinesAClientCanUse(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range KnownCountries {
		if seen[c.Code] {
			t.Errorf("%s is listed twice", c.Code)
		}
		seen[c.Code] = true
		if err := c.Resources.Validate(); err != nil {
			t.Errorf("%s: %v", c.Code, err)
		}
		if c.Resources.Region != c.Code || c.Source == "" || c.Name == "" {
			t.Errorf("%s: region %q, source %q, name %q", c.Code, c.Resources.Region, c.Source, c.Name)
		}
		got, ok := LinesFor(c.Code)
		if !ok || got.Code != c.Code {
			t.Errorf("LinesFor(%s) = %v, %v", c.Code, got.Code, ok)
		}
	}
	if !seen["US"] {
		t.Error("the US lines (KAP.md §7) are missing")
	}
	if _, ok := LinesFor("XX"); ok {
		t.Error("an unknown country has lines")
	}
}
