package eligibility

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// By is who did something: the client in the portal, a staff member, or an
// integration acting for a staff member with an API token.
type By struct {
	Kind string `json:"kind"` // client, staff or api
	ID   string `json:"id"`
	// Name is filled in when a record is read back, for the page.
	Name string `json:"name,omitempty"`
}

// ByActor names the actor of a request.
func ByActor(a access.Actor) By { return By{Kind: string(a.Kind), ID: a.ID()} }

// IsClient reports whether the client did it themselves.
func (b By) IsClient() bool { return b.Kind == string(access.ClientActor) }

// Use is one use case's surroundings: the transaction access.Service.Do
// opened, the practice, who acts, the time, and the rule set screenings are
// run with.
type Use struct {
	Tx         *store.Tx
	PracticeID string
	By         By
	Now        time.Time
	Rules      *screening.RuleSet
}

// State is how far an intake has come.
type State string

const (
	Draft     State = "draft"
	Submitted State = "submitted"
)

// Errors the caller answers with a conflict: the request is well formed but
// the record is not in a state that allows it.
var (
	ErrSubmitted  error = fault.New(fault.Conflict, "The intake questionnaire has already been sent to the care team.")
	ErrSuperseded error = fault.New(fault.Conflict, "A newer screening has replaced this one; acknowledge the findings of the newest screening.")
)

// MissingAnswers refuses a submission while required questions are open.
type MissingAnswers struct{ Paths []string }

func (m *MissingAnswers) Error() string {
	return fmt.Sprintf("%d required answers are missing", len(m.Paths))
}

// Fault is the refusal with each missing answer as a field.
func (m *MissingAnswers) Fault() *fault.Error {
	e := &fault.Error{Code: fault.Invalid, Title: "Answers missing", Message: "The intake cannot be submitted while required answers are missing.", Err: m}
	for _, p := range m.Problems() {
		e.Fields = append(e.Fields, fault.Field{Name: p.Field, Message: p.Message})
	}
	return e
}

// Problems names each missing answer as a field problem.
func (m *MissingAnswers) Problems() access.Problems {
	out := make(access.Problems, 0, len(m.Paths))
	for _, p := range m.Paths {
		out = append(out, &access.Problem{Field: p, Message: "This question needs an answer: " + Label(p)})
	}
	return out
}

// Label is the question's label for a path, or the path itself.
func Label(path string) string {
	if q, ok := intake.QuestionFor(path); ok {
		return q.Label
	}
	return path
}

// Record is a client's intake as stored, with the state of each section.
type Record struct {
	// ID is empty while nothing has been saved.
	ID          string         `json:"id,omitempty"`
	ClientID    string         `json:"client_id"`
	Status      State          `json:"status"`
	Answers     intake.Intake  `json:"answers"`
	Sections    []SectionState `json:"sections"`
	Missing     []string       `json:"missing"`
	UpdatedAt   *time.Time     `json:"updated_at,omitempty"`
	SubmittedAt *time.Time     `json:"submitted_at,omitempty"`
	SubmittedBy *By            `json:"submitted_by,omitempty"`
	// Attestation is how the answers were attested when sent; nil for a
	// draft, and for an intake sent before holdspace asked for one.
	Attestation *Attested `json:"attestation,omitempty"`
	// stored is each saved section's answers exactly as stored, which an
	// attestation's hash is taken of.
	stored map[string]string
}

// Section returns the state of the named section.
func (r Record) Section(name string) SectionState {
	for _, s := range r.Sections {
		if s.Name == name {
			return s
		}
	}
	return SectionState{Name: name}
}

// NextOpen is the first section not done, where a person left off; "" when
// every section is done.
func (r Record) NextOpen() string {
	for _, s := range r.Sections {
		if !s.Done() {
			return s.Name
		}
	}
	return ""
}

// SectionState is one section's progress.
type SectionState struct {
	Name     string     `json:"name"`
	Title    string     `json:"title"`
	Revision int        `json:"revision"`
	SavedAt  *time.Time `json:"saved_at,omitempty"`
	SavedBy  *By        `json:"saved_by,omitempty"`
	// Missing are the required questions of this section still open.
	Missing []string `json:"missing"`
}

// Started reports whether the section was ever saved.
func (s SectionState) Started() bool { return s.SavedAt != nil }

// Done reports whether the section was saved with every required answer.
func (s SectionState) Done() bool { return s.Started() && len(s.Missing) == 0 }

