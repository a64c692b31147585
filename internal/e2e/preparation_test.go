package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/demo"
	"holdspace/internal/intake"
	"holdspace/internal/notify/smtptest"
)

// click presses an element found by CSS (a checkbox, a radio, a summary).
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("clicking %s: %v", css, err)
	}
}

// A person finds the practice, asks about KAP, is taken on as a client,
// and goes through every step of preparation in the portal and with the
// care team until the readiness tracker says they are ready for a first
// medicine session (issue: preparation phase, "done when").
func TestFromInquiryToReadyForAFirstMedicineSession(t *testing.T) {
	srv := smtptest.Start(t)
	s := startHoldspace(t, withMail(srv))

	// 1. The public page and the inquiry form.
	person := newBrowser(t)
	visit(t, person, s.at("/p/stillwater"))
	waitText(t, person, "Stillwater Ketamine Therapy")
	screenshot(t, person, "public-page")
	fill(t, person, "name", "Hana Sato")
	fill(t, person, "email", "hana@client.example")
	fill(t, person, "message", "Years of depression; my psychiatrist suggested I ask about ketamine-assisted therapy.")
	click(t, person, `input[name="consent"]`)
	// The form refuses what comes back faster than a person could type.
	time.Sleep(3500 * time.Millisecond)
	clickButton(t, person, "Send my message")
	waitText(t, person, "Thank you")

	// 2. The therapist converts the inquiry into a client with a care team.
	staff := signedIn(t, s, "therapist@stillwater.example", "")
	visit(t, staff, s.at("/inquiries"))
	clickLink(t, staff, "Hana Sato")
	waitText(t, staff, "Years of depression")
	click(t, staff, "#convert > summary")
	setValue(t, staff, `input[name="date_of_birth"]`, "1986-05-02")
	fill(t, staff, "Prescriber", "Dr. Priya Raman")
	screenshot(t, staff, "convert")
	clickButton(t, staff, "Create the client and send the invitation")
	waitText(t, staff, "Hana Sato")

	// 3. The client chooses a password from the emailed invitation.
	m := mailTo(t, srv, "hana@client.example", 1)
	link := linkIn(t, m)
	client := newBrowser(t)
	visit(t, client, link)
	choosePassword(t, client, "morning tide gathers", "morning tide gathers")
	submitSignIn(t, client, "hana@client.example", "morning tide gathers")
	waitText(t, client, "Your care team")

	// 4. The intake, section by section, then submitted; the therapist
	// takes the resting blood pressure the screening needs.
	fillIntake(t, client, s, staff, nil, "Hana Sato")
	visit(t, staff, s.at("/clients"))
	clickLink(t, staff, "Hana Sato")
	clickLink(t, staff, "Eligibility screening")
	fill(t, staff, "bp_systolic", "128")
	fill(t, staff, "bp_diastolic", "82")
	clickButton(t, staff, "Record reading")
	waitText(t, staff, "128/82 mmHg")

	// 5. The treatment consent, signed with a typed name.
	visit(t, client, s.at("/portal/consents"))
	// The required document's button is the primary one.
	click(t, client, `a.button:not(.secondary)[href^="/portal/consents/"]`)
	waitText(t, client, "Your full legal name")
	fill(t, client, "name", "Hana Sato")
	click(t, client, `input[name="agree"]`)
	screenshot(t, client, "consent")
	clickButton(t, client, "Sign")
	waitText(t, client, "signed")
	// Optional documents may stay unsigned; the required one is current.

	// 6. Intentions and the practical instructions.
	visit(t, client, s.at("/portal/preparation"))
	fill(t, client, "text", "To meet my low moods with curiosity rather than dread.")
	clickButton(t, client, "Save my intentions")
	waitText(t, client, "Your intentions are saved")
	click(t, client, `input[name="agree"]`)
	clickButton(t, client, "Confirm")
	waitText(t, client, "We have noted that you have read the instructions")

	// 7. The therapist names the escort and records the preparation session.
	visit(t, staff, s.at("/clients"))
	clickLink(t, staff, "Hana Sato")
	clickLink(t, staff, "Details and contacts")
	fill(t, staff, "escort_name", "Ken Sato")
	fill(t, staff, "escort_phone", "+1 555 0199")
	fill(t, staff, "escort_relationship", "brother")
	clickButton(t, staff, "Save details")
	waitText(t, staff, "The details are saved.")
	visit(t, staff, strings.Replace(currentURL(t, staff), "/details", "/readiness", 1))
	waitText(t, staff, "Readiness for a first medicine session")
	fill(t, staff, "note", "Preparation held: intentions, set and setting, what dissociation feels like, the plan for the day.")
	clickButton(t, staff, "Record the session")
	waitText(t, staff, "The preparation session is recorded.")
	readiness := currentURL(t, staff)
	clientPath := strings.TrimSuffix(readiness[len(s.URL):], "/readiness")

	// 8. The prescriber reviews the screening and signs an approval with
	// the course's dose limits.
	rx := signedIn(t, s, "prescriber@stillwater.example", "")
	visit(t, rx, s.at(clientPath+"/screening"))
	waitText(t, rx, "Resting blood pressure for the screening")
	screenshot(t, rx, "screening")
	visit(t, rx, s.at(clientPath+"/evaluation/new"))
	click(t, rx, `input[name="decision"][value="approved"]`)
	fill(t, rx, "limit.sublingual_rdt.mg", "300")
	fill(t, rx, "premedication", "ondansetron 4 mg ODT 30 minutes before dosing")
	fill(t, rx, "password", demo.Password)
	screenshot(t, rx, "evaluation")
	clickButton(t, rx, "Sign evaluation")
	waitText(t, rx, "approval")

	// 9. Ready.
	visit(t, staff, readiness)
	waitText(t, staff, "Ready.")
	screenshot(t, staff, "ready")
	if n := count(t, staff, "table.readiness .badge.warn"); n != 0 {
		t.Fatalf("%d readiness items still outstanding", n)
	}
	visit(t, client, s.at("/portal/preparation"))
	if n := count(t, client, "ul.checklist li.todo"); n != 0 {
		t.Fatalf("the client's checklist shows %d items to do", n)
	}
}

