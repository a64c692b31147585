package measure

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/dosing"
	"holdspace/internal/instrument"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// OutcomeFilter chooses the courses the dashboard counts. From and To are
// calendar days in the practice zone, inclusive; zero leaves that end open.
type OutcomeFilter struct {
	From, To   time.Time
	Indication string
	Route      dosing.Route
}

// Rate is a count out of a count, shown with both numbers so a clinician
// can check it.
type Rate struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Percent is the rate as a whole percentage, or "—" when nothing is
// counted.
func (r Rate) Percent() string {
	if r.Den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", float64(r.Num)*100/float64(r.Den))
}

// Stop is the courses that stopped after the same number of held sessions.
type Stop struct {
	AfterSessions int      `json:"after_sessions"`
	Courses       int      `json:"courses"`
	Reasons       []string `json:"reasons"`
}

// OutcomeRow is one instrument at one occasion within one group.
type OutcomeRow struct {
	// Group is "All courses", "Indication F33.1" or "Route: IV infusion".
	Group      string `json:"group"`
	Instrument string `json:"instrument"`
	ShortName  string `json:"short_name"`
	Occasion   string `json:"occasion"`
	Label      string `json:"label"`
	// N is the number of courses with both a baseline and a result at the
	// occasion.
	N int `json:"n"`
	// Response and Remission are nil when the instrument has no such rule.
	Response  *Rate `json:"response,omitempty"`
	Remission *Rate `json:"remission,omitempty"`
	// Improved counts a fall of at least the instrument's meaningful
	// change (PCL-5: 10 points); nil when it has no such rule.
	Improved *Rate `json:"improved,omitempty"`
}

// Outcomes is the practice dashboard.
//
// How each number is computed, so a clinician can check it by hand:
//
//   - A course counts when it has started (it was made active: its start
//     date is set) and its start date falls inside the filter's days in the
//     practice zone, and its indication code and route match the filter
//     when one is given. Planned courses that never started are not counted.
//   - Started: the courses counted. Completed, Stopped, Active: those of
//     them whose status is now completed, stopped or active.
//   - Completion (induction completion rate): Completed out of
//     Completed + Stopped. Courses still active are left out of both, since
//     they have not yet completed or stopped.
//   - Where courses stop: the stopped courses grouped by how many of their
//     medicine sessions were recorded as held, with the stop reasons given.
//   - Response and remission, per instrument and occasion (course end and
//     each follow-up): among the counted courses, those with a submitted
//     baseline of the instrument and a submitted result at the occasion,
//     both with a total, are n. Where a response was corrected, the
//     correction counts. Response: the total fell by at least the
//     instrument's percentage from baseline (PHQ-9 and GAD-7: 50%, so 20 to
//     10 is a response and 20 to 11 is not). Remission: the total at the
//     occasion is below the instrument's remission cut (PHQ-9: below 5).
//     Improved (instruments with a meaningful-change rule, PCL-5): the
//     total fell by at least that many points (PCL-5: 10). Computed by
//     instrument.Compare, the same rule the client's chart page states in
//     words.
//   - The same rows are given for all counted courses, then per indication
//     code, then per route.
type Outcomes struct {
	Started    int          `json:"started"`
	Completed  int          `json:"completed"`
	Stopped    int          `json:"stopped"`
	Active     int          `json:"active"`
	Completion Rate         `json:"completion"`
	Stops      []Stop       `json:"stops"`
	Rows       []OutcomeRow `json:"rows"`
}

type outcomeCourse struct {
	id, indication string
	route          dosing.Route
	status         dosing.CourseStatus
	starts         time.Time
	reason         string
	held           int
	results        map[string]map[string]instrument.Result // instrument → occasion → result
}

