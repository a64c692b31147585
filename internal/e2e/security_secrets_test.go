package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
)

// formClient posts forms to a site the way a browser without JavaScript
// would, keeping its cookies and stopping at every redirect so a test can
// see where it leads.
type formClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newFormClient(t *testing.T, s *site) *formClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &formClient{t: t, base: s.URL, c: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// post sends a form and returns the status and the Location it names.
func (f *formClient) post(path string, form url.Values) (int, string) {
	f.t.Helper()
	res, err := f.c.PostForm(f.base+path, form)
	if err != nil {
		f.t.Fatalf("POST %s: %v", path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// get fetches a page and returns the status and the Location it names.
func (f *formClient) get(path string) (int, string) {
	f.t.Helper()
	res, err := f.c.Get(f.base + path)
	if err != nil {
		f.t.Fatalf("GET %s: %v", path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// mustPost posts a form and fails unless it is answered by a redirect to
// want ("" accepts any redirect).
func (f *formClient) mustPost(path string, form url.Values, want string) {
	f.t.Helper()
	status, loc := f.post(path, form)
	if status != http.StatusSeeOther || (want != "" && loc != want) {
		f.t.Fatalf("POST %s: %d to %q; want 303 to %q", path, status, loc, want)
	}
}

// copies is what a thief could take from a holdspace: a backup made by the
// backup command, decompressed, and for SQLite the database files as they
// lie on disk.
type copies map[string][]byte

func takeCopies(t *testing.T, s *site) copies {
	t.Helper()
	var gz bytes.Buffer
	if _, err := s.App.DB.Backup(context.Background(), &gz, s.now()); err != nil {
		t.Fatalf("backup: %v", err)
	}
	r, err := gzip.NewReader(&gz)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	c := copies{"backup": plain}
	if s.App.DB.Dialect().Name() == "sqlite" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(s.App.DB.Where + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			c["database file"+suffix] = b
		}
	}
	return c
}

// mustNotHold fails for each secret found in any of the copies.
func (c copies) mustNotHold(t *testing.T, when string, secrets map[string]string) {
	t.Helper()
	for what, secret := range secrets {
		for where, b := range c {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s: the %s holds the %s", when, where, what)
			}
		}
	}
}

var (
	resetLink  = regexp.MustCompile(`https?://\S+/reset/([A-Za-z0-9_-]+)`)
	inviteLink = regexp.MustCompile(`https?://\S+/invite/([A-Za-z0-9_-]+)`)
	signInCode = regexp.MustCompile(`code is (\d{6})\b`)
)

// The secrets holdspace emails (a password reset link, an invitation link,
// a sign-in code) must not be readable from the database or a backup of it,
// neither while the email waits to be sent nor after; the emails themselves
// must still work.
func TestEmailedSecretsAreNotReadableFromTheDatabaseOrABackup(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		srv := smtptest.Start(t)
		// Hold every email back (451, try again later) until the copies
		// of the waiting outbox are taken.
		srv.FailNext(1 << 30)
		clk := newClock(time.Now())
		s := startHoldspace(t, db, withMail(srv), withClock(clk))
		if s == nil {
			return
		}
		ctx := context.Background()
		var mayaAccount string
		if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE practice SET client_mfa_policy = 'totp_or_email'`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE account SET mfa_method = 'email' WHERE email = 'maya@client.example'`); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT id FROM account WHERE email = 'maya@client.example'`).Scan(&mayaAccount)
		}); err != nil {
			t.Fatal(err)
		}

		anon := newFormClient(t, s)
		anon.mustPost("/reset", url.Values{"email": {"monitor@stillwater.example"}}, "/signin")

		owner := newFormClient(t, s)
		owner.mustPost("/signin", url.Values{"email": {"owner@stillwater.example"}, "password": {demo.Password}}, "")
		owner.mustPost("/signin/code", url.Values{"code": {access.TOTPCode(demo.OwnerTOTPKey, s.now())}}, "/")
		owner.mustPost("/admin/staff/new", url.Values{"name": {"Robin Vale"}, "email": {"robin@stillwater.example"},
			"credentials": {"LMHC"}, "roles": {"therapist"}}, "")

		maya := newFormClient(t, s)
		maya.mustPost("/signin", url.Values{"email": {"maya@client.example"}, "password": {demo.Password}}, "")
		maya.mustPost("/signin/code/email", nil, "/signin/code")

		waiting := takeCopies(t, s)

		// Let the mail through: the held messages are due again a minute
		// after their failed attempt.
		srv.FailNext(0)
		clk.Advance(2 * time.Minute)
		s.App.Mail.Wake()
		resetMail := mailTo(t, srv, "monitor@stillwater.example", 1)
		inviteMail := mailTo(t, srv, "robin@stillwater.example", 1)
		codeMail := mailTo(t, srv, "maya@client.example", 1)
		secrets := map[string]string{}
		for what, found := range map[string][]string{
			"reset link token":      resetLink.FindStringSubmatch(resetMail.Text),
			"invitation link token": inviteLink.FindStringSubmatch(inviteMail.Text),
			"sign-in code":          signInCode.FindStringSubmatch(codeMail.Text),
		} {
			if found == nil {
				t.Fatalf("no %s in the email that should carry it", what)
			}
			secrets[what] = found[1]
		}
		code := secrets["sign-in code"]
		// A six-digit code alone would match unrelated digits; what would
		// give it away is the email's sentence, or a hash of it that a
		// million guesses reverse.
		delete(secrets, "sign-in code")
		secrets["sentence with the sign-in code"] = "code is " + code
		secrets["unkeyed hash of the sign-in code"] = access.HashToken(mayaAccount + ":" + code)

		waitSent(t, s, "monitor@stillwater.example", "robin@stillwater.example", "maya@client.example")
		waiting.mustNotHold(t, "while the email waited", secrets)
		takeCopies(t, s).mustNotHold(t, "after the email was sent", secrets)

		// What was delivered still works.
		maya.mustPost("/signin/code", url.Values{"code": {code}}, "/")
		if status, loc := maya.get("/portal"); status != http.StatusOK {
			t.Errorf("the portal after the emailed code: %d to %q", status, loc)
		}
		reset := resetLink.FindStringSubmatch(resetMail.Text)[1]
		anon.mustPost("/reset/"+reset, url.Values{"password": {"quiet river stones"}, "confirm": {"quiet river stones"}}, "/signin")
		monitor := newFormClient(t, s)
		monitor.mustPost("/signin", url.Values{"email": {"monitor@stillwater.example"}, "password": {"quiet river stones"}}, "/")
		invite := inviteLink.FindStringSubmatch(inviteMail.Text)[1]
		anon.mustPost("/invite/"+invite, url.Values{"password": {"lanterns over the bay"}, "confirm": {"lanterns over the bay"}}, "/signin")
		robin := newFormClient(t, s)
		robin.mustPost("/signin", url.Values{"email": {"robin@stillwater.example"}, "password": {"lanterns over the bay"}}, "/")
	})
}

// waitSent waits until the outbox has recorded delivery of the emails this
// test caused (the demo's own, marked delivered when it was loaded, are not
// theirs to judge) and checks that none of them kept its body.
func waitSent(t *testing.T, s *site, addresses ...string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var total, unsent, kept int
		err := s.App.DB.Read(ctx, func(tx *store.Tx) error {
			for _, a := range addresses {
				var n, u, k int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*),
						COALESCE(SUM(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END), 0),
						COALESCE(SUM(CASE WHEN sent_at IS NOT NULL AND body_text <> '' THEN 1 ELSE 0 END), 0)
					FROM outbox WHERE to_addr = ? AND (subject = 'Reset your holdspace password'
						OR subject LIKE 'Your invitation to %' OR subject LIKE 'Your sign-in code for %')`, a).Scan(&n, &u, &k); err != nil {
					return err
				}
				total, unsent, kept = total+n, unsent+u, kept+k
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if total < len(addresses) {
			t.Fatalf("the outbox holds %d of the %d emails", total, len(addresses))
		}
		if unsent == 0 {
			if kept > 0 {
				t.Errorf("%d delivered emails kept their body in the outbox", kept)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails still not marked sent", unsent)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
