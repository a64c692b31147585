package alert

import (
	"context"
	"fmt"
	"time"

	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Worker escalates unacknowledged alerts, plans check-ins after held
// sessions, emails clients when a check-in opens and tells the care team
// of missed ones. Every step is guarded in the database, so two workers,
// a restart or a late tick never send or record a step twice.
type Worker struct {
	DB *store.DB
	// BaseURL starts the links in emails.
	BaseURL string
}

// TickResult counts what one pass did.
type TickResult struct {
	Escalated, Planned, Emailed, Missed int
}

// Tick does one pass at now: escalations first (the most urgent), then
// check-ins, one transaction per alert and per practice so that one
// failure does not hold up the rest.
func (w *Worker) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	ctx = WithBaseURL(ctx, w.BaseURL)
	var r TickResult
	var open []string
	var practices []string
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		if open, err = tx.Strings(ctx, `SELECT id FROM safety_alert WHERE state IN ('raised', 'escalated') ORDER BY raised_at, id`); err != nil {
			return err
		}
		practices, err = tx.Strings(ctx, `SELECT id FROM practice ORDER BY id`)
		return err
	})
	if err != nil {
		return r, err
	}
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for _, id := range open {
		err := w.DB.Write(ctx, func(tx *store.Tx) error {
			done, err := escalate(ctx, tx, id, now)
			if done {
				r.Escalated++
			}
			return err
		})
		keep(err)
	}
	for _, p := range practices {
		keep(w.DB.Write(ctx, func(tx *store.Tx) error {
			s, err := LoadSettings(ctx, tx, p)
			if err != nil {
				return err
			}
			n, err := PlanCheckIns(ctx, tx, p, "", now)
			if err != nil {
				return err
			}
			e, err := sendDueCheckIns(ctx, tx, p, s, now)
			if err != nil {
				return err
			}
			m, err := flagMissedCheckIns(ctx, tx, p, s, now)
			if err != nil {
				return err
			}
			r.Planned, r.Emailed, r.Missed = r.Planned+n, r.Emailed+e, r.Missed+m
			return nil
		}))
	}
	return r, firstErr
}

// escalate moves one alert to the level due at now (safety.Escalate) and
// sends it. The level guard on the update and the unique index on the
// escalated step make a second worker's attempt a no-op.
func escalate(ctx context.Context, tx *store.Tx, alertID string, now time.Time) (bool, error) {
	var practiceID string
	if err := tx.QueryRow(ctx, `SELECT practice_id FROM safety_alert WHERE id = ?`+tx.Dialect().LockForUpdate(), alertID).Scan(&practiceID); err != nil {
		return false, err
	}
	a, _, err := Get(ctx, tx, practiceID, alertID)
	if err != nil {
		return false, err
	}
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return false, err
	}
	next, evs := safety.Escalate(a.Alert, s.Escalation, now)
	if len(evs) == 0 {
		return false, nil
	}
	ev := evs[0]
	res, err := tx.Exec(ctx, `UPDATE safety_alert SET state = 'escalated', level = ?, escalated_at = ?
		WHERE id = ? AND level = ? AND state IN ('raised', 'escalated')`, next.Level, now, alertID, a.Level)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	due := ev.Due
	if err := addEvent(ctx, tx, practiceID, a.ClientID, Event{AlertID: alertID, Kind: string(safety.EventEscalated), At: now,
		Level: ev.Level, Due: &due, Audience: audiences(ev.Notify), Recipient: onCallID(ev.OnCall)}); err != nil {
		return false, err
	}
	if err := notifyEvent(ctx, tx, practiceID, s, next, ev, now); err != nil {
		return false, fmt.Errorf("escalation email: %w", err)
	}
	return true, nil
}

// onCallID is recorded on the escalated step, so the alert page can say who
// holds it now.
func onCallID(p *safety.OnCallPerson) string {
	if p == nil {
		return ""
	}
	return p.StaffID
}

func audiences(a []safety.Audience) string {
	s := ""
	for i, x := range a {
		if i > 0 {
			s += ","
		}
		s += string(x)
	}
	return s
}
