package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// A second factor changes in one of three ways: enrolling one where the
// account has none, replacing one, or removing one. All three are decided
// here, inside the transaction that makes the change, and not by the page
// that asks: a password alone must never be enough to swap the
// authenticator, or the second step protects nothing. So replacing or
// removing needs a code from the current factor or a recovery code, and
// the account holder (and, for staff, the practice's owners) is emailed.

// ErrFactorProof is answered when the current factor's code is missing or
// wrong; a wrong one counts towards the account's lock like any other.
var ErrFactorProof = &Problem{Field: "current", Message: "Type a code from your current second step (or one of your recovery codes) to change it."}

// errStillOwingCode refuses a factor change from a session that has given
// only its password and owes a code: such a session may only finish
// signing in or sign out.
var errStillOwingCode = &Problem{Field: "code", Message: "Finish signing in with the code from your second step first."}

// proveFactor checks a code against the account's current second factor:
// its authenticator app, its latest emailed code, or an unused recovery
// code (eleven characters, spent by this check). It says how the proof was
// given, or "" when it was not.
func (s *Service) proveFactor(ctx context.Context, tx *store.Tx, a Account, code string) (string, error) {
	now := s.now()
	code = NormaliseCode(code)
	if code == "" {
		return "", nil
	}
	switch {
	case len(code) == 11:
		// Codes made before they were keyed are stored as a plain hash;
		// they still work once each, until the account makes new ones.
		res, err := tx.Exec(ctx, `UPDATE recovery_code SET used_at = ? WHERE account_id = ? AND code_hash IN (?, ?) AND used_at IS NULL`,
			now, a.ID, s.recoveryCodeHash(a.ID, code), HashToken(code))
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return "recovery code", nil
		}
	case a.MFAMethod == "totp":
		secret, err := s.openTOTP(a)
		if err != nil {
			return "", err
		}
		if step, ok := CheckTOTP(secret, code, now, a.TOTPLastStep); ok {
			if _, err := tx.Exec(ctx, `UPDATE account SET totp_last_step = ? WHERE id = ?`, step, a.ID); err != nil {
				return "", err
			}
			return "authenticator code", nil
		}
	case a.MFAMethod == "email":
		res, err := tx.Exec(ctx, `UPDATE one_time_token SET used_at = ? WHERE token_hash = ? AND account_id = ? AND purpose = 'email_code'
			AND used_at IS NULL AND expires_at > ?`, now, s.emailCodeHash(a.ID, code), a.ID, now)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return "emailed code", nil
		}
	}
	return "", nil
}

