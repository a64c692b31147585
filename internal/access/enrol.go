package access

import (
	"context"
	"errors"
	"slices"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// PendingTOTP is an authenticator being set up: the enrolment to show and
// the secret sealed for the form, so nothing is stored until the person
// proves the app works by typing a code.
type PendingTOTP struct {
	TOTPEnrolment
	Sealed string
}

// BeginTOTP starts setting up an authenticator app.
func (s *Service) BeginTOTP(sess Session) (PendingTOTP, error) {
	issuer := "holdspace"
	if sess.PracticeName != "" {
		issuer = sess.PracticeName
	}
	e, err := NewTOTP(issuer, sess.Account.Email)
	if err != nil {
		return PendingTOTP{}, err
	}
	return s.pending(sess, e)
}

func (s *Service) pending(sess Session, e TOTPEnrolment) (PendingTOTP, error) {
	sealed, err := s.Keys.Seal("totp-enrolment", []byte(e.Secret), []byte(sess.Account.ID))
	if err != nil {
		return PendingTOTP{}, err
	}
	return PendingTOTP{TOTPEnrolment: e, Sealed: encodeSealed(sealed)}, nil
}

// ResumeTOTP rebuilds the enrolment from its sealed secret, to show the
// same QR code again after a wrong code.
func (s *Service) ResumeTOTP(sess Session, sealed string) (PendingTOTP, error) {
	secret, err := s.openPending(sess, sealed)
	if err != nil {
		return PendingTOTP{}, err
	}
	e, err := enrolmentFor(sess, secret)
	if err != nil {
		return PendingTOTP{}, err
	}
	return PendingTOTP{TOTPEnrolment: e, Sealed: sealed}, nil
}

func (s *Service) openPending(sess Session, sealed string) (string, error) {
	raw, err := decodeSealed(sealed)
	if err != nil {
		return "", errors.New("the set-up form was damaged; start again")
	}
	secret, err := s.Keys.Open("totp-enrolment", raw, []byte(sess.Account.ID))
	if err != nil {
		return "", errors.New("the set-up form was damaged; start again")
	}
	return string(secret), nil
}

// ConfirmTOTP stores the authenticator once a code from it checks out, and
// returns new recovery codes (shown once) and a renewed session token.
// Where the account already has a second step, current must be a code
// from it or a recovery code (see changeFactor).
func (s *Service) ConfirmTOTP(ctx context.Context, sess Session, token, sealed, code, current string) (codes []string, newToken string, err error) {
	if sess.Stage == StageMFA {
		return s.changeFactor(ctx, sess, token, current, factorChange{})
	}
	secret, err := s.openPending(sess, sealed)
	if err != nil {
		return nil, "", &Problem{Field: "code", Message: err.Error()}
	}
	step, ok := CheckTOTP(secret, NormaliseCode(code), s.now(), 0)
	if !ok {
		return nil, "", &Problem{Field: "code", Message: "That code does not match. Check that the app shows holdspace's entry, and type the newest six digits."}
	}
	stored, err := s.Keys.Seal("totp", []byte(secret), []byte(sess.Account.ID))
	if err != nil {
		return nil, "", err
	}
	return s.changeFactor(ctx, sess, token, current, factorChange{to: "totp", label: "authenticator app",
		apply: func(tx *store.Tx, a Account) error {
			_, err := tx.Exec(ctx, `UPDATE account SET mfa_method = 'totp', totp_secret_sealed = ?, totp_last_step = ? WHERE id = ?`,
				encodeSealed(stored), step, a.ID)
			return err
		}})
}

// UseEmailCodes makes emailed one-time codes a client's second factor,
// where the practice allows it. Staff always use an authenticator app.
func (s *Service) UseEmailCodes(ctx context.Context, sess Session, token, current string) (codes []string, newToken string, err error) {
	if sess.Account.Kind != "client" || !slices.Contains(sess.ClientMethods, "email") {
		return nil, "", &Problem{Field: "method", Message: "Emailed codes are not offered for this account."}
	}
	return s.changeFactor(ctx, sess, token, current, factorChange{to: "email", label: "emailed codes",
		apply: func(tx *store.Tx, a Account) error {
			_, err := tx.Exec(ctx, `UPDATE account SET mfa_method = 'email', totp_secret_sealed = '', totp_last_step = 0 WHERE id = ?`, a.ID)
			return err
		}})
}

// RemoveFactor takes the second step off an account whose practice does
// not require one, on a code from it or a recovery code.
func (s *Service) RemoveFactor(ctx context.Context, sess Session, token, current string) (newToken string, err error) {
	_, newToken, err = s.changeFactor(ctx, sess, token, current, factorChange{to: "", label: "no second step",
		apply: func(tx *store.Tx, a Account) error {
			_, err := tx.Exec(ctx, `UPDATE account SET mfa_method = '', totp_secret_sealed = '', totp_last_step = 0 WHERE id = ?`, a.ID)
			return err
		}})
	return newToken, err
}

// NewRecoveryCodesFor replaces an account's recovery codes.
func (s *Service) NewRecoveryCodesFor(ctx context.Context, sess Session) ([]string, error) {
	var codes []string
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if codes, err = s.replaceRecoveryCodes(ctx, tx, sess.Account.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, sess.Actor, "mfa.recovery_codes", Record{Type: "account", ID: sess.Account.ID, PracticeID: sess.Account.PracticeID}, audit.Allowed, "new recovery codes")
	})
	return codes, err
}

