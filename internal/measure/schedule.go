package measure

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Due is one scheduled measure of a course with where it stands.
type Due struct {
	CourseID string `json:"course_id"`
	safety.Due
	Status safety.DueStatus `json:"status"`
	// Label says the occasion in words.
	Label string `json:"label"`
	// Response is the current submitted response for the slot, or the open
	// draft when none is submitted.
	Response *Response `json:"response,omitempty"`
	// CourseSessionID is the booking a pre-session measure belongs to.
	CourseSessionID string `json:"course_session_id,omitempty"`
}

// Slot is what a response for this item is filed under.
func (d Due) Slot() Slot {
	return Slot{CourseID: d.CourseID, Instrument: d.Instrument, Occasion: d.Occasion}
}

// Open reports whether the client can answer it now.
func (d Due) Open() bool { return d.Status == safety.StatusDue || d.Status == safety.StatusOverdue }

// CourseSchedule is one course with its measures.
type CourseSchedule struct {
	Course course.Course `json:"course"`
	Items  []Due         `json:"items"`
}

// Facts builds the dates the schedule is planned from, as this package
// reads a course:
//   - intake (baseline day) is the day the course was planned, because the
//     baseline belongs to the course and must come before its first dose;
//   - sessions are the latest booking of each session number that is
//     booked or held (missed and cancelled bookings carry no measure), so
//     "due before session 4" appears as soon as session 4 is booked;
//   - the course end and follow-ups are planned only once the course is
//     completed or stopped, counted from its last held session; an active
//     course's end date is not yet known.
func Facts(c course.Course) (safety.CourseFacts, map[int64]string, bool) {
	f := safety.CourseFacts{Intake: c.CreatedAt}
	ids := map[int64]string{}
	latest := map[int]course.Session{}
	for _, s := range c.Sessions {
		latest[s.Number] = s // ordered by number, then creation: the last wins
	}
	var lastHeld time.Time
	for _, s := range latest {
		if s.ScheduledAt == nil || (s.Status != dosing.SessionBooked && s.Status != dosing.SessionHeld) {
			continue
		}
		f.Sessions = append(f.Sessions, *s.ScheduledAt)
		ids[s.ScheduledAt.UnixNano()] = s.ID
		if s.Status == dosing.SessionHeld && s.ScheduledAt.After(lastHeld) {
			lastHeld = *s.ScheduledAt
		}
	}
	ended := c.Status == dosing.CourseCompleted || c.Status == dosing.CourseStopped
	if ended {
		f.LastSession = lastHeld
	}
	return f, ids, ended && !lastHeld.IsZero()
}

// Plan lists a course's measures under schedule s at now, with the
// responses given so far (all of the client's, any order).
func Plan(s safety.Schedule, c course.Course, responses []Response, now time.Time) []Due {
	facts, ids, ended := Facts(c)
	var out []Due
	for _, d := range safety.PlanMeasures(s, facts) {
		if !ended && (d.Occasion == safety.OccasionCourseEnd || strings.HasPrefix(d.Occasion, "follow_up:")) {
			continue
		}
		item := Due{CourseID: c.ID, Due: d, Label: OccasionLabel(d.Occasion)}
		if d.Session > 0 {
			item.CourseSessionID = ids[d.DueBy.UnixNano()]
		}
		var completed *time.Time
		for i := range responses {
			r := &responses[i]
			if r.CourseID != c.ID || r.Instrument != d.Instrument || r.Occasion != d.Occasion {
				continue
			}
			switch {
			case r.Status == StatusSubmitted:
				// The first submission answers the occasion; a correction
				// changes the answers, not when they were given.
				if completed == nil || r.SubmittedAt.Before(*completed) {
					completed = r.SubmittedAt
				}
				if r.Current() {
					item.Response = r
				}
			case r.Supersedes == "" && item.Response == nil:
				item.Response = r
			}
		}
		item.Status = safety.Status(d, completed, now)
		out = append(out, item)
	}
	return out
}

// ClientSchedule plans every course of the client, newest course first,
// under the practice schedule with the client's overrides.
func ClientSchedule(ctx context.Context, tx *store.Tx, practiceID, clientID string, now time.Time) ([]CourseSchedule, error) {
	set, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return nil, err
	}
	o, err := LoadOverrides(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	sched := set.Schedule.WithOverrides(o)
	courses, err := course.List(ctx, tx, clientID, now.In(sched.Zone), dosing.DefaultSettings().Course)
	if err != nil {
		return nil, err
	}
	responses, err := List(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	out := make([]CourseSchedule, 0, len(courses))
	for _, c := range courses {
		out = append(out, CourseSchedule{Course: c, Items: Plan(sched, c, responses, now)})
	}
	return out, nil
}

// DueBefore lists what is still to be answered before one booked medicine
// session, for the session checklist: the session's pre-session measures
// and, before the course's first session, its baseline. Completed items are
// left out; each item's Status says whether it is due or already late.
func DueBefore(ctx context.Context, tx *store.Tx, clientID, courseSessionID string, now time.Time) ([]Due, error) {
	var practiceID, courseID string
	var at *time.Time
	err := tx.QueryRow(ctx, `SELECT practice_id, course_id, scheduled_at FROM course_session WHERE id = ? AND client_id = ?`,
		courseSessionID, clientID).Scan(&practiceID, &courseID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil || at == nil {
		return nil, err
	}
	all, err := ClientSchedule(ctx, tx, practiceID, clientID, now)
	if err != nil {
		return nil, err
	}
	var out []Due
	for _, cs := range all {
		if cs.Course.ID != courseID {
			continue
		}
		for _, d := range cs.Items {
			if d.Status == safety.StatusCompleted {
				continue
			}
			before := d.CourseSessionID == courseSessionID ||
				(d.Occasion == safety.OccasionBaseline && d.WindowCloses.Equal(*at))
			if before {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// Outstanding lists the client's items open now (due or overdue) that the
// client answers in the portal, soonest first.
func Outstanding(all []CourseSchedule) []Due {
	var out []Due
	for _, cs := range all {
		for _, d := range cs.Items {
			if d.Open() {
				out = append(out, d)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Due) int { return a.DueBy.Compare(b.DueBy) })
	return out
}
