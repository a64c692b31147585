package notify

import (
	"context"
	"database/sql"
	"time"

	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Letter is one outbox message as its recipient would read it, for the
// demo's mailbox: the demo sends no real email, so its invitations, codes
// and reminders are read there instead.
type Letter struct {
	ID        string
	To        string
	Subject   string
	Text      string
	CreatedAt time.Time
	SendAfter time.Time
	SentAt    *time.Time
	FailedAt  *time.Time
	LastError string
	// Emptied: the message was sent and, as every sent message is, its
	// text was emptied; only the envelope remains.
	Emptied bool
	// Unreadable: a sealed text this holdspace's key file cannot open.
	Unreadable bool
}

// Letters reads the practice's outbox, newest first, with each sealed text
// opened with keys. It is meant for the demo only: it puts credentials (a
// sign-in code, an invitation link) in front of whoever is shown them.
func Letters(ctx context.Context, tx *store.Tx, keys *keyring.Ring, practiceID string, limit int) ([]Letter, error) {
	rows, err := tx.Query(ctx, `SELECT id, to_addr, subject, body_text, created_at, send_after, sent_at, failed_at, last_error
		FROM outbox WHERE practice_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, practiceID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Letter
	for rows.Next() {
		var l Letter
		var body string
		var sent, failed sql.NullTime
		if err := rows.Scan(&l.ID, &l.To, &l.Subject, &body, &l.CreatedAt, &l.SendAfter, &sent, &failed, &l.LastError); err != nil {
			return nil, err
		}
		if sent.Valid {
			l.SentAt = &sent.Time
		}
		if failed.Valid {
			l.FailedAt = &failed.Time
		}
		switch {
		case body == "" && l.SentAt != nil:
			l.Emptied = true
		case isSealed(body):
			text, err := openText(keys, l.ID, body)
			if err != nil {
				l.Unreadable = true
			} else {
				l.Text = text
			}
		default:
			l.Text = body
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
