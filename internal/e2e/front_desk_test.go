package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// allowForbidden lets the browser note that the document at path answered
// 403, for a test that opens a refused address on purpose.
func allowForbidden(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	allowProblem(t, ctx, `^network error: Failed to load resource: the server responded with a status of 403 \(Forbidden\) \(https?://[^/]+`+regexp.QuoteMeta(path)+`\)$`)
}

// The front desk (issue 13): a receptionist signs in, finds a client's
// phone number, books them an appointment, and cannot open the chart's
// clinical parts even by typing the address.
func TestTheFrontDeskFindsAPhoneNumberBooksAndCannotOpenTheChart(t *testing.T) {
	s := startHoldspace(t)
	const desk = "frontdesk@stillwater.example"
	b := signedIn(t, s, desk, "")

	// Home is the day's calendar; the navigation has nothing clinical.
	if p, _, _ := strings.Cut(currentPath(t, b), "?"); p != "/calendar" {
		t.Fatalf("the front desk's home is %s; want the calendar", p)
	}
	screenshot(t, b, "front-desk-home")
	for _, clinical := range []string{"/courses", "/alerts", "/outcomes", "/admin/audit", "/admin/staff", "/admin/settings"} {
		if n := count(t, b, fmt.Sprintf(`nav a[href=%q]`, clinical)); n != 0 {
			t.Errorf("the front desk's navigation links to %s", clinical)
		}
	}

	// The client list, then Alex's contact details.
	clickLink(t, b, "Clients")
	waitText(t, b, "Clients of the practice")
	clickLink(t, b, "Alex (Alex Rivera)")
	waitText(t, b, "How to reach Alex")
	waitText(t, b, "+1 555 0101")
	contact := currentPath(t, b)
	if !strings.HasSuffix(contact, "/contact") {
		t.Fatalf("the client's link took the front desk to %s; want the contact view", contact)
	}
	alex := strings.TrimSuffix(strings.TrimPrefix(contact, "/clients/"), "/contact")
	page := textOf(t, b, "main")
	for _, clinical := range []string{"Readiness", "Screening", "Intake", "Safety plan", "Session record", "Questionnaires", "mg"} {
		if strings.Contains(page, clinical) {
			t.Errorf("the contact view shows %q", clinical)
		}
	}
	screenshot(t, b, "front-desk-contact")

	// A consultation with Sam in three weeks, within his hours.
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	day := s.now().In(zone).AddDate(0, 0, 21)
	for day.Weekday() != time.Wednesday {
		day = day.AddDate(0, 0, 1)
	}
	start := day.Format("2006-01-02") + "T15:30"
	clickLink(t, b, "Book an appointment")
	waitText(t, b, "Book an appointment")
	fill(t, b, "kind", "consultation")
	setValue(t, b, `input[name="start"]`, start)
	fill(t, b, "room", "Willow room")
	if strings.Contains(textOf(t, b, "#f-staff"), "Dana Whitfield") {
		t.Error("the booking form offers the front desk as a clinician to book")
	}
	checkBoxLabelled(t, b, "Sam Okafor")
	screenshot(t, b, "front-desk-booking")
	clickButton(t, b, "Book")
	waitText(t, b, "Consultation")
	screenshot(t, b, "front-desk-booked")
	if n := count(t, b, `main a[href*="/courses/"], main a[href*="/sessions/"]`); n != 0 {
		t.Errorf("the appointment page links the front desk to %d course or session records", n)
	}
	visit(t, b, s.at(contact))
	waitText(t, b, day.Format("Mon 2 Jan 2006")+", 15:30")

	// The chart's address shows the contact view; its parts are refused
	// with a page that says what is the front desk's.
	visit(t, b, s.at("/clients/"+alex))
	if p := currentPath(t, b); p != contact {
		t.Errorf("the chart's address took the front desk to %s; want %s", p, contact)
	}
	for _, part := range []string{"/intake", "/screening", "/safety-plan", "/measures", "/details", "/disclosures"} {
		path := "/clients/" + alex + part
		allowForbidden(t, b, path)
		resp := visit(t, b, s.at(path))
		if resp.Status != 403 {
			t.Errorf("%s as the front desk: %d; want 403", part, resp.Status)
		}
		waitText(t, b, "The chart is for the care team")
	}
	screenshot(t, b, "front-desk-refused")
	clickLink(t, b, "Open the contact details")
	waitText(t, b, "+1 555 0101")

	// The new pages at a phone's, a tablet's and a desk's width.
	for _, w := range []int{390, 820, 1280} {
		v := signedIn(t, s, desk, "", withWindow(w, 900))
		visit(t, v, s.at(contact+"?edit=1"))
		waitText(t, v, "Correct the contact details")
		screenshot(t, v, fmt.Sprintf("front-desk-contact-%d", w))
		allowForbidden(t, v, "/clients/"+alex+"/intake")
		visit(t, v, s.at("/clients/"+alex+"/intake"))
		waitText(t, v, "The chart is for the care team")
		screenshot(t, v, fmt.Sprintf("front-desk-refused-%d", w))
	}
}

// checkBoxLabelled ticks the checkbox whose label reads text.
func checkBoxLabelled(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	n := one(t, ctx, fmt.Sprintf(`//label[contains(normalize-space(.), %s)]/input[@type="checkbox"]`, xpathLiteral(text)), "a checkbox labelled "+text)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("ticking %s: %v", text, err)
	}
}
