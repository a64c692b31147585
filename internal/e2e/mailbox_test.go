package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/demo"
	"holdspace/internal/store"
)

// In the demo, the email a flow sends is read in the mailbox: the owner
// invites a client to the portal, opens the invitation there and follows
// its link to the page where the client chooses a password.
func TestTheDemoMailboxShowsAnInvitationWhoseLinkWorks(t *testing.T) {
	s := startHoldspace(t, inDemoMode())
	ctx := context.Background()
	var clientID string
	if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
		var practice string
		if err := tx.QueryRow(ctx, `SELECT id FROM practice`).Scan(&practice); err != nil {
			return err
		}
		clientID = store.NewID()
		_, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, date_of_birth, email, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			clientID, practice, "Noor Haddad", "1990-07-14", "noor@client.example", time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
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
