package safety

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Instrument codes the default schedule names. They are the codes the
// instrument definitions use; this package compares them as plain strings.
const (
	InstrumentPHQ9  = "phq9"
	InstrumentGAD7  = "gad7"
	InstrumentCSSRS = "cssrs-screener"
)

// Occasions name when a measure is given: baseline, before each medicine
// session, course end and follow-ups after the last medicine session, so
// change can be read against the start of the course (KAP.md §2).
const (
	OccasionBaseline  = "baseline"
	OccasionCourseEnd = "course_end"
)

// PreSessionOccasion names the measure given before medicine session n
// (1-based), e.g. "pre_session:3".
func PreSessionOccasion(n int) string { return fmt.Sprintf("pre_session:%d", n) }

// FollowUpOccasion names a follow-up by its label, e.g. "follow_up:2w".
func FollowUpOccasion(label string) string { return "follow_up:" + label }

// InstrumentPlan says on which occasions one instrument is given.
type InstrumentPlan struct {
	Code       string `json:"code"`
	Baseline   bool   `json:"baseline"`
	PreSession bool   `json:"pre_session"`
	CourseEnd  bool   `json:"course_end"`
	FollowUp   bool   `json:"follow_up"`
}

// FollowUp is one follow-up counted from the last medicine session. Months
// are added first (clamped to the month's last day), then Days.
type FollowUp struct {
	Label  string `json:"label"`
	Days   int    `json:"days"`
	Months int    `json:"months"`
	// The window in which an answer still counts for this follow-up, in
	// whole days either side of the target day.
	OpensDaysBefore int `json:"opens_days_before"`
	ClosesDaysAfter int `json:"closes_days_after"`
}

// Schedule is a practice's measurement plan.
type Schedule struct {
	// Zone is the practice's time zone; the caller loads it from the stored
	// zone name. Due dates are calendar days there.
	Zone        *time.Location   `json:"-"`
	Instruments []InstrumentPlan `json:"instruments"`
	FollowUps   []FollowUp       `json:"follow_ups"`
	// A baseline may be answered from this many days before the intake day
	// (clients often fill forms at home before the first visit).
	BaselineOpensDaysBefore int `json:"baseline_opens_days_before"`
	// With no medicine session booked the baseline window closes this many
	// days after intake; once a session is booked it closes at that
	// session's start, because a baseline after the first dose is no
	// baseline.
	BaselineClosesDaysAfter int `json:"baseline_closes_days_after"`
	// A pre-session measure may be answered from this many days before the
	// session day, but never before the previous medicine session started.
	PreSessionOpensDaysBefore int `json:"pre_session_opens_days_before"`
	// The course-end measure is due this many days after the last medicine
	// session and still counts up to CourseEndClosesDaysAfter days later.
	CourseEndDaysAfter       int `json:"course_end_days_after"`
	CourseEndClosesDaysAfter int `json:"course_end_closes_days_after"`
}

// DefaultFollowUps are 14 days, 1, 3 and 6 months after the last medicine
// session. The 14-day follow-up matches the two weeks in which mood and
// suicidal thoughts may worsen after ketamine (KAP.md §1 adverse effects).
// The windows are holdspace's choice, wider for later follow-ups because a
// few days matter less six months out; a practice changes them.
func DefaultFollowUps() []FollowUp {
	return []FollowUp{
		{Label: "2w", Days: 14, OpensDaysBefore: 2, ClosesDaysAfter: 7},
		{Label: "1m", Months: 1, OpensDaysBefore: 7, ClosesDaysAfter: 14},
		{Label: "3m", Months: 3, OpensDaysBefore: 14, ClosesDaysAfter: 30},
		{Label: "6m", Months: 6, OpensDaysBefore: 14, ClosesDaysAfter: 30},
	}
}

// DefaultSchedule gives the PHQ-9 on every occasion (its item 9 is the
// safety question, KAP.md §2), the GAD-7 at baseline, course end and
// follow-ups, and the C-SSRS screener at baseline.
func DefaultSchedule(zone *time.Location) Schedule {
	return Schedule{
		Zone: zone,
		Instruments: []InstrumentPlan{
			{Code: InstrumentPHQ9, Baseline: true, PreSession: true, CourseEnd: true, FollowUp: true},
			{Code: InstrumentGAD7, Baseline: true, CourseEnd: true, FollowUp: true},
			{Code: InstrumentCSSRS, Baseline: true},
		},
		FollowUps:                 DefaultFollowUps(),
		BaselineOpensDaysBefore:   14,
		BaselineClosesDaysAfter:   14,
		PreSessionOpensDaysBefore: 2,
		CourseEndDaysAfter:        1,
		CourseEndClosesDaysAfter:  7,
	}
}

