package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/fault"
)

// routesAdmin registers the practice administration pages. The gate lets
// only staff through; whether this staff member may run the practice is
// decided inside each use case by access.Service.Do, so a refusal is on
// the trail like any other access.
func (s *Server) routesAdmin() {
	s.handle(GateStaff, "GET /admin/staff", s.staffList)
	s.handle(GateStaff, "GET /admin/staff/new", s.staffNewPage)
	s.handle(GateStaff, "POST /admin/staff/new", s.staffAdd)
	s.handle(GateStaff, "GET /admin/staff/{id}", s.staffPage)
	s.handle(GateStaff, "POST /admin/staff/{id}", s.staffRoles)
	s.handle(GateStaff, "POST /admin/staff/{id}/invite", s.staffInvite)
	s.handle(GateStaff, "POST /admin/staff/{id}/clinical-lead", s.staffClinicalLead)
	s.handle(GateStaff, "GET /admin/settings", s.settingsPage)
	s.handle(GateStaff, "POST /admin/settings", s.saveSettings)
	s.handle(GateStaff, "GET /admin/api-tokens", s.tokensPage)
	s.handle(GateStaff, "POST /admin/api-tokens", s.createToken)
	s.handle(GateStaff, "POST /admin/api-tokens/{id}/revoke", s.revokeToken)
	s.handle(GateStaff, "GET /admin/audit", s.auditPage)
	s.handle(GateStaff, "GET /admin/audit.csv", s.auditCSV)
}

// adminTabs is the navigation between the administration pages.
type adminTabs struct{ Tabs []NavItem }

func tabsFor(path string) adminTabs {
	items := []NavItem{{Label: "Staff", Href: "/admin/staff"}, {Label: "Access settings", Href: "/admin/settings"},
		{Label: "API tokens", Href: "/admin/api-tokens"}, {Label: "Audit trail", Href: "/admin/audit"},
		{Label: "Public page", Href: "/admin/practice-page"}, {Label: "Consent documents", Href: "/admin/consents"},
		{Label: "Rooms", Href: "/admin/rooms"}, {Label: "Scheduling", Href: "/admin/schedule-settings"},
		{Label: "Medicine settings", Href: "/admin/medicine-settings"}, {Label: "Reminders", Href: "/admin/reminders"},
		{Label: "Import clients", Href: "/client-imports"}}
	for i := range items {
		items[i].Current = path == items[i].Href || strings.HasPrefix(path, items[i].Href+"/")
	}
	return adminTabs{items}
}

// choice is one checkbox of a group, checked as typed or as stored.
type choice struct {
	Value, Label, Hint string
	Checked            bool
}

var roleHints = map[access.Role]string{
	access.Owner:      "Everything an administrator may do. A practice always keeps at least one owner.",
	access.Admin:      "Manages staff, settings, API tokens and the audit trail, and may open every chart.",
	access.Prescriber: "Prescribes and doses for the clients whose care team they are on.",
	access.Therapist:  "Sees and writes the charts of the clients whose care team they are on.",
	access.Monitor:    "Watches dosing sessions for the clients whose care team they are on.",
	access.FrontDesk:  "Books appointments, works the inquiry queue, adds clients and keeps their contact details; opens no chart.",
}

func roleChoices(checked []string) []choice {
	return choicesOf(access.StaffRoles, roleLabel, roleHints, checked)
}

// choicesOf is a box for each of values, ticked where checked names it.
func choicesOf[T ~string](values []T, label func(T) string, hints map[T]string, checked []string) []choice {
	out := make([]choice, 0, len(values))
	for _, v := range values {
		out = append(out, choice{Value: string(v), Label: label(v), Hint: hints[v], Checked: slices.Contains(checked, string(v))})
	}
	return out
}

func roleLabel(r access.Role) string {
	switch r {
	case access.Admin:
		return "Administrator"
	case access.FrontDesk:
		return "Front desk"
	}
	s := string(r)
	return strings.ToUpper(s[:1]) + s[1:]
}

