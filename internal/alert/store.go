package alert

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/safety"
	"holdspace/internal/store"
)

const alertColumns = `a.id, a.practice_id, a.client_id, a.trigger_json, a.state, a.level, a.raised_at, a.last_session_at, a.escalated_at,
	COALESCE(a.acknowledged_by, ''), a.acknowledged_at, a.ack_role, a.ack_action, a.ack_note,
	COALESCE(a.closed_by, ''), a.closed_at, a.close_note,
	c.legal_name, c.preferred_name, COALESCE(sa.full_name, ''), COALESCE(sc.full_name, '')`

const alertFrom = ` FROM safety_alert a JOIN client c ON c.id = a.client_id
	LEFT JOIN staff sa ON sa.id = a.acknowledged_by LEFT JOIN staff sc ON sc.id = a.closed_by`

func scanAlert(r store.Scanner) (Alert, error) {
	var a Alert
	var raw, state, legal, preferred string
	var last, escalated, ackAt, closedAt sql.NullTime
	var ackBy, ackRole, ackAction, ackNote, closedBy, closeNote string
	if err := r.Scan(&a.ID, &a.PracticeID, &a.ClientID, &raw, &state, &a.Level, &a.RaisedAt, &last, &escalated,
		&ackBy, &ackAt, &ackRole, &ackAction, &ackNote, &closedBy, &closedAt, &closeNote,
		&legal, &preferred, &a.AckName, &a.CloseName); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(raw), &a.Trigger); err != nil {
		return a, fmt.Errorf("alert %s trigger: %w", a.ID, err)
	}
	a.State = safety.AlertState(state)
	a.ClientName = legal
	if preferred != "" && preferred != legal {
		a.ClientName = preferred + " (" + legal + ")"
	}
	if last.Valid {
		a.LastSessionAt = last.Time.UTC()
	}
	if escalated.Valid {
		a.EscalatedAt = escalated.Time.UTC()
	}
	if ackAt.Valid {
		a.Acknowledgement = &safety.Acknowledgement{By: ackBy, Role: ackRole, Action: safety.Action(ackAction), Note: ackNote, At: ackAt.Time.UTC()}
	}
	if closedAt.Valid {
		a.Closure = &safety.Closure{By: closedBy, Note: closeNote, At: closedAt.Time.UTC()}
	}
	return a, nil
}

