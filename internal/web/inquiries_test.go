package web_test

import (
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
	"holdspace/internal/config"
	"holdspace/internal/inquiry"
	"holdspace/internal/notify"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
	"holdspace/internal/syncbuf"
)

// What each actor gets from the inquiry routes. The route test puts the
// demo client's id where {id} is (no inquiry has it) and keeps {slug} as
// written (no practice has it): the public routes answer 404 to all, the
// queue's records 404 to those who may use the queue and 403 to the rest.
// The tests below walk the same routes with real inquiries.
func init() {
	addRoutes(map[string][]string{
		// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice
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
		"POST /inquiries/{id}/contacts":       {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /admin/practice-page/notify":    {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
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
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
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
	return sendJSON(t, http.MethodPost, base+path, token, "application/json", string(b))
}

func getJSON(t *testing.T, base, path, token string) (*http.Response, map[string]any) {
	t.Helper()
	return sendJSON(t, http.MethodGet, base+path, token, "", "")
}

func TestThePublicJSONEndpointFollowsTheSameRules(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
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

func TestStaffAnswerDeclineAndConvertInquiries(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		grace := s.submitted("Grace Whitfield", "grace@example.net")
		s.advance(time.Hour)
		leah := s.submitted("Leah Kowalski", "leah@example.org")
		sam := s.signIn("sam@harbour.test")

		body := sam.getOK(t, "/inquiries")
		pageSays(t, body, "Grace Whitfield", "Leah Kowalski", "I would like to learn about KAP.")
		if strings.Index(body, "Leah Kowalski") > strings.Index(body, "Grace Whitfield") {
			t.Error("the queue is not newest first")
		}
		dumpPage(t, "inquiries", body)
		body = sam.getOK(t, "/inquiries?status=declined")
		pageSaysNot(t, body, "Grace Whitfield")
		pageSays(t, body, "No inquiries with this status.")

		body = sam.getOK(t, "/inquiries/"+grace)
		pageSays(t, body, "Inquiry from Grace Whitfield", "I would like to learn about KAP.", "Reply by email", "Take on as a client", "Decline")
		pageHas(t, body, `value="Grace Whitfield"`, `value="grace@example.net"`, `<option value="`+s.therapist+`" selected>Sam Okafor</option>`)
		dumpPage(t, "inquiry", body)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND record_type = 'inquiry' AND record_id = ? AND outcome = 'allowed'`, s.therapist, grace); n != 1 {
			t.Fatalf("%d audited reads of the inquiry; want 1", n)
		}

		// A reply needs a subject and a message; it is emailed and kept.
		res, body := sam.post("/inquiries/"+grace+"/reply", url.Values{"subject": {""}, "message": {"Could we talk on Tuesday?"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the email a subject.", "Could we talk on Tuesday?")
		pageHas(t, body, `<details class="card action" id="reply" open>`)
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`); n != 0 {
			t.Fatalf("%d emails after a refused reply", n)
		}
		res, _ = sam.post("/inquiries/"+grace+"/reply", url.Values{"subject": {"Your message to Harbour Light"}, "message": {"Could we talk on Tuesday?"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Your reply is on its way by email", "Replied", "Could we talk on Tuesday?")
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = 'grace@example.net' AND subject = 'Your message to Harbour Light' AND body_text LIKE '%Sam Okafor%'`); n != 1 {
			t.Fatalf("%d replies in the outbox; want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM inquiry WHERE id = ? AND status = 'replied'`, grace); n != 1 {
			t.Fatal("the inquiry is not marked replied")
		}

		// Declining needs a reason; the note typed is kept when refused.
		res, body = sam.post("/inquiries/"+leah+"/decline", url.Values{"reason": {""}, "notify": {"on"}, "decline_subject": {"Your message"},
			"decline_message": {"Dear Leah, thank you."}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the reason for declining.")
		pageHas(t, body, "Dear Leah, thank you.</textarea>", `<details class="card action" id="decline" open>`)
		res, _ = sam.post("/inquiries/"+leah+"/decline", url.Values{"reason": {"Lives in Oregon; we are licensed in New York only."}, "notify": {"on"},
			"decline_subject": {"Your message"}, "decline_message": {"Dear Leah, thank you."}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "The inquiry is declined, and your note to the person is on its way by email.", "Lives in Oregon; we are licensed in New York only.")
		dumpPage(t, "inquiry_declined", body)
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = 'leah@example.org' AND body_text NOT LIKE '%Oregon%'`); n != 1 {
			t.Fatal("the decline note is not queued, or carries the reason")
		}
		res, _ = sam.post("/inquiries/"+leah+"/decline", url.Values{"reason": {"again"}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = sam.follow(res)
		pageSays(t, body, "This inquiry is no longer open")

		// Converting: a refused form keeps everything and writes nothing.
		counts := func() [4]int {
			return [4]int{s.count(`SELECT COUNT(*) FROM client`), s.count(`SELECT COUNT(*) FROM account WHERE kind = 'client'`),
				s.count(`SELECT COUNT(*) FROM care_team`), s.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`)}
		}
		before := counts()
		res, body = sam.post("/inquiries/"+grace+"/convert", url.Values{"legal_name": {"Grace Whitfield"}, "preferred_name": {"Gracie"},
			"date_of_birth": {"1990-13-01"}, "email": {"grace@example.net"}, "therapist_id": {s.therapist}, "prescriber_id": {""}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the date of birth as year-month-day", "Choose the client's prescriber.")
		pageHas(t, body, `value="Gracie"`, `value="1990-13-01"`, `<details class="card action" id="convert" open>`)
		dumpPage(t, "inquiry_convert_errors", body)
		// An address that another account uses fails only after the client
		// and care team are written: all of it is undone.
		res, body = sam.post("/inquiries/"+grace+"/convert", url.Values{"legal_name": {"Grace Whitfield"}, "email": {"priya@harbour.test"},
			"therapist_id": {s.therapist}, "prescriber_id": {s.prescriber}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Another account already uses this email address.")
		if after := counts(); after != before {
			t.Fatalf("a refused conversion left %v; before %v", after, before)
		}
		res, _ = sam.post("/inquiries/"+grace+"/convert", url.Values{"legal_name": {"Grace Whitfield"}, "preferred_name": {"Gracie"},
			"date_of_birth": {"1990-03-01"}, "email": {"Grace@Example.net"}, "phone": {"+1 555 010 4477"}, "therapist_id": {s.therapist}, "prescriber_id": {s.prescriber}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Grace Whitfield is now a client, with a care team. The portal invitation is on its way to grace@example.net",
			"This inquiry became a client")
		pageHas(t, body, `">Open the client's record</a>`)
		dumpPage(t, "inquiry_converted", body)
		clientID := idOf(t, s.db, `SELECT client_id FROM inquiry WHERE id = ?`, grace)
		if n := s.count(`SELECT COUNT(*) FROM client WHERE id = ? AND legal_name = 'Grace Whitfield' AND preferred_name = 'Gracie' AND email = 'grace@example.net'`, clientID); n != 1 {
			t.Fatal("the client is not linked to the inquiry")
		}
		if n := s.count(`SELECT COUNT(*) FROM care_team WHERE client_id = ?`, clientID); n != 2 {
			t.Fatalf("%d on the care team; want therapist and prescriber", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = 'grace@example.net' AND subject = 'Your invitation to Harbour Light'`); n != 1 {
			t.Fatal("no portal invitation queued")
		}
		for _, action := range []string{"client.create", "inquiry.convert", "account.invite", "care_team.add"} {
			if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE chain = ? AND actor_id = ? AND action = ? AND client_id = ?`, s.practice, s.therapist, action, clientID); n < 1 {
				t.Errorf("no %s entry on the trail", action)
			}
		}
		// As a member of the care team, Sam opens the new chart.
		sam.getOK(t, "/clients/"+clientID)
	})
}

func TestOnlyStaffWhoTakeOnClientsSeeTheQueueOfTheirOwnPractice(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		grace := s.submitted("Grace Whitfield", "grace@example.net")
		monitor := s.signIn("jordan@harbour.test")
		for _, path := range []string{"/inquiries", "/inquiries/" + grace} {
			res, body := monitor.get(path)
			wantStatus(t, res, http.StatusForbidden)
			pageSays(t, body, "monitors cannot take on clients")
			pageSaysNot(t, body, "Grace")
		}
		for _, action := range []string{"reply", "decline", "convert"} {
			res, _ := monitor.post("/inquiries/"+grace+"/"+action, url.Values{"subject": {"s"}, "message": {"m"}, "reason": {"r"}})
			wantStatus(t, res, http.StatusForbidden)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, s.monitor); n != 5 {
			t.Errorf("%d refusals on the trail; want 5", n)
		}
		other := s.signIn("owner@elsewhere.test")
		body := other.getOK(t, "/inquiries")
		pageSaysNot(t, body, "Grace")
		res, body := other.get("/inquiries/" + grace)
		wantStatus(t, res, http.StatusNotFound)
		pageSaysNot(t, body, "Grace")
		for _, action := range []string{"reply", "decline", "convert"} {
			res, _ := other.post("/inquiries/"+grace+"/"+action, url.Values{"subject": {"s"}, "message": {"m"}, "reason": {"r"}})
			wantStatus(t, res, http.StatusNotFound)
		}
		if n := s.count(`SELECT COUNT(*) FROM inquiry WHERE id = ? AND status = 'new'`, grace) + s.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`); n != 1 {
			t.Fatal("the inquiry was changed from outside")
		}
	})
}

func TestTheOwnerWritesThePublicPage(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		owner := s.signIn("ana@harbour.test")
		body := owner.getOK(t, "/admin/practice-page")
		pageSays(t, body, "http://holdspace.test/p/harbour", "Ketamine-assisted psychotherapy at Harbour Light")
		pageHas(t, body, "The page shows holdspace's default text.")
		pageHas(t, body, `aria-current="page">Public page</a>`)
		dumpPage(t, "practice_page", body)
		res, body := owner.post("/admin/practice-page", url.Values{"heading": {"Our way of working"}, "body": {" "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Write the text of the page, or restore holdspace's default text.")
		pageHas(t, body, `aria-invalid="true"`)
		pageHas(t, body, `value="Our way of working"`)
		res, _ = owner.post("/admin/practice-page", url.Values{"heading": {"Our way of working"}, "body": {"At Harbour Light we go slowly.\r\n\r\nWho we are\r\n\r\n<b>Three</b> clinicians."}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = owner.follow(res)
		pageSays(t, body, "The public page is saved.")
		body = owner.getOK(t, "/p/harbour")
		pageHas(t, body, "<h1>Our way of working</h1>", "<p>At Harbour Light we go slowly.</p>", "<h2>Who we are</h2>", "&lt;b&gt;Three&lt;/b&gt; clinicians.")
		pageSays(t, body, "This form is not for emergencies")
		res, _ = owner.post("/admin/practice-page", url.Values{"op": {"default"}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = owner.get("/p/harbour")
		pageSays(t, body, "Ketamine-assisted psychotherapy at Harbour Light")
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'settings.practice_page' AND actor_id = ?`, s.ownerID); n != 2 {
			t.Fatalf("%d page changes on the trail; want 2", n)
		}
		// A therapist may read the page like anyone, not change it.
		sam := s.signIn("sam@harbour.test")
		for _, form := range []url.Values{nil, {"heading": {"Mine"}, "body": {"Mine."}}, {}} {
			var res *http.Response
			var body string
			denials := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, s.therapist)
			if form == nil {
				res, body = sam.get("/admin/practice-page")
			} else {
				res, body = sam.post("/admin/practice-page", form)
			}
			wantStatus(t, res, http.StatusForbidden)
			pageSays(t, body, "Only the practice's owner or administrators may do this.")
			if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, s.therapist); n != denials+1 {
				t.Errorf("%d refusals on the trail after one refused request; want %d", n, denials+1)
			}
		}
		if n := s.count(`SELECT COUNT(*) FROM practice_page`); n != 0 {
			t.Fatal("a therapist changed the page")
		}
	})
}

func TestTheQueueThroughTheJSONAPI(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		grace := s.submitted("Grace Whitfield", "grace@example.net")
		owner, monitor := s.apiToken(s.ownerID), s.apiToken(s.monitor)
		res, out := getJSON(t, s.srv.URL, "/api/v1/inquiries?status=new", owner)
		list, _ := out["inquiries"].([]any)
		if res.StatusCode != http.StatusOK || len(list) != 1 {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		res, _ = getJSON(t, s.srv.URL, "/api/v1/inquiries?status=maybe", owner)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res, out = getJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace, owner)
		if res.StatusCode != http.StatusOK || out["name"] != "Grace Whitfield" || out["status"] != "new" {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		res, _ = getJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace, monitor)
		wantStatus(t, res, http.StatusForbidden)

		res, out = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/decline", owner, map[string]any{"notify": true})
		errs, _ := out["errors"].(map[string]any)
		if res.StatusCode != http.StatusUnprocessableEntity || errs["reason"] == nil || errs["subject"] == nil || errs["message"] == nil {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		res, out = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/reply", owner, map[string]any{"subject": "Hello", "message": "Shall we talk?"})
		if res.StatusCode != http.StatusOK || out["status"] != "replied" {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		convert := map[string]any{"legal_name": "Grace Whitfield", "email": "grace@example.net", "therapist_id": s.therapist, "prescriber_id": s.prescriber}
		res, _ = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/convert", monitor, convert)
		wantStatus(t, res, http.StatusForbidden)
		res, out = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/convert", owner, convert)
		inq, _ := out["inquiry"].(map[string]any)
		if res.StatusCode != http.StatusCreated || out["client_id"] == "" || inq["client_id"] != out["client_id"] || inq["status"] != "converted" {
			t.Fatalf("%d %v", res.StatusCode, out)
		}
		if !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/clients/") {
			t.Errorf("Location %q", res.Header.Get("Location"))
		}
		res, _ = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/convert", owner, convert)
		wantStatus(t, res, http.StatusConflict)
		res, _ = postJSON(t, s.srv.URL, "/api/v1/inquiries/"+grace+"/decline", owner, map[string]any{"reason": "no"})
		wantStatus(t, res, http.StatusConflict)
	})
}

// deliver sends the outbox through the in-process SMTP server, as the
// running holdspace's worker does, and returns what arrived.
func (s *inquirySite) deliver(t *testing.T, srv *smtptest.Server) []smtptest.Received {
	t.Helper()
	sender, err := notify.NewSender(config.SMTP{Host: srv.Host(), Port: srv.Port(), From: "holdspace@harbour.test"}, s.clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	w := &notify.Worker{DB: s.db, Sender: sender, From: "holdspace@harbour.test", Keys: s.svc.Keys, Now: s.clk.Now}
	if _, _, err := w.DrainOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv.Messages()
}

func to(ms []smtptest.Received, address string) []smtptest.Received {
	var out []smtptest.Received
	for _, m := range ms {
		for _, a := range m.To {
			if strings.EqualFold(a, address) {
				out = append(out, m)
			}
		}
	}
	return out
}

// Staff are told of a new inquiry by email: by default the owner and
// administrators, else those the practice chose on the public page's
// settings. The email says only that one arrived, with its link.
func TestStaffAreToldOfANewInquiryWithNothingOfItInTheEmail(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		srv := smtptest.Start(t)
		send := func(name string) string {
			b, stamp := s.visitor()
			s.advance(20 * time.Second)
			res, _ := b.post("/p/harbour", with(inquiryForm(stamp), "name", name))
			wantStatus(t, res, http.StatusOK)
			id := idOf(t, s.db, `SELECT id FROM inquiry WHERE name = ?`, name)
			return id
		}
		first := send("Grace Whitfield")
		got := s.deliver(t, srv)
		owner := to(got, "ana@harbour.test")
		if len(owner) != 1 || len(to(got, "sam@harbour.test")) != 0 {
			t.Fatalf("by default the owner alone is told: %d to the owner, %d to Sam", len(owner), len(to(got, "sam@harbour.test")))
		}
		m := owner[0]
		if !strings.Contains(m.Text, "http://holdspace.test/inquiries/"+first) {
			t.Errorf("the email has no link to the inquiry:\n%s", m.Text)
		}
		for _, secret := range []string{"Grace", "Whitfield", "grace.whitfield", "depression", "psychiatrist", "KAP"} {
			if strings.Contains(m.Subject+m.Text+string(m.Data), secret) {
				t.Errorf("the email carries %q of the inquiry:\n%s", secret, m.Data)
			}
		}

		// The owner chooses Sam and Priya instead; a monitor, who may not
		// open inquiries, cannot be chosen.
		owner2 := s.signIn("ana@harbour.test")
		res, body := owner2.post("/admin/practice-page/notify", url.Values{"notify": {s.monitor}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Choose from the staff listed")
		res, _ = owner2.post("/admin/practice-page/notify", url.Values{"notify": {s.therapist, s.prescriber}})
		wantStatus(t, res, http.StatusSeeOther)
		_, page := owner2.get("/admin/practice-page")
		pageSays(t, page, "Who is told of a new inquiry")
		pageHas(t, page, `value="`+s.therapist+`" checked`)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.notify'`); n != 1 {
			t.Errorf("%d inquiry.notify entries on the trail; want 1", n)
		}
		send("Hal Porter")
		got = s.deliver(t, srv)
		if len(to(got, "sam@harbour.test")) != 1 || len(to(got, "priya@harbour.test")) != 1 || len(to(got, "ana@harbour.test")) != 1 {
			t.Errorf("after the choice: Sam %d, Priya %d, the owner %d (still the one earlier email); want 1, 1, 1",
				len(to(got, "sam@harbour.test")), len(to(got, "priya@harbour.test")), len(to(got, "ana@harbour.test")))
		}
	})
}

// A call or message to the person is logged on the inquiry: who, when, how
// and a note, shown in its history and on the trail.
func TestACallToThePersonIsLoggedOnTheInquiry(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		b, stamp := s.visitor()
		s.advance(20 * time.Second)
		res, _ := b.post("/p/harbour", inquiryForm(stamp))
		wantStatus(t, res, http.StatusOK)
		id := idOf(t, s.db, `SELECT id FROM inquiry`)
		sam := s.signIn("sam@harbour.test")
		_, page := sam.get("/inquiries/" + id)
		pageSays(t, page, "No call or message has been logged yet.", "Log a call or message")
		// A note is needed, and what was typed is kept.
		res, page = sam.post("/inquiries/"+id+"/contacts", url.Values{"method": {"phone"}, "note": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, page, "Write what happened")
		pageHas(t, page, `<option value="phone" selected`)
		res, _ = sam.post("/inquiries/"+id+"/contacts", url.Values{"method": {"fax"}, "note": {"Sent a fax."}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res, _ = sam.post("/inquiries/"+id+"/contacts", url.Values{"method": {"phone"}, "note": {"Left a voicemail offering Thursday at 10."}})
		wantStatus(t, res, http.StatusSeeOther)
		_, page = sam.get("/inquiries/" + id)
		pageSays(t, page, "Phone call", "Left a voicemail offering Thursday at 10.", "Sam Okafor", "Mon 23 Nov 2026")
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.contact' AND actor_id = ? AND reason = 'phone'`, s.therapist); n != 1 {
			t.Errorf("%d inquiry.contact entries on the trail; want 1", n)
		}
		// A monitor may not, and another practice does not see the inquiry.
		res, _ = s.signIn("jordan@harbour.test").post("/inquiries/"+id+"/contacts", url.Values{"method": {"phone"}, "note": {"x"}})
		wantStatus(t, res, http.StatusForbidden)
		res, _ = s.signIn("owner@elsewhere.test").post("/inquiries/"+id+"/contacts", url.Values{"method": {"phone"}, "note": {"x"}})
		wantStatus(t, res, http.StatusNotFound)
		if n := s.count(`SELECT COUNT(*) FROM inquiry_contact`); n != 1 {
			t.Errorf("%d contacts logged; want 1", n)
		}
	})
}

var confirmPattern = regexp.MustCompile(`name="confirm" value="([^"]+)"`)

// A person who fills the form quickly (or whose browser fills it) is not
// told "thank you" for a message nobody will read: the form comes back
// with everything typed and asks them to send it again, and that second
// send is accepted however quickly it follows.
func TestAFormSentTooFastIsConfirmedNotDropped(t *testing.T) {
	each(t, newInquirySite, func(t *testing.T, s *inquirySite) {
		b, stamp := s.visitor()
		s.advance(time.Second)
		res, body := b.post("/p/harbour", with(inquiryForm(stamp), "name", "Grace Quick"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Please check your message and press Send again")
		pageSaysNot(t, body, "Thank you for your message")
		pageHas(t, body, `value="Grace Quick"`, "My psychiatrist mentioned KAP.</textarea>", `name="consent" value="yes" checked`)
		if n := s.count(`SELECT COUNT(*) FROM inquiry`); n != 0 {
			t.Fatalf("%d inquiries stored before the confirmation; want 0", n)
		}
		m := confirmPattern.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the form shown again carries no confirmation")
		}
		again := stampPattern.FindStringSubmatch(body)
		// A forged confirmation does not pass the timer.
		res, body = b.post("/p/harbour", with(inquiryForm(html.UnescapeString(again[1])), "name", "Grace Quick", "confirm", "1.forged"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Please check your message and press Send again")
		// Pressed again at once, with the confirmation: accepted.
		res, body = b.post("/p/harbour", with(inquiryForm(html.UnescapeString(again[1])), "name", "Grace Quick", "confirm", html.UnescapeString(m[1])))
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Thank you for your message")
		if n := s.count(`SELECT COUNT(*) FROM inquiry WHERE name = 'Grace Quick'`); n != 1 {
			t.Fatalf("%d inquiries stored after the confirmation; want 1", n)
		}
		// The honeypot stays silent, confirmation or not.
		res, body = b.post("/p/harbour", with(inquiryForm(html.UnescapeString(again[1])), "website", "http://cheap.example", "confirm", html.UnescapeString(m[1])))
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Thank you for your message")
		if n := s.count(`SELECT COUNT(*) FROM inquiry`); n != 1 {
			t.Fatalf("%d inquiries after a filled honeypot; want 1", n)
		}
	})
}
