package access

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"holdspace/internal/store"
)

// Account is how one person signs in.
type Account struct {
	ID, PracticeID, Kind, StaffID, ClientID, Email string
	PasswordHash                                   string
	MFAMethod                                      string // "", "totp", "email"
	TOTPSealed                                     string
	TOTPLastStep                                   int64
	FailedAttempts                                 int
	LockedUntil                                    *time.Time
	Disabled                                       bool
}

const accountColumns = `id, practice_id, kind, COALESCE(staff_id, ''), COALESCE(client_id, ''), email, password_hash,
	mfa_method, totp_secret_sealed, totp_last_step, failed_attempts, locked_until, disabled`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.PracticeID, &a.Kind, &a.StaffID, &a.ClientID, &a.Email, &a.PasswordHash, &a.MFAMethod,
		&a.TOTPSealed, &a.TOTPLastStep, &a.FailedAttempts, &a.LockedUntil, &a.Disabled)
	return a, err
}

// NormaliseEmail is the one form addresses are stored and compared in.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func accountByEmail(ctx context.Context, tx *store.Tx, email string) (Account, bool, error) {
	a, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM account WHERE email = ?`, NormaliseEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

func accountByID(ctx context.Context, tx *store.Tx, id string) (Account, error) {
	return scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM account WHERE id = ?`, id))
}

// practiceRules are the practice settings that govern a session.
type practiceRules struct {
	Name, Zone       string
	StaffIdleMinutes int
	StaffMFARequired bool
	ClientMFAPolicy  string
}

func loadPracticeRules(ctx context.Context, tx *store.Tx, practiceID string) (practiceRules, error) {
	var p practiceRules
	err := tx.QueryRow(ctx, `SELECT name, time_zone, staff_idle_minutes, staff_mfa_required, client_mfa_policy FROM practice WHERE id = ?`,
		practiceID).Scan(&p.Name, &p.Zone, &p.StaffIdleMinutes, &p.StaffMFARequired, &p.ClientMFAPolicy)
	return p, err
}

// mfaRequired says whether the account must use a second factor.
func (p practiceRules) mfaRequired(a Account) bool {
	if a.MFAMethod != "" {
		return true
	}
	if a.Kind == "staff" {
		return p.StaffMFARequired
	}
	return p.ClientMFAPolicy != "optional"
}

// allowedClientMethods are the second factors a client may choose under
// the practice's policy.
func (p practiceRules) allowedClientMethods() []string {
	switch p.ClientMFAPolicy {
	case "totp":
		return []string{"totp"}
	case "email":
		return []string{"email"}
	}
	return []string{"totp", "email"}
}

// actorFor builds the Actor of an account, with its roles.
func actorFor(ctx context.Context, tx *store.Tx, a Account) (Actor, string, error) {
	act := Actor{AccountID: a.ID, PracticeID: a.PracticeID}
	var name string
	if a.Kind == "staff" {
		act.Kind, act.StaffID = StaffActor, a.StaffID
		if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, a.StaffID).Scan(&name); err != nil {
			return act, "", err
		}
		rows, err := tx.Query(ctx, `SELECT role FROM staff_role WHERE staff_id = ? ORDER BY role`, a.StaffID)
		if err != nil {
			return act, "", err
		}
		defer rows.Close()
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				return act, "", err
			}
			act.Roles = append(act.Roles, Role(r))
		}
		return act, name, rows.Err()
	}
	act.Kind, act.ClientID = ClientActor, a.ClientID
	var legal, preferred string
	if err := tx.QueryRow(ctx, `SELECT legal_name, preferred_name FROM client WHERE id = ?`, a.ClientID).Scan(&legal, &preferred); err != nil {
		return act, "", err
	}
	name = legal
	if preferred != "" {
		name = preferred
	}
	return act, name, nil
}

// CreateAccount makes a sign-in for a staff member or client, with no
// password yet: the person sets one through an invitation.
func CreateAccount(ctx context.Context, tx *store.Tx, practiceID, kind, personID, email string, now time.Time) (string, error) {
	id := store.NewID()
	var staffID, clientID any
	if kind == "staff" {
		staffID = personID
	} else {
		clientID = personID
	}
	_, err := tx.Exec(ctx, `INSERT INTO account (id, practice_id, kind, staff_id, client_id, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, kind, staffID, clientID, NormaliseEmail(email), now)
	if store.IsUniqueViolation(err) {
		return "", &Problem{Field: "email", Message: "Another account already uses this email address."}
	}
	return id, err
}

// SetPassword stores a new password hash (the caller has checked it).
func (s *Service) setPassword(ctx context.Context, tx *store.Tx, accountID, password string) error {
	phc, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE account SET password_hash = ?, password_set_at = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?`,
		phc, s.now(), accountID)
	return err
}
