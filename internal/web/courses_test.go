package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/store"
)

// Courses: read by the care team, planned and changed by a prescriber on
// it, sessions booked and marked by the care team, in the pages and the
// JSON API alike. {courseID} stays literal in the table, so those past the
// access decision get 404.
func init() {
	chart := []string{signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny}
	plan := []string{signin, deny, deny, deny, allow, deny, deny, deny, hidden, deny}
	course := []string{signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny}
	coursePlan := []string{signin, deny, deny, deny, hidden, deny, deny, deny, hidden, deny}
	apiCourse := []string{unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny}
	apiCoursePlan := []string{unauth, unauth, unauth, deny, hidden, deny, deny, deny, hidden, deny}
	addRoutes(map[string][]string{
		"GET /courses":                                           {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
		"GET /clients/{id}/courses":                              chart,
		"GET /clients/{id}/courses/new":                          plan,
		"POST /clients/{id}/courses/new":                         plan,
		"GET /clients/{id}/courses/{courseID}":                   course,
		"POST /clients/{id}/courses/{courseID}/activate":         coursePlan,
		"POST /clients/{id}/courses/{courseID}/stop":             coursePlan,
		"POST /clients/{id}/courses/{courseID}/complete":         coursePlan,
		"POST /clients/{id}/courses/{courseID}/doses":            coursePlan,
		"POST /clients/{id}/courses/{courseID}/touch-ups":        coursePlan,
		"POST /clients/{id}/courses/{courseID}/sessions":         course,
		"GET /api/v1/clients/{id}/courses":                       {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/courses":                      {unauth, unauth, unauth, deny, allow, deny, deny, deny, hidden, deny},
		"GET /api/v1/clients/{id}/courses/{courseID}":            apiCourse,
		"POST /api/v1/clients/{id}/courses/{courseID}/activate":  apiCoursePlan,
		"POST /api/v1/clients/{id}/courses/{courseID}/stop":      apiCoursePlan,
		"POST /api/v1/clients/{id}/courses/{courseID}/complete":  apiCoursePlan,
		"POST /api/v1/clients/{id}/courses/{courseID}/doses":     apiCoursePlan,
		"POST /api/v1/clients/{id}/courses/{courseID}/touch-ups": apiCoursePlan,
		"POST /api/v1/clients/{id}/courses/{courseID}/sessions":  apiCourse,
	})
}

func alexPlan(doses ...string) url.Values {
	v := url.Values{"indication": {"other"}, "indication_code": {"F33.1"}, "indication_text": {"Major depressive disorder, recurrent, moderate"},
		"route": {"sublingual_rdt"}, "planned_sessions": {"3"}, "window_days": {"21"}, "min_gap_hours": {"48"}}
	for i, d := range doses {
		v.Set("dose."+string(rune('1'+i)), d)
	}
	return v
}

func (s *routeSite) clientByEmail(t *testing.T, email string) string {
	t.Helper()
	return idOf(t, s.db, `SELECT id FROM client WHERE email = ?`, email)
}

func TestAPrescriberPlansAndRunsACourse(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		// The demo practice has courses of its own; count what the test adds.
		coursesBefore := s.count(t, `SELECT COUNT(*) FROM course WHERE client_id = ?`, s.alexID)
		rx := s.client(t, "prescriber")
		base := s.url + "/clients/" + s.alexID + "/courses"

		body := getOK(t, rx, base+"/new")
		pageSays(t, body, "Plan a treatment course", "F33.1", "Session 6")
		dumpPage(t, "courses_new", body)

		// Over the prescriber's maximum (300 mg; 4.5 mg/kg of 70.3 kg): refused with the numbers, values kept.
		body = postStatus(t, rx, base+"/new", alexPlan("100", "200", "350"), http.StatusUnprocessableEntity)
		pageSays(t, body, "Session 3:", "350 mg", "300 mg")
		pageHas(t, body, `value="350"`, `id="f-dose-3-error"`)
		dumpPage(t, "courses_new_refused", body)
		if n := s.count(t, `SELECT COUNT(*) FROM course WHERE client_id = ?`, s.alexID); n != coursesBefore {
			t.Fatalf("%d courses after a refusal; want only the demo's", n)
		}

		// Alex's demo course is active: only one course may be active at a
		// time, so a new plan is refused naming it until it is stopped.
		body = postStatus(t, rx, base+"/new", alexPlan("100", "200", "300"), http.StatusUnprocessableEntity)
		pageSays(t, body, "already has an active course (F33.1", "complete or stop that course first")
		demoCourse := idOf(t, s.db, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID)
		postStatus(t, rx, base+"/"+demoCourse+"/stop", url.Values{"stop_reason": {"Replanned at a lower starting dose."}}, http.StatusSeeOther)

		res, err := postForm(rx, base+"/new", alexPlan("100", "200", "300"))
		read(t, res, err)
		status(t, res, http.StatusSeeOther, "")
		loc := res.Header.Get("Location")
		courseURL := s.url + loc

		// A dose change needs a reason and keeps the history.
		body = postStatus(t, rx, courseURL+"/doses", url.Values{"session_number": {"2"}, "new_mg": {"150"}, "reason": {""}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Write why the dose changes")
		pageHas(t, body, `value="150"`)
		postStatus(t, rx, courseURL+"/doses", url.Values{"session_number": {"2"}, "new_mg": {"150"}, "reason": {"Nausea at 100 mg; go slower."}}, http.StatusSeeOther)
		postStatus(t, rx, courseURL+"/doses", url.Values{"session_number": {"2"}, "new_mg": {"175"}, "reason": {"Tolerated the test dose."}}, http.StatusSeeOther)
		if n := s.count(t, `SELECT COUNT(*) FROM dose_change WHERE client_id = ? AND session_number = 2`, s.alexID); n != 2 {
			t.Errorf("%d dose changes on record; want both", n)
		}
		body = getOK(t, rx, courseURL)
		pageSays(t, body, "200 mg → 150 mg", "150 mg → 175 mg", "Nausea at 100 mg; go slower.")

		// A therapist on the team cannot change doses.
		sam := s.client(t, "therapist-on-team")
		postStatus(t, sam, courseURL+"/doses", url.Values{"session_number": {"2"}, "new_mg": {"100"}, "reason": {"x"}}, http.StatusForbidden)
		// Another practice does not learn the course exists.
		getStatus(t, s.client(t, "other-practice"), courseURL, http.StatusNotFound)

		// Sessions need an active course; then activate, miss a session, and the course stalls.
		rx = s.client(t, "prescriber")
		ago := time.Now().AddDate(0, 0, -10).UTC().Format("2006-01-02T15:04")
		body = postStatus(t, rx, courseURL+"/sessions", url.Values{"session_number": {"1"}, "action": {"book"}, "scheduled_at": {ago}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "this course is planned")
		postStatus(t, rx, courseURL+"/activate", nil, http.StatusSeeOther)
		body = postStatus(t, rx, courseURL+"/activate", nil, http.StatusUnprocessableEntity)
		pageSays(t, body, "Only a planned course can be made active")
		sam = s.client(t, "therapist-on-team")
		for _, act := range []string{"book", "missed"} {
			postStatus(t, sam, courseURL+"/sessions", url.Values{"session_number": {"1"}, "action": {act}, "scheduled_at": {ago}}, http.StatusSeeOther)
		}
		res, err = sam.Get(courseURL)
		body = read(t, res, err)
		pageSays(t, body, "This course has stalled.", "was missed and has not been rebooked")
		dumpPage(t, "courses_detail_stalled", body)
		body = getOK(t, sam, s.url+"/courses?status=active")
		pageSays(t, body, "1 stalled course.", "Alex", "was missed and has not been rebooked")
		dumpPage(t, "courses_overview", body)
		res, err = s.client(t, "therapist-off-team").Get(s.url + "/courses")
		body = read(t, res, err)
		pageSaysNot(t, body, "Alex")

		// Stop needs a reason; complete only from active.
		rx = s.client(t, "prescriber")
		body = postStatus(t, rx, courseURL+"/stop", url.Values{"stop_reason": {""}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Stopping a course needs a reason")
		postStatus(t, rx, courseURL+"/complete", nil, http.StatusSeeOther)
		postStatus(t, rx, courseURL+"/touch-ups", url.Values{"touch_up_mg": {"200"}}, http.StatusSeeOther)
		body = postStatus(t, rx, courseURL+"/stop", url.Values{"stop_reason": {"Moved away"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "already completed")
		res, err = rx.Get(courseURL)
		body = read(t, res, err)
		pageSays(t, body, "touch-up", "Completed")
		dumpPage(t, "courses_detail", body)

		// The API reads the course and changes doses under the same rules.
		tok := s.tokens["prescriber"]
		res, got := postJSON(t, s.url, "/api/v1/clients/"+s.alexID+"/courses", tok, map[string]any{"indication_code": "F33.1", "indication_text": "MDD",
			"route": "sublingual_rdt", "planned_sessions": 2, "window_days": 14, "min_gap_hours": 48, "doses_mg": []float64{100, 400}})
		if res.StatusCode != http.StatusUnprocessableEntity || got["errors"] == nil {
			t.Fatalf("API over-limit plan: %d %v", res.StatusCode, got)
		}
		res, got = postJSON(t, s.url, "/api/v1/clients/"+s.alexID+"/courses", tok, map[string]any{"indication_code": "F33.1", "indication_text": "MDD",
			"route": "sublingual_rdt", "planned_sessions": 2, "window_days": 14, "min_gap_hours": 48, "doses_mg": []float64{100, 200}})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("API plan: %d %v", res.StatusCode, got)
		}
		id, _ := got["id"].(string)
		res, got = postJSON(t, s.url, "/api/v1/clients/"+s.alexID+"/courses/"+id+"/doses", tok, map[string]any{"session_number": 2, "new_mg": 250})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("API dose change without a reason: %d %v", res.StatusCode, got)
		}
		res, got = getJSON(t, s.url, "/api/v1/clients/"+s.alexID+"/courses/"+id, tok)
		if res.StatusCode != http.StatusOK || got["status"] != "planned" {
			t.Fatalf("API course: %d %v", res.StatusCode, got)
		}
	})
}

func TestACourseNeedsAnApprovedEvaluationAndAnUnblockedScreening(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		allBefore := s.count(t, `SELECT COUNT(*) FROM course`)
		rx := s.client(t, "prescriber")
		// Noor has no evaluation at all.
		body := postStatus(t, rx, s.url+"/clients/"+s.blankID+"/courses/new", alexPlan("100", "100", "100"), http.StatusUnprocessableEntity)
		pageSays(t, body, "No prescriber evaluation is on file")
		// Robert: the current evaluation does not approve.
		rob := s.clientByEmail(t, "rob@client.example")
		body = getOK(t, rx, s.url+"/clients/"+rob+"/courses/new")
		pageSays(t, body, "A course cannot be planned yet.", "is not approved")
		// Alex is approved, but a screening that blocks refuses the course with its reason.
		if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome,
				findings, unanswered, parameters, facts, trigger_kind, run_by_kind, run_by_id)
				SELECT ?, practice_id, client_id, intake_id, ?, rule_set_version, 'blocked', findings, unanswered, parameters, facts, 'changed', run_by_kind, run_by_id
				FROM screening WHERE client_id = ? ORDER BY screened_at DESC LIMIT 1`, store.NewID(), time.Now(), s.alexID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		body = postStatus(t, rx, s.url+"/clients/"+s.alexID+"/courses/new", alexPlan("100", "100", "100"), http.StatusUnprocessableEntity)
		pageSays(t, body, "The eligibility screening blocks a course")
		pageSaysNot(t, body, "No prescriber evaluation")
		if n := s.count(t, `SELECT COUNT(*) FROM course`); n != allBefore {
			t.Errorf("%d courses, %d before the refused plans; want no new one", n, allBefore)
		}
	})
}

func fieldError(got map[string]any, field string) string {
	errs, _ := got["errors"].(map[string]any)
	msg, _ := errs[field].(string)
	return msg
}

func TestTheCourseActionsInTheAPI(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		tok := s.tokens["prescriber"]
		base := "/api/v1/clients/" + s.alexID + "/courses"
		demoCourse := idOf(t, s.db, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID)
		plan := map[string]any{"indication_code": "F33.1", "indication_text": "MDD", "route": "sublingual_rdt", "planned_sessions": 2,
			"window_days": 14, "min_gap_hours": 48, "doses_mg": []float64{100, 200}}
		check := func(res *http.Response, got map[string]any, want int, what string) {
			t.Helper()
			if res.StatusCode != want {
				t.Fatalf("%s: %d %v; want %d", what, res.StatusCode, got, want)
			}
			if want == http.StatusUnprocessableEntity && res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: Content-Type %q", what, res.Header.Get("Content-Type"))
			}
		}

		// One active course at a time.
		res, got := postJSON(t, s.url, base, tok, plan)
		check(res, got, http.StatusUnprocessableEntity, "a second course")
		if msg := fieldError(got, "course"); !strings.Contains(msg, "already has an active course (F33.1") || !strings.Contains(msg, "complete or stop that course first") {
			t.Errorf("second course refused with %q", msg)
		}
		res, got = postJSON(t, s.url, base+"/"+demoCourse+"/stop", tok, map[string]any{"reason": " "})
		check(res, got, http.StatusUnprocessableEntity, "stop without a reason")
		if fieldError(got, "reason") == "" {
			t.Errorf("stop without a reason: %v", got)
		}
		res, got = postJSON(t, s.url, base+"/"+demoCourse+"/stop", tok, map[string]any{"reason": "Replanned."})
		check(res, got, http.StatusOK, "stop")
		if got["status"] != "stopped" || got["stop_reason"] != "Replanned." {
			t.Errorf("stopped course: %v", got)
		}

		res, got = postJSON(t, s.url, base, tok, plan)
		check(res, got, http.StatusCreated, "plan")
		course := base + "/" + got["id"].(string)
		res, got = postJSON(t, s.url, course+"/sessions", tok, map[string]any{"session_number": 1, "action": "book", "scheduled_at": time.Now().Add(time.Hour)})
		check(res, got, http.StatusUnprocessableEntity, "booking a planned course")
		res, got = postJSON(t, s.url, course+"/activate", tok, nil)
		check(res, got, http.StatusOK, "activate")
		if got["status"] != "active" {
			t.Errorf("activated course: %v", got)
		}
		res, got = postJSON(t, s.url, course+"/activate", tok, nil)
		check(res, got, http.StatusUnprocessableEntity, "activate twice")

		// Sessions: a time is needed to book; held once its time has come.
		res, got = postJSON(t, s.url, course+"/sessions", tok, map[string]any{"session_number": 1, "action": "book"})
		check(res, got, http.StatusUnprocessableEntity, "book without a time")
		if fieldError(got, "scheduled_at") == "" {
			t.Errorf("book without a time: %v", got)
		}
		res, got = postJSON(t, s.url, course+"/sessions", tok, map[string]any{"session_number": 1, "action": "book", "scheduled_at": time.Now().Add(-time.Hour)})
		check(res, got, http.StatusOK, "book")
		res, got = postJSON(t, s.url, course+"/sessions", tok, map[string]any{"session_number": 1, "action": "held"})
		check(res, got, http.StatusOK, "held")
		if sessions, _ := got["sessions"].([]any); len(sessions) != 1 || fmt.Sprint(sessions[0].(map[string]any)["status"]) != "held" {
			t.Errorf("sessions after held: %v", got["sessions"])
		}
		res, got = postJSON(t, s.url, course+"/sessions", tok, map[string]any{"session_number": 1, "action": "sometimes"})
		check(res, got, http.StatusUnprocessableEntity, "an unknown action")

		// Complete, then touch-ups; an active course cannot be activated again.
		res, got = postJSON(t, s.url, course+"/touch-ups", tok, map[string]any{"dose_mg": 150})
		check(res, got, http.StatusUnprocessableEntity, "touch-up before completion")
		res, got = postJSON(t, s.url, course+"/complete", tok, nil)
		check(res, got, http.StatusOK, "complete")
		res, got = postJSON(t, s.url, course+"/touch-ups", tok, map[string]any{"dose_mg": 0})
		check(res, got, http.StatusUnprocessableEntity, "touch-up of 0 mg")
		if fieldError(got, "dose_mg") == "" {
			t.Errorf("touch-up of 0 mg: %v", got)
		}
		res, got = postJSON(t, s.url, course+"/touch-ups", tok, map[string]any{"dose_mg": 150})
		check(res, got, http.StatusOK, "touch-up")
		if doses, _ := got["doses"].([]any); len(doses) != 3 {
			t.Errorf("doses after a touch-up: %v", got["doses"])
		}

		// A therapist on the team books sessions but does not change the plan.
		res, got = postJSON(t, s.url, course+"/complete", s.tokens["therapist-on-team"], nil)
		check(res, got, http.StatusForbidden, "a therapist completing")
	})
}
