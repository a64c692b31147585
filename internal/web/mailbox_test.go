package web_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"holdspace/internal/web"
)

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		// The route test's site runs in demo mode; outside it the route
		// is not registered (TestTheMailboxIsAbsentOutsideDemoMode).
		"GET /demo/mailbox": {signin, deny, deny, allow, allow, allow, allow, allow, allow, deny},
	})
}

func getBody(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var mailboxLink = regexp.MustCompile(`<a href="(http://[^"]+/invite/[^"]+)">`)

func TestTheMailboxShowsAnInvitationWithItsWorkingLink(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		owner := s.client(t, "owner")
		res, err := postForm(owner, s.url+"/clients/"+s.blankID+"/invite", url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("inviting Noor: status %d", res.StatusCode)
		}
		// Any of the demo's staff reads it, a monitor too.
		code, body := getBody(t, s.client(t, "monitor"), s.url+"/demo/mailbox")
		if code != http.StatusOK {
			t.Fatalf("the mailbox: status %d", code)
		}
		body = html.UnescapeString(body)
		for _, want := range []string{"Demo mailbox", "noor@client.example", "whatever their role", `href="/demo/mailbox"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the mailbox does not show %q", want)
			}
		}
		m := mailboxLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no working invitation link in the mailbox:\n%s", body)
		}
		// Newest first: the invitation just sent comes before the demo's
		// older mail.
		_, rest, _ := strings.Cut(body, "<article")
		firstLetter, _, _ := strings.Cut(rest, "</article>")
		if !strings.Contains(firstLetter, "noor@client.example") || !mailboxLink.MatchString(firstLetter) {
			t.Errorf("the newest message is not the invitation just sent:\n%s", firstLetter)
		}
		link, _ := url.Parse(m[1])
		jar, _ := cookiejar.New(nil)
		code, page := getBody(t, &http.Client{Jar: jar}, s.url+link.Path)
		if code != http.StatusOK || !strings.Contains(page, "choose your password") {
			t.Errorf("following the mailbox's link: status %d\n%s", code, page)
		}
		// The client is not offered the mailbox.
		if _, portal := getBody(t, s.client(t, "client"), s.url+"/portal"); strings.Contains(portal, "/demo/mailbox") {
			t.Error("a client's navigation offers the demo mailbox")
		}
	})
}

func TestTheMailboxIsAbsentOutsideDemoMode(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		srv, err := web.New(web.Deps{DB: s.db, Log: slog.New(slog.DiscardHandler), Access: s.svc, Keys: s.ring, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range srv.Routes() {
			if strings.Contains(r.Pattern, "/demo/") {
				t.Errorf("outside demo mode %s is registered", r.Pattern)
			}
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		s.reset(t)
		res, err := postForm(c, ts.URL+"/signin", url.Values{"email": {s.emails["owner"]}, "password": {testPassword}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		code, _ := getBody(t, c, ts.URL+"/demo/mailbox")
		if code != http.StatusNotFound {
			t.Errorf("outside demo mode the mailbox answers %d, want 404", code)
		}
		if _, clients := getBody(t, c, ts.URL+"/clients"); strings.Contains(clients, "/demo/mailbox") {
			t.Error("outside demo mode the navigation offers the mailbox")
		}
	})
}
