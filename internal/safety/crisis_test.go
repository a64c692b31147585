package safety

import (
	"strings"
	"testing"
)

// Crisis resources and the text shown at a positive answer (KAP.md §7: US
// crisis line, call or text 988, 988lifeline.org chat, veterans press 1,
// 911 for immediate danger; a safety plan is never a no-suicide contract,
// Stanley & Brown 2012).

func TestUSDefaults(t *testing.T) {
	c := USCrisisResources()
	wantCode(t, c.Validate(), "")
	msg := PositiveAnswerMessage(c, "Riverside KAP")
	for _, want := range []string{
		"call or text 988",
		"chat at 988lifeline.org",
		"Veterans Crisis Line (for veterans): call 988, then press 1",
		"call 911",
		"Your care team at Riverside KAP has been told",
		"safety plan",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	// Not a no-suicide contract: it asks for no promise or agreement.
	for _, never := range []string{"promise", "agree", "contract", "must not", "!"} {
		if strings.Contains(strings.ToLower(msg), never) {
			t.Errorf("message contains %q", never)
		}
	}
	if !strings.HasPrefix(PositiveAnswerMessage(c, " "), "Thank you") ||
		!strings.Contains(PositiveAnswerMessage(c, ""), "Your care team has been told") {
		t.Error("message without a practice name reads wrongly")
	}
}

func TestPracticeOverridesCrisisResources(t *testing.T) {
	uk := CrisisResources{Region: "GB", Emergency: "999", Lines: []CrisisLine{{Name: "Samaritans", Call: "116 123"}}}
	cases := []struct {
		name     string
		practice *CrisisResources
		wantEm   string
	}{
		{"no override", nil, "911"},
		{"valid override", &uk, "999"},
		{"override with no emergency number falls back", &CrisisResources{Lines: uk.Lines}, "911"},
		{"override with no lines falls back", &CrisisResources{Emergency: "999"}, "911"},
		{"override with a line nobody can reach falls back", &CrisisResources{Emergency: "999", Lines: []CrisisLine{{Name: "x"}}}, "911"},
	}
	for _, c := range cases {
		if got := ResourcesFor(c.practice); got.Emergency != c.wantEm {
			t.Errorf("%s: emergency %s, want %s", c.name, got.Emergency, c.wantEm)
		}
	}
	if msg := PositiveAnswerMessage(uk, ""); !strings.Contains(msg, "Samaritans: call 116 123") || !strings.Contains(msg, "call 999") {
		t.Errorf("override not shown:\n%s", msg)
	}
}

func TestCrisisLineHow(t *testing.T) {
	cases := []struct {
		l    CrisisLine
		want string
	}{
		{CrisisLine{Call: "988", Text: "988", Chat: "988lifeline.org"}, "call or text 988, or chat at 988lifeline.org"},
		{CrisisLine{Call: "116 123"}, "call 116 123"},
		{CrisisLine{Call: "1", Text: "2"}, "call 1, or text 2"},
		{CrisisLine{Text: "741741"}, "text 741741"},
		{CrisisLine{}, ""},
	}
	for _, c := range cases {
		if got := c.l.How(); got != c.want {
			t.Errorf("How() = %q, want %q", got, c.want)
		}
	}
}
