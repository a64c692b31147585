package access

import (
	"context"
	"database/sql"
	"errors"

	"holdspace/internal/store"
)

// ErrSignaturePassword marks a signature refused for its password, so the
// face can put the attempt on the trail (RecordDenial) and count it
// towards the lock (PasswordRefused).
var ErrSignaturePassword = errors.New("signature refused: the password was not right")

// ConfirmSigner confirms, in tx, that the person signing is the actor, by
// the password of their own account: an API token, or someone else at a
// signed-in screen, cannot sign. A missing or wrong password is a problem
// of the password field; a wrong one also returns ErrSignaturePassword.
func (s *Service) ConfirmSigner(ctx context.Context, tx *store.Tx, a Actor, password string) (*Problem, error) {
	if password == "" {
		return &Problem{Field: "password", Message: "Enter your password to sign; your signature needs it."}, nil
	}
	var phc string
	err := tx.QueryRow(ctx, `SELECT password_hash FROM account WHERE id = ? AND staff_id = ? AND disabled = ?`, a.AccountID, a.StaffID, false).Scan(&phc)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && phc == "") {
		return nil, errors.New("access: no usable account for the signer")
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.Hasher.Verify(ctx, phc, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &Problem{Field: "password", Message: "Your password is not right. Enter the password you sign in with; the signature needs it."}, ErrSignaturePassword
	}
	return nil, nil
}
