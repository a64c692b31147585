package access

import (
	"context"
	"database/sql"
	"errors"
	"time"
	"unicode/utf8"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// Session is a signed-in browser.
type Session struct {
	Actor   Actor
	Account Account
	Name    string
	// Stage says how far sign-in has come.
	Stage        Stage
	PracticeName string
	Zone         *time.Location
	// Idle is how long the session may rest before it ends (the page
	// warns before).
	Idle time.Duration
	// ClientMethods are the second factors a client may enrol in.
	ClientMethods []string
	// FactorRequired says whether the practice requires this account to
	// have a second step at all, whatever it has now.
	FactorRequired bool
}

// Stage of a session.
type Stage int

const (
	// StageFull: signed in, second factor done or not needed.
	StageFull Stage = iota
	// StageMFA: password given; the second factor is due.
	StageMFA
	// StageEnrol: password given; a second factor is required and the
	// person must set one up before anything else.
	StageEnrol
)

func (s *Service) newSession(ctx context.Context, tx *store.Tx, a Account, mfaPassed bool) (string, error) {
	token := NewToken()
	now := s.now()
	life := s.Policy.StaffLifetime
	if a.Kind == "client" {
		life = s.Policy.ClientLifetime
	}
	if !mfaPassed {
		life = s.Policy.PendingMFA
	}
	m := MetaFrom(ctx)
	_, err := tx.Exec(ctx, `INSERT INTO web_session (token_hash, account_id, created_at, last_seen_at, expires_at, mfa_passed, address, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, HashToken(token), a.ID, now, now, now.Add(life), mfaPassed, m.Address, truncate(m.UserAgent, 300))
	return token, err
}

// truncate cuts s to at most n bytes, never inside a character, so what
// is cut stays valid text.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticate finds the session for a cookie token. A session past its
// idle time or lifetime is ended and ErrSessionEnded returned.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	var sess Session
	if token == "" {
		return sess, ErrSessionEnded
	}
	now := s.now()
	h := HashToken(token)
	expired := false
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var accountID string
		var lastSeen, expires time.Time
		var mfaPassed bool
		err := tx.QueryRow(ctx, `SELECT account_id, last_seen_at, expires_at, mfa_passed FROM web_session WHERE token_hash = ?`, h).
			Scan(&accountID, &lastSeen, &expires, &mfaPassed)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSessionEnded
		}
		if err != nil {
			return err
		}
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		rules, err := loadPracticeRules(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		idle := s.Policy.ClientIdle
		if a.Kind == "staff" {
			idle = time.Duration(rules.StaffIdleMinutes) * time.Minute
		}
		if a.Disabled || now.After(expires) || now.Sub(lastSeen) > idle {
			// Committed: the ended session is gone for good.
			expired = true
			_, err := tx.Exec(ctx, `DELETE FROM web_session WHERE token_hash = ?`, h)
			return err
		}
		// Touch at most every 30 s: enough for a 15-minute idle limit,
		// and a page of requests does not become a page of writes.
		if now.Sub(lastSeen) > 30*time.Second {
			if _, err := tx.Exec(ctx, `UPDATE web_session SET last_seen_at = ? WHERE token_hash = ?`, now, h); err != nil {
				return err
			}
		}
		actor, name, err := actorFor(ctx, tx, a)
		if err != nil {
			return err
		}
		zone, err := time.LoadLocation(rules.Zone)
		if err != nil {
			zone = time.UTC
		}
		sess = Session{Actor: actor, Account: a, Name: name, PracticeName: rules.Name, Zone: zone, Idle: idle}
		if a.Kind == "client" {
			sess.ClientMethods = rules.allowedClientMethods()
		}
		bare := a
		bare.MFAMethod = ""
		sess.FactorRequired = rules.mfaRequired(bare)
		switch {
		case mfaPassed && rules.mfaRequired(a) && a.MFAMethod == "":
			sess.Stage = StageEnrol
		case mfaPassed:
			sess.Stage = StageFull
		case a.MFAMethod != "":
			sess.Stage = StageMFA
		case rules.mfaRequired(a):
			sess.Stage = StageEnrol
		default:
			sess.Stage = StageFull
		}
		return nil
	})
	if err == nil && expired {
		return sess, ErrSessionEnded
	}
	return sess, err
}

// KeepAlive is Authenticate for the idle warning's "stay signed in": it
// always touches the session.
func (s *Service) KeepAlive(ctx context.Context, token string) error {
	if _, err := s.Authenticate(ctx, token); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE web_session SET last_seen_at = ? WHERE token_hash = ?`, s.now(), HashToken(token))
		return err
	})
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, sess Session, token string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE token_hash = ?`, HashToken(token)); err != nil {
			return err
		}
		return s.log(ctx, tx, sess.Actor, "sign_out", Record{Type: "account", ID: sess.Account.ID}, audit.Allowed, "")
	})
}

// SignOutEverywhere ends every session of the account, this one included.
func (s *Service) SignOutEverywhere(ctx context.Context, sess Session) (int64, error) {
	var n int64
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM web_session WHERE account_id = ?`, sess.Account.ID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return s.log(ctx, tx, sess.Actor, "sign_out.everywhere", Record{Type: "account", ID: sess.Account.ID}, audit.Allowed, "")
	})
	return n, err
}

// SessionInfo describes one open session, for the account page.
type SessionInfo struct {
	Current    bool
	CreatedAt  time.Time
	LastSeenAt time.Time
	Address    string
	UserAgent  string
}

// Sessions lists the account's open sessions.
func (s *Service) Sessions(ctx context.Context, sess Session, token string) ([]SessionInfo, error) {
	var out []SessionInfo
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT token_hash, created_at, last_seen_at, address, user_agent FROM web_session
			WHERE account_id = ? AND expires_at > ? ORDER BY last_seen_at DESC`, sess.Account.ID, s.now())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			var i SessionInfo
			if err := rows.Scan(&h, &i.CreatedAt, &i.LastSeenAt, &i.Address, &i.UserAgent); err != nil {
				return err
			}
			i.Current = h == HashToken(token)
			out = append(out, i)
		}
		return rows.Err()
	})
	return out, err
}