func rolesFrom(values []string) []access.Role {
	out := make([]access.Role, 0, len(values))
	for _, v := range values {
		out = append(out, access.Role(v))
	}
	return out
}

var scopeHints = map[access.Scope]string{
	access.ScopeClientsRead:  "Read client lists and records.",
	access.ScopeClientsWrite: "Add and change client records.",
	access.ScopeAuditRead:    "Read and export the audit trail.",
}

func scopeChoices(checked []string) []choice {
	return choicesOf(access.Scopes, func(sc access.Scope) string { return string(sc) }, scopeHints, checked)
}

// failed answers err unless it is about what was typed: a refusal as 403
// with its reason, anything else as a server error. It returns false when
// err's problems were put on form, for the caller to show the form again.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error, form *Form) bool {
	if f := fault.Of(err); f != nil && len(f.Fields) > 0 {
		for _, p := range f.Fields {
			form.Fail(p.Name, p.Message)
		}
		return false
	}
	return s.pageFailed(w, r, err, false, "")
}

// reasonSentence makes a decision's reason ("only the practice's owner or
// administrators may do this") into a sentence for the person.
func reasonSentence(reason string) string {
	first, size := utf8.DecodeRuneInString(reason)
	if size == 0 {
		return "You may not do this."
	}
	return string(unicode.ToUpper(first)) + reason[size:] + "."
}

// may asks access whether the actor may do act, for pages that only show
// a form; the question is on the trail like every other.
func (s *Server) may(ctx context.Context, a access.Actor, act access.Action, ref access.Ref) error {
	return s.access.May(ctx, a, act, ref)
}

// staffMember is one row of the staff list; the methods word it for the
// pages.
type staffMember access.StaffMember

// RoleList names the roles for a table cell.
func (m staffMember) RoleList() string {
	names := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		names[i] = roleLabel(r)
	}
	return strings.Join(names, ", ")
}

// RoleValues are the roles as form values.
func (m staffMember) RoleValues() []string {
	out := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		out[i] = string(r)
	}
	return out
}

// staffListData is what the staff list shows.
type staffListData struct {
	adminTabs
	Staff []staffMember
}

// staffNewData is what the form for a new staff member shows.
type staffNewData struct {
	adminTabs
	Roles []choice
}

func (s *Server) staffList(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	list, err := s.access.Staff(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	staff := make([]staffMember, len(list))
	for i, m := range list {
		staff[i] = staffMember(m)
	}
	s.render(w, r, http.StatusOK, "admin_staff", s.page(w, r, "Staff", staffListData{tabsFor(r.URL.Path), staff}))
}

func (s *Server) staffNewPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if err := s.may(r.Context(), sess.Actor, access.StaffManage, access.Ref{Type: "staff"}); err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	s.renderStaffNew(w, r, http.StatusOK, NewForm(nil))
}

func (s *Server) renderStaffNew(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	p := s.page(w, r, "Add a staff member", staffNewData{tabsFor(r.URL.Path), roleChoices(form.Values["roles"])})
	p.Form = form
	s.render(w, r, status, "admin_staff_new", p)
}

func (s *Server) staffAdd(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	in := access.StaffInput{Name: form.Get("name"), Email: form.Get("email"), Credentials: form.Get("credentials"),
		Licence: form.Get("licence"), NPI: form.Get("npi"), DEA: form.Get("dea"), Roles: rolesFrom(r.PostForm["roles"])}
	id, err := s.access.AddStaff(r.Context(), a, in)
	if err == nil {
		s.redirect(w, r, "/admin/staff/"+id, "ok", in.Name+" is added. An invitation to choose a password is on its way to "+
			access.NormaliseEmail(in.Email)+"; the link works for 7 days.")
		return
	}
	if s.failed(w, r, err, form) {
		return
	}
	// AddStaff checks the input before it asks access; the form is shown
	// again only to someone who may use it.
	if err := s.may(r.Context(), a, access.StaffManage, access.Ref{Type: "staff"}); err != nil && s.failed(w, r, err, form) {
		return
	}
	s.renderStaffNew(w, r, http.StatusUnprocessableEntity, form)
}

