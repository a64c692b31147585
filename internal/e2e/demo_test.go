package e2e

import (
	"testing"
)

// The demo practice shows every stage of preparation, as the README
// promises: who is ready, who is blocked, who awaits the prescriber, who
// is half-way through the intake.
func TestTheDemoShowsEveryStageOfPreparation(t *testing.T) {
	s := startHoldspace(t)
	b := signedIn(t, s, "prescriber@stillwater.example", "")
	cases := []struct {
		link, want string
	}{
		{"Alex (Alex Rivera)", "Ready for a first medicine session."},
		{"Maya Thompson", "Ready for a first medicine session."},
		{"Rob (Robert Haines)", "Screening clear or acknowledged"},
		{"Cilla (Priscilla Nwosu)", "Screening clear or acknowledged"},
		{"Jamie Chen", "Intake submitted"},
	}
	for _, c := range cases {
		visit(t, b, s.at("/clients"))
		clickLink(t, b, c.link)
		waitText(t, b, c.want)
		screenshot(t, b, c.link)
	}
	// Robert's screening says why a course cannot start.
	visit(t, b, s.at("/clients"))
	clickLink(t, b, "Rob (Robert Haines)")
	clickLink(t, b, "Readiness and intentions")
	waitText(t, b, "An absolute contraindication blocks a course (Aneurysmal vascular disease or arteriovenous malformation reported); no acknowledgement lifts it.")
	screenshot(t, b, "robert-readiness")
	// Priscilla's awaits this prescriber's acknowledgement.
	visit(t, b, s.at("/clients"))
	clickLink(t, b, "Cilla (Priscilla Nwosu)")
	clickLink(t, b, "Readiness and intentions")
	waitText(t, b, "await the prescriber's acknowledgement")
}
