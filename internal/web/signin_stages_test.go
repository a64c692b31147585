package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
)

// ownerKey is the authenticator secret the tests give the demo owner.
const ownerKey = "JBSWY3DPEHPK3PXPHOLDSPACESTAGETS"

// stageCase is a session that has given its password and nothing more.
type stageCase struct {
	name  string
	stage access.Stage
	who   string
	// prepare puts the account and the practice in the state that gives
	// the stage.
	prepare func(t *testing.T, s *routeSite)
}

func stageCases() []stageCase {
	exec := func(t *testing.T, s *routeSite, queries ...string) {
		t.Helper()
		ctx := context.Background()
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			for _, q := range queries {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return []stageCase{
		{"staff owing a code", access.StageMFA, "owner", func(t *testing.T, s *routeSite) {
			s.reset(t)
			exec(t, s, `UPDATE practice SET staff_mfa_required = TRUE`)
			s.giveOwnerAuthenticator(t)
		}},
		{"client owing an emailed code", access.StageMFA, "client", func(t *testing.T, s *routeSite) {
			s.reset(t)
			exec(t, s, `UPDATE practice SET client_mfa_policy = 'email'`, `UPDATE account SET mfa_method = 'email' WHERE email = 'alex@client.example'`)
		}},
		{"staff who must set up a second step", access.StageEnrol, "therapist-on-team", func(t *testing.T, s *routeSite) {
			s.reset(t)
			exec(t, s, `UPDATE practice SET staff_mfa_required = TRUE`)
		}},
		{"client who must set up a second step", access.StageEnrol, "client", func(t *testing.T, s *routeSite) {
			s.reset(t)
			exec(t, s, `UPDATE practice SET client_mfa_policy = 'totp_or_email'`)
		}},
	}
}

func (s *routeSite) giveOwnerAuthenticator(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, `SELECT id FROM account WHERE email = 'owner@stillwater.example'`).Scan(&id); err != nil {
			return err
		}
		return access.SetTOTP(ctx, tx, s.ring, id, ownerKey)
	}); err != nil {
		t.Fatal(err)
	}
}

// passwordOnly signs in with the password alone, without resetting the
// state prepare made.
func (s *routeSite) passwordOnly(t *testing.T, who string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := postForm(c, s.url+"/signin", url.Values{"email": {s.emails[who]}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s could not sign in: %d", who, res.StatusCode)
	}
	return c
}

// factor is an account's second factor as stored.
func (s *routeSite) factor(t *testing.T, who string) string {
	t.Helper()
	var method, sealed string
	storetest.Scan(t, s.db, `SELECT mfa_method, totp_secret_sealed FROM account WHERE email = ?`, []any{s.emails[who]}, &method, &sealed)
	return method + "/" + sealed
}

// TestAPasswordOnlySessionReachesOnlyTheSecondStep walks every route with
// a session at each stage short of a full sign-in. The gate may let it
// through only to the routes its stage lists (and to public routes, which
// look at no session); everything else sends it back to the step it owes,
// and its account's second factor is what it was.
func TestAPasswordOnlySessionReachesOnlyTheSecondStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		steps := web.SignInSteps()
		var pending []string
		for _, r := range srv.Routes() {
			if r.Gate == web.GatePending {
				pending = append(pending, r.Pattern)
			}
		}
		for _, st := range []access.Stage{access.StageMFA, access.StageEnrol} {
			for _, p := range steps[st] {
				if !slices.Contains(pending, p) {
					t.Errorf("the sign-in step table lists %q, which is not a registered second-step route", p)
				}
			}
		}
		for _, tc := range stageCases() {
			t.Run(tc.name, func(t *testing.T) {
				tc.prepare(t, s)
				c := s.passwordOnly(t, tc.who)
				before := s.factor(t, tc.who)
				step := "/signin/code"
				if tc.stage == access.StageEnrol {
					step = "/account/mfa/setup"
				}
				// The session is at the stage the case is about.
				res, err := c.Get(s.url + "/")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if loc := res.Header.Get("Location"); loc != step {
					t.Fatalf("home sends the session to %q; want %q", loc, step)
				}
				for _, r := range srv.Routes() {
					if r.Gate == web.GatePublic || r.Gate == web.GateAPI {
						continue
					}
					allowed := slices.Contains(steps[tc.stage], r.Pattern)
					if allowed {
						// A listed route may change the state (sign out,
						// enrol): start afresh for it and after it.
						tc.prepare(t, s)
						c = s.passwordOnly(t, tc.who)
						before = s.factor(t, tc.who)
					}
					method, path := s.path(r.Pattern)
					if method == http.MethodPost {
						res, err = postForm(c, s.url+path, s.formFor(path))
					} else {
						res, err = c.Get(s.url + path)
					}
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					refused := false
					switch method {
					case http.MethodGet:
						refused = res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == step
					default:
						refused = res.StatusCode == http.StatusForbidden && strings.Contains(string(body), "Finish signing in first.")
					}
					if allowed && refused {
						t.Errorf("%s: refused by the gate, but the %s step lists it", r.Pattern, tc.name)
					}
					if !allowed && !refused {
						t.Errorf("%s: answered %d (location %q) to a password-only session; want it sent back to %s", r.Pattern, res.StatusCode, res.Header.Get("Location"), step)
					}
					if strings.Contains(string(body), `id="totp-secret"`) && tc.stage == access.StageMFA {
						t.Errorf("%s: showed a new authenticator secret to a session that owes a code", r.Pattern)
					}
					if !allowed {
						if after := s.factor(t, tc.who); after != before {
							t.Errorf("%s: the account's second factor changed from %q to %q", r.Pattern, before, after)
						}
						continue
					}
					tc.prepare(t, s)
					c = s.passwordOnly(t, tc.who)
					before = s.factor(t, tc.who)
				}
			})
		}
	})
}

