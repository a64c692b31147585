package sessionrecord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
)

// Discharge records the discharge once every criterion holds (dosing.CheckDischarge with the
// practice's settings, KAP.md §1 Discharge); otherwise it is refused (ReasonRule) naming each
// unmet criterion and, for the observation minimum, the time it is met, with the checklist in
// Refused.Discharge. Open alerts must be acknowledged first. Recording it stores the time and
// marks the course session held. Runs under SessionRecordWrite.
func Discharge(ctx context.Context, tx *store.Tx, clientID, recordID string, in DischargeInput, by string, now time.Time) (*Record, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	if h.dischargedAt != nil {
		return nil, refused(ReasonRule, "record", fmt.Sprintf("The client was already discharged at %s.", h.dischargedAt.In(now.Location()).Format("15:04")))
	}
	r, err := load(ctx, tx, h, View{StaffID: by, Now: now})
	if err != nil {
		return nil, err
	}
	if len(r.Doses) == 0 {
		return nil, refused(ReasonRule, "record", "No dose is recorded, so there is no discharge to record. If the session ended without medicine, sign the record as it stands and mark the session missed or cancelled on the course.")
	}
	s, err := h.settings(ctx, tx)
	if err != nil {
		return nil, err
	}
	// A prescriber's signed exception for this client shortens the observation below the
	// practice's bound; nothing else does.
	if r.DischargeException != nil {
		s.Discharge.MinObservationMinutes = r.DischargeException.MinObservationMinutes
	}
	check := dosing.CheckDischarge(dischargeFacts(r, in), s.Discharge, s.Vitals.Ranges, now)
	var p problems
	for _, c := range check.Unmet {
		p.add(string(c.ID), c.Label+": "+c.Needed)
	}
	for _, a := range r.Alerts {
		if a.Open {
			p.add("alert", "An alert is open: "+a.Message+" Acknowledge it with the action taken before discharge.")
		}
	}
	if !p.empty() {
		e := p.err(ReasonRule)
		e.Discharge = &check
		return nil, e
	}
	body, err := json.Marshal(DischargeRecord{DischargeInput: in, Check: check})
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE session_record SET discharged_at = ?, discharged_by = ?, discharge = ? WHERE id = ?`, now.UTC(), by, string(body), h.id); err != nil {
		return nil, err
	}
	// The course's own booking becomes held here, written directly: course.RecordSession
	// would refuse a session started before its booked time, and the medicine was given.
	if _, err := tx.Exec(ctx, `UPDATE course_session SET status = ?, updated_by = ?, updated_at = ? WHERE id = ? AND status = ?`,
		string(dosing.SessionHeld), by, now.UTC(), h.courseSessionID, string(dosing.SessionBooked)); err != nil {
		return nil, err
	}
	h.dischargedAt = &now
	return load(ctx, tx, h, View{StaffID: by, Now: now})
}

// Sign signs and locks the record: the printed name, the time, the meaning and a SHA-256 over
// the canonical content (as internal/prescribing signs an evaluation). The caller has made
// sure it is a deliberate act of the signer (the password re-entered). A session with a dose
// must be discharged first, and no alert may be open. After this every write is refused
// except AddAddendum. Runs under SessionRecordSign.
func Sign(ctx context.Context, tx *store.Tx, clientID, recordID string, s prescribing.Signer, now time.Time) (*Signature, error) {
	if s.StaffID == "" || s.Name == "" {
		return nil, errors.New("sessionrecord: a signature needs the signer's id and printed name")
	}
	h, err := begin(ctx, tx, clientID, recordID, s.StaffID, now)
	if err != nil {
		return nil, err
	}
	r, err := load(ctx, tx, h, View{Now: now})
	if err != nil {
		return nil, err
	}
	var p problems
	if len(r.Doses) > 0 && r.Discharge == nil {
		p.add("record", "Record the discharge before signing: a dose was given and the client is still under observation.")
	}
	for _, a := range r.Alerts {
		if a.Open {
			p.add("alert", "An alert is open: "+a.Message+" Acknowledge it with the action taken before signing.")
		}
	}
	if !p.empty() {
		return nil, p.err(ReasonRule)
	}
	sig := &Signature{SignerID: s.StaffID, SignerName: s.Name, SignedAt: store.Instant(now), Meaning: MeaningAuthor}
	r.Signature = sig
	sig.Hash = hash(content(r))
	_, err = tx.Exec(ctx, `UPDATE session_record SET signer_id = ?, signer_name = ?, signed_at = ?, meaning = ?, content_hash = ? WHERE id = ?`,
		sig.SignerID, sig.SignerName, sig.SignedAt, string(sig.Meaning), sig.Hash, h.id)
	if err != nil {
		return nil, err
	}
	return sig, nil
}

// AddAddendum adds signed text to a signed record, bound to the record's hash; the record
// itself is not touched. Runs under SessionRecordSign (after the password check).
func AddAddendum(ctx context.Context, tx *store.Tx, clientID, recordID, addendum string, s prescribing.Signer, now time.Time) (*Addendum, error) {
	if s.StaffID == "" || s.Name == "" {
		return nil, errors.New("sessionrecord: a signature needs the signer's id and printed name")
	}
	h, err := lock(ctx, tx, clientID, recordID, now)
	if err != nil {
		return nil, err
	}
	if h.signedAt == nil {
		return nil, refused(ReasonRule, "record", "The record is not signed yet; write into it directly. Addenda are for a signed record.")
	}
	var p problems
	addendum = text(&p, "text", addendum, "the addendum", true)
	if utf8.RuneCountInString(addendum) > maxText {
		p.add("text", "Keep an addendum under 10000 characters; add another for more.")
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	a := &Addendum{ID: store.NewID(), RecordHash: h.hash, Text: addendum,
		Signature: Signature{SignerID: s.StaffID, SignerName: s.Name, SignedAt: store.Instant(now), Meaning: MeaningAddendum}}
	a.Hash = hash(addendumContent(h.id, h.clientID, a))
	_, err = tx.Exec(ctx, `INSERT INTO session_addendum (id, record_id, practice_id, client_id, record_hash, body, signer_id, signer_name, signed_at, meaning, content_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, h.id, h.practiceID, h.clientID, a.RecordHash, a.Text, a.SignerID, a.SignerName, a.SignedAt, string(a.Meaning), a.Hash)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ErrAltered is returned by Verify when stored content no longer matches its signature.
var ErrAltered = errors.New("the record was changed after it was signed")

// Verify recomputes the hash of a signed record and of each addendum; nil when all match (and
// for a record not yet signed). Load the record with any View: process notes are not signed.
func Verify(r *Record) error {
	if r.Signature == nil {
		return nil
	}
	var errs []error
	if hash(content(r)) != r.Signature.Hash {
		errs = append(errs, fmt.Errorf("record %s: %w", r.ID, ErrAltered))
	}
	for i := range r.Addenda {
		a := &r.Addenda[i]
		if a.RecordHash != r.Signature.Hash || hash(addendumContent(r.ID, r.ClientID, a)) != a.Hash {
			errs = append(errs, fmt.Errorf("addendum %s: %w", a.ID, ErrAltered))
		}
	}
	return errors.Join(errs...)
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return store.Instant(t).Format(time.RFC3339Nano)
}

// recordContent is the canonical form a record's signature covers: every entry the care team
// sees, times in UTC to the microsecond as stored, in a fixed order. Process notes are not in
// it (only their author can read them), nor is anything derived at load time.
type recordContent struct {
	Record        string           `json:"record"`
	ID            string           `json:"id"`
	ClientID      string           `json:"client_id"`
	CourseID      string           `json:"course_id"`
	CourseSession string           `json:"course_session_id"`
	SessionNumber int              `json:"session_number"`
	Route         string           `json:"route"`
	PlannedMg     float64          `json:"planned_mg"`
	StartedAt     string           `json:"started_at"`
	StartedBy     string           `json:"started_by"`
	Clinicians    []string         `json:"clinicians"`
	Checklist     json.RawMessage  `json:"checklist"`
	Readings      []readingContent `json:"readings"`
	Doses         []doseContent    `json:"doses"`
	Overrides     []eventContent   `json:"hold_overrides"`
	// Left out when empty, so records signed before these existed hash as they did.
	PreMedications []eventContent `json:"premedications,omitempty"`
	Authorisations []eventContent `json:"dose_authorisations,omitempty"`
	Alerts         []alertContent `json:"alerts"`
	Events         []eventContent `json:"events"`
	Summary        string         `json:"summary"`
	DischargedAt   string         `json:"discharged_at"`
	DischargedBy   string         `json:"discharged_by"`
	Discharge      DischargeInput `json:"discharge"`
	SignerID       string         `json:"signer_id"`
	SignerName     string         `json:"signer_name"`
	Meaning        string         `json:"meaning"`
	SignedAt       string         `json:"signed_at"`
}

type readingContent struct {
	ID                     string `json:"id"`
	At                     string `json:"at"`
	Sys, Dia, HR, SpO2, RR *int   `json:",omitempty"`
	By                     string `json:"by"`
}

type doseContent struct {
	ID, Product, Strength, Lot, Route string
	Mg, WeightKg                      float64
	At, GivenBy, By                   string
	Additional                        bool
}

type alertContent struct {
	ID, ReadingID, Message, RaisedAt, AckBy, AckAt, Action string
}

type eventContent struct {
	ID, Category, Kind, Severity, Description, Outcome, FollowUp, At, By string
}

func content(r *Record) []byte {
	c := recordContent{Record: "session_record", ID: r.ID, ClientID: r.ClientID, CourseID: r.CourseID, CourseSession: r.CourseSessionID,
		SessionNumber: r.SessionNumber, Route: string(r.Route), PlannedMg: r.PlannedMg, StartedAt: instant(r.StartedAt), StartedBy: r.StartedBy.ID,
		Clinicians: []string{}, Checklist: json.RawMessage("null"), Readings: []readingContent{}, Doses: []doseContent{}, Overrides: []eventContent{},
		Alerts: []alertContent{}, Events: []eventContent{}}
	for _, cl := range r.Clinicians {
		c.Clinicians = append(c.Clinicians, cl.ID)
	}
	if r.Checklist != nil {
		b, _ := json.Marshal(struct {
			Version int64
			Body    dosing.PreDoseChecklist
			By, At  string
		}{r.Checklist.Version, checklistIn(r.Checklist.PreDoseChecklist, func(t time.Time) time.Time { return store.Instant(t) }), r.Checklist.SavedBy.ID, instant(r.Checklist.SavedAt)})
		c.Checklist = b
	}
	for _, rd := range r.Readings {
		c.Readings = append(c.Readings, readingContent{ID: rd.ID, At: instant(rd.TakenAt), Sys: rd.Systolic, Dia: rd.Diastolic, HR: rd.HeartRate,
			SpO2: rd.SpO2, RR: rd.RespiratoryRate, By: rd.By.ID})
	}
	for _, d := range r.Doses {
		c.Doses = append(c.Doses, doseContent{ID: d.ID, Product: d.Product, Strength: d.Strength, Lot: d.Lot, Route: string(d.Route), Mg: d.DoseMg,
			WeightKg: d.WeightKg, At: instant(d.GivenAt), GivenBy: d.GivenBy.ID, By: d.RecordedBy.ID, Additional: d.Additional})
	}
	for _, o := range r.Overrides {
		c.Overrides = append(c.Overrides, eventContent{ID: o.ID, Category: string(categoryOverride), Description: o.Reason, At: instant(o.At), By: o.By.ID})
	}
	for _, m := range r.PreMedications {
		c.PreMedications = append(c.PreMedications, eventContent{ID: m.ID, Category: "premedication",
			Description: fmt.Sprintf("%s %s mg %s", m.Order.Drug, mg(m.Order.DoseMg), m.Order.Route), At: instant(m.At), By: m.GivenBy.ID, Outcome: m.RecordedBy.ID})
	}
	for _, a := range r.Authorisations {
		c.Authorisations = append(c.Authorisations, eventContent{ID: a.ID, Category: "dose_authorisation", Kind: mg(a.DoseMg),
			Description: a.Reason, At: instant(a.At), By: a.By.ID, Outcome: a.DoseID})
	}
	for _, a := range r.Alerts {
		ac := alertContent{ID: a.ID, ReadingID: a.ReadingID, Message: a.Message, RaisedAt: instant(a.RaisedAt), AckAt: instant(a.AcknowledgedAt), Action: a.ActionTaken}
		if a.AcknowledgedBy != nil {
			ac.AckBy = a.AcknowledgedBy.ID
		}
		c.Alerts = append(c.Alerts, ac)
	}
	for _, list := range [][]Event{r.Observations, r.Interventions, r.AdverseEvents} {
		for _, e := range list {
			c.Events = append(c.Events, eventContent{ID: e.ID, Category: string(e.Category), Kind: string(e.Kind), Severity: string(e.Severity),
				Description: e.Description, Outcome: e.Outcome, FollowUp: e.FollowUp, At: instant(e.At), By: e.By.ID})
		}
	}
	if r.Summary != nil {
		c.Summary = r.Summary.Text
	}
	if r.Discharge != nil {
		c.DischargedAt, c.DischargedBy, c.Discharge = instant(r.Discharge.At), r.Discharge.By.ID, r.Discharge.DischargeInput
	}
	if r.Signature != nil {
		c.SignerID, c.SignerName, c.Meaning, c.SignedAt = r.Signature.SignerID, r.Signature.SignerName, string(r.Signature.Meaning), instant(r.Signature.SignedAt)
	}
	b, _ := json.Marshal(c) // plain strings and numbers: cannot fail
	return b
}

type addendumCanon struct {
	Record     string `json:"record"`
	ID         string `json:"id"`
	RecordID   string `json:"record_id"`
	RecordHash string `json:"record_sha256"`
	ClientID   string `json:"client_id"`
	Text       string `json:"text"`
	SignerID   string `json:"signer_id"`
	SignerName string `json:"signer_name"`
	Meaning    string `json:"meaning"`
	SignedAt   string `json:"signed_at"`
}

func addendumContent(recordID, clientID string, a *Addendum) []byte {
	b, _ := json.Marshal(addendumCanon{Record: "session_record_addendum", ID: a.ID, RecordID: recordID, RecordHash: a.RecordHash, ClientID: clientID,
		Text: a.Text, SignerID: a.SignerID, SignerName: a.SignerName, Meaning: string(a.Meaning), SignedAt: instant(a.SignedAt)})
	return b
}
