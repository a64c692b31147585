package dosing

import (
	"fmt"
	"strings"
)

// ReadinessItemID names one step a client completes before medicine sessions.
type ReadinessItemID string

// Readiness items, in the order they are usually done.
const (
	ItemIntakeSubmitted          ReadinessItemID = "intake_submitted"
	ItemScreeningClear           ReadinessItemID = "screening_clear_or_acknowledged"
	ItemPrescriberApproved       ReadinessItemID = "prescriber_approved"
	ItemConsentsCurrent          ReadinessItemID = "consents_current"
	ItemPreparationSessionHeld   ReadinessItemID = "preparation_session_held"
	ItemEscortNamed              ReadinessItemID = "escort_named"
	ItemInstructionsAcknowledged ReadinessItemID = "instructions_acknowledged"
)

// ReadinessFacts is what the record says about a client's preparation. The zero value is
// "nothing done", so a field the caller forgets to fill reads as missing, never as done.
type ReadinessFacts struct {
	IntakeSubmitted bool `json:"intake_submitted"`
	ScreeningDone   bool `json:"screening_done"`
	// OpenScreeningFlags are screening findings (contraindications, interactions) the prescriber
	// has not yet acknowledged.
	OpenScreeningFlags []string `json:"open_screening_flags,omitempty"`
	// ScreeningBlocked: an absolute contraindication was found. No
	// acknowledgement lifts it (KAP.md §1, label contraindications);
	// BlockReasons name the findings.
	ScreeningBlocked   bool     `json:"screening_blocked"`
	BlockReasons       []string `json:"block_reasons,omitempty"`
	PrescriberApproved bool     `json:"prescriber_approved"`
	ConsentsCurrent    bool     `json:"consents_current"`
	// MissingConsents names consent forms not signed or no longer current.
	MissingConsents          []string `json:"missing_consents,omitempty"`
	PreparationSessionHeld   bool     `json:"preparation_session_held"`
	EscortName               string   `json:"escort_name,omitempty"`
	InstructionsAcknowledged bool     `json:"instructions_acknowledged"`
}

// ReadinessItem is one line of the tracker: done or not, what is missing, and who can do it.
type ReadinessItem struct {
	ID      ReadinessItemID `json:"id"`
	Label   string          `json:"label"`
	Done    bool            `json:"done"`
	Missing string          `json:"missing,omitempty"`
	Who     []Role          `json:"who"`
}

// ReadinessList is the tracker, every item in order.
type ReadinessList []ReadinessItem

// Ready reports whether every item is done.
func (l ReadinessList) Ready() bool {
	for _, it := range l {
		if !it.Done {
			return false
		}
	}
	return true
}

// Missing lists the items not yet done.
func (l ReadinessList) Missing() ReadinessList {
	var out ReadinessList
	for _, it := range l {
		if !it.Done {
			out = append(out, it)
		}
	}
	return out
}

// Readiness builds the tracker from the facts. Who can complete an item follows who does it in
// the practice: the client fills forms and signs; the therapist holds preparation; the prescriber
// reviews screening and approves; an admin may enter what the client gives by phone or on paper.
func Readiness(f ReadinessFacts) ReadinessList {
	item := func(id ReadinessItemID, label string, done bool, missing string, who ...Role) ReadinessItem {
		it := ReadinessItem{ID: id, Label: label, Done: done, Who: who}
		if !done {
			it.Missing = missing
		}
		return it
	}

	screeningMissing := "Screening is not completed; the client must answer the screening questions and a prescriber review them."
	if f.ScreeningDone && len(f.OpenScreeningFlags) > 0 {
		screeningMissing = fmt.Sprintf("Screening flags await the prescriber's acknowledgement: %s.", strings.Join(f.OpenScreeningFlags, "; "))
	}
	if f.ScreeningBlocked {
		screeningMissing = "An absolute contraindication blocks a course; no acknowledgement lifts it."
		if len(f.BlockReasons) > 0 {
			screeningMissing = fmt.Sprintf("An absolute contraindication blocks a course (%s); no acknowledgement lifts it.", strings.Join(f.BlockReasons, "; "))
		}
	}
	consentsDone := f.ConsentsCurrent && len(f.MissingConsents) == 0
	consentsMissing := "Consent is not current; the client must sign the current consent forms."
	if len(f.MissingConsents) > 0 {
		consentsMissing = fmt.Sprintf("Consent not signed or no longer current: %s; the client must sign.", strings.Join(f.MissingConsents, "; "))
	}

	return ReadinessList{
		item(ItemIntakeSubmitted, "Intake submitted", f.IntakeSubmitted,
			"The intake form has not been submitted.", RoleClient, RoleAdmin),
		item(ItemScreeningClear, "Screening clear or acknowledged", f.ScreeningDone && len(f.OpenScreeningFlags) == 0 && !f.ScreeningBlocked,
			screeningMissing, RolePrescriber),
		item(ItemPrescriberApproved, "Prescriber approved", f.PrescriberApproved,
			"A prescriber has not approved the client for medicine sessions.", RolePrescriber),
		item(ItemConsentsCurrent, "Consents current", consentsDone, consentsMissing, RoleClient),
		item(ItemPreparationSessionHeld, "Preparation session held", f.PreparationSessionHeld,
			"No preparation session has been held; the therapist must hold and record one.", RoleTherapist),
		item(ItemEscortNamed, "Escort named", strings.TrimSpace(f.EscortName) != "",
			"No escort is named; the client must name the adult who will take them home.", RoleClient, RoleAdmin),
		item(ItemInstructionsAcknowledged, "Instructions acknowledged", f.InstructionsAcknowledged,
			"The client has not acknowledged the preparation instructions (fasting, no driving, escort).", RoleClient),
	}
}
