package inquiry

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// ConvertInput is the new client as staff confirm it from the inquiry.
type ConvertInput struct {
	LegalName     string `json:"legal_name"`
	PreferredName string `json:"preferred_name"`
	DateOfBirth   string `json:"date_of_birth"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	TherapistID   string `json:"therapist_id"`
	PrescriberID  string `json:"prescriber_id"`
}

// newClient is the inquiry's client as clinic takes them on: a converted
// inquiry is always invited to the portal, and the person who wrote in is
// not asked whether they are a duplicate (the inquiry is their record).
func (in ConvertInput) newClient() clinic.NewClient {
	return clinic.NewClient{LegalName: in.LegalName, PreferredName: in.PreferredName, DateOfBirth: in.DateOfBirth, Email: in.Email,
		Phone: in.Phone, TherapistID: in.TherapistID, PrescriberID: in.PrescriberID, Invite: true, ConfirmDuplicate: true}
}

// Check tidies the input and says what is wrong with it, by the rules of
// clinic.NewClient. now is the practice's today, for the date of birth.
func (in *ConvertInput) Check(now time.Time) access.Problems {
	c := in.newClient()
	ps := c.Check(now)
	in.LegalName, in.PreferredName, in.DateOfBirth, in.Email, in.Phone = c.LegalName, c.PreferredName, c.DateOfBirth, c.Email, c.Phone
	in.TherapistID, in.PrescriberID = c.TherapistID, c.PrescriberID
	return ps
}

// Convert makes the inquiry a client: the client record, the care team
// (therapist and prescriber), a portal account and its emailed
// invitation, all in one transaction with the inquiry's link to the new
// client. If any part fails, nothing is written.
func (s *Door) Convert(ctx context.Context, a access.Actor, id string, in ConvertInput) (clientID string, err error) {
	defer s.mailQueued()
	err = s.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client"}, func(tx *store.Tx, _ access.Decision) error {
		// Taking on a client from the queue needs both: the inquiry is
		// read and changed as well as the client made.
		if _, err := s.Access.Authorize(ctx, tx, a, access.InquiryManage, access.Ref{Type: "inquiry", ID: id}); err != nil {
			return err
		}
		var err error
		clientID, err = ConvertTx(ctx, tx, s.Access, a, id, in, s.now())
		return err
	})
	return clientID, err
}

// ConvertTx is Convert inside a transaction the caller opened with access
// already decided (ClientCreate and InquiryManage).
func ConvertTx(ctx context.Context, tx *store.Tx, acc *access.Service, a access.Actor, id string, in ConvertInput, now time.Time) (string, error) {
	q, err := Load(ctx, tx, a.PracticeID, id)
	if err != nil {
		return "", err
	}
	if q.Status == Converted {
		return "", &Conflict{"This inquiry has already become a client."}
	}
	clientID, err := clinic.AddClient(ctx, tx, acc, a, in.newClient(), now, "from inquiry "+id)
	if err != nil {
		return "", err
	}
	if err := MarkConverted(ctx, tx, a.PracticeID, id, clientID, a.StaffID, now); err != nil {
		return "", err
	}
	return clientID, audited(ctx, tx, a, now, "inquiry.convert", "inquiry", id, clientID, "")
}
