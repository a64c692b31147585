// Package readiness gathers, from every part of preparation, the facts the
// readiness tracker and the dosing gate look at: intake and screening, the
// prescriber's evaluation, consents, the escort, the preparation session
// and the acknowledged instructions. The chart's tracker, the portal's
// checklist and the gate at booking all read the same facts from here, so
// that what the tracker calls ready is what the gate lets through.
package readiness

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

// Facts reads a client's readiness facts inside the caller's authorised
// transaction.
func Facts(ctx context.Context, tx *store.Tx, practiceID, clientID string) (dosing.ReadinessFacts, error) {
	var f dosing.ReadinessFacts
	st, err := eligibility.Status(ctx, tx, clientID)
	if err != nil {
		return f, err
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
		return f, err
	}
	f.PrescriberApproved = ev.Approved()
	if f.ConsentsCurrent, f.MissingConsents, err = consent.Current(ctx, tx, practiceID, clientID); err != nil {
		return f, err
	}
	escort, err := clinic.Escort(ctx, tx, clientID)
	if err != nil {
		return f, err
	}
	f.EscortName = escort.Name
	sessions, err := preparation.Sessions(ctx, tx, clientID)
	if err != nil {
		return f, err
	}
	f.PreparationSessionHeld = len(sessions) > 0
	ack, err := preparation.Acknowledged(ctx, tx, clientID)
	if err != nil {
		return f, err
	}
	f.InstructionsAcknowledged = ack != nil
	return f, nil
}

// List is the readiness tracker of a client: Facts made into the list of
// items with what is missing and who can complete it.
func List(ctx context.Context, tx *store.Tx, practiceID, clientID string) (dosing.ReadinessList, error) {
	f, err := Facts(ctx, tx, practiceID, clientID)
	if err != nil {
		return nil, err
	}
	return dosing.Readiness(f), nil
}
