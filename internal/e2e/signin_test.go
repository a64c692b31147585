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
	submitSignIn(t, ctx, email, demo.Password)
	if key != "" {
		waitText(t, ctx, "Second step")
		fill(t, ctx, "Code", access.TOTPCode(key, s.now()))
		clickButton(t, ctx, "Continue")
	}
}

// signedIn is a new browser with opts, signed in there as signIn does.
func signedIn(t *testing.T, s *site, email, key string, opts ...browserOption) context.Context {
	t.Helper()
	ctx := newBrowser(t, opts...)
	signIn(t, ctx, s, email, key)
	return ctx
}

// submitSignIn fills in and sends the sign-in form the browser is on.
func submitSignIn(t *testing.T, ctx context.Context, email, password string) {
	t.Helper()
	fill(t, ctx, "Email address", email)
	fill(t, ctx, "Password", password)
	clickButton(t, ctx, "Sign in")
}

// choosePassword fills in and sends the form that sets a password.
func choosePassword(t *testing.T, ctx context.Context, password, again string) {
	t.Helper()
	fill(t, ctx, "Password", password)
	fill(t, ctx, "Password again", again)
	clickButton(t, ctx, "Save password")
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
	b := signedIn(t, s, "therapist@stillwater.example", "")
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
		submitSignIn(t, b, "therapist@stillwater.example", demo.Password)
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
		submitSignIn(t, b, "prescriber@stillwater.example", "not the password at all")
		waitText(t, b, "The email address or password is not right")
	}
	// Now even the right password is refused, in the same words an
	// unknown address gets: the page tells an attacker nothing.
	visit(t, b, s.at("/signin"))
	submitSignIn(t, b, "prescriber@stillwater.example", demo.Password)
	waitText(t, b, "The email address or password is not right")
	locked := textOf(t, b, ".field .error")
	// What was typed is kept, except the password.
	if v := textOf(t, b, "#f-email"); v != "" {
		t.Logf("email field text %q", v)
	}
	visit(t, b, s.at("/signin"))
	submitSignIn(t, b, "nobody@stillwater.example", demo.Password)
	if unknown := textOf(t, b, ".field .error"); unknown != locked {
		t.Fatalf("locked account says %q, unknown address says %q", locked, unknown)
	}
	screenshot(t, b, "refused")
}
