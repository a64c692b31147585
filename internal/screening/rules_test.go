package screening

import (
	"strings"
	"testing"
)

// Each rule's id prefix says its class, and each rests on a cited source: a KAP.md row, or a
// plainly marked [verify] where the domain reference has no row for it.
func TestShippedRuleFile(t *testing.T) {
	rs := mustLoad(t)
	if rs.Version() == "" {
		t.Error("no version")
	}
	prefix := map[string]Class{"abs-": Absolute, "rel-": Relative, "int-": Caution, "cau-": Caution}
	for _, r := range rs.Rules() {
		var class Class
		for p, c := range prefix {
			if strings.HasPrefix(r.ID, p) {
				class = c
			}
		}
		if class != r.Class {
			t.Errorf("rule %s is %s; its id prefix says %s", r.ID, r.Class, class)
		}
		// Clinicians read the source: it names the published label, guideline or paper, or says
		// plainly that it is practice use; it never points at the internal domain note.
		if strings.TrimSpace(r.Source) == "" {
			t.Errorf("rule %s names no source", r.ID)
		}
		if strings.Contains(r.Source, "KAP.md") || strings.Contains(r.Source, "[verify]") {
			t.Errorf("rule %s cites the internal note or a bare marker: %q", r.ID, r.Source)
		}
	}
	// KAP.md §1: every row of "Contraindications and interactions" has rules; these are the
	// conditions the rows name, one rule each at least.
	want := []string{
		"abs-hypersensitivity", "abs-severe-hypertension", "abs-aneurysm-avm", "abs-intracerebral-haemorrhage",
		"abs-eclampsia", "abs-severe-coronary-myocardial", "abs-stroke", "abs-cerebral-trauma",
		"rel-psychosis", "rel-mania-bipolar", "rel-substance-use-disorder", "rel-pregnancy",
		"rel-breastfeeding", "rel-uncontrolled-hypertension",
		"int-benzodiazepine", "int-benzodiazepine-over-8mg-de", "int-lamotrigine", "int-maoi",
		"int-psychostimulant", "int-sedative-hypnotic",
	}
	have := map[string]bool{}
	for _, r := range rs.Rules() {
		have[r.ID] = true
	}
	for _, id := range want {
		if !have[id] {
			t.Errorf("rule %s is missing", id)
		}
	}
}

func TestRulesReturnsACopy(t *testing.T) {
	rs := mustLoad(t)
	rules := rs.Rules()
	rules[0].Message = "changed"
	for i := range rules {
		if rules[i].Any != nil {
			rules[i].Any[0].Fact = "changed"
		}
	}
	for _, r := range rs.Rules() {
		if r.Message == "changed" || (r.Any != nil && r.Any[0].Fact == "changed") {
			t.Fatal("changing the returned rules changed the rule set")
		}
	}
}

const goodRule = `{"id":"abs-stroke","class":"absolute","fact":"history.stroke","op":"is_true","message":"m","source":"s"}`

func file(params, rules string) string {
	return `{"version":"t1","parameters":[` + params + `],"rules":[` + rules + `]}`
}

