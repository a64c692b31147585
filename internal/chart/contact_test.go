package chart_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The front desk reads and corrects a client's contact details, audited
// as their own action, and is refused the chart the same transaction would
// otherwise open (HIPAA minimum necessary, 45 CFR 164.514(d)).
func TestTheFrontDeskReadsAndCorrectsContactDetailsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		id, _, err := w.Access.AddStaffBySystem(ctx, w.Practice, access.StaffInput{Name: "Casey Nguyen", Email: "casey@stillwater.test",
			Roles: []access.Role{access.FrontDesk}}, "")
		if err != nil {
			t.Fatal(err)
		}
		desk := access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: w.Practice, Roles: []access.Role{access.FrontDesk}}
		w.Exec(`UPDATE client SET phone = '+1 555 0101', emergency_name = 'Jo Rivera', emergency_phone = '+1 555 0199' WHERE id = ?`, w.Client)

		v, err := w.Door.Contact(ctx, desk, w.Client)
		if err != nil {
			t.Fatal(err)
		}
		if v.Client.Phone != "+1 555 0101" || len(v.Team) != 1 || v.Team[0].Name != "Sam Okafor" {
			t.Errorf("contact view %+v", v)
		}
		if !v.CanEdit || !v.CanInvite || v.Chart {
			t.Errorf("the front desk may edit %v, invite %v, open the chart %v; want true, true, false", v.CanEdit, v.CanInvite, v.Chart)
		}
		if n := w.Audited(access.ContactRead, desk, "allowed"); n != 1 {
			t.Errorf("%d contact reads on the trail; want 1", n)
		}

		clinicDoor := &clinic.Door{Access: w.Access, Now: demotest.Clock}
		in := clinic.ContactDetails{LegalName: "Alex Rivera", PreferredName: "Alex", Phone: "+1 555 0111", Email: "alex.new@client.test",
			Address: clinic.Address{Line1: "41 Larchmont Ave", City: "Kingston", Region: "NY", PostalCode: "12401"}}
		if err := clinicDoor.UpdateContact(ctx, desk, w.Client, in); err != nil {
			t.Fatal(err)
		}
		var phone, email, city, emergency string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT phone, email, city, emergency_name FROM client WHERE id = ?`, w.Client).Scan(&phone, &email, &city, &emergency)
		}); err != nil {
			t.Fatal(err)
		}
		if phone != "+1 555 0111" || email != "alex.new@client.test" || city != "Kingston" || emergency != "Jo Rivera" {
			t.Errorf("stored %q %q %q, emergency contact %q; want the correction, the emergency contact kept", phone, email, city, emergency)
		}
		if n := w.Audited(access.ContactUpdate, desk, "allowed"); n != 1 {
			t.Errorf("%d contact changes on the trail; want 1", n)
		}

		bad := in
		bad.Phone, bad.LegalName = "call me", ""
		fields := demotest.InvalidFieldSet(t, clinicDoor.UpdateContact(ctx, desk, w.Client, bad))
		if !fields["phone"] || !fields["legal_name"] {
			t.Errorf("refused fields %v; want phone and legal_name", fields)
		}

		var denied *access.Denied
		if _, err := w.Door.View(ctx, desk, w.Client, nil); !errors.As(err, &denied) {
			t.Errorf("the front desk opened the chart: %v", err)
		}
		if n := w.Audited(access.ClientRead, desk, "denied"); n != 1 {
			t.Errorf("%d refused chart reads on the trail; want 1", n)
		}
		if _, err := w.Door.Contact(ctx, w.Outsider, w.Client); !errors.As(err, &denied) {
			t.Errorf("a therapist off the care team read the contact view: %v", err)
		}
	})
}
