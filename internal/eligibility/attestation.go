package eligibility

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/consent"
	"holdspace/internal/intake"
	"holdspace/internal/store"
)

// Attestation is what a person gives on sending the intake: their full
// name, typed, and the box ticked to confirm that the answers are true and
// complete to the best of their knowledge. A client attests their own
// answers; a staff member who sends the intake for a client (filled in with
// them at the clinic or by phone) attests under their own name that the
// answers are the client's, as the client gave them.
type Attestation struct {
	Name    string `json:"name"`
	Confirm bool   `json:"confirm"`
}

// Attested is the attestation of a submitted intake as read back, checked
// against the answers as they stand now.
type Attested struct {
	ID        string    `json:"id"`
	TypedName string    `json:"typed_name"`
	By        By        `json:"by"`
	At        time.Time `json:"attested_at"`
	Address   string    `json:"address"`
	UserAgent string    `json:"user_agent"`
	// AnswersSHA256 is the SHA-256 of CanonicalAnswers of the answers as
	// they were sent.
	AnswersSHA256 string `json:"answers_sha256"`
	// Matches: the answers as they stand now still hash to AnswersSHA256.
	Matches bool `json:"matches"`
	// Changes are the saves since the attestation of every section whose
	// answers now differ from those attested, oldest first.
	Changes []Change `json:"changes"`
}

// Change is one save of a section after the attestation.
type Change struct {
	Section  string    `json:"section"`
	Title    string    `json:"title"`
	Revision int       `json:"revision"`
	SavedAt  time.Time `json:"saved_at"`
	SavedBy  By        `json:"saved_by"`
}

