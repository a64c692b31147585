package dosing

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// CourseStatus is where a course of medicine sessions stands.
type CourseStatus string

// Course statuses.
const (
	CoursePlanned   CourseStatus = "planned"
	CourseActive    CourseStatus = "active"
	CourseCompleted CourseStatus = "completed"
	CourseStopped   CourseStatus = "stopped"
)

// Course is the medicine phase of a client's treatment (KAP.md §1 Session and course).
type Course struct {
	Status          CourseStatus `json:"status"`
	PlannedSessions int          `json:"planned_sessions"`
	WindowDays      int          `json:"window_days"`
	// StartsOn is when the course became active. The window counts from the first medicine
	// session held; until one is held, stall checks count from here.
	StartsOn   time.Time `json:"starts_on,omitzero"`
	StoppedOn  time.Time `json:"stopped_on,omitzero"`
	StopReason string    `json:"stop_reason,omitempty"`
}

// PlanCourse starts a course from the practice defaults; the prescriber may change the numbers.
func PlanCourse(s CourseSettings) Course {
	return Course{Status: CoursePlanned, PlannedSessions: s.PlannedSessions, WindowDays: s.WindowDays}
}

// Activate opens a planned course for medicine sessions.
func (c Course) Activate(at time.Time) (Course, []Refusal) {
	if c.Status != CoursePlanned {
		return c, []Refusal{refuse(RuleCourseInvalid, "Only a planned course can be made active; this course is %s.", c.Status)}
	}
	if probs := c.Check(); len(probs) > 0 {
		return c, probs
	}
	c.Status, c.StartsOn = CourseActive, at
	return c, nil
}

// Stop ends a course early. A reason is required so the care team and any later course know why.
func (c Course) Stop(at time.Time, reason string) (Course, []Refusal) {
	if c.Status == CourseCompleted || c.Status == CourseStopped {
		return c, []Refusal{refuse(RuleCourseInvalid, "The course is already %s; it cannot be stopped again.", c.Status)}
	}
	if strings.TrimSpace(reason) == "" {
		return c, []Refusal{refuse(RuleCourseInvalid, "Stopping a course needs a reason: write why the course ends early.")}
	}
	c.Status, c.StoppedOn, c.StopReason = CourseStopped, at, strings.TrimSpace(reason)
	return c, nil
}

// Check names what makes a course unusable as recorded.
func (c Course) Check() []Refusal {
	var out []Refusal
	switch c.Status {
	case CoursePlanned, CourseActive, CourseCompleted, CourseStopped:
	default:
		out = append(out, refuse(RuleCourseInvalid, "Course status %q is not one of planned, active, completed, stopped.", string(c.Status)))
	}
	if c.PlannedSessions <= 0 {
		out = append(out, refuse(RuleCourseInvalid, "The course needs a planned number of medicine sessions above 0; it has %d.", c.PlannedSessions))
	}
	if c.WindowDays <= 0 {
		out = append(out, refuse(RuleCourseInvalid, "The course needs a window of more than 0 days; it has %d.", c.WindowDays))
	}
	if c.Status == CourseStopped && strings.TrimSpace(c.StopReason) == "" {
		out = append(out, refuse(RuleCourseInvalid, "The course is stopped but no reason is recorded; record why it was stopped."))
	}
	return out
}

// SessionStatus is where one medicine session stands.
type SessionStatus string

// Session statuses.
const (
	SessionBooked    SessionStatus = "booked"
	SessionHeld      SessionStatus = "held"
	SessionMissed    SessionStatus = "missed"
	SessionCancelled SessionStatus = "cancelled"
)

// Session is one medicine session of a course, as far as spacing, counting and stalls need it.
type Session struct {
	At     time.Time     `json:"at"`
	Status SessionStatus `json:"status"`
}

// CheckSpacing refuses a medicine session closer than minGap to any other medicine session of
// the course, before or after it. Exactly minGap apart is allowed.
func CheckSpacing(previous []time.Time, proposed time.Time, minGap time.Duration) []Refusal {
	var out []Refusal
	for _, p := range previous {
		gap := proposed.Sub(p)
		dir := "after"
		if gap < 0 {
			gap, dir = -gap, "before"
		}
		if gap < minGap {
			out = append(out, refuse(RuleSpacing,
				"A medicine session at %s would be %s %s the medicine session at %s; the practice minimum between medicine sessions is %s (earliest %s).",
				when(proposed), span(gap), dir, when(p), span(minGap), when(p.Add(minGap))))
		}
	}
	return out
}

