package consent

import (
	"bytes"
	"context"
	"errors"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// Door is the front door of informed consent: every face (the portal, the
// clinic's pages, the JSON API) that lists, signs, witnesses, withdraws,
// publishes or prints a consent comes through it, so each is decided,
// done and written to the trail the same way on every path.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// documentRef is the practice's documents as a whole: administering them
// and reading the ones in force are practice-wide.
var documentRef = access.Ref{Type: "consent_document"}

// Standing is where a client stands with the practice's documents.
type Standing struct {
	// Client is the client read, for the care team's pages; the portal's
	// own reading leaves it empty.
	Client clinic.Client
	Docs   []ClientDocument
	// Missing names the required documents not current (Missing).
	Missing []string
	// History is every signature, newest first.
	History []Signature
	// BreakGlass: the reader reached the record only by breaking the
	// glass.
	BreakGlass bool
	// CanCountersign: the reader is on the client's care team, so may
	// witness.
	CanCountersign bool
}

// Current says every required document is signed and in force.
func (s Standing) Current() bool { return len(s.Missing) == 0 }

// Mine is the signed-in client's own standing, for the portal. A practice
// that has not used consent documents yet is given the defaults first.
func (d *Door) Mine(ctx context.Context, a access.Actor) (Standing, error) {
	var out Standing
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "consent", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		out, err = d.standing(ctx, tx, a.PracticeID, a.ClientID)
		return err
	})
	return out, err
}

// OfClient is a client's standing as the care team reads it: in the
// chart's consents page and in the API alike.
func (d *Door) OfClient(ctx context.Context, a access.Actor, clientID string) (Standing, error) {
	var out Standing
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "consent", ClientID: clientID}, func(tx *store.Tx, dec access.Decision) error {
		c, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID)
		if err != nil {
			return err
		}
		if out, err = d.standing(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out.Client, out.BreakGlass = c, dec.ViaBreakGlass
		out.CanCountersign, err = clinic.OnCareTeam(ctx, tx, clientID, a.StaffID)
		return err
	})
	return out, err
}

func (d *Door) standing(ctx context.Context, tx *store.Tx, practiceID, clientID string) (Standing, error) {
	var out Standing
	if err := EnsureDefaults(ctx, tx, practiceID, d.now()); err != nil {
		return out, err
	}
	docs, err := ClientStatus(ctx, tx, practiceID, clientID)
	if err != nil {
		return out, err
	}
	out.Docs, out.Missing = docs, Missing(docs)
	out.History, err = History(ctx, tx, practiceID, clientID)
	return out, err
}

// Reading is a published version as the signed-in client reads it, with
// where they stand with its document.
type Reading struct {
	Version   Version
	Blocks    []Block
	LegalName string
	Status    Status
	Signature *Signature
	// Latest is the version to sign when this one has been replaced.
	Latest *Version
}

// Read is a published version for the signed-in client to read and, if it
// is the latest, to sign. A draft is not found: drafts are the
// administrator's.
func (d *Door) Read(ctx context.Context, a access.Actor, versionID string) (Reading, error) {
	var out Reading
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "consent_version", ID: versionID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		v, err := LoadVersion(ctx, tx, a.PracticeID, versionID)
		if err != nil {
			return err
		}
		if !v.Published {
			return clinic.ErrNotFound
		}
		c, err := clinic.LoadClient(ctx, tx, a.PracticeID, a.ClientID)
		if err != nil {
			return err
		}
		docs, err := ClientStatus(ctx, tx, a.PracticeID, a.ClientID)
		if err != nil {
			return err
		}
		out = Reading{Version: v, Blocks: Blocks(v.Body), LegalName: c.LegalName}
		for _, doc := range docs {
			if doc.DocumentID != v.DocumentID {
				continue
			}
			out.Status, out.Signature = doc.Status, doc.Signature
			if doc.Latest.ID != v.ID {
				latest := doc.Latest
				out.Latest = &latest
			}
		}
		return nil
	})
	return out, err
}

// Agreement is what the client gave on the signing page.
type Agreement struct {
	TypedName string
	Agreed    bool
	// ShownSHA256 is the hash of the text the page showed.
	ShownSHA256 string
}

// Sign records the signed-in client's signature of a version, with the
// request's address and browser. Refusals are Sign's: a *ChangedError
// when the text changed under the signer, problems naming version, name
// and agree.
func (d *Door) Sign(ctx context.Context, a access.Actor, versionID string, in Agreement) (Signature, error) {
	m := access.MetaFrom(ctx)
	var sig Signature
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "consent_signature", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		sig, err = Sign(ctx, tx, a.PracticeID, a.ClientID, SignInput{VersionID: versionID, TypedName: in.TypedName, Agreed: in.Agreed,
			ShownSHA256: in.ShownSHA256, At: d.now(), Address: m.Address, UserAgent: m.UserAgent})
		if err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent.sign", "consent_signature", sig.ID, a.ClientID, sig.Label())
	})
	return sig, err
}

