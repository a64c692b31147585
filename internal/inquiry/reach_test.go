package inquiry_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/inquiry"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestAContactIsLoggedOnTheInquiryAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		id := p.submit("203.0.113.7", nil)
		var ps access.Problems
		if err := p.svc.LogContact(ctx, p.therapist, id, inquiry.ContactInput{Method: "pigeon", Note: ""}); !errors.As(err, &ps) || len(ps) != 2 {
			t.Fatalf("%v; want the method and the note refused", err)
		}
		if err := p.svc.LogContact(ctx, p.monitor, id, inquiry.ContactInput{Method: "phone", Note: "Called."}); err == nil {
			t.Fatal("a monitor logged a contact")
		}
		if err := p.svc.LogContact(ctx, p.otherOwner, id, inquiry.ContactInput{Method: "phone", Note: "Called."}); !errors.Is(err, inquiry.ErrNotFound) {
			t.Fatalf("%v; want not found for another practice", err)
		}
		if err := p.svc.LogContact(ctx, p.therapist, id, inquiry.ContactInput{Method: "text", Note: "Texted to offer a call on Friday."}); err != nil {
			t.Fatal(err)
		}
		d, err := p.svc.Get(ctx, p.owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Contacts) != 1 || d.Contacts[0].StaffName != "Sam Okafor" || d.Contacts[0].MethodLabel() != "Text message" || !d.Contacts[0].At.Equal(p.clk.t) {
			t.Fatalf("contacts: %+v", d.Contacts)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.contact' AND record_id = ?`, id); n != 1 {
			t.Errorf("%d inquiry.contact entries; want 1", n)
		}
	})
}

func TestWhoIsToldOfANewInquiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		p.submit("203.0.113.7", nil)
		// By default the owner and administrators.
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE subject = 'A new inquiry for Stillwater'`); n != 1 {
			t.Fatalf("%d notifications by default; want 1, to the owner", n)
		}
		if err := p.svc.SaveNotified(ctx, p.owner, []string{p.monitorStaff}); err == nil {
			t.Fatal("a monitor, who may not open inquiries, was chosen")
		}
		if err := p.svc.SaveNotified(ctx, p.therapist, []string{p.therapistStaff}); err == nil {
			t.Fatal("a therapist changed the practice's settings")
		}
		if err := p.svc.SaveNotified(ctx, p.owner, []string{p.therapistStaff, p.rxStaff, p.therapistStaff}); err != nil {
			t.Fatal(err)
		}
		n, err := p.svc.LoadNotified(ctx, p.owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Chosen) != 2 || !n.Has(p.therapistStaff) || !n.Has(p.rxStaff) {
			t.Fatalf("chosen: %v", n.Chosen)
		}
		for _, m := range n.Staff {
			if m.ID == p.monitorStaff {
				t.Error("a monitor is offered as a choice")
			}
		}
		p.submit("203.0.113.8", nil)
		if got := p.count(`SELECT COUNT(*) FROM outbox WHERE subject = 'A new inquiry for Stillwater'`); got != 3 {
			t.Fatalf("%d notifications after the choice; want 3 (one earlier, two now)", got)
		}
	})
}
