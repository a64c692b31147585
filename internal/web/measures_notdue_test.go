package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"holdspace/internal/instrument"
	"holdspace/internal/measure"

	"holdspace/internal/store"
)

// TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician: once
// found, the API dropped a C-SSRS yes to intent given after a no to Q2,
// scored the screen low and raised nothing. Now the set is refused with a
// 422 naming the question and the answer it is asked after, nothing of the
// response is stored, and a high-severity alert quoting the answers is
// raised and audited all the same.
func TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
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

// TestAnAlertFromTheClinicSaysWhoRecordedIt: a PHQ-9 given in the clinic
// and entered by staff once raised an alert reading "the client answered",
// as if from the portal. It now names who recorded it.
func TestAnAlertFromTheClinicSaysWhoRecordedIt(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		answers := map[string]int{}
		for i := 1; i <= 9; i++ {
			answers["phq9_"+string(rune('0'+i))] = 0
		}
		answers["phq9_9"] = 1
		answers["phq9_difficulty"] = 0
		res := s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "phq9", "answers": answers})
		if body := readBody(t, res); res.StatusCode != http.StatusCreated {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND message LIKE '%recorded in the clinic by Morgan Avery%'`, s.alexID); n != 1 {
			t.Fatalf("%d alerts naming who recorded the answer; want 1", n)
		}
	})
}

// TestThePortalC_SSRSDoesNotShowTheInterviewersInstructions: the screener's
// instructions ("If NO to 2, go directly to question 6") are for the
// clinician who asks the questions; a client filling it in alone in the
// portal once saw them. The clinic's form still shows them.
func TestThePortalC_SSRSDoesNotShowTheInterviewersInstructions(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		var id string
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			var course string
			if err := tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID).Scan(&course); err != nil {
				return err
			}
			// As the practice's schedule would put it in the portal.
			r, err := measure.Start(ctx, tx, instrumentCatalog(t), practiceID, s.alexID, measure.Slot{CourseID: course, Instrument: "cssrs-screener", Occasion: "follow_up:1m"},
				measure.Filler{Kind: measure.FilledByClient}, time.Now())
			if err != nil {
				return err
			}
			id = r.ID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		const interviewer = "go directly to question 6"
		res, err := s.client(t, "client").Get(s.url + "/portal/measures/" + id)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(t, res); res.StatusCode != http.StatusOK || strings.Contains(body, interviewer) || !strings.Contains(body, "thoughts of killing yourself") {
			t.Fatalf("portal: %d, or it shows the interviewer's instructions", res.StatusCode)
		}
		res, err = s.client(t, "therapist-on-team").Get(s.url + "/clients/" + s.alexID + "/measures/" + id)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, interviewer) {
			t.Fatalf("clinic: %d, or the clinician's form lacks the instructions", res.StatusCode)
		}
	})
}

func instrumentCatalog(t *testing.T) *instrument.Catalog {
	t.Helper()
	c, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
