package web

import (
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/preparation"
	"holdspace/internal/store"
)

func (s *Server) routesReadiness() {
	s.handle(GateClient, "GET /portal/preparation", s.portalPreparation)
	s.handle(GateClient, "POST /portal/preparation/intentions", s.portalIntentions)
	s.handle(GateClient, "POST /portal/preparation/instructions", s.portalInstructions)
	s.handle(GateStaff, "GET /clients/{id}/readiness", s.readinessPage)
	s.handle(GateStaff, "POST /clients/{id}/preparation-sessions", s.recordPreparation)
	s.handle(GateAPI, "GET /api/v1/clients/{id}/readiness", s.api(s.apiReadiness))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/intentions", s.api(s.apiIntentions))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/preparation-sessions", s.api(s.apiRecordPreparation))
}

type portalPreparationData struct {
	Intentions   []preparation.Intention
	Instructions preparation.Instructions
	Acknowledged *time.Time
	Items        dosing.ReadinessList
}

func (s *Server) loadPortalPreparation(r *http.Request, a access.Actor) (portalPreparationData, error) {
	var d portalPreparationData
	d.Instructions = preparation.CurrentInstructions()
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "preparation", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Intentions, err = preparation.Intentions(r.Context(), tx, a.ClientID); err != nil {
			return err
		}
		if d.Acknowledged, err = preparation.Acknowledged(r.Context(), tx, a.ClientID); err != nil {
			return err
		}
		d.Items, err = readinessFor(r.Context(), tx, a.PracticeID, a.ClientID)
		return err
	})
	return d, err
}

func (s *Server) portalPreparation(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	d, err := s.loadPortalPreparation(r, sess.Actor)
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.page(w, r, "Getting ready", d)
	if len(d.Intentions) > 0 {
		p.Form.Set("text", d.Intentions[0].Text)
	}
	s.render(w, r, http.StatusOK, "portal_preparation", p)
}

// portalPreparationRefused shows the page again with what was typed.
func (s *Server) portalPreparationRefused(w http.ResponseWriter, r *http.Request, a access.Actor, form *Form, prob *preparation.Problem) {
	d, err := s.loadPortalPreparation(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	form.Fail(prob.Field, prob.Message)
	p := s.page(w, r, "Getting ready", d)
	p.Form = form
	s.render(w, r, http.StatusUnprocessableEntity, "portal_preparation", p)
}

func (s *Server) portalIntentions(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "intention", ClientID: a.ClientID, ID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		_, err := preparation.SaveIntention(r.Context(), tx, a.PracticeID, a.ClientID, "client", a.ClientID, r.PostForm.Get("text"), s.now())
		return err
	})
	var prob *preparation.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		s.portalPreparationRefused(w, r, a, form, prob)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/portal/preparation", "ok", "Your intentions are saved. Your therapist will read them before you meet.")
	}
}

func (s *Server) portalInstructions(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "instructions", ClientID: a.ClientID, ID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		return preparation.Acknowledge(r.Context(), tx, a.PracticeID, a.ClientID, r.PostForm.Get("sha256"),
			access.MetaFrom(r.Context()).Address, r.PostForm.Get("agree") == "yes", s.now())
	})
	var prob *preparation.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		s.portalPreparationRefused(w, r, a, form, prob)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/portal/preparation", "ok", "Thank you. We have noted that you have read the instructions.")
	}
}

type readinessData struct {
	Client     clinic.Client
	Items      dosing.ReadinessList
	Intentions []preparation.Intention
	Sessions   []preparation.Session
	CanRecord  bool
	Today      string
	team       []clinic.CareTeamMember
}

func onTeam(clientID, staffID string, team []clinic.CareTeamMember) bool {
	for _, m := range team {
		if m.StaffID == staffID {
			return clientID != ""
		}
	}
	return false
}

func (s *Server) loadReadiness(r *http.Request, a access.Actor, id string, zone *time.Location) (readinessData, error) {
	var d readinessData
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "readiness", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if d.Items, err = readinessFor(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if d.Intentions, err = preparation.Intentions(r.Context(), tx, id); err != nil {
			return err
		}
		if d.team, err = clinic.CareTeam(r.Context(), tx, id); err != nil {
			return err
		}
		d.Sessions, err = preparation.Sessions(r.Context(), tx, id)
		return err
	})
	d.CanRecord = err == nil && access.Decide(a, access.PreparationRecord, access.Record{PracticeID: a.PracticeID, ClientID: id,
		OnCareTeam: onTeam(d.Client.ID, a.StaffID, d.team)}).Allow
	d.Today = s.now().In(zone).Format("2006-01-02")
	return d, err
}

func (s *Server) readinessPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	d, err := s.loadReadiness(r, sess.Actor, r.PathValue("id"), sess.Zone)
	if s.readFailed(w, r, err) {
		return
	}
	p := s.page(w, r, "Readiness · "+d.Client.Name(), d)
	p.Form.Set("held_on", d.Today)
	s.render(w, r, http.StatusOK, "readiness", p)
}

func (s *Server) recordPreparation(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	err := s.recordPreparationFor(r, a, id, sess.Zone, form.Get("held_on"), form.Get("note"))
	var prob *preparation.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		d, lerr := s.loadReadiness(r, a, id, sess.Zone)
		if lerr != nil {
			s.serverError(w, r, lerr)
			return
		}
		form.Fail(prob.Field, prob.Message)
		p := s.page(w, r, "Readiness · "+d.Client.Name(), d)
		p.Form = form
		s.render(w, r, http.StatusUnprocessableEntity, "readiness", p)
	case errors.Is(err, clinic.ErrNotFound):
		s.notFoundMsg(w, r, "There is no such client in your practice.")
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/clients/"+id+"/readiness", "ok", "The preparation session is recorded.")
	}
}

// recordPreparationFor is the use case behind the page and the API: a
// therapist or prescriber with access to the chart records the session.
func (s *Server) recordPreparationFor(r *http.Request, a access.Actor, clientID string, zone *time.Location, heldOn, note string) error {
	return s.access.Do(r.Context(), a, access.PreparationRecord, access.Ref{Type: "preparation_session", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, clientID); err != nil {
			return err
		}
		_, err := preparation.RecordSession(r.Context(), tx, a.PracticeID, clientID, a.StaffID, heldOn, note, zone, s.now())
		return err
	})
}

func (s *Server) apiReadiness(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var items dosing.ReadinessList
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "readiness", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		items, err = readinessFor(r.Context(), tx, a.PracticeID, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": items.Ready(), "items": items})
}

func (s *Server) apiIntentions(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var list []preparation.Intention
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "intention", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		var err error
		list, err = preparation.Intentions(r.Context(), tx, id)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	if list == nil {
		list = []preparation.Intention{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"intentions": list})
}

func (s *Server) apiRecordPreparation(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var body struct {
		HeldOn string `json:"held_on"`
		Note   string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.apiError(w, r, a, err)
		return
	}
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	err = s.recordPreparationFor(r, a, r.PathValue("id"), zone, body.HeldOn, body.Note)
	var prob *preparation.Problem
	if errors.As(err, &prob) {
		writeProblem(w, r, http.StatusUnprocessableEntity, "Invalid input", prob.Message, map[string]string{prob.Field: prob.Message})
		return
	}
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}
