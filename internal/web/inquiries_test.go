package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/inquiry"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/syncbuf"
)

// What each actor gets from the inquiry routes. The route test puts the
// demo client's id where {id} is (no inquiry has it) and keeps {slug} as
// written (no practice has it): the public routes answer 404 to all, the
// queue's records 404 to those who may use the queue and 403 to the rest.
// The tests below walk the same routes with real inquiries.
func init() {
	addRoutes(map[string][]string{
		// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
		"GET /p/{slug}":  {hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /p/{slug}": {hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/practices/{slug}/inquiries": {hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /inquiries":                      {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"GET /inquiries/{id}":                 {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /inquiries/{id}/reply":          {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /inquiries/{id}/decline":        {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /inquiries/{id}/convert":        {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"GET /admin/practice-page":            {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"POST /admin/practice-page":           {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"GET /api/v1/inquiries":               {unauth, unauth, unauth, allow, allow, allow, allow, deny, allow, allow},
		"GET /api/v1/inquiries/{id}":          {unauth, unauth, unauth, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /api/v1/inquiries/{id}/reply":   {unauth, unauth, unauth, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /api/v1/inquiries/{id}/decline": {unauth, unauth, unauth, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /api/v1/inquiries/{id}/convert": {unauth, unauth, unauth, hidden, hidden, hidden, hidden, deny, hidden, hidden},
	})
}

// inquirySite is a running holdspace with the practice Harbour Light (one
// staff member in each part) and a second practice.
type inquirySite struct {
	*adminSite
	clk                                   *adminClock
	logs                                  *syncbuf.Buffer
	therapist, prescriber, monitor, other string
}

func newInquirySite(t *testing.T, db *store.DB) *inquirySite {
	t.Helper()
	clk := &adminClock{t: adminTime}
	s := &inquirySite{adminSite: unservedAdminSite(t, db, clk), clk: clk, logs: &syncbuf.Buffer{}}
	s.practice, s.ownerID = s.addPractice("Harbour Light", "harbour", "Ana Ruiz", "ana@harbour.test")
	s.therapist = s.addStaff(s.practice, "Sam Okafor", "sam@harbour.test", access.Therapist)
	s.prescriber = s.addStaff(s.practice, "Priya Raman", "priya@harbour.test", access.Prescriber)
	s.monitor = s.addStaff(s.practice, "Jordan Lee", "jordan@harbour.test", access.Monitor)
	otherPractice, _ := s.addPractice("Elsewhere", "elsewhere", "Other Owner", "owner@elsewhere.test")
	s.other = otherPractice
	s.serve(slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	return s
}

func (s *inquirySite) advance(d time.Duration) {
	s.clk.mu.Lock()
	s.clk.t = s.clk.t.Add(d)
	s.clk.mu.Unlock()
}

var stampPattern = regexp.MustCompile(`name="t" value="([^"]+)"`)

// visitor opens the public page and returns the form's stamp.
func (s *inquirySite) visitor() (*adminBrowser, string) {
	s.t.Helper()
	b := &adminBrowser{t: s.t, base: s.srv.URL, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res, body := b.get("/p/harbour")
	wantStatus(s.t, res, http.StatusOK)
	m := stampPattern.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatal("the form carries no stamp")
	}
	return b, html.UnescapeString(m[1])
}

func inquiryForm(stamp string) url.Values {
	return url.Values{"t": {stamp}, "name": {"Grace Whitfield"}, "email": {"grace.whitfield@example.net"}, "phone": {""},
		"preferred_contact": {"email"}, "message": {"I have lived with depression for eight years.\nMy psychiatrist mentioned KAP."},
		"heard_from": {"clinician"}, "heard_other": {""}, "consent": {"yes"}, "website": {""}}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func TestAPersonReadsThePublicPageAndSendsAnInquiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		b, stamp := s.visitor()
		res, body := b.get("/p/harbour")
		pageSays(t, body, "Ketamine-assisted psychotherapy at Harbour Light", "How the work unfolds", "This form is not for emergencies",
			"call or text 988", "call 911", "I agree that Harbour Light may contact me about this message")
		pageHas(t, body, `<h2>The first steps</h2>`, `name="website" type="text" tabindex="-1"`, `class="hp" aria-hidden="true"`)
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the form page may be cached")
		}
		dumpPage(t, "inquiry_public", body)
		for _, path := range []string{"/p/nowhere"} {
			res, body := b.get(path)
			wantStatus(t, res, http.StatusNotFound)
			pageSays(t, body, "There is no practice at this address.")
			res, _ = b.post(path, inquiryForm(stamp))
			wantStatus(t, res, http.StatusNotFound)
		}
		s.advance(20 * time.Second)

		// Each field that is wrong is named beside it, and what was typed
		// stays.
		bad := with(inquiryForm(stamp), "name", " ", "email", "grace at example", "preferred_contact", "phone", "consent", "",
			"heard_other", "my sister's book club")
		res, body = b.post("/p/harbour", bad)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Please tell us your name.", "Please give an email address such as name@example.org, so that we can answer you.",
			"Please give a phone number, or choose to be contacted by email.", "Please tick the box to let us contact you.", "Please check 4 things")
		pageHas(t, body, `value="grace at example"`, `value="my sister&#39;s book club"`, `value="phone" checked`,
			"I have lived with depression for eight years.\nMy psychiatrist mentioned KAP.</textarea>", `<option value="clinician" selected>`,
			`id="f-consent-error"`, `href="#f-phone"`, `href="#f-consent"`)
		dumpPage(t, "inquiry_public_errors", body)
		for _, c := range []struct{ field, value, message string }{
			{"message", "", "Please tell us a little about what brings you here."},
			{"preferred_contact", "", "Please choose how you would like us to contact you."},
			{"phone", "call me", "Please give a phone number with its area code"},
			{"heard_from", "billboard", "Please choose one of the answers offered"},
		} {
			res, body := b.post("/p/harbour", with(inquiryForm(stamp), c.field, c.value))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			pageSays(t, body, c.message)
			pageHas(t, body, `value="grace.whitfield@example.net"`)
		}
		if n := s.count(`SELECT COUNT(*) FROM inquiry`); n != 0 {
			t.Fatalf("%d inquiries after refused forms; want 0", n)
		}

		res, body = b.post("/p/harbour", inquiryForm(stamp))
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Thank you for your message", "What happens next", "call or text 988")
		dumpPage(t, "inquiry_thanks", body)
		if n := s.count(`SELECT COUNT(*) FROM inquiry WHERE practice_id = ? AND name = 'Grace Whitfield' AND status = 'new'`, s.practice); n != 1 {
			t.Fatalf("%d inquiries stored; want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE chain = ? AND action = 'inquiry.create' AND actor_kind = 'anonymous'`, s.practice); n != 1 {
			t.Fatalf("%d inquiry.create entries; want 1", n)
		}
		thanks := body

		// A program that fills the honeypot gets the same page and writes
		// nothing; a form sent faster than most people type is asked for
		// again (TestAFormSentTooFastIsConfirmedNotDropped), writing nothing yet.
		before := [3]int{s.count(`SELECT COUNT(*) FROM inquiry`), s.count(`SELECT COUNT(*) FROM inquiry_attempt`), s.count(`SELECT COUNT(*) FROM audit_event`)}
		res, body = b.post("/p/harbour", with(inquiryForm(stamp), "website", "http://cheap-pills.example"))
		wantStatus(t, res, http.StatusOK)
		_, fresh := s.visitor()
		s.advance(time.Second)
		res, body2 := b.post("/p/harbour", inquiryForm(fresh))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body2, "Please check your message and press Send again")
		if requestless(body) != requestless(thanks) {
			t.Error("a refused program's thank-you page differs from a person's")
		}
		after := [3]int{s.count(`SELECT COUNT(*) FROM inquiry`), s.count(`SELECT COUNT(*) FROM inquiry_attempt`), s.count(`SELECT COUNT(*) FROM audit_event`)}
		if after != before {
			t.Fatalf("refused programs wrote something: %v, before %v", after, before)
		}
		// A form without a valid stamp (an old copy of the page) is kept
		// and asked for again.
		res, body = b.post("/p/harbour", with(inquiryForm("123.forged"), "name", "Grace W."))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Please send this again")
		pageHas(t, body, `value="Grace W."`)

		// The fifth inquiry from this address within the hour is the
		// last; the sixth is refused with a clear message, its words kept.
		for range inquiry.DefaultRateLimit - 1 {
			res, _ := b.post("/p/harbour", inquiryForm(stamp))
			wantStatus(t, res, http.StatusOK)
		}
		res, body = b.post("/p/harbour", with(inquiryForm(stamp), "message", "One more thing I forgot to say."))
		wantStatus(t, res, http.StatusTooManyRequests)
		pageSays(t, body, "We could not send this yet", "Please wait an hour and send it again")
		pageHas(t, body, "One more thing I forgot to say.</textarea>")
		dumpPage(t, "inquiry_rate_limited", body)
		if n := s.count(`SELECT COUNT(*) FROM inquiry`); n != inquiry.DefaultRateLimit {
			t.Fatalf("%d inquiries; want %d", n, inquiry.DefaultRateLimit)
		}
		s.advance(time.Hour)
		res, _ = b.post("/p/harbour", inquiryForm(stamp))
		wantStatus(t, res, http.StatusOK)

		// Nothing the person wrote reaches the server's log.
		logs := s.logs.String()
		for _, secret := range []string{"Grace", "grace.whitfield", "depression", "forgot"} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
	})
}

var requestIDPattern = regexp.MustCompile(`request [0-9a-f]{16}`)

func requestless(body string) string { return requestIDPattern.ReplaceAllString(body, "") }

func postJSON(t *testing.T, base, path, token string, v any) (*http.Response, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return doJSON(t, req)
}

func getJSON(t *testing.T, base, path, token string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return doJSON(t, req)
}

func doJSON(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res, out
}

func TestThePublicJSONEndpointFollowsTheSameRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		ok := map[string]any{"name": "Tomás Beltrán", "email": "tomas@example.org", "phone": "+1 555 0142", "preferred_contact": "phone",
			"message": "Could someone call me? Evenings are best.", "heard_from": "friend", "consent": true}
		res, out := postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", ok)
		if res.StatusCode != http.StatusAccepted || out["status"] != "received" {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		res, out = postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", map[string]any{"preferred_contact": "phone", "consent": false})
		errs, _ := out["errors"].(map[string]any)
		if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" ||
			errs["name"] == nil || errs["email"] == nil || errs["phone"] == nil || errs["message"] == nil || errs["consent"] == nil {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		honey := map[string]any{"website": "x"}
		for k, v := range ok {
			honey[k] = v
		}
		res, out = postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", honey)
		if res.StatusCode != http.StatusAccepted || out["status"] != "received" {
			t.Fatalf("the honeypot: %d %v", res.StatusCode, out)
		}
		res, _ = postJSON(t, s.srv.URL, "/api/v1/practices/nowhere/inquiries", "", ok)
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown practice: %d", res.StatusCode)
		}
		res, out = postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", map[string]any{"nmae": "typo"})
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || errs["nmae"] == nil {
			t.Fatalf("an unknown field: %d %v; want 422 naming it", res.StatusCode, out)
		}
		for range inquiry.DefaultRateLimit - 1 {
			postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", ok)
		}
		res, _ = postJSON(t, s.srv.URL, "/api/v1/practices/harbour/inquiries", "", ok)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("over the limit: %d", res.StatusCode)
		}
		if n := s.count(`SELECT COUNT(*) FROM inquiry`); n != inquiry.DefaultRateLimit {
			t.Fatalf("%d inquiries; want %d (the honeypot's not among them)", n, inquiry.DefaultRateLimit)
		}
	})
}

// submitted files an inquiry as the public form does and returns its id.
func (s *inquirySite) submitted(name, email string) string {
	s.t.Helper()
	svc := &inquiry.Door{Access: s.svc, Now: s.clk.Now}
	id, err := svc.Submit(context.Background(), "harbour", inquiry.Submission{Name: name, Email: email, PreferredContact: "email",
		Message: "I would like to learn about KAP.", Consent: true}, name)
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}
