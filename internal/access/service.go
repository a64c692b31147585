package access

import (
	"context"
	"errors"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/textlimit"
)

// Service carries out the access use cases against the database. Every
// change it makes is audited in the same transaction.
type Service struct {
	DB     *store.DB
	Hasher *Hasher
	Keys   *keyring.Ring
	Now    func() time.Time
	// BaseURL starts links in emails, e.g. https://clinic.example/.
	BaseURL string
	Policy  Policy
	// MailQueued is called after a transaction that queued email commits,
	// so the sender need not wait for its next round (a sign-in code is
	// wanted now). Nil when nothing listens.
	MailQueued func()
}

func (s *Service) mailQueued() {
	if s.MailQueued != nil {
		s.MailQueued()
	}
}

// Policy holds the sign-in limits that are the same for every practice.
type Policy struct {
	// Per account: this many failures in a row lock it for LockFor.
	MaxFailures int
	LockFor     time.Duration
	// Per address: this many failures within Window block it for Window.
	AddressMaxFailures int
	AddressWindow      time.Duration
	// Absolute lifetime of a session whatever its activity.
	StaffLifetime  time.Duration
	ClientLifetime time.Duration
	// Idle time for clients; staff idle time is a practice setting.
	ClientIdle   time.Duration
	InviteValid  time.Duration
	ResetValid   time.Duration
	EmailCodeTTL time.Duration
	// PendingMFA is how long a password-only session may wait for the
	// second factor.
	PendingMFA time.Duration
	BreakGlass time.Duration
}

// DefaultPolicy is what holdspace uses unless told otherwise.
func DefaultPolicy() Policy {
	return Policy{
		MaxFailures: 5, LockFor: 15 * time.Minute,
		AddressMaxFailures: 20, AddressWindow: 15 * time.Minute,
		StaffLifetime: 12 * time.Hour, ClientLifetime: 7 * 24 * time.Hour, ClientIdle: time.Hour,
		InviteValid: 7 * 24 * time.Hour, ResetValid: time.Hour, EmailCodeTTL: 10 * time.Minute,
		PendingMFA: 10 * time.Minute, BreakGlass: 4 * time.Hour,
	}
}

// Meta is where a request came from, for the audit trail. The web layer
// puts it in the context once per request.
type Meta struct {
	Address   string
	UserAgent string
	RequestID string
}

type metaKey struct{}

