package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/dosing"
	"holdspace/internal/sessionrecord"
)

// The JSON API of the live dosing-session record (KAP.md §1), one endpoint per action, under
// the same access as the pages (sessionrecord.Door): reading is ClientRead, recording
// SessionRecordWrite (pre-medication given included), the hold override and a dose
// authorisation beyond the plan HoldOverride, signing and addenda SessionRecordSign (with the
// signer's password in the body), process notes ProcessNoteRead/ProcessNoteWrite. Refusals are
// problem details with field errors; a refused dose or discharge carries the rule's numbers.
// A POST that adds an entry answers 201; the discharge and the signature change the record
// and answer 200.
func (s *Server) routesSessionRecordAPI() {
	s.handle("POST /api/v1/clients/{id}/discharge-exceptions", s.api(s.apiSignDischargeException))
	door := s.doors.Sessions
	rec := "/api/v1/clients/{id}/session-records/{recordID}"
	booking := "/api/v1/clients/{id}/course-sessions/{sessionID}"
	s.handle("GET "+booking+"/gate", s.api(srRead(s, func(r *http.Request, a access.Actor) (any, error) {
		refusals, err := door.Gate(r.Context(), a, r.PathValue("id"), r.PathValue("sessionID"))
		if refusals == nil {
			refusals = []dosing.Refusal{}
		}
		return map[string]any{"allowed": len(refusals) == 0, "refusals": refusals}, err
	})))
	s.handle("POST "+booking+"/record", s.api(func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		// Starting takes no input: only nothing or {} is accepted.
		var none struct{}
		out, err := door.Start(r.Context(), a, r.PathValue("id"), r.PathValue("sessionID"), DecodeOptional(r, &none))
		s.reply(w, r, err, http.StatusCreated, out)
	}))
	s.handle("GET /api/v1/clients/{id}/session-records", s.api(srRead(s, func(r *http.Request, a access.Actor) (any, error) {
		return door.List(r.Context(), a, r.PathValue("id"))
	})))
	s.handle("GET "+rec, s.api(srRead(s, func(r *http.Request, a access.Actor) (any, error) {
		v, err := door.Show(r.Context(), a, r.PathValue("id"), r.PathValue("recordID"))
		return srView{Record: v.Record, Timeline: v.Timeline, Chart: v.Chart}, err
	})))
	s.handle("GET "+rec+"/version", s.api(srRead(s, func(r *http.Request, a access.Actor) (any, error) {
		v, err := door.Version(r.Context(), a, r.PathValue("id"), r.PathValue("recordID"))
		return map[string]int64{"version": v}, err
	})))
	s.handle("PUT "+rec+"/checklist", s.api(srWrite(s, http.StatusOK, func(r *http.Request, a access.Actor, in srChecklist, bad error) (any, error) {
		return door.SaveChecklist(r.Context(), a, srTarget(r), in.BaseVersion, in.Checklist, bad)
	})))
	s.handle("POST "+rec+"/readings", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.ReadingInput, bad error) (any, error) {
		return door.AddReading(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/hold-override", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in srText, bad error) (any, error) {
		return door.OverrideHold(r.Context(), a, srTarget(r), in.Reason, bad)
	})))
	s.handle("POST "+rec+"/premedications", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.PreMedicationInput, bad error) (any, error) {
		return door.RecordPreMedication(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/dose-authorisations", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.AuthorisationInput, bad error) (any, error) {
		return door.AuthoriseDose(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/doses", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.DoseInput, bad error) (any, error) {
		return door.Administer(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/alerts/{alertID}/acknowledge", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in srText, bad error) (any, error) {
		alertID := r.PathValue("alertID")
		if err := door.AcknowledgeAlert(r.Context(), a, srTarget(r), alertID, in.Action, bad); err != nil {
			return nil, err
		}
		return map[string]string{"alert_id": alertID, "action_taken": in.Action}, nil
	})))
	s.handle("POST "+rec+"/observations", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.ObservationInput, bad error) (any, error) {
		return door.AddObservation(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/interventions", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.InterventionInput, bad error) (any, error) {
		return door.AddIntervention(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/adverse-events", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in sessionrecord.AdverseEventInput, bad error) (any, error) {
		return door.AddAdverseEvent(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("PUT "+rec+"/summary", s.api(srWrite(s, http.StatusOK, func(r *http.Request, a access.Actor, in srText, bad error) (any, error) {
		return door.SaveSummary(r.Context(), a, srTarget(r), in.Text, bad)
	})))
	s.handle("POST "+rec+"/process-notes", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in srText, bad error) (any, error) {
		return door.AddProcessNote(r.Context(), a, srTarget(r), in.Text, bad)
	})))
	s.handle("GET "+rec+"/process-notes", s.api(srRead(s, func(r *http.Request, a access.Actor) (any, error) {
		return door.ProcessNotes(r.Context(), a, srTarget(r))
	})))
	s.handle("POST "+rec+"/discharge", s.api(srWrite(s, http.StatusOK, func(r *http.Request, a access.Actor, in sessionrecord.DischargeInput, bad error) (any, error) {
		return door.Discharge(r.Context(), a, srTarget(r), in, bad)
	})))
	s.handle("POST "+rec+"/sign", s.api(srWrite(s, http.StatusOK, func(r *http.Request, a access.Actor, in srSignature, bad error) (any, error) {
		return door.Sign(r.Context(), a, srTarget(r), in.Password, bad)
	})))
	s.handle("POST "+rec+"/addenda", s.api(srWrite(s, http.StatusCreated, func(r *http.Request, a access.Actor, in srSignature, bad error) (any, error) {
		return door.AddAddendum(r.Context(), a, srTarget(r), in.Text, in.Password, bad)
	})))
}

