package safety

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// InstrumentCheckIn is the code of the short post-session check-in.
const InstrumentCheckIn = "check_in"

// CheckInOccasion names the check-in due days after medicine session n,
// e.g. "check_in:3:1d" for the day after session 3.
func CheckInOccasion(session, days int) string {
	return fmt.Sprintf("check_in:%d:%dd", session, days)
}

// MaxCheckInDay is the last day after a session a check-in may fall on: the
// end of the risk window (RiskWindow).
const MaxCheckInDay = 14

// CheckInSettings are a practice's post-session check-in rules.
type CheckInSettings struct {
	// Zone is the practice's time zone: "the day after" is a calendar day
	// there.
	Zone *time.Location `json:"-"`
	// DaysAfter lists the calendar days after each medicine session on which
	// a check-in is due.
	DaysAfter []int `json:"days_after"`
	// GraceMinutes is how long after the end of the due day a check-in may
	// still arrive before the care team is told it was missed.
	GraceMinutes int `json:"grace_minutes"`
	// SelfHarmSeverity is the alert severity for a yes to the self-harm
	// question; empty means moderate (see CheckInTrigger).
	SelfHarmSeverity Severity `json:"self_harm_severity,omitempty"`
}

// DefaultCheckInSettings: check-ins 1, 3, 7 and 14 days after each medicine
// session, because mood and suicidal thoughts can worsen for up to two weeks
// after ketamine (KAP.md §1 adverse effects): close together while the
// medicine is fresh, then to the end of the risk. The 12-hour grace
// runs to midday after the due day: a client who answers late in the
// evening or first thing next morning is not chased, and a missed check-in
// still reaches the care team within the next working day.
func DefaultCheckInSettings(zone *time.Location) CheckInSettings {
	return CheckInSettings{Zone: zone, DaysAfter: []int{1, 3, 7, 14}, GraceMinutes: 12 * 60}
}

// Grace is GraceMinutes as a duration; a negative setting counts as none.
func (s CheckInSettings) Grace() time.Duration {
	return time.Duration(max(s.GraceMinutes, 0)) * time.Minute
}

// Validate refuses settings that would plan no useful check-in.
func (s CheckInSettings) Validate() error {
	if s.Zone == nil {
		return invalid("set the practice time zone before planning check-ins")
	}
	if len(s.DaysAfter) == 0 {
		return Invalid("days_after", "list at least one check-in day: without one, nobody asks a client how they are in the two weeks after a session")
	}
	for _, d := range s.DaysAfter {
		if d < 1 || d > MaxCheckInDay {
			return Invalid("days_after", fmt.Sprintf("check-in days are 1 to %d days after a session (the risk lasts up to two weeks); %d is not", MaxCheckInDay, d))
		}
	}
	if s.GraceMinutes < 0 {
		return invalid("the check-in grace period cannot be negative")
	}
	switch s.SelfHarmSeverity {
	case "", SeverityModerate, SeverityHigh:
	default:
		return invalid(fmt.Sprintf("self-harm severity must be %q or %q", SeverityModerate, SeverityHigh))
	}
	return nil
}

// CheckInsFor lists the check-ins due after medicine session number
// session, which started at start. Each is due by the end of its day in the
// practice zone and counts until the grace period after that ends.
func CheckInsFor(session int, start time.Time, s CheckInSettings) []Due {
	loc := zoneOr(s.Zone)
	days := slices.Clone(s.DaysAfter)
	slices.Sort(days)
	days = slices.Compact(days)
	var out []Due
	for _, n := range days {
		if n < 1 {
			continue
		}
		day := dayStart(start, loc, n)
		end := dayStart(start, loc, n+1)
		out = append(out, Due{
			Instrument:   InstrumentCheckIn,
			Occasion:     CheckInOccasion(session, n),
			Session:      session,
			DueDate:      civilDate(day, loc),
			DueBy:        end,
			WindowOpens:  day,
			WindowCloses: end.Add(s.Grace()),
		})
	}
	return out
}

// Completion records that an instrument was answered for an occasion.
type Completion struct {
	Instrument string    `json:"instrument"`
	Occasion   string    `json:"occasion"`
	At         time.Time `json:"at"`
}

