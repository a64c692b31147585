package web

import (
	"holdspace/internal/clinic"
)

// The medicines a client listed on the intake are offered to the chart's medication list when
// the intake is submitted. A clinician confirms each, edited if need be, or declines it, on the
// medical history page or through the API; either is a ClientUpdate through
// prescribing.Door, and the chart entry and the offer change in its one transaction. When a
// decision changes what the screening rules read, the screening runs again in it too.

// offerPrefix names the fields of one offer's forms: offer-{id}-dose and so on.
func offerPrefix(id string) string { return "offer-" + id + "-" }

func (s *Server) routesOffered() {
	s.handle(GateStaff, "POST /clients/{id}/medical/offered/{itemID}/confirm", s.medicalPost(medicalChange{prefix: "offer-{item}-",
		anchor: "medications", done: "The medication from the intake is on the chart.", apply: func(c chartChange) error {
			p := offerPrefix(c.item)
			_, err := c.door.ConfirmOffer(c.ctx(), c.a, c.client, c.item, clinic.MedicationInput{Name: c.get(p + "name"), Dose: c.get(p + "dose"),
				Frequency: c.get(p + "frequency"), StartedOn: c.get(p + "started_on")}, nil)
			return err
		}}))
	s.handle(GateStaff, "POST /clients/{id}/medical/offered/{itemID}/decline", s.medicalPost(medicalChange{prefix: "decline-{item}-",
		anchor: "offered", done: "The medication from the intake is declined; it stays off the chart.", apply: func(c chartChange) error {
			_, err := c.door.DeclineOffer(c.ctx(), c.a, c.client, c.item, c.get("decline-"+c.item+"-reason"), nil)
			return err
		}}))
}