func (s *Service) replaceRecoveryCodes(ctx context.Context, tx *store.Tx, accountID string) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_code WHERE account_id = ?`, accountID); err != nil {
		return nil, err
	}
	codes := NewRecoveryCodes(10)
	for _, c := range codes {
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_code (account_id, code_hash, created_at) VALUES (?, ?, ?)`,
			accountID, s.recoveryCodeHash(accountID, c), s.now()); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// RecoveryCodesLeft counts the unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, accountID string) (int, error) {
	var n int
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_code WHERE account_id = ? AND used_at IS NULL`, accountID).Scan(&n)
	})
	return n, err
}

func enrolmentFor(sess Session, secret string) (TOTPEnrolment, error) {
	issuer := "holdspace"
	if sess.PracticeName != "" {
		issuer = sess.PracticeName
	}
	return totpEnrolmentFromSecret(issuer, sess.Account.Email, secret)
}

// SetTOTP stores an authenticator secret for an account directly, for the
// demo practice, whose owner has a published key so the second step can be
// tried without setting one up.
func SetTOTP(ctx context.Context, tx *store.Tx, keys interface {
	Seal(string, []byte, []byte) ([]byte, error)
}, accountID, secret string) error {
	sealed, err := keys.Seal("totp", []byte(secret), []byte(accountID))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE account SET mfa_method = 'totp', totp_secret_sealed = ? WHERE id = ?`, encodeSealed(sealed), accountID)
	return err
}

// SetTOTPBySystem gives an account an authenticator key without the
// enrolment steps, for a practice set up from the command line (the demo
// owner's published key); the trail names the system.
func (s *Service) SetTOTPBySystem(ctx context.Context, accountID, secret string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := SetTOTP(ctx, tx, s.Keys, accountID, secret); err != nil {
			return err
		}
		return s.log(ctx, tx, Actor{Kind: System, PracticeID: a.PracticeID}, "mfa.set_by_system",
			Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, "authenticator key set by the system")
	})
}

// SetPasswordHash stores a ready-made password hash (the demo practice
// hashes its one shared password once).
func SetPasswordHash(ctx context.Context, tx *store.Tx, accountID, phc string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE account SET password_hash = ?, password_set_at = ? WHERE id = ?`, phc, now, accountID)
	return err
}
