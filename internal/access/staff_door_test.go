package access_test

import (
	"context"
	"errors"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, f.db, q, args...)
}

func TestTheStaffDoorListsReadsAndReinvitesTheOwnPracticeOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.9")
		owner := access.Actor{Kind: access.StaffActor, StaffID: f.staffID, PracticeID: f.practice, Roles: []access.Role{access.Owner, access.Therapist}}
		sam, err := f.svc.AddStaff(ctx, owner, access.StaffInput{Name: "Sam Okafor", Email: "sam@example.org", Roles: []access.Role{access.Monitor, access.Therapist}})
		if err != nil {
			t.Fatal(err)
		}

		staff, err := f.svc.Staff(ctx, owner)
		if err != nil || len(staff) != 2 || staff[0].Name != "Ana Ruiz" || staff[1].ID != sam {
			t.Fatalf("staff %+v %v", staff, err)
		}
		if !staff[0].HasPassword || staff[1].HasPassword || !staff[1].HasAccount {
			t.Errorf("sign-in set-up: %+v", staff)
		}
		if got := staff[1].Roles; len(got) != 2 || got[0] != access.Therapist || got[1] != access.Monitor {
			t.Errorf("roles %v; want therapist, monitor in the pages' order", got)
		}

		m, err := f.svc.StaffMember(ctx, owner, sam)
		if err != nil || m.Email != "sam@example.org" || m.InviteUntil == nil || !m.InviteUntil.Equal(f.clk.t.Add(access.DefaultPolicy().InviteValid)) {
			t.Fatalf("member %+v %v", m, err)
		}
		email, err := f.svc.ResendInvitation(ctx, owner, sam)
		if err != nil || email != "sam@example.org" {
			t.Fatalf("resend: %q %v", email, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM outbox`); n != 2 {
			t.Errorf("%d emails queued; want the invitation and its resending", n)
		}

		// Someone who chose a password is not invited again; the refusal
		// is on the invitation's field.
		var p *access.Problem
		if _, err := f.svc.ResendInvitation(ctx, owner, f.staffID); !errors.As(err, &p) || p.Field != "invite" {
			t.Fatalf("resend to a member with a password: %v", err)
		}
		if _, err := f.svc.ResendInvitation(ctx, owner, "no-such-id"); !errors.As(err, &p) || p.Field != "staff" {
			t.Fatalf("resend to no one: %v", err)
		}
		// An unknown member is not found, and the question is on the trail.
		before := f.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'staff.manage' AND record_id = 'no-such-id' AND outcome = 'allowed'`)
		if _, err := f.svc.StaffMember(ctx, owner, "no-such-id"); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Fatalf("unknown member: %v", err)
		}
		if after := f.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'staff.manage' AND record_id = 'no-such-id' AND outcome = 'allowed'`); after != before+1 {
			t.Errorf("reading an unknown member left %d entries; want %d", after, before+1)
		}

		// A therapist does not run the practice: refused, and on the trail.
		ther := access.Actor{Kind: access.StaffActor, StaffID: sam, PracticeID: f.practice, Roles: []access.Role{access.Therapist}}
		var denied *access.Denied
		if _, err := f.svc.Staff(ctx, ther); !errors.As(err, &denied) {
			t.Fatalf("a therapist listed staff: %v", err)
		}
		if _, err := f.svc.StaffMember(ctx, ther, f.staffID); !errors.As(err, &denied) {
			t.Fatalf("a therapist read a member: %v", err)
		}
		if _, err := f.svc.ResendInvitation(ctx, ther, sam); !errors.As(err, &denied) {
			t.Fatalf("a therapist resent an invitation: %v", err)
		}
		if err := f.svc.May(ctx, ther, access.StaffManage, access.Ref{Type: "staff"}); !errors.As(err, &denied) {
			t.Fatalf("a therapist may manage staff: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = 'staff.manage' AND outcome = 'denied'`, sam); n != 4 {
			t.Errorf("%d refusals on the trail; want 4", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM outbox`); n != 2 {
			t.Errorf("%d emails queued after the refusals; want still 2", n)
		}

		// Another practice's owner finds none of this practice's staff.
		other, err := access.CreatePractice(ctx, db, "Elsewhere", "elsewhere", "UTC", f.clk.t)
		if err != nil {
			t.Fatal(err)
		}
		lee, _, err := f.svc.AddStaffBySystem(ctx, other, access.StaffInput{Name: "Lee Park", Email: "lee@example.org", Roles: []access.Role{access.Owner}}, goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		them := access.Actor{Kind: access.StaffActor, StaffID: lee, PracticeID: other, Roles: []access.Role{access.Owner}}
		if staff, err := f.svc.Staff(ctx, them); err != nil || len(staff) != 1 || staff[0].ID != lee {
			t.Fatalf("the other practice's staff: %+v %v", staff, err)
		}
		if _, err := f.svc.StaffMember(ctx, them, sam); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Fatalf("another practice read a member: %v", err)
		}
		if _, err := f.svc.ResendInvitation(ctx, them, sam); !errors.As(err, &p) || p.Field != "staff" {
			t.Fatalf("another practice reinvited a member: %v", err)
		}
	})
}

func TestTheZoneAndWhetherAPracticeExistsAreRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc := &access.Service{DB: db}
		if some, err := svc.HasPractice(context.Background()); err != nil || some {
			t.Fatalf("an empty holdspace holds a practice: %v %v", some, err)
		}
		f := setup(t, db)
		if some, err := f.svc.HasPractice(context.Background()); err != nil || !some {
			t.Fatalf("no practice after one was made: %v %v", some, err)
		}
		zone, err := f.svc.ZoneOf(context.Background(), f.practice)
		if err != nil || zone.String() != "America/New_York" {
			t.Fatalf("zone %v %v", zone, err)
		}
		if _, err := f.svc.ZoneOf(context.Background(), "no-such-practice"); !errors.Is(err, access.ErrNoSuchPractice) {
			t.Fatalf("zone of no practice: %v", err)
		}
	})
}

func TestAnAuthenticatorKeySetByTheSystemSignsInAndIsOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.7")
		owner, err := f.svc.StaffActorByEmail(ctx, f.practice, f.email)
		if err != nil {
			t.Fatal(err)
		}
		const key = "JBSWY3DPEHPK3PXPHOLDSPACEDEMOKEY"
		if err := f.svc.SetTOTPBySystem(ctx, owner.AccountID, key); err != nil {
			t.Fatal(err)
		}
		token, err := f.svc.SignIn(ctx, f.email, goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := f.svc.Authenticate(ctx, token)
		if err != nil || sess.Stage != access.StageMFA {
			t.Fatalf("stage %v, %v; want the second step, with the key set", sess.Stage, err)
		}
		if _, err := f.svc.CompleteMFA(ctx, sess, token, access.TOTPCode(key, f.clk.t)); err != nil {
			t.Fatalf("the key's code: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'mfa.set_by_system' AND actor_kind = 'system' AND record_id = ?`, owner.AccountID); n != 1 {
			t.Errorf("%d system enrolments on the trail; want 1", n)
		}
	})
}
