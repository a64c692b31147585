package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/consent"
	"holdspace/internal/store"
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
	a := sess.Actor
	id := r.PathValue("id")
	d := staffConsentsData{RevokeFor: revokeFor}
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "consent", ClientID: id}, func(tx *store.Tx, dec access.Decision) error {
		var err error
		if d.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if err := consent.EnsureDefaults(r.Context(), tx, a.PracticeID, s.now()); err != nil {
			return err
		}
		docs, err := consent.ClientStatus(r.Context(), tx, a.PracticeID, id)
		if err != nil {
			return err
		}
		d.Docs, d.Missing = consentDocs(docs, true), consent.Missing(docs)
		d.Current = len(d.Missing) == 0
		if d.History, err = consent.History(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		d.Reason = map[string]Field{}
		for _, sig := range d.History {
			fl := form.Input("reason-"+sig.ID, "How did the client withdraw, and why?", "textarea").Req().Lines(3).
				WithHint("For example: said so by phone on 3 March; wants to pause treatment.")
			fl.Name = "reason"
			d.Reason[sig.ID] = fl
		}
		d.BreakGlass = dec.ViaBreakGlass
		d.CanCountersign, err = clinic.OnCareTeam(r.Context(), tx, id, a.StaffID)
		return err
	})
	if s.consentFailed(w, r, err) {
		return
	}
	p := s.page(w, r, "Consents · "+d.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "consent_staff", p)
}

func (s *Server) clientConsentPDF(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	sigID, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
	var pdf bytes.Buffer
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "consent_signature", ID: sigID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if !isPDF {
			return clinic.ErrNotFound
		}
		return s.consentPDF(r.Context(), tx, a, sess, id, sigID, &pdf)
	})
	if s.consentFailed(w, r, err) {
		return
	}
	writePDF(w, "consent-"+sigID+".pdf", pdf.Bytes())
}

func (s *Server) countersignConsent(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id, sigID := r.PathValue("id"), r.PathValue("signatureID")
	back := "/clients/" + id + "/consents"
	err := s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "consent_signature", ID: sigID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		sig, err := consent.Countersign(r.Context(), tx, a.PracticeID, id, sigID, a.StaffID, s.now())
		if errors.Is(err, consent.ErrNotCareTeam) {
			// Administrators may update a chart but are not witnesses;
			// the refusal goes on the trail like any other.
			return &access.Denied{Action: access.ClientUpdate, Reason: consent.ErrNotCareTeam.Error(),
				Record: access.Record{Type: "consent_signature", ID: sigID, PracticeID: a.PracticeID, ClientID: id}}
		}
		if err != nil {
			return err
		}
		return s.consentAudit(r.Context(), tx, a, "consent.countersign", "consent_signature", sigID, id, "witness of "+sig.Label())
	})
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
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	id, sigID := r.PathValue("id"), r.PathValue("signatureID")
	meta := access.MetaFrom(r.Context())
	var sig consent.Signature
	err := s.access.Do(r.Context(), a, access.ClientUpdate, access.Ref{Type: "consent_signature", ID: sigID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		sig, err = consent.Revoke(r.Context(), tx, a.PracticeID, id, sigID, consent.RevokeInput{StaffID: a.StaffID, Reason: form.Get("reason"),
			At: s.now(), Address: meta.Address, UserAgent: meta.UserAgent})
		if err != nil {
			return err
		}
		return s.consentAudit(r.Context(), tx, a, "consent.revoke", "consent_signature", sigID, id, "withdrawal recorded by staff")
	})
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
