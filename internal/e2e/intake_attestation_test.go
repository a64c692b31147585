package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"holdspace/internal/intake"
)

// atWidths looks at the page at a phone's, a tablet's and a desktop's
// width: each must fit without sideways scrolling, and each is saved when
// screenshots are asked for. The window is left at the last width.
func atWidths(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []int64{390, 820, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatalf("resizing to %d: %v", w, err)
		}
		if wide, err := scrollsSideways(ctx); err != nil || wide {
			t.Errorf("%s scrolls sideways at %d px (%v)", name, w, err)
		}
		screenshot(t, ctx, fmt.Sprintf("%s-%d", name, w))
	}
}

// A client sends the intake with their typed name and the confirmation;
// the care team sees the attestation on the intake review, and that a
// change they make afterwards is not what the client attested (issue 13,
// intake attestation).
func TestAClientAttestsTheIntakeAndStaffSeeItOnTheReview(t *testing.T) {
	s := startHoldspace(t)
	client := newBrowser(t, withWindow(390, 844))
	signIn(t, client, s, "jamie@client.example", "")
	waitText(t, client, "Your care team")
	visit(t, client, s.at("/portal/intake/"+intake.SectionNames()[0]))
	for range intake.SectionNames() {
		answerSection(t, client)
	}
	if p := currentPath(t, client); p != "/portal/intake/review" {
		t.Fatalf("after the last section: %s, want the review", p)
	}
	waitText(t, client, "Type it as we have it on file: Jamie Chen.")

	// Sent without the name and the tick: refused beside each, nothing sent.
	fill(t, client, "name", "Jamie Chan")
	clickButton(t, client, "Send my answers")
	waitText(t, client, "This does not match the name we have on file (Jamie Chen)")
	waitText(t, client, "Tick the box to confirm that your answers are true and complete")
	if v := textOf(t, client, `#f-name-error`); !strings.Contains(v, "Jamie Chen") {
		t.Errorf("the name's problem beside it: %q", v)
	}
	if typed, err := chromedp.Run(client, chromedp.Evaluate[string](`document.getElementById('f-name').value`)); err != nil || typed != "Jamie Chan" {
		t.Errorf("the typed name was not kept: %q %v", typed, err)
	}
	atWidths(t, client, "submit-refused")

	fill(t, client, "name", " jamie CHEN ")
	click(t, client, `input[name="confirm"]`)
	atWidths(t, client, "submit-step")
	clickButton(t, client, "Send my answers")
	waitText(t, client, "Thank you. Your answers are with your care team")
	visit(t, client, s.at("/portal/intake/review"))
	waitText(t, client, "You confirmed that these answers were true and complete")

	staff := newBrowser(t, withWindow(1280, 900))
	signIn(t, staff, s, "therapist@stillwater.example", "")
	visit(t, staff, s.at("/clients"))
	clickLink(t, staff, "Jamie Chen")
	waitText(t, staff, "Jamie Chen")
	chart := currentURL(t, staff)
	visit(t, staff, chart+"/intake/review")
	waitText(t, staff, "Attested by jamie CHEN on")
	waitText(t, staff, "the client, in the portal.")
	waitText(t, staff, "still match the fingerprint taken when they were sent")
	atWidths(t, staff, "review-attested")

	// A change by staff afterwards: the review says the answers are no
	// longer those attested, and who changed what.
	visit(t, staff, chart+"/intake/goals")
	fill(t, staff, "goals.text", "To stop dreading Monday mornings.")
	click(t, staff, `button[name="action"][value="continue"]:not(.default-action)`)
	waitText(t, staff, "The answers have changed since the attestation.")
	waitText(t, staff, "Your hopes for this work: changed by Sam Okafor on")
	atWidths(t, staff, "review-changed")
}