// Revoke withdraws a signature at once: a client their own, in the portal
// (clientID is theirs whatever is passed); staff one of a client they may
// update, recording what the client said, with a reason. A reason that is
// missing or too long is a problem naming reason; a signature already
// withdrawn is a conflict whose cause is the problem naming revoke. unread
// is the face's refusal of the body it could not read, given only once
// access is decided, so that someone refused learns nothing from it.
func (d *Door) Revoke(ctx context.Context, a access.Actor, clientID, signatureID, reason string, unread error) (Signature, error) {
	act, in, why := access.ClientUpdate, RevokeInput{StaffID: a.StaffID, Reason: reason}, "withdrawal recorded by staff"
	if a.Kind == access.ClientActor {
		act, clientID, in, why = access.PortalUse, a.ClientID, RevokeInput{Reason: reason}, "withdrawn by the client"
	}
	m := access.MetaFrom(ctx)
	in.Address, in.UserAgent = m.Address, m.UserAgent
	var sig Signature
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "consent_signature", ID: signatureID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		in.At = d.now()
		var err error
		if sig, err = Revoke(ctx, tx, a.PracticeID, clientID, signatureID, in); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent.revoke", "consent_signature", signatureID, clientID, why)
	})
	var p *access.Problem
	if errors.As(err, &p) && p.Field == "revoke" {
		return sig, &fault.Error{Code: fault.Conflict, Title: "Already withdrawn", Message: p.Message, Err: err}
	}
	return sig, err
}

// Countersign records the witness of a signature by the clinician asking.
// Someone who may update the chart but is not on the care team is refused
// like any other access, and the refusal goes on the trail; a signature
// withdrawn, already witnessed or no longer matching its text is a problem
// naming countersign.
func (d *Door) Countersign(ctx context.Context, a access.Actor, clientID, signatureID string) (Signature, error) {
	var sig Signature
	err := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "consent_signature", ID: signatureID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		sig, err = Countersign(ctx, tx, a.PracticeID, clientID, signatureID, a.StaffID, d.now())
		if errors.Is(err, ErrNotCareTeam) {
			// Administrators may update a chart but are not witnesses.
			return &access.Denied{Action: access.ClientUpdate, Reason: ErrNotCareTeam.Error(),
				Record: access.Record{Type: "consent_signature", ID: signatureID, PracticeID: a.PracticeID, ClientID: clientID}}
		}
		if err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent.countersign", "consent_signature", signatureID, clientID, "witness of "+sig.Label())
	})
	return sig, err
}

