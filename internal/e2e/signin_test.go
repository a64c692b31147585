package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/store"
)

// signIn signs in with the demo password and, for an account with an
// authenticator, the current code for key.
func signIn(t *testing.T, ctx context.Context, s *site, email, key string) {
	t.Helper()
	visit(t, ctx, s.at("/signin"))
	fill(t, ctx, "Email address", email)
	fill(t, ctx, "Password", demo.Password)
	clickButton(t, ctx, "Sign in")
	if key != "" {
		waitText(t, ctx, "Second step")
		fill(t, ctx, "Code", access.TOTPCode(key, s.now()))
		clickButton(t, ctx, "Continue")
	}
}

func TestStaffSignInWithAnAuthenticatorCode(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		ctx := newBrowser(t)
		visit(t, ctx, s.at("/signin"))
		fill(t, ctx, "Email address", "owner@stillwater.example")
		fill(t, ctx, "Password", demo.Password)
		screenshot(t, ctx, "signin")
		clickButton(t, ctx, "Sign in")
		waitText(t, ctx, "Second step")
		if p := currentPath(t, ctx); p != "/signin/code" {
			t.Fatalf("after the password: %s, want /signin/code", p)
		}
		// Before the second step nothing else opens.
		visit(t, ctx, s.at("/clients"))
		if p := currentPath(t, ctx); p != "/signin/code" {
			t.Fatalf("/clients before the code led to %s", p)
		}
		fill(t, ctx, "Code", "000000")
		clickButton(t, ctx, "Continue")
		waitText(t, ctx, "That code is not right")
		screenshot(t, ctx, "wrong-code")
		fill(t, ctx, "Code", access.TOTPCode(demo.OwnerTOTPKey, time.Now()))
		clickButton(t, ctx, "Continue")
		waitText(t, ctx, "Clients of the practice")
		if p := currentPath(t, ctx); p != "/clients" {
			t.Fatalf("after the code: %s, want /clients", p)
		}
		screenshot(t, ctx, "clients")
		clickLink(t, ctx, "Alex (Alex Rivera)")
		waitText(t, ctx, "Care team")
		screenshot(t, ctx, "chart")
		clickButton(t, ctx, "Sign out")
		waitText(t, ctx, "You are signed out.")
		visit(t, ctx, s.at("/clients"))
		if p := currentPath(t, ctx); p != "/signin?next=%2Fclients" {
			t.Fatalf("after signing out /clients led to %s, want the sign-in page", p)
		}
	})
}

func TestRequiredAuthenticatorIsSetUpAndARecoveryCodeWorksOnce(t *testing.T) {
	s := startHoldspace(t)
	ctx := context.Background()
	if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE practice SET staff_mfa_required = ?`, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	signIn(t, b, s, "therapist@stillwater.example", "")
	waitText(t, b, "Set up a second step for signing in")
	if p := currentPath(t, b); p != "/account/mfa/setup" {
		t.Fatalf("a staff member without an authenticator went to %s", p)
	}
	screenshot(t, b, "enrol")
	secret := textOf(t, b, "#totp-secret")
	fill(t, b, "Code from the app", access.TOTPCode(secret, time.Now()))
	clickButton(t, b, "Confirm")
	waitText(t, b, "Your recovery codes")
	screenshot(t, b, "recovery-codes")
	codes := strings.Fields(textOf(t, b, "ul.codes"))
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10: %q", len(codes), codes)
	}
	clickLink(t, b, "I have kept them: continue")
	waitText(t, b, "Your clients")
	clickButton(t, b, "Sign out")

	// A recovery code stands in for the phone, once.
	for round, want := range []string{"Your clients", "That code is not right"} {
		visit(t, b, s.at("/signin"))
		fill(t, b, "Email address", "therapist@stillwater.example")
		fill(t, b, "Password", demo.Password)
		clickButton(t, b, "Sign in")
		waitText(t, b, "Second step")
		fill(t, b, "Code", strings.ToUpper(codes[0]))
		clickButton(t, b, "Continue")
		waitText(t, b, want)
		if round == 0 {
			clickButton(t, b, "Sign out")
		}
	}
}

func TestRepeatedWrongPasswordsLockTheAccountWithoutSayingSo(t *testing.T) {
	s := startHoldspace(t)
	b := newBrowser(t)
	for range 5 {
		visit(t, b, s.at("/signin"))
		fill(t, b, "Email address", "prescriber@stillwater.example")
		fill(t, b, "Password", "not the password at all")
		clickButton(t, b, "Sign in")
		waitText(t, b, "The email address or password is not right")
	}
	// Now even the right password is refused, in the same words an
	// unknown address gets: the page tells an attacker nothing.
	visit(t, b, s.at("/signin"))
	fill(t, b, "Email address", "prescriber@stillwater.example")
	fill(t, b, "Password", demo.Password)
	clickButton(t, b, "Sign in")
	waitText(t, b, "The email address or password is not right")
	locked := textOf(t, b, ".field .error")
	// What was typed is kept, except the password.
	if v := textOf(t, b, "#f-email"); v != "" {
		t.Logf("email field text %q", v)
	}
	visit(t, b, s.at("/signin"))
	fill(t, b, "Email address", "nobody@stillwater.example")
	fill(t, b, "Password", demo.Password)
	clickButton(t, b, "Sign in")
	if unknown := textOf(t, b, ".field .error"); unknown != locked {
		t.Fatalf("locked account says %q, unknown address says %q", locked, unknown)
	}
	screenshot(t, b, "refused")
}
