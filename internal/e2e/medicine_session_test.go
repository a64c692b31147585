package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/demo"
	"holdspace/internal/store"
)

// A whole medicine session for Daniel, a demo client who is ready but
// whose course is only planned (issue 5, "done when"). On a clock the test
// moves: the prescriber activates the course and books session 1 on the
// calendar in a free room; the therapist starts the record on a tablet,
// fills the checklist and takes a pre-dose reading at the hold threshold;
// her dose is refused while held; the prescriber, on her own tablet,
// overrides with a reason; the planned dose goes in with mg/kg shown;
// readings follow at every interval the page names; an alarm reading
// raises an alert both tablets see, acknowledged with the action taken; an
// extra dose over the prescriber's maximum is refused with its numbers;
// discharge is refused (the criterion named) and then recorded once the
// observation time has passed; the therapist writes the summary and a
// private process note and signs with her password; Daniel then reads the
// summary in the portal, and never the process note.
func TestAMedicineSessionFromTheCalendarToThePortal(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s, clk, zone := startSessionMorning(t, db)
		if s == nil {
			return
		}
		var practiceZone string
		if err := s.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT time_zone FROM practice`).Scan(&practiceZone)
		}); err != nil {
			t.Fatal(err)
		}
		if practiceZone != zone.String() {
			t.Fatalf("the demo practice keeps time in %s; this test books in %s", practiceZone, zone)
		}
		local := func(d time.Duration) time.Time { return clk.Now().In(zone).Add(d) }
		day := local(0).Format("2006-01-02")

		// 1. The prescriber makes Daniel's planned course active and books
		// session 1 from the course page: the room Alex's session is in
		// is refused, the other is free.
		rx := signedIn(t, s, "prescriber@stillwater.example", "", withWindow(820, 1180))
		visit(t, rx, s.at("/clients"))
		clickLink(t, rx, "Dan (Daniel Ortiz)")
		clientURL := currentURL(t, rx)
		visit(t, rx, clientURL+"/courses")
		clickLink(t, rx, "sublingual RDT course for F43.10")
		waitText(t, rx, "planned")
		clickButton(t, rx, "Make the course active")
		waitText(t, rx, "Book on the calendar")
		screenshot(t, rx, "course-active")
		sessionClickInRow(t, rx, "table.course-sessions", "1", "Book on the calendar")
		waitText(t, rx, "Book an appointment")
		setValue(t, rx, `input[name="start"]`, day+"T10:30")
		fill(t, rx, "Room", "Cedar room")
		sessionTick(t, rx, "Elena Brooks")
		clickButton(t, rx, "Book")
		waitText(t, rx, "Cedar room is in use")
		screenshot(t, rx, "room-taken")
		fill(t, rx, "Room", "Willow room")
		clickButton(t, rx, "Book")
		waitText(t, rx, "Booked:")
		screenshot(t, rx, "booked")
		clickLink(t, rx, "session record")
		waitText(t, rx, "Start the session record")
		record := currentURL(t, rx)
		if !strings.HasPrefix(record, clientURL+"/sessions/") {
			t.Fatalf("the appointment's session record link led to %s", record)
		}

		// 2. The therapist finds the booked session on the course page.
		elena := signedIn(t, s, "therapist2@stillwater.example", "", withWindow(820, 1180))
		visit(t, elena, clientURL+"/courses")
		clickLink(t, elena, "sublingual RDT course for F43.10")
		clickLink(t, elena, "Session record")
		if p := currentURL(t, elena); p != record {
			t.Fatalf("the course page's session record link led to %s, want %s", p, record)
		}
		waitText(t, elena, "150 mg")
		tablets := []context.Context{rx, elena}
		sessionAdvance(t, clk, 30*time.Minute, record, tablets...)

		// 3. Start, the checklist and the pre-dose reading.
		clickButton(t, elena, "Start the session record")
		waitText(t, elena, "The session record is started.")
		sessionTick(t, elena, "Identity confirmed")
		sessionTick(t, elena, "No driving acknowledged")
		setValue(t, elena, `input[name="checklist.last_food_at"]`, local(-4*time.Hour).Format("2006-01-02T15:04"))
		setValue(t, elena, `input[name="checklist.last_liquid_at"]`, local(-45*time.Minute).Format("2006-01-02T15:04"))
		sessionTick(t, elena, "Escort is here")
		fill(t, elena, "Escort's name", "Miguel Ortiz")
		fill(t, elena, "Escort's phone", "+1 555 0146")
		sessionTick(t, elena, "Asked about alcohol and benzodiazepines")
		fill(t, elena, "Intention for today", "To let the memory of my father come without bracing against it.")
		screenshot(t, elena, "checklist")
		clickButton(t, elena, "Save the checklist")
		waitText(t, elena, "The checklist is saved.")
		waitText(t, elena, "Complete.")

		sessionAdvance(t, clk, 2*time.Minute, record, tablets...)
		sessionReading(t, elena, "180", "104", "82", "98", "14")
		waitText(t, elena, "Dosing is held.")
		waitText(t, elena, "Only a prescriber can override the hold")
		if n := count(t, elena, "form.override"); n != 0 {
			t.Fatal("a therapist is offered the prescriber's override")
		}
		screenshot(t, elena, "held")

		// 4. A dose is refused while held.
		sessionDose(t, elena, "150", "Ketamine HCl RDT", "100 mg", "KT2611A")
		refusal := textOf(t, elena, "form.dose-form .refusals")
		if !strings.Contains(refusal, "Hold: blood pressure 180/104 mmHg") {
			t.Fatalf("the dose refused while held says %q", refusal)
		}
		screenshot(t, elena, "dose-refused-held")

		// 5. The prescriber overrides from her own tablet; the therapist's
		// page shows it without a reload.
		sessionAdvance(t, clk, 3*time.Minute, record, tablets...)
		waitText(t, rx, "Dosing is held.")
		fill(t, rx, "Why dosing goes ahead despite the hold", "Known white-coat rise; 142/88 at home this morning and calm now.")
		screenshot(t, rx, "override")
		clickButton(t, rx, "Override the hold")
		waitText(t, rx, "The hold is overridden; the reason is on record.")
		waitText(t, elena, "Hold overridden")

		// 6. The planned dose, with mg/kg at Daniel's latest weight.
		sessionAdvance(t, clk, time.Minute, record, tablets...)
		sessionDose(t, elena, "150", "Ketamine HCl RDT", "100 mg", "KT2611A")
		waitText(t, elena, "The dose is recorded.")
		doses := textOf(t, elena, "table.doses")
		if !strings.Contains(doses, "150 mg") || !strings.Contains(doses, "1.83 mg/kg") {
			t.Fatalf("the doses table reads %q; want 150 mg at 1.83 mg/kg (181 lb)", doses)
		}
		dosedAt := clk.Now()
		screenshot(t, elena, "dosed")

		// 7. Readings at every interval the page names. The second is
		// beyond the alarm threshold: both tablets show the alert, the
		// therapist acknowledges it, and an extra dose over the
		// prescriber's 400 mg is refused with the numbers.
		readings := [][5]string{
			{"172", "100", "88", "97", "16"},
			{"186", "112", "96", "96", "16"},
			{"160", "96", "84", "97", "15"},
			{"152", "92", "80", "98", "14"},
			{"150", "92", "78", "98", "14"},
			{"164", "94", "76", "98", "14"},
		}
		var due []string
		for i, v := range readings {
			at := sessionDueAt(t, elena, clk, zone)
			due = append(due, at.In(zone).Format("15:04"))
			sessionAdvance(t, clk, at.Sub(clk.Now()), record, tablets...)
			sessionReading(t, elena, v[0], v[1], v[2], v[3], v[4])
			switch i {
			case 1:
				waitText(t, elena, "an alert is raised at the top of the record")
				waitText(t, elena, "needs acknowledgement")
				screenshot(t, elena, "alert")
				visit(t, rx, record)
				waitText(t, rx, "Systolic 186")
				fill(t, elena, "Action taken", "Lights dimmed, music lowered, Daniel reassured; repeat in 15 min. Dr. Raman informed.")
				clickButton(t, elena, "Acknowledge")
				waitText(t, elena, "The alert is acknowledged; the action taken is on record.")
				if n := count(t, elena, ".alert-card"); n != 0 {
					t.Fatalf("%d alerts still open after the acknowledgement", n)
				}

				sessionAdvance(t, clk, 2*time.Minute, record, tablets...)
				fill(t, elena, "Dose (mg)", "300")
				clickButton(t, elena, "Record the dose")
				refusal := textOf(t, elena, "form.dose-form")
				for _, want := range []string{"450 mg", "400 mg", "150 mg given so far"} {
					if !strings.Contains(refusal, want) {
						t.Errorf("the over-limit refusal does not show %q: %q", want, refusal)
					}
				}
				screenshot(t, elena, "over-limit")
				visit(t, elena, record)

				// Two clinicians recording at once: while the therapist
				// writes an observation, the prescriber records the
				// antiemetic; neither entry is lost.
				click(t, elena, "#during details:nth-of-type(1) > summary")
				fill(t, elena, "What", "Dissociation")
				fill(t, elena, "obs.severity", "moderate")
				fill(t, elena, "Description", "Eyes closed, calm, describes floating above the lake house.")
				click(t, rx, "#during details:nth-of-type(2) > summary")
				fill(t, rx, "What was done", "Ondansetron 4 mg ODT given for nausea.")
				clickButton(t, rx, "Add the intervention")
				waitText(t, rx, "The intervention is recorded.")
				clickButton(t, elena, "Add the observation")
				waitText(t, elena, "The observation is recorded.")
				during := textOf(t, elena, "#during [data-part=during]")
				if !strings.Contains(during, "Ondansetron 4 mg ODT given for nausea.") || !strings.Contains(during, "Eyes closed, calm") {
					t.Errorf("after two clinicians recorded at once the record reads %q", during)
				}
				visit(t, rx, record)
				waitText(t, rx, "Eyes closed, calm")
				// The prescriber leaves the room; she signs in again later.
				tablets = []context.Context{elena}
			case 4:
				// Ninety minutes on: discharge is refused, naming what is not met.
				sessionTick(t, elena, "Alert and oriented")
				sessionTick(t, elena, "Walking steadily")
				sessionTick(t, elena, "Escort present to take them home")
				sessionTick(t, elena, "Aftercare instructions given")
				clickButton(t, elena, "Record the discharge")
				waitText(t, elena, "Not yet: monitoring continues.")
				refused := textOf(t, elena, "#discharge form .refusals")
				if !strings.Contains(refused, "Minimum observation time since the last dose") {
					t.Errorf("the discharge refusal does not name the observation time: %q", refused)
				}
				screenshot(t, elena, "discharge-refused")
				visit(t, elena, record)
			}
		}
		want := []time.Duration{15, 30, 45, 60, 90, 120}
		for i, d := range want {
			if w := dosedAt.Add(d * time.Minute).In(zone).Format("15:04"); due[i] != w {
				t.Errorf("reading %d was due at %s, want %s (%d min after the dose)", i+1, due[i], w, d)
			}
		}

		// 8. The notes, then discharge two hours after the dose.
		fill(t, elena, "Summary", "You let the memory of your father come today, and it came more gently than you feared. Rest tonight; we meet tomorrow to talk it through.")
		clickButton(t, elena, "Save the summary")
		waitText(t, elena, "The session summary is saved.")
		fill(t, elena, "New process note", "My own pull to rescue him when the grief rose; stayed with it.")
		clickButton(t, elena, "Save privately")
		waitText(t, elena, "Your process note is saved")
		screenshot(t, elena, "notes")
		sessionTick(t, elena, "Alert and oriented")
		sessionTick(t, elena, "Walking steadily")
		sessionTick(t, elena, "Escort present to take them home")
		sessionTick(t, elena, "Aftercare instructions given")
		clickButton(t, elena, "Record the discharge")
		waitText(t, elena, "The client is discharged and the session is marked held.")
		screenshot(t, elena, "discharged")

		// 9. Sign and lock; the prescriber sees the signed record without
		// the therapist's process note.
		fill(t, elena, "Your password", demo.Password)
		clickButton(t, elena, "Sign and lock the record")
		waitText(t, elena, "The record is signed and locked.")
		waitText(t, elena, "Signed by Elena Brooks")
		screenshot(t, elena, "signed")
		signIn(t, rx, s, "prescriber@stillwater.example", "")
		visit(t, rx, record)
		waitText(t, rx, "Signed by Elena Brooks")
		waitText(t, rx, "it came more gently than you feared")
		if page := textOf(t, rx, "main"); strings.Contains(page, "pull to rescue") {
			t.Error("the prescriber reads the therapist's process note")
		}
		screenshot(t, rx, "signed-prescriber")

		// 10. Daniel reads the summary in the portal, not the process note.
		dan := signedIn(t, s, "dan@client.example", "", withWindow(820, 1180))
		clickLink(t, dan, "Sessions")
		sessionClickContaining(t, dan, "Session 1,")
		waitText(t, dan, "What your clinician wrote")
		page := textOf(t, dan, "main")
		if !strings.Contains(page, "it came more gently than you feared") {
			t.Errorf("the portal does not show the summary: %q", page)
		}
		if strings.Contains(page, "pull to rescue") {
			t.Error("the client reads the therapist's process note")
		}
		screenshot(t, dan, "portal-summary")
	})
}

// startSessionMorning starts the demo practice at sessionMorning in its
// zone, on a clock the test moves; s is nil where startHoldspace skipped.
func startSessionMorning(t *testing.T, db siteOption) (s *site, clk *clock, zone *time.Location) {
	t.Helper()
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data on this machine")
	}
	clk = newClock(sessionMorning(time.Now(), zone))
	return startHoldspace(t, db, withClock(clk)), clk, zone
}

// sessionMorning is 10:00 in zone on the next weekday after now: a time
// the demo's clinicians work, with Alex's session 4 under way in one room.
func sessionMorning(now time.Time, zone *time.Location) time.Time {
	d := now.In(zone).AddDate(0, 0, 1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, zone)
}

// sessionAdvance moves the clock by d in steps well inside the staff idle
// time (15 min in the demo), loading the record on each tablet between
// steps as clinicians in the room would.
func sessionAdvance(t *testing.T, clk *clock, d time.Duration, record string, tablets ...context.Context) {
	t.Helper()
	const step = 10 * time.Minute
	for d > 0 {
		n := min(d, step)
		clk.Advance(n)
		d -= n
		for _, b := range tablets {
			visit(t, b, record)
			waitText(t, b, "Medicine session 1")
		}
	}
}

// sessionDueAt reads "Next reading due at 10:50" off the record and
// returns that time today.
func sessionDueAt(t *testing.T, ctx context.Context, clk *clock, zone *time.Location) time.Time {
	t.Helper()
	waitText(t, ctx, "Next reading due at")
	hm := textOf(t, ctx, "p.due strong")
	at, err := time.ParseInLocation("15:04", hm, zone)
	if err != nil {
		t.Fatalf("the next reading is due at %q: %v", hm, err)
	}
	now := clk.Now().In(zone)
	due := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, zone)
	if due.Before(now) {
		t.Fatalf("the next reading was due at %s, before now (%s)", hm, now.Format("15:04"))
	}
	return due
}

// sessionReading records a set of vitals at the time the form offers (now).
func sessionReading(t *testing.T, ctx context.Context, sys, dia, hr, spo2, rr string) {
	t.Helper()
	fill(t, ctx, "Systolic", sys)
	fill(t, ctx, "Diastolic", dia)
	fill(t, ctx, "Heart rate", hr)
	fill(t, ctx, "SpO2 %", spo2)
	fill(t, ctx, "Resp. rate", rr)
	clickButton(t, ctx, "Record the reading")
	waitText(t, ctx, "The reading is recorded")
}

// sessionDose fills the dose form and submits it.
func sessionDose(t *testing.T, ctx context.Context, mg, product, strength, lot string) {
	t.Helper()
	fill(t, ctx, "Dose (mg)", mg)
	fill(t, ctx, "Product", product)
	fill(t, ctx, "Strength", strength)
	fill(t, ctx, "Lot", lot)
	clickButton(t, ctx, "Record the dose")
}

// sessionTick ticks the one checkbox whose label reads text.
func sessionTick(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	l := xpathLiteral(text)
	n := one(t, ctx, fmt.Sprintf(`//label[contains(normalize-space(.), %s)]//input[@type="checkbox"] | //input[@type="checkbox" and @id=//label[contains(normalize-space(.), %s)]/@for]`, l, l),
		"a checkbox labelled "+l)
	if n.AttributeValue("checked") != "" || hasAttribute(n, "checked") {
		return
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("ticking %s: %v", l, err)
	}
}

func hasAttribute(n *chromedp.Node, name string) bool {
	for i := 0; i+1 < len(n.Attributes); i += 2 {
		if n.Attributes[i] == name {
			return true
		}
	}
	return false
}

// sessionClickInRow follows the link reading text in the table row whose
// first cell reads first.
func sessionClickInRow(t *testing.T, ctx context.Context, table, first, text string) {
	t.Helper()
	class := strings.TrimPrefix(table, "table.")
	xp := fmt.Sprintf(`//table[contains(concat(" ", @class, " "), %s)]//tr[normalize-space(td[1])=%s]//a[normalize-space(.)=%s]`,
		xpathLiteral(" "+class+" "), xpathLiteral(first), xpathLiteral(text))
	n := one(t, ctx, xp, fmt.Sprintf("a link %q in row %s of %s", text, first, table))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("following %q in row %s: %v", text, first, err)
	}
}

// sessionClickContaining follows the one link whose text contains text.
func sessionClickContaining(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	n := one(t, ctx, fmt.Sprintf(`//main//a[contains(normalize-space(.), %s)]`, xpathLiteral(text)), "a link containing "+xpathLiteral(text))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("following the link %q: %v", text, err)
	}
}
