package demo

import (
	"fmt"
	"time"

	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// pastCourse is a finished course of an extra demo client with its score
// history: baseline, then course end and follow-ups after the last
// session. Scores are totals; the answers are spread over the items with
// PHQ-9 item 9 always 0 (the safety demo adds its one alert on purpose).
type pastCourse struct {
	legal, preferred, pronouns, dob, email string
	team                                   []string
	indication                             [2]string
	route                                  string
	startedDaysAgo                         int
	held                                   int
	stopReason                             string // a stopped course
	scores                                 map[string][]int
}

// The occasions a past course's scores are given for, in order: baseline,
// course end, then the default follow-ups (2w, 1m, 3m, 6m). A score list
// shorter than this stops where the story does.
var pastOccasions = []string{safety.OccasionBaseline, safety.OccasionCourseEnd,
	safety.FollowUpOccasion("2w"), safety.FollowUpOccasion("1m"), safety.FollowUpOccasion("3m"), safety.FollowUpOccasion("6m")}

// pastCourses are the finished courses of four extra clients (a remitter,
// a responder who did not remit, a non-responder, a PTSD client followed
// with the PCL-5) and one who stopped after two sessions.
var pastCourses = []pastCourse{
	{"Taylor Brooks", "", "they/them", "1990-02-14", "taylor@client.example", []string{"sam", "rx", "jordan"},
		[2]string{"F33.1", "Major depressive disorder, recurrent, moderate"}, "sublingual_rdt", 230, 6, "",
		map[string][]int{"phq9": {19, 4, 4, 3, 5, 6}, "gad7": {15, 6, 5, 4, 6, 7}}},
	{"Morgan Ellis", "", "she/her", "1982-08-03", "morgan.ellis@client.example", []string{"elena", "rx"},
		[2]string{"F33.2", "Major depressive disorder, recurrent, severe without psychotic features"}, "iv", 150, 6, "",
		map[string][]int{"phq9": {22, 10, 9, 11, 12}, "gad7": {16, 8, 8, 9, 10}}},
	{"Casey Nguyen", "", "he/him", "1975-12-19", "casey@client.example", []string{"sam", "rx"},
		[2]string{"F33.1", "Major depressive disorder, recurrent, moderate"}, "sublingual_rdt", 120, 6, "",
		map[string][]int{"phq9": {17, 14, 15, 16}, "gad7": {12, 11, 11, 12}}},
	{"Riley Santos", "Riley", "she/her", "1987-05-27", "riley@client.example", []string{"elena", "rx", "jordan"},
		[2]string{"F43.10", "Post-traumatic stress disorder, unspecified"}, "im", 100, 6, "",
		map[string][]int{"phq9": {14, 7, 6, 8}, "gad7": {13, 7, 6, 7}, "pcl5": {58, 40, 36, 33}}},
	{"Sky Patel", "", "he/him", "1995-09-09", "sky@client.example", []string{"sam", "rx"},
		[2]string{"F33.1", "Major depressive disorder, recurrent, moderate"}, "sublingual_rdt", 60, 2,
		"Persistent nausea and vomiting despite ondansetron; the client chose to stop after session 2.",
		map[string][]int{"phq9": {18}, "gad7": {14}}},
}

// measures gives the outcomes dashboard real-looking results: four extra
// clients with finished courses (a remitter, a responder who did not
// remit, a non-responder, a PTSD client followed with the PCL-5) and one
// who stopped after two sessions; Alex's current course with baseline and
// pre-session scores for the sessions so far (the next is left for the portal);
// and Daniel's baseline for his planned PTSD course, with the PCL-5 added
// to his schedule.
func (w *world) measures() error {
	cat, err := instrument.Load()
	if err != nil {
		return err
	}
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		zone = time.UTC
	}
	now := w.now.In(zone)
	day := func(days, hour int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, zone)
	}
	give := func(clientID, courseID, code, occasion string, total int, at time.Time, by measure.Filler) error {
		def, _ := cat.Get(code)
		r, err := measure.Start(w.ctx, w.tx, cat, w.practiceID, clientID, measure.Slot{CourseID: courseID, Instrument: code, Occasion: occasion}, by, at)
		if err != nil {
			return fmt.Errorf("demo %s %s: %w", code, occasion, err)
		}
		sub, err := measure.Submit(w.ctx, w.tx, cat, clientID, r.ID, spread(def, total), at, true)
		if err != nil {
			return fmt.Errorf("demo %s %s: %w", code, occasion, err)
		}
		if sub.Trigger != nil {
			return fmt.Errorf("demo %s %s: a demo score raised a safety trigger", code, occasion)
		}
		return nil
	}
	portal := measure.Filler{Kind: measure.FilledByClient}
	clinic := measure.Filler{Kind: measure.FilledByStaff, StaffID: w.staff["sam"]}

	for _, pc := range pastCourses {
		clientID, courseID, last, err := w.pastCourse(pc, day)
		if err != nil {
			return err
		}
		for code, totals := range pc.scores {
			for i, total := range totals {
				at := occasionTime(pastOccasions[i], day(-pc.startedDaysAgo, 9), last)
				by := portal
				if i == 0 {
					by = clinic // baselines taken at the intake visit
				}
				if err := give(clientID, courseID, code, pastOccasions[i], total, at, by); err != nil {
					return err
				}
			}
		}
		if err := give(clientID, courseID, "cssrs-screener", safety.OccasionBaseline, 0, day(-pc.startedDaysAgo, 9), clinic); err != nil {
			return err
		}
		if pc.scores["pcl5"] != nil {
			if err := measure.SaveOverrides(w.ctx, w.tx, w.practiceID, clientID, safety.ClientOverrides{Add: []safety.InstrumentPlan{{Code: "pcl5", Baseline: true, CourseEnd: true, FollowUp: true}}}, w.staff["rx"], day(-pc.startedDaysAgo-1, 9)); err != nil {
				return err
			}
		}
	}

	// Alex: baseline at the planning visit, then before sessions 1-3.
	var alexCourse, danielCourse string
	var alexPlanned time.Time
	if err := w.tx.QueryRow(w.ctx, `SELECT id, created_at FROM course WHERE client_id = ? AND status = 'active'`, w.clients["alex"]).Scan(&alexCourse, &alexPlanned); err != nil {
		return fmt.Errorf("demo measures: Alex's course: %w", err)
	}
	alex := w.clients["alex"]
	base := alexPlanned.Add(2 * time.Hour)
	for code, total := range map[string]int{"phq9": 18, "gad7": 14, "cssrs-screener": 0} {
		if err := give(alex, alexCourse, code, safety.OccasionBaseline, total, base, clinic); err != nil {
			return err
		}
	}
	// Before each session already under way or past, answered two hours
	// before it; the next one is left for the portal.
	sched, err := measure.ClientSchedule(w.ctx, w.tx, w.practiceID, alex, now)
	if err != nil {
		return err
	}
	pre := []int{17, 13, 11, 10, 9, 8}
	for _, cs := range sched {
		for _, d := range cs.Items {
			if d.Session == 0 || d.Session > len(pre) || !d.DueBy.Before(now) || d.Status == safety.StatusCompleted {
				continue
			}
			if err := give(alex, alexCourse, d.Instrument, d.Occasion, pre[d.Session-1], d.DueBy.Add(-2*time.Hour), portal); err != nil {
				return err
			}
		}
	}

	// Daniel: PTSD, course planned; PCL-5 added to his schedule and his
	// baseline given today.
	daniel := w.clients["daniel"]
	if err := w.tx.QueryRow(w.ctx, `SELECT id FROM course WHERE client_id = ?`, daniel).Scan(&danielCourse); err != nil {
		return fmt.Errorf("demo measures: Daniel's course: %w", err)
	}
	if err := measure.SaveOverrides(w.ctx, w.tx, w.practiceID, daniel, safety.ClientOverrides{Add: []safety.InstrumentPlan{{Code: "pcl5", Baseline: true, CourseEnd: true, FollowUp: true}}}, w.staff["rx"], now.Add(-2*time.Hour)); err != nil {
		return err
	}
	for code, total := range map[string]int{"phq9": 15, "gad7": 12, "pcl5": 52, "cssrs-screener": 0} {
		if err := give(daniel, danielCourse, code, safety.OccasionBaseline, total, now.Add(-90*time.Minute), clinic); err != nil {
			return err
		}
	}
	return nil
}

