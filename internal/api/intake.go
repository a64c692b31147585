package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/eligibility"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
)

func (s *Server) routesIntakeAPI() {
	s.handle("GET /api/v1/clients/{id}/intake", s.api(s.apiIntake))
	s.handle("PUT /api/v1/clients/{id}/intake/{section}", s.api(s.apiIntakeSection))
	s.handle("POST /api/v1/clients/{id}/intake/submit", s.api(s.apiIntakeSubmit))
	s.handle("GET /api/v1/clients/{id}/screenings", s.api(s.apiScreenings))
	s.handle("POST /api/v1/clients/{id}/screenings/{screeningID}/acknowledgements", s.api(s.apiAcknowledge))
	s.handle("POST /api/v1/clients/{id}/screening-vitals", s.api(s.apiScreeningVitals))
	s.handle("GET /api/v1/screening-rules", s.api(s.apiScreeningRules))
}

func (s *Server) apiIntake(w http.ResponseWriter, r *http.Request, a access.Actor) {
	rec, err := s.doors.Intake.Load(r.Context(), a, r.PathValue("id"))
	s.reply(w, r, err, http.StatusOK, rec)
}

// apiIntakeSection replaces one section with the body, all or nothing: a
// body with a field in error saves nothing and answers 422 naming it.
func (s *Server) apiIntakeSection(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, name := r.PathValue("id"), r.PathValue("section")
	var sec intake.Section
	var bad error
	if ptr, ok := eligibility.NewSection(name); ok {
		bad = Decode(r, ptr)
		sec = eligibility.SectionValue(ptr)
	}
	out, err := s.doors.Intake.SaveSection(r.Context(), a, id, name, sec, bad)
	s.reply(w, r, err, http.StatusOK, out)
}

// apiIntakeSubmit sends the intake with the attestation of the staff
// member the token acts for: their own name and the confirmation that the
// answers are the client's, as the client gave them.
func (s *Server) apiIntakeSubmit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	// Optional so that an empty body is refused by the door naming name and
	// confirm, not as unreadable.
	var body eligibility.Attestation
	bad := DecodeOptional(r, &body)
	sent, err := s.doors.Intake.Submit(r.Context(), a, r.PathValue("id"), body, bad)
	s.reply(w, r, err, http.StatusOK, map[string]any{"status": eligibility.Submitted, "screening": sent.Screening, "attestation": sent.Attestation})
}

func (s *Server) apiScreenings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Intake.Screenings(r.Context(), a, r.PathValue("id"))
	replyList(s, w, r, err, "screenings", list)
}

func (s *Server) apiAcknowledge(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var body struct {
		RuleID string `json:"rule_id"`
		Reason string `json:"reason"`
	}
	bad := Decode(r, &body)
	ack, err := s.doors.Intake.Acknowledge(r.Context(), a, r.PathValue("id"), r.PathValue("screeningID"), body.RuleID, body.Reason, bad)
	s.reply(w, r, err, http.StatusCreated, ack)
}

func (s *Server) apiScreeningVitals(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var body eligibility.BloodPressure
	bad := Decode(r, &body)
	out, err := s.doors.Intake.RecordBloodPressure(r.Context(), a, r.PathValue("id"), body, bad)
	s.reply(w, r, err, http.StatusCreated, out)
}

// apiScreeningRules publishes the rule set as data, with the facts it reads,
// so an integration can show why a finding fired.
func (s *Server) apiScreeningRules(w http.ResponseWriter, r *http.Request, a access.Actor) {
	rs, err := s.doors.Intake.Rules(r.Context(), a)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"version": rs.Version(), "parameters": rs.Parameters(), "rules": rs.Rules(), "facts": screening.Catalogue(),
	})
}