// WithMeta returns ctx carrying m, made storable first: the User-Agent
// and the address are whatever the client sent (a proxy's X-Forwarded-For
// included), and they go into the trail, the session list and sign-in
// throttling. Bytes that are not UTF-8 and NUL become U+FFFD and each is
// bounded, so that PostgreSQL, which refuses such text, records a failed
// sign-in exactly as SQLite does instead of failing with it.
func WithMeta(ctx context.Context, m Meta) context.Context {
	m.Address = textlimit.Clean(m.Address, textlimit.MaxAddress)
	m.UserAgent = textlimit.Clean(m.UserAgent, textlimit.MaxUserAgent)
	m.RequestID = textlimit.Clean(m.RequestID, textlimit.Name.Max)
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the request's Meta (empty outside a request).
func MetaFrom(ctx context.Context) Meta { m, _ := ctx.Value(metaKey{}).(Meta); return m }

// Errors a person can act on. Sign-in failures share one message, so no
// answer tells whether an address has an account.
var (
	ErrSignInFailed = errors.New("the email address or password is not right, or the account is locked for a while; try again, or reset the password")
	ErrThrottled    = errors.New("too many sign-in attempts from this network; please wait a few minutes and try again")
	ErrCodeFailed   = errors.New("that code is not right or has expired; try the newest code")
	ErrLinkInvalid  = errors.New("this link has expired or was already used; ask for a new one")
	ErrSessionEnded = errors.New("your session has ended; please sign in again")
)

// Problem is an error in what someone entered, tied to a field.
type Problem struct {
	Field   string
	Message string
}

func (p *Problem) Error() string { return p.Message }

// Fault is the problem as a refusal of one field.
func (p *Problem) Fault() *fault.Error { return fault.InvalidField(p.Field, p.Message) }

// Denied is returned when Authorize refuses; the caller's transaction rolls
// back and the refusal is audited on its own (see RecordDenial).
type Denied struct {
	Action Action
	Record Record
	Reason string
	// Hidden says the record is not the actor's practice's (or does not
	// exist): the faces answer "not found".
	Hidden bool
}

func (d *Denied) Error() string { return "not allowed: " + d.Reason }

// Fault is the refusal as the faces answer it: a record of another
// practice, or none at all, is not found, so its existence is not
// confirmed; otherwise forbidden, with the decision's reason.
func (d *Denied) Fault() *fault.Error {
	if d.Hidden {
		return &fault.Error{Code: fault.NotFound, Message: "There is no such record in your practice.", Err: ErrDenied}
	}
	return &fault.Error{Code: fault.Forbidden, Message: ReasonSentence(d.Reason), Err: ErrDenied}
}

// ReasonSentence words a decision's reason for the person refused. A
// reason that names who may ("only the practice's owner or administrators
// may do this") is a sentence of its own; any other ("not on the client's
// care team") says first that the person cannot.
func ReasonSentence(reason string) string {
	reason = strings.TrimSuffix(strings.TrimSpace(reason), ".")
	if reason == "" {
		return "You may not do this."
	}
	if rest, ok := strings.CutPrefix(reason, "only "); ok {
		return "Only " + rest + "."
	}
	return "You cannot do this: " + reason + "."
}

// ErrDenied is the cause of every Denied's fault, for errors.Is.
var ErrDenied = errors.New("access denied")

func (s *Service) now() time.Time { return Now(s.Now) }

// Now is what clock says, or the wall clock's time when a door or
// service was built without one.
func Now(clock func() time.Time) time.Time {
	if clock == nil {
		return time.Now()
	}
	return clock()
}

// log appends an audit entry for actor in tx with the request's Meta.
// LogChange writes the audit entry of a change a door made in tx, after
// Do's decision: who, what, on which record, with the request's address
// and, for an API token, which token.
func (s *Service) LogChange(ctx context.Context, tx *store.Tx, a Actor, action string, rec Record, reason string) error {
	return s.log(ctx, tx, a, action, rec, audit.Allowed, reason)
}

func (s *Service) log(ctx context.Context, tx *store.Tx, a Actor, action string, rec Record, outcome, reason string) error {
	m := MetaFrom(ctx)
	chain := a.PracticeID
	if chain == "" {
		chain = rec.PracticeID
	}
	e, err := audit.Append(ctx, tx, audit.Entry{
		Chain: chain, At: s.now(), ActorKind: string(kindOr(a.Kind)), ActorID: a.ID(), Action: action,
		RecordType: rec.Type, RecordID: rec.ID, ClientID: rec.ClientID, Outcome: outcome, Reason: reason,
		Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID,
	})
	if err != nil || a.Kind != APIActor || a.TokenID == "" {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_token (event_id, practice_id, token_id) VALUES (?, ?, ?)`, e.ID, e.Chain, a.TokenID)
	return err
}

func kindOr(k ActorKind) ActorKind {
	if k == "" {
		return Anonymous
	}
	return k
}

// CrossSiteRefused puts on the trail a state-changing request that was
// refused because a page of another site sent it: a forged form is an
// attack on whoever was signed in, and the owners read of it there. route
// is the pattern it was aimed at, never its path.
func (s *Service) CrossSiteRefused(ctx context.Context, a Actor, route string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		return s.log(ctx, tx, a, "request.cross_site", Record{Type: "route", ID: route, PracticeID: a.PracticeID}, audit.Denied,
			"a form or request sent from another site")
	})
}