// MissedCheckIns returns the dues that the care team should hear about at
// now: the grace period after DueBy has fully passed (a check-in is missed
// at DueBy+grace exactly, not a moment before) and no completion for the
// same instrument and occasion arrived inside [WindowOpens, DueBy+grace).
func MissedCheckIns(dues []Due, done []Completion, now time.Time, grace time.Duration) []Due {
	grace = max(grace, 0)
	var missed []Due
	for _, d := range dues {
		deadline := d.DueBy.Add(grace)
		if now.Before(deadline) {
			continue
		}
		answered := slices.ContainsFunc(done, func(c Completion) bool {
			return c.Instrument == d.Instrument && c.Occasion == d.Occasion &&
				!c.At.Before(d.WindowOpens) && c.At.Before(deadline)
		})
		if !answered {
			missed = append(missed, d)
		}
	}
	return missed
}

// Sleep quality answers on the check-in, worst to best.
type SleepQuality string

const (
	SleepVeryPoor SleepQuality = "very_poor"
	SleepPoor     SleepQuality = "poor"
	SleepFair     SleepQuality = "fair"
	SleepGood     SleepQuality = "good"
	SleepVeryGood SleepQuality = "very_good"
)

// SleepQualities lists the answers in the order shown.
func SleepQualities() []SleepQuality {
	return []SleepQuality{SleepVeryPoor, SleepPoor, SleepFair, SleepGood, SleepVeryGood}
}

// Label is the answer as the client sees it.
func (q SleepQuality) Label() string {
	switch q {
	case SleepVeryPoor:
		return "Very poorly"
	case SleepPoor:
		return "Poorly"
	case SleepFair:
		return "Fairly well"
	case SleepGood:
		return "Well"
	case SleepVeryGood:
		return "Very well"
	}
	return string(q)
}

// CheckIn is one completed post-session check-in. Pointers mark questions
// that must be answered, so "no answer" is never read as 0 or "no".
type CheckIn struct {
	Session int `json:"session"`
	// Mood is 0 (the worst) to 10 (the best).
	Mood             *int         `json:"mood"`
	Sleep            SleepQuality `json:"sleep"`
	SelfHarmThoughts *bool        `json:"self_harm_thoughts"`
	// ForCareTeam is anything the client wants the care team to know.
	ForCareTeam string    `json:"for_care_team,omitempty"`
	AnsweredAt  time.Time `json:"answered_at"`
}

// CheckInQuestion is one question of the check-in as shown to the client.
type CheckInQuestion struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Required bool   `json:"required"`
}

// The self-harm question's wording, quoted in the alert a yes raises.
const checkInSelfHarmQuestion = "Since your session, have you had any thoughts of harming yourself, or that you would be better off dead?"

// CheckInQuestions are the check-in's questions in order. The self-harm
// question is worded close to PHQ-9 item 9 so the two answers can be read
// side by side.
func CheckInQuestions() []CheckInQuestion {
	return []CheckInQuestion{
		{ID: "mood", Text: "How has your mood been since your session? (0 = the worst it gets for you, 10 = the best)", Required: true},
		{ID: "sleep", Text: "How did you sleep last night?", Required: true},
		{ID: "self_harm_thoughts", Text: checkInSelfHarmQuestion, Required: true},
		{ID: "for_care_team", Text: "Is there anything you would like your care team to know?"},
	}
}

// Validate refuses a check-in with a required answer missing or out of
// range.
func (c CheckIn) Validate() error {
	var missing []string
	if c.Mood == nil {
		missing = append(missing, "mood")
	} else if *c.Mood < 0 || *c.Mood > 10 {
		return invalid("mood is a number from 0 to 10")
	}
	if c.Sleep == "" {
		missing = append(missing, "sleep")
	} else if !slices.Contains(SleepQualities(), c.Sleep) {
		return invalid(fmt.Sprintf("sleep answer %q is not one of the choices", c.Sleep))
	}
	if c.SelfHarmThoughts == nil {
		missing = append(missing, "thoughts of self-harm")
	}
	if len(missing) > 0 {
		return invalid("please answer: " + strings.Join(missing, ", "))
	}
	if c.AnsweredAt.IsZero() {
		return invalid("the check-in has no answer time")
	}
	return nil
}
