package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The security regression suite: each probe is an attack an independent
// check once found to work against a running holdspace, sent again to a
// started server on each database, so that no later change brings it
// back. The probes of the sign-in, the API's scopes, redirects, /metrics,
// /static/ and cross-site forms live here; those of stored secrets, text
// at the edge and backups beside them.

// probeClient is a browser without a browser: cookies kept, redirects
// not followed, forms sent as a same-site page would send them.
type probeClient struct {
	t *testing.T
	s *site
	c *http.Client
}

func newProbe(t *testing.T, s *site) *probeClient {
	jar, _ := cookiejar.New(nil)
	return &probeClient{t: t, s: s, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *probeClient) do(req *http.Request) (*http.Response, string) {
	p.t.Helper()
	res, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func (p *probeClient) get(path string) (*http.Response, string) {
	p.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.s.at(path), nil)
	return p.do(req)
}

func (p *probeClient) post(path string, form url.Values, site string) (*http.Response, string) {
	p.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.s.at(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	return p.do(req)
}

func (p *probeClient) signIn(email, next string) *http.Response {
	p.t.Helper()
	res, _ := p.post("/signin", url.Values{"email": {email}, "password": {"calm harbour morning"}, "next": {next}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("signing in as %s: %d", email, res.StatusCode)
	}
	return res
}

// sql runs statements on the site's database, to set a probe's scene.
func (s *site) sql(t *testing.T, queries ...string) {
	t.Helper()
	ctx := context.Background()
	if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
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

func (s *site) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return storetest.Count(t, s.App.DB, query, args...)
}

// ownerToken makes an API token for the demo owner through the page's own
// use case.
func (s *site) ownerToken(t *testing.T, scopes ...access.Scope) string {
	t.Helper()
	ctx := context.Background()
	pid, err := access.PracticeBySlug(ctx, s.App.DB, "stillwater")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := s.App.Access.StaffActorByEmail(ctx, pid, "owner@stillwater.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.App.Access.CreateAPIToken(ctx, actor, "probe", scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestProbeTheSecondStepCannotBeSkipped(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		factor := func(email string) string {
			var m, sealed string
			ctx := context.Background()
			s.App.DB.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT mfa_method, totp_secret_sealed FROM account WHERE email = ?`, email).Scan(&m, &sealed)
			})
			return m + "/" + sealed
		}
		// The demo owner has an authenticator: the password alone leaves
		// the session owing a code. Enrolling a new one with a bad pending
		// value once answered a fresh secret, and its code a full session.
		owner := newProbe(t, s)
		owner.signIn("owner@stillwater.example", "/")
		before := factor("owner@stillwater.example")
		res, body := owner.post("/account/mfa/totp", url.Values{"pending": {"forged"}, "code": {"123456"}}, "same-origin")
		if res.StatusCode != http.StatusForbidden || strings.Contains(body, "totp-secret") {
			t.Fatalf("enrolling from a password-only session: %d; want 403 and no secret", res.StatusCode)
		}
		if res, _ := owner.get("/clients"); res.Header.Get("Location") != "/signin/code" {
			t.Fatalf("after the attempt the owner reaches /clients: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if after := factor("owner@stillwater.example"); after != before {
			t.Fatal("the owner's authenticator was replaced")
		}
		// A client who owes an emailed code once got a full session from
		// POST /account/mfa/email with no code at all.
		s.sql(t, `UPDATE practice SET client_mfa_policy = 'totp_or_email'`, `UPDATE account SET mfa_method = 'email' WHERE email = 'alex@client.example'`)
		client := newProbe(t, s)
		client.signIn("alex@client.example", "/")
		res, _ = client.post("/account/mfa/email", url.Values{}, "same-origin")
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("switching to emailed codes from a password-only session: %d; want 403", res.StatusCode)
		}
		if res, _ := client.get("/portal"); res.Header.Get("Location") != "/signin/code" {
			t.Fatalf("after the attempt the client reaches the portal: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'mfa.enrol' AND outcome = 'allowed'`); n != 0 {
			t.Fatalf("%d enrolments on the trail; want none", n)
		}
	})
}

func TestProbeAWriteTokenCannotReadTheInquiryQueue(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		p := newProbe(t, s)
		for _, tc := range []struct {
			scope access.Scope
			want  int
		}{{access.ScopeClientsWrite, http.StatusForbidden}, {access.ScopeClientsRead, http.StatusOK}} {
			req, _ := http.NewRequest(http.MethodGet, s.at("/api/v1/inquiries"), nil)
			req.Header.Set("Authorization", "Bearer "+s.ownerToken(t, tc.scope))
			res, body := p.do(req)
			if res.StatusCode != tc.want {
				t.Errorf("%s token on the inquiry queue: %d; want %d", tc.scope, res.StatusCode, tc.want)
			}
			if tc.want == http.StatusForbidden && strings.Contains(body, "@") {
				t.Errorf("the refusal shows an email address")
			}
		}
	})
}

