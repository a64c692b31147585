package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/syncbuf"
	"holdspace/internal/web"
)

// Outcomes a route can give an actor.
const (
	allow  = "allow"  // through the gate and the access decision
	signin = "signin" // sent to sign in (GET) or refused (other methods)
	deny   = "deny"   // 403: signed in, not allowed
	hidden = "hidden" // 404: another practice's record is not confirmed
	unauth = "unauth" // 401: the JSON API without a usable token
)

// actors, in the order of each row of the table.
// Every staff role has its actor (roleActors, TestTheRouteTableWalksEveryStaffRole).
var actors = []string{"anonymous", "client", "other-client", "owner", "prescriber", "therapist-on-team", "therapist-off-team", "monitor", "other-practice", "front-desk"}

// addRoutes adds rows to the table; each capability's test file adds its
// own rows in an init function, so the table grows without edit conflicts.
func addRoutes(rows map[string][]string) {
	for k, v := range rows {
		if _, dup := routeTable[k]; dup {
			panic("route table: two rows for " + k)
		}
		routeTable[k] = v
	}
}

// routeTable says what each actor gets from each route. {id} is the demo
// client Alex (on the care team of the prescriber, Sam the therapist and
// Jordan the monitor; not of Elena the therapist), and "client" is Alex's
// own portal account. Every route the server registers must have a row.
var routeTable = map[string][]string{
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	"GET /static/":                         {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /favicon.ico":                     {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /healthz":                         {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /readyz":                          {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /metrics":                         {unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth, unauth},
	"GET /{$}":                             {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"/":                                    {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /signin":                          {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /signin":                         {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /signin/code":                     {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /signin/code":                    {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /signin/code/email":              {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /account/mfa/setup":               {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /account/mfa/totp":               {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /account/mfa/email":              {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
	"POST /account/mfa/code":               {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /account/mfa/remove":             {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /signout":                        {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /signout/everywhere":             {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /session/keepalive":              {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /account":                         {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /account/recovery-codes":         {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /account/password":                {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /account/password":               {signin, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /invite/{token}":                  {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /invite/{token}":                 {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /reset":                           {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /reset":                          {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /reset/{token}":                   {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"POST /reset/{token}":                  {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /clients":                         {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
	"GET /clients/{id}":                    {signin, deny, deny, allow, allow, allow, deny, allow, hidden, allow},
	"POST /clients/{id}/invite":            {signin, deny, deny, allow, allow, allow, deny, allow, hidden, allow},
	"POST /clients/{id}/care-team":         {signin, deny, deny, allow, deny, deny, deny, deny, hidden, deny},
	"GET /clients/{id}/break-glass":        {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
	"POST /clients/{id}/break-glass":       {signin, deny, deny, deny, deny, deny, allow, deny, hidden, deny},
	"GET /clients/{id}/disclosures":        {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
	"GET /portal":                          {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
	"GET /portal/disclosures":              {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
	"GET /admin/staff":                     {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /admin/staff/new":                 {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"POST /admin/staff/new":                {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /admin/staff/{id}":                {signin, deny, deny, allow, deny, deny, deny, deny, hidden, deny},
	"POST /admin/staff/{id}":               {signin, deny, deny, allow, deny, deny, deny, deny, hidden, deny},
	"POST /admin/staff/{id}/invite":        {signin, deny, deny, allow, deny, deny, deny, deny, hidden, deny},
	"POST /admin/staff/{id}/clinical-lead": {signin, deny, deny, allow, deny, deny, deny, deny, hidden, deny},
	"GET /admin/settings":                  {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"POST /admin/settings":                 {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /admin/api-tokens":                {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"POST /admin/api-tokens":               {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"POST /admin/api-tokens/{id}/revoke":   {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /admin/audit":                     {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /admin/audit.csv":                 {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
	"GET /hazards":                         {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
	"GET /api/v1/openapi.json":             {allow, allow, allow, allow, allow, allow, allow, allow, allow, allow},
	"GET /api/v1/me":                       {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
	"GET /api/v1/clients":                  {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
	"GET /api/v1/clients/{id}":             {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
	"/api/":                                {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
}

type routeSite struct {
	// bookAs, when set, is who the booking routes send as (else the owner).
	bookAs string
	db     *store.DB
	url    string
	alexID string
	// blankID is a client with the same care team as Alex and an empty
	// chart, for tests that build a record from nothing.
	blankID    string
	elenaStaff string
	emails     map[string]string
	tokens     map[string]string
	svc        *access.Service
	ring       *keyring.Ring
	// logs holds what the server logged, for tests of the log itself.
	logs *syncbuf.Buffer
}

const testPassword = "calm harbour morning"

func buildSite(t *testing.T, db *store.DB) (*routeSite, *web.Server) {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	cheap := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	svc := &access.Service{DB: db, Hasher: cheap, Keys: ring, Now: time.Now, BaseURL: "http://127.0.0.1/", Policy: access.DefaultPolicy()}
	// Plenty of sign-ins from one address: lift the throttle for the test.
	svc.Policy.AddressMaxFailures = 1 << 30
	if _, err := demo.Load(ctx, db, demo.Options{Hasher: cheap, Keys: ring}, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A second practice with an owner, to try reading across tenants.
	other, err := access.CreatePractice(ctx, db, "Elsewhere", "elsewhere", "UTC", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddStaffBySystem(ctx, other, access.StaffInput{Name: "Other Owner", Email: "owner@elsewhere.example",
		Roles: []access.Role{access.Owner, access.Prescriber, access.Therapist}}, testPassword); err != nil {
		t.Fatal(err)
	}
	s := &routeSite{emails: map[string]string{
		"client": "alex@client.example", "other-client": "jamie@client.example",
		"owner": "owner@stillwater.example", "prescriber": "prescriber@stillwater.example",
		"therapist-on-team": "therapist@stillwater.example", "therapist-off-team": "therapist2@stillwater.example",
		"monitor": "monitor@stillwater.example", "other-practice": "owner@elsewhere.example",
		"front-desk": "frontdesk@stillwater.example",
	}, tokens: map[string]string{}, db: db, svc: svc, ring: ring}
	err = db.Write(ctx, func(tx *store.Tx) error {
		// No second step in this test: it is about what each role may reach.
		if _, err := tx.Exec(ctx, `UPDATE account SET mfa_method = '', totp_secret_sealed = ''`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE practice SET staff_mfa_required = ?`, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM client WHERE email = 'alex@client.example'`).Scan(&s.alexID); err != nil {
			return err
		}
		s.blankID = store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, date_of_birth, email, created_at)
			SELECT ?, practice_id, 'Noor Haddad', '1990-07-14', 'noor@client.example', created_at FROM client WHERE id = ?`, s.blankID, s.alexID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at)
			SELECT ?, staff_id, role, added_at FROM care_team WHERE client_id = ?`, s.blankID, s.alexID); err != nil {
			return err
		}
		// Noor's intake is in and screened clear, as a prescriber's approval
		// needs; her chart is otherwise empty.
		if _, err := tx.Exec(ctx, `INSERT INTO intake (id, practice_id, client_id, status, created_at, updated_at, submitted_at, submitted_by_kind, submitted_by_id)
			SELECT ?, practice_id, ?, status, created_at, updated_at, submitted_at, submitted_by_kind, submitted_by_id FROM intake WHERE client_id = ?`,
			s.blankID+"-intake", s.blankID, s.alexID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome, needs_clinical_attention,
			findings, unanswered, parameters, facts, trigger_kind, trigger_note, run_by_kind, run_by_id)
			SELECT ?, practice_id, ?, ?, screened_at, rule_set_version, 'clear', ?, '[]', '[]', parameters, facts, trigger_kind, trigger_note, run_by_kind, run_by_id
			FROM screening WHERE client_id = ? ORDER BY screened_at DESC LIMIT 1`, s.blankID+"-screening", s.blankID, s.blankID+"-intake", false, s.alexID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = 'therapist2@stillwater.example'`).Scan(&s.elenaStaff)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.logs = &syncbuf.Buffer{}
	srv, err := web.New(web.Deps{DB: db, Log: slog.New(slog.NewTextHandler(s.logs, nil)), Access: svc, Keys: ring, Version: "test", Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	s.url = ts.URL
	// API tokens with every scope, one per staff actor, made the way an
	// integration would get them.
	for _, who := range []string{"owner", "prescriber", "therapist-on-team", "therapist-off-team", "monitor", "other-practice", "front-desk"} {
		var accountID, staffID, practiceID string
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT id, staff_id, practice_id FROM account WHERE email = ?`, s.emails[who]).Scan(&accountID, &staffID, &practiceID)
		})
		tok := access.NewAPIToken()
		db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				store.NewID(), practiceID, accountID, "route test", "clients:read clients:write audit:read", access.HashToken(tok), time.Now())
			return err
		})
		s.tokens[who] = tok
	}
	return s, srv
}

// eachSite runs f on a fresh site over each database, for the tests that
// need only the site.
func eachSite(t *testing.T, f func(t *testing.T, s *routeSite)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		f(t, s)
	})
}

// reset puts back what one row may have changed (an enrolled second
// step, a care-team change, a break-glass grant), so every request of the
// table meets the demo practice as it was.
func (s *routeSite) reset(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`UPDATE account SET mfa_method = '', totp_secret_sealed = ''`,
			`DELETE FROM break_glass`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `DELETE FROM care_team WHERE client_id = ? AND staff_id = ?`, s.alexID, s.elenaStaff)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// client signs in as the actor and returns a browser-like client.
func (s *routeSite) client(t *testing.T, who string) *http.Client {
	t.Helper()
	s.reset(t)
	if who == "anonymous" {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return s.passwordOnly(t, who)
}

func postForm(c *http.Client, u string, v url.Values) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

func (s *routeSite) path(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	path = strings.TrimSuffix(path, "{$}")
	path = strings.ReplaceAll(path, "{token}", "not-a-real-token")
	if strings.HasPrefix(path, "/admin/staff/") {
		path = strings.ReplaceAll(path, "{id}", s.elenaStaff)
	}
	path = strings.ReplaceAll(path, "{id}", s.alexID)
	switch path {
	case "/static/":
		path = "/static/style.css"
	case "/":
		if method == http.MethodGet && pattern == "/" {
			path = "/no-such-page"
		}
	case "/api/":
		path = "/api/v1/no-such-endpoint"
	}
	return method, path
}

// formFor gives a POST a plausible body, so that a route that lets the
// actor through does something real.
func (s *routeSite) formFor(path string) url.Values {
	switch {
	case strings.HasSuffix(path, "/care-team"):
		return url.Values{"op": {"add"}, "staff": {s.elenaStaff}, "role": {"therapist"}}
	case strings.HasSuffix(path, "/break-glass"):
		return url.Values{"reason": {"The client called in distress and their therapist cannot be reached."}}
	}
	return url.Values{}
}

func outcome(res *http.Response, path string) string {
	loc := res.Header.Get("Location")
	switch {
	case res.StatusCode == http.StatusUnauthorized:
		return unauth
	case res.StatusCode == http.StatusForbidden:
		if strings.Contains(res.Header.Get("X-Test-Gate"), "signin") {
			return signin
		}
		return deny
	case res.StatusCode == http.StatusNotFound && path != "/no-such-page":
		return hidden
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/signin?next="):
		return signin
	}
	return allow
}

func TestEveryRouteForEveryRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		var patterns []string
		for _, r := range srv.Routes() {
			patterns = append(patterns, r.Pattern)
			if _, ok := routeTable[r.Pattern]; !ok {
				t.Errorf("route %q has no row in the route table: say what every role gets from it", r.Pattern)
			}
		}
		for p := range routeTable {
			if !slices.Contains(patterns, p) {
				t.Errorf("the route table names %q, which is not registered", p)
			}
		}
		for _, pattern := range patterns {
			want, ok := routeTable[pattern]
			if !ok {
				continue
			}
			if len(want) != len(actors) {
				t.Errorf("route %q has %d outcomes for %d actors: say what every role gets from it", pattern, len(want), len(actors))
				continue
			}
			for i, who := range actors {
				method, path := s.path(pattern)
				c := s.client(t, who)
				var res *http.Response
				var err error
				switch {
				case strings.HasPrefix(path, "/api/"):
					var body io.Reader
					if method == http.MethodPost || method == http.MethodPut {
						body = strings.NewReader("{}")
					}
					req, _ := http.NewRequest(method, s.url+path, body)
					if body != nil {
						req.Header.Set("Content-Type", "application/json")
					}
					if tok := s.tokens[who]; tok != "" {
						req.Header.Set("Authorization", "Bearer "+tok)
					}
					res, err = c.Do(req)
				case method == http.MethodPost:
					res, err = postForm(c, s.url+path, s.formFor(path))
				default:
					res, err = c.Get(s.url + path)
				}
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				got := outcome(res, path)
				if who == "anonymous" && method == http.MethodPost && got == deny {
					got = signin // a POST without a session is refused, not redirected
				}
				if got != want[i] {
					t.Errorf("%-34s as %-18s: %s (status %d, location %q); want %s", pattern, who, got, res.StatusCode, res.Header.Get("Location"), want[i])
				}
			}
		}
	})
}

func TestAReadAcrossPracticesIsRefusedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		c := s.client(t, "other-practice")
		res, err := c.Get(s.url + "/clients/" + s.alexID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound || strings.Contains(string(body), "Alex") {
			t.Fatalf("status %d; want 404 that names nobody", res.StatusCode)
		}
		var n int
		var chain string
		err = db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT COUNT(*), MIN(e.chain) FROM audit_event e JOIN practice p ON p.id = e.chain
				WHERE p.slug = 'elsewhere' AND e.action = 'client.read' AND e.outcome = 'denied' AND e.record_id = ?`, s.alexID).Scan(&n, &chain)
		})
		if err != nil || n != 1 {
			t.Fatalf("%d denied client.read entries on the other practice's own trail (%v); want 1", n, err)
		}
		// And nothing about it lands on Stillwater's chain as an access.
		var leaked int
		db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_event e JOIN practice p ON p.id = e.chain
				WHERE p.slug = 'stillwater' AND e.outcome = 'allowed' AND e.client_id = ? AND e.action = 'client.read'`, s.alexID).Scan(&leaked)
		})
		if leaked != 0 {
			t.Fatal(fmt.Sprint("an allowed read was recorded for the refused attempt: ", leaked))
		}
	})
}
