package chart_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/demo/demotest"
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
		if _, err := w.Door.View(ctx, w.Therapist, w.Client, nil); err != nil {
			t.Fatal(err)
		}
		// An integration with Sam's token reads the chart.
		token := access.NewAPIToken()
		w.Exec(`INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
			SELECT ?, practice_id, id, 'Billing sync', 'clients:read', ?, ? FROM account WHERE staff_id = ?`,
			store.NewID(), access.HashToken(token), demotest.Now, w.Therapist.StaffID)
		api, err := w.Door.Access.AuthenticateAPI(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Door.View(ctx, api, w.Client, nil); err != nil {
			t.Fatal(err)
		}
		// A refused look by a therapist off the care team.
		if _, err := w.Door.View(ctx, w.Outsider, w.Client, nil); err == nil {
			t.Fatal("a therapist off the care team opened the chart")
		}

		own, err := w.Door.OwnDisclosures(ctx, w.Portal)
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

		staff, err := w.Door.Disclosures(ctx, w.Owner, w.Client)
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