// TestTheSecondStepCannotBeSkippedByEnrolling is the attack as found: a
// session that has given only the password posts a new authenticator (or,
// for a client, emailed codes) to replace the real one, and must get
// neither a secret, nor a session, nor a changed account.
func TestTheSecondStepCannotBeSkippedByEnrolling(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		cases := stageCases()
		for _, tc := range cases[:2] {
			t.Run(tc.name, func(t *testing.T) {
				tc.prepare(t, s)
				c := s.passwordOnly(t, tc.who)
				before := s.factor(t, tc.who)
				for _, try := range []struct{ path string }{{"/account/mfa/totp"}, {"/account/mfa/email"}} {
					res, err := postForm(c, s.url+try.path, url.Values{"pending": {"not-a-sealed-secret"}, "code": {"123456"}})
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusForbidden || strings.Contains(string(body), "totp-secret") {
						t.Errorf("POST %s: %d; want 403 with no new secret", try.path, res.StatusCode)
					}
					for _, h := range res.Header.Values("Set-Cookie") {
						if strings.HasPrefix(h, "hs_session=") {
							t.Errorf("POST %s set a new session cookie", try.path)
						}
					}
				}
				if after := s.factor(t, tc.who); after != before {
					t.Fatalf("the second factor changed: %q → %q", before, after)
				}
				res, err := c.Get(s.url + "/account")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin/code" {
					t.Fatalf("after the attempts, /account answers %d %q; want the code page", res.StatusCode, res.Header.Get("Location"))
				}
			})
		}
	})
}

// setupPage is the second step's set-up page as c sees it, with the
// authenticator it offers: the pending token and the secret.
func (s *routeSite) setupPage(t *testing.T, c *http.Client) (page, pending, secret string) {
	t.Helper()
	res, err := c.Get(s.url + "/account/mfa/setup")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page = string(b)
	return page, between(page, `name="pending" value="`, `"`), between(page, `id="totp-secret">`, `<`)
}