// CheckSessionCount refuses one more medicine session when held plus booked (not counting the
// one asked for) already reach the course's plan. Missed and cancelled sessions do not count.
func CheckSessionCount(planned, held, booked int) []Refusal {
	if planned <= 0 {
		return []Refusal{refuse(RuleSessionCount, "The course has no planned number of medicine sessions; the prescriber must set one.")}
	}
	if held+booked+1 > planned {
		return []Refusal{refuse(RuleSessionCount,
			"All %d planned medicine sessions are already held or booked (%d held, %d booked); the prescriber must extend the course before another is added.",
			planned, held, booked)}
	}
	return nil
}

// unrecordedAfter is how long a booked session may sit in the past before the stall check calls
// it unrecorded: a session runs 2–3 hours (KAP.md §1) and notes may be written later that day.
const unrecordedAfter = 24 * time.Hour

// Stalled reports whether an active course has lost its way, with sentences for the care team.
// A course stalls when a missed or cancelled session has not been rebooked, when nothing is
// booked and the window is running out or the gap since the last session passes the practice
// limit, or when the window has closed with sessions left.
func Stalled(c Course, sessions []Session, now time.Time, s CourseSettings) (bool, string) {
	if c.Status != CourseActive {
		return false, ""
	}
	sorted := append([]Session(nil), sessions...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })

	var held []time.Time
	var upcoming, unrecorded []Session
	for _, ss := range sorted {
		switch ss.Status {
		case SessionHeld:
			held = append(held, ss.At)
		case SessionBooked:
			if now.Sub(ss.At) > unrecordedAfter {
				unrecorded = append(unrecorded, ss)
			} else {
				upcoming = append(upcoming, ss)
			}
		}
	}
	var lastHeld time.Time
	if len(held) > 0 {
		lastHeld = held[len(held)-1]
	}
	remaining := c.PlannedSessions - len(held)
	if remaining <= 0 {
		return false, ""
	}

	var reasons []string
	for _, ss := range unrecorded {
		reasons = append(reasons, fmt.Sprintf("The medicine session booked for %s has passed and is not recorded as held, missed or cancelled.", when(ss.At)))
	}
	if len(upcoming) == 0 {
		for _, ss := range sorted {
			if (ss.Status == SessionMissed || ss.Status == SessionCancelled) && ss.At.After(lastHeld) {
				reasons = append(reasons, fmt.Sprintf("The medicine session on %s was %s and has not been rebooked.", when(ss.At), ss.Status))
			}
		}
	}

	windowStart := c.StartsOn
	if len(held) > 0 {
		windowStart = held[0]
	}
	windowOpen := len(held) > 0
	windowEnd := windowStart.Add(time.Duration(c.WindowDays) * 24 * time.Hour)
	switch {
	case windowOpen && now.After(windowEnd):
		reasons = append(reasons, fmt.Sprintf("The %d-day course window closed on %s with %d of %d medicine sessions not held.",
			c.WindowDays, when(windowEnd), remaining, c.PlannedSessions))
	case windowOpen && len(upcoming) == 0 && windowEnd.Sub(now) < time.Duration(remaining)*s.MinGap():
		reasons = append(reasons, fmt.Sprintf(
			"No next medicine session is booked and the course window closes on %s, in %s; %s.",
			when(windowEnd), span(windowEnd.Sub(now)), sessionsLeft(remaining, s.MinGap())))
	}

	since := lastHeld
	what := "the last medicine session"
	if len(held) == 0 {
		since, what = c.StartsOn, "the course became active"
	}
	limit := time.Duration(s.StallAfterDays) * 24 * time.Hour
	if len(upcoming) == 0 && !since.IsZero() && now.Sub(since) > limit {
		reasons = append(reasons, fmt.Sprintf("No next medicine session is booked and it is %s since %s (%s); the practice flags a gap over %d days.",
			span(now.Sub(since)), what, when(since), s.StallAfterDays))
	}
	return len(reasons) > 0, strings.Join(reasons, " ")
}

func sessionsLeft(n int, gap time.Duration) string {
	if n == 1 {
		return "1 session is left"
	}
	return fmt.Sprintf("%d sessions are left, which at the %s minimum spacing need at least %s from the next one",
		n, span(gap), span(time.Duration(n-1)*gap))
}
