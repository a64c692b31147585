package web

import (
	"time"

	"holdspace/internal/chart"
	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

// The front desk's pages of a client: the contact view, open for a
// correction, and the page a chart link answers them with.
func init() {
	c := clinic.Client{ID: "c1", LegalName: "Alexander Rivera", PreferredName: "Alex", Pronouns: "he/him", DateOfBirth: "1988-04-12",
		Email: "alex@example.org", Phone: "+1 555 0100", Portal: "invited"}
	addSamples(map[string]any{
		"client_contact": contactPage{Editing: true, Contact: chart.Contact{Client: c, CanEdit: true, CanInvite: true,
			Address: clinic.Address{Line1: "12 Elm Street", Line2: "Apt 3", City: "Brooklyn", Region: "NY", PostalCode: "11201", Country: "US"},
			Team:    []clinic.CareTeamMember{{StaffID: "s1", Name: "Sam Okafor", Credentials: "LMFT", Role: "therapist"}},
			Upcoming: []schedule.Appointment{{ID: "a1", Kind: schedule.MedicineSession, Start: time.Date(2026, 12, 9, 15, 0, 0, 0, time.UTC),
				RoomName: "Cedar room", Staff: []schedule.Person{{ID: "s1", Name: "Sam Okafor"}}}}}},
		"chart_front_desk": map[string]any{"ID": "c1"},
	})
}