// TestReplacingASecondStepNeedsTheCurrentOneAndTellsPeople: a fully
// signed-in owner cannot swap the authenticator with the password session
// alone; with a code from the current one the swap happens, the trail
// names it, and the account holder and the other owners are emailed.
func TestReplacingASecondStepNeedsTheCurrentOneAndTellsPeople(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		s.reset(t)
		s.giveOwnerAuthenticator(t)
		c := s.passwordOnly(t, "owner")
		res, err := postForm(c, s.url+"/signin/code", url.Values{"code": {access.TOTPCode(ownerKey, time.Now())}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("second step: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		before := s.factor(t, "owner")
		// The set-up page offers a new secret and asks for the current code.
		page, pending, secret := s.setupPage(t, c)
		if pending == "" || secret == "" || !strings.Contains(page, `name="current"`) {
			t.Fatalf("the set-up page lacks the pending secret or the current-code field")
		}
		newCode := access.TOTPCode(secret, time.Now())
		for _, current := range []string{"", "000000"} {
			res, err = postForm(c, s.url+"/account/mfa/totp", url.Values{"pending": {pending}, "code": {newCode}, "current": {current}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("replacing with current code %q: %d; want 422", current, res.StatusCode)
			}
			if after := s.factor(t, "owner"); after != before {
				t.Fatalf("the authenticator was replaced without the current code %q", current)
			}
		}
		if refusals := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'mfa.replace' AND outcome = 'denied'`); refusals != 1 {
			t.Errorf("%d refused replacements on the trail; want 1 (the empty code asks, the wrong one is refused)", refusals)
		}
		// With the current code (the step after the one used to sign in).
		current := access.TOTPCode(ownerKey, time.Now().Add(30*time.Second))
		res, err = postForm(c, s.url+"/account/mfa/totp", url.Values{"pending": {pending}, "code": {newCode}, "current": {current}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("replacing with the current code: %d; want 200 with recovery codes", res.StatusCode)
		}
		if after := s.factor(t, "owner"); after == before {
			t.Fatal("the authenticator was not replaced")
		}
		var allowed int
		var mails []string
		s.db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_event WHERE action = 'mfa.replace' AND outcome = 'allowed'`).Scan(&allowed); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT to_addr FROM outbox WHERE subject LIKE '%sign-in settings%' ORDER BY to_addr`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var to string
				rows.Scan(&to)
				mails = append(mails, to)
			}
			return rows.Err()
		})
		if allowed != 1 {
			t.Errorf("%d allowed mfa.replace entries; want 1", allowed)
		}
		if !slices.Contains(mails, "owner@stillwater.example") {
			t.Errorf("the account holder was not emailed: %v", mails)
		}
	})
}

// TestAStaffMembersNewFactorIsToldToTheOwners: when a therapist sets up
// a second step, the practice's owners hear of it.
func TestAStaffMembersNewFactorIsToldToTheOwners(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		stageCases()[2].prepare(t, s)
		c := s.passwordOnly(t, "therapist-on-team")
		_, pending, secret := s.setupPage(t, c)
		res, err := postForm(c, s.url+"/account/mfa/totp", url.Values{"pending": {pending}, "code": {access.TOTPCode(secret, time.Now())}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("enrolling: %d", res.StatusCode)
		}
		var toOwner, toHolder int
		s.db.Read(ctx, func(tx *store.Tx) error {
			tx.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE to_addr = 'owner@stillwater.example' AND subject LIKE '%sign-in settings changed'`).Scan(&toOwner)
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE to_addr = 'therapist@stillwater.example' AND subject LIKE '%sign-in settings%'`).Scan(&toHolder)
		})
		if toOwner != 1 || toHolder != 1 {
			t.Fatalf("emails: %d to the owner, %d to the therapist; want 1 each", toOwner, toHolder)
		}
	})
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return html.UnescapeString(v)
}

// TestSignInSendsOnOnlyToAPathOfThisSite: after signing in, holdspace
// follows next= only to a path of its own. Each refused value is one a
// browser would read as another site (or a proxy might decode into one).
func TestSignInSendsOnOnlyToAPathOfThisSite(t *testing.T) {
	cases := []struct {
		next, want string
	}{
		{"/clients", "/clients"},
		{"/clients?q=alex&sort=name", "/clients?q=alex&sort=name"},
		{"/portal/measures/phq9%20a", "/portal/measures/phq9%20a"},
		{"/calendar?day=2026-12-07#week", "/calendar?day=2026-12-07#week"},
		{"", "/"},
		{"/signin", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example", "/"},                           // the finding: a tab browsers drop
		{"/\n/evil.example", "/"},                           // newline
		{"/\r\n/evil.example", "/"},                         // header splitting, too
		{"/\x00/evil.example", "422"},                       // NUL: refused at the edge, before sign-in
		{"/\x7f/evil.example", "/"},                         // DEL
		{"/\\evil.example", "/"},                            // a backslash is a slash to a browser
		{"/\\/evil.example", "/"},                           //
		{"\\\\evil.example", "/"},                           //
		{"/%2f/evil.example", "/"},                          // encoded slash a proxy might decode
		{"/%2F%2Fevil.example", "/"},                        //
		{"/%5c/evil.example", "/"},                          // encoded backslash
		{"/%09/evil.example", "/"},                          // encoded tab
		{"https://evil.example/", "/"},                      // a scheme
		{"http:/evil.example", "/"},                         //
		{"javascript:alert(1)", "/"},                        //
		{"evil.example", "/"},                               // not a path
		{"//user@evil.example", "/"},                        //
		{"/\u3000/evil.example", "/%e3%80%80/evil.example"}, // a path character, sent encoded
	}
	eachSite(t, func(t *testing.T, s *routeSite) {
		for _, tc := range cases {
			s.reset(t)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := postForm(c, s.url+"/signin", url.Values{"email": {s.emails["therapist-on-team"]}, "password": {testPassword}, "next": {tc.next}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if tc.want == "422" {
				if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Location") != "" {
					t.Errorf("next=%q: %d to %q; want 422 and no redirect", tc.next, res.StatusCode, res.Header.Get("Location"))
				}
				continue
			}
			if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tc.want {
				t.Errorf("next=%q: %d to %q; want %q", tc.next, res.StatusCode, got, tc.want)
			}
		}
		// The sign-in page refuses it too, before the form is even sent.
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(s.url + "/signin?next=" + url.QueryEscape("/\t/evil.example"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		// And a page that asks for a sign-in carries its own address
		// encoded, so an & in it cannot add parameters.
		res, err = c.Get(s.url + "/clients?q=a&next=//evil.example")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Location"); got != "/signin?next="+url.QueryEscape("/clients?q=a&next=//evil.example") {
			t.Errorf("redirect to sign in: %q", got)
		}
	})
}
