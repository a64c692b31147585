package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/alert"
	"holdspace/internal/demo"
	"holdspace/internal/measure"
	"holdspace/internal/notify/smtptest"
)

// Issue 6 "done when", in the browser: Alex completes the PHQ-9 scheduled
// before medicine session 5 on a phone, with item 9 positive, and sees the
// crisis resources at once; Sam, the therapist on the care team, gets the
// alert by email and sees the banner; nobody acknowledges it for an hour
// of business hours, so it escalates to the prescriber and the owner by
// email; Sam acknowledges it with the action taken, the banner goes, and
// Alex's questionnaires page shows the score.
//
// The demo is loaded on a Monday at noon in the practice's zone, so
// session 4 is under way and session 5 is on Thursday at 10:00; its
// PHQ-9 opens two days before, and the test moves the clock to Tuesday
// 10:00. The app's safety worker escalates on the site's clock, but only
// once a minute of real time, and the questionnaire worker every ten: the
// test runs one pass of each itself (Tick) at the moments that matter.
func TestAPositiveItem9ReachesAPersonAndEscalatesWhenLeft(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		zone, err := time.LoadLocation("America/New_York") // the demo practice's
		if err != nil {
			t.Fatal(err)
		}
		monday := nextMonday(time.Now().In(zone))
		clock := newClock(monday.Add(12 * time.Hour))
		srv := smtptest.Start(t)
		s := startHoldspace(t, db, withMail(srv), withClock(clock))
		if s == nil {
			return
		}
		ctx := context.Background()
		safetyWorker := &alert.Worker{DB: s.App.DB, BaseURL: s.URL}
		tickSafety := func(at time.Time) {
			t.Helper()
			if _, err := safetyWorker.Tick(ctx, at); err != nil {
				t.Fatalf("safety worker at %s: %v", at.In(zone).Format("Mon 15:04"), err)
			}
			s.App.Mail.Wake()
		}

		// 1. Tuesday 10:00: the PHQ-9 before session 5 is open, and the
		// questionnaire worker emails Alex a link to the portal.
		tuesday10 := monday.AddDate(0, 0, 1).Add(10 * time.Hour)
		clock.Set(tuesday10)
		msrWorker := &measure.Worker{DB: s.App.DB, BaseURL: s.URL}
		if _, err := msrWorker.Tick(ctx, clock.Now()); err != nil {
			t.Fatalf("questionnaire worker: %v", err)
		}
		s.App.Mail.Wake()
		ready := waitMailWith(t, srv, "alex@client.example", "A short questionnaire is ready")
		portalLink := regexp.MustCompile(`https?://\S+/portal/measures`).FindString(ready.Text)
		if portalLink == "" {
			t.Fatalf("no portal link in the questionnaire email:\n%s", ready.Text)
		}

		// 2. Alex, on a phone, follows the link, signs in and starts it.
		phone := newBrowser(t, withWindow(390, 844))
		visit(t, phone, portalLink)
		submitSignIn(t, phone, "alex@client.example", demo.Password)
		waitText(t, phone, "Ready for you")
		if p := currentPath(t, phone); p != "/portal/measures" {
			t.Fatalf("the emailed link led Alex to %s, want /portal/measures", p)
		}
		waitText(t, phone, "Patient Health Questionnaire")
		waitText(t, phone, "Before medicine session 5")
		screenshot(t, phone, "portal-due")
		clickButton(t, phone, "Start")
		waitText(t, phone, "Save and come back later")

		// Half of it, saved to finish later, as on a bus.
		answers := []string{"More than half the days", "More than half the days", "Several days", "More than half the days",
			"Several days", "Several days", "Several days", "Not at all"}
		for i, a := range answers[:4] {
			chooseAnswer(t, phone, fmt.Sprintf("phq9_%d", i+1), a)
		}
		screenshot(t, phone, "phq9-half")
		clickButton(t, phone, "Save and come back later")
		waitText(t, phone, "Your answers are saved.")
		waitText(t, phone, "started, not yet sent")
		clickLink(t, phone, "Continue")
		waitText(t, phone, "Save and come back later")
		if n := count(t, phone, `input[type=radio]:checked`); n != 4 {
			t.Fatalf("%d answers kept from the saved draft, want 4", n)
		}
		for i, a := range answers[4:] {
			chooseAnswer(t, phone, fmt.Sprintf("phq9_%d", i+5), a)
		}
		chooseAnswer(t, phone, "phq9_9", "Several days")
		chooseAnswer(t, phone, "phq9_difficulty", "Somewhat difficult")
		if wide, err := scrollsSideways(phone); err != nil || wide {
			t.Errorf("the questionnaire scrolls sideways on a phone (%v)", err)
		}
		screenshot(t, phone, "phq9-filled")
		clickButton(t, phone, "Review my answers")
		waitText(t, phone, "Check your answers")
		clickButton(t, phone, "Send my answers")

		// At once: the crisis resources, in the practice's words.
		waitText(t, phone, "Thank you for telling us.")
		for _, want := range []string{"988 Suicide & Crisis Lifeline: call or text 988", "Veterans Crisis Line",
			"call 911 or go to the nearest emergency room", "In danger right now? Call 911.", "Open my safety plan"} {
			waitText(t, phone, want)
		}
		if wide, err := scrollsSideways(phone); err != nil || wide {
			t.Errorf("the crisis resources scroll sideways on a phone (%v)", err)
		}
		screenshot(t, phone, "crisis-resources")
		clickLink(t, phone, "Open my safety plan")
		waitText(t, phone, "Rosa keeps the spare medication at her place")

		// 3. Sam hears by email, with Alex's answer quoted and a link.
		raised := waitMailWith(t, srv, "therapist@stillwater.example", "Safety alert: Alex (Alex Rivera)")
		for _, want := range []string{"Thoughts that you would be better off dead", `A: "Several days"`, "Severity: moderate"} {
			if !strings.Contains(raised.Text, want) {
				t.Errorf("the alert email to the therapist does not say %q:\n%s", want, raised.Text)
			}
		}
		alertPath := alertPathIn(t, raised.Text)

		// ... and on every page, the banner.
		sam := signedIn(t, s, "therapist@stillwater.example", "")
		waitText(t, sam, "1 open safety alert for your clients, not yet acknowledged.")
		waitText(t, sam, "Alex · moderate severity · raised Tue")
		screenshot(t, sam, "therapist-banner")
		visit(t, sam, s.at(alertPath))
		waitText(t, sam, "Safety alert: Alex (Alex Rivera)")
		waitText(t, sam, "“Several days”")
		if got := textOf(t, sam, ".alert-state"); !strings.Contains(got, "Open: not yet acknowledged.") {
			t.Fatalf("a new alert reads %q", got)
		}
		screenshot(t, sam, "alert-raised")

		// 4. Left unacknowledged. Sam keeps working (the staff idle limit
		// is 15 minutes), and just before the hour nothing has escalated.
		for range 4 {
			clock.Advance(14 * time.Minute)
			visit(t, sam, s.at("/alerts"))
			waitText(t, sam, "Safety alerts")
		}
		tickSafety(clock.Now()) // 10:56
		visit(t, sam, s.at(alertPath))
		if got := textOf(t, sam, ".alert-state"); strings.Contains(got, "escalated") {
			t.Fatalf("escalated before the practice's hour was up: %q", got)
		}
		clock.Advance(5 * time.Minute)
		tickSafety(clock.Now()) // 11:01, past the hour
		// The prescriber and the owner get the escalation by email; the
		// timeline says "emailed" only once the mail has gone.
		escalated := "Safety alert not yet acknowledged (level 1): Alex (Alex Rivera)"
		waitMailWith(t, srv, "owner@stillwater.example", escalated)
		toRx := waitMailWith(t, srv, "prescriber@stillwater.example", escalated)
		// The server has the mail a moment before the outbox records it sent.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			visit(t, sam, s.at(alertPath))
			if tl := textOf(t, sam, "ol.timeline"); strings.Contains(tl, "Emailed the level 1 escalation to Morgan Avery") &&
				strings.Contains(tl, "Emailed the level 1 escalation to Dr. Priya Raman") || time.Now().After(deadline) {
				break
			}
		}
		if got := textOf(t, sam, ".alert-state"); !strings.Contains(got, "escalated to level 1: not yet acknowledged.") {
			t.Fatalf("after an hour of business hours the alert reads %q", got)
		}
		for _, want := range []string{"Escalated to level 1: not acknowledged in time",
			"Emailed the level 1 escalation to Dr. Priya Raman (prescriber)",
			"Emailed the level 1 escalation to Morgan Avery (practice owner)"} {
			waitText(t, sam, want)
		}
		if timeline := textOf(t, sam, "ol.timeline"); strings.Contains(timeline, "level 1 escalation to Sam Okafor") {
			t.Errorf("level 1 went to the therapist too; the practice sends it to the prescriber and owner:\n%s", timeline)
		}
		screenshot(t, sam, "alert-escalated")

		if !strings.Contains(toRx.Text, "has not been acknowledged") || !strings.Contains(toRx.Text, `A: "Several days"`) {
			t.Errorf("the escalation email does not say what is late and why:\n%s", toRx.Text)
		}
		if got := alertPathIn(t, toRx.Text); got != alertPath {
			t.Errorf("the escalation email links to %s, the alert is %s", got, alertPath)
		}
		rx := signedIn(t, s, "prescriber@stillwater.example", "")
		waitText(t, rx, "Alex · moderate severity")
		visit(t, rx, s.at(alertPath))
		waitText(t, rx, "escalated to level 1")
		screenshot(t, rx, "prescriber-alert")

		// 5. Sam acknowledges it with the action taken; the banner goes.
		chooseLabel(t, sam, "Contacted the client")
		fill(t, sam, "Note", "Called Alex at 11:05; no plan or intent. Went through the safety plan; Rosa is with them today.")
		screenshot(t, sam, "acknowledging")
		clickButton(t, sam, "Acknowledge the alert")
		waitText(t, sam, "The alert is acknowledged; the action you took is on record.")
		waitText(t, sam, "Acknowledged by Sam Okafor: contacted the client. Note: Called Alex at 11:05")
		if n := count(t, sam, ".banner.safety, .banner.safety-item"); n != 0 {
			t.Errorf("%d safety banners on the therapist's page after acknowledging", n)
		}
		screenshot(t, sam, "alert-acknowledged")
		visit(t, rx, s.at("/clients"))
		if n := countXPath(t, rx, `//div[contains(@class, "banner")][contains(., "Alex ·")]`); n != 0 {
			t.Errorf("the prescriber's banner still lists Alex's acknowledged alert")
		}
		// The escalation has stopped: hours later the worker sends nothing
		// more about it. (Tick is given the time; the clock stays.)
		tickSafety(clock.Now().Add(3 * time.Hour))
		visit(t, sam, s.at(alertPath))
		waitText(t, sam, "Acknowledged by Sam Okafor")
		if timeline := textOf(t, sam, "ol.timeline"); strings.Contains(timeline, "level 2") {
			t.Errorf("an acknowledged alert escalated further:\n%s", timeline)
		}

		// 6. Alex's chart shows the score where it was scheduled.
		visit(t, sam, s.at("/clients"))
		if n := count(t, sam, ".banner.safety"); n != 0 {
			t.Errorf("the safety banner is still on the client list")
		}
		clickLink(t, sam, "Alex (Alex Rivera)")
		clickLink(t, sam, "Questionnaires and scores")
		waitText(t, sam, "Scores over time")
		row := textAtXPath(t, sam, `//table[contains(@class, "msr-sched")]//tr[td[1][normalize-space(.)="Before medicine session 5"]][td[2][normalize-space(.)="PHQ-9"]]`)
		if !strings.Contains(row, "Before medicine session 5") || !strings.Contains(row, "completed") || !strings.Contains(row, "11 · Moderate") {
			t.Errorf("the schedule's row for it reads %q; want the PHQ-9 before session 5 completed, 11 · Moderate", row)
		}
		waitText(t, sam, "11/27 Moderate")
		// The chart's caption says the change in words (its SVG holds the
		// same words, unseen, for screen readers).
		if got := textAtXPath(t, sam, `//figcaption[starts-with(normalize-space(.), "PHQ-9")]`); !strings.HasPrefix(got, "PHQ-9 fell from 18 to 11") {
			t.Errorf("the PHQ-9 chart's caption reads %q; want the change from the baseline of 18 to 11", got)
		}
		waitText(t, sam, "Critical: item phq9_9")
		if n := count(t, sam, "svg.scorechart"); n == 0 {
			t.Errorf("no score chart on Alex's questionnaires page")
		}
		screenshot(t, sam, "chart-measures")
	})
}

