package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// SignIn checks an email and password. On success it returns a new session
// token; the session may still need a second factor (see Authenticate's
// Stage). Every attempt is audited. Failures all answer ErrSignInFailed and
// take one password hash's time, so neither words nor timing tell whether
// the address has an account.
func (s *Service) SignIn(ctx context.Context, email, password string) (string, error) {
	m := MetaFrom(ctx)
	now := s.now()
	if len(password) > MaxPasswordLength {
		password = password[:MaxPasswordLength]
	}
	var a Account
	var found bool
	var blocked bool
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		var until *time.Time
		err := tx.QueryRow(ctx, `SELECT blocked_until FROM sign_in_throttle WHERE address = ?`, m.Address).Scan(&until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		blocked = until != nil && now.Before(*until)
		a, found, err = accountByEmail(ctx, tx, email)
		return err
	})
	if err != nil {
		return "", err
	}
	if blocked {
		s.Hasher.Dummy(ctx, password)
		return "", s.failSignIn(ctx, Account{}, "sign-in from a blocked address", false)
	}
	if !found {
		s.Hasher.Dummy(ctx, password)
		return "", s.failSignIn(ctx, Account{}, "no account for the address given", true)
	}
	ok, err := s.Hasher.Verify(ctx, a.PasswordHash, password)
	if err != nil {
		return "", err
	}
	switch {
	case a.LockedUntil != nil && now.Before(*a.LockedUntil):
		return "", s.failSignIn(ctx, a, "account locked after repeated failures", true)
	case a.Disabled:
		return "", s.failSignIn(ctx, a, "account disabled", true)
	case !ok:
		return "", s.failSignIn(ctx, a, "wrong password", true)
	}
	var token string
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE id = ?`, a.ID); err != nil {
			return err
		}
		rules, err := loadPracticeRules(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		token, err = s.newSession(ctx, tx, a, !rules.mfaRequired(a))
		if err != nil {
			return err
		}
		actor, _, err := actorFor(ctx, tx, a)
		if err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "sign_in.password", Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, "")
	})
	return token, err
}

// failSignIn counts a failure against the account and the address, locks
// either when it passes its limit (the lock lifts by itself), and audits.
func (s *Service) failSignIn(ctx context.Context, a Account, reason string, count bool) error {
	m := MetaFrom(ctx)
	now := s.now()
	throttled := false
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if count {
			var failures int
			var start time.Time
			err := tx.QueryRow(ctx, `SELECT failures, window_start FROM sign_in_throttle WHERE address = ?`, m.Address).Scan(&failures, &start)
			switch {
			case errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(start) > s.Policy.AddressWindow):
				failures, start = 0, now
			case err != nil:
				return err
			}
			failures++
			var blockedUntil *time.Time
			if failures >= s.Policy.AddressMaxFailures {
				t := now.Add(s.Policy.AddressWindow)
				blockedUntil = &t
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sign_in_throttle (address, failures, window_start, blocked_until) VALUES (?, ?, ?, ?)
				ON CONFLICT (address) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
				blocked_until = excluded.blocked_until`, m.Address, failures, start, blockedUntil); err != nil {
				return err
			}
		} else {
			throttled = true
		}
		actor := Actor{Kind: Anonymous}
		rec := Record{Type: "account"}
		if a.ID != "" {
			actor = Actor{Kind: Anonymous, PracticeID: a.PracticeID}
			rec = Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}
			if a.LockedUntil == nil || !now.Before(*a.LockedUntil) {
				attempts := a.FailedAttempts + 1
				var lockedUntil *time.Time
				if attempts >= s.Policy.MaxFailures {
					t := now.Add(s.Policy.LockFor)
					lockedUntil, attempts = &t, 0
					// A lock ends every open session of the account, as a
					// lock for wrong codes does: whoever is guessing the
					// password may already hold one.
					if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ?`, a.ID); err != nil {
						return err
					}
					if err := s.log(ctx, tx, actor, "account.locked", rec, audit.Allowed, fmt.Sprintf("%d failed sign-ins in a row", s.Policy.MaxFailures)); err != nil {
						return err
					}
				}
				if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = ?, locked_until = ? WHERE id = ?`, attempts, lockedUntil, a.ID); err != nil {
					return err
				}
			}
		}
		return s.log(ctx, tx, actor, "sign_in.password", rec, audit.Denied, reason)
	})
	if err != nil {
		return err
	}
	if throttled {
		return ErrThrottled
	}
	return ErrSignInFailed
}

