package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Worker drains the outbox. Several workers, in one process or in several
// holdspace instances on one PostgreSQL database, may run at once: each
// message is claimed by exactly one of them.
type Worker struct {
	DB     *store.DB
	Sender Sender
	// From is the sender address of every message (config.SMTP.From).
	From string
	// Keys opens the messages queued with EnqueueSealed; without them
	// such a message is given up on.
	Keys *keyring.Ring
	Log  *slog.Logger
	// Now is the clock that decides what is due and when to retry; nil
	// means the system clock.
	Now func() time.Time
	// Interval is how long Run waits between passes when not woken;
	// zero means DefaultInterval.
	Interval time.Duration
	// MaxAttempts is how many deliveries a message gets before it is
	// marked failed; zero means DefaultMaxAttempts.
	MaxAttempts int

	wakeOnce sync.Once
	wake     chan struct{}
}

const (
	DefaultInterval    = 15 * time.Second
	DefaultMaxAttempts = 8

	// batchSize bounds how many due rows one query reads. Rows are
	// claimed one at a time just before sending, so a worker that stops
	// holds at most the one message it was sending.
	batchSize = 10
	// lease is how long a claim keeps other workers off a message. It is
	// well beyond DefaultSendTimeout, so a slow delivery is not sent twice;
	// after it, a message whose worker died is due again.
	lease = 10 * time.Minute
	// Retries wait 1m, 2m, 4m … up to maxRetryDelay.
	firstRetryDelay = time.Minute
	maxRetryDelay   = time.Hour
	// recordTimeout bounds writing a delivery's outcome, which is done
	// even while shutting down: a message the server took must be marked
	// sent or it would go out again.
	recordTimeout = 10 * time.Second
	maxErrorText  = 1000
)

// RetryDelay is how long the worker waits after the attempt-th failed
// delivery of a message before trying again.
func RetryDelay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 16 {
		return maxRetryDelay
	}
	return min(firstRetryDelay<<(attempt-1), maxRetryDelay)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (w *Worker) wakeCh() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Wake asks Run for a pass now instead of at the next interval. Call it
// after the transaction that enqueued a message has committed (a sign-in
// code should not wait for the interval); it never blocks.
func (w *Worker) Wake() {
	select {
	case w.wakeCh() <- struct{}{}:
	default:
	}
}

// Run drains the outbox at once and then every Interval (or when woken)
// until ctx ends. It fits app.Worker.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.wakeCh():
			timer.Stop()
		}
		sent, failed, err := w.DrainOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Warn("email outbox: pass stopped early; will try again", "error", err)
		}
		if sent > 0 || failed > 0 {
			w.log().Info("email outbox pass", "sent", sent, "failed", failed)
		}
		timer.Reset(interval)
	}
}

// dueMessage is a message ready to send, as read before claiming it.
type dueMessage struct {
	Message
	attempts int
}

// DrainOnce sends every message that is due now and returns how many were
// delivered and how many deliveries failed (to be retried or given up on).
// It returns when nothing is due, when ctx ends (with ctx's error) or when
// the database fails.
func (w *Worker) DrainOnce(ctx context.Context) (sent, failed int, err error) {
	if w.Sender == nil {
		return 0, 0, errors.New("no email sender: configure an SMTP host (--smtp-host)")
	}
	// A bad sender address would fail every message; say so once instead
	// of spending every message's attempts on it.
	if _, err := parseAddress("sender", w.From); err != nil {
		return 0, 0, fmt.Errorf("--smtp-from: %w", err)
	}
	if err := w.giveUpExhausted(ctx); err != nil {
		return 0, 0, err
	}
	// Batches in which other workers took every row: after a few, leave
	// the rest to them rather than keep chasing the same rows.
	outrun := 0
	for {
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		batch, err := w.due(ctx)
		if err != nil || len(batch) == 0 {
			return sent, failed, err
		}
		claimedAny := false
		for _, m := range batch {
			if err := ctx.Err(); err != nil {
				return sent, failed, err
			}
			ok, err := w.claim(ctx, m)
			if err != nil {
				return sent, failed, err
			}
			if !ok {
				continue // another worker took it
			}
			claimedAny = true
			sendErr, err := w.deliver(ctx, m)
			switch {
			case sendErr == nil:
				sent++
			case ctx.Err() == nil:
				failed++
			}
			if err != nil {
				return sent, failed, err
			}
			if affectsAll(sendErr) {
				// The server cannot be reached or will not take mail
				// from us at all: the other messages would fail the
				// same way, so leave their attempts for the next pass.
				return sent, failed, nil
			}
		}
		if claimedAny {
			outrun = 0
		} else if outrun++; outrun == 3 {
			return sent, failed, nil
		}
	}
}

func (w *Worker) due(ctx context.Context) ([]dueMessage, error) {
	var out []dueMessage
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, `SELECT id, practice_id, to_addr, subject, body_text, attempts FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND send_after <= ? AND attempts < ?
			ORDER BY send_after, id LIMIT ?`, w.now(), w.maxAttempts(), batchSize)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m dueMessage
			var practice sql.NullString
			if err := rows.Scan(&m.ID, &practice, &m.To, &m.Subject, &m.Text, &m.attempts); err != nil {
				return err
			}
			m.PracticeID = practice.String
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the email outbox: %w", err)
	}
	return out, nil
}

