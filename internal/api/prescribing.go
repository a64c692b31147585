package api

import (
	"context"
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/prescribing"
)

// The JSON API of the chart's clinical details and the prescriber's
// evaluation. It reads evaluations but cannot sign them: a signature needs
// the prescriber's password, entered in the browser.
func (s *Server) routesPrescribingAPI() {
	s.handle("GET /api/v1/clients/{id}/details", s.api(s.apiDetails))
	s.handle("PUT /api/v1/clients/{id}/details", s.api(s.apiSaveDetails))
	s.handle("GET /api/v1/clients/{id}/medical", s.api(s.apiMedical))
	s.handle("POST /api/v1/clients/{id}/diagnoses", s.api(apiAdd(s, func(c apiChange, in clinic.DiagnosisInput) (any, error) {
		return c.door.AddDiagnosis(c.ctx, c.a, c.client, in, c.bad)
	})))
	s.handle("POST /api/v1/clients/{id}/medications", s.api(apiAdd(s, func(c apiChange, in clinic.MedicationInput) (any, error) {
		return c.door.AddMedication(c.ctx, c.a, c.client, in, c.bad)
	})))
	s.handle("POST /api/v1/clients/{id}/allergies", s.api(apiAdd(s, func(c apiChange, in clinic.AllergyInput) (any, error) {
		return c.door.AddAllergy(c.ctx, c.a, c.client, in, c.bad)
	})))
	s.handle("POST /api/v1/clients/{id}/measurements", s.api(apiAdd(s, func(c apiChange, in clinic.MeasurementInput) (any, error) {
		return c.door.AddMeasurement(c.ctx, c.a, c.client, in, c.bad)
	})))
	type markInput struct {
		StoppedOn string `json:"stopped_on"`
		Reason    string `json:"reason"`
	}
	s.handle("POST /api/v1/clients/{id}/medications/{itemID}/stop", s.api(apiAdd(s, func(c apiChange, in markInput) (any, error) {
		return nil, c.door.StopMedication(c.ctx, c.a, c.client, c.item, in.StoppedOn, in.Reason, c.bad)
	})))
	s.routesOfferedAPI()
	for kind, path := range map[string]string{clinic.KindDiagnosis: "diagnoses", clinic.KindAllergy: "allergies", clinic.KindMeasurement: "measurements"} {
		s.handle("POST /api/v1/clients/{id}/"+path+"/{itemID}/remove", s.api(apiAdd(s, func(c apiChange, in markInput) (any, error) {
			return nil, c.door.RemoveEntry(c.ctx, c.a, kind, c.client, c.item, in.Reason, c.bad)
		})))
	}
	s.handle("GET /api/v1/clients/{id}/evaluations", s.api(s.apiEvaluations))
	s.handle("POST /api/v1/clients/{id}/evaluations", s.api(s.apiCannotSign("evaluation")))
	s.handle("POST /api/v1/clients/{id}/evaluations/{evalID}/addenda", s.api(s.apiCannotSign("evaluation_addendum")))
}

func (s *Server) apiDetails(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.doors.Prescribing.Details(r.Context(), a, r.PathValue("id"))
	s.reply(w, r, err, http.StatusOK, d.Details)
}

func (s *Server) apiSaveDetails(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in clinic.Details
	bad := Decode(r, &in)
	d, err := s.doors.Prescribing.SaveDetails(r.Context(), a, r.PathValue("id"), in, bad)
	s.reply(w, r, err, http.StatusOK, d.Details)
}