// Validate refuses a schedule that would plan nonsense.
func (s Schedule) Validate() error {
	if s.Zone == nil {
		return invalid("set the practice time zone before planning measures")
	}
	seen := map[string]bool{}
	for _, in := range s.Instruments {
		code := strings.TrimSpace(in.Code)
		if code == "" {
			return invalid("every scheduled instrument needs a code")
		}
		if seen[code] {
			return invalid(fmt.Sprintf("instrument %q is scheduled twice; keep one row", code))
		}
		seen[code] = true
	}
	labels := map[string]bool{}
	for _, f := range s.FollowUps {
		if strings.TrimSpace(f.Label) == "" {
			return invalid("every follow-up needs a label such as 2w or 3m")
		}
		if labels[f.Label] {
			return invalid(fmt.Sprintf("follow-up %q is listed twice", f.Label))
		}
		labels[f.Label] = true
		if f.Days < 0 || f.Months < 0 || f.Days+f.Months == 0 {
			return invalid(fmt.Sprintf("follow-up %q must be some days or months after the last session", f.Label))
		}
		if f.OpensDaysBefore < 0 || f.ClosesDaysAfter < 0 {
			return invalid(fmt.Sprintf("follow-up %q has a negative window", f.Label))
		}
	}
	for _, n := range []struct {
		name string
		days int
	}{
		{"baseline opens days before", s.BaselineOpensDaysBefore},
		{"baseline closes days after", s.BaselineClosesDaysAfter},
		{"pre-session opens days before", s.PreSessionOpensDaysBefore},
		{"course end days after", s.CourseEndDaysAfter},
		{"course end closes days after", s.CourseEndClosesDaysAfter},
	} {
		if n.days < 0 {
			return invalid(n.name + " cannot be negative")
		}
	}
	return nil
}

// ClientOverrides change the practice schedule for one client.
type ClientOverrides struct {
	// Add schedules an instrument, or replaces the occasions of one the
	// practice already schedules.
	Add []InstrumentPlan `json:"add,omitempty"`
	// Remove drops instruments by code. Remove is applied after Add, so an
	// instrument in both is removed.
	Remove []string `json:"remove,omitempty"`
	// With ReplaceFollowUps set, FollowUps replaces the practice's list
	// (an empty list means no follow-ups for this client).
	ReplaceFollowUps bool       `json:"replace_follow_ups,omitempty"`
	FollowUps        []FollowUp `json:"follow_ups,omitempty"`
}

// WithOverrides returns the schedule for one client. The practice schedule
// passed in is not changed.
func (s Schedule) WithOverrides(o ClientOverrides) Schedule {
	out := s
	out.Instruments = slices.Clone(s.Instruments)
	for _, add := range o.Add {
		i := slices.IndexFunc(out.Instruments, func(p InstrumentPlan) bool { return p.Code == add.Code })
		if i >= 0 {
			out.Instruments[i] = add
		} else {
			out.Instruments = append(out.Instruments, add)
		}
	}
	out.Instruments = slices.DeleteFunc(out.Instruments, func(p InstrumentPlan) bool {
		return slices.Contains(o.Remove, p.Code)
	})
	out.FollowUps = slices.Clone(s.FollowUps)
	if o.ReplaceFollowUps {
		out.FollowUps = slices.Clone(o.FollowUps)
	}
	return out
}

// CourseFacts are the dates a plan is built from.
type CourseFacts struct {
	// Intake is when the intake visit happens; zero plans no baseline.
	Intake time.Time `json:"intake,omitzero"`
	// Sessions are the medicine sessions' start times, in any order.
	Sessions []time.Time `json:"sessions,omitempty"`
	// LastSession is the last medicine session when the course ends before
	// the booked sessions run out; zero means the latest of Sessions.
	// Sessions after it get no pre-session measure.
	LastSession time.Time `json:"last_session,omitzero"`
}

// Due is one measure (or check-in) to be given.
type Due struct {
	Instrument string `json:"instrument"`
	Occasion   string `json:"occasion"`
	// Session is the medicine session the item belongs to (pre-session
	// measures and check-ins); 0 otherwise.
	Session int `json:"session,omitempty"`
	// DueDate is the calendar day in the practice zone.
	DueDate string `json:"due_date"`
	// DueBy is the moment after which the item is late: the end of the due
	// day, or the session start for a pre-session measure.
	DueBy time.Time `json:"due_by"`
	// An answer counts for this occasion when WindowOpens <= answered <
	// WindowCloses.
	WindowOpens  time.Time `json:"window_opens"`
	WindowCloses time.Time `json:"window_closes"`
}

