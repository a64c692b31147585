package prescribing

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/eligibility"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// Door is the front door of the prescriber's evaluation and of the chart's
// clinical details (demographics, diagnoses, medications, allergies, body
// measurements, and the medicines offered from the intake): the pages and
// the JSON API read and change them through it, each use case decided and
// audited in one transaction.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
	// Log records what could not be put on the trail after a refused
	// signature; nil is slog's default.
	Log *slog.Logger
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

func (d *Door) log() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// in is the door's clock read in zone; a nil zone leaves it as it is.
func (d *Door) in(zone *time.Location) time.Time { return access.In(d.now(), zone) }

// practiceNow is now in the practice's zone, so dates typed without a zone
// are checked against the practice's day.
func (d *Door) practiceNow(ctx context.Context, tx *store.Tx, practiceID string) (time.Time, error) {
	return access.PracticeNow(ctx, tx, practiceID, d.now())
}

// Evaluations is a client with their evaluations, newest (the current
// one) first.
type Evaluations struct {
	Client  clinic.Client
	History []Evaluation
}

// Evaluations reads a client's evaluations for the care team.
func (d *Door) Evaluations(ctx context.Context, a access.Actor, clientID string) (Evaluations, error) {
	var out Evaluations
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "evaluation", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out.History, err = History(ctx, tx, clientID)
		return err
	})
	return out, err
}

// Review is what a prescriber reviews beside a new evaluation: the
// current one, the medical history, the latest weight, and the name they
// sign with.
type Review struct {
	Client  clinic.Client
	Current *Evaluation
	Medical clinic.Medical
	Weight  *dosing.Weight
	Signer  Signer
}

// Review reads the new evaluation's form under the prescriber's access.
func (d *Door) Review(ctx context.Context, a access.Actor, clientID string, zone *time.Location) (Review, error) {
	var out Review
	err := d.Access.Do(ctx, a, access.EvaluationWrite, access.Ref{Type: "evaluation", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if out.Current, err = Current(ctx, tx, clientID); err != nil {
			return err
		}
		if out.Medical, err = clinic.LoadMedical(ctx, tx, clientID); err != nil {
			return err
		}
		if out.Weight, err = clinic.LatestWeight(ctx, tx, clientID, d.in(zone)); err != nil {
			return err
		}
		out.Signer, err = LoadSigner(ctx, tx, a.PracticeID, a.StaffID)
		return err
	})
	return out, err
}

// Signing is a new evaluation as the prescriber signs it. Typed holds the
// problems the face found reading what was typed (a number that is not
// one); they are refused together with the draft's own and the password's,
// so the prescriber corrects everything in one round.
type Signing struct {
	Draft    Draft
	Password string
	Typed    access.Problems
}

// Sign signs a new evaluation of a client, the prescriber confirmed by
// their password. A wrong password is put on the trail as a refused
// signature and counted towards the account's lock.
func (d *Door) Sign(ctx context.Context, a access.Actor, clientID string, in Signing) (*Evaluation, error) {
	evalID := store.NewID()
	wrong := false
	var signed *Evaluation
	err := d.Access.Do(ctx, a, access.EvaluationWrite, access.Ref{Type: "evaluation", ID: evalID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		signer, err := LoadSigner(ctx, tx, a.PracticeID, a.StaffID)
		if err != nil {
			return err
		}
		ps := append(access.Problems{}, in.Typed...)
		var cps clinic.Problems
		if errors.As(in.Draft.Normalised().Validate().Err(), &cps) {
			for _, p := range cps {
				ps = append(ps, &access.Problem{Field: p.Field, Message: p.Message})
			}
		}
		if wrong, err = d.confirmSigner(ctx, tx, a, in.Password, &ps); err != nil {
			return err
		}
		if len(ps) > 0 {
			return ps
		}
		signed, err = Sign(ctx, tx, a.PracticeID, clientID, evalID, in.Draft, signer, d.now())
		return err
	})
	if wrong {
		d.recordRefusedSignature(ctx, a, "evaluation", evalID, clientID)
	}
	return signed, err
}

