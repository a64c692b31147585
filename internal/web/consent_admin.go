package web

import (
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/consent"
)

func (s *Server) routesConsentAdmin() {
	s.handle(GateStaff, "GET /admin/consents", s.adminConsents)
	s.handle(GateStaff, "GET /admin/consents/new", s.adminConsentNew)
	s.handle(GateStaff, "POST /admin/consents/new", s.adminConsentDraft)
	s.handle(GateStaff, "GET /admin/consents/{versionID}", s.adminConsentVersion)
	s.handle(GateStaff, "POST /admin/consents/{versionID}/publish", s.adminConsentPublish)
}

// consentTabs are the administration tabs with consent documents among
// them.
func consentTabs(path string) adminTabs {
	t := tabsFor(path)
	for _, tab := range t.Tabs {
		if tab.Href == "/admin/consents" {
			return t
		}
	}
	t.Tabs = append(t.Tabs, NavItem{Label: "Consent documents", Href: "/admin/consents",
		Current: path == "/admin/consents" || strings.HasPrefix(path, "/admin/consents/")})
	return t
}

// adminConsentsData lists the practice's documents and their versions.
type adminConsentsData struct {
	adminTabs
	Documents []consent.Document
}

func (s *Server) adminConsents(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	docs, err := s.consentDoor().Documents(r.Context(), sess.Actor)
	if s.consentFailed(w, r, err) {
		return
	}
	d := adminConsentsData{adminTabs: consentTabs(r.URL.Path), Documents: docs}
	s.render(w, r, http.StatusOK, "consent_admin", s.page(w, r, "Consent documents", d))
}

// consentDraftData is the form for a new version.
type consentDraftData struct {
	adminTabs
	Kind Field
	// From is the version the text was started from, if any.
	From string
}

func kindOptions() []string {
	var out []string
	for _, k := range consent.Kinds {
		out = append(out, string(k), k.Label())
	}
	return out
}

func (s *Server) adminConsentNew(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	start, err := s.consentDoor().StartDraft(r.Context(), sess.Actor, consent.Kind(r.URL.Query().Get("kind")))
	if s.consentFailed(w, r, err) {
		return
	}
	form := NewForm(nil)
	form.Set("kind", string(start.Kind))
	from := ""
	if v := start.From; v != nil {
		// A new version starts from the one in force.
		form.Set("title", v.Title)
		form.Set("text", v.Body)
		if v.Required {
			form.Set("required", "yes")
		}
		from = v.Label()
	}
	s.renderConsentDraft(w, r, http.StatusOK, form, from)
}

func (s *Server) renderConsentDraft(w http.ResponseWriter, r *http.Request, status int, form *Form, from string) {
	d := consentDraftData{adminTabs: consentTabs(r.URL.Path), From: from,
		Kind: form.Select("kind", "Document", kindOptions()...).Req()}
	p := s.page(w, r, "Draft a consent document", d)
	p.Form = form
	s.render(w, r, status, "consent_admin_new", p)
}

func (s *Server) adminConsentDraft(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	v, err := s.consentDoor().Draft(r.Context(), a, consent.DraftInput{Kind: consent.Kind(form.Get("kind")),
		Title: form.Get("title"), Body: r.PostForm.Get("text"), Required: form.Get("required") == "yes", Note: form.Get("note")})
	switch {
	case err == nil:
		s.redirect(w, r, "/admin/consents/"+v.ID, "ok", "The draft is saved. Read it through as clients will see it, then publish it.")
	case putProblems(err, form):
		s.renderConsentDraft(w, r, http.StatusUnprocessableEntity, form, "")
	default:
		s.consentFailed(w, r, err)
	}
}

// consentVersionData is the preview of one version.
type consentVersionData struct {
	adminTabs
	Version consent.Version
	Blocks  []consent.Block
	// Latest is the version in force for this document, if another.
	Latest *consent.Version
	// Asked is how many clients publishing this draft would ask to sign
	// again.
	Asked int
	// Next is the number publishing a draft gives it.
	Next int
}

func (s *Server) adminConsentVersion(w http.ResponseWriter, r *http.Request) {
	s.showConsentVersion(w, r, http.StatusOK, NewForm(nil))
}

func (s *Server) showConsentVersion(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	pv, err := s.consentDoor().Preview(r.Context(), sess.Actor, r.PathValue("versionID"))
	if s.consentFailed(w, r, err) {
		return
	}
	d := consentVersionData{adminTabs: consentTabs(r.URL.Path), Version: pv.Version, Blocks: pv.Blocks, Latest: pv.Latest, Asked: pv.Asked, Next: pv.Next}
	p := s.page(w, r, d.Version.Label(), d)
	p.Form = form
	s.render(w, r, status, "consent_admin_version", p)
}

func (s *Server) adminConsentPublish(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	pub, err := s.consentDoor().Publish(r.Context(), sess.Actor, r.PathValue("versionID"))
	v, asked := pub.Version, pub.Asked
	form := NewForm(nil)
	switch {
	case err == nil:
		msg := v.Label() + " is published; clients now sign this version."
		if asked > 0 {
			msg += " " + strconv.Itoa(asked) + " client" + plural(asked) + " who signed an earlier version will be asked to sign again."
		}
		s.redirect(w, r, "/admin/consents/"+v.ID, "ok", msg)
	case putProblems(err, form):
		s.showConsentVersion(w, r, http.StatusUnprocessableEntity, form)
	default:
		s.consentFailed(w, r, err)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