// claim takes m for this worker. The UPDATE only matches while the row
// still has the attempt count we read, and it changes that count, so of
// two workers that read the same row exactly one sees a row changed. This
// works alike on SQLite (one writer at a time) and PostgreSQL (the second
// UPDATE waits for the first to commit, then re-checks the WHERE against
// the new row). Counting the attempt at the claim means a message that
// crashes its worker still uses up attempts.
func (w *Worker) claim(ctx context.Context, m dueMessage) (bool, error) {
	now := w.now()
	var claimed bool
	err := w.DB.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, send_after = ?
			WHERE id = ? AND attempts = ? AND sent_at IS NULL AND failed_at IS NULL AND send_after <= ?`,
			now.Add(lease), m.ID, m.attempts, now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claiming email %s: %w", m.ID, err)
	}
	return claimed, nil
}

// deliver sends a claimed message and records the outcome. It returns
// the delivery's error, and err when the outcome could not be recorded.
func (w *Worker) deliver(ctx context.Context, m dueMessage) (sendErr, err error) {
	attempt := m.attempts + 1
	msg := m.Message
	if isSealed(msg.Text) {
		msg.Text, sendErr = openText(w.Keys, msg.ID, msg.Text)
	}
	if sendErr == nil {
		sendErr = w.Sender.Send(ctx, w.From, msg)
	}
	now := w.now()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	log := w.log().With("outbox_id", m.ID, "attempt", attempt)

	if sendErr == nil {
		// The text goes with the delivery: holdspace never reads it again,
		// and kept it would put every email ever sent (links, and details
		// that tell who is a client) into each copy of the database. The
		// row stays, for the status and the records that point to it.
		err := w.record(rctx, `UPDATE outbox SET sent_at = ?, last_error = '', body_text = '' WHERE id = ?`, now, m.ID)
		if err != nil {
			log.Error("email was delivered but could not be marked sent; it will be sent again when its claim runs out", "error", err)
			return nil, err
		}
		log.Debug("email sent")
		return nil, nil
	}

	stage, code := describe(sendErr)
	text := errorText(sendErr)
	switch {
	case ctx.Err() != nil:
		// Shutting down mid-delivery: free the message for the next
		// start instead of waiting out the claim.
		log.Info("email delivery interrupted by shutdown; will try again", "stage", stage)
		return sendErr, w.record(rctx, `UPDATE outbox SET last_error = ?, send_after = ? WHERE id = ?`, text, now, m.ID)
	case errors.Is(sendErr, ErrRejected) || errors.Is(sendErr, ErrInvalid) || attempt >= w.maxAttempts():
		log.Warn("email delivery failed; giving up", "stage", stage, "smtp_code", code)
		return sendErr, w.record(rctx, `UPDATE outbox SET last_error = ?, failed_at = ? WHERE id = ?`, text, now, m.ID)
	default:
		delay := RetryDelay(attempt)
		log.Warn("email delivery failed; will try again", "stage", stage, "smtp_code", code, "retry_in", delay.String())
		return sendErr, w.record(rctx, `UPDATE outbox SET last_error = ?, send_after = ? WHERE id = ?`, text, now.Add(delay), m.ID)
	}
}

func (w *Worker) record(ctx context.Context, query string, args ...any) error {
	err := w.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("recording an email delivery: %w", err)
	}
	return nil
}

// giveUpExhausted marks failed the messages that used their last attempt
// without an outcome being recorded (their worker died, or MaxAttempts was
// lowered), once their claim has run out; nothing else would ever pick
// them up.
func (w *Worker) giveUpExhausted(ctx context.Context) error {
	now := w.now()
	return w.record(ctx, `UPDATE outbox SET failed_at = ?,
			last_error = CASE WHEN last_error = '' THEN 'no attempts left' ELSE last_error END
		WHERE sent_at IS NULL AND failed_at IS NULL AND attempts >= ? AND send_after <= ?`,
		now, w.maxAttempts(), now)
}

// affectsAll reports whether a delivery failed before the message itself
// came into it: the server could not be reached, would not do TLS, refused
// our login or our sender address. Every other message would fail alike.
func affectsAll(err error) bool {
	var se *sendError
	if err == nil || !errors.As(err, &se) {
		return false
	}
	switch se.stage {
	case "connect", "greeting", "ehlo", "starttls", "auth", "mail":
		return true
	}
	return false
}

// describe is what of a delivery error may be logged: the step and the
// server's reply code, never the reply text, which often quotes the
// address.
func describe(err error) (stage string, code int) {
	var se *sendError
	if errors.As(err, &se) {
		return se.stage, se.code
	}
	if errors.Is(err, ErrInvalid) {
		return "validate", 0
	}
	return "unknown", 0
}

// errorText is the error as stored in last_error, for the people who
// look at failed messages. It may name the address: the row does too.
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "")
	}
	return s
}