// CanonicalAnswers is the text an attestation's hash is taken of, from each
// saved section's answers exactly as stored (intake_section.answers, which
// holdspace writes as compact JSON with the section's fields in their
// declared order): a JSON object whose members are the saved sections in
// the alphabetical order of their names, each name's value that section's
// stored text unchanged, with no whitespace between members:
//
//	{"experience":{…},"goals":{…},"medical":{…},"medications":{…},"psychiatric":{…},"substances":{…}}
//
// A section never saved is left out. Anyone holding the stored rows can
// rebuild it and check the hash with sha256sum.
func CanonicalAnswers(stored map[string]string) []byte {
	names := make([]string, 0, len(stored))
	for n := range stored {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(n)
		b.Write(key)
		b.WriteByte(':')
		b.WriteString(stored[n])
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// AnswersSHA256 is the lowercase hex SHA-256 of CanonicalAnswers.
func AnswersSHA256(stored map[string]string) string {
	sum := sha256.Sum256(CanonicalAnswers(stored))
	return hex.EncodeToString(sum[:])
}

// ready refuses a submission of an intake already sent or with required
// answers open.
func ready(rec Record) error {
	switch {
	case rec.Status == Submitted:
		return ErrSubmitted
	case rec.ID == "" || len(rec.Missing) > 0:
		return &MissingAnswers{Paths: rec.Missing}
	}
	return nil
}

// SubmitAttested sends the intake with the attestation of whoever sends it
// (Submit), and stores the attestation bound to the SHA-256 of the answers
// sent. The typed name must be the name on record of the person attesting
// (the client's legal name; a staff member's own name), compared as consent
// signatures compare it: capital letters and the spaces around and between
// words do not matter. Refusals name the fields name and confirm; nothing
// is sent while one stands.
func (u Use) SubmitAttested(ctx context.Context, clientID string, att Attestation, where access.Meta) (Sent, error) {
	rec, err := u.Load(ctx, clientID)
	if err != nil {
		return Sent{}, err
	}
	if err := ready(rec); err != nil {
		return Sent{}, err
	}
	onRecord, err := u.name(ctx, u.By)
	if err != nil {
		return Sent{}, err
	}
	typed := strings.Join(strings.Fields(att.Name), " ")
	if ps := attestationProblems(typed, onRecord.Name, att.Confirm, u.By.IsClient()); len(ps) > 0 {
		return Sent{}, ps
	}
	out := Sent{Attestation: Attested{ID: store.NewID(), TypedName: typed, By: onRecord, At: u.Now.UTC(),
		Address: clip(where.Address, 100), UserAgent: clip(where.UserAgent, 300), AnswersSHA256: AnswersSHA256(rec.stored),
		Matches: true, Changes: []Change{}}}
	if out.Screening, err = u.Submit(ctx, clientID); err != nil {
		return out, err
	}
	a := out.Attestation
	if _, err := u.Tx.Exec(ctx, `INSERT INTO intake_attestation (id, practice_id, client_id, intake_id, typed_name, confirmed, by_kind, by_id,
		attested_at, address, user_agent, answers_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, u.PracticeID, clientID, rec.ID, a.TypedName, true, a.By.Kind, a.By.ID, u.Now, a.Address, a.UserAgent, a.AnswersSHA256); err != nil {
		return out, err
	}
	for _, st := range rec.Sections {
		if !st.Started() {
			continue
		}
		if _, err := u.Tx.Exec(ctx, `INSERT INTO intake_attestation_section (attestation_id, practice_id, section, revision) VALUES (?, ?, ?, ?)`,
			a.ID, u.PracticeID, st.Name, st.Revision); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Sent is an intake just sent: the screening it ran and its
// attestation.
type Sent struct {
	Screening   Screening `json:"screening"`
	Attestation Attested  `json:"attestation"`
}

func attestationProblems(typed, onRecord string, confirmed, client bool) access.Problems {
	var ps access.Problems
	switch {
	case typed == "" && client:
		ps = append(ps, &access.Problem{Field: "name", Message: "Type your full name to confirm your answers."})
	case typed == "":
		ps = append(ps, &access.Problem{Field: "name", Message: "Type your own full name to confirm the answers on the client's word."})
	case utf8.RuneCountInString(typed) > 200:
		ps = append(ps, &access.Problem{Field: "name", Message: "That is longer than any name we hold; type your full name."})
	case !consent.NameMatches(typed, onRecord) && client:
		ps = append(ps, &access.Problem{Field: "name", Message: "This does not match the name we have on file (" + onRecord +
			"). Type it as shown; capital letters and spaces do not matter. If your name has changed, please tell your care team."})
	case !consent.NameMatches(typed, onRecord):
		ps = append(ps, &access.Problem{Field: "name", Message: "This does not match the name on your staff account (" + onRecord +
			"). Type your own name as shown: you are confirming the answers on the client's word, not signing for them."})
	}
	if !confirmed && client {
		ps = append(ps, &access.Problem{Field: "confirm", Message: "Tick the box to confirm that your answers are true and complete to the best of your knowledge."})
	} else if !confirmed {
		ps = append(ps, &access.Problem{Field: "confirm", Message: "Tick the box to confirm that the client told you these answers are true and complete to the best of their knowledge."})
	}
	return ps
}

// attested reads the attestation of a submitted intake, if any (an intake
// sent before holdspace asked for one has none), and checks it against the
// answers as they stand now.
func (u Use) attested(ctx context.Context, rec Record) (*Attested, error) {
	var a Attested
	err := u.Tx.QueryRow(ctx, `SELECT id, typed_name, by_kind, by_id, attested_at, address, user_agent, answers_sha256
		FROM intake_attestation WHERE intake_id = ? AND practice_id = ?`, rec.ID, u.PracticeID).
		Scan(&a.ID, &a.TypedName, &a.By.Kind, &a.By.ID, &a.At, &a.Address, &a.UserAgent, &a.AnswersSHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.At = a.At.UTC()
	if a.By, err = u.name(ctx, a.By); err != nil {
		return nil, err
	}
	a.Matches = AnswersSHA256(rec.stored) == a.AnswersSHA256
	a.Changes = []Change{}
	if a.Matches {
		return &a, nil
	}
	// What each section was when attested, to name the sections changed since.
	rows, err := u.Tx.Query(ctx, `SELECT a.section, a.revision, COALESCE(s.answers, '') FROM intake_attestation_section a
		LEFT JOIN intake_section s ON s.intake_id = ? AND s.section = a.section AND s.revision = a.revision
		WHERE a.attestation_id = ?`, rec.ID, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	was, rev := map[string]string{}, map[string]int{}
	for rows.Next() {
		var name, text string
		var n int
		if err := rows.Scan(&name, &n, &text); err != nil {
			return nil, err
		}
		was[name], rev[name] = text, n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	saves, err := u.Tx.Query(ctx, `SELECT s.section, s.revision, s.saved_at, s.saved_by_kind, s.saved_by_id, COALESCE(st.full_name, c.legal_name, '')
		FROM intake_section s
		LEFT JOIN staff st ON s.saved_by_kind IN ('staff', 'api') AND st.id = s.saved_by_id
		LEFT JOIN client c ON s.saved_by_kind = 'client' AND c.id = s.saved_by_id
		WHERE s.intake_id = ? ORDER BY s.saved_at, s.section, s.revision`, rec.ID)
	if err != nil {
		return nil, err
	}
	defer saves.Close()
	for saves.Next() {
		var c Change
		if err := saves.Scan(&c.Section, &c.Revision, &c.SavedAt, &c.SavedBy.Kind, &c.SavedBy.ID, &c.SavedBy.Name); err != nil {
			return nil, err
		}
		if c.Revision <= rev[c.Section] || rec.stored[c.Section] == was[c.Section] {
			continue
		}
		c.SavedAt, c.Title = c.SavedAt.UTC(), sectionTitle(c.Section)
		a.Changes = append(a.Changes, c)
	}
	return &a, saves.Err()
}

// IsClient reports whether the client attested their own answers.
func (a Attested) IsClient() bool { return a.By.IsClient() }

// SectionsChanged lists the titles of the sections changed since the
// attestation, in the questionnaire's order.
func (a Attested) SectionsChanged() []string {
	var out []string
	for _, info := range intake.Sections() {
		if slices.ContainsFunc(a.Changes, func(c Change) bool { return c.Section == info.Name }) {
			out = append(out, info.Title)
		}
	}
	return out
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
