package instrument

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// KAP.md §2 lists the instruments the practice measures with; HAM-A is the
// clinician-rated anxiety scale the practice's seeds name (KAP.md §8).
func TestCatalogHoldsEveryInstrument(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{"bdi2", "cssrs-screener", "gad7", "hama", "madrs", "pcl5", "phq9"}
	var got []string
	for _, d := range c.All() {
		got = append(got, d.Code)
		if g, ok := c.Get(d.Code); !ok || g != d {
			t.Errorf("Get(%q) does not return the definition All lists", d.Code)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("codes = %v, want %v", got, want)
	}
	if _, ok := c.Get("phq-9"); ok {
		t.Error("Get of an unknown code succeeded")
	}
}

// Checked independently of Load's own checks, so a bug there cannot hide a
// broken definition.
func TestEveryDefinitionIsWellFormed(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, d := range c.All() {
		t.Run(d.Code, func(t *testing.T) {
			seen := map[string]bool{}
			for _, it := range d.Items {
				if seen[it.ID] {
					t.Errorf("item id %q used twice", it.ID)
				}
				seen[it.ID] = true
				if !strings.HasPrefix(it.ID, strings.SplitN(d.Code, "-", 2)[0]+"_") {
					t.Errorf("item id %q does not carry the instrument's prefix", it.ID)
				}
			}
			// KAP.md §2 licence column: copyrighted instruments carry no items.
			if !d.Licence.ItemsShippable && (len(d.Items) > 0 || !d.TotalOnly) {
				t.Error("items may not be shipped, yet the definition is not total-only")
			}
			if d.Total == nil {
				if len(d.Bands) > 0 {
					t.Error("bands without a total")
				}
				return
			}
			// Every possible total falls in exactly one band.
			for total := d.Total.Min; total <= d.Total.Max; total++ {
				n := 0
				for _, b := range d.Bands {
					if total >= b.Min && total <= b.Max {
						n++
					}
				}
				if n != 1 {
					t.Errorf("total %d is in %d bands, want 1", total, n)
				}
			}
			for _, b := range d.Bands {
				if b.Min < d.Total.Min || b.Max > d.Total.Max {
					t.Errorf("band %q (%d–%d) reaches outside %d–%d", b.Label, b.Min, b.Max, d.Total.Min, d.Total.Max)
				}
			}
		})
	}
}

// KAP.md §2 LOINC column. PCL-5 and HAM-A codes are [verify] there, so
// none are expected.
func TestLOINCCodesMatchKAP(t *testing.T) {
	freq := []string{"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
	tests := []struct {
		code         string
		panel, total string
		items        []string
	}{
		{"phq9", "44249-1", "44261-6", []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8", "69722-7"}},
		{"gad7", "69737-5", "70274-6", []string{"69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"}},
		{"cssrs-screener", "93373-9", "", []string{"93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9"}},
		{"pcl5", "", "", nil},
		{"hama", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			d := mustDef(t, tt.code)
			if d.LOINC.Panel != tt.panel || d.LOINC.Total != tt.total {
				t.Errorf("panel, total = %q, %q; want %q, %q", d.LOINC.Panel, d.LOINC.Total, tt.panel, tt.total)
			}
			var got []string
			for _, it := range d.Items {
				if it.LOINC != "" {
					got = append(got, it.LOINC)
				}
			}
			if !slices.Equal(got, tt.items) {
				t.Errorf("item codes = %v, want %v", got, tt.items)
			}
		})
	}

	phq := mustDef(t, "phq9")
	for _, it := range phq.Items[:9] {
		for i, o := range it.Options {
			if o.LOINC != freq[i] || o.Value != i {
				t.Errorf("%s option %d = %d %s, want %d %s", it.ID, i, o.Value, o.LOINC, i, freq[i])
			}
		}
	}
	cs := mustDef(t, "cssrs-screener")
	if cs.Risk.LOINC != "93374-7" {
		t.Errorf("C-SSRS risk LOINC = %q, want 93374-7", cs.Risk.LOINC)
	}
	for _, it := range cs.Items {
		yes, _ := it.option(1)
		no, _ := it.option(0)
		if yes.LOINC != "LA33-6" || no.LOINC != "LA32-8" {
			t.Errorf("%s yes/no codes = %s/%s, want LA33-6/LA32-8", it.ID, yes.LOINC, no.LOINC)
		}
	}
}

// The safety-critical wording must stay exactly as published. Sources:
// PHQ-9 form (Kroenke et al. 2001); C-SSRS Screen Version - Recent
// (Posner et al. 2011; LOINC 93373-9); PCL-5 (Weathers et al. 2013).
func TestPublishedWording(t *testing.T) {
	tests := []struct{ code, item, text string }{
		{"phq9", "phq9_9", "Thoughts that you would be better off dead or of hurting yourself in some way"},
		{"phq9", "phq9_1", "Little interest or pleasure in doing things"},
		{"gad7", "gad7_2", "Not being able to stop or control worrying"},
		{"cssrs-screener", "cssrs_1", "Have you wished you were dead or wished you could go to sleep and not wake up?"},
		{"cssrs-screener", "cssrs_2", "Have you actually had any thoughts of killing yourself?"},
		{"cssrs-screener", "cssrs_3", "Have you been thinking about how you might do this?"},
		{"cssrs-screener", "cssrs_4", "Have you had these thoughts and had some intention of acting on them?"},
		{"cssrs-screener", "cssrs_5", "Have you started to work out or worked out the details of how to kill yourself? Do you intend to carry out this plan?"},
		{"cssrs-screener", "cssrs_6", "Have you ever done anything, started to do anything, or prepared to do anything to end your life?"},
		{"pcl5", "pcl5_17", `Being "superalert" or watchful or on guard?`},
	}
	for _, tt := range tests {
		it, ok := mustDef(t, tt.code).Item(tt.item)
		if !ok || it.Text != tt.text {
			t.Errorf("%s %s wording changed", tt.code, tt.item)
		}
	}
}

// A minimal valid definition; each case breaks one rule Load must enforce,
// because the scoring engine trusts the data it is given.
const tinyDef = `{
  "code": "tiny", "name": "Tiny scale", "short_name": "TINY", "version": "1",
  "licence": {"text": "test", "items_shippable": true},
  "source": "test", "completed_by": "client", "recall_period": "today", "instructions": "Answer.",
  "loinc": {}, "total": {"min": 0, "max": 4},
  "option_sets": {"s": [{"value": 0, "label": "No"}, {"value": 1, "label": "Some"}, {"value": 2, "label": "Lots"}]},
  "items": [
    {"id": "tiny_1", "number": "1", "text": "One?", "option_set": "s"},
    {"id": "tiny_2", "number": "2", "text": "Two?", "option_set": "s"}
  ],
  "bands": [{"min": 0, "max": 1, "label": "Low"}, {"min": 2, "max": 4, "label": "High"}],
  "missing": {"max_prorated": 0, "source": "test"}
}`

func TestLoadRefusesBrokenDefinitions(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"valid", "", "", ""},
		{"gap between bands", `"min": 2, "max": 4`, `"min": 3, "max": 4`, "starts at 3, expected 2"},
		{"overlapping bands", `"min": 2, "max": 4`, `"min": 1, "max": 4`, "starts at 1, expected 2"},
		{"bands stop short", `"min": 2, "max": 4`, `"min": 2, "max": 3`, "bands end at 3"},
		{"total does not match items", `"total": {"min": 0, "max": 4}`, `"total": {"min": 0, "max": 5}`, "does not match the items"},
		{"misspelt field", `"bands"`, `"bandz"`, "unknown field"},
		{"duplicate item id", `"id": "tiny_2"`, `"id": "tiny_1"`, "used twice"},
		{"unknown option set", `"number": "2", "text": "Two?", "option_set": "s"`, `"number": "2", "text": "Two?", "option_set": "x"`, "unknown option_set"},
		{"items not shippable", `"items_shippable": true`, `"items_shippable": false`, "must be total_only"},
		{"critical item unknown", `"missing"`, `"critical_items": [{"item": "tiny_9", "at_least": 1, "message": "m"}], "missing"`, "unknown item"},
		{"critical threshold always true", `"missing"`, `"critical_items": [{"item": "tiny_1", "at_least": 0, "message": "m"}], "missing"`, "at_least 0"},
		{"show_if on a later item", `"text": "One?", "option_set": "s"`, `"text": "One?", "option_set": "s", "show_if": {"item": "tiny_2", "at_least": 1}`, "later item"},
		{"remission outside range", `"missing"`, `"remission": {"below": 9, "source": "s"}, "missing"`, "remission"},
		{"no source for missing rule", `"max_prorated": 0, "source": "test"`, `"max_prorated": 0, "source": ""`, "missing: source"},
		{"proration leaves nothing answered", `"max_prorated": 0`, `"max_prorated": 2`, "leaves no answered item"},
		{"bad completed_by", `"completed_by": "client"`, `"completed_by": "robot"`, "completed_by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := strings.Replace(tinyDef, tt.old, tt.new, 1)
			if tt.old != "" && raw == tinyDef {
				t.Fatalf("test case did not change the definition")
			}
			_, err := loadFS(fstest.MapFS{"defs/tiny.json": {Data: []byte(raw)}}, "defs")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Load error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// Proration may never guess a cluster count (the PCL-5 diagnosis rule).
func TestLoadRefusesProrationWithClusters(t *testing.T) {
	raw := strings.Replace(tinyDef, `"max_prorated": 0`, `"max_prorated": 1`, 1)
	raw = strings.Replace(raw, `"missing"`, `"clusters": [{"id": "A", "name": "a", "items": ["tiny_1"], "min_symptoms": 1}], "missing"`, 1)
	_, err := loadFS(fstest.MapFS{"defs/tiny.json": {Data: []byte(raw)}}, "defs")
	if err == nil || !strings.Contains(err.Error(), "proration is only allowed for a plain total") {
		t.Fatalf("Load error = %v, want proration refused", err)
	}
}

func TestLoadRefusesDuplicateCodes(t *testing.T) {
	fsys := fstest.MapFS{
		"defs/a.json": {Data: []byte(tinyDef)},
		"defs/b.json": {Data: []byte(tinyDef)},
	}
	if _, err := loadFS(fsys, "defs"); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("Load error = %v, want duplicate code refused", err)
	}
}

// The API serves definitions as JSON; a copyrighted scale must not leak
// items through it, and a shippable one must carry them (KAP.md §2).
func TestDefinitionsServeAsJSON(t *testing.T) {
	for _, tt := range []struct {
		code      string
		wantItems bool
	}{{"phq9", true}, {"cssrs-screener", true}, {"bdi2", false}, {"madrs", false}} {
		raw, err := json.Marshal(mustDef(t, tt.code))
		if err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		if _, has := m["items"]; has != tt.wantItems {
			t.Errorf("%s: items in JSON = %v, want %v", tt.code, has, tt.wantItems)
		}
	}
}
