package notify

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Message is one email to one person.
type Message struct {
	// ID is the outbox row's id. Enqueue assigns it; the worker fills it in
	// for the Sender, which derives the Message-ID header from it.
	ID string
	// PracticeID is the practice the email is sent for; empty for email
	// that belongs to no practice.
	PracticeID string
	// To is one address, optionally with a display name
	// ("Ada Lovelace <ada@example.org>").
	To      string
	Subject string
	// Text is the plain-text body. Line breaks are sent as CRLF and a
	// final line break is added when missing.
	Text string
	// SendAfter holds the email back until then (a reminder the day
	// before); the zero time means now.
	SendAfter time.Time
}

// Limits that keep every header line well inside RFC 5322's 998 octets.
const (
	maxSubject = 250 // characters
	maxAddress = 320 // octets: 64 local part + @ + 255 domain
	maxText    = 1 << 20
)

// ErrInvalid is wrapped by every error that says a message cannot be sent
// as given; errors.Is(err, ErrInvalid) tells a caller the fault is in the
// message, not in the database or the mail server.
var ErrInvalid = errors.New("invalid email")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks that m can be sent safely: one well-formed address, and
// no line break in the address or subject (a line break there would let
// the text add headers of its own, such as a Bcc to a stranger).
func (m Message) Validate() error {
	if _, err := parseAddress("recipient", m.To); err != nil {
		return err
	}
	if strings.TrimSpace(m.Subject) == "" {
		return invalid("the subject is empty")
	}
	if hasControl(m.Subject) {
		return invalid("the subject contains a line break or control character; headers must be one line")
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) {
		return invalid("the subject or text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(m.Subject); n > maxSubject {
		return invalid("the subject is %d characters; keep it to %d", n, maxSubject)
	}
	if len(m.Text) > maxText {
		return invalid("the text is %d bytes; keep it under %d", len(m.Text), maxText)
	}
	return nil
}

// parseAddress checks one address and returns it parsed. what names the
// field in the error ("recipient", "sender").
func parseAddress(what, s string) (*mail.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, invalid("the %s address is empty", what)
	}
	if hasControl(s) {
		return nil, invalid("the %s address contains a line break or control character", what)
	}
	if len(s) > maxAddress {
		return nil, invalid("the %s address is longer than %d characters", what, maxAddress)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		// The parser's message quotes the input; leave it out so the
		// error can be logged without the address in it.
		return nil, invalid("the %s address is not one email address such as name@example.org", what)
	}
	return a, nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// normaliseText makes every line break a single \n and ends the text with
// one, so what is stored is what the recipient reads.
func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// Enqueue writes m to the outbox inside the caller's transaction, so the
// email exists exactly when the change that caused it commits. It returns
// the new outbox id. now is the time the email was asked for.
//
// The text is stored as given until it is sent. An email whose text
// carries a bearer secret (a link or code that signs someone in or sets
// a password) goes through EnqueueSealed instead.
func Enqueue(ctx context.Context, tx *store.Tx, m Message, now time.Time) (string, error) {
	return insert(ctx, tx, nil, m, now)
}

// EnqueueSealed is Enqueue for an email whose text is a bearer secret in
// itself: the text is sealed with keys (AES-GCM, bound to the outbox id)
// before it reaches the table, so neither the database nor a backup of it
// holds a usable link or code; only a worker holding the same key file can
// open it to send it.
func EnqueueSealed(ctx context.Context, tx *store.Tx, keys *keyring.Ring, m Message, now time.Time) (string, error) {
	if keys == nil {
		// Storing the secret in clear instead would defeat the point.
		return "", errors.New("an email carrying a secret cannot be queued without the key file")
	}
	return insert(ctx, tx, keys, m, now)
}

// sealPurpose is the keyring purpose of sealed outbox text.
const sealPurpose = "outbox"

// sealedPrefix starts a sealed body_text. A plain body always ends with a
// line break (normaliseText) and a sealed one never does, so the two
// cannot be mistaken for each other whatever a plain text begins with.
const sealedPrefix = "sealed:"

func isSealed(body string) bool {
	return strings.HasPrefix(body, sealedPrefix) && !strings.HasSuffix(body, "\n")
}

func sealText(keys *keyring.Ring, id, text string) (string, error) {
	b, err := keys.Seal(sealPurpose, []byte(text), []byte(id))
	if err != nil {
		return "", err
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// errCannotOpen is why a sealed message is given up on: without the key
// file it was sealed with, nothing can ever send it.
var errCannotOpen = fmt.Errorf("%w: its sealed text cannot be opened with this holdspace's key file", ErrInvalid)

func openText(keys *keyring.Ring, id, body string) (string, error) {
	if keys == nil {
		return "", errCannotOpen
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(body, sealedPrefix))
	if err != nil {
		return "", errCannotOpen
	}
	text, err := keys.Open(sealPurpose, raw, []byte(id))
	if err != nil {
		return "", errCannotOpen
	}
	return string(text), nil
}

func insert(ctx context.Context, tx *store.Tx, keys *keyring.Ring, m Message, now time.Time) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	sendAfter := m.SendAfter
	if sendAfter.IsZero() || sendAfter.Before(now) {
		sendAfter = now
	}
	var practice any
	if m.PracticeID != "" {
		practice = m.PracticeID
	}
	id := store.NewID()
	body := normaliseText(m.Text)
	if keys != nil {
		var err error
		if body, err = sealText(keys, id, body); err != nil {
			return "", fmt.Errorf("sealing an email: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO outbox (id, practice_id, to_addr, subject, body_text, created_at, send_after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, practice, strings.TrimSpace(m.To), m.Subject, body, now, sendAfter)
	if err != nil {
		return "", fmt.Errorf("queueing an email: %w", err)
	}
	return id, nil
}

// Pending counts email that is waiting to be sent: not sent and not given
// up on, whether due now or later.
func Pending(ctx context.Context, db *store.DB) (int, error) {
	return count(ctx, db, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`)
}

// Failed counts email the worker gave up on after its last attempt.
func Failed(ctx context.Context, db *store.DB) (int, error) {
	return count(ctx, db, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NOT NULL`)
}

func count(ctx context.Context, db *store.DB, query string) (int, error) {
	var n int
	err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, query).Scan(&n)
	})
	return n, err
}

// Status is where one outbox message stands, for pages that show it and
// for tests.
type Status struct {
	ID        string
	Attempts  int
	LastError string
	SendAfter time.Time
	SentAt    *time.Time
	FailedAt  *time.Time
}

// Lookup reads one message's delivery status.
func Lookup(ctx context.Context, db *store.DB, id string) (Status, error) {
	var s Status
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = StatusOf(ctx, tx, id)
		return err
	})
	return s, err
}

// StatusOf is Lookup inside the caller's transaction, for a page that
// shows whether one email it queued has gone.
func StatusOf(ctx context.Context, tx *store.Tx, id string) (Status, error) {
	s := Status{ID: id}
	var sent, failed sql.NullTime
	err := tx.QueryRow(ctx, `SELECT attempts, last_error, send_after, sent_at, failed_at FROM outbox WHERE id = ?`, id).
		Scan(&s.Attempts, &s.LastError, &s.SendAfter, &sent, &failed)
	if err != nil {
		return Status{}, err
	}
	if sent.Valid {
		s.SentAt = &sent.Time
	}
	if failed.Valid {
		s.FailedAt = &failed.Time
	}
	return s, nil
}
