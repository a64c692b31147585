package web_test

import (
	"context"
	"encoding/csv"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
)

// adminClock is a settable time shared by the test and the server's handlers.
type adminClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *adminClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

const adminPassword = "tangerine quietly orbits"

// adminSite is a running holdspace with one practice and its owner.
type adminSite struct {
	t        *testing.T
	db       *store.DB
	svc      *access.Service
	ring     *keyring.Ring
	web      *web.Server
	srv      *httptest.Server
	practice string
	ownerID  string
}

func newAdminSite(t *testing.T, db *store.DB, start time.Time) *adminSite {
	t.Helper()
	s := unservedAdminSite(t, db, &adminClock{t: start})
	s.practice, s.ownerID = s.addPractice("Stillwater Test", "stillwater-test", "Ana Ruiz", "ana@example.org")
	s.serve(slog.New(slog.DiscardHandler))
	return s
}

// each runs f over each database, on the site build makes there.
func each[S any](t *testing.T, build func(*testing.T, *store.DB) S, f func(*testing.T, S)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { f(t, build(t, db)) })
}

// eachAdminSite runs f over each database on an administration site whose
// clock stands at adminTime.
func eachAdminSite(t *testing.T, f func(*testing.T, *adminSite)) {
	t.Helper()
	each(t, func(t *testing.T, db *store.DB) *adminSite { return newAdminSite(t, db, adminTime) }, f)
}

// unservedAdminSite is an admin site on clk before its server starts
// (serve), so that a test can add practices and staff first.
func unservedAdminSite(t *testing.T, db *store.DB, clk *adminClock) *adminSite {
	t.Helper()
	ring, err := keyring.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	svc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: clk.Now, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	return &adminSite{t: t, db: db, svc: svc, ring: ring}
}

// serve starts the site's server, logging to log, for the rest of the test.
func (s *adminSite) serve(log *slog.Logger) {
	s.t.Helper()
	var err error
	s.web, err = web.New(web.Deps{DB: s.db, Log: log, Access: s.svc, Keys: s.ring, Now: s.svc.Now, Version: "test"})
	if err != nil {
		s.t.Fatal(err)
	}
	s.srv = httptest.NewServer(s.web.Handler())
	s.t.Cleanup(s.srv.Close)
}

