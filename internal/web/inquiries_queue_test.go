package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestStaffAnswerDeclineAndConvertInquiries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		grace := s.submitted("Grace Whitfield", "grace@example.net")
		s.advance(time.Hour)
		leah := s.submitted("Leah Kowalski", "leah@example.org")
		sam := s.signIn("sam@harbour.test")

		res, body := sam.get("/inquiries")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Grace Whitfield", "Leah Kowalski", "I would like to learn about KAP.")
		if strings.Index(body, "Leah Kowalski") > strings.Index(body, "Grace Whitfield") {
			t.Error("the queue is not newest first")
		}
		dumpPage(t, "inquiries", body)
		res, body = sam.get("/inquiries?status=declined")
		wantStatus(t, res, http.StatusOK)
		pageSaysNot(t, body, "Grace Whitfield")
		pageSays(t, body, "No inquiries with this status.")

		res, body = sam.get("/inquiries/" + grace)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Inquiry from Grace Whitfield", "I would like to learn about KAP.", "Reply by email", "Take on as a client", "Decline")
		pageHas(t, body, `value="Grace Whitfield"`, `value="grace@example.net"`, `<option value="`+s.therapist+`" selected>Sam Okafor</option>`)
		dumpPage(t, "inquiry", body)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND record_type = 'inquiry' AND record_id = ? AND outcome = 'allowed'`, s.therapist, grace); n != 1 {
			t.Fatalf("%d audited reads of the inquiry; want 1", n)
		}

		// A reply needs a subject and a message; it is emailed and kept.
		res, body = sam.post("/inquiries/"+grace+"/reply", url.Values{"subject": {""}, "message": {"Could we talk on Tuesday?"}})
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
		clientID := idOf(t, db, `SELECT client_id FROM inquiry WHERE id = ?`, grace)
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
		res, _ = sam.get("/clients/" + clientID)
		wantStatus(t, res, http.StatusOK)
	})
}

func TestOnlyStaffWhoTakeOnClientsSeeTheQueueOfTheirOwnPractice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
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
		res, body := other.get("/inquiries")
		wantStatus(t, res, http.StatusOK)
		pageSaysNot(t, body, "Grace")
		res, body = other.get("/inquiries/" + grace)
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		owner := s.signIn("ana@harbour.test")
		res, body := owner.get("/admin/practice-page")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "http://holdspace.test/p/harbour", "Ketamine-assisted psychotherapy at Harbour Light")
		pageHas(t, body, "The page shows holdspace's default text.")
		pageHas(t, body, `aria-current="page">Public page</a>`)
		dumpPage(t, "practice_page", body)
		res, body = owner.post("/admin/practice-page", url.Values{"heading": {"Our way of working"}, "body": {" "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Write the text of the page, or restore holdspace's default text.")
		pageHas(t, body, `aria-invalid="true"`)
		pageHas(t, body, `value="Our way of working"`)
		res, _ = owner.post("/admin/practice-page", url.Values{"heading": {"Our way of working"}, "body": {"At Harbour Light we go slowly.\r\n\r\nWho we are\r\n\r\n<b>Three</b> clinicians."}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = owner.follow(res)
		pageSays(t, body, "The public page is saved.")
		res, body = owner.get("/p/harbour")
		wantStatus(t, res, http.StatusOK)
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
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
