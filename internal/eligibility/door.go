package eligibility

import (
	"context"
	"errors"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/clinic"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// Door is the front door of the intake and its screening: every face (the
// portal, the clinic's pages, the JSON API) reads and changes them through
// it, so that access is decided and audited, and the intake changed, in
// one transaction, the same way on every path.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// use runs fn as one use case: access decided and audited, then the intake
// read or changed in the same transaction.
func (d *Door) use(ctx context.Context, a access.Actor, act access.Action, ref access.Ref, fn func(u Use) error) error {
	rules, err := screening.Load()
	if err != nil {
		return err
	}
	return d.Access.Do(ctx, a, act, ref, func(tx *store.Tx, _ access.Decision) error {
		return fn(Use{Tx: tx, PracticeID: a.PracticeID, By: ByActor(a), Now: d.now(), Rules: rules})
	})
}

// whose is whose intake a request is about, and what reading and changing
// it is: a client, only their own, through the portal; staff, for a
// client they may read or update.
func whose(a access.Actor, clientID string) (id string, read, write access.Action) {
	if a.Kind == access.ClientActor {
		return a.ClientID, access.PortalUse, access.PortalUse
	}
	return clientID, access.ClientRead, access.ClientUpdate
}

func intakeRef(clientID string) access.Ref {
	return access.Ref{Type: "intake", ID: clientID, ClientID: clientID}
}

// Form is an intake as its pages show it, with whose it is.
type Form struct {
	Client clinic.Client
	Record Record
	// Signer is the name on record of whoever reads it, which they type to
	// attest the answers when sending them: the client's legal name, or a
	// staff member's own.
	Signer string
}

// Form reads the intake for its pages (the client's own in the portal,
// or a client's for staff).
func (d *Door) Form(ctx context.Context, a access.Actor, clientID string) (Form, error) {
	clientID, read, _ := whose(a, clientID)
	var out Form
	err := d.use(ctx, a, read, intakeRef(clientID), func(u Use) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, u.Tx, a.PracticeID, clientID); err != nil {
			return err
		}
		signer, err := u.name(ctx, u.By)
		if err != nil {
			return err
		}
		out.Signer = signer.Name
		out.Record, err = u.Load(ctx, clientID)
		return err
	})
	return out, err
}

// Load reads a client's intake, for the API.
func (d *Door) Load(ctx context.Context, a access.Actor, clientID string) (Record, error) {
	var rec Record
	err := d.use(ctx, a, access.ClientRead, intakeRef(clientID), func(u Use) (err error) {
		rec, err = u.Load(ctx, clientID)
		return err
	})
	return rec, err
}

// FormSaved is what saving a page of the intake did, with the intake as it
// now stands.
type FormSaved struct {
	Form
	Result TypedResult
}

// SaveTyped saves what was typed into one section's page. Answers that
// cannot be kept are in Result.Errors; the rest is saved.
func (d *Door) SaveTyped(ctx context.Context, a access.Actor, clientID, section string, typed Typed) (FormSaved, error) {
	clientID, _, write := whose(a, clientID)
	var out FormSaved
	err := d.use(ctx, a, write, intakeRef(clientID), func(u Use) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, u.Tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if out.Result, err = u.SaveTyped(ctx, clientID, section, typed); err != nil {
			return err
		}
		out.Record, err = u.Load(ctx, clientID)
		return err
	})
	return out, err
}

// SectionSaved is the answer to a section replaced through the API.
type SectionSaved struct {
	Section   SectionState `json:"section"`
	Changed   bool         `json:"changed"`
	Missing   []string     `json:"missing"`
	Screening *Screening   `json:"screening,omitempty"`
}

// SaveSection replaces one section, all or nothing: a section with a
// field in error saves nothing. sec is nil for a section that does not
// exist; unread is the face's refusal of the body it could not read,
// given only once access is decided and named within the section.
func (d *Door) SaveSection(ctx context.Context, a access.Actor, clientID, name string, sec intake.Section, unread error) (SectionSaved, error) {
	var out SectionSaved
	err := d.use(ctx, a, access.ClientUpdate, intakeRef(clientID), func(u Use) error {
		if sec == nil {
			return clinic.ErrNotFound
		}
		if unread != nil {
			return inSection(name, unread)
		}
		saved, err := u.SaveSection(ctx, clientID, sec)
		if err != nil {
			return err
		}
		rec, err := u.Load(ctx, clientID)
		out = SectionSaved{Section: rec.Section(name), Changed: saved.Changed, Missing: rec.Missing, Screening: saved.Screening}
		return err
	})
	return out, err
}

// inSection names the problems of a section's body as its answers are
// named ("goals.text", "medications.list[1].name"), the whole body as the
// section.
func inSection(name string, err error) error {
	var ps access.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(access.Problems, len(ps))
	for i, p := range ps {
		field := name
		if p.Field != "body" {
			field += "." + p.Field
		}
		out[i] = &access.Problem{Field: field, Message: p.Message}
	}
	return out
}

