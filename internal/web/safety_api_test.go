package web_test

import (
	"net/http"
	"testing"
)

// An integration acknowledges a safety alert with the action taken and
// then closes it, in that order only, as the clinician who made its token
// (issue 6: an alert stays until a clinician acknowledges it and records
// the action taken).
func TestTheAPIAcknowledgesThenClosesASafetyAlert(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		// The demo's open alert is Maya's; Elena is her therapist.
		alertID := idOf(t, s.db, `SELECT a.id FROM safety_alert a JOIN client c ON c.id = a.client_id
				WHERE c.email = 'maya@client.example' AND a.state = 'raised'`)
		base := "/api/v1/alerts/" + alertID
		if res, out := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{"note": "done"}`); res.StatusCode != http.StatusConflict {
			t.Fatalf("closing before acknowledging: %d %v; want 409", res.StatusCode, out)
		}
		if res, out := apiDo(t, s, "therapist-on-team", http.MethodPost, base+"/acknowledge", `{"action": "contacted_client"}`); res.StatusCode == http.StatusOK {
			t.Fatalf("a therapist off Maya's care team acknowledged her alert: %v", out)
		}
		res, out := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/acknowledge", `{"action": "other"}`)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("other without a note: %d %v; want 422", res.StatusCode, out)
		}
		if errs, _ := out["errors"].(map[string]any); errs["note"] == nil {
			t.Errorf("the problem does not name the note: %v", out)
		}
		res, out = apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/acknowledge", `{"action": "contacted_client", "note": "Called; safe, seeing her tomorrow."}`)
		if res.StatusCode != http.StatusOK || out["state"] != "acknowledged" {
			t.Fatalf("acknowledge: %d %v", res.StatusCode, out)
		}
		res, out = apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{"note": "Seen the next day; plan reviewed."}`)
		if res.StatusCode != http.StatusOK || out["state"] != "closed" {
			t.Fatalf("close: %d %v", res.StatusCode, out)
		}
		if res, _ := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{}`); res.StatusCode != http.StatusConflict {
			t.Errorf("closing twice: %d; want 409", res.StatusCode)
		}
	})
}
