package consent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// Meanings of the two signatures, in the words of 21 CFR Part 11 style
// records (KAP.md §6).
const (
	MeaningConsent = "consent"
	MeaningWitness = "witness"
)

const signatureColumns = `s.id, s.client_id, s.document_id, d.kind, s.version_id, v.number, v.title, v.body, s.typed_name, s.agreed, s.meaning,
	s.signed_at, s.address, s.user_agent, s.text_sha256,
	cs.staff_id, cs.printed_name, cs.meaning, cs.signed_at, cs.text_sha256,
	r.revoked_at, r.by_kind, r.by_name, r.reason`

const signatureFrom = ` FROM consent_signature s
	JOIN consent_version v ON v.id = s.version_id
	JOIN consent_document d ON d.id = s.document_id
	LEFT JOIN consent_countersignature cs ON cs.signature_id = s.id
	LEFT JOIN consent_revocation r ON r.signature_id = s.id`

// scanSignature reads a signature and checks it against the stored text of
// its version.
func scanSignature(row interface{ Scan(...any) error }) (Signature, error) {
	var s Signature
	var body string
	var csStaff, csName, csMeaning, csHash, rKind, rName, rReason sql.NullString
	var csAt, rAt sql.NullTime
	err := row.Scan(&s.ID, &s.ClientID, &s.DocumentID, &s.Kind, &s.VersionID, &s.VersionNumber, &s.Title, &body, &s.TypedName, &s.Agreed, &s.Meaning,
		&s.SignedAt, &s.Address, &s.UserAgent, &s.TextSHA256,
		&csStaff, &csName, &csMeaning, &csAt, &csHash, &rAt, &rKind, &rName, &rReason)
	if err != nil {
		return s, err
	}
	s.Verified = Verify(s, body)
	if csStaff.Valid {
		s.Countersignature = &Countersignature{StaffID: csStaff.String, PrintedName: csName.String, Meaning: csMeaning.String,
			SignedAt: csAt.Time.UTC(), TextSHA256: csHash.String}
	}
	if rAt.Valid {
		s.Revocation = &Revocation{At: rAt.Time.UTC(), ByKind: rKind.String, ByName: rName.String, Reason: rReason.String}
	}
	return s, nil
}

// History lists a client's signatures, newest first.
func History(ctx context.Context, tx *store.Tx, practiceID, clientID string) ([]Signature, error) {
	rows, err := tx.Query(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.practice_id = ? AND s.client_id = ?
		ORDER BY s.signed_at DESC, s.id DESC`, practiceID, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Signature
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LoadSignature reads one of a client's signatures with the version it
// signs: clinic.ErrNotFound for an unknown id, another client's or another
// practice's.
func LoadSignature(ctx context.Context, tx *store.Tx, practiceID, clientID, id string) (Signature, Version, error) {
	s, err := scanSignature(tx.QueryRow(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.id = ? AND s.practice_id = ? AND s.client_id = ?`,
		id, practiceID, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return s, Version{}, clinic.ErrNotFound
	}
	if err != nil {
		return s, Version{}, err
	}
	v, err := LoadVersion(ctx, tx, practiceID, s.VersionID)
	return s, v, err
}

// ClientStatus says where a client stands with each published document of
// the practice, in the order of Kinds. A practice that has not yet used
// consent documents is judged by the defaults it would be given.
func ClientStatus(ctx context.Context, tx *store.Tx, practiceID, clientID string) ([]ClientDocument, error) {
	docs, err := Documents(ctx, tx, practiceID)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		ds, err := defaults("")
		if err != nil {
			return nil, err
		}
		var out []ClientDocument
		for _, d := range ds {
			out = append(out, ClientDocument{Kind: d.Kind, Required: d.Required, Status: StatusNeeded,
				Latest: Version{Kind: d.Kind, Number: 1, Published: true, Title: d.Title, Required: d.Required}})
		}
		return out, nil
	}
	sigs, err := History(ctx, tx, practiceID, clientID)
	if err != nil {
		return nil, err
	}
	var out []ClientDocument
	for _, d := range docs {
		latest, ok := d.Latest()
		if !ok {
			continue
		}
		st, sig := Evaluate(latest, sigs)
		out = append(out, ClientDocument{DocumentID: d.ID, Kind: d.Kind, Required: d.Required, Latest: latest, Status: st, Signature: sig})
	}
	return out, nil
}