// addPractice makes a practice with an owner who signs in with a password
// alone (the second step is tested with the access service).
func (s *adminSite) addPractice(name, slug, owner, email string) (practiceID, ownerID string) {
	s.t.Helper()
	ctx := context.Background()
	pid, err := access.CreatePractice(ctx, s.db, name, slug, "America/New_York", s.svc.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	id := s.addStaff(pid, owner, email, access.Owner)
	s.exec(`UPDATE practice SET staff_mfa_required = ? WHERE id = ?`, false, pid)
	return pid, id
}

func (s *adminSite) addStaff(practiceID, name, email string, roles ...access.Role) string {
	s.t.Helper()
	id, _, err := s.svc.AddStaffBySystem(context.Background(), practiceID, access.StaffInput{Name: name, Email: email, Roles: roles}, adminPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

// addClient adds a client of the practice with a portal account that
// signs in with adminPassword.
func (s *adminSite) addClient(name, email string) string {
	s.t.Helper()
	ctx := context.Background()
	id := store.NewID()
	phc, err := s.svc.Hasher.Hash(ctx, adminPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, s.practice, name, email, adminTime); err != nil {
			return err
		}
		acc, err := access.CreateAccount(ctx, tx, s.practice, "client", id, email, adminTime)
		if err != nil {
			return err
		}
		return access.SetPasswordHash(ctx, tx, acc, phc, adminTime)
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

// apiToken makes a token for a staff member, as an administrator would.
func (s *adminSite) apiToken(staffID string) string {
	s.t.Helper()
	tok := access.NewAPIToken()
	s.exec(`INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
		SELECT ?, practice_id, id, 'test', 'clients:read clients:write', ?, ? FROM account WHERE staff_id = ?`,
		store.NewID(), access.HashToken(tok), s.svc.Now(), staffID)
	return tok
}

func (s *adminSite) exec(q string, args ...any) {
	s.t.Helper()
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *adminSite) count(q string, args ...any) int {
	s.t.Helper()
	return storetest.Count(s.t, s.db, q, args...)
}

// adminBrowser is one person's browser: it keeps cookies and does not follow
// redirects, so tests see each 303.
type adminBrowser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (s *adminSite) signIn(email string) *adminBrowser {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &adminBrowser{t: s.t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	res, _ := b.post("/signin", url.Values{"email": {email}, "password": {adminPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		s.t.Fatalf("signing in as %s: %d to %q", email, res.StatusCode, res.Header.Get("Location"))
	}
	return b
}

func (b *adminBrowser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(body)
}

func (b *adminBrowser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// getOK is the page at path, which must answer 200.
func (b *adminBrowser) getOK(t *testing.T, path string) string {
	t.Helper()
	res, body := b.get(path)
	wantStatus(t, res, http.StatusOK)
	return body
}

// post sends a form as a browser does from one of holdspace's own pages.
func (b *adminBrowser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// follow GETs where a 303 points, which shows its flash message.
func (b *adminBrowser) follow(res *http.Response) (*http.Response, string) {
	b.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("status %d; want 303", res.StatusCode)
	}
	return b.get(res.Header.Get("Location"))
}

// pageSays fails unless body holds each text as a page shows it (escaped).
func pageSays(t *testing.T, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, html.EscapeString(s)) {
			t.Errorf("the page does not say %q", s)
		}
	}
}

// pageHas fails unless body holds each piece of HTML as written.
func pageHas(t *testing.T, body string, pieces ...string) {
	t.Helper()
	for _, s := range pieces {
		if !strings.Contains(body, s) {
			t.Errorf("the page has no %s", s)
		}
	}
}

func pageSaysNot(t *testing.T, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, html.EscapeString(s)) {
			t.Errorf("the page says %q, and should not", s)
		}
	}
}

func wantStatus(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d; want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, want)
	}
}

var adminTime = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func TestOwnerAddsAStaffMemberAndTheInvitationIsQueued(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		owner := s.signIn("ana@example.org")
		body := owner.getOK(t, "/admin/staff/new")
		dumpPage(t, "staff_new", body)

		res, _ := owner.post("/admin/staff/new", url.Values{"name": {"Sam Okafor"}, "email": {" Sam@Example.org "}, "credentials": {"LCSW"},
			"licence": {"LCSW-NY-091734"}, "npi": {"1487263905"}, "roles": {"therapist", "monitor"}})
		wantStatus(t, res, http.StatusSeeOther)
		if !strings.HasPrefix(res.Header.Get("Location"), "/admin/staff/") {
			t.Fatalf("sent to %q; want the new staff member's page", res.Header.Get("Location"))
		}
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject LIKE 'Your invitation%'`, "sam@example.org"); n != 1 {
			t.Fatalf("%d invitations to sam@example.org in the outbox; want 1", n)
		}
		res, body = owner.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Sam Okafor", "An invitation to choose a password is on its way to sam@example.org", "Invitation pending", "LCSW-NY-091734")
		dumpPage(t, "staff_detail", body)

		body = owner.getOK(t, "/admin/staff")
		pageSays(t, body, "Ana Ruiz", "Sam Okafor", "Therapist, Monitor", "Invitation pending", "Add staff member")
		dumpPage(t, "staff", body)

		// Resending retires the first link and queues a second email.
		samID := idOf(t, s.db, `SELECT id FROM staff WHERE email = ?`, "sam@example.org")
		res, _ = owner.post("/admin/staff/"+samID+"/invite", nil)
		wantStatus(t, res, http.StatusSeeOther)
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = ?`, "sam@example.org"); n != 2 {
			t.Fatalf("%d emails to sam@example.org; want 2 after resending", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM one_time_token t JOIN account a ON a.id = t.account_id
			WHERE a.staff_id = ? AND t.purpose = 'invite' AND t.used_at IS NULL`, samID); n != 1 {
			t.Fatalf("%d live invitation links; want 1 (the new one)", n)
		}
		// Someone with a password gets no invitation.
		res, body = owner.post("/admin/staff/"+s.ownerID+"/invite", nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "This person has already chosen a password.")
	})
}

func TestTheStaffFormRefusesBadInputAndKeepsWhatWasTyped(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		owner := s.signIn("ana@example.org")
		res, body := owner.post("/admin/staff/new", url.Values{"name": {"  "}, "email": {"sam at example"}, "credentials": {"LCSW"},
			"licence": {"LCSW-NY-091734"}, "npi": {"12345"}, "dea": {"B12"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the person's full name.", "Give an email address such as name@example.org.", "Choose at least one role.",
			"An NPI is ten digits.", "A DEA number is two letters and seven digits.", "Please check 5 things")
		pageSays(t, body)
		pageHas(t, body, `value="sam at example"`, `value="LCSW"`, `value="LCSW-NY-091734"`, `value="12345"`, `value="B12"`)
		dumpPage(t, "staff_new_errors", body)

		// The roles chosen stay chosen when another field is wrong.
		res, body = owner.post("/admin/staff/new", url.Values{"name": {"Sam Okafor"}, "email": {"sam@example.org"}, "npi": {"148726390X"},
			"roles": {"prescriber"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "An NPI is ten digits.")
		pageHas(t, body, `value="Sam Okafor"`)
		if !strings.Contains(body, `value="prescriber" checked`) || strings.Contains(body, `value="therapist" checked`) {
			t.Error("the roles chosen are not kept as chosen")
		}
		// An address already on staff.
		res, body = owner.post("/admin/staff/new", url.Values{"name": {"Ana Again"}, "email": {"ANA@example.org"}, "roles": {"therapist"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Someone on staff already uses this email address.")
		if n := s.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("%d emails queued by refused forms; want 0", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM staff WHERE practice_id = ?`, s.practice); n != 1 {
			t.Fatalf("%d staff after refused forms; want 1", n)
		}
	})
}

