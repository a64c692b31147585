package dosing

import (
	"strings"
	"testing"
	"time"
)

func TestCheckSpacing(t *testing.T) {
	// KAP.md §1 Session and course: 6 medicine sessions over 2–3 weeks (seeds); the minimum gap
	// between medicine sessions is a practice setting, default 48 h.
	gap := DefaultSettings().Course.MinGap()
	prev := []time.Time{at(0)}
	tests := []struct {
		name     string
		previous []time.Time
		proposed time.Time
		want     []Rule
		says     []string
	}{
		{"no earlier session", nil, at(0), nil, nil},
		{"exactly at the minimum gap", prev, at(48 * hour), nil, nil},
		{"one minute under", prev, at(48*hour - min), []Rule{RuleSpacing},
			[]string{"A medicine session at Wed 4 Mar 2026 08:59 would be 47 h 59 min after the medicine session at Mon 2 Mar 2026 09:00; the practice minimum between medicine sessions is 48 h (earliest Wed 4 Mar 2026 09:00)."}},
		{"one minute under before a booked session", prev, at(-48*hour + min), []Rule{RuleSpacing}, []string{"47 h 59 min before"}},
		{"exactly at the gap before a booked session", prev, at(-48 * hour), nil, nil},
		{"same time", prev, at(0), []Rule{RuleSpacing}, []string{"would be 0 min after"}},
		{"squeezed between two", []time.Time{at(0), at(72 * hour)}, at(36 * hour), []Rule{RuleSpacing, RuleSpacing}, []string{"36 h after", "36 h before"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckSpacing(tt.previous, tt.proposed, gap)
			wantRules(t, got, tt.want...)
			wantMessages(t, got, tt.says...)
		})
	}
}

func TestCheckSessionCount(t *testing.T) {
	// KAP.md §1 Session and course: a course plans a number of medicine sessions (default 6).
	tests := []struct {
		name                  string
		planned, held, booked int
		want                  []Rule
	}{
		{"room for one more", 6, 4, 1, nil},
		{"the last one", 6, 5, 0, nil},
		{"all held", 6, 6, 0, []Rule{RuleSessionCount}},
		{"all held or booked", 6, 4, 2, []Rule{RuleSessionCount}},
		{"no plan", 0, 0, 0, []Rule{RuleSessionCount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRules(t, CheckSessionCount(tt.planned, tt.held, tt.booked), tt.want...)
		})
	}
	wantMessages(t, CheckSessionCount(6, 4, 2), "All 6 planned medicine sessions are already held or booked (4 held, 2 booked)")
}

func TestCourseStatus(t *testing.T) {
	// KAP.md §1 Session and course: a course is planned, active, completed or stopped; a stop
	// needs a reason so the care team knows why.
	c := PlanCourse(DefaultSettings().Course)
	if c.Status != CoursePlanned || c.PlannedSessions != 6 || c.WindowDays != 21 {
		t.Fatalf("PlanCourse = %+v", c)
	}
	active, probs := c.Activate(day0)
	if len(probs) != 0 || active.Status != CourseActive || !active.StartsOn.Equal(day0) {
		t.Fatalf("Activate = %+v %v", active, probs)
	}
	if _, probs := (Course{Status: CoursePlanned}).Activate(day0); len(probs) != 2 {
		t.Errorf("activating a course without numbers: %v", probs)
	}
	if _, probs := active.Activate(day0); len(probs) == 0 {
		t.Error("activating an active course was allowed")
	}
	if _, probs := active.Stop(day0, "   "); len(probs) != 1 || probs[0].Rule != RuleCourseInvalid {
		t.Errorf("stop without a reason: %v", probs)
	}
	stopped, probs := active.Stop(day0, "client moved away")
	if len(probs) != 0 || stopped.Status != CourseStopped || stopped.StopReason != "client moved away" {
		t.Errorf("Stop = %+v %v", stopped, probs)
	}
	if _, probs := stopped.Stop(day0, "again"); len(probs) == 0 {
		t.Error("stopping a stopped course was allowed")
	}
	wantRules(t, Course{Status: CourseStopped, PlannedSessions: 6, WindowDays: 21}.Check(), RuleCourseInvalid)
	wantRules(t, Course{Status: "paused"}.Check(), RuleCourseInvalid, RuleCourseInvalid, RuleCourseInvalid)
}