// ClientOf returns the client an alert is about, so the caller can name
// it in access.Ref before reading the alert. ErrNotFound outside practice.
func ClientOf(ctx context.Context, tx *store.Tx, practiceID, alertID string) (string, error) {
	var c string
	err := tx.QueryRow(ctx, `SELECT client_id FROM safety_alert WHERE id = ? AND practice_id = ?`, alertID, practiceID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return c, err
}

// Get returns one alert and its steps, oldest first.
func Get(ctx context.Context, tx *store.Tx, practiceID, alertID string) (Alert, []Event, error) {
	a, err := scanAlert(tx.QueryRow(ctx, `SELECT `+alertColumns+alertFrom+` WHERE a.id = ? AND a.practice_id = ?`, alertID, practiceID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	if err != nil {
		return a, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT e.id, e.kind, e.at, COALESCE(e.by_staff, ''), COALESCE(b.full_name, ''), e.level, e.due,
		COALESCE(e.recipient, ''), COALESCE(r.full_name, ''), e.audience, e.action, e.note, COALESCE(e.outbox_id, ''), o.sent_at, o.failed_at
		FROM safety_alert_event e LEFT JOIN staff b ON b.id = e.by_staff LEFT JOIN staff r ON r.id = e.recipient
		LEFT JOIN outbox o ON o.id = e.outbox_id
		WHERE e.alert_id = ? AND e.practice_id = ?
		ORDER BY e.at, CASE e.kind WHEN 'raised' THEN 0 WHEN 'escalated' THEN 1 WHEN 'emailed' THEN 2 WHEN 'acknowledged' THEN 3 ELSE 4 END, e.level, e.id`, alertID, practiceID)
	if err != nil {
		return a, nil, err
	}
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		e := Event{AlertID: alertID}
		var due, sent, failed sql.NullTime
		if err := rows.Scan(&e.ID, &e.Kind, &e.At, &e.By, &e.ByName, &e.Level, &due, &e.Recipient, &e.ToName,
			&e.Audience, &e.Action, &e.Note, &e.OutboxID, &sent, &failed); err != nil {
			return a, nil, err
		}
		if e.Kind == "emailed" {
			switch {
			case sent.Valid:
				e.Delivery, e.SentAt = DeliverySent, timePtr(sent)
			case failed.Valid:
				e.Delivery = DeliveryFailed
			case e.OutboxID == "":
				e.Delivery = DeliveryUnrecorded
			default:
				e.Delivery = DeliveryQueued
			}
		}
		if due.Valid {
			d := due.Time.UTC()
			e.Due = &d
		}
		evs = append(evs, e)
	}
	return a, evs, rows.Err()
}

// Filter narrows List.
type Filter struct {
	ClientID string
	// Since keeps closed and acknowledged alerts raised after it; open
	// alerts are always listed.
	Since time.Time
	Limit int
}

// List returns open alerts first (newest first), then the others raised
// since f.Since.
func List(ctx context.Context, tx *store.Tx, practiceID string, f Filter) ([]Alert, error) {
	q := `SELECT ` + alertColumns + alertFrom + ` WHERE a.practice_id = ? AND (a.state IN ('raised', 'escalated') OR a.raised_at >= ?)`
	args := []any{practiceID, f.Since}
	if f.ClientID != "" {
		q += ` AND a.client_id = ?`
		args = append(args, f.ClientID)
	}
	q += ` ORDER BY CASE WHEN a.state IN ('raised', 'escalated') THEN 0 ELSE 1 END, a.raised_at DESC, a.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return store.All(ctx, tx, scanAlert, q, args...)
}

// Acknowledge records that staffID has acted on the alert. The clinical
// role is the actor's own (prescriber or therapist); safety.Acknowledge
// refuses a second acknowledgement, a missing action or an "other" without
// a note. A *safety.Error says what to fix.
func Acknowledge(ctx context.Context, tx *store.Tx, practiceID, alertID, staffID string, action safety.Action, note string, now time.Time) (Alert, error) {
	a, role, err := actedOn(ctx, tx, practiceID, alertID, staffID)
	if err != nil {
		return a, err
	}
	next, ev, err := safety.Acknowledge(a.Alert, safety.Acknowledgement{By: staffID, Role: role, Action: action, Note: note, At: now})
	if err != nil {
		return a, err
	}
	// Texts and calls not yet sent are withdrawn: nobody is woken for an
	// alert a colleague has in hand.
	if _, err := tx.Exec(ctx, `UPDATE oncall_message SET withdrawn_at = ? WHERE alert_id = ? AND practice_id = ?
		AND sent_at IS NULL AND failed_at IS NULL AND withdrawn_at IS NULL`, now, alertID, practiceID); err != nil {
		return a, err
	}
	// The state guard makes a second, concurrent acknowledgement a no-op
	// that is reported as a conflict rather than overwriting the first.
	res, err := tx.Exec(ctx, `UPDATE safety_alert SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, ack_role = ?,
		ack_action = ?, ack_note = ? WHERE id = ? AND practice_id = ? AND state IN ('raised', 'escalated')`,
		staffID, now, role, string(ev.Action), ev.Note, alertID, practiceID)
	if err != nil {
		return a, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return a, &safety.Error{Code: safety.CodeConflict, Message: "this alert was acknowledged a moment ago by someone else"}
	}
	if err := addEvent(ctx, tx, practiceID, a.ClientID, Event{AlertID: alertID, Kind: string(safety.EventAcknowledged), At: now,
		By: staffID, Level: ev.Level, Action: string(ev.Action), Note: ev.Note}); err != nil {
		return a, err
	}
	a.Alert = next
	return a, nil
}

// Close ends an acknowledged alert.
func Close(ctx context.Context, tx *store.Tx, practiceID, alertID, staffID, note string, now time.Time) (Alert, error) {
	a, role, err := actedOn(ctx, tx, practiceID, alertID, staffID)
	if err != nil {
		return a, err
	}
	next, ev, err := safety.Close(a.Alert, safety.Closure{By: staffID, Role: role, Note: note, At: now})
	if err != nil {
		return a, err
	}
	res, err := tx.Exec(ctx, `UPDATE safety_alert SET state = 'closed', closed_by = ?, closed_at = ?, close_note = ?
		WHERE id = ? AND practice_id = ? AND state = 'acknowledged'`, staffID, now, ev.Note, alertID, practiceID)
	if err != nil {
		return a, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return a, &safety.Error{Code: safety.CodeConflict, Message: "this alert was closed a moment ago"}
	}
	if err := addEvent(ctx, tx, practiceID, a.ClientID, Event{AlertID: alertID, Kind: string(safety.EventClosed), At: now,
		By: staffID, Level: ev.Level, Note: ev.Note}); err != nil {
		return a, err
	}
	a.Alert = next
	return a, nil
}

// actedOn is what a clinician's step on an alert is decided on: the alert
// as it stands and the role the step is recorded under.
func actedOn(ctx context.Context, tx *store.Tx, practiceID, alertID, staffID string) (Alert, string, error) {
	a, _, err := Get(ctx, tx, practiceID, alertID)
	if err != nil {
		return a, "", err
	}
	role, err := clinicalRole(ctx, tx, staffID)
	return a, role, err
}

// clinicalRole picks the staff member's clinical role for the record: a
// prescriber's first, then a therapist's. Staff with neither get "" and
// safety.Acknowledge refuses them.
func clinicalRole(ctx context.Context, tx *store.Tx, staffID string) (string, error) {
	rows, err := tx.Query(ctx, `SELECT role FROM staff_role WHERE staff_id = ?`, staffID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	best := ""
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return "", err
		}
		switch {
		case r == safety.RolePrescriber:
			best = r
		case best == "" && safety.IsClinicalRole(r):
			best = r
		}
	}
	return best, rows.Err()
}

// BannerItem is one open alert in the banner.
type BannerItem struct {
	ID         string
	ClientName string
	Severity   safety.Severity
	RaisedAt   time.Time
	// Level is the escalation level reached, 0 before any.
	Level int
}

// Banner returns the open alerts about clients on staffID's care team, and
// those escalated to staffID (the on-call clinician, the practice owner),
// newest first, in indexed queries: it runs on every staff page view.
func Banner(ctx context.Context, tx *store.Tx, practiceID, staffID string) ([]BannerItem, error) {
	return store.All(ctx, tx, func(r store.Scanner) (b BannerItem, err error) {
		var legal, preferred, sev string
		if err := r.Scan(&b.ID, &legal, &preferred, &sev, &b.RaisedAt, &b.Level); err != nil {
			return b, err
		}
		b.ClientName, b.Severity = legal, safety.Severity(sev)
		if preferred != "" {
			b.ClientName = preferred
		}
		return b, nil
	}, `SELECT a.id, c.legal_name, c.preferred_name, a.severity, a.raised_at, a.level
		FROM safety_alert a JOIN client c ON c.id = a.client_id
		WHERE a.practice_id = ? AND a.state IN ('raised', 'escalated') AND (
			a.client_id IN (SELECT ct.client_id FROM care_team ct WHERE ct.staff_id = ?)
			OR a.id IN (SELECT e.alert_id FROM safety_alert_event e WHERE e.recipient = ? AND e.level > 0))
		ORDER BY a.raised_at DESC, a.id LIMIT 20`, practiceID, staffID, staffID)
}

// How far an emailed step's email has got.
const (
	DeliveryQueued     = "queued"
	DeliverySent       = "sent"
	DeliveryFailed     = "failed"
	DeliveryUnrecorded = "unrecorded" // recorded before holdspace kept the email's id
)

// EscalatedTo lists the open alerts that were escalated to staffID: an
// on-call clinician off the client's care team still finds them on /alerts.
func EscalatedTo(ctx context.Context, tx *store.Tx, practiceID, staffID string) (map[string]bool, error) {
	return tx.Set(ctx, `SELECT DISTINCT e.alert_id FROM safety_alert_event e JOIN safety_alert a ON a.id = e.alert_id
		WHERE e.recipient = ? AND e.level > 0 AND a.practice_id = ? AND a.state IN ('raised', 'escalated')`, staffID, practiceID)
}

// Summary is the step in clinical words for the timeline.
func (e Event) Summary() string {
	switch e.Kind {
	case "raised":
		return "Alert raised"
	case "emailed":
		to := e.ToName
		if to == "" {
			to = "a member of staff"
		}
		what := "the alert"
		if e.Level > 0 {
			what = fmt.Sprintf("the level %d escalation", e.Level)
		}
		aud := strings.ReplaceAll(e.Audience, "_", " ")
		switch e.Delivery {
		case DeliverySent:
			return fmt.Sprintf("Emailed %s to %s (%s)", what, to, aud)
		case DeliveryFailed:
			return fmt.Sprintf("The email of %s to %s (%s) could not be delivered", what, to, aud)
		case DeliveryUnrecorded:
			return fmt.Sprintf("Email of %s to %s (%s) queued; its delivery was not recorded", what, to, aud)
		}
		return fmt.Sprintf("Email of %s to %s (%s) queued, not yet sent", what, to, aud)
	case "escalated":
		if e.Recipient != "" {
			return fmt.Sprintf("Escalated to level %d: not acknowledged in time; outside business hours it went to %s, on call", e.Level, e.ToName)
		}
		return fmt.Sprintf("Escalated to level %d: not acknowledged in time", e.Level)
	case "acknowledged":
		s := "Acknowledged by " + e.ByName + ": " + ActionLabel(safety.Action(e.Action))
		if e.Note != "" {
			s += ". Note: " + e.Note
		}
		return s
	case "closed":
		s := "Closed by " + e.ByName
		if e.Note != "" {
			s += ". Note: " + e.Note
		}
		return s
	}
	return e.Kind
}

// ActionLabel is an acknowledgement action in clinical words.
func ActionLabel(a safety.Action) string {
	switch a {
	case safety.ActionContactedClient:
		return "contacted the client"
	case safety.ActionSafetyPlanReviewed:
		return "reviewed the safety plan with the client"
	case safety.ActionEmergencyServices:
		return "called emergency services"
	case safety.ActionOther:
		return "other action"
	}
	return string(a)
}

// Severe says whether the alert is high severity, for the pages.
func (a Alert) Severe() bool { return a.Trigger.Severity == safety.SeverityHigh }
