package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time      { return c.t }
func (c *clock) Add(d time.Duration) { c.t = c.t.Add(d) }
func meta(addr string) context.Context {
	return access.WithMeta(context.Background(), access.Meta{Address: addr, UserAgent: "test", RequestID: "r1"})
}

type fixture struct {
	svc      *access.Service
	clk      *clock
	db       *store.DB
	practice string
	staffID  string
	email    string
}

const goodPassword = "tangerine quietly orbits"

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	ring, _ := keyring.New(make([]byte, 32))
	svc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: clk.Now, BaseURL: "http://127.0.0.1:8080/", Policy: access.DefaultPolicy()}
	pid, err := access.CreatePractice(ctx, db, "Test Practice", "test", "America/New_York", clk.t)
	if err != nil {
		t.Fatal(err)
	}
	staffID, _, err := svc.AddStaffBySystem(ctx, pid, access.StaffInput{Name: "Ana Ruiz", Email: "Ana@Example.org", Roles: []access.Role{access.Owner, access.Therapist}}, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, clk: clk, db: db, practice: pid, staffID: staffID, email: "ana@example.org"}
}

func TestSignInNeedsTheSecondFactorAndRenewsTheToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.1")
		token, err := f.svc.SignIn(ctx, "  ANA@example.org ", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := f.svc.Authenticate(ctx, token)
		if err != nil || sess.Stage != access.StageEnrol {
			t.Fatalf("stage %v, %v; want StageEnrol (staff MFA is required by default)", sess.Stage, err)
		}
		p, err := f.svc.BeginTOTP(sess)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.ConfirmTOTP(ctx, sess, token, p.Sealed, "000000", ""); err == nil {
			t.Fatal("a wrong enrolment code was accepted")
		}
		codes, token2, err := f.svc.ConfirmTOTP(ctx, sess, token, p.Sealed, access.TOTPCode(p.Secret, f.clk.t), "")
		if err != nil || len(codes) != 10 {
			t.Fatalf("ConfirmTOTP: %v, %d codes", err, len(codes))
		}
		if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, access.ErrSessionEnded) {
			t.Fatal("the token from before enrolment still works")
		}
		// A copy of the database holds no plain hash of a recovery code to
		// search offline.
		var plain int
		f.db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_code WHERE code_hash = ?`, access.HashToken(codes[1])).Scan(&plain)
		})
		if plain != 0 {
			t.Fatal("a recovery code is stored as its plain SHA-256")
		}
		if s2, err := f.svc.Authenticate(ctx, token2); err != nil || s2.Stage != access.StageFull {
			t.Fatalf("after enrolment: %v %v", s2.Stage, err)
		}

		// Next sign-in asks for the code; a used code is refused (replay).
		f.clk.Add(time.Minute)
		t3, _ := f.svc.SignIn(ctx, f.email, goodPassword)
		s3, _ := f.svc.Authenticate(ctx, t3)
		if s3.Stage != access.StageMFA {
			t.Fatalf("stage %v; want StageMFA", s3.Stage)
		}
		code := access.TOTPCode(p.Secret, f.clk.t)
		t4, err := f.svc.CompleteMFA(ctx, s3, t3, code)
		if err != nil {
			t.Fatal(err)
		}
		t5, _ := f.svc.SignIn(ctx, f.email, goodPassword)
		s5, _ := f.svc.Authenticate(ctx, t5)
		if _, err := f.svc.CompleteMFA(ctx, s5, t5, code); !errors.Is(err, access.ErrCodeFailed) {
			t.Fatalf("replayed code: %v; want ErrCodeFailed", err)
		}
		// A recovery code works once.
		if _, err := f.svc.CompleteMFA(ctx, s5, t5, strings.ToUpper(codes[0])); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		t6, _ := f.svc.SignIn(ctx, f.email, goodPassword)
		s6, _ := f.svc.Authenticate(ctx, t6)
		if _, err := f.svc.CompleteMFA(ctx, s6, t6, codes[0]); !errors.Is(err, access.ErrCodeFailed) {
			t.Fatal("a recovery code worked twice")
		}
		_ = t4
	})
}

func TestWrongPasswordsLockTheAccountAndTheLockLifts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.2")
		for i := range 5 {
			if _, err := f.svc.SignIn(ctx, f.email, "wrong password "+string(rune('a'+i))); !errors.Is(err, access.ErrSignInFailed) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Locked: even the right password fails, with the same message as
		// an unknown address (no enumeration).
		_, errLocked := f.svc.SignIn(ctx, f.email, goodPassword)
		_, errUnknown := f.svc.SignIn(ctx, "nobody@example.org", goodPassword)
		if !errors.Is(errLocked, access.ErrSignInFailed) || errLocked.Error() != errUnknown.Error() {
			t.Fatalf("locked: %v; unknown: %v; want the same message", errLocked, errUnknown)
		}
		f.clk.Add(15*time.Minute + time.Second)
		if _, err := f.svc.SignIn(ctx, f.email, goodPassword); err != nil {
			t.Fatalf("after the lock lifted: %v", err)
		}
	})
}

func TestAnAddressWithManyFailuresIsThrottledForAWhile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.3")
		for i := range 20 {
			f.svc.SignIn(ctx, "guess"+string(rune('a'+i))+"@example.org", "whatever it is")
		}
		if _, err := f.svc.SignIn(ctx, f.email, goodPassword); !errors.Is(err, access.ErrThrottled) {
			t.Fatalf("21st attempt from the address: %v; want ErrThrottled", err)
		}
		if _, err := f.svc.SignIn(meta("10.0.0.4"), f.email, goodPassword); err != nil {
			t.Fatalf("another address is not throttled: %v", err)
		}
		f.clk.Add(15*time.Minute + time.Second)
		if _, err := f.svc.SignIn(ctx, f.email, goodPassword); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestIdleStaffSessionsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE practice SET staff_mfa_required = ?`, false)
			return err
		})
		ctx := meta("10.0.0.5")
		token, _ := f.svc.SignIn(ctx, f.email, goodPassword)
		f.clk.Add(14 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, token); err != nil {
			t.Fatalf("at 14 idle minutes: %v", err)
		}
		f.clk.Add(15*time.Minute + time.Second)
		if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, access.ErrSessionEnded) {
			t.Fatalf("after 15 idle minutes: %v; want ErrSessionEnded", err)
		}
	})
}

func TestInvitationLinksAreSingleUseAndExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.6")
		_, link, err := f.svc.AddStaffBySystem(ctx, f.practice, access.StaffInput{Name: "Sam", Email: "sam@example.org", Roles: []access.Role{access.Therapist}}, "")
		if err != nil {
			t.Fatal(err)
		}
		token := link[strings.LastIndex(link, "/")+1:]
		var p *access.Problem
		if err := f.svc.UseLink(ctx, "invite", token, "password1", "password1"); !errors.As(err, &p) || p.Field != "password" {
			t.Fatalf("common password: %v", err)
		}
		if err := f.svc.UseLink(ctx, "invite", token, "marble harbour lantern", "marble harbour lantern"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.UseLink(ctx, "invite", token, "marble harbour lantern", "marble harbour lantern"); !errors.Is(err, access.ErrLinkInvalid) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "sam@example.org", "marble harbour lantern"); err != nil {
			t.Fatal(err)
		}
		_, link2, _ := f.svc.AddStaffBySystem(ctx, f.practice, access.StaffInput{Name: "Lee", Email: "lee@example.org", Roles: []access.Role{access.Monitor}}, "")
		f.clk.Add(7*24*time.Hour + time.Second)
		if _, err := f.svc.LinkAccount(ctx, "invite", link2[strings.LastIndex(link2, "/")+1:]); !errors.Is(err, access.ErrLinkInvalid) {
			t.Fatalf("expired invitation: %v", err)
		}
	})
}

func TestEverySignInAttemptIsOnTheTrailAndTheTrailVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("10.0.0.7")
		f.svc.SignIn(ctx, f.email, "not the password")
		f.svc.SignIn(ctx, "nobody@example.org", "not the password")
		f.svc.SignIn(ctx, f.email, goodPassword)
		var denied, allowed, system int
		db.Read(context.Background(), func(tx *store.Tx) error {
			c := context.Background()
			tx.QueryRow(c, `SELECT COUNT(*) FROM audit_event WHERE action = 'sign_in.password' AND outcome = 'denied' AND chain = ?`, f.practice).Scan(&denied)
			tx.QueryRow(c, `SELECT COUNT(*) FROM audit_event WHERE action = 'sign_in.password' AND outcome = 'allowed'`).Scan(&allowed)
			return tx.QueryRow(c, `SELECT COUNT(*) FROM audit_event WHERE action = 'sign_in.password' AND chain = 'system'`).Scan(&system)
		})
		if denied != 1 || allowed != 1 || system != 1 {
			t.Fatalf("denied %d (practice chain), allowed %d, unknown-address %d (system chain); want 1 each", denied, allowed, system)
		}
		rep, err := audit.Verify(context.Background(), db)
		if err != nil || len(rep.Breaks) != 0 {
			t.Fatalf("verify: %v %v", rep.Breaks, err)
		}
	})
}

func TestWrongSignaturePasswordsCountTowardsTheLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE practice SET staff_mfa_required = ?`, false)
			return err
		})
		ctx := meta("10.0.0.9")
		token, err := f.svc.SignIn(ctx, f.email, goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		sess, _ := f.svc.Authenticate(ctx, token)
		for range 5 {
			if err := f.svc.PasswordRefused(ctx, sess.Actor); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, access.ErrSessionEnded) {
			t.Fatalf("after five wrong signature passwords the session still works: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, f.email, goodPassword); !errors.Is(err, access.ErrSignInFailed) {
			t.Fatalf("the account is not locked: %v", err)
		}
	})
}