// staffDetail is what the page of one staff member shows.
type staffDetail struct {
	adminTabs
	Member staffMember
	Roles  []choice
	Self   bool
}

// showStaff draws one staff member's page; the roles form shows form's
// values when it has any (a refused change), else the stored roles.
func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	got, err := s.access.StaffMember(r.Context(), sess.Actor, id)
	if f := fault.Of(err); f != nil && f.Code == fault.NotFound && !errors.Is(err, access.ErrDenied) {
		s.notFoundMsg(w, r, f.Message)
		return
	}
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	m := staffMember(got)
	checked := m.RoleValues()
	if form.HasErrors() && form.Errors["invite"] == "" {
		checked = form.Values["roles"]
	}
	p := s.page(w, r, m.Name, staffDetail{tabsFor(r.URL.Path), m, roleChoices(checked), m.ID == sess.Actor.StaffID})
	p.Form = form
	s.render(w, r, status, "admin_staff_detail", p)
}

func (s *Server) staffPage(w http.ResponseWriter, r *http.Request) {
	s.showStaff(w, r, http.StatusOK, NewForm(nil))
}

func (s *Server) staffRoles(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	roles := rolesFrom(r.PostForm["roles"])
	err := s.access.SetRoles(r.Context(), a, id, roles)
	if err == nil {
		if id == a.StaffID && !slices.Contains(roles, access.Owner) && !slices.Contains(roles, access.Admin) {
			// They gave up running the practice: this page is no longer theirs.
			s.redirect(w, r, "/", "ok", "Your roles are changed. You no longer manage the practice.")
			return
		}
		s.redirect(w, r, "/admin/staff/"+id, "ok", "The roles are saved.")
		return
	}
	s.staffRefused(w, r, err, form)
}

// staffRefused answers a change to a staff member that err refused: as
// failed does, else not found for a staff member the practice does not
// have, else the staff member's page again with the form's problems.
func (s *Server) staffRefused(w http.ResponseWriter, r *http.Request, err error, form *Form) {
	if s.failed(w, r, err, form) {
		return
	}
	if _, ok := form.Errors["staff"]; ok {
		s.notFoundMsg(w, r, "There is no such staff member in this practice.")
		return
	}
	s.showStaff(w, r, http.StatusUnprocessableEntity, form)
}

// staffClinicalLead names a staff member clinical lead of the practice, or stops.
func (s *Server) staffClinicalLead(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	id := r.PathValue("id")
	lead := r.PostForm.Get("clinical_lead") != ""
	err := s.access.SetClinicalLead(r.Context(), sess.Actor, id, lead)
	if err == nil {
		msg := "They are no longer clinical lead."
		if lead {
			msg = "They are named clinical lead: they may change the medicine settings."
		}
		s.redirect(w, r, "/admin/staff/"+id+"#clinical-lead", "ok", msg)
		return
	}
	form := NewForm(r.PostForm)
	if s.failed(w, r, err, form) {
		return
	}
	s.notFoundMsg(w, r, "There is no such staff member in this practice.")
}

// staffInvite emails a new invitation to a staff member who has not yet
// chosen a password; the new link retires the earlier ones.
func (s *Server) staffInvite(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	email, err := s.access.ResendInvitation(r.Context(), sess.Actor, id)
	if err == nil {
		s.redirect(w, r, "/admin/staff/"+id, "ok", "A new invitation is on its way to "+email+". Earlier links no longer work.")
		return
	}
	form := NewForm(nil)
	s.staffRefused(w, r, err, form)
}

