// Package alert stores safety alerts and their steps, escalates the ones
// nobody acknowledges, plans and records post-session check-ins, keeps the
// versioned safety plan, and loads the practice's safety settings. The rules
// themselves live in internal/safety; this package stores what they decide
// and sends the emails they ask for, always inside the caller's transaction
// (one that access.Service.Do opened and audits).
//
// Pairs with internal/safety: safety holds the rules, alert is their storage
// and worker.
package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"holdspace/internal/fault"
	"holdspace/internal/notify"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// ErrNotFound is returned for an alert, check-in or plan version that does
// not exist in the practice.
var ErrNotFound error = fault.New(fault.NotFound, "There is no such record in your practice.")

type baseURLKey struct{}

// WithBaseURL returns a context whose emails link to base (such as
// https://clinic.example/). Raise takes its links from the context because
// the callers that raise an alert (questionnaires, check-ins) know nothing
// of the site's address; without one, emails carry the path alone.
func WithBaseURL(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseURLKey{}, base)
}

func link(ctx context.Context, path string) string {
	base, _ := ctx.Value(baseURLKey{}).(string)
	return strings.TrimRight(base, "/") + path
}

// Alert is a stored alert: the rule's Alert plus what the pages show.
type Alert struct {
	safety.Alert
	PracticeID string
	ClientName string
	AckName    string
	CloseName  string
}

// Event is one recorded step of an alert.
type Event struct {
	ID      string
	AlertID string
	// Kind is raised, emailed, escalated, acknowledged or closed. An
	// emailed step is recorded when the email is queued; Delivery says
	// whether it has gone.
	Kind      string
	At        time.Time
	By        string // staff id; empty for holdspace itself
	ByName    string
	Level     int
	Due       *time.Time
	Recipient string
	ToName    string
	Audience  string
	Action    string
	Note      string
	// OutboxID is an emailed step's email.
	OutboxID string
	// Delivery of an emailed step: queued, sent or failed, and when it
	// was sent.
	Delivery string
	SentAt   *time.Time
}

