package safety

import (
	"strings"
	"testing"
	"time"
)

// Safety triggers: PHQ-9 item 9 > 0 and a positive C-SSRS screen are safety
// events that must reach a clinician (KAP.md §2, last line); so is a yes to
// self-harm on a post-session check-in (KAP.md §1: suicidal thoughts can
// rise for up to two weeks after ketamine). PHQ-9 item 9 severity follows
// Simon et al. 2013, Psychiatric Services 64:1195.

var answered = time.Date(2025, 3, 4, 19, 5, 0, 0, time.UTC)

func phq9(item9 int) []ItemAnswer {
	items := make([]ItemAnswer, 9)
	for i := range items {
		items[i] = ItemAnswer{Item: string(rune('1' + i)), Value: 1}
	}
	items[8].Value = item9
	return items
}

func TestPHQ9Item9(t *testing.T) {
	cases := []struct {
		name     string
		items    []ItemAnswer
		fires    bool
		severity Severity
		quotes   string
		err      Code
	}{
		{"not at all (0) does not fire", phq9(0), false, "", "", ""},
		{"several days (1) fires, moderate", phq9(1), true, SeverityModerate, "“Several days” (1 of 3)", ""},
		{"more than half the days (2) fires, high", phq9(2), true, SeverityHigh, "“More than half the days” (2 of 3)", ""},
		{"nearly every day (3) fires, high", phq9(3), true, SeverityHigh, "“Nearly every day” (3 of 3)", ""},
		{"-1 is refused", phq9(-1), false, "", "", CodeInvalid},
		{"4 is refused", phq9(4), false, "", "", CodeInvalid},
		{"item 9 missing is refused", phq9(1)[:8], false, "", "", CodeInvalid},
		{"found by LOINC 44260-8", []ItemAnswer{{Item: "q9", LOINC: "44260-8", Value: 1}}, true, SeverityModerate, "(1 of 3)", ""},
		{"the form's own wording is quoted", []ItemAnswer{{Item: "9", Value: 2, Text: "Thoughts of hurting yourself", Label: "More than half"}},
			true, SeverityHigh, "“More than half” (2 of 3) to “Thoughts of hurting yourself”", ""},
		{"two different item 9 answers are refused", append(phq9(0), ItemAnswer{LOINC: "44260-8", Value: 2}), false, "", "", CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, fired, err := PHQ9Trigger(c.items, answered)
			wantCode(t, err, c.err)
			if fired != c.fires {
				t.Fatalf("fired = %v, want %v", fired, c.fires)
			}
			if !fired {
				return
			}
			if tr.Severity != c.severity || tr.Source != SourcePHQ9Item9 || !tr.AnsweredAt.Equal(answered) {
				t.Errorf("got %+v", tr)
			}
			if !strings.Contains(tr.Message, c.quotes) {
				t.Errorf("message %q does not quote %q", tr.Message, c.quotes)
			}
			if len(tr.Answers) != 1 || tr.Answers[0].Question == "" {
				t.Errorf("answers %+v", tr.Answers)
			}
		})
	}
}

func TestCSSRSScreener(t *testing.T) {
	items := []ItemAnswer{
		{Item: "1", Text: "Wish to be dead", Value: 1},
		{Item: "2", Text: "Suicidal thoughts", Value: 1, Label: "Yes"},
		{Item: "3", Text: "Thoughts with method", Value: 0},
	}
	cases := []struct {
		level    string
		fires    bool
		severity Severity
		err      Code
	}{
		{"none", false, "", ""},
		{"low", false, "", ""},
		{"moderate", true, SeverityModerate, ""},
		{"high", true, SeverityHigh, ""},
		{" High ", true, SeverityHigh, ""},
		{"MODERATE", true, SeverityModerate, ""},
		{"severe", false, "", CodeInvalid},
		{"", false, "", CodeInvalid},
	}
	for _, c := range cases {
		t.Run("level "+c.level, func(t *testing.T) {
			tr, fired, err := CSSRSTrigger(c.level, items, answered)
			wantCode(t, err, c.err)
			if fired != c.fires {
				t.Fatalf("fired = %v, want %v", fired, c.fires)
			}
			if !fired {
				return
			}
			if tr.Severity != c.severity || tr.Source != SourceCSSRS || len(tr.Answers) != 3 {
				t.Errorf("got %+v", tr)
			}
			for _, want := range []string{"Q1 “Wish to be dead”: “Yes”", "Q3 “Thoughts with method”: “No”", string(c.severity) + " risk"} {
				if !strings.Contains(tr.Message, want) {
					t.Errorf("message %q lacks %q", tr.Message, want)
				}
			}
		})
	}
}

func TestTriggerForDispatchesByInstrument(t *testing.T) {
	cases := []struct {
		r     Response
		fires bool
		src   Source
	}{
		{Response{Instrument: "PHQ-9", Items: phq9(1)}, true, SourcePHQ9Item9},
		{Response{Instrument: "phq9", Items: phq9(0)}, false, ""},
		{Response{Instrument: "C-SSRS", RiskLevel: "high"}, true, SourceCSSRS},
		{Response{Instrument: "cssrs_screener", RiskLevel: "low"}, false, ""},
		// The GAD-7 has no safety item; its answers never raise an alert.
		{Response{Instrument: "gad7", Items: []ItemAnswer{{Item: "9", Value: 3}}}, false, ""},
	}
	for _, c := range cases {
		tr, fired, err := TriggerFor(c.r)
		wantCode(t, err, "")
		if fired != c.fires || tr.Source != c.src {
			t.Errorf("%s: fired %v source %q", c.r.Instrument, fired, tr.Source)
		}
	}
}

func TestCheckInSelfHarm(t *testing.T) {
	base := CheckIn{Session: 2, Mood: ptr(3), Sleep: SleepPoor, SelfHarmThoughts: ptr(false), AnsweredAt: answered}
	yes := base
	yes.SelfHarmThoughts = ptr(true)
	yes.ForCareTeam = "Hard night,\nfeeling low"
	cases := []struct {
		name     string
		c        CheckIn
		s        CheckInSettings
		fires    bool
		severity Severity
		err      Code
	}{
		{"no does not fire", base, CheckInSettings{}, false, "", ""},
		{"yes fires, moderate by default", yes, CheckInSettings{}, true, SeverityModerate, ""},
		{"yes fires, high if the practice says so", yes, CheckInSettings{SelfHarmSeverity: SeverityHigh}, true, SeverityHigh, ""},
		{"unanswered is refused, not passed", CheckIn{Session: 2, Mood: ptr(3), Sleep: SleepPoor, AnsweredAt: answered}, CheckInSettings{}, false, "", CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, fired, err := CheckInTrigger(c.c, c.s)
			wantCode(t, err, c.err)
			if fired != c.fires {
				t.Fatalf("fired = %v, want %v", fired, c.fires)
			}
			if !fired {
				return
			}
			if tr.Severity != c.severity || tr.Source != SourceCheckInSelfHarm {
				t.Errorf("got %+v", tr)
			}
			for _, want := range []string{"session 2", "“Yes”", "Mood 3 of 10", "“Poorly”", "“Hard night, feeling low”"} {
				if !strings.Contains(tr.Message, want) {
					t.Errorf("message %q lacks %q", tr.Message, want)
				}
			}
		})
	}
}
