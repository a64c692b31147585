package web

import (
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/eligibility"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

func (s *Server) routesIntakeAPI() {
	s.handle(GateAPI, "GET /api/v1/clients/{id}/intake", s.api(s.apiIntake))
	s.handle(GateAPI, "PUT /api/v1/clients/{id}/intake/{section}", s.api(s.apiIntakeSection))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/intake/submit", s.api(s.apiIntakeSubmit))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/screenings", s.api(s.apiScreenings))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/screenings/{screeningID}/acknowledgements", s.api(s.apiAcknowledge))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/screening-vitals", s.api(s.apiScreeningVitals))
	s.handle(GateAPI, "GET /api/v1/screening-rules", s.api(s.apiScreeningRules))
}

func intakeRef(id string) access.Ref { return access.Ref{Type: "intake", ID: id, ClientID: id} }

// apiEligibilityError answers as apiError: missing answers and a
// submitted or superseded intake are faults of their own.
func (s *Server) apiEligibilityError(w http.ResponseWriter, r *http.Request, a access.Actor, err error) {
	s.apiError(w, r, a, err)
}

func (s *Server) apiIntake(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var rec eligibility.Record
	err := s.eligibilityUse(r.Context(), a, access.ClientRead, intakeRef(id), func(u eligibility.Use) (err error) {
		rec, err = u.Load(r.Context(), id)
		return err
	})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// apiSectionSaved is the answer to a section saved by the API.
type apiSectionSaved struct {
	Section   eligibility.SectionState `json:"section"`
	Changed   bool                     `json:"changed"`
	Missing   []string                 `json:"missing"`
	Screening *eligibility.Screening   `json:"screening,omitempty"`
}

// apiIntakeSection replaces one section with the body, all or nothing: a
// body with a field in error saves nothing and answers 422 naming it.
func (s *Server) apiIntakeSection(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, name := r.PathValue("id"), r.PathValue("section")
	var out apiSectionSaved
	err := s.eligibilityUse(r.Context(), a, access.ClientUpdate, intakeRef(id), func(u eligibility.Use) error {
		ptr, ok := eligibility.NewSection(name)
		if !ok {
			return clinic.ErrNotFound
		}
		if err := decodeJSON(r, ptr); err != nil {
			return inSection(name, err)
		}
		saved, err := u.SaveSection(r.Context(), id, eligibility.SectionValue(ptr))
		if err != nil {
			return err
		}
		rec, err := u.Load(r.Context(), id)
		out = apiSectionSaved{Section: rec.Section(name), Changed: saved.Changed, Missing: rec.Missing, Screening: saved.Screening}
		return err
	})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// inSection names the problems of a section's body as its answers are
// named ("goals.text", "medications.list[1].name"), the whole body as the
// section.
func inSection(name string, err error) error {
	var ps access.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, len(ps))
	for i, p := range ps {
		field := name
		if p.Field != "body" {
			field += "." + p.Field
		}
		out[i] = &access.Problem{Field: field, Message: p.Message}
	}
	return out
}

func (s *Server) apiIntakeSubmit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var sc eligibility.Screening
	err := s.eligibilityUse(r.Context(), a, access.ClientUpdate, intakeRef(id), func(u eligibility.Use) (err error) {
		// Submitting takes no input; a body, if any, must be an empty object.
		if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
			return err
		}
		sc, err = u.Submit(r.Context(), id)
		return err
	})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": eligibility.Submitted, "screening": sc})
}

func (s *Server) apiScreenings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []eligibility.Screening
	err := s.eligibilityUse(r.Context(), a, access.ClientRead, access.Ref{Type: "screening", ID: id, ClientID: id}, func(u eligibility.Use) (err error) {
		list, err = u.Screenings(r.Context(), id)
		return err
	})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	if list == nil {
		list = []eligibility.Screening{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"screenings": list})
}

func (s *Server) apiAcknowledge(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, screeningID := r.PathValue("id"), r.PathValue("screeningID")
	ackID := store.NewID()
	var ack eligibility.Acknowledgement
	err := s.eligibilityUse(r.Context(), a, access.ScreeningAcknowledge, access.Ref{Type: "screening_acknowledgement", ID: ackID, ClientID: id},
		func(u eligibility.Use) error {
			var body struct {
				RuleID string `json:"rule_id"`
				Reason string `json:"reason"`
			}
			if err := decodeJSON(r, &body); err != nil {
				return err
			}
			var err error
			ack, err = u.Acknowledge(r.Context(), id, screeningID, ackID, body.RuleID, body.Reason)
			return err
		})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusCreated, ack)
}

func (s *Server) apiScreeningVitals(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var out struct {
		Vitals    eligibility.Vitals     `json:"vitals"`
		Screening *eligibility.Screening `json:"screening,omitempty"`
	}
	err := s.eligibilityUse(r.Context(), a, access.ClientUpdate, access.Ref{Type: "screening_vitals", ID: id, ClientID: id}, func(u eligibility.Use) error {
		var body struct {
			Systolic  int        `json:"bp_systolic"`
			Diastolic int        `json:"bp_diastolic"`
			TakenAt   *time.Time `json:"taken_at"`
		}
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		at := u.Now
		if body.TakenAt != nil {
			at = *body.TakenAt
		}
		var err error
		out.Vitals, out.Screening, err = u.RecordBloodPressure(r.Context(), id, body.Systolic, body.Diastolic, at)
		return err
	})
	if err != nil {
		s.apiEligibilityError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// apiScreeningRules publishes the rule set as data, with the facts it reads,
// so an integration can show why a finding fired.
func (s *Server) apiScreeningRules(w http.ResponseWriter, r *http.Request, a access.Actor) {
	err := s.access.Do(r.Context(), a, access.ClientList, access.Ref{Type: "screening_rules"}, func(*store.Tx, access.Decision) error { return nil })
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	rs, err := screening.Load()
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"version": rs.Version(), "parameters": rs.Parameters(), "rules": rs.Rules(), "facts": screening.Catalogue(),
	})
}