// Raise stores an alert for t and its raised event, and enqueues an email
// to every member of the client's care team quoting the client's answers,
// all in the caller's transaction: the alert exists exactly when the answer
// that raised it does.
func Raise(ctx context.Context, tx *store.Tx, practiceID, clientID string, t safety.Trigger, now time.Time) (alertID string, err error) {
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	id := store.NewID()
	a, ev := safety.Raise(id, clientID, t, now, s.Escalation)
	last, err := lastSessionBefore(ctx, tx, clientID, now)
	if err != nil {
		return "", err
	}
	a.LastSessionAt = last
	raw, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	var lastAt any
	if !last.IsZero() {
		lastAt = last
	}
	_, err = tx.Exec(ctx, `INSERT INTO safety_alert (id, practice_id, client_id, source, instrument, severity, trigger_json,
		message, state, level, raised_at, last_session_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		id, practiceID, clientID, string(t.Source), t.Instrument, string(severityOr(t.Severity)), string(raw),
		t.Message, string(a.State), now, lastAt)
	if err != nil {
		return "", fmt.Errorf("storing safety alert: %w", err)
	}
	if err := addEvent(ctx, tx, practiceID, clientID, Event{AlertID: id, Kind: string(safety.EventRaised), At: now}); err != nil {
		return "", err
	}
	if err := notifyEvent(ctx, tx, practiceID, s, a, ev, now); err != nil {
		return "", err
	}
	return id, nil
}

// lastSessionBefore is when the client's latest medicine session up to now
// took place: a session marked held, or one whose live record was started
// (the medicine was given even if nobody has marked it held yet). Zero if
// none.
func lastSessionBefore(ctx context.Context, tx *store.Tx, clientID string, now time.Time) (time.Time, error) {
	var last time.Time
	for _, q := range []string{
		`SELECT scheduled_at FROM course_session WHERE client_id = ? AND status = 'held' AND scheduled_at IS NOT NULL AND scheduled_at <= ?
			ORDER BY scheduled_at DESC LIMIT 1`,
		`SELECT started_at FROM session_record WHERE client_id = ? AND started_at <= ? ORDER BY started_at DESC LIMIT 1`,
	} {
		var at sql.NullTime
		err := tx.QueryRow(ctx, q, clientID, now).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, err
		}
		if at.Valid && at.Time.After(last) {
			last = at.Time.UTC()
		}
	}
	return last, nil
}

// Crisis returns the crisis resources the practice's clients are shown: its
// own when it has set valid ones, the US defaults (988, 911) otherwise.
func Crisis(ctx context.Context, tx *store.Tx, practiceID string) (safety.CrisisResources, error) {
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return safety.USCrisisResources(), err
	}
	return safety.ResourcesFor(&s.Crisis), nil
}

func severityOr(s safety.Severity) safety.Severity {
	if s == safety.SeverityHigh {
		return s
	}
	return safety.SeverityModerate
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func addEvent(ctx context.Context, tx *store.Tx, practiceID, clientID string, e Event) error {
	var due any
	if e.Due != nil {
		due = *e.Due
	}
	_, err := tx.Exec(ctx, `INSERT INTO safety_alert_event (id, practice_id, client_id, alert_id, kind, at, by_staff, level,
		due, recipient, audience, action, note, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.NewID(), practiceID, clientID, e.AlertID, e.Kind, e.At, nullable(e.By), e.Level, due,
		nullable(e.Recipient), e.Audience, e.Action, e.Note, nullable(e.OutboxID))
	if err != nil {
		return fmt.Errorf("recording alert step: %w", err)
	}
	return nil
}

// person is a member of staff who hears of an alert.
type person struct{ id, name, email string }

// recipients resolves the audiences of an event to active staff, each once.
// The care team is everyone on the client's team; the prescriber is the
// care team's prescriber(s); the owner is the practice's owner(s); on call
// is the person the escalation names.
func recipients(ctx context.Context, tx *store.Tx, practiceID, clientID string, aud []safety.Audience, onCall *safety.OnCallPerson) ([]person, []string, error) {
	var out []person
	var audOf []string
	seen := map[string]bool{}
	for _, a := range aud {
		var q string
		var args []any
		switch a {
		case safety.AudienceOnCall:
			if onCall == nil {
				continue
			}
			q = `SELECT s.id, s.full_name, s.email FROM staff s WHERE s.id = ? AND s.practice_id = ? AND s.active`
			args = []any{onCall.StaffID, practiceID}
		case safety.AudienceCareTeam:
			q = `SELECT DISTINCT s.id, s.full_name, s.email FROM care_team ct JOIN staff s ON s.id = ct.staff_id
				WHERE ct.client_id = ? AND s.practice_id = ? AND s.active ORDER BY s.full_name, s.id`
			args = []any{clientID, practiceID}
		case safety.AudiencePrescriber:
			q = `SELECT DISTINCT s.id, s.full_name, s.email FROM care_team ct JOIN staff s ON s.id = ct.staff_id
				WHERE ct.client_id = ? AND ct.role = 'prescriber' AND s.practice_id = ? AND s.active ORDER BY s.full_name, s.id`
			args = []any{clientID, practiceID}
		case safety.AudiencePracticeOwner:
			q = `SELECT DISTINCT s.id, s.full_name, s.email FROM staff_role r JOIN staff s ON s.id = r.staff_id
				WHERE r.role = 'owner' AND s.practice_id = ? AND s.active ORDER BY s.full_name, s.id`
			args = []any{practiceID}
		default:
			continue
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var p person
			if err := rows.Scan(&p.id, &p.name, &p.email); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if !seen[p.id] {
				seen[p.id] = true
				out = append(out, p)
				audOf = append(audOf, string(a))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return out, audOf, nil
}

// notifyEvent emails a raised or escalated event to its audiences and
// records one emailed step per person; the on-call person is also texted
// or called through the practice's gateway.
func notifyEvent(ctx context.Context, tx *store.Tx, practiceID string, s Settings, a safety.Alert, ev safety.Event, now time.Time) error {
	people, auds, err := recipients(ctx, tx, practiceID, a.ClientID, ev.Notify, ev.OnCall)
	if err != nil {
		return err
	}
	reached := false
	for i := range people {
		if auds[i] == string(safety.AudienceOnCall) {
			reached = true
			if err := queueOnCall(ctx, tx, practiceID, s, a, ev.Level, *ev.OnCall, now); err != nil {
				return err
			}
		}
	}
	if ev.OnCall != nil && !reached {
		// The on-call clinician has left since the rota was saved: the
		// level's usual people hear instead, so the escalation still
		// reaches someone.
		more, moreAuds, err := recipients(ctx, tx, practiceID, a.ClientID, s.Escalation.RecipientsFor(ev.Level), nil)
		if err != nil {
			return err
		}
		for i, p := range more {
			if !slices.ContainsFunc(people, func(q person) bool { return q.id == p.id }) {
				people, auds = append(people, p), append(auds, moreAuds[i])
			}
		}
	}
	if len(people) == 0 {
		return nil
	}
	name, err := clientName(ctx, tx, a.ClientID)
	if err != nil {
		return err
	}
	subject := "Safety alert: " + name
	intro := fmt.Sprintf("%s answered a safety question in a way that must reach a clinician.", name)
	if ev.Kind == safety.EventEscalated {
		// The time reads in the practice's zone, as everywhere else.
		zone := s.Zone
		if zone == nil {
			zone = time.UTC
		}
		subject = fmt.Sprintf("Safety alert not yet acknowledged (level %d): %s", ev.Level, name)
		intro = fmt.Sprintf("A safety alert about %s, raised %s, has not been acknowledged. You are receiving it at escalation level %d.",
			name, a.RaisedAt.In(zone).Format("Mon 2 Jan 2006 15:04 MST"), ev.Level)
	}
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	b.WriteString("Severity: " + string(a.Trigger.Severity) + "\n")
	b.WriteString(a.Trigger.Message + "\n\n")
	for _, q := range a.Trigger.Answers {
		fmt.Fprintf(&b, "Q: %s\nA: %q\n\n", q.Question, q.Answer)
	}
	b.WriteString("Open the alert, see the client's answers and record the action you took:\n")
	b.WriteString(link(ctx, "/alerts/"+a.ID) + "\n")
	for i, p := range people {
		text := "Dear " + p.name + ",\n\n" + b.String()
		if auds[i] == string(safety.AudienceOnCall) {
			text = "Dear " + p.name + ",\n\nYou are on call, and this alert is yours until someone acknowledges it.\n\n" + b.String()
		}
		outboxID, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: p.email, Subject: subject, Text: text}, now)
		if err != nil {
			if errors.Is(err, notify.ErrInvalid) {
				// A member with an unusable address must not stop the others
				// hearing; the missing step shows on the timeline.
				continue
			}
			return err
		}
		if err := addEvent(ctx, tx, practiceID, a.ClientID, Event{AlertID: a.ID, Kind: "emailed", At: now,
			Level: ev.Level, Recipient: p.id, Audience: auds[i], OutboxID: outboxID}); err != nil {
			return err
		}
	}
	return nil
}

func clientName(ctx context.Context, tx *store.Tx, clientID string) (string, error) {
	var legal, preferred string
	err := tx.QueryRow(ctx, `SELECT legal_name, preferred_name FROM client WHERE id = ?`, clientID).Scan(&legal, &preferred)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if preferred != "" && preferred != legal {
		return preferred + " (" + legal + ")", nil
	}
	return legal, nil
}
