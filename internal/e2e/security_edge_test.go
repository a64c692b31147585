package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/demo"
)

// On the running site, as an attacker would meet it: text holdspace cannot
// store is refused at the edge with a 422 naming the field and nothing
// written, and a header it records but cannot refuse is made storable, on
// SQLite and PostgreSQL alike.
func TestTheRunningSiteRefusesTextItCannotStore(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		if s == nil {
			return
		}
		send := func(method, path, contentType, userAgent, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(method, s.at(path), strings.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			if userAgent != "" {
				req.Header.Set("User-Agent", userAgent)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		inquiries := s.count(t, `SELECT COUNT(*) FROM inquiry`)
		form := url.Values{"name": {"Grace Whitfield"}, "email": {"grace@example.net"}, "preferred_contact": {"email"},
			"message": {"I would like to ask about \xff\xfe treatment."}, "consent": {"yes"}}
		code, body := send(http.MethodPost, "/p/"+demo.PracticeSlug, "application/x-www-form-urlencoded", "", form.Encode())
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "message") {
			t.Fatalf("the public form with a message that is not UTF-8: %d\n%s", code, body)
		}
		code, body = send(http.MethodPost, "/api/v1/practices/"+demo.PracticeSlug+"/inquiries", "application/json", "",
			`{"name": "Grace", "name": "Whitfield", "email": "grace@example.net"}`)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"name"`) {
			t.Fatalf("the public JSON with a duplicate key: %d\n%s", code, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM inquiry`); n != inquiries {
			t.Fatalf("%d inquiries after the refusals; want %d", n, inquiries)
		}
		// A wrong password with a User-Agent that is not UTF-8 is counted
		// and on the trail, with the header as valid text.
		signin := url.Values{"email": {"prescriber@stillwater.example"}, "password": {"not the password at all"}}
		if code, body := send(http.MethodPost, "/signin", "application/x-www-form-urlencoded", "curl/8 \xc0\xaf", signin.Encode()); code >= 500 {
			t.Fatalf("a sign-in with a broken User-Agent: %d\n%s", code, body)
		}
		if n := s.count(t, `SELECT failed_attempts FROM account WHERE email = ?`, "prescriber@stillwater.example"); n != 1 {
			t.Fatalf("%d failures counted; want 1", n)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'sign_in.password' AND outcome = 'denied' AND user_agent = ?`, "curl/8 \uFFFD"); n != 1 {
			t.Fatalf("%d refused sign-ins on the trail with the cleaned User-Agent; want 1", n)
		}
	})
}
