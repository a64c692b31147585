package access

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// APIToken describes a token without its secret.
type APIToken struct {
	ID         string
	Name       string
	Scopes     []Scope
	OwnerName  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateAPIToken makes a token that acts as the creating staff member,
// narrowed to scopes. The token is returned once and only its hash kept.
func (s *Service) CreateAPIToken(ctx context.Context, a Actor, name string, scopes []Scope) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", &Problem{Field: "name", Message: "Give the token a name (up to 100 characters) that says what uses it."}
	}
	if len(scopes) == 0 {
		return "", &Problem{Field: "scopes", Message: "Choose at least one scope."}
	}
	var names []string
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			return "", &Problem{Field: "scopes", Message: "Unknown scope " + string(sc) + "."}
		}
		names = append(names, string(sc))
	}
	token := NewAPIToken()
	err := s.Do(ctx, a, APITokenManage, Ref{Type: "api_token"}, func(tx *store.Tx, _ Decision) error {
		id := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, a.PracticeID, a.AccountID, name, strings.Join(names, " "), HashToken(token), s.now()); err != nil {
			return err
		}
		return s.log(ctx, tx, a, "api_token.create", Record{Type: "api_token", ID: id, PracticeID: a.PracticeID}, audit.Allowed, strings.Join(names, " "))
	})
	return token, err
}

// APITokens lists the practice's tokens.
func (s *Service) APITokens(ctx context.Context, a Actor) ([]APIToken, error) {
	var out []APIToken
	err := s.Do(ctx, a, APITokenManage, Ref{Type: "api_token"}, func(tx *store.Tx, _ Decision) error {
		rows, err := tx.Query(ctx, `SELECT t.id, t.name, t.scopes, st.full_name, t.created_at, t.last_used_at, t.revoked_at
			FROM api_token t JOIN account ac ON ac.id = t.account_id JOIN staff st ON st.id = ac.staff_id
			WHERE t.practice_id = ? ORDER BY t.created_at DESC`, a.PracticeID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t APIToken
			var scopes string
			if err := rows.Scan(&t.ID, &t.Name, &scopes, &t.OwnerName, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
				return err
			}
			for _, sc := range strings.Fields(scopes) {
				t.Scopes = append(t.Scopes, Scope(sc))
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeAPIToken stops a token working at once.
func (s *Service) RevokeAPIToken(ctx context.Context, a Actor, id string) error {
	return s.Do(ctx, a, APITokenManage, Ref{Type: "api_token", ID: id}, func(tx *store.Tx, _ Decision) error {
		res, err := tx.Exec(ctx, `UPDATE api_token SET revoked_at = ? WHERE id = ? AND practice_id = ? AND revoked_at IS NULL`, s.now(), id, a.PracticeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &Problem{Field: "id", Message: "No such token, or it was already revoked."}
		}
		return s.log(ctx, tx, a, "api_token.revoke", Record{Type: "api_token", ID: id, PracticeID: a.PracticeID}, audit.Allowed, "")
	})
}

// ErrBadToken is the one answer to any unusable bearer token.
var ErrBadToken = errors.New("the API token is not valid, was revoked, or its account is disabled")

// AuthenticateAPI turns a bearer token into the Actor it acts as, and
// records when it was last used.
func (s *Service) AuthenticateAPI(ctx context.Context, token string) (Actor, error) {
	var actor Actor
	if !strings.HasPrefix(token, APITokenPrefix) {
		return actor, ErrBadToken
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var id, accountID, scopes string
		var lastUsed *time.Time
		err := tx.QueryRow(ctx, `SELECT id, account_id, scopes, last_used_at FROM api_token WHERE token_hash = ? AND revoked_at IS NULL`,
			HashToken(token)).Scan(&id, &accountID, &scopes, &lastUsed)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if a.Disabled || a.Kind != "staff" {
			return ErrBadToken
		}
		if actor, _, err = actorFor(ctx, tx, a); err != nil {
			return err
		}
		actor.Kind, actor.TokenID = APIActor, id
		for _, sc := range strings.Fields(scopes) {
			actor.Scopes = append(actor.Scopes, Scope(sc))
		}
		now := s.now()
		if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
			_, err = tx.Exec(ctx, `UPDATE api_token SET last_used_at = ? WHERE id = ?`, now, id)
		}
		return err
	})
	return actor, err
}

// ErrNoSuchStaff answers a command-line request for a staff member the
// practice does not have (or whose account is disabled).
var ErrNoSuchStaff = errors.New("the practice has no active staff member with that email address")

// StaffActorByEmail is the staff member of a practice an operator's
// command acts as: holdspace token add and its kin are decided and
// audited as that person, exactly as the same change made on the page.
func (s *Service) StaffActorByEmail(ctx context.Context, practiceID, email string) (Actor, error) {
	var actor Actor
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		a, found, err := accountByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		if !found || a.PracticeID != practiceID || a.Kind != "staff" || a.Disabled {
			return ErrNoSuchStaff
		}
		actor, _, err = actorFor(ctx, tx, a)
		return err
	})
	return actor, err
}
