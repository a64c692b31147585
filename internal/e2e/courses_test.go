package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// The demo's courses, seen by the prescriber on a tablet: the stalled
// course comes first on the overview with its reason, and Alex's active
// course shows its planned doses and the sessions held.
func TestCoursesOnATablet(t *testing.T) {
	s := startHoldspace(t)
	b := signedIn(t, s, "prescriber@stillwater.example", "", withWindow(768, 1024))
	visit(t, b, s.at("/courses"))
	waitText(t, b, "stalled")
	screenshot(t, b, "overview")
	if wide, err := scrollsSideways(b); err != nil || wide {
		t.Errorf("the courses overview scrolls sideways on a tablet (%v)", err)
	}
	visit(t, b, s.at("/clients"))
	clickLink(t, b, "Alex (Alex Rivera)")
	visit(t, b, currentURL(t, b)+"/courses")
	waitText(t, b, "sublingual RDT course for F33.1")
	screenshot(t, b, "alex-courses")
	clickLink(t, b, "sublingual RDT course for F33.1")
	// The demo's dose change on session 4 is kept with its reason.
	screenshot(t, b, "alex-course")
	waitText(t, b, "Session 4: 250 mg → 225 mg")
	if wide, err := scrollsSideways(b); err != nil || wide {
		t.Errorf("the course page scrolls sideways on a tablet (%v)", err)
	}
}

// scrollsSideways reports whether the page is wider than the window.
func scrollsSideways(ctx context.Context) (bool, error) {
	fit, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Scroll, Client int }](
		`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`))
	return fit.Scroll > fit.Client, err
}
