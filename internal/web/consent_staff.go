package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/consent"
)

func (s *Server) routesConsentStaff() {
	s.handle(GateStaff, "GET /clients/{id}/consents", s.clientConsents)
	// {file} is a signature id with ".pdf": a wildcard must be a whole
	// path segment.
	s.handle(GateStaff, "GET /clients/{id}/consents/{file}", s.clientConsentPDF)
	s.handle(GateStaff, "POST /clients/{id}/consents/{signatureID}/countersign", s.countersignConsent)
	s.handle(GateStaff, "POST /clients/{id}/consents/{signatureID}/revoke", s.recordRevocation)
}

// staffConsentsData is the care team's view of a client's consents.
type staffConsentsData struct {
	Client  clinic.Client
	Docs    []consentDoc
	History []consent.Signature
	Current bool
	Missing []string
	// CanCountersign: the viewer is on the care team, so may witness.
	CanCountersign bool
	BreakGlass     bool
	// RevokeFor is the signature whose withdrawal form was refused, to
	// open it again with what was typed.
	RevokeFor string
	// Reason is each open signature's withdrawal field, by signature id.
	Reason map[string]Field
}

func (s *Server) clientConsents(w http.ResponseWriter, r *http.Request) {
	s.showClientConsents(w, r, http.StatusOK, NewForm(nil), "")
}

func (s *Server) showClientConsents(w http.ResponseWriter, r *http.Request, status int, form *Form, revokeFor string) {
	sess, _ := sessionFrom(r.Context())
	st, err := s.consentDoor().OfClient(r.Context(), sess.Actor, r.PathValue("id"))
	if s.consentFailed(w, r, err) {
		return
	}
	d := staffConsentsData{Client: st.Client, Docs: consentDocs(st.Docs, true), History: st.History, Current: st.Current(), Missing: st.Missing,
		CanCountersign: st.CanCountersign, BreakGlass: st.BreakGlass, RevokeFor: revokeFor, Reason: map[string]Field{}}
	for _, sig := range d.History {
		fl := form.Input("reason-"+sig.ID, "How did the client withdraw, and why?", "textarea").Req().Lines(3).
			WithHint("For example: said so by phone on 3 March; wants to pause treatment.")
		fl.Name = "reason"
		d.Reason[sig.ID] = fl
	}
	p := s.page(w, r, "Consents · "+d.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "consent_staff", p)
}

func (s *Server) clientConsentPDF(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	sigID, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
	var refused error
	if !isPDF {
		refused = clinic.ErrNotFound
	}
	pdf, err := s.consentDoor().PDF(r.Context(), sess.Actor, r.PathValue("id"), sigID, refused)
	if s.consentFailed(w, r, err) {
		return
	}
	writePDF(w, "consent-"+sigID+".pdf", pdf)
}

func (s *Server) countersignConsent(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id, sigID := r.PathValue("id"), r.PathValue("signatureID")
	back := "/clients/" + id + "/consents"
	_, err := s.consentDoor().Countersign(r.Context(), sess.Actor, id, sigID)
	var p *access.Problem
	switch {
	case err == nil:
		s.redirect(w, r, back, "ok", "Countersigned as witness.")
	case errors.As(err, &p):
		s.redirect(w, r, back, "error", p.Message)
	default:
		s.consentFailed(w, r, err)
	}
}

func (s *Server) recordRevocation(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id, sigID := r.PathValue("id"), r.PathValue("signatureID")
	sig, err := s.consentDoor().Revoke(r.Context(), a, id, sigID, form.Get("reason"), nil)
	back := "/clients/" + id + "/consents"
	var p *access.Problem
	switch {
	case err == nil:
		s.redirect(w, r, back, "warn", "The withdrawal of "+sig.Label()+" is recorded and took effect now.")
	case errors.As(err, &p) && p.Field == "reason":
		// Each signature has its own withdrawal form; the field is named
		// for the signature so the message sits beside the right one.
		f := NewForm(url.Values{"reason-" + sigID: {form.Get("reason")}})
		f.Fail("reason-"+sigID, p.Message)
		s.showClientConsents(w, r, http.StatusUnprocessableEntity, f, sigID)
	case errors.As(err, &p):
		s.redirect(w, r, back, "error", p.Message)
	default:
		s.consentFailed(w, r, err)
	}
}
