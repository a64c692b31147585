package textlimit_test

import (
	"strings"
	"testing"

	"holdspace/internal/textlimit"
)

func TestAFieldsKindComesFromTheEndOfItsPath(t *testing.T) {
	for path, want := range map[string]textlimit.Kind{
		"email":                       textlimit.Email,
		"emergency_contact.name":      textlimit.Name,
		"medications.list[2].name":    textlimit.Name,
		"plan.warning_signs[3].text":  textlimit.Line,
		"warning_signs.3.text":        textlimit.Line,
		"people_to_ask.0.phone":       textlimit.Line,
		"text":                        textlimit.Narrative,
		"goals.text":                  textlimit.Narrative,
		"readings[2].note":            textlimit.Note,
		"worth_living_for":            textlimit.Note,
		"reason-0193aa":               textlimit.Default,
		"":                            textlimit.Default,
		"answers.phq9_9":              textlimit.Default,
		"appointment.reminder.body":   textlimit.Narrative,
		"address.postal_code":         textlimit.Line,
		"session_summary.summary":     textlimit.Narrative,
		"checklist.items[0].followup": textlimit.Default,
	} {
		if got := textlimit.For(path); got != want {
			t.Errorf("%q is %s; want %s", path, got.Name, want.Name)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		path, value, says string
	}{
		{"name", strings.Repeat("é", 200), ""},
		{"name", strings.Repeat("é", 201), "at most 200 characters; it has 201"},
		{"notes", strings.Repeat("line\r\n", 2000), ""}, // 10,000 characters as typed: CR LF is one
		{"notes", strings.Repeat("line\r\n", 2000) + "x", "at most 10,000"},
		{"name", "caf\xe9", "not valid text"},
		{"name", "a\x00b", "NUL"},
	} {
		got := textlimit.Check(c.path, c.value)
		if (c.says == "") != (got == "") || !strings.Contains(got, c.says) {
			t.Errorf("Check(%q, %d bytes) = %q; want %q", c.path, len(c.value), got, c.says)
		}
	}
}

func TestCleanMakesAHeaderStorable(t *testing.T) {
	for in, want := range map[string]string{
		"Mozilla/5.0":            "Mozilla/5.0",
		"a\xff\xfeb":             "a\uFFFDb",
		"a\x00b":                 "a\uFFFDb",
		strings.Repeat("é", 301): strings.Repeat("é", 300),
	} {
		if got := textlimit.Clean(in, 300); got != want {
			t.Errorf("Clean(%q) = %q; want %q", in, got, want)
		}
	}
}
