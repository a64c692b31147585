package clinic

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"holdspace/internal/store"
)

// Statuses of a medication offered from the intake.
const (
	OfferPending   = "offered"
	OfferConfirmed = "confirmed"
	OfferDeclined  = "declined"
)

// OfferedMedication is a medicine the client listed on the intake, offered to the chart's
// medication list. It reaches the chart only when a clinician confirms it; Name, Dose and
// Frequency are the client's words, unchanged.
type OfferedMedication struct {
	ID          string    `json:"id"`
	IntakeID    string    `json:"intake_id"`
	Name        string    `json:"name"`
	Dose        string    `json:"dose"`
	Frequency   string    `json:"frequency"`
	DailyDoseMg *float64  `json:"daily_dose_mg,omitempty"`
	OfferedAt   time.Time `json:"offered_at"`
	Status      string    `json:"status"`
	// DecidedBy is the clinician's name, on offers read back.
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	DeclineReason string     `json:"decline_reason,omitempty"`
	// MedicationID is the chart entry a confirmed offer became.
	MedicationID string `json:"medication_id,omitempty"`
}

// Pending reports whether the offer still waits for a clinician.
func (o OfferedMedication) Pending() bool { return o.Status == OfferPending }

// Offer is one medicine as the intake holds it, to be offered.
type Offer struct {
	Name        string
	Dose        string
	Frequency   string
	DailyDoseMg *float64
}

// Same reports whether an offer says the same as one already made.
func (o Offer) Same(m OfferedMedication) bool {
	sameDaily := (o.DailyDoseMg == nil) == (m.DailyDoseMg == nil) && (o.DailyDoseMg == nil || *o.DailyDoseMg == *m.DailyDoseMg)
	return o.Name == m.Name && o.Dose == m.Dose && o.Frequency == m.Frequency && sameDaily
}

// OfferFromIntake offers the intake's medicines to the chart, in the client's order, and returns
// the offers made. A medicine already offered to this client with the same words is not offered
// again, whatever became of it: when staff correct the intake after submission only what changed
// is new, and a declined medicine does not come back by itself.
func OfferFromIntake(ctx context.Context, tx *store.Tx, practiceID, clientID, intakeID string, meds []Offer, at time.Time) ([]OfferedMedication, error) {
	existing, err := MedicationOffers(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	var made []OfferedMedication
next:
	for i, m := range meds {
		if strings.TrimSpace(m.Name) == "" {
			continue
		}
		for _, e := range append(existing, made...) {
			if m.Same(e) {
				continue next
			}
		}
		o := OfferedMedication{ID: store.NewID(), IntakeID: intakeID, Name: m.Name, Dose: m.Dose, Frequency: m.Frequency,
			DailyDoseMg: m.DailyDoseMg, OfferedAt: store.Instant(at), Status: OfferPending}
		if _, err := tx.Exec(ctx, `INSERT INTO medication_offer (id, practice_id, client_id, intake_id, position, name, dose, frequency, daily_dose_mg, offered_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, practiceID, clientID, intakeID, i, o.Name, o.Dose, o.Frequency, o.DailyDoseMg, at); err != nil {
			return nil, err
		}
		made = append(made, o)
	}
	return made, nil
}

// MedicationOffers reads every medicine offered to a client's chart from the intake, pending
// ones first, each group in the client's order.
func MedicationOffers(ctx context.Context, tx *store.Tx, clientID string) ([]OfferedMedication, error) {
	return store.All(ctx, tx, func(r store.Scanner) (o OfferedMedication, err error) {
		err = r.Scan(&o.ID, &o.IntakeID, &o.Name, &o.Dose, &o.Frequency, &o.DailyDoseMg, &o.OfferedAt, &o.Status,
			&o.DecidedBy, &o.DecidedAt, &o.DeclineReason, &o.MedicationID)
		return o, err
	}, `SELECT id, intake_id, name, dose, frequency, daily_dose_mg, offered_at, status,
		COALESCE((SELECT full_name FROM staff WHERE id = decided_by), ''), decided_at, decline_reason, COALESCE(medication_id, '')
		FROM medication_offer WHERE client_id = ?
		ORDER BY CASE status WHEN 'offered' THEN 0 ELSE 1 END, offered_at, position`, clientID)
}

// PendingOffers are the offers still waiting for a clinician.
func PendingOffers(ctx context.Context, tx *store.Tx, clientID string) ([]OfferedMedication, error) {
	all, err := MedicationOffers(ctx, tx, clientID)
	var out []OfferedMedication
	for _, o := range all {
		if o.Pending() {
			out = append(out, o)
		}
	}
	return out, err
}

// decide claims a pending offer for one decision; a second clinician deciding the same offer at
// the same moment is told it was already decided, so one medicine never becomes two entries.
func decide(ctx context.Context, tx *store.Tx, clientID, offerID, status, reason, by string, at time.Time) (OfferedMedication, error) {
	var o OfferedMedication
	err := tx.QueryRow(ctx, `SELECT id, intake_id, name, dose, frequency, status FROM medication_offer WHERE id = ? AND client_id = ?`,
		offerID, clientID).Scan(&o.ID, &o.IntakeID, &o.Name, &o.Dose, &o.Frequency, &o.Status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return o, ErrNotFound
	case err != nil:
		return o, err
	}
	res, err := tx.Exec(ctx, `UPDATE medication_offer SET status = ?, decided_at = ?, decided_by = ?, decline_reason = ?
		WHERE id = ? AND status = 'offered'`, status, at, by, reason, offerID)
	if err != nil {
		return o, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return o, err
	} else if n == 0 {
		return o, Problems{{"offer", "This medicine from the intake was already " + alreadyWord(o.Status) + "."}}
	}
	return o, nil
}

func alreadyWord(status string) string {
	if status == OfferDeclined {
		return "declined"
	}
	return "confirmed onto the chart"
}

// ConfirmOffer puts an offered medicine on the chart's medication list, recorded by the clinician
// by, at at, with the intake as its source. in holds the clinician's edits; a field left empty
// keeps the client's words. The offer and the new entry change in the caller's one transaction.
func ConfirmOffer(ctx context.Context, tx *store.Tx, practiceID, clientID, offerID string, in MedicationInput, by string, at time.Time) (Medication, error) {
	o, err := decide(ctx, tx, clientID, offerID, OfferConfirmed, "", by, at)
	if err != nil {
		return Medication{}, err
	}
	for _, f := range []struct {
		edit    *string
		offered string
	}{{&in.Name, o.Name}, {&in.Dose, o.Dose}, {&in.Frequency, o.Frequency}} {
		if strings.TrimSpace(*f.edit) == "" {
			*f.edit = f.offered
		}
	}
	m, err := addMedication(ctx, tx, practiceID, clientID, in, o.IntakeID, by, at)
	if err != nil {
		return Medication{}, err
	}
	_, err = tx.Exec(ctx, `UPDATE medication_offer SET medication_id = ? WHERE id = ?`, m.ID, offerID)
	return m, err
}

// DeclineOffer keeps an offered medicine off the chart: the client no longer takes it, or it was
// written in error. The reason is optional; the offer stays for the history.
func DeclineOffer(ctx context.Context, tx *store.Tx, clientID, offerID, reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	var ps Problems
	checkText(&ps, "reason", reason, "The reason", false, 300)
	if err := ps.Err(); err != nil {
		return err
	}
	_, err := decide(ctx, tx, clientID, offerID, OfferDeclined, reason, by, at)
	return err
}
