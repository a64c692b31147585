package demo

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/consent"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/eligibility"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/preparation"
	"holdspace/internal/prescribing"
	"holdspace/internal/safety"
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

// measures gives Alex's current course a baseline at the planning visit
// (with Sam) and the pre-session scores for the sessions so far, answered
// in the portal two hours before each (the next is left for the portal);
// and Daniel his baseline for his planned PTSD course, with the PCL-5
// added to his schedule. The past courses' scores are pastCourses'.
func (w *world) measures(t *timeline) {
	t.at(w.day(-14, 11, 0), func() error {
		for _, b := range []struct {
			code  string
			total int
		}{{"phq9", 18}, {"gad7", 14}, {"cssrs-screener", 0}} {
			if err := w.administer("sam", "alex", b.code, safety.OccasionBaseline, b.total); err != nil {
				return err
			}
		}
		return nil
	})
	pre := []int{17, 13, 11, 10, 9, 8}
	for n, at := range w.medicineSessions() {
		if !at.Before(w.now) {
			continue
		}
		t.at(at.Add(-2*time.Hour), func() error { return w.answerDue("alex", n, pre[n-1]) })
	}

	// Daniel: PTSD, course planned this morning; Dr. Raman adds the PCL-5
	// to his schedule, and Elena gives his baseline at the clinic.
	t.at(w.now.Add(-2*time.Hour), func() error { return w.addPCL5("daniel") })
	t.at(w.now.Add(-90*time.Minute), func() error {
		for _, b := range []struct {
			code  string
			total int
		}{{"phq9", 15}, {"gad7", 12}, {"pcl5", 52}, {"cssrs-screener", 0}} {
			if err := w.administer("elena", "daniel", b.code, safety.OccasionBaseline, b.total); err != nil {
				return err
			}
		}
		return nil
	})
}

// administer is staff member by giving the client key a questionnaire
// of their course at the clinic, answered to total.
func (w *world) administer(by, key, code, occasion string, total int) error {
	def, ok := w.doors.Instruments().Get(code)
	if !ok {
		return fmt.Errorf("demo %s: no such questionnaire", code)
	}
	slot := measure.Slot{CourseID: w.course[key], Instrument: code, Occasion: occasion}
	if _, err := w.doors.Measures.Administer(w.ctx, w.as[by], w.clients[key], slot, spread(def, total), nil); err != nil {
		return fmt.Errorf("demo %s %s of %s: %w", code, occasion, key, err)
	}
	return nil
}

// answer is the client key answering, in the portal, the questionnaire
// of slot to total.
func (w *world) answer(key string, slot measure.Slot, total int) error {
	ctx, d, a := w.ctx, w.doors.Measures, w.as[key]
	def, ok := w.doors.Instruments().Get(slot.Instrument)
	if !ok {
		return fmt.Errorf("demo %s: no such questionnaire", slot.Instrument)
	}
	r, err := d.StartMine(ctx, a, slot)
	if err != nil {
		return fmt.Errorf("demo %s %s of %s: %w", slot.Instrument, slot.Occasion, key, err)
	}
	typed := map[string]string{}
	for id, v := range spread(def, total) {
		typed[id] = strconv.Itoa(v)
	}
	if _, err := d.Answer(ctx, a, "", r.ID, typed, true); err != nil {
		return fmt.Errorf("demo %s %s of %s: %w", slot.Instrument, slot.Occasion, key, err)
	}
	return nil
}

// answerDue is the client key answering, in the portal, what is open for
// medicine session n, each to total.
func (w *world) answerDue(key string, n, total int) error {
	mine, err := w.doors.Measures.MyQuestionnaires(w.ctx, w.as[key])
	if err != nil {
		return err
	}
	for _, d := range mine.Due {
		if d.Session == n {
			if err := w.answer(key, d.Slot(), total); err != nil {
				return err
			}
		}
	}
	return nil
}

// addPCL5 is Dr. Raman adding the PCL-5 to a PTSD client's schedule, at
// baseline, course end and follow-up, beside the practice's plans.
func (w *world) addPCL5(key string) error {
	set, err := w.doors.Measures.Settings(w.ctx, w.as["owner"])
	if err != nil {
		return err
	}
	plans := append(slices.Clone(set.Schedule.Instruments), safety.InstrumentPlan{Code: "pcl5", Baseline: true, CourseEnd: true, FollowUp: true})
	return w.doors.Measures.SetPlans(w.ctx, w.as["rx"], w.clients[key], plans)
}