func (s *Server) apiMedical(w http.ResponseWriter, r *http.Request, a access.Actor) {
	m, err := s.doors.Prescribing.Medical(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, l := range []any{&m.Diagnoses, &m.PastDiagnoses, &m.Medications, &m.StoppedMedications, &m.Allergies, &m.RemovedAllergies, &m.Measurements, &m.RemovedMeasurements, &m.Offered} {
		emptyNotNull(l)
	}
	WriteJSON(w, http.StatusOK, m)
}

// emptyNotNull makes a nil list an empty one, so JSON says [] not null.
func emptyNotNull(list any) {
	switch l := list.(type) {
	case *[]clinic.Diagnosis:
		if *l == nil {
			*l = []clinic.Diagnosis{}
		}
	case *[]clinic.Medication:
		if *l == nil {
			*l = []clinic.Medication{}
		}
	case *[]clinic.Allergy:
		if *l == nil {
			*l = []clinic.Allergy{}
		}
	case *[]clinic.Measurement:
		if *l == nil {
			*l = []clinic.Measurement{}
		}
	case *[]clinic.OfferedMedication:
		if *l == nil {
			*l = []clinic.OfferedMedication{}
		}
	}
}

// apiChange is what an API change of the chart passes to the door; bad
// is the body's refusal, which the door gives once access is decided.
type apiChange struct {
	ctx    context.Context
	door   *prescribing.Door
	a      access.Actor
	client string
	item   string
	bad    error
}

// apiAdd handles a POST that adds a chart entry (201 with the entry) or
// marks one (204): access first, then the body, then the change.
func apiAdd[T any](s *Server, do func(c apiChange, in T) (any, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		var in T
		bad := Decode(r, &in)
		out, err := do(apiChange{ctx: r.Context(), door: s.doors.Prescribing, a: a, client: r.PathValue("id"), item: r.PathValue("itemID"), bad: bad}, in)
		switch {
		case err != nil:
			s.Error(w, r, err)
		case out == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			WriteJSON(w, http.StatusCreated, out)
		}
	}
}

// apiEvaluation is an evaluation with whether its hashes still verify.
type apiEvaluation struct {
	prescribing.Evaluation
	Intact bool `json:"intact"`
}

func (s *Server) apiEvaluations(w http.ResponseWriter, r *http.Request, a access.Actor) {
	evs, err := s.doors.Prescribing.Evaluations(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list := evs.History
	out := struct {
		Current     *string         `json:"current"`
		Evaluations []apiEvaluation `json:"evaluations"`
	}{Evaluations: []apiEvaluation{}}
	for i, e := range list {
		if i == 0 {
			out.Current = &list[0].ID
		}
		out.Evaluations = append(out.Evaluations, apiEvaluation{Evaluation: e, Intact: e.Intact()})
	}
	WriteJSON(w, http.StatusOK, out)
}

// apiCannotSign refuses, after the access decision (so another practice's
// client stays unconfirmed and a non-prescriber hears their own reason),
// and puts the refusal on the trail.
func (s *Server) apiCannotSign(refType string) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		s.Error(w, r, s.doors.Prescribing.CannotSign(r.Context(), a, refType, r.PathValue("id"), r.PathValue("evalID")))
	}
}

func (s *Server) routesOfferedAPI() {
	s.handle("GET /api/v1/clients/{id}/medications/offered", s.api(s.apiMedicationOffers))
	type confirmInput struct {
		// Empty fields keep the client's words.
		Name      string `json:"name"`
		Dose      string `json:"dose"`
		Frequency string `json:"frequency"`
		StartedOn string `json:"started_on"`
	}
	s.handle("POST /api/v1/clients/{id}/medications/offered/{itemID}/confirm", s.api(apiAdd(s, func(c apiChange, in confirmInput) (any, error) {
		return c.door.ConfirmOffer(c.ctx, c.a, c.client, c.item, clinic.MedicationInput{Name: in.Name, Dose: in.Dose, Frequency: in.Frequency, StartedOn: in.StartedOn}, c.bad)
	})))
	type declineInput struct {
		Reason string `json:"reason"`
	}
	s.handle("POST /api/v1/clients/{id}/medications/offered/{itemID}/decline", s.api(apiAdd(s, func(c apiChange, in declineInput) (any, error) {
		return c.door.DeclineOffer(c.ctx, c.a, c.client, c.item, in.Reason, c.bad)
	})))
}

// apiMedicationOffers lists every medicine offered from the intake, pending ones first, decided
// ones with who decided and when.
func (s *Server) apiMedicationOffers(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Prescribing.MedicationOffers(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	emptyNotNull(&list)
	WriteJSON(w, http.StatusOK, map[string]any{"offers": list})
}