func TestStalled(t *testing.T) {
	// KAP.md §1 Session and course: 6 medicine sessions over 2–3 weeks (seeds). A course stalls
	// when a missed or cancelled session is not rebooked, nothing is booked and the window is
	// running out or the gap passes the practice limit (default 7 days), or the window (default
	// 21 days) closes with sessions left.
	s := DefaultSettings().Course
	active := Course{Status: CourseActive, PlannedSessions: 6, WindowDays: 21, StartsOn: at(-2 * days)}
	held := func(d time.Duration) Session { return Session{At: at(d), Status: SessionHeld} }
	booked := func(d time.Duration) Session { return Session{At: at(d), Status: SessionBooked} }
	tests := []struct {
		name     string
		course   Course
		sessions []Session
		now      time.Time
		stalled  bool
		says     []string
	}{
		{"on track: next booked", active, []Session{held(0), held(2 * days), booked(4 * days)}, at(3 * days), false, nil},
		{"not active: planned", Course{Status: CoursePlanned, PlannedSessions: 6, WindowDays: 21}, nil, at(30 * days), false, nil},
		{"not active: stopped", Course{Status: CourseStopped, PlannedSessions: 6, WindowDays: 21, StopReason: "x"}, nil, at(30 * days), false, nil},
		{"all sessions held", Course{Status: CourseActive, PlannedSessions: 2, WindowDays: 21}, []Session{held(0), held(2 * days)}, at(40 * days), false, nil},
		{"cancelled and not rebooked", active, []Session{held(0), {At: at(2 * days), Status: SessionCancelled}}, at(3 * days), true,
			[]string{"The medicine session on Wed 4 Mar 2026 09:00 was cancelled and has not been rebooked."}},
		{"missed and not rebooked", active, []Session{held(0), {At: at(2 * days), Status: SessionMissed}}, at(3 * days), true,
			[]string{"was missed and has not been rebooked"}},
		{"missed then rebooked", active, []Session{held(0), {At: at(2 * days), Status: SessionMissed}, booked(4 * days)}, at(3 * days), false, nil},
		{"cancelled before a later held session is old news", active, []Session{{At: at(0), Status: SessionCancelled}, held(1 * days)}, at(3 * days), false, nil},
		{"gap exactly at the limit", active, []Session{held(0), held(2 * days)}, at(9 * days), false, nil},
		{"gap one minute over the limit", active, []Session{held(0), held(2 * days)}, at(9*days + min), true,
			[]string{"No next medicine session is booked and it is 7 days 1 min since the last medicine session (Wed 4 Mar 2026 09:00); the practice flags a gap over 7 days."}},
		{"no session yet, a week since activation", active, nil, at(5*days + min), true, []string{"since the course became active"}},
		{"no session yet, within a week of activation", active, nil, at(5 * days), false, nil},
		{"window running out: 4 left need 8 days, 7 days 23 h left", active,
			[]Session{held(0), held(12 * days)}, at(13*days + hour), true,
			[]string{"No next medicine session is booked and the course window closes on Mon 23 Mar 2026 09:00, in 7 days 23 h; 4 sessions are left, which at the 48 h minimum spacing need at least 6 days from the next one."}},
		{"window tight but exactly enough: 4 left, 8 days left", active,
			[]Session{held(0), held(12 * days)}, at(13 * days), false, nil},
		{"window running out, one left, 47 h 59 min to go", active,
			[]Session{held(0), held(2 * days), held(4 * days), held(6 * days), held(18 * days)}, at(19*days + min), true,
			[]string{"closes on Mon 23 Mar 2026 09:00, in 47 h 59 min; 1 session is left."}},
		{"one left, exactly 48 h to go", active,
			[]Session{held(0), held(2 * days), held(4 * days), held(6 * days), held(18 * days)}, at(19 * days), false, nil},
		{"window closed with sessions left, even with one booked", active,
			[]Session{held(0), held(2 * days), booked(22 * days)}, at(21*days + min), true,
			[]string{"The 21-day course window closed on Mon 23 Mar 2026 09:00 with 4 of 6 medicine sessions not held."}},
		{"booked session passed without a record", active, []Session{held(0), booked(2 * days)}, at(3*days + min), true,
			[]string{"The medicine session booked for Wed 4 Mar 2026 09:00 has passed and is not recorded as held, missed or cancelled."}},
		{"booked session earlier today still counts as booked", active, []Session{held(0), booked(2 * days)}, at(2*days + 3*hour), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := Stalled(tt.course, tt.sessions, tt.now, s)
			if got != tt.stalled {
				t.Fatalf("stalled = %v (%s), want %v", got, reason, tt.stalled)
			}
			if got == (reason == "") {
				t.Errorf("stalled %v with reason %q", got, reason)
			}
			for _, f := range tt.says {
				if !strings.Contains(reason, f) {
					t.Errorf("reason %q lacks %q", reason, f)
				}
			}
		})
	}
}
