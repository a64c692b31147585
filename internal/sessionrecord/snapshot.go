package sessionrecord

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// snapshotSettings is the practice's medicine settings as a session record keeps them when it
// starts: the session runs on these to its end (the finding behind it: a discharge minimum
// lowered mid-session let a client go 4 minutes after 400 mg).
func snapshotSettings(ctx context.Context, tx *store.Tx, practiceID string) (string, error) {
	s, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(s)
	return string(raw), err
}

// settings are the numbers this session runs on: the snapshot taken at its start, or, for a
// record started before snapshots were kept, the practice's current settings.
func (h *head) settings(ctx context.Context, tx *store.Tx) (dosing.Settings, error) {
	if h.snapshot == "" {
		return medicineSettings(ctx, tx, h.practiceID, nil)
	}
	s := dosing.DefaultSettings()
	if err := json.Unmarshal([]byte(h.snapshot), &s); err != nil {
		return s, fmt.Errorf("sessionrecord: settings of %s: %w", h.id, err)
	}
	return s, nil
}

// DischargeException is a prescriber's signed decision that one client may be discharged
// after a shorter observation than the practice's bound, with the reason.
type DischargeException struct {
	ID                    string    `json:"id"`
	MinObservationMinutes int       `json:"min_observation_minutes"`
	Reason                string    `json:"reason"`
	PrescriberID          string    `json:"prescriber_id"`
	PrescriberName        string    `json:"prescriber"`
	SignedAt              time.Time `json:"signed_at"`
}

// ExceptionFloorMinutes is the least observation even an exception allows: blood pressure
// peaks around 40 minutes after dosing (Emory and Yale ketamine infusion series), so no client
// leaves before that peak has been watched.
const ExceptionFloorMinutes = 40

// CurrentDischargeException is the client's newest exception, nil when there is none.
func CurrentDischargeException(ctx context.Context, tx *store.Tx, clientID string) (*DischargeException, error) {
	var e DischargeException
	err := tx.QueryRow(ctx, `SELECT id, min_observation_minutes, reason, prescriber_id, prescriber_name, signed_at FROM discharge_exception
		WHERE client_id = ? ORDER BY signed_at DESC, id DESC LIMIT 1`, clientID).Scan(&e.ID, &e.MinObservationMinutes, &e.Reason, &e.PrescriberID, &e.PrescriberName, &e.SignedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// RecordDischargeException signs, as the prescriber by, a shorter discharge observation for one
// client: from ExceptionFloorMinutes up to just under the bound the practice settings may not
// go below (Spravato REMS, 2 hours). Runs under DischargeExceptionSign, which only a
// prescriber on the client's care team passes; the prescriber's name with credentials is kept
// as signed.
func RecordDischargeException(ctx context.Context, tx *store.Tx, practiceID, clientID, by string, minutes int, reason string, now time.Time) (*DischargeException, error) {
	var p problems
	b, _ := dosing.BoundFor("discharge.min_observation_minutes")
	if minutes < ExceptionFloorMinutes || minutes >= b.Min {
		p.add("min_observation_minutes", fmt.Sprintf("An exception is from %d to %d minutes: at least %d because blood pressure peaks around 40 minutes after dosing (Emory and Yale ketamine infusion series), and under %d, the least the practice settings allow (%s).",
			ExceptionFloorMinutes, b.Min-1, ExceptionFloorMinutes, b.Min, b.Source))
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		p.add("reason", "Give the clinical reason for the shorter observation; it is shown on every session record of this client.")
	} else if len(reason) > settings.MaxReasonLength {
		p.add("reason", fmt.Sprintf("Keep the reason under %d characters.", settings.MaxReasonLength))
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	var name, credentials string
	if err := tx.QueryRow(ctx, `SELECT full_name, credentials FROM staff WHERE id = ? AND practice_id = ?`, by, practiceID).Scan(&name, &credentials); err != nil {
		return nil, err
	}
	if credentials != "" {
		name += ", " + credentials
	}
	e := &DischargeException{ID: store.NewID(), MinObservationMinutes: minutes, Reason: reason, PrescriberID: by, PrescriberName: name, SignedAt: now.UTC()}
	_, err := tx.Exec(ctx, `INSERT INTO discharge_exception (id, practice_id, client_id, min_observation_minutes, reason, prescriber_id, prescriber_name, signed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, practiceID, clientID, e.MinObservationMinutes, e.Reason, e.PrescriberID, e.PrescriberName, e.SignedAt)
	return e, err
}
