package web

import (
	"context"
	"strings"

	"holdspace/internal/clinic"
	"holdspace/internal/consent"
	"holdspace/internal/dosing"
	"holdspace/internal/eligibility"
	"holdspace/internal/preparation"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
)

// readinessFor assembles the readiness tracker from every part of
// preparation, inside the caller's authorised transaction: intake and
// screening, the prescriber's evaluation, consents, the escort, the
// preparation session and the instructions.
func readinessFor(ctx context.Context, tx *store.Tx, practiceID, clientID string) (dosing.ReadinessList, error) {
	var f dosing.ReadinessFacts
	st, err := eligibility.Status(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	f.IntakeSubmitted = st.IntakeSubmitted
	switch {
	case st.Blocked:
		f.ScreeningDone, f.ScreeningBlocked = true, true
		for _, p := range st.Pending {
			// The tracker says "blocks a course" itself; keep the finding.
			if head, finding, ok := strings.Cut(p, ": "); ok && strings.Contains(strings.ToLower(head), "absolute") {
				p = finding
			}
			f.BlockReasons = append(f.BlockReasons, strings.TrimSuffix(p, "."))
		}
	case st.Settled:
		f.ScreeningDone = true
	case st.Outcome == "incomplete":
		// Unanswered questions: the screening is not done yet.
	case st.ScreeningID != "":
		f.ScreeningDone, f.OpenScreeningFlags = true, st.Pending
	}
	ev, err := prescribing.Current(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	f.PrescriberApproved = ev.Approved()
	if f.ConsentsCurrent, f.MissingConsents, err = consent.Current(ctx, tx, practiceID, clientID); err != nil {
		return nil, err
	}
	escort, err := clinic.Escort(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	f.EscortName = escort.Name
	sessions, err := preparation.Sessions(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	f.PreparationSessionHeld = len(sessions) > 0
	ack, err := preparation.Acknowledged(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	f.InstructionsAcknowledged = ack != nil
	return dosing.Readiness(f), nil
}