// Load reads the client's intake; an intake never saved comes back as an
// empty draft.
func (u Use) Load(ctx context.Context, clientID string) (Record, error) {
	rec := Record{ClientID: clientID, Status: Draft, stored: map[string]string{}}
	var submittedAt sql.NullTime
	var updatedAt time.Time
	var byKind, byID string
	err := u.Tx.QueryRow(ctx, `SELECT id, status, updated_at, submitted_at, submitted_by_kind, submitted_by_id
		FROM intake WHERE client_id = ? AND practice_id = ?`, clientID, u.PracticeID).
		Scan(&rec.ID, &rec.Status, &updatedAt, &submittedAt, &byKind, &byID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return rec, err
	default:
		rec.UpdatedAt = &updatedAt
		if submittedAt.Valid {
			at := submittedAt.Time.UTC()
			rec.SubmittedAt = &at
			by, err := u.name(ctx, By{Kind: byKind, ID: byID})
			if err != nil {
				return rec, err
			}
			rec.SubmittedBy = &by
		}
	}
	saved := map[string]SectionState{}
	if rec.ID != "" {
		rows, err := u.Tx.Query(ctx, `SELECT s.section, s.revision, s.answers, s.saved_at, s.saved_by_kind, s.saved_by_id,
			COALESCE(st.full_name, c.legal_name, '')
			FROM intake_section s
			LEFT JOIN staff st ON s.saved_by_kind IN ('staff', 'api') AND st.id = s.saved_by_id
			LEFT JOIN client c ON s.saved_by_kind = 'client' AND c.id = s.saved_by_id
			WHERE s.intake_id = ? AND s.revision = (SELECT MAX(x.revision) FROM intake_section x
				WHERE x.intake_id = s.intake_id AND x.section = s.section)`, rec.ID)
		if err != nil {
			return rec, err
		}
		defer rows.Close()
		for rows.Next() {
			var st SectionState
			var answers string
			var at time.Time
			var by By
			if err := rows.Scan(&st.Name, &st.Revision, &answers, &at, &by.Kind, &by.ID, &by.Name); err != nil {
				return rec, err
			}
			sec, err := decodeSection(st.Name, []byte(answers))
			if err != nil {
				return rec, fmt.Errorf("intake %s, section %s: %w", rec.ID, st.Name, err)
			}
			rec.Answers.Put(sec)
			rec.stored[st.Name] = answers
			st.SavedAt, st.SavedBy = &at, &by
			saved[st.Name] = st
		}
		if err := rows.Err(); err != nil {
			return rec, err
		}
	}
	rec.Missing = rec.Answers.Missing()
	if rec.Missing == nil {
		rec.Missing = []string{}
	}
	for _, info := range intake.Sections() {
		st := saved[info.Name]
		st.Name, st.Title = info.Name, info.Title
		st.Missing = []string{}
		for _, p := range rec.Missing {
			if strings.HasPrefix(p, info.Name+".") {
				st.Missing = append(st.Missing, p)
			}
		}
		rec.Sections = append(rec.Sections, st)
	}
	if rec.Status == Submitted {
		var err error
		if rec.Attestation, err = u.attested(ctx, rec); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// name fills in the display name of who did something.
func (u Use) name(ctx context.Context, b By) (By, error) {
	var err error
	switch b.Kind {
	case "client":
		err = u.Tx.QueryRow(ctx, `SELECT legal_name FROM client WHERE id = ?`, b.ID).Scan(&b.Name)
	case "staff", "api":
		err = u.Tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, b.ID).Scan(&b.Name)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return b, err
}

// decodeSection reads a stored section into its own type.
func decodeSection(name string, data []byte) (intake.Section, error) {
	zero, ok := (intake.Intake{}).Section(name)
	if !ok {
		return nil, fmt.Errorf("unknown section %q", name)
	}
	p := reflect.New(reflect.TypeOf(zero))
	if err := json.Unmarshal(data, p.Interface()); err != nil {
		return nil, err
	}
	return p.Elem().Interface().(intake.Section), nil
}

// NewSection gives an empty section of the named kind, for decoding what an
// API client sent; ok is false for a name that is no section.
func NewSection(name string) (ptr any, ok bool) {
	zero, ok := (intake.Intake{}).Section(name)
	if !ok {
		return nil, false
	}
	return reflect.New(reflect.TypeOf(zero)).Interface(), true
}

// screened reports whether a section's answers become facts, so that a
// change to it after submission may change the screening.
func screened(section string) bool {
	switch section {
	case intake.SectionMedical, intake.SectionPsychiatric, intake.SectionSubstances, intake.SectionMedications:
		return true
	}
	return false
}

// Saved says what a save did.
type Saved struct {
	// Changed is false when the section was saved exactly as it was.
	Changed bool
	// Screening is the new screening a change after submission ran, if any.
	Screening *Screening
}

// SaveSection stores one well-formed section. A client may change only a
// draft; staff may change a submitted intake too, and when the change
// alters the facts the rules read, a new screening runs.
func (u Use) SaveSection(ctx context.Context, clientID string, sec intake.Section) (Saved, error) {
	if fe := sec.Validate(); len(fe) > 0 {
		return Saved{}, fieldProblems(fe)
	}
	rec, err := u.Load(ctx, clientID)
	if err != nil {
		return Saved{}, err
	}
	if rec.Status == Submitted && u.By.IsClient() {
		return Saved{}, ErrSubmitted
	}
	name := sec.SectionName()
	data, err := json.Marshal(sec)
	if err != nil {
		return Saved{}, err
	}
	st := rec.Section(name)
	if st.Started() {
		old, _ := rec.Answers.Section(name)
		if before, err := json.Marshal(old); err == nil && bytes.Equal(before, data) {
			return Saved{}, nil
		}
	}
	if rec.ID == "" {
		if rec.ID, err = u.create(ctx, clientID); err != nil {
			return Saved{}, err
		}
	}
	switch {
	case st.Started() && rec.Status == Draft:
		_, err = u.Tx.Exec(ctx, `UPDATE intake_section SET answers = ?, saved_at = ?, saved_by_kind = ?, saved_by_id = ?
			WHERE intake_id = ? AND section = ? AND revision = ?`, string(data), u.Now, u.By.Kind, u.By.ID, rec.ID, name, st.Revision)
	default:
		_, err = u.Tx.Exec(ctx, `INSERT INTO intake_section (intake_id, practice_id, client_id, section, revision, answers, saved_at, saved_by_kind, saved_by_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.ID, u.PracticeID, clientID, name, st.Revision+1, string(data), u.Now, u.By.Kind, u.By.ID)
	}
	if err != nil {
		return Saved{}, err
	}
	if _, err := u.Tx.Exec(ctx, `UPDATE intake SET updated_at = ? WHERE id = ?`, u.Now, rec.ID); err != nil {
		return Saved{}, err
	}
	saved := Saved{Changed: true}
	if rec.Status != Submitted || !screened(name) {
		return saved, nil
	}
	rec.Answers.Put(sec)
	if name == intake.SectionMedications {
		// A medicine staff add after submission is offered to the chart like the others.
		if err := u.offerMedicines(ctx, rec); err != nil {
			return saved, err
		}
	}
	s, err := u.rescreen(ctx, rec, "changed", sectionTitle(name)+" changed after submission")
	saved.Screening = s
	return saved, err
}

// rescreen runs a new screening of a submitted intake when what the rules read has changed since
// the latest one, and returns it; nil when nothing the rules read changed.
func (u Use) rescreen(ctx context.Context, rec Record, trigger, note string) (*Screening, error) {
	clientID := rec.ClientID
	latest, err := u.latest(ctx, clientID)
	if err != nil {
		return nil, err
	}
	facts, _, err := u.facts(ctx, rec)
	if err != nil {
		return nil, err
	}
	if latest != nil && u.Rules != nil && latest.RuleSetVersion == u.Rules.Version() && sameFacts(latest.Facts, facts) {
		// Notes or an unrecognised medicine changed nothing the rules read.
		return nil, nil
	}
	s, err := u.screen(ctx, rec, trigger, note)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func sectionTitle(name string) string {
	for _, s := range intake.Sections() {
		if s.Name == name {
			return s.Title
		}
	}
	return name
}

func (u Use) create(ctx context.Context, clientID string) (string, error) {
	id := store.NewID()
	// Two first saves at once (two tabs) must not make two intakes.
	if _, err := u.Tx.Exec(ctx, `INSERT INTO intake (id, practice_id, client_id, status, created_at, updated_at)
		VALUES (?, ?, ?, 'draft', ?, ?) ON CONFLICT (client_id) DO NOTHING`, id, u.PracticeID, clientID, u.Now, u.Now); err != nil {
		return "", err
	}
	err := u.Tx.QueryRow(ctx, `SELECT id FROM intake WHERE client_id = ?`, clientID).Scan(&id)
	return id, err
}

// Submit sends the intake to the care team and runs the first screening. It
// refuses while a required answer is missing (*MissingAnswers) and once the
// intake is submitted (ErrSubmitted). It records no attestation: a person
// sends the intake through SubmitAttested (Door.Submit), which does.
func (u Use) Submit(ctx context.Context, clientID string) (Screening, error) {
	rec, err := u.Load(ctx, clientID)
	if err != nil {
		return Screening{}, err
	}
	if err := ready(rec); err != nil {
		return Screening{}, err
	}
	if _, err := u.Tx.Exec(ctx, `UPDATE intake SET status = 'submitted', submitted_at = ?, submitted_by_kind = ?, submitted_by_id = ?, updated_at = ?
		WHERE id = ? AND status = 'draft'`, u.Now, u.By.Kind, u.By.ID, u.Now, rec.ID); err != nil {
		return Screening{}, err
	}
	rec.Status = Submitted
	// The medicines listed go to the chart's medication list as offers, for a clinician to
	// confirm or decline; none is put on the chart on the client's word alone.
	if err := u.offerMedicines(ctx, rec); err != nil {
		return Screening{}, err
	}
	return u.screen(ctx, rec, "submitted", "")
}

// fieldProblems turns the model's field errors into access problems, sorted
// by path, for the API's 422.
func fieldProblems(fe intake.FieldErrors) access.Problems {
	paths := make([]string, 0, len(fe))
	for p := range fe {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	out := make(access.Problems, 0, len(paths))
	for _, p := range paths {
		out = append(out, &access.Problem{Field: p, Message: fe[p]})
	}
	return out
}
