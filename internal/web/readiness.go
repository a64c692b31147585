package web

import (
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/preparation"
	"holdspace/internal/readiness"
)

func (s *Server) routesReadiness() {
	s.handle(GateClient, "GET /portal/preparation", s.portalPreparation)
	s.handle(GateClient, "POST /portal/preparation/intentions", s.portalIntentions)
	s.handle(GateClient, "POST /portal/preparation/instructions", s.portalInstructions)
	s.handle(GateStaff, "GET /clients/{id}/readiness", s.readinessPage)
	s.handle(GateStaff, "POST /clients/{id}/preparation-sessions", s.recordPreparation)
}

type portalPreparationData = readiness.Preparation

// readinessDoor is preparation's front door on the server's clock.
func (s *Server) readinessDoor() *readiness.Door {
	return s.doors.Readiness
}

func (s *Server) loadPortalPreparation(r *http.Request, a access.Actor) (portalPreparationData, error) {
	return s.readinessDoor().Preparation(r.Context(), a)
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

// portalPreparationSaved answers a form of the portal's preparation page
// once its save returned err: the page again with the problem beside its
// field, or back to the page with done.
func (s *Server) portalPreparationSaved(w http.ResponseWriter, r *http.Request, a access.Actor, form *Form, err error, done string) {
	var prob *preparation.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		s.portalPreparationRefused(w, r, a, form, prob)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/portal/preparation", "ok", done)
	}
}

func (s *Server) portalIntentions(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	err := s.readinessDoor().SaveIntention(r.Context(), a, r.PostForm.Get("text"))
	s.portalPreparationSaved(w, r, a, form, err, "Your intentions are saved. Your therapist will read them before you meet.")
}

func (s *Server) portalInstructions(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	err := s.readinessDoor().AcknowledgeInstructions(r.Context(), a, r.PostForm.Get("sha256"), access.MetaFrom(r.Context()).Address, r.PostForm.Get("agree") == "yes")
	s.portalPreparationSaved(w, r, a, form, err, "Thank you. We have noted that you have read the instructions.")
}

type readinessData struct {
	Client     clinic.Client
	Items      dosing.ReadinessList
	Intentions []preparation.Intention
	Sessions   []preparation.Session
	CanRecord  bool
	Today      string
}

func (s *Server) loadReadiness(r *http.Request, a access.Actor, id string, zone *time.Location) (readinessData, error) {
	v, err := s.readinessDoor().View(r.Context(), a, id)
	return readinessData{Client: v.Client, Items: v.Items, Intentions: v.Intentions, Sessions: v.Sessions, CanRecord: v.CanRecord,
		Today: s.now().In(zone).Format("2006-01-02")}, err
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

// recordPreparationFor is the use case behind the page and the API.
func (s *Server) recordPreparationFor(r *http.Request, a access.Actor, clientID string, zone *time.Location, heldOn, note string) error {
	return s.readinessDoor().RecordSession(r.Context(), a, clientID, zone, heldOn, note)
}
