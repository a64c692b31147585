package measure

import (
	"context"
	"strings"
	"time"

	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// Worker emails a client when a measure's window opens: one email per due
// item, sent once (measure_due_notice remembers it), queued through the
// outbox in the same transaction that records it. The email holds no
// answers, scores or instrument names, only that a short questionnaire is
// ready in the portal: an inbox is not a private place.
type Worker struct {
	DB *store.DB
	// BaseURL is the site's address, for the portal link.
	BaseURL string
}

// Tick does one pass at now and returns how many emails it queued. Each
// client is its own transaction, so one client's failure does not hold
// back the others' emails.
func (w *Worker) Tick(ctx context.Context, now time.Time) (int, error) {
	type who struct{ practice, client string }
	var list []who
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT c.practice_id, c.client_id FROM course c JOIN client cl ON cl.id = c.client_id
			WHERE cl.email <> '' ORDER BY c.practice_id, c.client_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x who
			if err := rows.Scan(&x.practice, &x.client); err != nil {
				return err
			}
			list = append(list, x)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	var firstErr error
	for _, x := range list {
		err := w.DB.Write(ctx, func(tx *store.Tx) error {
			n, err := NotifyDue(ctx, tx, x.practice, x.client, w.BaseURL, now)
			sent += n
			return err
		})
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return sent, firstErr
}

// NotifyDue queues the "questionnaire ready" email for each of the
// client's items open at now that has had none, and returns how many.
func NotifyDue(ctx context.Context, tx *store.Tx, practiceID, clientID, baseURL string, now time.Time) (int, error) {
	set, err := LoadSettings(ctx, tx, practiceID)
	if err != nil || !set.EmailWhenDue {
		return 0, err
	}
	var email, name, preferred, practice string
	if err := tx.QueryRow(ctx, `SELECT cl.email, cl.legal_name, cl.preferred_name, p.name FROM client cl JOIN practice p ON p.id = cl.practice_id WHERE cl.id = ?`,
		clientID).Scan(&email, &name, &preferred, &practice); err != nil {
		return 0, err
	}
	if preferred != "" {
		name = preferred
	}
	all, err := ClientSchedule(ctx, tx, practiceID, clientID, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range Outstanding(all) {
		// Claim the notice first: two rounds running at once (two
		// instances, or a round and a submission) both see none sent, and
		// only the one whose row goes in may queue the email.
		res, err := tx.Exec(ctx, `INSERT INTO measure_due_notice (practice_id, client_id, course_id, instrument, occasion, outbox_id, sent_at)
			VALUES (?, ?, ?, ?, ?, '', ?) ON CONFLICT (course_id, instrument, occasion) DO NOTHING`,
			practiceID, clientID, d.CourseID, d.Instrument, d.Occasion, now.UTC())
		if err != nil {
			return n, err
		}
		if claimed, _ := res.RowsAffected(); claimed == 0 {
			continue
		}
		outboxID, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: email,
			Subject: "A short questionnaire is ready", Text: dueEmail(name, practice, baseURL)}, now)
		if err != nil {
			return n, err
		}
		if _, err := tx.Exec(ctx, `UPDATE measure_due_notice SET outbox_id = ? WHERE course_id = ? AND instrument = ? AND occasion = ?`,
			outboxID, d.CourseID, d.Instrument, d.Occasion); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func dueEmail(name, practice, baseURL string) string {
	link := strings.TrimSuffix(baseURL, "/") + "/portal/measures"
	return "Hello " + name + ",\n\n" +
		"A short questionnaire is ready in your portal. It takes a few minutes, and you can save it and come back later.\n\n" +
		link + "\n\n" +
		"Your answers help your care team see how you are doing over time.\n\n" +
		"If something cannot wait, please do not wait for a questionnaire: contact your care team, " +
		"or your local emergency number if you are in danger.\n\n" +
		practice + "\n"
}
