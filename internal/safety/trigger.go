package safety

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Severity orders safety alerts. Every severity reaches a clinician at once;
// severity decides only whether a practice's shorter round-the-clock
// escalation window applies (EscalationSettings.HighSeverityWindowMinutes).
type Severity string

const (
	SeverityModerate Severity = "moderate"
	SeverityHigh     Severity = "high"
)

// Source says which answer raised a trigger.
type Source string

const (
	SourcePHQ9Item9       Source = "phq9_item9"
	SourceCSSRS           Source = "cssrs_screener"
	SourceCheckInSelfHarm Source = "check_in_self_harm"
)

// QuotedAnswer is a question and the client's answer, word for word, so the
// clinician reads what the client saw and chose.
type QuotedAnswer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Trigger is a positive answer that must reach a clinician (KAP.md §2 last
// line; §1: suicidal thoughts can rise for up to two weeks after ketamine).
type Trigger struct {
	Source     Source         `json:"source"`
	Instrument string         `json:"instrument"`
	Severity   Severity       `json:"severity"`
	AnsweredAt time.Time      `json:"answered_at"`
	Answers    []QuotedAnswer `json:"answers"`
	// Message is for clinicians: what was answered, quoted.
	Message string `json:"message"`
}

// ItemAnswer is one answered item as the instrument recorded it.
type ItemAnswer struct {
	// Item is the item's number or id as printed on the form ("9").
	Item  string `json:"item"`
	LOINC string `json:"loinc,omitempty"`
	// Text is the question as shown to the client.
	Text string `json:"text,omitempty"`
	// Value is the scored answer (PHQ-9 0-3; yes/no as 1/0).
	Value int `json:"value"`
	// Label is the answer as shown ("Several days", "Yes").
	Label string `json:"label,omitempty"`
}

// Response is a completed questionnaire in plain values.
type Response struct {
	Instrument string       `json:"instrument"`
	AnsweredAt time.Time    `json:"answered_at"`
	Items      []ItemAnswer `json:"items"`
	// RiskLevel is the C-SSRS screener's triage as the instrument scored it
	// (none, low, moderate, high).
	RiskLevel string `json:"risk_level,omitempty"`
	// RecordedBy names the staff member who put the answers in, when the
	// questionnaire was given in the clinic rather than filled in by the
	// client: the alert then says whose record it is.
	RecordedBy string `json:"recorded_by,omitempty"`
}

// TriggerFor checks a completed questionnaire for a safety trigger. Only
// the PHQ-9 and the C-SSRS screener carry one; any other instrument returns
// no trigger. Instrument codes are compared without case or punctuation, so
// "PHQ-9" and "phq9" are the same.
func TriggerFor(r Response) (Trigger, bool, error) {
	code := squash(r.Instrument)
	switch {
	case code == squash(InstrumentPHQ9):
		return recordedBy(PHQ9Trigger(r.Items, r.AnsweredAt))(r.RecordedBy)
	case strings.HasPrefix(code, "cssrs"):
		return recordedBy(CSSRSTrigger(r.RiskLevel, r.Items, r.AnsweredAt))(r.RecordedBy)
	}
	return Trigger{}, false, nil
}

// recordedBy says, in a fired trigger's message, that the answers were
// given to a staff member in the clinic and recorded by them: "the client
// answered" alone reads as the client's own portal entry.
func recordedBy(t Trigger, fired bool, err error) func(string) (Trigger, bool, error) {
	return func(staff string) (Trigger, bool, error) {
		if fired && err == nil && staff != "" {
			t.Message = strings.Replace(t.Message, "the client answered", "the client answered, as recorded in the clinic by "+staff+",", 1)
			if !strings.Contains(t.Message, staff) {
				t.Message += " Recorded in the clinic by " + staff + "."
			}
		}
		return t, fired, err
	}
}

// PHQ-9 item 9 as published (Kroenke, Spitzer & Williams 2001; public
// domain), and its LOINC code (KAP.md §2).
const (
	phq9Item9Text  = "Thoughts that you would be better off dead, or of hurting yourself in some way"
	phq9Item9LOINC = "44260-8"
)

var phq9Labels = [4]string{"Not at all", "Several days", "More than half the days", "Nearly every day"}

// PHQ9Trigger fires when PHQ-9 item 9 is answered above 0 (KAP.md §2).
//
// Severity: "several days" (1) is moderate; "more than half the days" (2)
// and "nearly every day" (3) are high. Simon et al. 2013 (Psychiatric
// Services 64:1195) found the risk of a suicide attempt and of suicide death
// in the following year rose with each step of item 9, and named the two top
// answers the group for whom further assessment is clearly indicated;
// Louzon et al. 2016 (Psychiatric Services 67:517) found the same gradient
// for suicide deaths among VA patients.
//
// Item 9 is found by number "9" or its LOINC code. A PHQ-9 without item 9
// is refused rather than passed: the safety question must not be skipped
// silently.
func PHQ9Trigger(items []ItemAnswer, answeredAt time.Time) (Trigger, bool, error) {
	var item9 *ItemAnswer
	for i := range items {
		it := &items[i]
		if strings.TrimSpace(it.Item) != "9" && it.LOINC != phq9Item9LOINC {
			continue
		}
		if item9 != nil && item9.Value != it.Value {
			return Trigger{}, false, invalid("PHQ-9 item 9 has two different answers")
		}
		item9 = it
	}
	if item9 == nil {
		return Trigger{}, false, invalid("PHQ-9 item 9 is unanswered; the safety question cannot be checked")
	}
	v := item9.Value
	if v < 0 || v > 3 {
		return Trigger{}, false, invalid(fmt.Sprintf("PHQ-9 item 9 answer %d is outside 0-3", v))
	}
	if v == 0 {
		return Trigger{}, false, nil
	}
	q := QuotedAnswer{Question: orDefault(item9.Text, phq9Item9Text), Answer: orDefault(item9.Label, phq9Labels[v])}
	sev := SeverityModerate
	if v >= 2 {
		sev = SeverityHigh
	}
	return Trigger{
		Source:     SourcePHQ9Item9,
		Instrument: InstrumentPHQ9,
		Severity:   sev,
		AnsweredAt: answeredAt,
		Answers:    []QuotedAnswer{q},
		Message: fmt.Sprintf("PHQ-9 item 9: the client answered %s (%d of 3) to %s.",
			quote(q.Answer), v, quote(q.Question)),
	}, true, nil
}

// CSSRSTrigger fires when the C-SSRS screener triages to moderate or high
// risk (KAP.md §2). The level comes from the instrument's own scoring
// (Columbia triage: high for a yes to Q4 or Q5 in the past month or any
// suicidal behaviour in the past 3 months; moderate for a yes to Q3 or
// behaviour longer ago); this package does not score the screener twice.
// Severity follows the level. "Low" and "none" raise nothing here: a
// clinician still sees them on the result. Any other level is refused so a
// misspelt level cannot hide a high one.
func CSSRSTrigger(riskLevel string, items []ItemAnswer, answeredAt time.Time) (Trigger, bool, error) {
	var sev Severity
	switch strings.ToLower(strings.TrimSpace(riskLevel)) {
	case "none", "no", "low":
		return Trigger{}, false, nil
	case "moderate":
		sev = SeverityModerate
	case "high":
		sev = SeverityHigh
	default:
		return Trigger{}, false, invalid(fmt.Sprintf("C-SSRS risk level %q is not one of none, low, moderate, high", riskLevel))
	}
	var quoted []QuotedAnswer
	var parts []string
	for _, it := range items {
		ans := it.Label
		if ans == "" {
			ans = yesNo(it.Value != 0)
		}
		q := QuotedAnswer{Question: orDefault(it.Text, "Question "+it.Item), Answer: ans}
		quoted = append(quoted, q)
		parts = append(parts, fmt.Sprintf("Q%s %s: %s", it.Item, quote(q.Question), quote(q.Answer)))
	}
	msg := fmt.Sprintf("C-SSRS screener triaged to %s risk.", sev)
	if len(parts) > 0 {
		msg += " The client's answers: " + strings.Join(parts, "; ") + "."
	}
	return Trigger{
		Source:     SourceCSSRS,
		Instrument: InstrumentCSSRS,
		Severity:   sev,
		AnsweredAt: answeredAt,
		Answers:    quoted,
		Message:    msg,
	}, true, nil
}

// CheckInTrigger fires when a post-session check-in answers yes to thoughts
// of self-harm. The answer is yes or no, with nothing on frequency, intent or
// plan, which is what separates moderate from high on the C-SSRS; so it is
// moderate unless the practice sets s.SelfHarmSeverity to high. Either way it
// reaches the care team at once. The message quotes the mood, sleep and
// free-text answers too, because the clinician calling back needs them.
func CheckInTrigger(c CheckIn, s CheckInSettings) (Trigger, bool, error) {
	if err := c.Validate(); err != nil {
		return Trigger{}, false, err
	}
	if !*c.SelfHarmThoughts {
		return Trigger{}, false, nil
	}
	sev := SeverityModerate
	if s.SelfHarmSeverity == SeverityHigh {
		sev = SeverityHigh
	}
	qs := CheckInQuestions()
	answers := []QuotedAnswer{
		{Question: qs[2].Text, Answer: yesNo(true)},
		{Question: qs[0].Text, Answer: fmt.Sprintf("%d", *c.Mood)},
		{Question: qs[1].Text, Answer: c.Sleep.Label()},
	}
	msg := fmt.Sprintf("Check-in after medicine session %d: the client answered %s to %s Mood %d of 10; slept %s.",
		c.Session, quote("Yes"), quote(checkInSelfHarmQuestion), *c.Mood, quote(c.Sleep.Label()))
	if note := strings.TrimSpace(c.ForCareTeam); note != "" {
		answers = append(answers, QuotedAnswer{Question: qs[3].Text, Answer: note})
		msg += " For the care team: " + quote(note) + "."
	}
	return Trigger{
		Source:     SourceCheckInSelfHarm,
		Instrument: InstrumentCheckIn,
		Severity:   sev,
		AnsweredAt: c.AnsweredAt,
		Answers:    answers,
		Message:    msg,
	}, true, nil
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

// quote wraps a client's words in typographic quotes, keeping them intact
// apart from folding line breaks, which would break a one-line message.
func quote(s string) string {
	return "“" + strings.Join(strings.Fields(s), " ") + "”"
}

// squash lowers a code and drops everything but letters and digits.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
