package reminder

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"holdspace/internal/notify"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// AfterWithin bounds the aftercare email to sessions of the last day, so
// that history (a course recorded by hand, a database restored) never
// mails a client about a session long past.
const AfterWithin = 24 * time.Hour

// Worker queues reminder emails: before each booked medicine session
// (HoursBefore ahead, or at once for a late booking) and after each held
// one. It writes to the outbox; notify's worker delivers.
type Worker struct {
	DB  *store.DB
	Log *slog.Logger
	// Wake, when set, is called after a pass queued email (notify.Worker's
	// Wake), so a late booking's reminder does not wait for its interval.
	Wake func()
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

// due is one session that may need a reminder of kind.
type due struct {
	sessionID, practiceID, clientID string
	kind                            Kind
	at                              time.Time
}

// Tick does one pass at now and returns how many emails it queued. Each
// email is its own transaction, so one failure holds back no other.
func (w *Worker) Tick(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	var list []due
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		list, err = candidates(ctx, tx, now)
		return err
	})
	if err != nil {
		return 0, err
	}
	queued := 0
	var firstErr error
	for _, d := range list {
		err := w.DB.Write(ctx, func(tx *store.Tx) error {
			ok, err := Queue(ctx, tx, d.sessionID, d.kind, now)
			if ok {
				queued++
			}
			return err
		})
		if errors.Is(err, errAlready) {
			// Another instance queued it between our read and write.
			err = nil
		}
		if err != nil {
			w.log().Error("session reminder", "session", d.sessionID, "kind", string(d.kind), "err", err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if queued > 0 && w.Wake != nil {
		w.Wake()
	}
	return queued, firstErr
}

// reachable is the SQL for a client who can receive a reminder: an email
// address and a portal account that is not disabled (the reminder points
// to the portal, and a client without one has not been invited yet).
const reachable = `cl.email <> '' AND EXISTS (SELECT 1 FROM account a WHERE a.client_id = cl.id AND a.kind = 'client' AND a.disabled = ?)`

// candidates lists sessions that may be due a reminder and have none for
// their current time. Booked sessions are read as far ahead as any
// practice may set; Queue applies the practice's own window.
func candidates(ctx context.Context, tx *store.Tx, now time.Time) ([]due, error) {
	rows, err := tx.Query(ctx, `SELECT cs.id, cs.practice_id, cs.client_id, cs.status, cs.scheduled_at FROM course_session cs
		JOIN client cl ON cl.id = cs.client_id
		WHERE cs.scheduled_at IS NOT NULL AND `+reachable+` AND (
			(cs.status = 'booked' AND cs.scheduled_at > ? AND cs.scheduled_at <= ?) OR
			(cs.status = 'held' AND cs.scheduled_at > ? AND cs.scheduled_at <= ?))
		AND NOT EXISTS (SELECT 1 FROM reminder_sent r WHERE r.course_session_id = cs.id AND r.session_at = cs.scheduled_at
			AND r.kind = CASE WHEN cs.status = 'held' THEN 'after' ELSE 'before' END)
		ORDER BY cs.scheduled_at, cs.id`,
		false, now, now.Add(MaxHoursBefore*time.Hour), now.Add(-AfterWithin), now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []due
	for rows.Next() {
		var d due
		var status string
		if err := rows.Scan(&d.sessionID, &d.practiceID, &d.clientID, &status, &d.at); err != nil {
			return nil, err
		}
		d.kind = Before
		if status == "held" {
			d.kind = After
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

var errAlready = errors.New("reminder: already queued")

// Queue queues the kind reminder of one medicine session if it is due at
// now and none was queued for the session's current time, and reports
// whether it did. It checks the session again inside tx, so a session
// cancelled or moved since it was listed gets no stale email. The sent-log
// row and the email commit together: the log's unique key (session, kind,
// time) makes a second attempt fail and roll its email back.
func Queue(ctx context.Context, tx *store.Tx, sessionID string, kind Kind, now time.Time) (bool, error) {
	return queue(ctx, tx, sessionID, kind, now, true)
}

// Record queues the kind reminder of a session at now without asking
// whether it is due, for history brought in from elsewhere (and the
// demo); like Queue it queues nothing when one is on record for the
// session's time.
func Record(ctx context.Context, tx *store.Tx, sessionID string, kind Kind, now time.Time) (bool, error) {
	return queue(ctx, tx, sessionID, kind, now, false)
}

func queue(ctx context.Context, tx *store.Tx, sessionID string, kind Kind, now time.Time, checkDue bool) (bool, error) {
	now = now.UTC()
	var practiceID, clientID, status, legal, pref, email, practiceName, zoneName string
	var number int
	var at *time.Time
	err := tx.QueryRow(ctx, `SELECT cs.practice_id, cs.client_id, cs.status, cs.scheduled_at, cs.session_number,
			cl.legal_name, cl.preferred_name, cl.email, p.name, p.time_zone
		FROM course_session cs JOIN client cl ON cl.id = cs.client_id JOIN practice p ON p.id = cs.practice_id
		WHERE cs.id = ? AND `+reachable, sessionID, false).
		Scan(&practiceID, &clientID, &status, &at, &number, &legal, &pref, &email, &practiceName, &zoneName)
	if err != nil || at == nil {
		// Gone, unreachable or unscheduled since it was listed: nothing due.
		return false, ignoreNoRows(err)
	}
	rs, err := Load(ctx, tx, practiceID)
	if err != nil {
		return false, err
	}
	switch {
	case !checkDue:
	case kind == Before && status == "booked":
		if !at.After(now) || at.After(now.Add(time.Duration(rs.HoursBefore)*time.Hour)) {
			return false, nil
		}
	case kind == After && status == "held":
		if at.After(now) || !at.After(now.Add(-AfterWithin)) {
			return false, nil
		}
	default:
		return false, nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reminder_sent WHERE course_session_id = ? AND kind = ? AND session_at = ?`,
		sessionID, string(kind), at.UTC()).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	med, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return false, err
	}
	zone, err := time.LoadLocation(zoneName)
	if err != nil {
		zone = time.UTC
	}
	v := ValuesFor(rs, med, Session{Number: number, At: *at, ClientLegal: legal, ClientPref: pref, PracticeName: practiceName, Zone: zone})
	t := rs.Text(kind)
	outboxID, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: email,
		Subject: Render(t.Subject, v), Text: Render(t.Body, v)}, now)
	if err != nil {
		return false, err
	}
	res, err := tx.Exec(ctx, `INSERT INTO reminder_sent (id, practice_id, client_id, course_session_id, kind, session_at, outbox_id, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, store.NewID(), practiceID, clientID, sessionID, string(kind), at.UTC(), outboxID, now)
	if err != nil {
		return false, err
	}
	if k, err := res.RowsAffected(); err != nil || k != 1 {
		return false, errors.Join(errAlready, err)
	}
	return true, nil
}

// Sent is one reminder on record for a session.
type Sent struct {
	Kind      Kind      `json:"kind"`
	SessionAt time.Time `json:"session_at"`
	QueuedAt  time.Time `json:"queued_at"`
}

// ForSession lists the reminders queued for one medicine session, oldest
// first, for the pages that show a session.
func ForSession(ctx context.Context, tx *store.Tx, sessionID string) ([]Sent, error) {
	return store.All(ctx, tx, func(r store.Scanner) (s Sent, err error) {
		var k string
		err = r.Scan(&k, &s.SessionAt, &s.QueuedAt)
		s.Kind = Kind(k)
		return s, err
	}, `SELECT kind, session_at, queued_at FROM reminder_sent WHERE course_session_id = ? ORDER BY queued_at, id`, sessionID)
}

func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
