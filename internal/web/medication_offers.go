package web

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/eligibility"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// The medicines a client listed on the intake are offered to the chart's medication list when
// the intake is submitted. A clinician confirms each, edited if need be, or declines it, on the
// medical history page or through the API; either is a ClientUpdate, audited by
// access.Service.Do, and the chart entry and the offer change in that one transaction. When a
// decision changes what the screening rules read, the screening runs again in it too.

// offerPrefix names the fields of one offer's forms: offer-{id}-dose and so on.
func offerPrefix(id string) string { return "offer-" + id + "-" }

// offerUse is the eligibility use case a decision on an offer runs in.
// at is now in the practice's zone, so a start date is checked against the practice's day.
func offerUse(tx *store.Tx, a access.Actor, at time.Time) (eligibility.Use, error) {
	rules, err := screening.Load()
	return eligibility.Use{Tx: tx, PracticeID: a.PracticeID, By: eligibility.ByActor(a), Now: at, Rules: rules}, err
}

// rescreenChart screens the intake again, in the change's transaction, after staff changed the
// chart's medication list themselves.
func (s *Server) rescreenChart(tx *store.Tx, a access.Actor, r *http.Request, clientID string, at time.Time) error {
	u, err := offerUse(tx, a, at)
	if err != nil {
		return err
	}
	_, err = u.ChartMedicationsChanged(r.Context(), clientID)
	return err
}

func (s *Server) routesOffered() {
	s.handle(GateStaff, "POST /clients/{id}/medical/offered/{itemID}/confirm", s.medicalPost(medicalChange{refType: "medication_offer", prefix: "offer-{item}-",
		anchor: "medications", done: "The medication from the intake is on the chart.", apply: func(c chartChange) error {
			u, err := offerUse(c.tx, c.a, c.at)
			if err != nil {
				return err
			}
			p := offerPrefix(c.item)
			_, _, err = u.ConfirmOffer(c.r.Context(), c.client, c.item, clinic.MedicationInput{Name: c.get(p + "name"), Dose: c.get(p + "dose"),
				Frequency: c.get(p + "frequency"), StartedOn: c.get(p + "started_on")}, c.a.StaffID)
			return err
		}}))
	s.handle(GateStaff, "POST /clients/{id}/medical/offered/{itemID}/decline", s.medicalPost(medicalChange{refType: "medication_offer", prefix: "decline-{item}-",
		anchor: "offered", done: "The medication from the intake is declined; it stays off the chart.", apply: func(c chartChange) error {
			u, err := offerUse(c.tx, c.a, c.at)
			if err != nil {
				return err
			}
			_, err = u.DeclineOffer(c.r.Context(), c.client, c.item, c.get("decline-"+c.item+"-reason"), c.a.StaffID)
			return err
		}}))
}

// offerDecision is the answer to a confirmation or a declining through the API: the chart entry
// made, if any, and the screening that ran again, if what the rules read changed.
type offerDecision struct {
	Medication *clinic.Medication     `json:"medication,omitempty"`
	Screening  *eligibility.Screening `json:"screening,omitempty"`
}

func (s *Server) routesOfferedAPI() {
	s.handle(GateAPI, "GET /api/v1/clients/{id}/medications/offered", s.api(s.apiMedicationOffers))
	type confirmInput struct {
		// Empty fields keep the client's words.
		Name      string `json:"name"`
		Dose      string `json:"dose"`
		Frequency string `json:"frequency"`
		StartedOn string `json:"started_on"`
	}
	s.handle(GateAPI, "POST /api/v1/clients/{id}/medications/offered/{itemID}/confirm", s.api(apiAdd(s, "medication_offer", func(c apiChange, in confirmInput) (any, error) {
		u, err := offerUse(c.tx, c.a, c.at)
		if err != nil {
			return nil, err
		}
		m, sc, err := u.ConfirmOffer(c.r.Context(), c.client, c.item, clinic.MedicationInput{Name: in.Name, Dose: in.Dose, Frequency: in.Frequency, StartedOn: in.StartedOn}, c.a.StaffID)
		if err != nil {
			return nil, err
		}
		return offerDecision{Medication: &m, Screening: sc}, nil
	})))
	type declineInput struct {
		Reason string `json:"reason"`
	}
	s.handle(GateAPI, "POST /api/v1/clients/{id}/medications/offered/{itemID}/decline", s.api(apiAdd(s, "medication_offer", func(c apiChange, in declineInput) (any, error) {
		u, err := offerUse(c.tx, c.a, c.at)
		if err != nil {
			return nil, err
		}
		sc, err := u.DeclineOffer(c.r.Context(), c.client, c.item, in.Reason, c.a.StaffID)
		if err != nil {
			return nil, err
		}
		return offerDecision{Screening: sc}, nil
	})))
}

// apiMedicationOffers lists every medicine offered from the intake, pending ones first, decided
// ones with who decided and when.
func (s *Server) apiMedicationOffers(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []clinic.OfferedMedication
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "medication_offer", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		list, err = clinic.MedicationOffers(r.Context(), tx, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	emptyNotNull(&list)
	writeJSON(w, http.StatusOK, map[string]any{"offers": list})
}
