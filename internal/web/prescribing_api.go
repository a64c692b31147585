package web

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
)

// The JSON API of the chart's clinical details and the prescriber's
// evaluation. It reads evaluations but cannot sign them: a signature needs
// the prescriber's password, entered in the browser.
func (s *Server) routesPrescribingAPI() {
	s.handle(GateAPI, "GET /api/v1/clients/{id}/details", s.api(s.apiDetails))
	s.handle(GateAPI, "PUT /api/v1/clients/{id}/details", s.api(s.apiSaveDetails))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/medical", s.api(s.apiMedical))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/diagnoses", s.api(apiAdd(s, "diagnosis", func(c apiChange, in clinic.DiagnosisInput) (any, error) {
		in.ID = c.item
		return clinic.AddDiagnosis(c.r.Context(), c.tx, c.a.PracticeID, c.client, in, c.a.StaffID, c.at)
	})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/medications", s.api(apiAdd(s, "medication", func(c apiChange, in clinic.MedicationInput) (any, error) {
		in.ID = c.item
		m, err := clinic.AddMedication(c.r.Context(), c.tx, c.a.PracticeID, c.client, in, c.a.StaffID, c.at)
		if err != nil {
			return nil, err
		}
		return m, s.rescreenChart(c.tx, c.a, c.r, c.client, c.at)
	})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/allergies", s.api(apiAdd(s, "allergy", func(c apiChange, in clinic.AllergyInput) (any, error) {
		in.ID = c.item
		return clinic.AddAllergy(c.r.Context(), c.tx, c.a.PracticeID, c.client, in, c.a.StaffID, c.at)
	})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/measurements", s.api(apiAdd(s, "body_measurement", func(c apiChange, in clinic.MeasurementInput) (any, error) {
		in.ID = c.item
		return clinic.AddMeasurement(c.r.Context(), c.tx, c.a.PracticeID, c.client, in, c.a.StaffID, c.at)
	})))
	type markInput struct {
		StoppedOn string `json:"stopped_on"`
		Reason    string `json:"reason"`
	}
	s.handle(GateAPI, "POST /api/v1/clients/{id}/medications/{itemID}/stop", s.api(apiAdd(s, "medication", func(c apiChange, in markInput) (any, error) {
		if err := clinic.StopMedication(c.r.Context(), c.tx, c.client, c.item, in.StoppedOn, in.Reason, c.a.StaffID, c.at); err != nil {
			return nil, err
		}
		return nil, s.rescreenChart(c.tx, c.a, c.r, c.client, c.at)
	})))
	s.routesOfferedAPI()
	for kind, path := range map[string]string{clinic.KindDiagnosis: "diagnoses", clinic.KindAllergy: "allergies", clinic.KindMeasurement: "measurements"} {
		s.handle(GateAPI, "POST /api/v1/clients/{id}/"+path+"/{itemID}/remove", s.api(apiAdd(s, kind, func(c apiChange, in markInput) (any, error) {
			return nil, clinic.RemoveEntry(c.r.Context(), c.tx, kind, c.client, c.item, in.Reason, c.a.StaffID, c.at)
		})))
	}
	s.handle(GateAPI, "GET /api/v1/clients/{id}/evaluations", s.api(s.apiEvaluations))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/evaluations", s.api(s.apiCannotSign("evaluation")))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/evaluations/{evalID}/addenda", s.api(s.apiCannotSign("evaluation_addendum")))
}

func (s *Server) apiDetails(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var d clinic.Details
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "client_details", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		d, err = clinic.LoadDetails(r.Context(), tx, a.PracticeID, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiSaveDetails(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var in clinic.Details
	bad := decodeJSON(r, &in)
	var d clinic.Details
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	err = s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "client_details", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		var err error
		d, err = clinic.SaveDetails(r.Context(), tx, a.PracticeID, id, in, s.now().In(zone))
		return err
	})
	if err != nil {
		s.apiError(w, r, a, chartProblems(err, ""))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiMedical(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var m clinic.Medical
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "medical_history", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		m, err = clinic.LoadMedical(r.Context(), tx, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	for _, l := range []any{&m.Diagnoses, &m.PastDiagnoses, &m.Medications, &m.StoppedMedications, &m.Allergies, &m.RemovedAllergies, &m.Measurements, &m.RemovedMeasurements, &m.Offered} {
		emptyNotNull(l)
	}
	writeJSON(w, http.StatusOK, m)
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

// apiChange is what an API change needs inside its transaction.
type apiChange struct {
	r      *http.Request
	tx     *store.Tx
	a      access.Actor
	client string
	item   string
	at     time.Time
}

// apiAdd handles a POST that adds a chart entry (201 with the entry) or
// marks one (204): access first, then the body, then the change.
func apiAdd[T any](s *Server, refType string, do func(c apiChange, in T) (any, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id, item := r.PathValue("id"), r.PathValue("itemID")
		var in T
		bad := decodeJSON(r, &in)
		ref := access.Ref{Type: refType, ID: item, ClientID: id}
		if item == "" {
			ref.ID = store.NewID()
		}
		var out any
		zone, err := s.practiceZone(r, a.PracticeID)
		if err != nil {
			s.apiError(w, r, a, err)
			return
		}
		err = s.access.Do(r.Context(), a, access.ClientUpdate, ref, func(tx *store.Tx, _ access.Decision) error {
			if bad != nil {
				return bad
			}
			var err error
			out, err = do(apiChange{r: r, tx: tx, a: a, client: id, item: ref.ID, at: s.now().In(zone)}, in)
			return err
		})
		switch {
		case err != nil:
			s.apiError(w, r, a, chartProblems(err, ""))
		case out == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, http.StatusCreated, out)
		}
	}
}

// apiEvaluation is an evaluation with whether its hashes still verify.
type apiEvaluation struct {
	prescribing.Evaluation
	Intact bool `json:"intact"`
}

func (s *Server) apiEvaluations(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []prescribing.Evaluation
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "evaluation", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		list, err = prescribing.History(r.Context(), tx, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
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
	writeJSON(w, http.StatusOK, out)
}

// apiCannotSign refuses, after the access decision (so another practice's
// client stays unconfirmed and a non-prescriber hears their own reason),
// and puts the refusal on the trail.
func (s *Server) apiCannotSign(refType string) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id := r.PathValue("id")
		err := s.access.Do(r.Context(), a, access.EvaluationWrite, access.Ref{Type: refType, ID: r.PathValue("evalID"), ClientID: id}, func(*store.Tx, access.Decision) error {
			return &access.Denied{Action: access.EvaluationWrite, Record: access.Record{Type: refType, ID: r.PathValue("evalID"), PracticeID: a.PracticeID, ClientID: id},
				Reason: "API tokens cannot sign; a prescriber signs evaluations and addenda in the browser, re-entering their password"}
		})
		s.apiError(w, r, a, err)
	}
}