// nextMonday is midnight of the first Monday after today, in t's zone:
// always a day or more ahead, so the week's business hours lie before it.
func nextMonday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()).AddDate(0, 0, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// waitMailWith waits for a message to address whose subject holds subject,
// among the others the demo's workers send.
func waitMailWith(t *testing.T, srv *smtptest.Server, address, subject string) smtptest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range srv.Messages() {
			for _, to := range m.To {
				if strings.EqualFold(to, address) && strings.Contains(m.Subject, subject) {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range srv.Messages() {
				got = append(got, fmt.Sprintf("%v %q", m.To, m.Subject))
			}
			t.Fatalf("no email %q to %s arrived; the server has:\n%s", subject, address, strings.Join(got, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alertPathIn is the path of the alert an email links to. The path, not
// the whole address: the test visits it on the site it started.
func alertPathIn(t *testing.T, text string) string {
	t.Helper()
	link := regexp.MustCompile(`\S*/alerts/[A-Za-z0-9-]+`).FindString(text)
	if link == "" {
		t.Fatalf("no alert link in the email:\n%s", text)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("the alert link %q: %v", link, err)
	}
	return u.Path
}

// chooseAnswer taps the answer reading label in the questionnaire's
// question item (a fieldset per question; every question offers the same
// words, so the label alone is not enough).
func chooseAnswer(t *testing.T, ctx context.Context, item, label string) {
	t.Helper()
	xp := fmt.Sprintf(`//fieldset[@id=%s]//label[normalize-space(.)=%s]`, xpathLiteral("f-"+item), xpathLiteral(label))
	n := one(t, ctx, xp, "the answer "+xpathLiteral(label)+" to "+item)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("answering %s with %q: %v", item, label, err)
	}
}

// chooseLabel taps the radio button or checkbox whose label reads text.
func chooseLabel(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	n := one(t, ctx, fmt.Sprintf(`//label[normalize-space(.)=%s][.//input]`, xpathLiteral(text)), "a choice reading "+xpathLiteral(text))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("choosing %q: %v", text, err)
	}
}

// countXPath is how many elements an XPath matches now, without waiting.
func countXPath(t *testing.T, ctx context.Context, xpath string) int {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.Search(xpath), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("counting %s: %v", xpath, err)
	}
	return len(nodes)
}

// textAtXPath is the visible text of the element an XPath names, with
// runs of white space made one space.
func textAtXPath(t *testing.T, ctx context.Context, xpath string) string {
	t.Helper()
	n := one(t, ctx, xpath, xpath)
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.NodeIDs{n.NodeID}))
	if err != nil {
		t.Fatalf("reading the text of %s: %v", xpath, err)
	}
	return strings.Join(strings.Fields(s), " ")
}