// renewSession replaces a session's token, as at every change of privilege.
func (s *Service) renewSession(ctx context.Context, tx *store.Tx, a Account, oldToken string) (string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE token_hash = ?`, HashToken(oldToken)); err != nil {
		return "", err
	}
	return s.newSession(ctx, tx, a, true)
}

// CompleteMFA checks the second factor of a session at StageMFA: a TOTP
// code, an emailed code, or a recovery code. On success the session token
// is replaced by a new one (so a token seen before MFA is worthless after).
func (s *Service) CompleteMFA(ctx context.Context, sess Session, token, code string) (string, error) {
	code = NormaliseCode(code)
	var newToken string
	var failed bool
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		a, err := accountByID(ctx, tx, sess.Account.ID)
		if err != nil {
			return err
		}
		how, err := s.proveFactor(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if how == "" {
			failed = true
			return s.codeRefused(ctx, tx, sess.Actor, a, "sign_in.mfa")
		}
		rec := Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}
		if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = 0 WHERE id = ?`, a.ID); err != nil {
			return err
		}
		newToken, err = s.renewSession(ctx, tx, a, token)
		if err != nil {
			return err
		}
		return s.log(ctx, tx, sess.Actor, "sign_in.mfa", rec, audit.Allowed, how)
	})
	if err == nil && failed {
		return "", ErrCodeFailed
	}
	return newToken, err
}

// SendEmailCode emails a six-digit code to a session at StageMFA whose
// method is email. Codes last Policy.EmailCodeTTL; each new one retires
// the ones before.
func (s *Service) SendEmailCode(ctx context.Context, sess Session) error {
	if sess.Account.MFAMethod != "email" {
		return errors.New("this account does not use emailed codes")
	}
	now := s.now()
	code := NewEmailCode()
	defer s.mailQueued()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM one_time_token WHERE account_id = ? AND purpose = 'email_code'`, sess.Account.ID); err != nil {
			return err
		}
		// The code is short: it lives minutes, not days, and its hash is
		// keyed (see emailCodeHash).
		if _, err := tx.Exec(ctx, `INSERT INTO one_time_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'email_code', ?, ?)`,
			s.emailCodeHash(sess.Account.ID, code), sess.Account.ID, now, now.Add(s.Policy.EmailCodeTTL)); err != nil {
			return err
		}
		if _, err := notify.EnqueueSealed(ctx, tx, s.Keys, notify.Message{PracticeID: sess.Account.PracticeID, To: sess.Account.Email,
			Subject: "Your sign-in code for " + sess.PracticeName,
			Text: fmt.Sprintf("Your sign-in code is %s\n\nIt works once, for the next %d minutes. If you did not try to sign in, you can ignore this email; someone may have mistyped their address, and without this code they cannot sign in as you.\n\n%s",
				code, int(s.Policy.EmailCodeTTL.Minutes()), sess.PracticeName)}, now); err != nil {
			return err
		}
		return s.log(ctx, tx, sess.Actor, "sign_in.email_code_sent", Record{Type: "account", ID: sess.Account.ID, PracticeID: sess.Account.PracticeID}, audit.Allowed, "")
	})
}

func (s *Service) openTOTP(a Account) (string, error) {
	if a.TOTPSealed == "" {
		return "", errors.New("no authenticator set up")
	}
	raw, err := decodeSealed(a.TOTPSealed)
	if err != nil {
		return "", err
	}
	secret, err := s.Keys.Open("totp", raw, []byte(a.ID))
	if err != nil {
		return "", fmt.Errorf("the authenticator secret cannot be opened with this key file: %w", err)
	}
	return string(secret), nil
}

// PasswordRefused counts a wrong password given to confirm a signature
// towards the same lock as a wrong password at sign-in, so the signature
// form cannot be used to guess a signed-in person's password. At the limit
// the account locks and every session of it ends.
func (s *Service) PasswordRefused(ctx context.Context, a Actor) error {
	now := s.now()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		acct, err := accountByID(ctx, tx, a.AccountID)
		if err != nil {
			return err
		}
		attempts := acct.FailedAttempts + 1
		if attempts < s.Policy.MaxFailures {
			_, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = ? WHERE id = ?`, attempts, acct.ID)
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = 0, locked_until = ? WHERE id = ?`, now.Add(s.Policy.LockFor), acct.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ?`, acct.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, a, "account.locked", Record{Type: "account", ID: acct.ID, PracticeID: acct.PracticeID}, audit.Allowed, "repeated wrong passwords given to sign")
	})
}