// srChecklist is a checklist save: the version it is based on (0 for the first) and the
// answers.
type srChecklist struct {
	BaseVersion int64                   `json:"base_version"`
	Checklist   dosing.PreDoseChecklist `json:"checklist"`
}

// srText carries the one text an action needs; which field depends on the action.
type srText struct {
	Text   string `json:"text,omitempty"`
	Reason string `json:"reason,omitempty"`
	Action string `json:"action,omitempty"`
}

// srSignature is a signature (and an addendum's text): the signer re-enters their password.
type srSignature struct {
	Password string `json:"password"`
	Text     string `json:"text,omitempty"`
}

// srView is a record with its timeline and chart data.
type srView struct {
	*sessionrecord.Record
	Timeline []sessionrecord.TimelineEntry `json:"timeline"`
	Chart    sessionrecord.Chart           `json:"chart"`
}

// srTarget is the record an API call names by its id.
func srTarget(r *http.Request) sessionrecord.Target {
	return sessionrecord.ByRecord(r.PathValue("id"), r.PathValue("recordID"))
}

// srWrite decodes the body of a change as T and calls the door with it; a body that cannot be
// read is handed to the door, which refuses it once access is decided. status is the route's
// answer on success.
func srWrite[T any](s *Server, status int, call func(r *http.Request, a access.Actor, in T, bad error) (any, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		var in T
		bad := Decode(r, &in)
		out, err := call(r, a, in, bad)
		s.reply(w, r, err, status, out)
	}
}

// srRead calls the door for a read, which takes no body.
func srRead(s *Server, call func(r *http.Request, a access.Actor) (any, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		out, err := call(r, a)
		s.reply(w, r, err, http.StatusOK, out)
	}
}

// apiSignDischargeException is the exception through the API: the same rule, a prescriber on
// the care team, with minutes and a reason.
func (s *Server) apiSignDischargeException(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in struct {
		MinObservationMinutes int    `json:"min_observation_minutes"`
		Reason                string `json:"reason"`
	}
	if err := Decode(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.doors.Sessions.SignException(r.Context(), a, r.PathValue("id"), in.MinObservationMinutes, in.Reason, nil)
	s.reply(w, r, err, http.StatusCreated, e)
}
