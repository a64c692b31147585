package web_test

import (
	"testing"
)

// The chart says where the client stands in the medicine phase: the demo's
// Alex has session 4 under way today, linked to its live record; Maya's
// chart shows her open safety alert and her stalled course.
func TestTheChartShowsTheMedicinePhase(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		body := getOK(t, sam, s.url+"/clients/"+s.alexID)
		pageSays(t, body, "Medicine session 4 today", "Open the session record", "3 of 6 medicine sessions held")
		pageHas(t, body, `href="/clients/`+s.alexID+`/sessions/`)
		pageSaysNot(t, body, "Open safety alert")

		maya := s.clientByEmail(t, "maya@client.example")
		elena := s.client(t, "therapist-off-team")
		body = getOK(t, elena, s.url+"/clients/"+maya)
		pageSays(t, body, "Open safety alert", "Review and acknowledge", "Stalled:")
	})
}
