package web_test

import (
	"net/http"
	"strings"
	"testing"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician: once
// found, the API dropped a C-SSRS yes to intent given after a no to Q2,
// scored the screen low and raised nothing. Now the set is refused with a
// 422 naming the question and the answer it is asked after, nothing of the
// response is stored, and a high-severity alert quoting the answers is
// raised and audited all the same.
func TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		responses := s.count(t, `SELECT COUNT(*) FROM measure_response WHERE client_id = ?`, s.alexID)
		alerts := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND severity = 'high'`, s.alexID)
		res := s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "cssrs-screener",
			"answers": map[string]int{"cssrs_1": 1, "cssrs_2": 0, "cssrs_4": 1, "cssrs_6": 0}})
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"answers.cssrs_4"`) || !strings.Contains(body, "asked only after a yes to question 2") {
			t.Fatalf("%d %s; want 422 naming answers.cssrs_4 and the answer it waits on", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM measure_response WHERE client_id = ?`, s.alexID); n != responses {
			t.Errorf("the refused response was stored")
		}
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND severity = 'high' AND message LIKE '%intention%'`, s.alexID); n != alerts+1 {
			t.Fatalf("%d new high-severity alerts quoting the answer; want 1", n-alerts)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND record_type = 'safety_alert' AND outcome = 'allowed'`, s.alexID); n < 1 {
			t.Errorf("the alert raised for the refused answers is not on the trail")
		}
		// Sent in order, the same yes is taken and raises its alert.
		res = s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "cssrs-screener",
			"answers": map[string]int{"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 1, "cssrs_5": 0, "cssrs_6": 0}})
		if body := readBody(t, res); res.StatusCode != http.StatusCreated || !strings.Contains(body, "safety_alert_id") {
			t.Fatalf("in order: %d %s; want 201 with the alert", res.StatusCode, body)
		}
	})
}
