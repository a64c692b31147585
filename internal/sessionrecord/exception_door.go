package sessionrecord

import (
	"context"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// The discharge exception, and the medical history page that shows it
// beside the chart, come through the session record's door: this package
// owns the exception and sits above prescribing, which keeps the rest of
// the chart, so the page's one audited read is composed here.

// MedicalHistory is a client's medical history with their discharge
// exception, nil when there is none.
type MedicalHistory struct {
	Client    clinic.Client
	Medical   clinic.Medical
	Exception *DischargeException
}

// MedicalHistory reads a client's medical history and discharge exception
// for the care team, in one audited read.
func (d *Door) MedicalHistory(ctx context.Context, a access.Actor, clientID string) (MedicalHistory, error) {
	var out MedicalHistory
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "medical_history", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if out.Medical, err = clinic.LoadMedical(ctx, tx, clientID); err != nil {
			return err
		}
		out.Exception, err = CurrentDischargeException(ctx, tx, clientID)
		return err
	})
	return out, err
}

// SignException records a prescriber's shorter discharge observation for
// one client (RecordDischargeException's rule). A refusal is a *Refused
// naming the fields min_observation_minutes and reason. unread is the
// face's refusal of what it could not read, given only once access is
// decided.
func (d *Door) SignException(ctx context.Context, a access.Actor, clientID string, minutes int, reason string, unread error) (*DischargeException, error) {
	var out *DischargeException
	err := d.Access.Do(ctx, a, access.DischargeExceptionSign, access.Ref{Type: "discharge_exception", ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		var err error
		out, err = RecordDischargeException(ctx, tx, a.PracticeID, clientID, a.StaffID, minutes, reason, d.now())
		return err
	})
	return out, err
}