func TestParseRejectsBadFiles(t *testing.T) {
	param := `{"name":"p","default":180,"min":120,"max":220,"unit":"mm[Hg]","source":"s"}`
	useParam := `{"id":"abs-bp","class":"absolute","fact":"vitals.bp_systolic","op":"gte","param":"p","message":"m","source":"s"}`
	cases := []struct {
		name string
		data string
		err  string
	}{
		{"not JSON", `{`, "not valid"},
		{"unknown field (typo)", `{"version":"t1","rules":[{"id":"a","class":"caution","fact":"history.stroke","op":"is_true","vaule":1,"message":"m","source":"s"}]}`, `unknown field "vaule"`},
		{"trailing content", file("", goodRule) + `{}`, "content after"},
		{"no version", `{"rules":[` + goodRule + `]}`, "no version"},
		{"no rules", file("", ""), "no rules"},
		{"duplicate id", file("", goodRule+","+goodRule), `"abs-stroke" is used twice`},
		{"missing id", file("", `{"class":"absolute","fact":"history.stroke","op":"is_true","message":"m","source":"s"}`), "has no id"},
		{"unknown class", file("", `{"id":"a","class":"severe","fact":"history.stroke","op":"is_true","message":"m","source":"s"}`), `unknown class "severe"`},
		{"no source", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"is_true","message":"m","source":" "}`), "has no source"},
		{"no message", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"is_true","source":"s"}`), "has no message"},
		{"unknown op", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"equals","message":"m","source":"s"}`), `unknown op "equals"`},
		{"unknown fact", file("", `{"id":"a","class":"caution","fact":"history.strok","op":"is_true","message":"m","source":"s"}`), `unknown fact "history.strok"`},
		{"is_true on a number", file("", `{"id":"a","class":"caution","fact":"vitals.bp_systolic","op":"is_true","message":"m","source":"s"}`), "needs a yes/no fact"},
		{"is_true with a value", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"is_true","value":true,"message":"m","source":"s"}`), "takes no value"},
		{"gt on a bool", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"gt","value":1,"message":"m","source":"s"}`), "needs a number fact"},
		{"gt without a value", file("", `{"id":"a","class":"caution","fact":"vitals.bp_systolic","op":"gt","message":"m","source":"s"}`), "needs a value or a param"},
		{"gt with a text value", file("", `{"id":"a","class":"caution","fact":"vitals.bp_systolic","op":"gt","value":"high","message":"m","source":"s"}`), "needs a number value"},
		{"gt with value and param", file(param, `{"id":"a","class":"caution","fact":"vitals.bp_systolic","op":"gt","value":1,"param":"p","message":"m","source":"s"}`), "not both"},
		{"in on a bool", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"in","value":["daily"],"message":"m","source":"s"}`), "needs a text fact"},
		{"in with an empty list", file("", `{"id":"a","class":"caution","fact":"substance.alcohol","op":"in","value":[],"message":"m","source":"s"}`), "non-empty list"},
		{"in with an unknown frequency", file("", `{"id":"a","class":"caution","fact":"substance.alcohol","op":"in","value":["wekly"],"message":"m","source":"s"}`), `"wekly" is not a value`},
		{"empty any", file("", `{"id":"a","class":"caution","any":[],"message":"m","source":"s"}`), "any is empty"},
		{"fact and any together", file("", `{"id":"a","class":"caution","fact":"history.stroke","op":"is_true","any":[{"fact":"history.stroke","op":"is_true"}],"message":"m","source":"s"}`), "exactly one of"},
		{"no condition at all", file("", `{"id":"a","class":"caution","message":"m","source":"s"}`), "exactly one of"},
		{"nested too deep", file("", `{"id":"a","class":"caution","any":[{"all":[{"any":[{"fact":"history.stroke","op":"is_true"}]}]}],"message":"m","source":"s"}`), "nest deeper"},
		{"bad op inside all", file("", `{"id":"a","class":"caution","all":[{"fact":"history.stroke","op":"is_true"},{"fact":"history.stroke","op":"nope"}],"message":"m","source":"s"}`), `unknown op "nope"`},
		{"unknown parameter", file("", `{"id":"a","class":"caution","fact":"vitals.bp_systolic","op":"gte","param":"q","message":"m","source":"s"}`), `unknown parameter "q"`},
		{"parameter not used", file(param, goodRule), `parameter "p" is not used`},
		{"parameter declared twice", file(param+","+param, useParam), `"p" is declared twice`},
		{"parameter default out of bounds", file(`{"name":"p","default":250,"min":120,"max":220,"source":"s"}`, useParam), "must lie within"},
		{"parameter without a source", file(`{"name":"p","default":180,"min":120,"max":220}`, useParam), `parameter "p" has no source`},
		{"parameter without a name", file(`{"default":180,"min":120,"max":220,"source":"s"}`, goodRule), "has no name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := Parse([]byte(tc.data))
			if err == nil {
				t.Fatalf("accepted; want an error containing %q", tc.err)
			}
			if rs != nil {
				t.Error("a rejected file must give no rule set")
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err %q, want it to contain %q", err, tc.err)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(file("", `{"id":"a","class":"x","fact":"history.stroke","op":"is_true","message":"m"}`)))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{`unknown class "x"`, "has no source"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q lacks %q", err, want)
		}
	}
}

func TestParseAcceptsAGoodFile(t *testing.T) {
	rs, err := Parse([]byte(file(
		`{"name":"p","default":180,"min":120,"max":220,"unit":"mm[Hg]","source":"s"}`,
		goodRule+`,{"id":"abs-bp","class":"absolute","fact":"vitals.bp_systolic","op":"gte","param":"p","message":"m","source":"s"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if rs.Version() != "t1" || len(rs.Rules()) != 2 || len(rs.Parameters()) != 1 {
		t.Errorf("version %q, %d rules, %d parameters", rs.Version(), len(rs.Rules()), len(rs.Parameters()))
	}
}