// PDF draws one signed consent, in the practice's name and time zone, and
// writes the export to the trail in the same transaction: a client their
// own, in the portal (clientID is theirs whatever is passed); staff one of
// a client they may read. refused is the face's refusal of the request (a
// file that is not a PDF), given only once access is decided.
func (d *Door) PDF(ctx context.Context, a access.Actor, clientID, signatureID string, refused error) ([]byte, error) {
	act := access.ClientRead
	if a.Kind == access.ClientActor {
		act, clientID = access.PortalUse, a.ClientID
	}
	var buf bytes.Buffer
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "consent_signature", ID: signatureID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if refused != nil {
			return refused
		}
		sig, v, err := LoadSignature(ctx, tx, a.PracticeID, clientID, signatureID)
		if err != nil {
			return err
		}
		c, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID)
		if err != nil {
			return err
		}
		name, err := access.PracticeName(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		zone, err := access.PracticeZone(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		if err := WritePDF(&buf, PDFRecord{PracticeName: name, ClientLegalName: c.LegalName, Version: v, Signature: sig,
			Zone: zone, Generated: d.now()}); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent.export", "consent_signature", sig.ID, clientID, "PDF of "+sig.Label())
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// InForce lists the version of each document clients sign now. Anyone on
// staff who may list clients may read them: they are what every client is
// asked to sign.
func (d *Door) InForce(ctx context.Context, a access.Actor) ([]Version, error) {
	var out []Version
	err := d.Access.Do(ctx, a, access.ClientList, documentRef, func(tx *store.Tx, _ access.Decision) error {
		if err := EnsureDefaults(ctx, tx, a.PracticeID, d.now()); err != nil {
			return err
		}
		var err error
		out, err = Published(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}

// Documents lists the practice's documents with all their versions, for
// its administrators.
func (d *Door) Documents(ctx context.Context, a access.Actor) ([]Document, error) {
	var out []Document
	err := d.Access.Do(ctx, a, access.ConsentDocumentManage, documentRef, func(tx *store.Tx, _ access.Decision) error {
		if err := EnsureDefaults(ctx, tx, a.PracticeID, d.now()); err != nil {
			return err
		}
		var err error
		out, err = Documents(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}

// DraftStart is where a new version of a document starts.
type DraftStart struct {
	Kind Kind
	// From is the version in force, whose text the draft starts from; nil
	// when the document has none.
	From *Version
}

// StartDraft is where an administrator's new version of kind starts: from
// the version in force. A kind holdspace does not know starts a new
// treatment consent.
func (d *Door) StartDraft(ctx context.Context, a access.Actor, kind Kind) (DraftStart, error) {
	if !kind.Valid() {
		kind = KAPTreatment
	}
	out := DraftStart{Kind: kind}
	err := d.Access.Do(ctx, a, access.ConsentDocumentManage, documentRef, func(tx *store.Tx, _ access.Decision) error {
		if err := EnsureDefaults(ctx, tx, a.PracticeID, d.now()); err != nil {
			return err
		}
		docs, err := Documents(ctx, tx, a.PracticeID)
		for _, doc := range docs {
			if v, ok := doc.Latest(); ok && doc.Kind == kind {
				out.From = &v
			}
		}
		return err
	})
	return out, err
}

// Draft stores an administrator's new draft version; problems name the
// form's fields (kind, title, text, note).
func (d *Door) Draft(ctx context.Context, a access.Actor, in DraftInput) (Version, error) {
	var v Version
	err := d.Access.Do(ctx, a, access.ConsentDocumentManage, documentRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if v, err = Draft(ctx, tx, a.PracticeID, a.StaffID, in, d.now()); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent_document.draft", "consent_version", v.ID, "", v.Kind.Label())
	})
	return v, err
}

// Preview is one version as an administrator reads it before publishing.
type Preview struct {
	Version Version
	Blocks  []Block
	// Latest is the version in force for this document, if another.
	Latest *Version
	// Asked is how many clients publishing this draft would ask to sign
	// again.
	Asked int
	// Next is the number publishing a draft gives it.
	Next int
}

// Preview reads one of the practice's versions for its administrators.
func (d *Door) Preview(ctx context.Context, a access.Actor, versionID string) (Preview, error) {
	var out Preview
	err := d.Access.Do(ctx, a, access.ConsentDocumentManage, access.Ref{Type: "consent_version", ID: versionID}, func(tx *store.Tx, _ access.Decision) error {
		v, err := LoadVersion(ctx, tx, a.PracticeID, versionID)
		if err != nil {
			return err
		}
		out.Version, out.Blocks = v, Blocks(v.Body)
		docs, err := Documents(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.Next = 1
		for _, doc := range docs {
			if latest, ok := doc.Latest(); ok && doc.ID == v.DocumentID && latest.ID != v.ID {
				out.Latest = &latest
				out.Next = latest.Number + 1
			}
		}
		if !v.Published && v.Required {
			out.Asked, err = StaleSigners(ctx, tx, a.PracticeID, v.DocumentID)
		}
		return err
	})
	return out, err
}

// Publication is a version just published.
type Publication struct {
	Version Version
	// Asked is how many clients who signed an earlier version are now
	// asked to sign again.
	Asked int
}

// Publish publishes a draft. A version already published is a problem
// naming version.
func (d *Door) Publish(ctx context.Context, a access.Actor, versionID string) (Publication, error) {
	var out Publication
	err := d.Access.Do(ctx, a, access.ConsentDocumentManage, access.Ref{Type: "consent_version", ID: versionID}, func(tx *store.Tx, _ access.Decision) error {
		draft, err := LoadVersion(ctx, tx, a.PracticeID, versionID)
		if err != nil {
			return err
		}
		// Counted before publishing: afterwards the signers of the older
		// version are no longer of the newest.
		if !draft.Published && draft.Required {
			if out.Asked, err = StaleSigners(ctx, tx, a.PracticeID, draft.DocumentID); err != nil {
				return err
			}
		}
		if out.Version, err = Publish(ctx, tx, a.PracticeID, versionID, a.StaffID, d.now()); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, "consent_document.publish", "consent_version", out.Version.ID, "", out.Version.Label())
	})
	return out, err
}

// audit writes a named consent event (a signature, a countersignature, a
// withdrawal, a publication, an export) to the trail in the transaction
// that makes it, beside the access entry Do writes.
func (d *Door) audit(ctx context.Context, tx *store.Tx, a access.Actor, action, recordType, recordID, clientID, reason string) error {
	m := access.MetaFrom(ctx)
	_, err := audit.Append(ctx, tx, audit.Entry{Chain: a.PracticeID, At: d.now(), ActorKind: string(a.Kind), ActorID: a.ID(),
		Action: action, RecordType: recordType, RecordID: recordID, ClientID: clientID, Reason: reason,
		Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID})
	return err
}