func TestProbeNoOpenRedirectAfterSignIn(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "/%2f/evil.example", "https://evil.example/"} {
			res := newProbe(t, s).signIn("therapist@stillwater.example", next)
			if loc := res.Header.Get("Location"); loc != "/" {
				t.Errorf("next=%q sent the browser to %q; want /", next, loc)
			}
		}
	})
}

func TestProbeMetricsAreForMonitoringOnly(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db, withMetricsAddr())
		p := newProbe(t, s)
		p.get("/signin")
		if res, body := p.get("/metrics"); res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "holdspace_http") {
			t.Fatalf("/metrics without a token: %d; want 401 and no figures", res.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodGet, s.at("/metrics"), nil)
		req.Header.Set("Authorization", "Bearer "+s.ownerToken(t, access.ScopeMetrics))
		if res, body := p.do(req); res.StatusCode != http.StatusOK || !strings.Contains(body, `route="GET /signin"`) {
			t.Fatalf("/metrics with a metrics:read token: %d, or the sign-in page is not counted by its route", res.StatusCode)
		}
		// The listener of its own needs no token and serves only metrics.
		base := "http://" + s.App.MetricsListener.Addr().String()
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `route="GET /signin"`) || strings.Contains(string(body), `route="unmatched"`) {
			t.Fatalf("--metrics-addr /metrics: %d, or the figures are not labelled by route", res.StatusCode)
		}
		if res, err := http.Get(base + "/signin"); err != nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("the metrics listener serves more than /metrics: %v", err)
		}
	})
}

func TestProbeStaticListsNothing(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		p := newProbe(t, s)
		for _, path := range []string{"/static/", "/static/..%2f..%2fgo.mod", "/static/%2e%2e%2fgo.mod", "/static/%00"} {
			req, _ := http.NewRequest(http.MethodGet, s.URL, nil)
			req.URL.Opaque = path
			if res, body := p.do(req); res.StatusCode != http.StatusNotFound || strings.Contains(body, `href="style.css"`) || strings.Contains(body, "module holdspace") {
				t.Errorf("%s: %d; want 404 that lists nothing", path, res.StatusCode)
			}
		}
	})
}

func TestProbeCrossSiteFormsAreRefusedOnTheTrail(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		p := newProbe(t, s)
		p.signIn("therapist@stillwater.example", "/")
		res, _ := p.post("/signout/everywhere", url.Values{}, "cross-site")
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("a cross-site form: %d; want 403", res.StatusCode)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'request.cross_site' AND outcome = 'denied' AND record_id = 'POST /signout/everywhere'`); n != 1 {
			t.Fatalf("%d cross-site refusals on the trail; want 1", n)
		}
		if res, _ := p.get("/clients"); res.StatusCode != http.StatusOK {
			t.Fatalf("the forged sign-out took effect: /clients answers %d", res.StatusCode)
		}
	})
}
