package web_test

import (
	"html"
	"net/http"
	"regexp"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

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