// clientMFAOptions are the client second-step policies, value and label.
var clientMFAOptions = []string{
	"optional", "Optional: each client may set up a second step",
	"totp_or_email", "Required: client chooses app or email",
	"totp", "Required: authenticator app",
	"email", "Required: a code by email",
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	st, err := s.access.LoadSettings(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	form := NewForm(nil)
	form.Set("idle", strconv.Itoa(st.StaffIdleMinutes))
	if st.StaffMFARequired {
		form.Set("staff_mfa", "on")
	}
	form.Set("client_mfa", st.ClientMFAPolicy)
	s.renderSettings(w, r, http.StatusOK, form)
}

// settingsData is what the settings page shows beside its form.
type settingsData struct {
	adminTabs
	ClientMFA Field
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	p := s.page(w, r, "Access settings", settingsData{tabsFor(r.URL.Path), form.Select("client_mfa", "Second step for clients", clientMFAOptions...).
		WithHint("Clients who already use a second step keep it whatever this says.")})
	p.Form = form
	s.render(w, r, status, "admin_settings", p)
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	// A number that does not parse is 0, which SaveSettings refuses with
	// the range to use.
	idle, _ := strconv.Atoi(form.Get("idle"))
	err := s.access.SaveSettings(r.Context(), a, access.Settings{
		StaffIdleMinutes: idle, StaffMFARequired: form.Get("staff_mfa") != "", ClientMFAPolicy: form.Get("client_mfa")})
	if err == nil {
		s.redirect(w, r, "/admin/settings", "ok", "The access settings are saved. They apply from each person's next request.")
		return
	}
	if s.failed(w, r, err, form) {
		return
	}
	// SaveSettings checks the input before it asks access; the form is
	// shown again only to someone who may use it.
	if err := s.may(r.Context(), a, access.SettingsManage, access.Ref{Type: "practice", ID: a.PracticeID}); err != nil && s.failed(w, r, err, form) {
		return
	}
	s.renderSettings(w, r, http.StatusUnprocessableEntity, form)
}

// tokensData is what the API tokens page shows; NewToken is set only on
// the response that made it, the one time its secret is seen.
type tokensData struct {
	adminTabs
	Tokens       []access.APIToken
	Scopes       []choice
	NewToken     string
	NewTokenName string
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.showTokens(w, r, http.StatusOK, NewForm(nil), "")
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, status int, form *Form, newToken string) {
	sess, _ := sessionFrom(r.Context())
	tokens, err := s.access.APITokens(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	d := tokensData{adminTabs: tabsFor(r.URL.Path), Tokens: tokens, NewToken: newToken}
	if newToken != "" {
		d.NewTokenName = form.Get("name")
		form = NewForm(nil) // the form is for the next token
		// The secret is on this page only: keep it out of Referer headers.
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	d.Scopes = scopeChoices(form.Values["scopes"])
	p := s.page(w, r, "API tokens", d)
	p.Form = form
	s.render(w, r, status, "admin_api_tokens", p)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	scopes := make([]access.Scope, 0, len(r.PostForm["scopes"]))
	for _, v := range r.PostForm["scopes"] {
		scopes = append(scopes, access.Scope(v))
	}
	token, err := s.access.CreateAPIToken(r.Context(), a, form.Get("name"), scopes)
	if err == nil {
		// Shown in this response and never again: only its hash is kept.
		s.showTokens(w, r, http.StatusOK, form, token)
		return
	}
	if s.failed(w, r, err, form) {
		return
	}
	s.showTokens(w, r, http.StatusUnprocessableEntity, form, "")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	err := s.access.RevokeAPIToken(r.Context(), sess.Actor, r.PathValue("id"))
	if err == nil {
		s.redirect(w, r, "/admin/api-tokens", "ok", "The token is revoked. Anything still using it is refused from now on.")
		return
	}
	form := NewForm(nil)
	if s.failed(w, r, err, form) {
		return
	}
	s.showTokens(w, r, http.StatusUnprocessableEntity, form, "")
}
