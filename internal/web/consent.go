package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/consent"
)

// routesConsent registers informed consent: the client reads and signs in
// the portal, the care team sees, countersigns and records withdrawals,
// administrators publish the documents, and a signed consent downloads as
// a PDF. Every request goes through consent.Door, which decides and
// audits it.
func (s *Server) routesConsent() {
	s.handle(GateClient, "GET /portal/consents", s.portalConsents)
	// {ref} is a version id (the page to read and sign) or a signature id
	// with ".pdf" (its PDF): a wildcard must be a whole path segment.
	s.handle(GateClient, "GET /portal/consents/{ref}", s.portalConsent)
	s.handle(GateClient, "POST /portal/consents/{versionID}", s.portalSign)
	s.handle(GateClient, "POST /portal/consents/{signatureID}/revoke", s.portalRevoke)
	s.routesConsentStaff()
	s.routesConsentAdmin()
}

// consentDoc is a client's standing with one document, with the words a
// page shows for it.
type consentDoc struct {
	consent.ClientDocument
	Label, Badge string
}

func consentDocs(docs []consent.ClientDocument, forStaff bool) []consentDoc {
	out := make([]consentDoc, len(docs))
	for i, d := range docs {
		out[i] = consentDoc{ClientDocument: d}
		switch d.Status {
		case consent.StatusCurrent:
			out[i].Label, out[i].Badge = "Signed", "ok"
		case consent.StatusReconsent:
			out[i].Label, out[i].Badge = "New version to sign", "warn"
			if forStaff {
				out[i].Label = "Needs re-consent"
			}
		case consent.StatusRevoked:
			out[i].Label, out[i].Badge = "Withdrawn", "danger"
			if forStaff {
				out[i].Label = "Revoked"
			}
		default:
			out[i].Label, out[i].Badge = "Not signed yet", "warn"
			if forStaff {
				out[i].Label = "Needs signature"
			}
			if !d.Required {
				out[i].Label, out[i].Badge = "Not signed", "muted-badge"
			}
		}
	}
	return out
}

// portalConsentsData is the client's list of documents.
type portalConsentsData struct {
	Docs    []consentDoc
	History []consent.Signature
	Current bool
}

func (s *Server) portalConsents(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	st, err := s.consentDoor().Mine(r.Context(), sess.Actor)
	if s.consentFailed(w, r, err) {
		return
	}
	d := portalConsentsData{Docs: consentDocs(st.Docs, false), History: st.History, Current: st.Current()}
	s.render(w, r, http.StatusOK, "consent_portal", s.page(w, r, "Consent documents", d))
}

// consentSignData is the page on which a client reads a version and signs.
type consentSignData struct {
	Version   consent.Version
	Blocks    []consent.Block
	LegalName string
	Status    consent.Status
	Signature *consent.Signature
	// Latest is the version to sign when this one has been replaced.
	Latest *consent.Version
	// Changed says why a signature was just refused because the text
	// changed under the signer.
	Changed string
}

func (s *Server) portalConsent(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	if id, ok := strings.CutSuffix(ref, ".pdf"); ok {
		s.portalConsentPDF(w, r, id)
		return
	}
	s.showSignPage(w, r, http.StatusOK, ref, NewForm(nil), "")
}

// showSignPage draws a version for the signed-in client to read and, if it
// is the latest published one, to sign.
func (s *Server) showSignPage(w http.ResponseWriter, r *http.Request, status int, versionID string, form *Form, changed string) {
	sess, _ := sessionFrom(r.Context())
	rd, err := s.consentDoor().Read(r.Context(), sess.Actor, versionID)
	if s.consentFailed(w, r, err) {
		return
	}
	d := consentSignData{Version: rd.Version, Blocks: rd.Blocks, LegalName: rd.LegalName, Status: rd.Status, Signature: rd.Signature,
		Latest: rd.Latest, Changed: changed}
	p := s.page(w, r, d.Version.Title, d)
	p.Form = form
	s.render(w, r, status, "consent_portal_sign", p)
}

func (s *Server) portalSign(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	versionID := r.PathValue("versionID")
	sig, err := s.consentDoor().Sign(r.Context(), a, versionID, consent.Agreement{TypedName: form.Get("name"),
		Agreed: form.Get("agree") == "yes", ShownSHA256: form.Get("sha256")})
	var changed *consent.ChangedError
	switch {
	case err == nil:
		s.redirect(w, r, "/portal/consents", "ok", "Thank you. You signed “"+sig.Title+"”, version "+strconv.Itoa(sig.VersionNumber)+
			". You can read it again or download a signed copy here at any time.")
	case errors.As(err, &changed):
		form = NewForm(nil)
		form.Set("name", r.PostForm.Get("name"))
		s.showSignPage(w, r, http.StatusConflict, changed.Latest.ID, form, changed.Message)
	case putProblems(err, form):
		s.showSignPage(w, r, http.StatusUnprocessableEntity, versionID, form, "")
	default:
		s.consentFailed(w, r, err)
	}
}

func (s *Server) portalRevoke(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	sig, err := s.consentDoor().Revoke(r.Context(), a, a.ClientID, r.PathValue("signatureID"), r.PostForm.Get("reason"), nil)
	var p *access.Problem
	switch {
	case err == nil:
		s.redirect(w, r, "/portal/consents", "info", "You withdrew “"+sig.Title+"”. It stopped applying just now, and your care team will see this in your record. You can sign it again at any time.")
	case errors.As(err, &p):
		s.redirect(w, r, "/portal/consents", "error", p.Message)
	default:
		s.consentFailed(w, r, err)
	}
}

func (s *Server) portalConsentPDF(w http.ResponseWriter, r *http.Request, signatureID string) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	pdf, err := s.consentDoor().PDF(r.Context(), a, a.ClientID, signatureID, nil)
	if s.consentFailed(w, r, err) {
		return
	}
	writePDF(w, "consent-"+signatureID+".pdf", pdf)
}

func writePDF(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// consentDoor is the door every consent page and API route goes through.
func (s *Server) consentDoor() *consent.Door {
	return s.doors.Consent
}

// consentFailed answers err, if there is one, and reports whether it did.
func (s *Server) consentFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	return s.pageFailed(w, r, err, false, "There is no such consent document or signature here.")
}

// putProblems puts err's problems beside their fields and reports whether
// err was about what was typed.
func putProblems(err error, form *Form) bool {
	var p *access.Problem
	var ps access.Problems
	switch {
	case errors.As(err, &ps):
		for _, p := range ps {
			form.Fail(p.Field, p.Message)
		}
		return true
	case errors.As(err, &p):
		form.Fail(p.Field, p.Message)
		return true
	}
	return false
}
