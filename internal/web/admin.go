package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/store"
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
		{Label: "Medicine settings", Href: "/admin/medicine-settings"}, {Label: "Reminders", Href: "/admin/reminders"}}
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
}

func roleChoices(checked []string) []choice {
	out := make([]choice, 0, len(access.StaffRoles))
	for _, r := range access.StaffRoles {
		out = append(out, choice{Value: string(r), Label: roleLabel(r), Hint: roleHints[r], Checked: slices.Contains(checked, string(r))})
	}
	return out
}

func roleLabel(r access.Role) string {
	if r == access.Admin {
		return "Administrator"
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
	out := make([]choice, 0, len(access.Scopes))
	for _, sc := range access.Scopes {
		out = append(out, choice{Value: string(sc), Label: string(sc), Hint: scopeHints[sc], Checked: slices.Contains(checked, string(sc))})
	}
	return out
}

// failed answers err unless it is about what was typed: a refusal as 403
// with its reason, anything else as a server error. It returns false when
// err's problems were put on form, for the caller to show the form again.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error, form *Form) bool {
	var denied *access.Denied
	if errors.As(err, &denied) {
		s.forbidden(w, r, reasonSentence(denied.Reason))
		return true
	}
	var ps access.Problems
	var p *access.Problem
	switch {
	case errors.As(err, &ps):
		for _, p := range ps {
			form.Fail(p.Field, p.Message)
		}
		return false
	case errors.As(err, &p):
		form.Fail(p.Field, p.Message)
		return false
	}
	s.serverError(w, r, err)
	return true
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
	return s.access.Do(ctx, a, act, ref, func(*store.Tx, access.Decision) error { return nil })
}

// staffMember is one row of the staff list, with how far their sign-in is
// set up.
type staffMember struct {
	ID, Name, Credentials, Email, Licence, NPI, DEA string
	Roles                                           []access.Role
	HasAccount, HasPassword, Disabled               bool
	// ClinicalLead: the practice names them clinical lead (they change clinical settings).
	ClinicalLead bool
	MFA          string
	CreatedAt    time.Time
	// InviteUntil is when the newest unused invitation expires.
	InviteUntil *time.Time
}

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

