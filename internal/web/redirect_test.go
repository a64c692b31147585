package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

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
