package inquiry

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"holdspace/internal/store"
)

// The functions here run inside a transaction the caller opened: through
// access.Service.Do for staff, or the public submission's own.

const inquiryColumns = `q.id, q.name, q.email, q.phone, q.preferred_contact, q.message, q.heard_from, q.heard_other, q.consent_at,
	q.status, q.created_at, q.updated_at, q.decline_reason, q.declined_at, COALESCE(ds.full_name, ''), COALESCE(q.client_id, ''),
	q.converted_at, COALESCE(cs.full_name, '')
	FROM inquiry q LEFT JOIN staff ds ON ds.id = q.declined_by LEFT JOIN staff cs ON cs.id = q.converted_by`

func scanInquiry(row interface{ Scan(...any) error }) (Inquiry, error) {
	var q Inquiry
	var status string
	err := row.Scan(&q.ID, &q.Name, &q.Email, &q.Phone, &q.PreferredContact, &q.Message, &q.HeardFrom, &q.HeardOther, &q.ConsentAt,
		&status, &q.CreatedAt, &q.UpdatedAt, &q.DeclineReason, &q.DeclinedAt, &q.DeclinedByName, &q.ClientID, &q.ConvertedAt, &q.ConvertedByName)
	q.Status = Status(status)
	return q, err
}

// Insert stores a submission the caller has checked, with the moment the
// person gave consent to be contacted.
func Insert(ctx context.Context, tx *store.Tx, practiceID string, s Submission, at time.Time) (string, error) {
	id := store.NewID()
	_, err := tx.Exec(ctx, `INSERT INTO inquiry (id, practice_id, name, email, phone, preferred_contact, message, heard_from, heard_other,
		consent_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, s.Name, s.Email, s.Phone, s.PreferredContact, s.Message, s.HeardFrom, s.HeardOther, at, string(New), at, at)
	return id, err
}

// Load reads one inquiry of the practice with the emails sent about it.
func Load(ctx context.Context, tx *store.Tx, practiceID, id string) (Inquiry, error) {
	q, err := scanInquiry(tx.QueryRow(ctx, `SELECT `+inquiryColumns+` WHERE q.id = ? AND q.practice_id = ?`, id, practiceID))
	if errors.Is(err, sql.ErrNoRows) {
		return q, ErrNotFound
	}
	if err != nil {
		return q, err
	}
	rows, err := tx.Query(ctx, `SELECT r.id, r.kind, COALESCE(s.full_name, ''), r.to_addr, r.subject, r.body, r.sent_at
		FROM inquiry_reply r LEFT JOIN staff s ON s.id = r.staff_id WHERE r.inquiry_id = ? ORDER BY r.sent_at, r.id`, id)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Reply
		if err := rows.Scan(&r.ID, &r.Kind, &r.StaffName, &r.To, &r.Subject, &r.Body, &r.SentAt); err != nil {
			return q, err
		}
		q.Replies = append(q.Replies, r)
	}
	return q, rows.Err()
}

// List lists the practice's inquiries, newest first; an empty status
// lists them all.
func List(ctx context.Context, tx *store.Tx, practiceID string, status Status) ([]Inquiry, error) {
	query := `SELECT ` + inquiryColumns + ` WHERE q.practice_id = ?`
	args := []any{practiceID}
	if status != "" {
		query += ` AND q.status = ?`
		args = append(args, string(status))
	}
	rows, err := tx.Query(ctx, query+` ORDER BY q.created_at DESC, q.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Inquiry
	for rows.Next() {
		q, err := scanInquiry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Counts says how many of the practice's inquiries are in each status.
func Counts(ctx context.Context, tx *store.Tx, practiceID string) (map[Status]int, error) {
	rows, err := tx.Query(ctx, `SELECT status, COUNT(*) FROM inquiry WHERE practice_id = ? GROUP BY status`, practiceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[Status(s)] = n
	}
	return out, rows.Err()
}

// AddReply records an email sent to the person about the inquiry.
func AddReply(ctx context.Context, tx *store.Tx, practiceID, inquiryID, staffID, kind, to, subject, body, outboxID string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO inquiry_reply (id, practice_id, inquiry_id, kind, staff_id, to_addr, subject, body, outbox_id, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, inquiryID, kind, nullable(staffID), to, subject, body, nullable(outboxID), at)
	return err
}

// MarkReplied moves a new inquiry to replied; others keep their status.
func MarkReplied(ctx context.Context, tx *store.Tx, practiceID, id string, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE inquiry SET status = ? WHERE id = ? AND practice_id = ? AND status = ?`,
		string(Replied), id, practiceID, string(New)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE inquiry SET updated_at = ? WHERE id = ? AND practice_id = ?`, at, id, practiceID)
	return err
}

// MarkDeclined closes an open inquiry with the practice's reason. The
// condition on the status is in the statement, so of two people declining
// or converting at once, one wins and the other is told.
func MarkDeclined(ctx context.Context, tx *store.Tx, practiceID, id, staffID, reason string, at time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE inquiry SET status = ?, decline_reason = ?, declined_at = ?, declined_by = ?, updated_at = ?
		WHERE id = ? AND practice_id = ? AND status IN (?, ?)`, string(Declined), reason, at, nullable(staffID), at, id, practiceID, string(New), string(Replied))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, &Conflict{"This inquiry is no longer open: it was declined or became a client. Reload the page to see it as it is."})
	}
	return nil
}

// MarkConverted links the inquiry to the client it became. A declined
// inquiry may still become a client (the practice may reconsider); one
// that already became a client may not, twice.
func MarkConverted(ctx context.Context, tx *store.Tx, practiceID, id, clientID, staffID string, at time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE inquiry SET status = ?, client_id = ?, converted_at = ?, converted_by = ?, updated_at = ?
		WHERE id = ? AND practice_id = ? AND status <> ?`, string(Converted), clientID, at, nullable(staffID), at, id, practiceID, string(Converted))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, &Conflict{"This inquiry has already become a client."})
	}
	return nil
}

// overLimit counts accepted submissions from an address since a time.
func overLimit(ctx context.Context, tx *store.Tx, addressKey string, since time.Time, limit int) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM inquiry_attempt WHERE address_key = ? AND at > ?`, addressKey, since).Scan(&n)
	return n >= limit, err
}

// recordAttempt counts an accepted submission against its address, and
// forgets those older than the window: the table stays small.
func recordAttempt(ctx context.Context, tx *store.Tx, addressKey, practiceID string, at, since time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM inquiry_attempt WHERE at <= ?`, since); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO inquiry_attempt (address_key, practice_id, at) VALUES (?, ?, ?)`, addressKey, practiceID, at)
	return err
}
