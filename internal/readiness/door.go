package readiness

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/preparation"
	"holdspace/internal/store"
)

// Door is the front door of preparation and the readiness tracker: the
// client's own checklist, intentions and acknowledged instructions in the
// portal, and the care team's tracker and preparation sessions.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// Preparation is the portal's page of getting ready.
type Preparation struct {
	Intentions   []preparation.Intention
	Instructions preparation.Instructions
	Acknowledged *time.Time
	Items        dosing.ReadinessList
}

// Preparation reads the signed-in client's own preparation.
func (d *Door) Preparation(ctx context.Context, a access.Actor) (Preparation, error) {
	out := Preparation{Instructions: preparation.CurrentInstructions()}
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "preparation", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Intentions, err = preparation.Intentions(ctx, tx, a.ClientID); err != nil {
			return err
		}
		if out.Acknowledged, err = preparation.Acknowledged(ctx, tx, a.ClientID); err != nil {
			return err
		}
		out.Items, err = List(ctx, tx, a.PracticeID, a.ClientID)
		return err
	})
	return out, err
}

// SaveIntention keeps the intentions the client wrote for their sessions.
func (d *Door) SaveIntention(ctx context.Context, a access.Actor, text string) error {
	return d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "intention", ClientID: a.ClientID, ID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		_, err := preparation.SaveIntention(ctx, tx, a.PracticeID, a.ClientID, "client", a.ClientID, text, d.now())
		return err
	})
}

// AcknowledgeInstructions records that the client read the instructions
// whose text hashes to shownSHA, from address.
func (d *Door) AcknowledgeInstructions(ctx context.Context, a access.Actor, shownSHA, address string, agreed bool) error {
	return d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "instructions", ClientID: a.ClientID, ID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		return preparation.Acknowledge(ctx, tx, a.PracticeID, a.ClientID, shownSHA, address, agreed, d.now())
	})
}

// View is the care team's readiness page.
type View struct {
	Client     clinic.Client
	Items      dosing.ReadinessList
	Intentions []preparation.Intention
	Sessions   []preparation.Session
	// CanRecord: the reader may record a preparation session.
	CanRecord bool
}

// View reads a client's readiness tracker for the care team.
func (d *Door) View(ctx context.Context, a access.Actor, clientID string) (View, error) {
	var v View
	var team []clinic.CareTeamMember
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "readiness", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Items, err = List(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Intentions, err = preparation.Intentions(ctx, tx, clientID); err != nil {
			return err
		}
		if team, err = clinic.CareTeam(ctx, tx, clientID); err != nil {
			return err
		}
		v.Sessions, err = preparation.Sessions(ctx, tx, clientID)
		return err
	})
	v.CanRecord = err == nil && access.Decide(a, access.PreparationRecord, access.Record{PracticeID: a.PracticeID, ClientID: clientID,
		OnCareTeam: onTeam(v.Client.ID, a.StaffID, team)}).Allow
	return v, err
}

func onTeam(clientID, staffID string, team []clinic.CareTeamMember) bool {
	for _, m := range team {
		if m.StaffID == staffID {
			return clientID != ""
		}
	}
	return false
}

// Items reads a client's readiness items, for the API.
func (d *Door) Items(ctx context.Context, a access.Actor, clientID string) (dosing.ReadinessList, error) {
	var items dosing.ReadinessList
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "readiness", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		items, err = List(ctx, tx, a.PracticeID, clientID)
		return err
	})
	return items, err
}

// Intentions reads the intentions a client wrote, for the care team.
func (d *Door) Intentions(ctx context.Context, a access.Actor, clientID string) ([]preparation.Intention, error) {
	var list []preparation.Intention
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "intention", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		list, err = preparation.Intentions(ctx, tx, clientID)
		return err
	})
	return list, err
}

// RecordSession records a preparation session held on heldOn (a day in
// zone, the practice's), by a therapist or prescriber with access to the
// chart. A refusal of what was entered is a *preparation.Problem.
func (d *Door) RecordSession(ctx context.Context, a access.Actor, clientID string, zone *time.Location, heldOn, note string) error {
	return d.Access.Do(ctx, a, access.PreparationRecord, access.Ref{Type: "preparation_session", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		_, err := preparation.RecordSession(ctx, tx, a.PracticeID, clientID, a.StaffID, heldOn, note, zone, d.now())
		return err
	})
}