// PlanMeasures lists every measure due for a course under schedule s.
// Apply a client's overrides first with s.WithOverrides. The result is
// ordered by DueBy, then instrument code.
func PlanMeasures(s Schedule, c CourseFacts) []Due {
	loc := zoneOr(s.Zone)
	sessions := slices.Clone(c.Sessions)
	slices.SortFunc(sessions, func(a, b time.Time) int { return a.Compare(b) })
	sessions = slices.CompactFunc(sessions, func(a, b time.Time) bool { return a.Equal(b) })

	last := c.LastSession
	if last.IsZero() && len(sessions) > 0 {
		last = sessions[len(sessions)-1]
	}
	if !c.LastSession.IsZero() {
		sessions = slices.DeleteFunc(sessions, func(t time.Time) bool { return t.After(c.LastSession) })
	}

	var out []Due
	add := func(want func(InstrumentPlan) bool, d Due) {
		for _, in := range s.Instruments {
			if want(in) {
				d.Instrument = in.Code
				out = append(out, d)
			}
		}
	}

	if !c.Intake.IsZero() {
		closes := dayStart(c.Intake, loc, 1+s.BaselineClosesDaysAfter)
		if len(sessions) > 0 {
			closes = sessions[0]
		}
		add(func(p InstrumentPlan) bool { return p.Baseline }, Due{
			Occasion:     OccasionBaseline,
			DueDate:      civilDate(c.Intake, loc),
			DueBy:        earlier(dayStart(c.Intake, loc, 1), closes),
			WindowOpens:  dayStart(c.Intake, loc, -s.BaselineOpensDaysBefore),
			WindowCloses: closes,
		})
	}

	for i, at := range sessions {
		opens := dayStart(at, loc, -s.PreSessionOpensDaysBefore)
		if i > 0 {
			opens = later(opens, sessions[i-1])
		}
		add(func(p InstrumentPlan) bool { return p.PreSession }, Due{
			Occasion:     PreSessionOccasion(i + 1),
			Session:      i + 1,
			DueDate:      civilDate(at, loc),
			DueBy:        at,
			WindowOpens:  opens,
			WindowCloses: at,
		})
	}

	if !last.IsZero() {
		day := dayStart(last, loc, s.CourseEndDaysAfter)
		add(func(p InstrumentPlan) bool { return p.CourseEnd }, Due{
			Occasion:     OccasionCourseEnd,
			DueDate:      civilDate(day, loc),
			DueBy:        dayStart(day, loc, 1),
			WindowOpens:  later(day, last),
			WindowCloses: dayStart(day, loc, 1+s.CourseEndClosesDaysAfter),
		})
		for _, f := range s.FollowUps {
			day := dayStart(addMonths(last, loc, f.Months), loc, f.Days)
			add(func(p InstrumentPlan) bool { return p.FollowUp }, Due{
				Occasion:     FollowUpOccasion(f.Label),
				DueDate:      civilDate(day, loc),
				DueBy:        dayStart(day, loc, 1),
				WindowOpens:  later(dayStart(day, loc, -f.OpensDaysBefore), last),
				WindowCloses: dayStart(day, loc, 1+f.ClosesDaysAfter),
			})
		}
	}

	slices.SortStableFunc(out, func(a, b Due) int {
		if c := a.DueBy.Compare(b.DueBy); c != 0 {
			return c
		}
		return strings.Compare(a.Instrument, b.Instrument)
	})
	return out
}

// DueStatus is where a due item stands at a given moment.
type DueStatus string

const (
	StatusUpcoming  DueStatus = "upcoming"  // the window has not opened
	StatusDue       DueStatus = "due"       // open and not yet late
	StatusOverdue   DueStatus = "overdue"   // late, but an answer still counts
	StatusCompleted DueStatus = "completed" // answered inside the window
	StatusMissed    DueStatus = "missed"    // the window closed unanswered
)

// Status says where d stands at now. An answer given outside the window
// does not count for this occasion (a PHQ-9 from before intake is not a
// baseline), so it is treated as no answer.
func Status(d Due, completedAt *time.Time, now time.Time) DueStatus {
	if completedAt != nil && !completedAt.Before(d.WindowOpens) && completedAt.Before(d.WindowCloses) {
		return StatusCompleted
	}
	switch {
	case now.Before(d.WindowOpens):
		return StatusUpcoming
	case now.Before(d.DueBy):
		return StatusDue
	case now.Before(d.WindowCloses):
		return StatusOverdue
	default:
		return StatusMissed
	}
}
