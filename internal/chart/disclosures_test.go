package chart_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func sentences(list []chart.Says) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Sentence)
	}
	return out
}

// The client's accounting of disclosures reads in words, names an
// integration that read the record through the API, and lists it apart as
// having left the practice; staff read the same sentences about the client.
func TestTheAccountingOfDisclosuresReadsInWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if _, err := w.door.View(ctx, w.therapist, w.client, nil); err != nil {
			t.Fatal(err)
		}
		// An integration with Sam's token reads the chart.
		token := access.NewAPIToken()
		w.exec(`INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
			SELECT ?, practice_id, id, 'Billing sync', 'clients:read', ?, ? FROM account WHERE staff_id = ?`,
			store.NewID(), access.HashToken(token), at, w.therapist.StaffID)
		api, err := w.door.Access.AuthenticateAPI(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.door.View(ctx, api, w.client, nil); err != nil {
			t.Fatal(err)
		}
		// A refused look by a therapist off the care team.
		if _, err := w.door.View(ctx, w.outsider, w.client, nil); err == nil {
			t.Fatal("a therapist off the care team opened the chart")
		}

		own, err := w.door.OwnDisclosures(ctx, w.portal)
		if err != nil {
			t.Fatal(err)
		}
		got := sentences(own.List)
		for _, want := range []string{"Sam Okafor opened your chart.", "The integration “Billing sync”, with Sam Okafor’s API token, opened your chart."} {
			if !slices.Contains(got, want) {
				t.Errorf("the client's list does not say %q; it says %q", want, got)
			}
		}
		for _, s := range got {
			if strings.Contains(s, "client.read") || strings.Contains(s, "Elena") || strings.Contains(s, "disclosures") {
				t.Errorf("the client's list says %q", s)
			}
		}
		if out := sentences(own.Outside); !slices.Equal(out, []string{"The integration “Billing sync”, with Sam Okafor’s API token, opened your chart."}) {
			t.Errorf("shared outside the practice: %q; want the integration's read alone", out)
		}
		if own.Zone == nil || own.Zone.String() != "America/New_York" {
			t.Errorf("the list's times are in %v, not the practice's zone", own.Zone)
		}

		staff, err := w.door.Disclosures(ctx, w.owner, w.client)
		if err != nil {
			t.Fatal(err)
		}
		got = sentences(staff.List)
		for _, want := range []string{"Sam Okafor opened Alex Rivera’s chart.", "Refused: Elena Brooks opened Alex Rivera’s chart.",
			"Alex Rivera opened their own list of who has seen the record in the portal."} {
			if !slices.Contains(got, want) {
				t.Errorf("the staff list does not say %q; it says %q", want, got)
			}
		}
	})
}