// setValue sets a field's value directly: a date field, whose typed form
// depends on the browser's locale.
func setValue(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	js := `(() => { const e = document.querySelector(` + strconvQuote(css) + `); if (!e) return false; e.value = ` + strconvQuote(value) + `; return true; })()`
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil || !ok {
		t.Fatalf("setting %s: %v (found: %v)", css, err, ok)
	}
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func currentURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// answerSection answers a section of the intake as a client with nothing to
// report would: "No" to each yes/no question, "Never" where it asks how
// often, a sentence where it asks in words; then saves and goes on.
func answerSection(t *testing.T, ctx context.Context) {
	t.Helper()
	const answer = `(() => {
	  const groups = new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name));
	  for (const g of groups) {
	    const no = document.querySelector('input[type=radio][name="' + g + '"][value="no"]')
	            || document.querySelector('input[type=radio][name="' + g + '"][value="never"]');
	    if (no) no.checked = true;
	  }
	  for (const s of document.querySelectorAll('select')) {
	    if ([...s.options].some(o => o.value === 'never')) s.value = 'never';
	  }
	  for (const a of document.querySelectorAll('textarea[required]')) {
	    if (!a.value) a.value = 'To feel more at ease with myself and the people around me.';
	  }
	  return groups.size;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](answer)); err != nil {
		t.Fatalf("answering the section: %v", err)
	}
	before := currentURL(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[name="action"][value="continue"]:not(.default-action)`))); err != nil {
		t.Fatalf("saving the section: %v", err)
	}
	// Wait for the next page, so the next visit does not cut this one off.
	deadline := time.Now().Add(15 * time.Second)
	for currentURL(t, ctx) == before {
		if time.Now().After(deadline) {
			t.Fatalf("saving %s did not move on", before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fillIntake has the client answer every section, review and send with
// their name typed to attest the answers; then the therapist records the
// resting blood pressure the screening reads.
func fillIntake(t *testing.T, client context.Context, s *site, staff context.Context, clientPath func() string, name string) {
	t.Helper()
	visit(t, client, s.at("/portal/intake"))
	screenshot(t, client, "intake-overview")
	visit(t, client, s.at("/portal/intake/"+intake.SectionNames()[0]))
	screenshot(t, client, "intake-section")
	// "Save and continue" leads through every section to the review.
	for range intake.SectionNames() {
		answerSection(t, client)
	}
	if p := currentPath(t, client); p != "/portal/intake/review" {
		t.Fatalf("after the last section: %s, want the review", p)
	}
	screenshot(t, client, "intake-review")
	fill(t, client, "name", name)
	click(t, client, `input[name="confirm"]`)
	clickButton(t, client, "Send my answers")
	waitText(t, client, "Thank you")
}
