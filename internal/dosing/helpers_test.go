package dosing

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// day0 is Monday 2 March 2026, 09:00 UTC.
var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return day0.Add(d) }

const (
	hour = time.Hour
	min  = time.Minute
	days = 24 * time.Hour
)

func rulesOf(rs []Refusal) []Rule {
	out := make([]Rule, len(rs))
	for i, r := range rs {
		out[i] = r.Rule
	}
	return out
}

func warningRules(ws []Warning) []Rule {
	out := make([]Rule, len(ws))
	for i, w := range ws {
		out[i] = w.Rule
	}
	return out
}

func wantRules(t *testing.T, got []Refusal, want ...Rule) {
	t.Helper()
	if !slices.Equal(rulesOf(got), want) {
		t.Errorf("refusals %v, want %v\n%s", rulesOf(got), want, messages(got))
	}
}

func messages(rs []Refusal) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString("  - " + r.Message + "\n")
	}
	return b.String()
}

// wantMessages checks every fragment appears in some refusal, so a test pins the numbers a
// clinician is shown.
func wantMessages(t *testing.T, got []Refusal, fragments ...string) {
	t.Helper()
	all := messages(got)
	for _, f := range fragments {
		if !strings.Contains(all, f) {
			t.Errorf("no refusal says %q; got:\n%s", f, all)
		}
	}
}
