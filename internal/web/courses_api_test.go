package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The course actions of the JSON API: a prescriber on the care team for
// the course's plan and status, the care team for its sessions.
func init() {
	plan := []string{unauth, unauth, unauth, deny, hidden, deny, deny, deny, hidden, deny}
	team := []string{unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny}
	addRoutes(map[string][]string{
		"POST /api/v1/clients/{id}/courses/{courseID}/activate":  plan,
		"POST /api/v1/clients/{id}/courses/{courseID}/stop":      plan,
		"POST /api/v1/clients/{id}/courses/{courseID}/complete":  plan,
		"POST /api/v1/clients/{id}/courses/{courseID}/touch-ups": plan,
		"POST /api/v1/clients/{id}/courses/{courseID}/sessions":  team,
	})
}

func fieldError(got map[string]any, field string) string {
	errs, _ := got["errors"].(map[string]any)
	msg, _ := errs[field].(string)
	return msg
}

func TestTheCourseActionsInTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		tok := s.tokens["prescriber"]
		base := "/api/v1/clients/" + s.alexID + "/courses"
		var demoCourse string
		if err := db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID).Scan(&demoCourse)
		}); err != nil {
			t.Fatal(err)
		}
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