// AddAddendum signs an addendum to a signed evaluation. Its problems name
// the fields text and password.
func (d *Door) AddAddendum(ctx context.Context, a access.Actor, clientID, evalID, text, password string) (*Addendum, error) {
	addID := store.NewID()
	wrong := false
	var added *Addendum
	err := d.Access.Do(ctx, a, access.EvaluationWrite, access.Ref{Type: "evaluation_addendum", ID: addID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		signer, err := LoadSigner(ctx, tx, a.PracticeID, a.StaffID)
		if err != nil {
			return err
		}
		var ps access.Problems
		if strings.TrimSpace(text) == "" {
			ps = append(ps, &access.Problem{Field: "text", Message: "Write the addendum."})
		}
		if wrong, err = d.confirmSigner(ctx, tx, a, password, &ps); err != nil {
			return err
		}
		if len(ps) > 0 {
			return ps
		}
		added, err = AddAddendum(ctx, tx, a.PracticeID, clientID, evalID, addID, text, signer, d.now())
		return err
	})
	if wrong {
		d.recordRefusedSignature(ctx, a, "evaluation_addendum", addID, clientID)
	}
	return added, err
}

// CannotSign refuses a signature asked for with an API token, after the
// access decision (so another practice's client stays unconfirmed and a
// non-prescriber hears their own reason), and puts the refusal on the
// trail: a signature needs the prescriber's password, re-entered in the
// browser.
func (d *Door) CannotSign(ctx context.Context, a access.Actor, refType, clientID, evalID string) error {
	return d.Access.Do(ctx, a, access.EvaluationWrite, access.Ref{Type: refType, ID: evalID, ClientID: clientID}, func(*store.Tx, access.Decision) error {
		return &access.Denied{Action: access.EvaluationWrite, Record: access.Record{Type: refType, ID: evalID, PracticeID: a.PracticeID, ClientID: clientID},
			Reason: "API tokens cannot sign; a prescriber signs evaluations and addenda in the browser, re-entering their password"}
	})
}

// confirmSigner confirms the signer by their password and adds a problem
// with it to ps; wrong says the password was not theirs.
func (d *Door) confirmSigner(ctx context.Context, tx *store.Tx, a access.Actor, password string, ps *access.Problems) (wrong bool, err error) {
	prob, err := d.Access.ConfirmSigner(ctx, tx, a, password)
	if prob != nil {
		*ps = append(*ps, prob)
	}
	if errors.Is(err, access.ErrSignaturePassword) {
		return true, nil
	}
	return false, err
}

// recordRefusedSignature puts a signature refused for a wrong password on
// the trail: nothing else of the attempt was written.
func (d *Door) recordRefusedSignature(ctx context.Context, a access.Actor, refType, id, clientID string) {
	err := d.Access.RecordDenial(ctx, a, &access.Denied{Action: access.EvaluationWrite, Reason: access.ErrSignaturePassword.Error(),
		Record: access.Record{Type: refType, ID: id, PracticeID: a.PracticeID, ClientID: clientID}})
	if err != nil {
		d.log().Error("recording a refused signature", "err", err)
	}
	if err := d.Access.PasswordRefused(ctx, a); err != nil {
		d.log().Error("counting a refused signature password", "err", err)
	}
}

// ChartDetails is a client with their demographics and contacts.
type ChartDetails struct {
	Client  clinic.Client
	Details clinic.Details
}

// Details reads a client's demographics and contacts.
func (d *Door) Details(ctx context.Context, a access.Actor, clientID string) (ChartDetails, error) {
	var out ChartDetails
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "client_details", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out.Details, err = clinic.LoadDetails(ctx, tx, a.PracticeID, clientID)
		return err
	})
	return out, err
}

