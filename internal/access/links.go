package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"holdspace/internal/audit"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.BaseURL, "/") + path + token
}

// SendInvitation emails a single-use link with which the account's owner
// sets a password. It runs in the caller's transaction (adding a staff
// member or converting an inquiry is one change with its invitation).
func (s *Service) SendInvitation(ctx context.Context, tx *store.Tx, by Actor, accountID string) error {
	a, err := accountByID(ctx, tx, accountID)
	if err != nil {
		return err
	}
	rules, err := loadPracticeRules(ctx, tx, a.PracticeID)
	if err != nil {
		return err
	}
	now := s.now()
	token := NewToken()
	// A new invitation retires the earlier ones.
	if _, err := tx.Exec(ctx, `UPDATE one_time_token SET used_at = ? WHERE account_id = ? AND purpose = 'invite' AND used_at IS NULL`, now, a.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO one_time_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'invite', ?, ?)`,
		HashToken(token), a.ID, now, now.Add(s.Policy.InviteValid)); err != nil {
		return err
	}
	var body string
	if a.Kind == "staff" {
		body = fmt.Sprintf("You have been invited to holdspace at %s.\n\nChoose your password here (the link works once, for %d days):\n%s\n\nAfter that you will set up an authenticator app for signing in.\n",
			rules.Name, int(s.Policy.InviteValid.Hours()/24), s.link("/invite/", token))
	} else {
		body = fmt.Sprintf("%s has opened a private client portal for you.\n\nIn it you can fill in forms before your appointments, read and sign consent documents, and see what your care team shares with you.\n\nChoose your password here (the link works once, for %d days):\n%s\n\nIf you were not expecting this, you can ignore this email.\n",
			rules.Name, int(s.Policy.InviteValid.Hours()/24), s.link("/invite/", token))
	}
	if _, err := notify.EnqueueSealed(ctx, tx, s.Keys, notify.Message{PracticeID: a.PracticeID, To: a.Email,
		Subject: "Your invitation to " + rules.Name, Text: body}, now); err != nil {
		return err
	}
	return s.log(ctx, tx, by, "account.invite", Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID, ClientID: a.ClientID}, audit.Allowed, "")
}

// LinkAccount looks up a still-valid invitation or reset link.
func (s *Service) LinkAccount(ctx context.Context, purpose, token string) (Account, error) {
	var a Account
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `SELECT account_id FROM one_time_token WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
			HashToken(token), purpose, s.now()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		a, err = accountByID(ctx, tx, id)
		return err
	})
	return a, err
}

// UseLink sets a new password through an invitation or reset link. The
// link is spent, every existing session ends, and the person signs in
// afresh with the new password.
func (s *Service) UseLink(ctx context.Context, purpose, token, password, confirm string) error {
	a, err := s.LinkAccount(ctx, purpose, token)
	if err != nil {
		return err
	}
	if msg := CheckNewPassword(password, a.Email); msg != "" {
		return &Problem{Field: "password", Message: msg}
	}
	if password != confirm {
		return &Problem{Field: "confirm", Message: "The two passwords are not the same."}
	}
	phc, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE one_time_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, s.now(), HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrLinkInvalid // used by a second tab in the meantime
		}
		if _, err := tx.Exec(ctx, `UPDATE account SET password_hash = ?, password_set_at = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?`,
			phc, s.now(), a.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ?`, a.ID); err != nil {
			return err
		}
		actor, _, err := actorFor(ctx, tx, a)
		if err != nil {
			return err
		}
		action := "account.password_set"
		if purpose == "reset" {
			action = "account.password_reset"
		}
		return s.log(ctx, tx, actor, action, Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, "by emailed link")
	})
}

// RequestReset emails a reset link if the address has an account. The
// answer is the same either way, and so is the time it takes, near enough:
// both paths write one row and return.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	now := s.now()
	defer s.mailQueued()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		a, found, err := accountByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		if !found || a.Disabled {
			return s.log(ctx, tx, Actor{Kind: Anonymous}, "account.reset_request", Record{Type: "account"}, audit.Denied, "no active account for the address given")
		}
		rules, err := loadPracticeRules(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		token := NewToken()
		if _, err := tx.Exec(ctx, `UPDATE one_time_token SET used_at = ? WHERE account_id = ? AND purpose = 'reset' AND used_at IS NULL`, now, a.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO one_time_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'reset', ?, ?)`,
			HashToken(token), a.ID, now, now.Add(s.Policy.ResetValid)); err != nil {
			return err
		}
		body := fmt.Sprintf("Someone asked to reset the password of your holdspace account at %s.\n\nIf it was you, choose a new password here (the link works once, for %d minutes):\n%s\n\nIf it was not you, you can ignore this email: your password stays as it is.\n",
			rules.Name, int(s.Policy.ResetValid.Minutes()), s.link("/reset/", token))
		if _, err := notify.EnqueueSealed(ctx, tx, s.Keys, notify.Message{PracticeID: a.PracticeID, To: a.Email, Subject: "Reset your holdspace password", Text: body}, now); err != nil {
			return err
		}
		return s.log(ctx, tx, Actor{Kind: Anonymous, PracticeID: a.PracticeID}, "account.reset_request", Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, "")
	})
}

// ChangePassword changes a signed-in person's password after checking the
// current one; other sessions end.
func (s *Service) ChangePassword(ctx context.Context, sess Session, token, current, password, confirm string) (string, error) {
	a := sess.Account
	ok, err := s.Hasher.Verify(ctx, a.PasswordHash, current)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", &Problem{Field: "current", Message: "Your current password is not right."}
	}
	if msg := CheckNewPassword(password, a.Email); msg != "" {
		return "", &Problem{Field: "password", Message: msg}
	}
	if password != confirm {
		return "", &Problem{Field: "confirm", Message: "The two new passwords are not the same."}
	}
	var newToken string
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := s.setPassword(ctx, tx, a.ID, password); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ? AND token_hash <> ?`, a.ID, HashToken(token)); err != nil {
			return err
		}
		var err error
		if newToken, err = s.renewSession(ctx, tx, a, token); err != nil {
			return err
		}
		return s.log(ctx, tx, sess.Actor, "account.password_change", Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, "")
	})
	return newToken, err
}
