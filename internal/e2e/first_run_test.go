package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/access"
	"holdspace/internal/notify/smtptest"
)

const setupRefused = `^network error: Failed to load resource: the server responded with a status of 422 \(Unprocessable Entity\) \(https?://[^/]+/setup\)$`

// fillSetup types the setup form as a new practice's owner would.
func fillSetup(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	fill(t, ctx, "Setup code", code)
	fill(t, ctx, "Practice name", "Quiet Harbour Counselling")
	fill(t, ctx, "Time zone", "America/Chicago")
	fill(t, ctx, "Address", "12 Lakeshore Drive\nChicago, IL 60601")
	fill(t, ctx, "Phone number", "+1 312 555 0188")
	fill(t, ctx, "Country", "United States")
	fill(t, ctx, "Your full name", "Ruth Okonjo")
	fill(t, ctx, "Email address", "ruth@harbour.example")
	fill(t, ctx, "Password", "tide pools at first light")
	fill(t, ctx, "The password again", "tide pools at first light")
}

// A practice moves in: from an empty database, the setup page with the code
// holdspace printed, an owner with an authenticator, a test email that
// arrives, the checklist worked through, 200 clients imported (three
// faulty rows refused in the preview, then fixed), a client added by hand
// and an appointment booked.
func TestAPracticeSetsItselfUpFromAnEmptyDatabase(t *testing.T) {
	mail := smtptest.Start(t)
	s := startHoldspace(t, withoutDemo(), withMail(mail))
	ctx := context.Background()
	code, err := s.App.Doors.Setup.Open(ctx)
	if err != nil || code == "" {
		t.Fatalf("no setup code: %q %v", code, err)
	}
	b := newBrowser(t, withWindow(1280, 900))
	allowProblem(t, b, setupRefused)
	allowProblem(t, b, dupConflict)

	visit(t, b, s.at("/signin"))
	clickLink(t, b, "the setup page")
	waitText(t, b, "This holdspace holds no practice yet")
	// A wrong code is refused beside its field, and the rest is kept.
	fillSetup(t, b, "AAAA-BBBB-CCCC")
	clickButton(t, b, "Set up the practice")
	waitText(t, b, "This is not the setup code holdspace printed")
	if typed, err := chromedp.Run(b, chromedp.Value(chromedp.CSS("#f-name"))); err != nil || typed != "Quiet Harbour Counselling" {
		t.Errorf("the practice name typed came back as %q (%v)", typed, err)
	}
	screenshot(t, b, "setup-refused")
	fill(t, b, "Setup code", code)
	fill(t, b, "Password", "tide pools at first light")
	fill(t, b, "The password again", "tide pools at first light")
	clickButton(t, b, "Set up the practice")

	// Staff must have a second step: the owner adds an authenticator.
	waitText(t, b, "Set up a second step for signing in")
	secret := textOf(t, b, "#totp-secret")
	fill(t, b, "Code from the app", access.TOTPCode(secret, time.Now()))
	clickButton(t, b, "Confirm")
	waitText(t, b, "Your recovery codes")
	clickLink(t, b, "I have kept them: continue")
	waitText(t, b, "Getting your practice ready")
	waitText(t, b, "0 of 8 setup steps done")
	clickLink(t, b, "Continue the checklist")
	waitText(t, b, "0 of 8 done")
	screenshot(t, b, "checklist-new")

	// The test email reaches the mail server, and the checklist says so.
	clickButton(t, b, "Send me a test email")
	waitText(t, b, "A test email is on its way to ruth@harbour.example")
	m := mailTo(t, mail, "ruth@harbour.example", 2) // the first told her of the authenticator
	if !strings.Contains(m.Text, "test email you asked for from Quiet Harbour Counselling") || !strings.Contains(m.Text, "CST") {
		t.Errorf("the test email, not in the practice's zone:\n%s", m.Text)
	}
	waitFor(t, b, s.at("/getting-started"), "delivered to the mail server")

	// The checklist, step by step: a room, staff with roles, the public
	// page, and a backup taken on the server.
	visit(t, b, s.at("/admin/rooms"))
	fill(t, b, "Name", "Willow room")
	clickButton(t, b, "Add the room")
	waitText(t, b, "Willow room")
	for _, p := range []struct{ name, email, role string }{
		{"Sam Okafor", "therapist@stillwater.example", "therapist"}, {"Dr. Priya Raman", "prescriber@stillwater.example", "prescriber"},
	} {
		visit(t, b, s.at("/admin/staff/new"))
		fill(t, b, "Full name", p.name)
		fill(t, b, "Email address", p.email)
		click(t, b, fmt.Sprintf(`input[name="roles"][value="%s"]`, p.role))
		clickButton(t, b, "Add and send invitation")
		waitText(t, b, p.name)
	}
	visit(t, b, s.at("/admin/practice-page"))
	fill(t, b, "Heading", "Ketamine-assisted psychotherapy on the lake")
	fill(t, b, "Text", "We are a small practice. Write to us and one of us will call you back within two working days.")
	clickButton(t, b, "Save the page")
	backup := filepath.Join(t.TempDir(), "first.jsonl.gz")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.App.DB.Backup(ctx, f, time.Now())
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.DB.NoteBackup(ctx, sum.Rows, time.Now()); err != nil {
		t.Fatal(err)
	}
	visit(t, b, s.at("/getting-started"))
	waitText(t, b, "5 of 8 done")
	for _, step := range []string{"rooms", "staff", "public_page", "test_email", "backup"} {
		if got := textOf(t, b, "#step-"+step+" .badge"); got != "done" {
			t.Errorf("step %s reads %q", step, got)
		}
	}
	for _, step := range []string{"consent", "clinical_review", "on_call"} {
		if got := textOf(t, b, "#step-"+step+" .badge"); got != "to do" {
			t.Errorf("step %s reads %q", step, got)
		}
	}
	screenshot(t, b, "checklist-worked")

	// 200 clients from the old system: the faulty rows are shown first.
	visit(t, b, s.at("/client-imports"))
	uploadFile(t, b, clientsFile(t, "old-system.csv", "Client", 200, true))
	waitText(t, b, "3 problems in 3 rows")
	uploadFile(t, b, clientsFile(t, "old-system-fixed.csv", "Client", 200, false))
	waitText(t, b, "All 200 rows can be imported")
	clickButton(t, b, "Import 200 clients")
	waitText(t, b, "Import report")

	// A client who phoned, added by hand.
	visit(t, b, s.at("/clients/new"))
	fill(t, b, "Legal name", "Marisol Vega")
	setValue(t, b, `input[name="date_of_birth"]`, "1979-08-30")
	fill(t, b, "Email address", "marisol@client.example")
	fill(t, b, "Therapist", "Sam Okafor")
	fill(t, b, "Prescriber", "Dr. Priya Raman")
	clickButton(t, b, "Add the client")
	waitText(t, b, "Marisol Vega is now a client")

	// Her first preparation session, booked by the owner outside the
	// therapist's (not yet given) working hours, with the reason.
	visit(t, b, s.at("/appointments/new"))
	fill(t, b, "Type", "preparation")
	setValue(t, b, `input[name="start"]`, time.Now().AddDate(0, 0, 3).Format("2006-01-02")+"T10:00")
	click(t, b, `input[name="staff"]`)
	fill(t, b, "Client 1", "Marisol Vega")
	fill(t, b, "Reason to book outside working hours", "Sam has not set his hours yet; agreed by phone.")
	clickButton(t, b, "Book")
	waitText(t, b, "Marisol Vega")
	if p := currentPath(t, b); !strings.HasPrefix(p, "/appointments/") || p == "/appointments/new" {
		t.Errorf("after booking the page is %s", p)
	}

	// The setup page is gone once the practice exists.
	allowNotFound(t, b, "/setup")
	visit(t, b, s.at("/setup"))
	waitText(t, b, "This holdspace is set up already")

	// The new pages at a phone's, a tablet's and a desktop's width.
	for _, width := range []int{390, 820, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			// The server first, so that the browser closes before it stops
			// (cleanups run last first) and no request is left in flight.
			fresh := startHoldspace(t, withoutDemo())
			w := newBrowser(t, withWindow(width, 900))
			if _, err := fresh.App.Doors.Setup.Open(ctx); err != nil {
				t.Fatal(err)
			}
			visit(t, w, fresh.at("/setup"))
			waitText(t, w, "This holdspace holds no practice yet")
			screenshot(t, w, "setup")
		})
	}
}

// waitFor reloads a page until it shows text: what the server does in the
// background (an email sent) shows on the next load.
func waitFor(t *testing.T, ctx context.Context, address, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		visit(t, ctx, address)
		if strings.Contains(textOf(t, ctx, "main"), text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q", address, text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