// SaveDetails saves a client's demographics and contacts. The client is
// returned also when the details are refused, for the form to be shown
// again. unread is the face's refusal of a body it could not read, given
// only once access is decided.
func (d *Door) SaveDetails(ctx context.Context, a access.Actor, clientID string, in clinic.Details, unread error) (ChartDetails, error) {
	var out ChartDetails
	err := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "client_details", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		now, err := d.practiceNow(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.Details, err = clinic.SaveDetails(ctx, tx, a.PracticeID, clientID, in, now)
		return err
	})
	return out, err
}

// Medical reads a client's medical history.
func (d *Door) Medical(ctx context.Context, a access.Actor, clientID string) (clinic.Medical, error) {
	var out clinic.Medical
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "medical_history", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		out, err = clinic.LoadMedical(ctx, tx, clientID)
		return err
	})
	return out, err
}

// change runs one change of the medical history as a ClientUpdate of the
// entry refType/itemID (a new id when itemID is empty), with now in the
// practice's zone.
func (d *Door) change(ctx context.Context, a access.Actor, refType, clientID, itemID string, unread error, apply func(tx *store.Tx, id string, now time.Time) error) error {
	ref := access.Ref{Type: refType, ID: itemID, ClientID: clientID}
	if itemID == "" {
		ref.ID = store.NewID()
	}
	return d.Access.Do(ctx, a, access.ClientUpdate, ref, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		now, err := d.practiceNow(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		return apply(tx, ref.ID, now)
	})
}

// AddDiagnosis records a diagnosis on the chart.
func (d *Door) AddDiagnosis(ctx context.Context, a access.Actor, clientID string, in clinic.DiagnosisInput, unread error) (clinic.Diagnosis, error) {
	var out clinic.Diagnosis
	err := d.change(ctx, a, "diagnosis", clientID, "", unread, func(tx *store.Tx, id string, now time.Time) error {
		in.ID = id
		var err error
		out, err = clinic.AddDiagnosis(ctx, tx, a.PracticeID, clientID, in, a.StaffID, now)
		return err
	})
	return out, err
}

// AddMedication records a medication on the chart, and screens the
// intake again, since the screening rules read the medication list.
func (d *Door) AddMedication(ctx context.Context, a access.Actor, clientID string, in clinic.MedicationInput, unread error) (clinic.Medication, error) {
	var out clinic.Medication
	err := d.change(ctx, a, "medication", clientID, "", unread, func(tx *store.Tx, id string, now time.Time) error {
		in.ID = id
		var err error
		if out, err = clinic.AddMedication(ctx, tx, a.PracticeID, clientID, in, a.StaffID, now); err != nil {
			return err
		}
		return rescreenChart(ctx, tx, a, clientID, now)
	})
	return out, err
}

// AddAllergy records an allergy on the chart.
func (d *Door) AddAllergy(ctx context.Context, a access.Actor, clientID string, in clinic.AllergyInput, unread error) (clinic.Allergy, error) {
	var out clinic.Allergy
	err := d.change(ctx, a, "allergy", clientID, "", unread, func(tx *store.Tx, id string, now time.Time) error {
		in.ID = id
		var err error
		out, err = clinic.AddAllergy(ctx, tx, a.PracticeID, clientID, in, a.StaffID, now)
		return err
	})
	return out, err
}

// AddMeasurement records a weight and height on the chart.
func (d *Door) AddMeasurement(ctx context.Context, a access.Actor, clientID string, in clinic.MeasurementInput, unread error) (clinic.Measurement, error) {
	var out clinic.Measurement
	err := d.change(ctx, a, "body_measurement", clientID, "", unread, func(tx *store.Tx, id string, now time.Time) error {
		in.ID = id
		var err error
		out, err = clinic.AddMeasurement(ctx, tx, a.PracticeID, clientID, in, a.StaffID, now)
		return err
	})
	return out, err
}