// Submit sends the intake to the care team with the attestation of whoever
// sends it, bound to the SHA-256 of the answers sent, and runs the first
// screening (Use.SubmitAttested), with the request's address and browser.
// A missing or mismatched name or an unticked confirmation is refused
// naming name or confirm, and nothing is sent. unread is the face's refusal
// of a body, given only once access is decided.
func (d *Door) Submit(ctx context.Context, a access.Actor, clientID string, att Attestation, unread error) (Sent, error) {
	clientID, _, write := whose(a, clientID)
	m := access.MetaFrom(ctx)
	var out Sent
	err := d.use(ctx, a, write, intakeRef(clientID), func(u Use) (err error) {
		if unread != nil {
			return unread
		}
		if out, err = u.SubmitAttested(ctx, clientID, att, m); err != nil {
			return err
		}
		_, err = audit.Append(ctx, u.Tx, audit.Entry{Chain: a.PracticeID, At: u.Now, ActorKind: string(a.Kind), ActorID: a.ID(),
			Action: "intake.attest", RecordType: "intake_attestation", RecordID: out.Attestation.ID, ClientID: clientID,
			Reason:  "intake submitted and attested; answers SHA-256 " + out.Attestation.AnswersSHA256,
			Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID})
		return err
	})
	return out, err
}

func screeningRef(clientID string) access.Ref {
	return access.Ref{Type: "screening", ID: clientID, ClientID: clientID}
}

// Screenings lists a client's screenings, newest first.
func (d *Door) Screenings(ctx context.Context, a access.Actor, clientID string) ([]Screening, error) {
	var list []Screening
	err := d.use(ctx, a, access.ClientRead, screeningRef(clientID), func(u Use) (err error) {
		list, err = u.Screenings(ctx, clientID)
		return err
	})
	return list, err
}

// ScreeningView is what the staff's screening page shows.
type ScreeningView struct {
	Client clinic.Client
	Intake Record
	// History is every screening, newest first.
	History []Screening
	Vitals  []Vitals
}

// ScreeningView reads a client's intake, screenings and readings for the
// screening page.
func (d *Door) ScreeningView(ctx context.Context, a access.Actor, clientID string) (ScreeningView, error) {
	var v ScreeningView
	err := d.use(ctx, a, access.ClientRead, screeningRef(clientID), func(u Use) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, u.Tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Intake, err = u.Load(ctx, clientID); err != nil {
			return err
		}
		if v.History, err = u.Screenings(ctx, clientID); err != nil {
			return err
		}
		v.Vitals, err = u.VitalsList(ctx, clientID)
		return err
	})
	return v, err
}

// Acknowledge records a prescriber's acknowledgement of one finding of a
// screening, with the reason. unread is the face's refusal of the body,
// given only once access is decided.
func (d *Door) Acknowledge(ctx context.Context, a access.Actor, clientID, screeningID, ruleID, reason string, unread error) (Acknowledgement, error) {
	ackID := store.NewID()
	var ack Acknowledgement
	err := d.use(ctx, a, access.ScreeningAcknowledge, access.Ref{Type: "screening_acknowledgement", ID: ackID, ClientID: clientID}, func(u Use) error {
		if unread != nil {
			return unread
		}
		var err error
		ack, err = u.Acknowledge(ctx, clientID, screeningID, ackID, ruleID, reason)
		return err
	})
	return ack, err
}

// BloodPressure is a resting reading; TakenAt nil is now.
type BloodPressure struct {
	Systolic  int        `json:"bp_systolic"`
	Diastolic int        `json:"bp_diastolic"`
	TakenAt   *time.Time `json:"taken_at"`
}

// Recorded is a reading recorded, and the screening it ran again, if any.
type Recorded struct {
	Vitals    Vitals     `json:"vitals"`
	Screening *Screening `json:"screening,omitempty"`
}

// RecordBloodPressure records a resting reading for the screening rules,
// which run again on a submitted intake. unread is the face's refusal of
// what it could not read, given only once access is decided.
func (d *Door) RecordBloodPressure(ctx context.Context, a access.Actor, clientID string, in BloodPressure, unread error) (Recorded, error) {
	var out Recorded
	err := d.use(ctx, a, access.ClientUpdate, access.Ref{Type: "screening_vitals", ID: clientID, ClientID: clientID}, func(u Use) error {
		if unread != nil {
			return unread
		}
		at := u.Now
		if in.TakenAt != nil {
			at = *in.TakenAt
		}
		var err error
		out.Vitals, out.Screening, err = u.RecordBloodPressure(ctx, clientID, in.Systolic, in.Diastolic, at)
		return err
	})
	return out, err
}

// Rules is the screening rule set, for anyone who may list clients.
func (d *Door) Rules(ctx context.Context, a access.Actor) (*screening.RuleSet, error) {
	if err := d.Access.Do(ctx, a, access.ClientList, access.Ref{Type: "screening_rules"}, func(*store.Tx, access.Decision) error { return nil }); err != nil {
		return nil, err
	}
	return screening.Load()
}
