package reminder_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/reminder"
)

func TestRenderFillsPlaceholdersOnceAndSafely(t *testing.T) {
	v := reminder.Values{"client_first_name": "Alex\r\nBcc: x@example.org", "practice_name": "{{client_first_name}}"}
	for _, tc := range []struct{ in, want string }{
		{"Dear {{client_first_name}},", "Dear Alex  Bcc: x@example.org,"},
		{"{{ practice_name }}", "{{client_first_name}}"}, // a value is not expanded again
		{"{{session_time}}", ""},                         // known but without a value here
		{"no placeholders", "no placeholders"},
	} {
		if got := reminder.Render(tc.in, v); got != tc.want {
			t.Errorf("Render(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestSettingsAreValidated(t *testing.T) {
	ok := reminder.DefaultSettings()
	if ps := ok.Validate(); len(ps) != 0 {
		t.Fatalf("the defaults are refused: %v", ps)
	}
	if u := reminder.Unknown(ok.Before.Body + ok.After.Body + ok.Before.Subject + ok.After.Subject); len(u) != 0 {
		t.Fatalf("the default texts use unknown placeholders %v", u)
	}
	for _, tc := range []struct {
		name, field, says string
		change            func(*reminder.Settings)
	}{
		{"unknown placeholder", "before.body", "{{client_surname}}", func(s *reminder.Settings) { s.Before.Body += " {{client_surname}}" }},
		{"unknown in the subject", "after.subject", "{{when}}", func(s *reminder.Settings) { s.After.Subject = "At {{when}}" }},
		{"empty subject", "before.subject", "Write a subject line.", func(s *reminder.Settings) { s.Before.Subject = " " }},
		{"subject on two lines", "after.subject", "one line", func(s *reminder.Settings) { s.After.Subject = "a\nb" }},
		{"empty text", "after.body", "restore the default text", func(s *reminder.Settings) { s.After.Body = "" }},
		{"too early", "hours_before", "between 2 and 168 hours", func(s *reminder.Settings) { s.HoursBefore = 1 }},
		{"too far ahead", "hours_before", "200 was given", func(s *reminder.Settings) { s.HoursBefore = 200 }},
		{"no crisis line", "crisis_line", "in a crisis", func(s *reminder.Settings) { s.CrisisLine = "" }},
		{"phone on two lines", "phone", "one line", func(s *reminder.Settings) { s.Phone = "1\n2" }},
	} {
		s := reminder.DefaultSettings()
		tc.change(&s)
		found := false
		for _, p := range s.Validate() {
			found = found || p.Field == tc.field && strings.Contains(p.Message, tc.says)
		}
		if !found {
			t.Errorf("%s: %v; want %q on %s", tc.name, s.Validate(), tc.says, tc.field)
		}
	}
}

// The numbers in the email are the practice's checklist numbers (KAP.md
// §1 Fasting: no food 2 h, no liquid 30 min by default) and the time is
// in the practice's zone.
func TestValuesUseThePracticesNumbersAndZone(t *testing.T) {
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	med := dosing.DefaultSettings()
	med.Checklist.FoodFastMinutes, med.Checklist.LiquidFastMinutes, med.Checklist.SubstanceFreeHours = 90, 60, 0
	v := reminder.ValuesFor(reminder.DefaultSettings(), med, reminder.Session{Number: 2, At: time.Date(2026, 7, 1, 14, 30, 0, 0, time.UTC),
		ClientLegal: "Maya Thompson", PracticeName: "Stillwater", Zone: zone})
	for k, want := range map[string]string{"client_first_name": "Maya", "session_date": "Wednesday 1 July 2026", "session_time": "10:30 AM EDT",
		"food_fast": "1 hour 30 minutes", "liquid_fast": "1 hour", "substance_free": "the time your care team gave you", "session_place": "Stillwater",
		"session_number": "2"} {
		if v[k] != want {
			t.Errorf("%s = %q; want %q", k, v[k], want)
		}
	}
}
