package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/config"
	"holdspace/internal/notify"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		"POST /inquiries/{id}/contacts":    {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /admin/practice-page/notify": {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		srv := smtptest.Start(t)
		send := func(name string) string {
			b, stamp := s.visitor()
			s.advance(20 * time.Second)
			res, _ := b.post("/p/harbour", with(inquiryForm(stamp), "name", name))
			wantStatus(t, res, http.StatusOK)
			var id string
			if err := db.Read(context.Background(), func(tx *store.Tx) error {
				return tx.QueryRow(context.Background(), `SELECT id FROM inquiry WHERE name = ?`, name).Scan(&id)
			}); err != nil {
				t.Fatal(err)
			}
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
		b, stamp := s.visitor()
		s.advance(20 * time.Second)
		res, _ := b.post("/p/harbour", inquiryForm(stamp))
		wantStatus(t, res, http.StatusOK)
		var id string
		db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT id FROM inquiry`).Scan(&id)
		})
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newInquirySite(t, db)
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