// StopMedication marks a medication stopped (it stays in the history) and
// screens the intake again.
func (d *Door) StopMedication(ctx context.Context, a access.Actor, clientID, medicationID, stoppedOn, reason string, unread error) error {
	return d.change(ctx, a, "medication", clientID, medicationID, unread, func(tx *store.Tx, id string, now time.Time) error {
		if err := clinic.StopMedication(ctx, tx, clientID, id, stoppedOn, reason, a.StaffID, now); err != nil {
			return err
		}
		return rescreenChart(ctx, tx, a, clientID, now)
	})
}

// RemoveEntry marks a diagnosis, allergy or measurement (kind, one of
// clinic's Kind names) removed; it stays in the history.
func (d *Door) RemoveEntry(ctx context.Context, a access.Actor, kind, clientID, itemID, reason string, unread error) error {
	return d.change(ctx, a, kind, clientID, itemID, unread, func(tx *store.Tx, id string, now time.Time) error {
		return clinic.RemoveEntry(ctx, tx, kind, clientID, id, reason, a.StaffID, now)
	})
}

// OfferDecision is what confirming or declining a medicine offered from
// the intake did: the chart entry made, if any, and the screening that ran
// again, if what the rules read changed.
type OfferDecision struct {
	Medication *clinic.Medication     `json:"medication,omitempty"`
	Screening  *eligibility.Screening `json:"screening,omitempty"`
}

// MedicationOffers lists every medicine offered from the intake, pending
// ones first, decided ones with who decided and when.
func (d *Door) MedicationOffers(ctx context.Context, a access.Actor, clientID string) ([]clinic.OfferedMedication, error) {
	var out []clinic.OfferedMedication
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "medication_offer", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		out, err = clinic.MedicationOffers(ctx, tx, clientID)
		return err
	})
	return out, err
}

// ConfirmOffer puts a medicine offered from the intake on the chart, in
// the clinician's words where they gave any (empty fields keep the
// client's).
func (d *Door) ConfirmOffer(ctx context.Context, a access.Actor, clientID, offerID string, in clinic.MedicationInput, unread error) (OfferDecision, error) {
	var out OfferDecision
	err := d.change(ctx, a, "medication_offer", clientID, offerID, unread, func(tx *store.Tx, id string, now time.Time) error {
		u, err := offerUse(tx, a, now)
		if err != nil {
			return err
		}
		m, sc, err := u.ConfirmOffer(ctx, clientID, id, in, a.StaffID)
		if err != nil {
			return err
		}
		out = OfferDecision{Medication: &m, Screening: sc}
		return nil
	})
	return out, err
}

// DeclineOffer keeps a medicine offered from the intake off the chart, for
// reason.
func (d *Door) DeclineOffer(ctx context.Context, a access.Actor, clientID, offerID, reason string, unread error) (OfferDecision, error) {
	var out OfferDecision
	err := d.change(ctx, a, "medication_offer", clientID, offerID, unread, func(tx *store.Tx, id string, now time.Time) error {
		u, err := offerUse(tx, a, now)
		if err != nil {
			return err
		}
		out.Screening, err = u.DeclineOffer(ctx, clientID, id, reason, a.StaffID)
		return err
	})
	return out, err
}

// offerUse is the eligibility use case a decision on the medication list
// runs in. now is in the practice's zone, so a start date is checked
// against the practice's day.
func offerUse(tx *store.Tx, a access.Actor, now time.Time) (eligibility.Use, error) {
	rules, err := screening.Load()
	return eligibility.Use{Tx: tx, PracticeID: a.PracticeID, By: eligibility.ByActor(a), Now: now, Rules: rules}, err
}

// rescreenChart screens the intake again, in the change's transaction,
// after staff changed the chart's medication list themselves.
func rescreenChart(ctx context.Context, tx *store.Tx, a access.Actor, clientID string, now time.Time) error {
	u, err := offerUse(tx, a, now)
	if err != nil {
		return err
	}
	_, err = u.ChartMedicationsChanged(ctx, clientID)
	return err
}
