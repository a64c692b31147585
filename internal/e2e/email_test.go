package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/demo"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
)

var linkPattern = regexp.MustCompile(`https?://\S+/(invite|reset)/[A-Za-z0-9_-]+`)

// mailTo waits for the n-th message to address and returns it.
func mailTo(t *testing.T, srv *smtptest.Server, address string, n int) smtptest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got []smtptest.Received
		for _, m := range srv.Messages() {
			for _, to := range m.To {
				if strings.EqualFold(to, address) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email number %d to %s arrived (%d did)", n, address, len(got))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// linkIn is the invitation or reset link in m.
func linkIn(t *testing.T, m smtptest.Received) string {
	t.Helper()
	link := linkPattern.FindString(m.Text)
	if link == "" {
		t.Fatalf("no invitation or reset link in the email:\n%s", m.Text)
	}
	return link
}

func TestAClientIsInvitedByEmailAndChoosesAPassword(t *testing.T) {
	srv := smtptest.Start(t)
	s := startHoldspace(t, withMail(srv))
	clientID := s.noorWithoutPortal(t)
	staff := signedIn(t, s, "owner@stillwater.example", demo.OwnerTOTPKey)
	visit(t, staff, s.at("/clients/"+clientID))
	waitText(t, staff, "No portal account yet.")
	clickButton(t, staff, "Invite to the portal")
	waitText(t, staff, "The portal invitation is on its way")

	m := mailTo(t, srv, "noor@client.example", 1)
	if !strings.Contains(m.Subject, "Stillwater Ketamine Therapy") {
		t.Errorf("subject %q does not name the practice", m.Subject)
	}
	link := linkIn(t, m)
	client := newBrowser(t)
	visit(t, client, link)
	waitText(t, client, "Welcome: choose your password")
	screenshot(t, client, "invitation")
	choosePassword(t, client, "password123", "password123")
	waitText(t, client, "list of common passwords")
	choosePassword(t, client, "lanterns over the bay", "lanterns over the bay")
	waitText(t, client, "Your password is set.")
	submitSignIn(t, client, "noor@client.example", "lanterns over the bay")
	waitText(t, client, "Noor Haddad")
	if p := currentPath(t, client); p != "/portal" {
		t.Fatalf("the client landed on %s, want /portal", p)
	}
	screenshot(t, client, "portal")

	// The link worked once; the second visit is answered 410 Gone.
	allowProblem(t, client, `status of 410 \(Gone\)`)
	visit(t, client, link)
	waitText(t, client, "This link no longer works")
}

func TestAForgottenPasswordIsResetThroughAnEmailedLink(t *testing.T) {
	srv := smtptest.Start(t)
	s := startHoldspace(t, withMail(srv))
	b := newBrowser(t)
	visit(t, b, s.at("/signin"))
	clickLink(t, b, "Forgotten your password?")
	fill(t, b, "Email address", "monitor@stillwater.example")
	clickButton(t, b, "Email me a link")
	waitText(t, b, "If an account uses that address")
	// An unknown address gets the same answer, and no email.
	visit(t, b, s.at("/reset"))
	fill(t, b, "Email address", "nobody@stillwater.example")
	clickButton(t, b, "Email me a link")
	waitText(t, b, "If an account uses that address")

	m := mailTo(t, srv, "monitor@stillwater.example", 1)
	link := linkIn(t, m)
	visit(t, b, link)
	waitText(t, b, "Choose a new password")
	choosePassword(t, b, "quiet river stones", "quiet river stones!")
	waitText(t, b, "The two passwords are not the same.")
	choosePassword(t, b, "quiet river stones", "quiet river stones")
	waitText(t, b, "Your password is set.")
	submitSignIn(t, b, "monitor@stillwater.example", demo.Password)
	waitText(t, b, "The email address or password is not right")
	fill(t, b, "Password", "quiet river stones")
	clickButton(t, b, "Sign in")
	waitText(t, b, "Your clients")
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			if strings.Contains(to, "nobody@") {
				t.Fatal("a reset email went to an address with no account")
			}
		}
	}
}

func TestAClientCanSignInWithACodeByEmail(t *testing.T) {
	srv := smtptest.Start(t)
	s := startHoldspace(t, withMail(srv))
	ctx := context.Background()
	if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE practice SET client_mfa_policy = 'totp_or_email'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, s, "maya@client.example", "")
	waitText(t, b, "Set up a second step for signing in")
	clickButton(t, b, "Email me a code at each sign-in")
	waitText(t, b, "we will email you a code each time you sign in")
	clickLink(t, b, "I have kept them: continue")
	waitText(t, b, "Your care team")
	clickButton(t, b, "Sign out")

	signIn(t, b, s, "maya@client.example", "")
	waitText(t, b, "We email you a six-digit code")
	clickButton(t, b, "Email me a code")
	// The first email told Maya her second step was set up; the second
	// carries the code.
	if notice := mailTo(t, srv, "maya@client.example", 1); !strings.Contains(notice.Text, "second step for signing in was set up") {
		t.Fatalf("the first email is not the notice of the new second step:\n%s", notice.Text)
	}
	m := mailTo(t, srv, "maya@client.example", 2)
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(m.Text)
	if code == "" {
		t.Fatalf("no code in the email:\n%s", m.Text)
	}
	fill(t, b, "Code", code)
	clickButton(t, b, "Continue")
	waitText(t, b, "Your care team")
	screenshot(t, b, "portal")
}

// noorWithoutPortal adds Noor Haddad, a client with an email address and
// no portal account yet, to the practice: the person an invitation is
// sent to.
func (s *site) noorWithoutPortal(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	clientID := store.NewID()
	if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
		var practice string
		if err := tx.QueryRow(ctx, `SELECT id FROM practice`).Scan(&practice); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, date_of_birth, email, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			clientID, practice, "Noor Haddad", "1990-07-14", "noor@client.example", time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return clientID
}
