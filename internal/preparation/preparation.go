// Package preparation keeps what readies a client for a first medicine
// session besides intake, screening, evaluation and consent: their
// intentions, the preparation sessions held with them, and their
// acknowledgement of the practical instructions. It also assembles the
// readiness tracker from every part of preparation.
package preparation

import (
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/fault"
	"holdspace/internal/store"
)

var errNoRows = sql.ErrNoRows

// Problem is bad input, tied to a field.
type Problem struct {
	Field, Message string
}

func (p *Problem) Error() string { return p.Message }

// Fault is the problem as a refusal of one field.
func (p *Problem) Fault() *fault.Error { return fault.InvalidField(p.Field, p.Message) }

//go:embed instructions.txt
var defaultInstructions string

// Instructions is the practical-instructions text clients acknowledge, and
// the SHA-256 their acknowledgement is bound to.
type Instructions struct {
	Text   string
	SHA256 string
}

// CurrentInstructions returns the practice's instructions. Practices will
// edit their own (the medicine-phase reminders use the same text); until
// then every practice has holdspace's default.
func CurrentInstructions() Instructions {
	sum := sha256.Sum256([]byte(defaultInstructions))
	return Instructions{Text: defaultInstructions, SHA256: hex.EncodeToString(sum[:])}
}

// Intention is one version of what the client hopes for.
type Intention struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	WrittenBy string    `json:"written_by"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxIntention bounds an intention's length: a page, not a book.
const MaxIntention = 5000

// SaveIntention adds a new version of the client's intentions.
func SaveIntention(ctx context.Context, tx *store.Tx, practiceID, clientID, writtenBy, authorID, text string, now time.Time) (Intention, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Intention{}, &Problem{"text", "Write a few words about what you hope for from this work."}
	case utf8.RuneCountInString(text) > MaxIntention:
		return Intention{}, &Problem{"text", "Please keep your intentions under 5,000 characters."}
	}
	in := Intention{ID: store.NewID(), Text: text, WrittenBy: writtenBy, CreatedAt: now}
	_, err := tx.Exec(ctx, `INSERT INTO intention (id, practice_id, client_id, text, written_by, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		in.ID, practiceID, clientID, text, writtenBy, authorID, now)
	return in, err
}

// Intentions lists the client's intentions, newest first.
func Intentions(ctx context.Context, tx *store.Tx, clientID string) ([]Intention, error) {
	return store.All(ctx, tx, func(r store.Scanner) (in Intention, err error) {
		err = r.Scan(&in.ID, &in.Text, &in.WrittenBy, &in.CreatedAt)
		return in, err
	}, `SELECT id, text, written_by, created_at FROM intention WHERE client_id = ? ORDER BY created_at DESC, id DESC`, clientID)
}

// Session is a preparation session held with the client.
type Session struct {
	ID        string    `json:"id"`
	StaffID   string    `json:"staff_id"`
	StaffName string    `json:"staff_name"`
	HeldOn    string    `json:"held_on"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// RecordSession records a preparation session. heldOn is a date in the
// practice's zone, not in the future.
func RecordSession(ctx context.Context, tx *store.Tx, practiceID, clientID, staffID, heldOn, note string, zone *time.Location, now time.Time) (Session, error) {
	heldOn, note = strings.TrimSpace(heldOn), strings.TrimSpace(note)
	day, err := time.ParseInLocation("2006-01-02", heldOn, zone)
	switch {
	case err != nil:
		return Session{}, &Problem{"held_on", "Give the date the session was held, such as 2026-11-20."}
	case day.After(now.In(zone)):
		return Session{}, &Problem{"held_on", "The date is in the future; record a session once it has been held."}
	case note == "":
		return Session{}, &Problem{"note", "Write the preparation note: what was covered, and anything the session team should know."}
	}
	s := Session{ID: store.NewID(), StaffID: staffID, HeldOn: heldOn, Note: note, CreatedAt: now}
	_, err = tx.Exec(ctx, `INSERT INTO preparation_session (id, practice_id, client_id, staff_id, held_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, practiceID, clientID, staffID, heldOn, note, now)
	return s, err
}

// Sessions lists the client's preparation sessions, latest first.
func Sessions(ctx context.Context, tx *store.Tx, clientID string) ([]Session, error) {
	return store.All(ctx, tx, func(r store.Scanner) (s Session, err error) {
		err = r.Scan(&s.ID, &s.StaffID, &s.StaffName, &s.HeldOn, &s.Note, &s.CreatedAt)
		return s, err
	}, `SELECT p.id, p.staff_id, s.full_name, p.held_on, p.note, p.created_at FROM preparation_session p
		JOIN staff s ON s.id = p.staff_id WHERE p.client_id = ? ORDER BY p.held_on DESC, p.created_at DESC`, clientID)
}

// Acknowledge records that the client read and will follow the current
// instructions. shownSHA is the hash of the text the page showed: if the
// text changed in between, the client must read it again.
func Acknowledge(ctx context.Context, tx *store.Tx, practiceID, clientID, shownSHA, address string, agreed bool, now time.Time) error {
	cur := CurrentInstructions()
	if !agreed {
		return &Problem{"agree", "Tick the box to say you have read the instructions and will follow them."}
	}
	if shownSHA != cur.SHA256 {
		return &Problem{"agree", "The instructions have changed since this page was opened. Please read them again."}
	}
	_, err := tx.Exec(ctx, `INSERT INTO instructions_ack (id, practice_id, client_id, text_sha256, acknowledged_at, address) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), practiceID, clientID, cur.SHA256, now, address)
	return err
}

// Acknowledged reports when the client last acknowledged the current
// instructions (nil when never, or only an earlier text).
func Acknowledged(ctx context.Context, tx *store.Tx, clientID string) (*time.Time, error) {
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT acknowledged_at FROM instructions_ack WHERE client_id = ? AND text_sha256 = ?
		ORDER BY acknowledged_at DESC LIMIT 1`, clientID, CurrentInstructions().SHA256).Scan(&at)
	if err != nil {
		if errors.Is(err, errNoRows) {
			return nil, nil
		}
		return nil, err
	}
	return &at, nil
}
