package web

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/store"
)

// The JSON API of the live dosing-session record (KAP.md §1), one endpoint per action, under
// the same access as the pages: reading is ClientRead, recording SessionRecordWrite (pre-medication
// given included), the hold override and a dose authorisation beyond the plan HoldOverride, signing and addenda SessionRecordSign (with the signer's password in
// the body), process notes ProcessNoteRead/ProcessNoteWrite. Refusals are problem details
// with field errors; a refused dose or discharge carries the rule's numbers.
func (s *Server) routesSessionRecordAPI() {
	rec := "/api/v1/clients/{id}/session-records/{recordID}"
	booking := "/api/v1/clients/{id}/course-sessions/{sessionID}"
	s.handle(GateAPI, "GET "+booking+"/gate", s.api(s.apiSessionGate))
	s.handle(GateAPI, "POST "+booking+"/record", s.api(s.apiStartSession))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/session-records", s.api(s.apiSessionRecords))
	s.handle(GateAPI, "GET "+rec, s.api(s.apiSessionRecord))
	s.handle(GateAPI, "GET "+rec+"/version", s.api(s.apiSessionVersion))
	s.handle(GateAPI, "PUT "+rec+"/checklist", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in srChecklist) (any, error) {
		return sessionrecord.SaveChecklist(c.ctx(), c.tx, c.client, c.record, in.BaseVersion, in.Checklist, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/readings", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.ReadingInput) (any, error) {
		return sessionrecord.AddReading(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/hold-override", s.api(srAPI(s, access.HoldOverride, func(c srCall, in srText) (any, error) {
		return sessionrecord.OverrideHold(c.ctx(), c.tx, c.client, c.record, in.Reason, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/premedications", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.PreMedicationInput) (any, error) {
		return sessionrecord.RecordPreMedication(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/dose-authorisations", s.api(srAPI(s, access.HoldOverride, func(c srCall, in sessionrecord.AuthorisationInput) (any, error) {
		return sessionrecord.AuthoriseDose(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/doses", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.DoseInput) (any, error) {
		return sessionrecord.Administer(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/alerts/{alertID}/acknowledge", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in srText) (any, error) {
		if err := sessionrecord.AcknowledgeAlert(c.ctx(), c.tx, c.client, c.record, c.r.PathValue("alertID"), in.Action, c.a.StaffID, c.now); err != nil {
			return nil, err
		}
		return map[string]string{"alert_id": c.r.PathValue("alertID"), "action_taken": in.Action}, nil
	})))
	s.handle(GateAPI, "POST "+rec+"/observations", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.ObservationInput) (any, error) {
		return sessionrecord.AddObservation(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/interventions", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.InterventionInput) (any, error) {
		return sessionrecord.AddIntervention(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/adverse-events", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.AdverseEventInput) (any, error) {
		return sessionrecord.AddAdverseEvent(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "PUT "+rec+"/summary", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in srText) (any, error) {
		return sessionrecord.SaveSummary(c.ctx(), c.tx, c.client, c.record, in.Text, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/process-notes", s.api(srAPI(s, access.ProcessNoteWrite, func(c srCall, in srText) (any, error) {
		return sessionrecord.AddProcessNote(c.ctx(), c.tx, s.access.Keys, c.client, c.record, in.Text, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "GET "+rec+"/process-notes", s.api(srAPI(s, access.ProcessNoteRead, func(c srCall, _ srNoBody) (any, error) {
		return sessionrecord.ProcessNotes(c.ctx(), c.tx, s.access.Keys, c.client, c.record, c.a.StaffID)
	})))
	s.handle(GateAPI, "POST "+rec+"/discharge", s.api(srAPI(s, access.SessionRecordWrite, func(c srCall, in sessionrecord.DischargeInput) (any, error) {
		return sessionrecord.Discharge(c.ctx(), c.tx, c.client, c.record, in, c.a.StaffID, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/sign", s.api(srAPI(s, access.SessionRecordSign, func(c srCall, in srSignature) (any, error) {
		signer, err := s.sessionSigner(c, in.Password)
		if err != nil {
			return nil, err
		}
		return sessionrecord.Sign(c.ctx(), c.tx, c.client, c.record, signer, c.now)
	})))
	s.handle(GateAPI, "POST "+rec+"/addenda", s.api(srAPI(s, access.SessionRecordSign, func(c srCall, in srSignature) (any, error) {
		signer, err := s.sessionSigner(c, in.Password)
		if err != nil {
			return nil, err
		}
		return sessionrecord.AddAddendum(c.ctx(), c.tx, c.client, c.record, in.Text, signer, c.now)
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

// srNoBody marks an endpoint that reads no request body.
type srNoBody struct{}

// srCall is one authorised call on a record, inside its transaction.
type srCall struct {
	r              *http.Request
	tx             *store.Tx
	a              access.Actor
	client, record string
	now            time.Time
	// wrongPassword is set when a signature's password was refused, to be put on the trail
	// after the transaction rolls back.
	wrongPassword *bool
}

func (c srCall) ctx() context.Context { return c.r.Context() }

// srAPI runs fn on one record under act: the body decoded (empty or {} when T is srNoBody), access
// decided and audited, the answer written as JSON (201 for a POST that adds an entry) or as a
// problem.
func srAPI[T any](s *Server, act access.Action, fn func(c srCall, in T) (any, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		client, record := r.PathValue("id"), r.PathValue("recordID")
		var in T
		var bad error
		switch {
		case reflect.TypeOf(in) != reflect.TypeOf(srNoBody{}):
			bad = decodeJSON(r, &in)
		case r.Method != http.MethodGet:
			// An action without input still refuses a body that says
			// something: only nothing or {} is accepted.
			bad = decodeOptionalJSON(r, &in)
		}
		zone, err := s.practiceZone(r, a.PracticeID)
		if err != nil {
			s.apiError(w, r, a, err)
			return
		}
		ref := access.Ref{Type: "session_record", ID: record, ClientID: client}
		if act == access.ProcessNoteRead {
			ref.AuthorStaffID = a.StaffID
		}
		var out any
		wrongPassword := false
		err = s.access.Do(r.Context(), a, act, ref, func(tx *store.Tx, _ access.Decision) error {
			if bad != nil {
				return bad
			}
			if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, client); err != nil {
				return err
			}
			var err error
			out, err = fn(srCall{r: r, tx: tx, a: a, client: client, record: record, now: s.now().In(zone), wrongPassword: &wrongPassword}, in)
			return err
		})
		if wrongPassword {
			s.sessionSignatureRefused(r.Context(), a, record, client)
		}
		if err != nil {
			s.sessionRecordError(w, r, a, err)
			return
		}
		status := http.StatusOK
		if r.Method == http.MethodPost && !srNoCreate(r) {
			status = http.StatusCreated
		}
		writeJSON(w, status, out)
	}
}

func srNoCreate(r *http.Request) bool {
	return r.Pattern == "POST /api/v1/clients/{id}/session-records/{recordID}/discharge" ||
		r.Pattern == "POST /api/v1/clients/{id}/session-records/{recordID}/sign"
}

// sessionRecordError answers a refusal of the session record: its reason,
// field errors and numbers travel in the fault (sessionrecord.Refused).
func (s *Server) sessionRecordError(w http.ResponseWriter, r *http.Request, a access.Actor, err error) {
	s.apiError(w, r, a, err)
}

// sessionSigner confirms the signer by their password (as an evaluation is signed) and
// returns their printed name. A wrong password is a field error and goes on the trail.
func (s *Server) sessionSigner(c srCall, password string) (prescribing.Signer, error) {
	// An unknown record is not found before the password is asked about.
	if _, err := sessionrecord.ChangedFor(c.ctx(), c.tx, c.client, c.record); err != nil {
		return prescribing.Signer{}, err
	}
	signer, err := prescribing.LoadSigner(c.ctx(), c.tx, c.a.PracticeID, c.a.StaffID)
	if err != nil {
		return signer, err
	}
	var ps access.Problems
	err = s.checkSignature(c.ctx(), c.tx, c.a, password, &ps)
	if errors.Is(err, errWrongPassword) {
		*c.wrongPassword = true
	} else if err != nil {
		return signer, err
	}
	if len(ps) > 0 {
		return signer, ps
	}
	return signer, nil
}

// sessionSignatureRefused puts a signature refused for its password on the trail once the
// refused transaction is over.
func (s *Server) sessionSignatureRefused(ctx context.Context, a access.Actor, recordID, clientID string) {
	err := s.access.RecordDenial(ctx, a, &access.Denied{Action: access.SessionRecordSign, Reason: errWrongPassword.Error(),
		Record: access.Record{Type: "session_record", ID: recordID, PracticeID: a.PracticeID, ClientID: clientID}})
	if err != nil {
		s.log.Error("recording a refused signature", "err", err)
	}
	if err := s.access.PasswordRefused(ctx, a); err != nil {
		s.log.Error("counting a refused signature password", "err", err)
	}
}

// srView is a record with its timeline and chart data.
type srView struct {
	*sessionrecord.Record
	Timeline []sessionrecord.TimelineEntry `json:"timeline"`
	Chart    sessionrecord.Chart           `json:"chart"`
}

func (s *Server) apiSessionRecord(w http.ResponseWriter, r *http.Request, a access.Actor) {
	srAPI(s, access.ClientRead, func(c srCall, _ srNoBody) (any, error) {
		rec, err := sessionrecord.Load(c.ctx(), c.tx, c.client, c.record, sessionrecord.View{StaffID: c.a.StaffID, Now: c.now})
		if err != nil {
			return nil, err
		}
		return srView{Record: rec, Timeline: rec.Timeline(), Chart: rec.Chart(c.now)}, nil
	})(w, r, a)
}

func (s *Server) apiSessionVersion(w http.ResponseWriter, r *http.Request, a access.Actor) {
	srAPI(s, access.ClientRead, func(c srCall, _ srNoBody) (any, error) {
		v, err := sessionrecord.ChangedFor(c.ctx(), c.tx, c.client, c.record)
		return map[string]int64{"version": v}, err
	})(w, r, a)
}

func (s *Server) apiSessionRecords(w http.ResponseWriter, r *http.Request, a access.Actor) {
	srAPI(s, access.ClientRead, func(c srCall, _ srNoBody) (any, error) {
		return sessionrecord.List(c.ctx(), c.tx, c.client)
	})(w, r, a)
}

func (s *Server) apiSessionGate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	srAPI(s, access.ClientRead, func(c srCall, _ srNoBody) (any, error) {
		refusals, err := sessionrecord.StartCheck(c.ctx(), c.tx, c.client, c.r.PathValue("sessionID"), c.now)
		if refusals == nil {
			refusals = []dosing.Refusal{}
		}
		return map[string]any{"allowed": len(refusals) == 0, "refusals": refusals}, err
	})(w, r, a)
}

func (s *Server) apiStartSession(w http.ResponseWriter, r *http.Request, a access.Actor) {
	srAPI(s, access.SessionRecordWrite, func(c srCall, _ srNoBody) (any, error) {
		return sessionrecord.Start(c.ctx(), c.tx, c.client, c.r.PathValue("sessionID"), c.a.StaffID, c.now)
	})(w, r, a)
}