// occasionTime is when a past course's occasion was answered: the
// baseline on the planning day, the rest on their due day at 18:00.
func occasionTime(occasion string, planned, last time.Time) time.Time {
	at := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 18, 0, 0, 0, t.Location()) }
	switch occasion {
	case safety.OccasionBaseline:
		return planned.Add(time.Hour)
	case safety.OccasionCourseEnd:
		return at(last.AddDate(0, 0, 1))
	case safety.FollowUpOccasion("2w"):
		return at(last.AddDate(0, 0, 14))
	case safety.FollowUpOccasion("1m"):
		return at(last.AddDate(0, 1, 0))
	case safety.FollowUpOccasion("3m"):
		return at(last.AddDate(0, 3, 0))
	}
	return at(last.AddDate(0, 6, 0))
}

// pastCourse adds a course already run for a client who came a month before:
// planned the day before it started, sessions held every 3-4 days.
func (w *world) pastCourse(pc pastCourse, day func(days, hour int) time.Time) (clientID, courseID string, last time.Time, err error) {
	clientID, courseID = w.clients[pc.email], store.NewID()
	planned := day(-pc.startedDaysAgo-1, 9)
	rx := w.staff["rx"]
	status, stopped, completed := "completed", any(nil), any(nil)
	for n := 1; n <= pc.held; n++ {
		last = day(-pc.startedDaysAgo+1+(n-1)*7/2, 10)
	}
	if pc.stopReason != "" {
		status, stopped = "stopped", last.AddDate(0, 0, 3).UTC()
	} else {
		completed = last.AddDate(0, 0, 1).UTC()
	}
	if _, err = w.tx.Exec(w.ctx, `INSERT INTO course (id, practice_id, client_id, indication_code, indication_text, route, planned_sessions, window_days, min_gap_hours,
		status, starts_on, completed_at, stopped_on, stop_reason, status_by, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 6, 21, 48, ?, ?, ?, ?, ?, ?, ?, ?)`,
		courseID, w.practiceID, clientID, pc.indication[0], pc.indication[1], pc.route, status, day(-pc.startedDaysAgo, 9).UTC(), completed, stopped, pc.stopReason, rx, rx, planned.UTC()); err != nil {
		return "", "", last, fmt.Errorf("demo course %s: %w", pc.legal, err)
	}
	doses := map[string][]float64{"iv": {35, 40, 45, 50, 50, 55}, "im": {40, 50, 60, 60, 70, 70}, "sublingual_rdt": {100, 150, 200, 200, 250, 250}}[pc.route]
	for n := 1; n <= 6; n++ {
		if _, err = w.tx.Exec(w.ctx, `INSERT INTO course_dose (id, practice_id, client_id, course_id, session_number, planned_mg, touch_up, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), w.practiceID, clientID, courseID, n, doses[n-1], false, rx, planned.UTC()); err != nil {
			return "", "", last, err
		}
	}
	for n := 1; n <= pc.held; n++ {
		at := day(-pc.startedDaysAgo+1+(n-1)*7/2, 10).UTC()
		if _, err = w.tx.Exec(w.ctx, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'held', ?, ?, ?)`, store.NewID(), w.practiceID, clientID, courseID, n, at, w.staff["jordan"], at, at); err != nil {
			return "", "", last, err
		}
	}
	return clientID, courseID, last, nil
}

// spread gives answers adding up to total, spread evenly over the scored
// items; PHQ-9 item 9 (the safety question) is always 0. A total-only or
// yes/no instrument (the C-SSRS screener) answers every item shown "no".
func spread(def *instrument.Definition, total int) map[string]int {
	out := map[string]int{}
	var items []*instrument.Item
	for i := range def.Items {
		it := &def.Items[i]
		if it.ShowIf != nil || it.Optional || it.NotScored {
			continue
		}
		out[it.ID] = 0
		if it.ID != "phq9_9" && def.Total != nil {
			items = append(items, it)
		}
	}
	for total > 0 && len(items) > 0 {
		moved := false
		for _, it := range items {
			if total == 0 {
				break
			}
			hi := it.Options[len(it.Options)-1].Value
			if out[it.ID] < hi {
				out[it.ID]++
				total--
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	return out
}
