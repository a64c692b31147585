package web_test

import (
	"html"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/store"
)

// A practice that has given no contact in its safety settings is still
// reachable from the crisis page, on the phone its reminder emails give.
func TestTheCrisisPageFallsBackToThePracticePhone(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		alex := s.client(t, "client")
		body := getOK(t, alex, s.url+"/portal/crisis")
		pageSays(t, html.UnescapeString(body), "call +1 555 0100, weekdays 9am to 5pm")

		if err := s.db.Write(t.Context(), func(tx *store.Tx) error {
			var practice string
			if err := tx.QueryRow(t.Context(), `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practice); err != nil {
				return err
			}
			st, err := alert.LoadSettings(t.Context(), tx, practice)
			if err != nil {
				return err
			}
			st.Contact = ""
			return alert.SaveSettings(t.Context(), tx, practice, st, "", time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		body = getOK(t, alex, s.url+"/portal/crisis")
		pageSays(t, html.UnescapeString(body), "To reach Stillwater Ketamine Therapy: call +1 555 0100")
		pageSaysNot(t, body, "weekdays 9am to 5pm")
	})
}