// ComputeOutcomes reads the practice's courses and current responses and
// counts them as Outcomes documents.
func ComputeOutcomes(ctx context.Context, tx *store.Tx, cat *instrument.Catalog, practiceID string, f OutcomeFilter) (Outcomes, error) {
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return Outcomes{}, err
	}
	rows, err := tx.Query(ctx, `SELECT c.id, c.indication_code, c.route, c.status, c.starts_on, c.stop_reason,
		(SELECT COUNT(*) FROM course_session s WHERE s.course_id = c.id AND s.status = 'held')
		FROM course c WHERE c.practice_id = ? AND c.starts_on IS NOT NULL ORDER BY c.starts_on, c.id`, practiceID)
	if err != nil {
		return Outcomes{}, err
	}
	byID := map[string]*outcomeCourse{}
	var courses []*outcomeCourse
	for rows.Next() {
		c := &outcomeCourse{results: map[string]map[string]instrument.Result{}}
		var route, status string
		if err := rows.Scan(&c.id, &c.indication, &route, &status, &c.starts, &c.reason, &c.held); err != nil {
			rows.Close()
			return Outcomes{}, err
		}
		c.route, c.status = dosing.Route(route), dosing.CourseStatus(status)
		if !f.counts(c, zone) {
			continue
		}
		byID[c.id] = c
		courses = append(courses, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Outcomes{}, err
	}
	rows, err = tx.Query(ctx, `SELECT r.course_id, r.instrument, r.occasion, r.result FROM measure_response r
		WHERE r.practice_id = ? AND r.status = 'submitted' AND r.course_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM measure_response n WHERE n.supersedes = r.id AND n.status = 'submitted')
		ORDER BY r.submitted_at, r.id`, practiceID)
	if err != nil {
		return Outcomes{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var courseID, code, occasion, raw string
		if err := rows.Scan(&courseID, &code, &occasion, &raw); err != nil {
			return Outcomes{}, err
		}
		c, ok := byID[courseID]
		if !ok {
			continue
		}
		var res instrument.Result
		if err := json.Unmarshal([]byte(raw), &res); err != nil {
			return Outcomes{}, fmt.Errorf("measure outcomes: %w", err)
		}
		if c.results[code] == nil {
			c.results[code] = map[string]instrument.Result{}
		}
		c.results[code][occasion] = res
	}
	if err := rows.Err(); err != nil {
		return Outcomes{}, err
	}
	return tally(cat, courses), nil
}

func (f OutcomeFilter) counts(c *outcomeCourse, zone *time.Location) bool {
	day := c.starts.In(zone)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	civil := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	switch {
	case !f.From.IsZero() && day.Before(civil(f.From)):
		return false
	case !f.To.IsZero() && day.After(civil(f.To)):
		return false
	case f.Indication != "" && !strings.EqualFold(f.Indication, c.indication):
		return false
	case f.Route != "" && f.Route != c.route:
		return false
	}
	return true
}

func tally(cat *instrument.Catalog, courses []*outcomeCourse) Outcomes {
	var o Outcomes
	stops := map[int]*Stop{}
	for _, c := range courses {
		o.Started++
		switch c.status {
		case dosing.CourseCompleted:
			o.Completed++
		case dosing.CourseStopped:
			o.Stopped++
			s := stops[c.held]
			if s == nil {
				s = &Stop{AfterSessions: c.held}
				stops[c.held] = s
			}
			s.Courses++
			if r := strings.TrimSpace(c.reason); r != "" {
				s.Reasons = append(s.Reasons, r)
			}
		case dosing.CourseActive:
			o.Active++
		}
	}
	o.Completion = Rate{Num: o.Completed, Den: o.Completed + o.Stopped}
	for _, s := range stops {
		o.Stops = append(o.Stops, *s)
	}
	slices.SortFunc(o.Stops, func(a, b Stop) int { return a.AfterSessions - b.AfterSessions })

	o.Rows = append(o.Rows, rowsFor(cat, "All courses", courses)...)
	groups := func(key func(*outcomeCourse) string) {
		var keys []string
		in := map[string][]*outcomeCourse{}
		for _, c := range courses {
			k := key(c)
			if _, ok := in[k]; !ok {
				keys = append(keys, k)
			}
			in[k] = append(in[k], c)
		}
		slices.Sort(keys)
		for _, k := range keys {
			o.Rows = append(o.Rows, rowsFor(cat, k, in[k])...)
		}
	}
	groups(func(c *outcomeCourse) string { return "Indication " + c.indication })
	groups(func(c *outcomeCourse) string { return "Route: " + c.route.Label() })
	return o
}

// rowsFor counts each instrument with a response, remission or
// meaningful-change rule at each
// occasion after the course that any course in the group has.
func rowsFor(cat *instrument.Catalog, group string, courses []*outcomeCourse) []OutcomeRow {
	var out []OutcomeRow
	for _, def := range cat.All() {
		if def.Response == nil && def.Remission == nil && def.Meaningful == nil {
			continue
		}
		for _, occ := range occasionsAfter(def.Code, courses) {
			row := OutcomeRow{Group: group, Instrument: def.Code, ShortName: def.ShortName, Occasion: occ, Label: OccasionLabel(occ)}
			var resp, rem, imp Rate
			for _, c := range courses {
				base, ok1 := c.results[def.Code][safety.OccasionBaseline]
				cur, ok2 := c.results[def.Code][occ]
				if !ok1 || !ok2 || !base.HasTotal || !cur.HasTotal {
					continue
				}
				ch := instrument.Compare(def, base, cur)
				row.N++
				resp.Den++
				rem.Den++
				imp.Den++
				if ch.Meaningful && ch.Current < ch.Baseline {
					imp.Num++
				}
				if ch.Response {
					resp.Num++
				}
				if ch.Remission {
					rem.Num++
				}
			}
			if row.N == 0 {
				continue
			}
			if def.Response != nil {
				row.Response = &resp
			}
			if def.Remission != nil {
				row.Remission = &rem
			}
			if def.Meaningful != nil {
				row.Improved = &imp
			}
			out = append(out, row)
		}
	}
	return out
}

// occasionsAfter lists course end, then follow-ups by their first answer,
// so 2w comes before 1m as it does in time.
func occasionsAfter(code string, courses []*outcomeCourse) []string {
	seen := map[string]bool{}
	var follow []string
	hasEnd := false
	for _, c := range courses {
		for occ := range c.results[code] {
			switch {
			case occ == safety.OccasionCourseEnd:
				hasEnd = true
			case strings.HasPrefix(occ, "follow_up:") && !seen[occ]:
				seen[occ] = true
				follow = append(follow, occ)
			}
		}
	}
	slices.SortFunc(follow, func(a, b string) int { return followUpDays(a) - followUpDays(b) })
	if hasEnd {
		return append([]string{safety.OccasionCourseEnd}, follow...)
	}
	return follow
}

// followUpDays orders follow-up labels such as 2w, 1m, 3m by length.
func followUpDays(occ string) int {
	l := strings.TrimPrefix(occ, "follow_up:")
	if len(l) < 2 {
		return 0
	}
	var n int
	fmt.Sscanf(l[:len(l)-1], "%d", &n)
	switch l[len(l)-1] {
	case 'w':
		return n * 7
	case 'm':
		return n * 30
	case 'y':
		return n * 365
	}
	return n
}
