package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"holdspace/internal/demo"
)

// In the demo, the email a flow sends is read in the mailbox: the owner
// invites a client to the portal, opens the invitation there and follows
// its link to the page where the client chooses a password.
func TestTheDemoMailboxShowsAnInvitationWhoseLinkWorks(t *testing.T) {
	s := startHoldspace(t, inDemoMode())
	clientID := s.noorWithoutPortal(t)
	staff := newBrowser(t)
	signIn(t, staff, s, "owner@stillwater.example", demo.OwnerTOTPKey)
	visit(t, staff, s.at("/clients/"+clientID))
	clickButton(t, staff, "Invite to the portal")
	waitText(t, staff, "The portal invitation is on its way")
	clickLink(t, staff, "Mailbox")
	waitText(t, staff, "Demo mailbox")
	waitText(t, staff, "noor@client.example")
	for _, w := range []int{390, 820, 1280} {
		if err := chromedp.Do(staff, chromedp.EmulateViewport(int64(w), 900)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, staff, fmt.Sprintf("mailbox-%d", w))
		if wide, err := scrollsSideways(staff); err != nil || wide {
			t.Errorf("at %d px the mailbox scrolls sideways (%v)", w, err)
		}
	}
	// The newest message is the invitation; its link is the first in it.
	href, err := chromedp.Run(staff, chromedp.Evaluate[string](`document.querySelector("ol.mailbox > li:first-child .letter-text a").href`))
	if err != nil {
		t.Fatal(err)
	}
	if want := s.at("/invite/"); len(href) <= len(want) || href[:len(want)] != want {
		t.Fatalf("the invitation's link is %q; want one under %s", href, want)
	}
	client := newBrowser(t)
	visit(t, client, s.at("/demo/mailbox"))
	waitText(t, client, "Sign in")
	// The person it was meant for follows it from the mailbox's page.
	resp := visit(t, client, href)
	if resp.Status != 200 {
		t.Fatalf("following the invitation: status %d", resp.Status)
	}
	waitText(t, client, "Welcome: choose your password")
	// And the staff member who reads it follows it in place.
	clickLink(t, staff, href)
	waitText(t, staff, "choose your password")
}
