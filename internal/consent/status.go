package consent

import (
	"fmt"
	"time"
)

// Version is one version of a consent document. A draft has number 0 and
// can still be left unpublished; a published version never changes.
type Version struct {
	ID         string `json:"id"`
	DocumentID string `json:"document_id"`
	Kind       Kind   `json:"kind"`
	Number     int    `json:"version"`
	Published  bool   `json:"published"`
	Title      string `json:"title"`
	Body       string `json:"text"`
	// SHA256 is the hex SHA-256 of Body's UTF-8 bytes.
	SHA256          string     `json:"sha256"`
	Required        bool       `json:"required"`
	Note            string     `json:"note,omitempty"`
	CreatedByName   string     `json:"created_by,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	PublishedByName string     `json:"published_by,omitempty"`
	PublishedAt     *time.Time `json:"published_at,omitempty"`
}

// Label names the version for lists and for what is missing
// ("Financial policy, version 2").
func (v Version) Label() string {
	if !v.Published {
		return v.Title + ", draft"
	}
	return fmt.Sprintf("%s, version %d", v.Title, v.Number)
}

// Document is one of a practice's consent documents with its versions,
// newest first.
type Document struct {
	ID       string    `json:"id"`
	Kind     Kind      `json:"kind"`
	Required bool      `json:"required"`
	Versions []Version `json:"versions"`
}

// Latest is the newest published version, if any.
func (d Document) Latest() (Version, bool) {
	for _, v := range d.Versions {
		if v.Published {
			return v, true
		}
	}
	return Version{}, false
}

// InForce is the newest published version, or nil: Latest for templates.
func (d Document) InForce() *Version {
	if v, ok := d.Latest(); ok {
		return &v
	}
	return nil
}

// Drafts are the versions not yet published.
func (d Document) Drafts() []Version {
	var out []Version
	for _, v := range d.Versions {
		if !v.Published {
			out = append(out, v)
		}
	}
	return out
}

// Signature is a client's signature of one version, with its
// countersignature and revocation when there are any.
type Signature struct {
	ID            string    `json:"id"`
	ClientID      string    `json:"client_id"`
	DocumentID    string    `json:"document_id"`
	Kind          Kind      `json:"kind"`
	VersionID     string    `json:"version_id"`
	VersionNumber int       `json:"version"`
	Title         string    `json:"title"`
	TypedName     string    `json:"typed_name"`
	Agreed        bool      `json:"agreed"`
	Meaning       string    `json:"meaning"`
	SignedAt      time.Time `json:"signed_at"`
	Address       string    `json:"address"`
	UserAgent     string    `json:"user_agent"`
	TextSHA256    string    `json:"text_sha256"`
	// Verified: the version's stored text still hashes to TextSHA256.
	Verified         bool              `json:"verified"`
	Countersignature *Countersignature `json:"countersignature,omitempty"`
	Revocation       *Revocation       `json:"revocation,omitempty"`
}

// Label names what was signed.
func (s Signature) Label() string { return fmt.Sprintf("%s, version %d", s.Title, s.VersionNumber) }

// Countersignature is a clinician's witness of a signature.
type Countersignature struct {
	StaffID     string    `json:"staff_id"`
	PrintedName string    `json:"printed_name"`
	Meaning     string    `json:"meaning"`
	SignedAt    time.Time `json:"signed_at"`
	TextSHA256  string    `json:"text_sha256"`
}

// Revocation is a withdrawn consent.
type Revocation struct {
	At     time.Time `json:"at"`
	ByKind string    `json:"by"` // client or staff
	ByName string    `json:"by_name"`
	Reason string    `json:"reason,omitempty"`
}

// Status is where a client stands with one document.
type Status string

const (
	// StatusCurrent: signed the latest published version, not revoked.
	StatusCurrent Status = "current"
	// StatusNeeded: never signed.
	StatusNeeded Status = "needs_signature"
	// StatusReconsent: signed an older version; a newer one is published.
	StatusReconsent Status = "needs_reconsent"
	// StatusRevoked: the latest signature was withdrawn.
	StatusRevoked Status = "revoked"
)

// Verify reports whether a signature is bound to text: the text hashes to
// what was signed.
func Verify(sig Signature, text string) bool {
	return sig.TextSHA256 != "" && Hash(text) == sig.TextSHA256
}

// Evaluate says where a client stands with a document whose latest
// published version is latest, from their signatures of it (any order).
// The newest signature decides: a newer version asks for re-consent, and a
// revocation stands until the client signs again.
func Evaluate(latest Version, sigs []Signature) (Status, *Signature) {
	var newest *Signature
	for i := range sigs {
		s := &sigs[i]
		if s.DocumentID != latest.DocumentID {
			continue
		}
		if newest == nil || s.SignedAt.After(newest.SignedAt) || (s.SignedAt.Equal(newest.SignedAt) && s.ID > newest.ID) {
			newest = s
		}
	}
	switch {
	case newest == nil:
		return StatusNeeded, nil
	case newest.Revocation != nil:
		return StatusRevoked, newest
	case newest.VersionID != latest.ID:
		return StatusReconsent, newest
	}
	return StatusCurrent, newest
}

// ClientDocument is a client's standing with one published document.
type ClientDocument struct {
	DocumentID string     `json:"document_id"`
	Kind       Kind       `json:"kind"`
	Required   bool       `json:"required"`
	Latest     Version    `json:"latest"`
	Status     Status     `json:"status"`
	Signature  *Signature `json:"signature,omitempty"`
}

// Missing lists the required documents not current, by the label of the
// version to sign.
func Missing(docs []ClientDocument) []string {
	var out []string
	for _, d := range docs {
		if d.Required && d.Status != StatusCurrent {
			out = append(out, d.Latest.Label())
		}
	}
	return out
}