func TestATherapistIsRefusedEveryAdminPageAndEachRefusalIsOnTheTrail(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		therapistID := s.addStaff(s.practice, "Sam Okafor", "sam@example.org", access.Therapist, access.Prescriber)
		tokenID := "0000"
		therapist := s.signIn("sam@example.org")
		forms := map[string]url.Values{
			"POST /admin/staff/new":                    {"name": {"Eve Mallory"}, "email": {"eve@example.org"}, "roles": {"owner"}},
			"POST /admin/staff/{id}":                   {"roles": {"owner", "therapist"}},
			"POST /admin/settings":                     {"idle": {"240"}, "client_mfa": {"optional"}},
			"POST /admin/api-tokens":                   {"name": {"mine"}, "scopes": {"clients:read"}},
			"POST /admin/staff/{id}/invite":            {},
			"POST /admin/api-tokens/{id}/revoke":       {},
			"GET /admin/staff/{id}":                    nil,
			"GET /admin/audit.csv":                     nil,
			"GET /admin/staff":                         nil,
			"GET /admin/staff/new":                     nil,
			"GET /admin/settings":                      nil,
			"GET /admin/practice-page":                 nil,
			"POST /admin/practice-page":                {"heading": {"Mine"}, "body": {"Mine."}},
			"POST /admin/practice-page/notify":         {},
			"GET /admin/api-tokens":                    nil,
			"GET /admin/audit":                         nil,
			"GET /admin/consents":                      nil,
			"GET /admin/consents/new":                  nil,
			"POST /admin/consents/new":                 {"kind": {"kap_treatment"}, "title": {"x"}, "text": {"y"}},
			"GET /admin/consents/{versionID}":          nil,
			"POST /admin/consents/{versionID}/publish": {},
			"GET /admin/rooms":                         nil,
			"POST /admin/rooms":                        {"name": {"Oak room"}},
			"POST /admin/rooms/{id}":                   {"name": {"Oak room"}},
			"GET /admin/schedule-settings":             nil,
			"POST /admin/schedule-settings":            {},
			"GET /admin/reminders":                     nil,
			"POST /admin/reminders":                    {},
			"POST /admin/staff/{id}/clinical-lead":     {},
			"GET /admin/measure-settings":              nil,
			"POST /admin/measure-settings":             {},
			"GET /admin/safety-settings":               nil,
			"POST /admin/safety-settings":              {},
		}
		walked := 0
		for _, rt := range s.web.Routes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			if !strings.HasPrefix(path, "/admin") {
				continue
			}
			// The medicine settings are clinical: a prescriber reads and changes them
			// (TestOnlyAPrescriberOrClinicalLeadChangesTheMedicineSettings).
			if strings.HasPrefix(path, "/admin/medicine-settings") {
				continue
			}
			walked++
			if rt.Gate != web.GateStaff {
				t.Errorf("%s is behind the %s gate; want staff", rt.Pattern, rt.Gate)
			}
			form, ok := forms[rt.Pattern]
			if !ok {
				t.Errorf("%s is not walked by this test: add it", rt.Pattern)
				continue
			}
			id := s.ownerID
			if strings.Contains(path, "api-tokens") {
				id = tokenID
			}
			path = strings.NewReplacer("{id}", id, "{versionID}", tokenID).Replace(path)
			before := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, therapistID)
			var res *http.Response
			var body string
			if method == http.MethodGet {
				res, body = therapist.get(path)
			} else {
				res, body = therapist.post(path, form)
			}
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d; want 403", rt.Pattern, res.StatusCode)
				continue
			}
			if !strings.Contains(strings.ToLower(html.UnescapeString(body)), "only the practice's owner or administrators may") {
				t.Errorf("%s: the refusal does not say who may: %s", rt.Pattern, mainText(body))
			}
			if rt.Pattern == "GET /admin/audit" {
				dumpPage(t, "forbidden", body)
			}
			after := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied' AND chain = ?`, therapistID, s.practice)
			if after != before+1 {
				t.Errorf("%s: %d denied entries on the trail after it, %d before; want one more", rt.Pattern, after, before)
			}
		}
		// An empty form is refused as not allowed too, not as wrongly
		// filled in: the form is not theirs to fill.
		for pattern := range forms {
			method, path, _ := strings.Cut(pattern, " ")
			if method != http.MethodPost {
				continue
			}
			before := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, therapistID)
			res, _ := therapist.post(strings.NewReplacer("{id}", s.ownerID, "{versionID}", "0000").Replace(path), url.Values{})
			after := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, therapistID)
			if res.StatusCode != http.StatusForbidden || after != before+1 {
				t.Errorf("%s with an empty form: status %d, %d more denials on the trail; want 403 and one", pattern, res.StatusCode, after-before)
			}
		}
		if walked != len(forms) {
			t.Errorf("walked %d admin routes; the test lists %d", walked, len(forms))
		}
		if n := s.count(`SELECT COUNT(*) FROM staff WHERE email = 'eve@example.org'`); n != 0 {
			t.Error("a therapist added a staff member")
		}
		if n := s.count(`SELECT COUNT(*) FROM staff_role WHERE staff_id = ? AND role = 'owner'`, s.ownerID); n != 1 {
			t.Error("the owner's roles changed")
		}
		if n := s.count(`SELECT COUNT(*) FROM api_token`); n != 0 {
			t.Error("a therapist made an API token")
		}
	})
}

