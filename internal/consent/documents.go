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

// Limits on what an administrator may publish.
const (
	MaxTitle = 200
	MaxText  = 200_000 // bytes; the default treatment consent is about 14,000
)

// EnsureDefaults gives a practice holdspace's default documents, each
// published as version 1, the first time it uses consent documents. It
// does nothing for a practice that already has documents, and is safe to
// call from two requests at once.
func EnsureDefaults(ctx context.Context, tx *store.Tx, practiceID string, now time.Time) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM consent_document WHERE practice_id = ?`, practiceID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	var name string
	if err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, practiceID).Scan(&name); err != nil {
		return fmt.Errorf("consent defaults: %w", err)
	}
	docs, err := defaults(name)
	if err != nil {
		return err
	}
	for _, d := range docs {
		docID := store.NewID()
		res, err := tx.Exec(ctx, `INSERT INTO consent_document (id, practice_id, kind, required, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (practice_id, kind) DO NOTHING`, docID, practiceID, d.Kind, d.Required, now)
		if err != nil {
			return err
		}
		if added, _ := res.RowsAffected(); added == 0 {
			// Another request seeded this kind first.
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO consent_version (id, practice_id, document_id, number, status, title, body, body_sha256,
			required, note, created_at, published_at) VALUES (?, ?, ?, 1, 'published', ?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), practiceID, docID, d.Title, d.Body, Hash(d.Body), d.Required, "holdspace's default text", now, now); err != nil {
			return err
		}
	}
	return nil
}

const versionColumns = `v.id, v.document_id, d.kind, v.number, v.status, v.title, v.body, v.body_sha256, v.required, v.note,
	COALESCE(cb.full_name, ''), v.created_at, COALESCE(pb.full_name, ''), v.published_at`

const versionFrom = ` FROM consent_version v JOIN consent_document d ON d.id = v.document_id
	LEFT JOIN staff cb ON cb.id = v.created_by LEFT JOIN staff pb ON pb.id = v.published_by`

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var status string
	var published sql.NullTime
	err := row.Scan(&v.ID, &v.DocumentID, &v.Kind, &v.Number, &status, &v.Title, &v.Body, &v.SHA256, &v.Required, &v.Note,
		&v.CreatedByName, &v.CreatedAt, &v.PublishedByName, &published)
	v.Published = status == "published"
	if published.Valid {
		t := published.Time.UTC()
		v.PublishedAt = &t
	}
	return v, err
}

// Documents lists the practice's documents in the order of Kinds, each
// with its versions, newest first (drafts before published ones).
func Documents(ctx context.Context, tx *store.Tx, practiceID string) ([]Document, error) {
	rows, err := tx.Query(ctx, `SELECT id, kind, required FROM consent_document WHERE practice_id = ?`, practiceID)
	if err != nil {
		return nil, err
	}
	byKind := map[Kind]*Document{}
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Kind, &d.Required); err != nil {
			rows.Close()
			return nil, err
		}
		byKind[d.Kind] = &d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	vrows, err := tx.Query(ctx, `SELECT `+versionColumns+versionFrom+` WHERE v.practice_id = ?
		ORDER BY CASE v.status WHEN 'draft' THEN 0 ELSE 1 END, v.number DESC, v.created_at DESC, v.id DESC`, practiceID)
	if err != nil {
		return nil, err
	}
	defer vrows.Close()
	for vrows.Next() {
		v, err := scanVersion(vrows)
		if err != nil {
			return nil, err
		}
		if d := byKind[v.Kind]; d != nil {
			d.Versions = append(d.Versions, v)
		}
	}
	if err := vrows.Err(); err != nil {
		return nil, err
	}
	var out []Document
	for _, k := range Kinds {
		if d := byKind[k]; d != nil {
			out = append(out, *d)
		}
	}
	return out, nil
}

// LoadVersion reads one version of the practice: clinic.ErrNotFound for an
// unknown id or another practice's.
func LoadVersion(ctx context.Context, tx *store.Tx, practiceID, id string) (Version, error) {
	v, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+versionFrom+` WHERE v.id = ? AND v.practice_id = ?`, id, practiceID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, clinic.ErrNotFound
	}
	return v, err
}

// latestPublished is the newest published version of a document.
func latestPublished(ctx context.Context, tx *store.Tx, documentID string) (Version, error) {
	v, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+versionFrom+` WHERE v.document_id = ? AND v.status = 'published'
		ORDER BY v.number DESC LIMIT 1`, documentID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, clinic.ErrNotFound
	}
	return v, err
}

// DraftInput is a new version as an administrator typed it.
type DraftInput struct {
	Kind     Kind
	Title    string
	Body     string
	Required bool
	// Note says what changed, for the practice's own record.
	Note string
}

// Validate checks a draft; each problem names its form field.
func (in DraftInput) Validate() error {
	var ps access.Problems
	if !in.Kind.Valid() {
		ps = append(ps, &access.Problem{Field: "kind", Message: "Choose which document this is a version of."})
	}
	title := strings.TrimSpace(in.Title)
	switch {
	case title == "":
		ps = append(ps, &access.Problem{Field: "title", Message: "Give the document a title, as clients will see it."})
	case utf8.RuneCountInString(title) > MaxTitle:
		ps = append(ps, &access.Problem{Field: "title", Message: fmt.Sprintf("Keep the title to %d characters.", MaxTitle)})
	case strings.ContainsAny(title, "\r\n"):
		ps = append(ps, &access.Problem{Field: "title", Message: "Keep the title on one line."})
	}
	body := NormaliseText(in.Body)
	switch {
	case body == "":
		ps = append(ps, &access.Problem{Field: "text", Message: "Write the text clients will read and sign."})
	case len(body) > MaxText:
		ps = append(ps, &access.Problem{Field: "text", Message: fmt.Sprintf("The text is too long to sign comfortably: keep it under %d characters.", MaxText)})
	case !utf8.ValidString(body):
		ps = append(ps, &access.Problem{Field: "text", Message: "The text contains characters that are not valid; paste it again as plain text."})
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		ps = append(ps, &access.Problem{Field: "note", Message: "Keep the note to 1000 characters."})
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// Draft stores a new draft version. The document of its kind is made if
// the practice has none yet.
func Draft(ctx context.Context, tx *store.Tx, practiceID, staffID string, in DraftInput, now time.Time) (Version, error) {
	if err := in.Validate(); err != nil {
		return Version{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO consent_document (id, practice_id, kind, required, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (practice_id, kind) DO NOTHING`, store.NewID(), practiceID, in.Kind, in.Required, now); err != nil {
		return Version{}, err
	}
	var docID string
	if err := tx.QueryRow(ctx, `SELECT id FROM consent_document WHERE practice_id = ? AND kind = ?`, practiceID, in.Kind).Scan(&docID); err != nil {
		return Version{}, err
	}
	body := NormaliseText(in.Body)
	id := store.NewID()
	if _, err := tx.Exec(ctx, `INSERT INTO consent_version (id, practice_id, document_id, number, status, title, body, body_sha256,
		required, note, created_by, created_at) VALUES (?, ?, ?, 0, 'draft', ?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, docID, strings.TrimSpace(in.Title), body, Hash(body), in.Required, strings.TrimSpace(in.Note), staffID, now); err != nil {
		return Version{}, err
	}
	return LoadVersion(ctx, tx, practiceID, id)
}

// Publish makes a draft the document's newest version, numbered one past
// the last, and takes its required flag onto the document. From now on
// the version cannot change.
func Publish(ctx context.Context, tx *store.Tx, practiceID, versionID, staffID string, now time.Time) (Version, error) {
	v, err := LoadVersion(ctx, tx, practiceID, versionID)
	if err != nil {
		return v, err
	}
	if v.Published {
		return v, &access.Problem{Field: "version", Message: fmt.Sprintf("This is already published as version %d; published versions cannot change. Draft a new version instead.", v.Number)}
	}
	// Lock the document so two publications get different numbers.
	var docID string
	if err := tx.QueryRow(ctx, `SELECT id FROM consent_document WHERE id = ?`+tx.Dialect().LockForUpdate(), v.DocumentID).Scan(&docID); err != nil {
		return v, err
	}
	var last int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM consent_version WHERE document_id = ? AND status = 'published'`, docID).Scan(&last); err != nil {
		return v, err
	}
	if _, err := tx.Exec(ctx, `UPDATE consent_version SET status = 'published', number = ?, published_by = ?, published_at = ? WHERE id = ? AND status = 'draft'`,
		last+1, staffID, now, v.ID); err != nil {
		return v, err
	}
	if _, err := tx.Exec(ctx, `UPDATE consent_document SET required = ? WHERE id = ?`, v.Required, docID); err != nil {
		return v, err
	}
	return LoadVersion(ctx, tx, practiceID, v.ID)
}

// Published lists the newest published version of each document, in the
// order of Kinds.
func Published(ctx context.Context, tx *store.Tx, practiceID string) ([]Version, error) {
	docs, err := Documents(ctx, tx, practiceID)
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, d := range docs {
		if v, ok := d.Latest(); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// StaleSigners counts the clients whose newest signature of the document
// is of an older version and not revoked: those whom publishing a new
// version asks to sign again, for the administrator's preview.
func StaleSigners(ctx context.Context, tx *store.Tx, practiceID, documentID string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM consent_signature s
		WHERE s.practice_id = ? AND s.document_id = ?
		AND NOT EXISTS (SELECT 1 FROM consent_signature later WHERE later.client_id = s.client_id AND later.document_id = s.document_id
			AND (later.signed_at > s.signed_at OR (later.signed_at = s.signed_at AND later.id > s.id)))
		AND NOT EXISTS (SELECT 1 FROM consent_revocation r WHERE r.signature_id = s.id)`, practiceID, documentID).Scan(&n)
	return n, err
}