// occasionTime is when a past course's occasion was answered: the
// course end and follow-ups on their due day at 18:00, counted from the
// last session.
func occasionTime(occasion string, last time.Time) time.Time {
	at := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 18, 0, 0, 0, t.Location()) }
	switch occasion {
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

// pastCourses are the courses already run, each told whole, as a client's
// care went: a month after coming to the practice, their intake filled
// in and screened clear, weighed and their escort named, a preparation
// session, Dr. Raman's evaluation, the treatment consent signed and the
// instructions acknowledged; then the course planned, its baseline taken
// at the clinic with the therapist, made active the next morning, its
// sessions held every three to four days, and completed (or stopped) by
// Dr. Raman; the course-end and follow-up scores answered in the portal.
func (w *world) pastCourses(t *timeline) {
	for _, pc := range pastCourses {
		w.pastCourse(t, pc)
	}
}

func (w *world) pastCourse(t *timeline, pc pastCourse) {
	ctx, key := w.ctx, pc.email
	therapist, rx := pc.team[0], w.as["rx"]
	planned, started := -pc.startedDaysAgo-1, -pc.startedDaysAgo
	route := dosing.Route(pc.route)
	doses := map[dosing.Route][]float64{dosing.RouteIV: {35, 40, 45, 50, 50, 55}, dosing.RouteIM: {25, 30, 35, 35, 35, 35},
		dosing.RouteSublingualRDT: {100, 150, 200, 200, 250, 250}}[route]
	limit := map[dosing.Route]dosing.Limit{dosing.RouteIV: {Route: dosing.RouteIV, MaxMg: 60, MaxMgPerKg: 0.75},
		dosing.RouteIM:            {Route: dosing.RouteIM, MaxMg: 40, MaxMgPerKg: 0.5},
		dosing.RouteSublingualRDT: {Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4.5}}[route]

	w.fill(t)(key, key, w.day(planned-21, 19, 0), demoIntake())
	w.bloodPressure(t)(key, 121, 79, w.day(planned-20, 10, 0))
	w.submitIntake(t, key, key, w.day(planned-20, 20, 0), map[string]eligibility.Screening{})
	t.at(w.day(planned-16, 16, 0), func() error {
		d, id := w.doors.Prescribing, w.clients[key]
		weigher := w.as["jordan"]
		if !slices.Contains(pc.team, "jordan") {
			weigher = w.as[therapist]
		}
		dt := newcomer{legal: pc.legal, preferred: pc.preferred, pronouns: pc.pronouns, dob: pc.dob, email: pc.email}.details()
		dt.Escort = clinic.Contact{Name: "Sam Lee", Relationship: "friend", Phone: "+1 555 0190"}
		if _, err := d.SaveDetails(ctx, w.as[therapist], id, dt, nil); err != nil {
			return fmt.Errorf("demo chart %s: %w", key, err)
		}
		if _, err := d.AddMeasurement(ctx, weigher, id, clinic.MeasurementInput{MeasuredOn: w.day(planned-16, 0, 0).Format("2006-01-02"),
			Weight: 75, WeightUnit: "kg", Height: 172, HeightUnit: "cm"}, nil); err != nil {
			return fmt.Errorf("demo measurement %s: %w", key, err)
		}
		_, err := d.AddDiagnosis(ctx, rx, id, clinic.DiagnosisInput{Code: pc.indication[0], Description: pc.indication[1], Primary: true,
			DiagnosedOn: w.day(planned-400, 0, 0).Format("2006-01-02")}, nil)
		return err
	})
	t.at(w.day(planned-14, 17, 0), func() error {
		return w.doors.Readiness.RecordSession(ctx, w.as[therapist], w.clients[key], w.zone(), w.day(planned-14, 0, 0).Format("2006-01-02"),
			"Preparation session: intentions, set and setting, what the medicine can feel like, the signal for reassurance. Escort confirmed.")
	})
	t.at(w.day(planned-7, 11, 0), func() error {
		_, err := w.doors.Prescribing.Sign(ctx, rx, w.clients[key], prescribing.Signing{Password: Password, Draft: prescribing.Draft{
			Decision: prescribing.Approved, Limits: []dosing.Limit{limit},
			Notes: "Reviewed intake, screening and history; no contraindications found. Titrate within the limit."}})
		if err != nil {
			return fmt.Errorf("demo evaluation %s: %w", key, err)
		}
		return nil
	})
	w.signConsents(t, key, w.day(planned-6, 10, 0), map[string]map[consent.Kind]string{}, consent.KAPTreatment, consent.FinancialPolicy)
	t.at(w.day(planned-5, 19, 0), func() error {
		return w.doors.Readiness.AcknowledgeInstructions(ctx, w.as[key], preparation.CurrentInstructions().SHA256, "198.51.100.20", true)
	})

	t.at(w.day(planned, 9, 0), func() error { return w.planCourse(key, pc.indication, route, doses) })
	if pc.scores["pcl5"] != nil {
		t.at(w.day(planned, 9, 5), func() error { return w.addPCL5(key) })
	}
	// Baselines at the planning visit, with the therapist.
	t.at(w.day(planned, 10, 0), func() error {
		for _, code := range []string{"phq9", "gad7", "pcl5", "cssrs-screener"} {
			total := 0
			if code != "cssrs-screener" {
				if pc.scores[code] == nil {
					continue
				}
				total = pc.scores[code][0]
			}
			if err := w.administer(therapist, key, code, safety.OccasionBaseline, total); err != nil {
				return err
			}
		}
		return nil
	})
	t.at(w.day(started, 8, 30), func() error { return w.activate(key) })
	var last time.Time
	for n := 1; n <= pc.held; n++ {
		day := started + 1 + (n-1)*7/2
		at := w.day(day, 10, 0)
		last = at
		t.at(w.day(started, 8, 45), func() error { return w.courseSession(w.as[therapist], key, n, course.Book, &at) })
		t.at(w.day(day, 13, 0), func() error { return w.courseSession(w.as[therapist], key, n, course.MarkHeld, nil) })
	}
	if pc.stopReason != "" {
		t.at(last.AddDate(0, 0, 3), func() error {
			if _, err := w.doors.Courses.Stop(ctx, rx, w.clients[key], w.course[key], pc.stopReason, nil); err != nil {
				return fmt.Errorf("demo course %s: %w", key, err)
			}
			return nil
		})
	} else {
		t.at(last.AddDate(0, 0, 1).Add(-time.Hour), func() error {
			if _, err := w.doors.Courses.Complete(ctx, rx, w.clients[key], w.course[key], nil); err != nil {
				return fmt.Errorf("demo course %s: %w", key, err)
			}
			return nil
		})
	}
	for code, totals := range pc.scores {
		for i, total := range totals[1:] {
			occasion := pastOccasions[i+1]
			t.at(occasionTime(occasion, last), func() error {
				return w.answer(key, measure.Slot{CourseID: w.course[key], Instrument: code, Occasion: occasion}, total)
			})
		}
	}
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
