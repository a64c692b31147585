package clinic

import (
	"context"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// ContactDetails are what the front desk keeps of a client: names,
// pronouns, date of birth, and how to reach them. The emergency contact
// and the escort stay with the care team's details page: the escort is
// part of a medicine session's discharge (KAP.md §1 Discharge).
type ContactDetails struct {
	LegalName     string
	PreferredName string
	Pronouns      string
	DateOfBirth   string
	Email         string
	Phone         string
	Address       Address
}

// UpdateContact corrects a client's contact details (ContactUpdate),
// under the same rules as every other way a client's details are kept;
// what is not a contact detail is left as it was. Each problem is named
// by its field.
func (d *Door) UpdateContact(ctx context.Context, a access.Actor, clientID string, in ContactDetails) error {
	return d.Access.Do(ctx, a, access.ContactUpdate, access.Ref{Type: "client_contact", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		det, err := LoadDetails(ctx, tx, a.PracticeID, clientID)
		if err != nil {
			return err
		}
		det.LegalName, det.PreferredName, det.Pronouns, det.DateOfBirth = in.LegalName, in.PreferredName, in.Pronouns, in.DateOfBirth
		det.Email, det.Phone, det.Address = in.Email, in.Phone, in.Address
		zone, err := access.PracticeZone(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		_, err = SaveDetails(ctx, tx, a.PracticeID, clientID, det, d.now().In(zone))
		return err
	})
}
