package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestAnOpenSafetyAlertStopsTheSessionUntilAClinicianAcknowledgesIt:
// once found, an unacknowledged, escalated self-harm check-in alert did
// not stop the session from starting or the first dose. Now the record
// does not start while one is open (the gate names it), and once a
// clinician has acknowledged it with the action taken, it starts.
func TestAnOpenSafetyAlertStopsTheSessionUntilAClinicianAcknowledgesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSRSite(t, db)
		ctx := context.Background()
		var alertID string
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alex).Scan(&practiceID); err != nil {
				return err
			}
			// Close the demo's own alerts so this one is the only open one.
			if _, err := tx.Exec(ctx, `UPDATE safety_alert SET state = 'closed' WHERE client_id = ?`, s.alex); err != nil {
				return err
			}
			var err error
			alertID, err = alert.Raise(ctx, tx, practiceID, s.alex, safety.Trigger{Source: safety.SourceCheckInSelfHarm, Instrument: safety.InstrumentCheckIn,
				Severity: safety.SeverityModerate, AnsweredAt: time.Now().Add(-3 * time.Hour), Message: "Answered yes to thoughts of harming themselves."}, time.Now().Add(-3*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		client := "/api/v1/clients/" + s.alex
		gate := s.do(t, "sam", http.MethodGet, client+"/course-sessions/"+s.booking+"/gate", "", http.StatusOK)
		if gate["allowed"] != false || !strings.Contains(mustJSON(gate), "open_safety_alert") {
			t.Fatalf("the gate allows a start with an open safety alert: %v", gate)
		}
		refused := s.do(t, "sam", http.MethodPost, client+"/course-sessions/"+s.booking+"/record", "", http.StatusUnprocessableEntity)
		if !strings.Contains(mustJSON(refused), "safety alert") {
			t.Fatalf("the refusal does not name the open alert: %v", refused)
		}
		s.do(t, "sam", http.MethodPost, "/api/v1/alerts/"+alertID+"/acknowledge", `{"action": "contacted_client", "note": ""}`, http.StatusOK)
		s.do(t, "sam", http.MethodPost, client+"/course-sessions/"+s.booking+"/record", "", http.StatusCreated)
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
