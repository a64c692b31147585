package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"holdspace/internal/demo"
	"holdspace/internal/store"
)

// A client reads who has seen their record in words, not codes, and staff
// read the same sentences on the client's page.
func TestTheClientReadsWhoHasSeenTheirRecordInWords(t *testing.T) {
	s := startHoldspace(t)
	ctx := context.Background()
	var alex string
	if err := s.App.DB.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT id FROM client WHERE email = 'alex@client.example'`).Scan(&alex)
	}); err != nil {
		t.Fatal(err)
	}
	rx := newBrowser(t)
	signIn(t, rx, s, "prescriber@stillwater.example", "")
	visit(t, rx, s.at("/clients/"+alex))
	waitText(t, rx, "Alex")

	client := newBrowser(t)
	signIn(t, client, s, "alex@client.example", "")
	visit(t, client, s.at("/portal"))
	clickLink(t, client, "See who has seen your record")
	waitText(t, client, "Who has seen my record")
	waitText(t, client, "Dr. Priya Raman opened your chart.")
	waitText(t, client, "Shared outside the practice")
	if n := count(t, client, "td code"); n != 0 {
		t.Errorf("the client's list shows %d codes", n)
	}
	for _, w := range []int{390, 820, 1280} {
		if err := chromedp.Do(client, chromedp.EmulateViewport(int64(w), 900)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, client, fmt.Sprintf("portal-disclosures-%d", w))
		if wide, err := scrollsSideways(client); err != nil || wide {
			t.Errorf("at %d px the list scrolls sideways (%v)", w, err)
		}
	}

	owner := newBrowser(t)
	signIn(t, owner, s, "owner@stillwater.example", demo.OwnerTOTPKey)
	visit(t, owner, s.at("/clients/"+alex))
	clickLink(t, owner, "Who has seen this record")
	waitText(t, owner, "Dr. Priya Raman opened Alex’s chart.")
	screenshot(t, owner, "staff-disclosures")
}