func TestThePracticeKeepsAtLeastOneOwner(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		owner := s.signIn("ana@example.org")
		res, body := owner.post("/admin/staff/"+s.ownerID, url.Values{"roles": {"admin", "therapist"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "The practice must keep at least one owner.")
		if !strings.Contains(body, `value="admin" checked`) || strings.Contains(body, `value="owner" checked`) {
			t.Error("the roles as chosen are not shown again")
		}
		dumpPage(t, "staff_detail_owner", body)
		if n := s.count(`SELECT COUNT(*) FROM staff_role WHERE staff_id = ?`, s.ownerID); n != 1 {
			t.Fatalf("%d roles after the refused change; want the one (owner)", n)
		}
		res, body = owner.post("/admin/staff/"+s.ownerID, nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Choose at least one role.")

		// With a second owner, the first may step down to administrator.
		second := s.addStaff(s.practice, "Bo Chen", "bo@example.org", access.Owner)
		res, _ = owner.post("/admin/staff/"+s.ownerID, url.Values{"roles": {"admin", "therapist"}})
		wantStatus(t, res, http.StatusSeeOther)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'permission.roles' AND record_id = ?`, s.ownerID); n != 1 {
			t.Fatalf("%d role changes on the trail; want 1", n)
		}
		body = owner.getOK(t, "/admin/staff/"+second)
		pageSays(t, body, "Bo Chen")
		res, _ = owner.get("/admin/staff/" + "no-such-id")
		wantStatus(t, res, http.StatusNotFound)
	})
}

func TestAccessSettingsAreSavedAndChecked(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		owner := s.signIn("ana@example.org")
		body := owner.getOK(t, "/admin/settings")
		pageSays(t, body, "Staff can sign in with a password alone")
		pageHas(t, body, `value="15"`)
		dumpPage(t, "settings", body)

		res, body := owner.post("/admin/settings", url.Values{"idle": {"1000"}, "client_mfa": {"sometimes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Choose an idle time from 2 to 240 minutes.")
		pageHas(t, body, `value="1000"`)
		res, body = owner.post("/admin/settings", url.Values{"idle": {"30"}, "client_mfa": {"sometimes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Choose one of the offered policies.")
		pageHas(t, body, `value="30"`)

		res, _ = owner.post("/admin/settings", url.Values{"idle": {"30"}, "client_mfa": {"totp_or_email"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = owner.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "The access settings are saved.")
		pageHas(t, body, `value="30"`, `<option value="totp_or_email" selected>Required: client chooses app or email</option>`)
		var idle int
		var policy string
		storetest.Scan(t, s.db, `SELECT staff_idle_minutes, client_mfa_policy FROM practice WHERE id = ?`, []any{s.practice}, &idle, &policy)
		if idle != 30 || policy != "totp_or_email" {
			t.Fatalf("stored idle %d, policy %q; want 30, totp_or_email", idle, policy)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'settings.access' AND chain = ?`, s.practice); n != 1 {
			t.Fatalf("%d settings changes on the trail; want 1", n)
		}

		// Requiring a second step for staff sends the owner, who has
		// none, to set one up before anything else.
		res, _ = owner.post("/admin/settings", url.Values{"idle": {"30"}, "staff_mfa": {"on"}, "client_mfa": {"optional"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, _ = owner.get("/admin/settings")
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/account/mfa/setup" {
			t.Fatalf("after requiring a second step, sent to %q; want the set-up page", loc)
		}
	})
}

var apiTokenPattern = regexp.MustCompile(`hs_[A-Za-z0-9_-]{43}`)

func TestAnAPITokenIsShownOnceAndWorksUntilRevoked(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		owner := s.signIn("ana@example.org")
		res, body := owner.post("/admin/api-tokens", url.Values{"scopes": {"clients:read"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the token a name")
		if !strings.Contains(body, `value="clients:read" checked`) {
			t.Error("the scope chosen is not kept")
		}
		res, body = owner.post("/admin/api-tokens", url.Values{"name": {"Billing export"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Choose at least one scope.")
		pageHas(t, body, `value="Billing export"`)

		res, body = owner.post("/admin/api-tokens", url.Values{"name": {"Billing export"}, "scopes": {"clients:read", "audit:read"}})
		wantStatus(t, res, http.StatusOK)
		token := apiTokenPattern.FindString(body)
		if token == "" {
			t.Fatal("the new token is not on the page")
		}
		pageSays(t, body, "Copy the token “Billing export” now")
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the page with the token may be cached")
		}
		dumpPage(t, "api_tokens_new", body)
		actor, err := s.svc.AuthenticateAPI(context.Background(), token)
		if err != nil || actor.Kind != access.APIActor || actor.StaffID != s.ownerID || len(actor.Scopes) != 2 {
			t.Fatalf("the token as a bearer token: %+v, %v", actor, err)
		}
		body = owner.getOK(t, "/admin/api-tokens")
		pageSays(t, body, "Billing export", "Ana Ruiz")
		if apiTokenPattern.MatchString(body) {
			t.Fatal("the token is shown a second time")
		}

		id := idOf(t, s.db, `SELECT id FROM api_token WHERE name = ?`, "Billing export")
		res, _ = owner.post("/admin/api-tokens/"+id+"/revoke", nil)
		wantStatus(t, res, http.StatusSeeOther)
		if _, err := s.svc.AuthenticateAPI(context.Background(), token); !errors.Is(err, access.ErrBadToken) {
			t.Fatalf("a revoked token: %v; want ErrBadToken", err)
		}
		res, body = owner.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "The token is revoked.", "Revoked")
		dumpPage(t, "api_tokens", body)
		res, body = owner.post("/admin/api-tokens/"+id+"/revoke", nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "No such token, or it was already revoked.")
	})
}

// dumpPage writes a page for looking at by eye when ADMIN_PAGES_DUMP names a
// folder; the stylesheet is copied beside it. Off by default.
func dumpPage(t *testing.T, name, body string) {
	t.Helper()
	dir := os.Getenv("ADMIN_PAGES_DUMP")
	if dir == "" || !strings.HasSuffix(t.Name(), "/sqlite") {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	css, err := os.ReadFile(filepath.Join("static", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "style.css"), css, 0o644)
	body = regexp.MustCompile(`/static/style\.css\?v=[^"]*`).ReplaceAllString(body, "style.css")
	if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mainText is the page's main content without markup, for a failure message.
func mainText(body string) string {
	if _, after, ok := strings.Cut(body, "<main"); ok {
		body = after
	}
	body, _, _ = strings.Cut(body, "</main>")
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")), " ")
}

// appendEntries writes entries to a practice's chain as the owner, for
// the trail's filters and pages.
func (s *adminSite) appendEntries(n int, action, reason string) {
	s.t.Helper()
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		for range n {
			if _, err := audit.Append(context.Background(), tx, audit.Entry{Chain: s.practice, At: s.svc.Now(), ActorKind: "staff",
				ActorID: s.ownerID, Action: action, RecordType: "test", Reason: reason, Address: "192.0.2.7"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		s.t.Fatal(err)
	}
}

func TestTheAuditTrailFiltersPagesAndExports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// 03:00 UTC on the 24th is 22:00 on the 23rd in New York: the
		// date filters must go by the practice's day.
		s := newAdminSite(t, db, time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC))
		therapistID := s.addStaff(s.practice, "Sam Okafor", "sam@example.org", access.Therapist)
		therapist := s.signIn("sam@example.org")
		res, _ := therapist.get("/admin/audit")
		wantStatus(t, res, http.StatusForbidden)
		owner := s.signIn("ana@example.org")
		s.appendEntries(1, "test.formula", `=HYPERLINK("http://evil.example","look"), then more`)

		body := owner.getOK(t, "/admin/audit")
		pageSays(t, body, "Sam Okafor", "Ana Ruiz")
		if !strings.Contains(body, `<tr class="denied">`) || !strings.Contains(body, "<code>sign_in.password</code>") {
			t.Error("the trail does not show the refusal and the sign-ins")
		}
		dumpPage(t, "audit", body)

		body = owner.getOK(t, "/admin/audit?action=sign_in.password")
		if !strings.Contains(body, "<code>sign_in.password</code>") || strings.Contains(body, "<code>audit.read</code>") || strings.Contains(body, "<code>staff.add</code>") {
			t.Error("the action filter shows other actions")
		}
		body = owner.getOK(t, "/admin/audit?outcome=denied")
		if strings.Contains(body, `badge ok">Allowed`) || !strings.Contains(body, `badge danger">Denied`) {
			t.Error("the outcome filter shows allowed entries, or no denied one")
		}
		body = owner.getOK(t, "/admin/audit?staff="+therapistID)
		rows := strings.Count(body, "<tr") - 1 // less the header
		mine := strings.Count(body, `<a href="/admin/audit?staff=`+therapistID+`">Sam Okafor</a>`)
		if rows != 2 || mine != rows {
			t.Errorf("the staff filter shows %d entries, %d of them Sam's; want Sam's sign-in and refusal only", rows, mine)
		}
		for q, want := range map[string]bool{"to=2026-11-23": true, "from=2026-11-23&to=2026-11-23": true, "from=2026-11-24": false, "to=2026-11-22": false} {
			body = owner.getOK(t, "/admin/audit?action=test.formula&"+q)
			if got := strings.Contains(body, "<code>test.formula</code>"); got != want {
				t.Errorf("dates %s: entry shown %v; want %v", q, got, want)
			}
		}
		res, body = owner.get("/admin/audit?from=2026-13-45&to=yesterday")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give a date such as 2026-11-23.")
		pageHas(t, body, `value="2026-13-45"`)

		// Fifty to a page, and the next page goes on from there.
		s.appendEntries(60, "test.bulk", "")
		body = owner.getOK(t, "/admin/audit?action=test.bulk")
		if n := strings.Count(body, "<code>test.bulk</code>"); n != 50 {
			t.Fatalf("%d entries on the first page; want 50", n)
		}
		older := regexp.MustCompile(`href="(/admin/audit\?[^"]*before=\d+[^"]*)">Older`).FindStringSubmatch(body)
		if older == nil {
			t.Fatal("no link to older entries")
		}
		body = owner.getOK(t, html.UnescapeString(older[1]))
		if n := strings.Count(body, "<code>test.bulk</code>"); n != 10 || strings.Contains(body, ">Older<") || !strings.Contains(body, ">Newest<") {
			t.Fatalf("second page: %d entries (want 10), with an Older link or without a Newest one", n)
		}

		// The CSV holds the same entries, safe to open in a spreadsheet.
		res, raw := owner.get("/admin/audit.csv?action=test.formula")
		wantStatus(t, res, http.StatusOK)
		if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(cd, "attachment;") {
			t.Fatalf("Content-Type %q, Content-Disposition %q", ct, cd)
		}
		recs, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0][0] != "seq" || recs[0][12] != "reason" {
			t.Fatalf("CSV: %d records, header %v; want a header and one entry", len(recs), recs[0])
		}
		if got, want := recs[1][12], `'=HYPERLINK("http://evil.example","look"), then more`; got != want {
			t.Fatalf("reason cell %q; want %q", got, want)
		}
		if recs[1][5] != "Ana Ruiz" || recs[1][6] != "test.formula" {
			t.Fatalf("CSV row: %v", recs[1])
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'audit.export' AND actor_id = ? AND outcome = 'allowed'`, s.ownerID); n != 1 {
			t.Fatalf("%d exports on the trail; want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'audit.read' AND actor_id = ? AND outcome = 'allowed'`, s.ownerID); n < 9 {
			t.Fatalf("%d readings of the trail on it; want one for each page opened", n)
		}
		rep, err := audit.Verify(context.Background(), db)
		if err != nil || len(rep.Breaks) != 0 {
			t.Fatalf("verify: %v %v", rep.Breaks, err)
		}
	})
}

func TestAnotherPracticeSeesOnlyItsOwnTrail(t *testing.T) {
	eachAdminSite(t, func(t *testing.T, s *adminSite) {
		s.signIn("ana@example.org").get("/admin/staff")
		_, boID := s.addPractice("Harbour Light", "harbour-light", "Bo Chen", "bo@example.org")
		bo := s.signIn("bo@example.org")
		body := bo.getOK(t, "/admin/audit")
		pageSays(t, body, "Bo Chen", boID)
		pageSaysNot(t, body, "Ana Ruiz", s.ownerID, "staff.manage")
		body = bo.getOK(t, "/admin/audit?staff="+s.ownerID)
		pageSays(t, body, "No entries match these filters.")
		raw := bo.getOK(t, "/admin/audit.csv")
		if strings.Contains(raw, s.ownerID) || strings.Contains(raw, "Ana Ruiz") || !strings.Contains(raw, "Bo Chen") {
			t.Fatal("the export crosses practices")
		}
		res, _ := bo.get("/admin/staff/" + s.ownerID)
		wantStatus(t, res, http.StatusNotFound)
		res, _ = bo.post("/admin/staff/"+s.ownerID, url.Values{"roles": {"therapist"}})
		wantStatus(t, res, http.StatusNotFound)
		body = bo.getOK(t, "/admin/staff")
		pageSaysNot(t, body, "Ana Ruiz")
	})
}