// loadStaff reads the practice's staff, or the one with id. It runs inside
// a use case that access has allowed.
func loadStaff(ctx context.Context, tx *store.Tx, practiceID, id string) ([]staffMember, error) {
	q := `SELECT st.id, st.full_name, st.credentials, st.email, st.licence_number, st.npi, st.dea_number, st.created_at,
		CASE WHEN ac.id IS NULL THEN 0 ELSE 1 END, CASE WHEN ac.password_hash <> '' THEN 1 ELSE 0 END,
		CASE WHEN ac.disabled OR NOT st.active THEN 1 ELSE 0 END, COALESCE(ac.mfa_method, ''), st.clinical_lead
		FROM staff st LEFT JOIN account ac ON ac.staff_id = st.id WHERE st.practice_id = ?`
	args := []any{practiceID}
	if id != "" {
		q += ` AND st.id = ?`
		args = append(args, id)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY LOWER(st.full_name), st.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []staffMember
	index := map[string]int{}
	for rows.Next() {
		var m staffMember
		var hasAccount, hasPassword, disabled int
		if err := rows.Scan(&m.ID, &m.Name, &m.Credentials, &m.Email, &m.Licence, &m.NPI, &m.DEA, &m.CreatedAt,
			&hasAccount, &hasPassword, &disabled, &m.MFA, &m.ClinicalLead); err != nil {
			return nil, err
		}
		m.HasAccount, m.HasPassword, m.Disabled = hasAccount == 1, hasPassword == 1, disabled == 1
		index[m.ID] = len(out)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rrows, err := tx.Query(ctx, `SELECT r.staff_id, r.role FROM staff_role r JOIN staff st ON st.id = r.staff_id WHERE st.practice_id = ?`, practiceID)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var sid, role string
		if err := rrows.Scan(&sid, &role); err != nil {
			return nil, err
		}
		if i, ok := index[sid]; ok {
			out[i].Roles = append(out[i].Roles, access.Role(role))
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Roles, func(a, b access.Role) int {
			return slices.Index(access.StaffRoles, a) - slices.Index(access.StaffRoles, b)
		})
	}
	return out, rrows.Err()
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
	var staff []staffMember
	err := s.access.Do(r.Context(), sess.Actor, access.StaffManage, access.Ref{Type: "staff"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		staff, err = loadStaff(r.Context(), tx, sess.Actor.PracticeID, "")
		return err
	})
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
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
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	in := access.StaffInput{Name: form.Get("name"), Email: form.Get("email"), Credentials: form.Get("credentials"),
		Licence: form.Get("licence"), NPI: form.Get("npi"), DEA: form.Get("dea"), Roles: rolesFrom(r.PostForm["roles"])}
	id, err := s.access.AddStaff(r.Context(), sess.Actor, in)
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
	if err := s.may(r.Context(), sess.Actor, access.StaffManage, access.Ref{Type: "staff"}); err != nil && s.failed(w, r, err, form) {
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

// loadMember reads one staff member of the actor's practice inside an
// allowed use case; found is false for an unknown id or another
// practice's staff, which the page answers alike.
func (s *Server) loadMember(ctx context.Context, tx *store.Tx, practiceID, id string) (staffMember, bool, error) {
	ms, err := loadStaff(ctx, tx, practiceID, id)
	if err != nil || len(ms) == 0 {
		return staffMember{}, false, err
	}
	m := ms[0]
	var until time.Time
	err = tx.QueryRow(ctx, `SELECT t.expires_at FROM one_time_token t JOIN account ac ON ac.id = t.account_id
		WHERE ac.staff_id = ? AND t.purpose = 'invite' AND t.used_at IS NULL AND t.expires_at > ? ORDER BY t.expires_at DESC`,
		id, s.now()).Scan(&until)
	switch {
	case err == nil:
		m.InviteUntil = &until
	case !errors.Is(err, sql.ErrNoRows):
		return m, false, err
	}
	return m, true, nil
}

// showStaff draws one staff member's page; the roles form shows form's
// values when it has any (a refused change), else the stored roles.
func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	var m staffMember
	found := false
	err := s.access.Do(r.Context(), sess.Actor, access.StaffManage, access.Ref{Type: "staff", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		m, found, err = s.loadMember(r.Context(), tx, sess.Actor.PracticeID, id)
		return err
	})
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	if !found {
		s.notFoundMsg(w, r, "There is no such staff member in this practice.")
		return
	}
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
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	id := r.PathValue("id")
	roles := rolesFrom(r.PostForm["roles"])
	err := s.access.SetRoles(r.Context(), sess.Actor, id, roles)
	if err == nil {
		if id == sess.Actor.StaffID && !slices.Contains(roles, access.Owner) && !slices.Contains(roles, access.Admin) {
			// They gave up running the practice: this page is no longer theirs.
			s.redirect(w, r, "/", "ok", "Your roles are changed. You no longer manage the practice.")
			return
		}
		s.redirect(w, r, "/admin/staff/"+id, "ok", "The roles are saved.")
		return
	}
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
	var email string
	err := s.access.Do(r.Context(), sess.Actor, access.StaffManage, access.Ref{Type: "staff", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		var accountID string
		var hasPassword int
		err := tx.QueryRow(r.Context(), `SELECT ac.id, ac.email, CASE WHEN ac.password_hash <> '' THEN 1 ELSE 0 END
			FROM account ac JOIN staff st ON st.id = ac.staff_id WHERE st.id = ? AND st.practice_id = ?`,
			id, sess.Actor.PracticeID).Scan(&accountID, &email, &hasPassword)
		if errors.Is(err, sql.ErrNoRows) {
			return &access.Problem{Field: "staff", Message: "No such staff member."}
		}
		if err != nil {
			return err
		}
		if hasPassword == 1 {
			return &access.Problem{Field: "invite", Message: "This person has already chosen a password. If they have forgotten it, they can reset it from the sign-in page."}
		}
		return s.access.SendInvitation(r.Context(), tx, sess.Actor, accountID)
	})
	if err == nil {
		s.redirect(w, r, "/admin/staff/"+id, "ok", "A new invitation is on its way to "+email+". Earlier links no longer work.")
		return
	}
	form := NewForm(nil)
	if s.failed(w, r, err, form) {
		return
	}
	if _, ok := form.Errors["staff"]; ok {
		s.notFoundMsg(w, r, "There is no such staff member in this practice.")
		return
	}
	s.showStaff(w, r, http.StatusUnprocessableEntity, form)
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
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	// A number that does not parse is 0, which SaveSettings refuses with
	// the range to use.
	idle, _ := strconv.Atoi(form.Get("idle"))
	err := s.access.SaveSettings(r.Context(), sess.Actor, access.Settings{
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
	if err := s.may(r.Context(), sess.Actor, access.SettingsManage, access.Ref{Type: "practice", ID: sess.Actor.PracticeID}); err != nil && s.failed(w, r, err, form) {
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
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	scopes := make([]access.Scope, 0, len(r.PostForm["scopes"]))
	for _, v := range r.PostForm["scopes"] {
		scopes = append(scopes, access.Scope(v))
	}
	token, err := s.access.CreateAPIToken(r.Context(), sess.Actor, form.Get("name"), scopes)
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
