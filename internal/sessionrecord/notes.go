package sessionrecord

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// ProcessNotePurpose is the keyring purpose process notes are sealed under.
const ProcessNotePurpose = "process-notes"

// SaveSummary saves a new version of the session summary (each save is kept; the latest is the
// summary). The client sees it in the portal once the record is signed. Runs under
// SessionRecordWrite.
func SaveSummary(ctx context.Context, tx *store.Tx, clientID, recordID, summary, by string, now time.Time) (*Note, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	summary = text(&p, "summary", summary, "the session summary", true)
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	n := &Note{ID: store.NewID(), Text: summary, Author: Person{ID: by}, At: now}
	_, err = tx.Exec(ctx, `INSERT INTO session_note (id, record_id, practice_id, client_id, kind, body, author_id, written_at) VALUES (?, ?, ?, ?, 'summary', ?, ?, ?)`,
		n.ID, h.id, h.practiceID, h.clientID, summary, by, now.UTC())
	return n, err
}

// noteAD binds a sealed note to its record and id, so a ciphertext moved to another row
// does not open.
func noteAD(recordID, noteID string) []byte { return []byte("session_note/" + recordID + "/" + noteID) }

// AddProcessNote appends a process note sealed at rest with the keyring; only its author can
// read it (ProcessNotes). Process notes are outside the signature (the care team who verify it
// cannot read them), but a signed record is locked for them too. Runs under ProcessNoteWrite
// (a new note: Ref without an author).
func AddProcessNote(ctx context.Context, tx *store.Tx, keys *keyring.Ring, clientID, recordID, note, by string, now time.Time) (*ProcessNote, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	note = text(&p, "process_note", note, "the process note", true)
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	id := store.NewID()
	sealed, err := keys.Seal(ProcessNotePurpose, []byte(note), noteAD(h.id, id))
	if err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO session_note (id, record_id, practice_id, client_id, kind, sealed, author_id, written_at) VALUES (?, ?, ?, ?, 'process', ?, ?, ?)`,
		id, h.id, h.practiceID, h.clientID, base64.StdEncoding.EncodeToString(sealed), by, now.UTC())
	if err != nil {
		return nil, err
	}
	return &ProcessNote{ProcessNoteRef: ProcessNoteRef{ID: id, Author: Person{ID: by}, At: now}, Text: note}, nil
}

// ProcessNotes opens the process notes authorStaffID wrote in the record, oldest first. The
// caller has been allowed ProcessNoteRead with AuthorStaffID set to the same staff member, so
// only an author reads their own notes. Runs under ProcessNoteRead.
func ProcessNotes(ctx context.Context, tx *store.Tx, keys *keyring.Ring, clientID, recordID, authorStaffID string) ([]ProcessNote, error) {
	h, err := readHead(ctx, tx, clientID, recordID)
	if err != nil {
		return nil, err
	}
	out := []ProcessNote{}
	rows, err := tx.Query(ctx, `SELECT n.id, n.sealed, n.written_at, s.full_name FROM session_note n JOIN staff s ON s.id = n.author_id
		WHERE n.record_id = ? AND n.kind = 'process' AND n.author_id = ? ORDER BY n.written_at, n.id`, h.id, authorStaffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n ProcessNote
		var sealed string
		if err := rows.Scan(&n.ID, &sealed, &n.At, &n.Author.Name); err != nil {
			return nil, err
		}
		raw, err := base64.StdEncoding.DecodeString(sealed)
		if err != nil {
			return nil, fmt.Errorf("sessionrecord: process note %s: %w", n.ID, err)
		}
		plain, err := keys.Open(ProcessNotePurpose, raw, noteAD(h.id, n.ID))
		if err != nil {
			return nil, fmt.Errorf("sessionrecord: process note %s does not open: %w", n.ID, err)
		}
		n.Author.ID, n.Text = authorStaffID, string(plain)
		out = append(out, n)
	}
	return out, rows.Err()
}