// codeRefused counts a wrong second-factor code towards the same lock as
// wrong passwords (codes are short) and audits the refusal under action.
// At the limit the account locks and every session of it ends.
func (s *Service) codeRefused(ctx context.Context, tx *store.Tx, by Actor, a Account, action string) error {
	rec := Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}
	attempts := a.FailedAttempts + 1
	if attempts >= s.Policy.MaxFailures {
		if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = 0, locked_until = ? WHERE id = ?`, s.now().Add(s.Policy.LockFor), a.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ?`, a.ID); err != nil {
			return err
		}
		if err := s.log(ctx, tx, by, "account.locked", rec, audit.Allowed, "repeated wrong second-factor codes"); err != nil {
			return err
		}
	} else if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = ? WHERE id = ?`, attempts, a.ID); err != nil {
		return err
	}
	return s.log(ctx, tx, by, action, rec, audit.Denied, "wrong or used code")
}

// factorChange is one change of an account's second factor.
type factorChange struct {
	// to is the new method: "totp", "email", or "" to remove.
	to string
	// label names the new factor in the trail and the email.
	label string
	// apply writes the new factor on the account.
	apply func(tx *store.Tx, a Account) error
}

// changeFactor carries out a change of second factor for a signed-in
// session: refused while the session still owes a code; with a proof from
// the current factor when the account has one. It returns new recovery
// codes (none when the factor is removed) and a renewed session token.
func (s *Service) changeFactor(ctx context.Context, sess Session, token, proof string, c factorChange) (codes []string, newToken string, err error) {
	if sess.Stage == StageMFA {
		if err := s.DB.Write(ctx, func(tx *store.Tx) error {
			return s.log(ctx, tx, sess.Actor, "mfa.change", Record{Type: "account", ID: sess.Account.ID, PracticeID: sess.Account.PracticeID},
				audit.Denied, "the session has not given its second step")
		}); err != nil {
			return nil, "", err
		}
		return nil, "", errStillOwingCode
	}
	refused := false
	defer s.mailQueued()
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		// The account as it is now, not as the session saw it at its
		// start: a factor enrolled from another tab counts.
		a, err := accountByID(ctx, tx, sess.Account.ID)
		if err != nil {
			return err
		}
		rules, err := loadPracticeRules(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		from := a.MFAMethod
		action := "mfa.enrol"
		how := ""
		if from != "" {
			action = "mfa.replace"
			if c.to == "" {
				action = "mfa.remove"
			}
			if NormaliseCode(proof) == "" {
				// Nothing was guessed: ask, without counting a failure.
				return ErrFactorProof
			}
			if how, err = s.proveFactor(ctx, tx, a, proof); err != nil {
				return err
			}
			if how == "" {
				refused = true
				return s.codeRefused(ctx, tx, sess.Actor, a, action)
			}
		}
		if c.to == "" {
			if from == "" {
				return &Problem{Field: "method", Message: "This account has no second step to remove."}
			}
			a.MFAMethod = ""
			if rules.mfaRequired(a) {
				return &Problem{Field: "method", Message: "Your practice requires a second step for signing in: set up another one instead of removing it."}
			}
		}
		if c.to == "email" && (a.Kind != "client" || !slices.Contains(rules.allowedClientMethods(), "email")) {
			return &Problem{Field: "method", Message: "Emailed codes are not offered for this account."}
		}
		if c.to == "totp" && a.Kind == "client" && !slices.Contains(rules.allowedClientMethods(), "totp") {
			return &Problem{Field: "method", Message: "An authenticator app is not offered for this account."}
		}
		if err := c.apply(tx, a); err != nil {
			return err
		}
		if c.to == "" {
			if _, err := tx.Exec(ctx, `DELETE FROM recovery_code WHERE account_id = ?`, a.ID); err != nil {
				return err
			}
		} else if codes, err = s.replaceRecoveryCodes(ctx, tx, a.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE account SET failed_attempts = 0 WHERE id = ?`, a.ID); err != nil {
			return err
		}
		// Every other session of the account ends: whoever else was
		// signed in did so under the factor that is gone.
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ? AND token_hash <> ?`, a.ID, HashToken(token)); err != nil {
			return err
		}
		if newToken, err = s.renewSession(ctx, tx, a, token); err != nil {
			return err
		}
		reason := c.label
		if from != "" {
			reason = fmt.Sprintf("%s replaced %s; proved with a %s", c.label, methodLabel(from), how)
			if c.to == "" {
				reason = fmt.Sprintf("%s removed; proved with a %s", methodLabel(from), how)
			}
		}
		if err := s.log(ctx, tx, sess.Actor, action, Record{Type: "account", ID: a.ID, PracticeID: a.PracticeID}, audit.Allowed, reason); err != nil {
			return err
		}
		return s.tellFactorChanged(ctx, tx, a, rules, action, c.label)
	})
	if err == nil && refused {
		return nil, "", ErrFactorProof
	}
	return codes, newToken, err
}

func methodLabel(m string) string {
	switch m {
	case "totp":
		return "authenticator app"
	case "email":
		return "emailed codes"
	}
	return "no second step"
}

// tellFactorChanged emails the account holder that their second step
// changed, and, for staff, the practice's owners: a change nobody asked
// for is how an account takeover shows itself. The emails carry no secret
// and no client data.
func (s *Service) tellFactorChanged(ctx context.Context, tx *store.Tx, a Account, rules practiceRules, action, label string) error {
	now := s.now()
	var what string
	switch action {
	case "mfa.enrol":
		what = "A second step for signing in was set up on your account: " + label + "."
	case "mfa.replace":
		what = "The second step for signing in to your account was changed to " + label + "."
	default:
		what = "The second step for signing in to your account was removed."
	}
	when := now.UTC().Format("2 January 2006 at 15:04 UTC")
	if loc, err := time.LoadLocation(rules.Zone); err == nil && rules.Zone != "" {
		when = now.In(loc).Format("2 January 2006 at 15:04 MST")
	}
	practice := rules.Name
	account := strings.TrimRight(s.BaseURL, "/") + "/account"
	if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: a.PracticeID, To: a.Email,
		Subject: "Your sign-in settings at " + practice + " changed",
		Text: fmt.Sprintf("%s\nThis happened on %s.\n\nIf this was you, there is nothing to do. If it was not, reset your password now and tell the practice: someone may have your password.\n\nYour account: %s\n\n%s\n",
			what, when, account, practice)}, now); err != nil {
		return err
	}
	if a.Kind != "staff" {
		return nil
	}
	var who string
	if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, a.StaffID).Scan(&who); err != nil {
		return err
	}
	owners, err := ownerEmails(ctx, tx, a.PracticeID, a.ID)
	if err != nil {
		return err
	}
	trail := strings.TrimRight(s.BaseURL, "/") + "/admin/audit?action=" + action
	for _, to := range owners {
		if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: a.PracticeID, To: to,
			Subject: who + "'s sign-in settings changed",
			Text: fmt.Sprintf("%s's second step for signing in to holdspace at %s changed on %s: %s\n\nIf they did not expect it, their account may be in someone else's hands; you can disable it under Staff.\n\nThe audit trail:\n%s\n",
				who, practice, when, strings.ToLower(what[:1])+what[1:], trail)}, now); err != nil {
			return err
		}
	}
	return nil
}

// ownerEmails are the addresses of the practice's active owners, but for
// the account except (the person the news is about hears of it already).
func ownerEmails(ctx context.Context, tx *store.Tx, practiceID, except string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT ac.email FROM account ac JOIN staff_role r ON r.staff_id = ac.staff_id
		WHERE ac.practice_id = ? AND r.role = 'owner' AND ac.disabled = ? AND ac.id <> ?`, practiceID, false, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var owners []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		owners = append(owners, e)
	}
	return owners, rows.Err()
}