// Current reports whether a client's consent is current: they have signed
// the latest published version of every required document and not revoked
// it. missing names the required documents that are not, by the version
// to sign ("Informed consent to ketamine-assisted psychotherapy, version
// 2"). The readiness tracker and the dosing gate ask this.
func Current(ctx context.Context, tx *store.Tx, practiceID, clientID string) (ok bool, missing []string, err error) {
	docs, err := ClientStatus(ctx, tx, practiceID, clientID)
	if err != nil {
		return false, nil, err
	}
	missing = Missing(docs)
	return len(missing) == 0, missing, nil
}

// SignInput is a client's signature as the portal took it.
type SignInput struct {
	VersionID string
	TypedName string
	Agreed    bool
	// ShownSHA256 is the hash the signing page showed with the text.
	ShownSHA256 string
	At          time.Time
	Address     string
	UserAgent   string
}

// Sign records a client's signature of the latest published version of a
// document. The hash is taken here from the stored text; a page that
// showed another text (the version changed under the signer) is refused,
// as is a typed name that is not the legal name on file or a missing
// agreement. Problems name the form fields: version, name, agree.
func Sign(ctx context.Context, tx *store.Tx, practiceID, clientID string, in SignInput) (Signature, error) {
	v, err := LoadVersion(ctx, tx, practiceID, in.VersionID)
	if err != nil {
		return Signature{}, err
	}
	if !v.Published {
		// Drafts are the administrator's; a client never sees one.
		return Signature{}, clinic.ErrNotFound
	}
	c, err := clinic.LoadClient(ctx, tx, practiceID, clientID)
	if err != nil {
		return Signature{}, err
	}
	latest, err := latestPublished(ctx, tx, v.DocumentID)
	if err != nil {
		return Signature{}, err
	}
	hash := Hash(v.Body)
	switch {
	case latest.ID != v.ID:
		return Signature{}, &ChangedError{Latest: latest, Message: fmt.Sprintf(
			"This document was updated while you were reading it: version %d replaces version %d. Nothing was signed. Please read the new version before signing.", latest.Number, v.Number)}
	case in.ShownSHA256 != hash:
		return Signature{}, &ChangedError{Latest: latest, Message: "The text on your screen is not the text we hold for this document, so nothing was signed. Please read it again below before signing."}
	}
	sigs, err := History(ctx, tx, practiceID, clientID)
	if err != nil {
		return Signature{}, err
	}
	if st, sig := Evaluate(latest, sigs); st == StatusCurrent {
		return Signature{}, &access.Problem{Field: "version", Message: "You signed this version on " + sig.SignedAt.Format("2 Jan 2006") + "; there is nothing more to sign."}
	}
	var ps access.Problems
	typed := strings.Join(strings.Fields(in.TypedName), " ")
	switch {
	case typed == "":
		ps = append(ps, &access.Problem{Field: "name", Message: "Type your full legal name to sign."})
	case utf8.RuneCountInString(typed) > 200:
		ps = append(ps, &access.Problem{Field: "name", Message: "That is longer than any name we hold; type your full legal name."})
	case !NameMatches(typed, c.LegalName):
		ps = append(ps, &access.Problem{Field: "name", Message: "This does not match the legal name we have on file (" + c.LegalName +
			"). Type it exactly as shown; capital letters and spaces do not matter. If your legal name has changed, please tell your care team."})
	}
	if !in.Agreed {
		ps = append(ps, &access.Problem{Field: "agree", Message: "Tick the box to say that you have read the document, had the chance to ask questions, and agree. If you have questions first, ask your care team: there is no hurry."})
	}
	if len(ps) > 0 {
		return Signature{}, ps
	}
	id := store.NewID()
	if _, err := tx.Exec(ctx, `INSERT INTO consent_signature (id, practice_id, client_id, document_id, version_id, typed_name, agreed, meaning,
		signed_at, address, user_agent, text_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, clientID, v.DocumentID, v.ID, typed, true, MeaningConsent, in.At, clip(in.Address, 100), clip(in.UserAgent, 300), hash); err != nil {
		return Signature{}, err
	}
	s, _, err := LoadSignature(ctx, tx, practiceID, clientID, id)
	return s, err
}

// ChangedError refuses a signature because the text signed is not the
// text held for the latest version; Latest is what to read instead.
type ChangedError struct {
	Latest  Version
	Message string
}

func (e *ChangedError) Error() string { return e.Message }

// ErrNotCareTeam refuses a countersignature by someone who is not a
// clinician on the client's care team.
var ErrNotCareTeam = errors.New("only a clinician on the client's care team may countersign")

// Countersign records a clinician's witness of a signature, with their
// printed name from the staff record. Only a member of the client's care
// team may countersign (ErrNotCareTeam); a revoked signature or one
// already countersigned is refused.
func Countersign(ctx context.Context, tx *store.Tx, practiceID, clientID, signatureID, staffID string, now time.Time) (Signature, error) {
	s, _, err := LoadSignature(ctx, tx, practiceID, clientID, signatureID)
	if err != nil {
		return s, err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND staff_id = ?`, clientID, staffID).Scan(&n); err != nil {
		return s, err
	}
	if n == 0 {
		return s, ErrNotCareTeam
	}
	switch {
	case s.Countersignature != nil:
		return s, &access.Problem{Field: "countersign", Message: s.Countersignature.PrintedName + " has already countersigned this signature."}
	case s.Revocation != nil:
		return s, &access.Problem{Field: "countersign", Message: "This consent was withdrawn; a withdrawn consent cannot be countersigned."}
	case !s.Verified:
		return s, &access.Problem{Field: "countersign", Message: "The stored text no longer matches what was signed; this signature cannot be countersigned. Tell the practice's administrator."}
	}
	name, err := printedName(ctx, tx, practiceID, staffID)
	if err != nil {
		return s, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO consent_countersignature (id, practice_id, client_id, signature_id, staff_id, printed_name, meaning, signed_at, text_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, s.ID, staffID, name, MeaningWitness, now, s.TextSHA256); err != nil {
		return s, err
	}
	s, _, err = LoadSignature(ctx, tx, practiceID, clientID, s.ID)
	return s, err
}

// printedName is a staff member's name as a signature shows it, with
// credentials ("Sam Okafor, LCSW").
func printedName(ctx context.Context, tx *store.Tx, practiceID, staffID string) (string, error) {
	var name, cred string
	err := tx.QueryRow(ctx, `SELECT full_name, credentials FROM staff WHERE id = ? AND practice_id = ?`, staffID, practiceID).Scan(&name, &cred)
	if errors.Is(err, sql.ErrNoRows) {
		return "", clinic.ErrNotFound
	}
	if cred != "" {
		name += ", " + cred
	}
	return name, err
}

// RevokeInput is a withdrawal of consent: by the client in the portal
// (StaffID empty), or recorded by staff when the client said it aloud, in
// which case a reason is needed.
type RevokeInput struct {
	StaffID   string
	Reason    string
	At        time.Time
	Address   string
	UserAgent string
}

// Revoke withdraws a signature at once. Problems name the field reason or
// revoke.
func Revoke(ctx context.Context, tx *store.Tx, practiceID, clientID, signatureID string, in RevokeInput) (Signature, error) {
	s, _, err := LoadSignature(ctx, tx, practiceID, clientID, signatureID)
	if err != nil {
		return s, err
	}
	if s.Revocation != nil {
		return s, &access.Problem{Field: "revoke", Message: "This consent was already withdrawn on " + s.Revocation.At.Format("2 Jan 2006") + "."}
	}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case in.StaffID != "" && reason == "":
		return s, &access.Problem{Field: "reason", Message: "Say how the client withdrew their consent (for example: \"said so by phone on 3 March\") and anything they gave as a reason."}
	case utf8.RuneCountInString(reason) > 2000:
		return s, &access.Problem{Field: "reason", Message: "Keep the reason to 2000 characters."}
	}
	kind, name := "client", s.TypedName
	if in.StaffID != "" {
		kind = "staff"
		if name, err = printedName(ctx, tx, practiceID, in.StaffID); err != nil {
			return s, err
		}
	}
	var staff any
	if in.StaffID != "" {
		staff = in.StaffID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO consent_revocation (id, practice_id, client_id, signature_id, revoked_at, by_kind, by_staff_id, by_name, reason, address, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), practiceID, clientID, s.ID, in.At, kind, staff, name, reason,
		clip(in.Address, 100), clip(in.UserAgent, 300)); err != nil {
		return s, err
	}
	s, _, err = LoadSignature(ctx, tx, practiceID, clientID, s.ID)
	return s, err
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
