package measure

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Response statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
)

// Who filled a response in.
const (
	FilledByClient = "client"
	FilledByStaff  = "staff"
)

// OccasionAdHoc is a measure given outside the schedule.
const OccasionAdHoc = "ad_hoc"

// ErrNotFound is a response that does not exist for this client.
var ErrNotFound = clinic.ErrNotFound

// Slot is what a response is for: a course's occasion, or ad hoc.
type Slot struct {
	CourseID   string `json:"course_id,omitempty"`
	Instrument string `json:"instrument"`
	Occasion   string `json:"occasion"`
}

// Response is one questionnaire given to a client.
type Response struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Slot
	Status string `json:"status"`
	// Answers map item id to the chosen value.
	Answers   map[string]int `json:"answers"`
	FilledBy  string         `json:"filled_by"`
	StaffID   string         `json:"staff_id,omitempty"`
	StaffName string         `json:"staff_name,omitempty"`
	// Result is the score, present once submitted; Result.Version names the
	// instrument version that scored it.
	Result           *instrument.Result `json:"result,omitempty"`
	Supersedes       string             `json:"supersedes,omitempty"`
	CorrectionReason string             `json:"correction_reason,omitempty"`
	// SupersededBy is the submitted correction that replaces this one.
	SupersededBy string     `json:"superseded_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
}

// Current is a submitted response that no submitted correction replaces.
func (r *Response) Current() bool { return r.Status == StatusSubmitted && r.SupersededBy == "" }

// Filler is who fills a response in: the client in the portal, or a staff
// member administering it in the clinic.
type Filler struct {
	Kind    string
	StaffID string
}

// ValidOccasion reports whether o is an occasion holdspace schedules or
// ad hoc.
func ValidOccasion(o string) bool {
	switch {
	case o == safety.OccasionBaseline, o == safety.OccasionCourseEnd, o == OccasionAdHoc:
		return true
	case strings.HasPrefix(o, "pre_session:"):
		n, err := strconv.Atoi(strings.TrimPrefix(o, "pre_session:"))
		return err == nil && n > 0
	case strings.HasPrefix(o, "follow_up:"):
		return len(o) > len("follow_up:")
	}
	return false
}

// OccasionLabel says an occasion in words for staff and clients.
func OccasionLabel(o string) string {
	switch {
	case o == safety.OccasionBaseline:
		return "Baseline"
	case o == safety.OccasionCourseEnd:
		return "End of course"
	case o == OccasionAdHoc:
		return "Extra (not scheduled)"
	case strings.HasPrefix(o, "pre_session:"):
		return "Before medicine session " + strings.TrimPrefix(o, "pre_session:")
	case strings.HasPrefix(o, "follow_up:"):
		return "Follow-up " + followUpWords(strings.TrimPrefix(o, "follow_up:"))
	}
	return o
}

func followUpWords(label string) string {
	n, err := strconv.Atoi(label[:len(label)-1])
	if err != nil || n <= 0 {
		return label
	}
	unit := map[byte]string{'d': "day", 'w': "week", 'm': "month", 'y': "year"}[label[len(label)-1]]
	if unit == "" {
		return label
	}
	if n > 1 {
		unit += "s"
	}
	return fmt.Sprintf("at %d %s", n, unit)
}

// Start opens a draft for slot, or returns the open draft already there,
// so a client who comes back continues where they left off. A course slot
// already submitted is refused: a change to it is a correction. Ad hoc
// responses always start anew.
func Start(ctx context.Context, tx *store.Tx, cat *instrument.Catalog, practiceID, clientID string, slot Slot, by Filler, now time.Time) (*Response, error) {
	var ps clinic.Problems
	def, ok := cat.Get(slot.Instrument)
	switch {
	case !ok:
		ps.Add("instrument", "There is no instrument %q; choose one of the practice's questionnaires.", slot.Instrument)
	case by.Kind == FilledByClient && def.TotalOnly:
		ps.Add("instrument", "%s is scored by a clinician on the licensed form and is not offered in the portal.", def.ShortName)
	case by.Kind == FilledByClient && def.CompletedBy != instrument.CompletedByClient && slot.Occasion == OccasionAdHoc:
		// A clinician-administered scale (the C-SSRS screener) reaches the
		// portal only when the practice's schedule puts it there.
		ps.Add("instrument", "%s is given by a clinician unless the practice schedules it for the portal.", def.ShortName)
	}
	if !ValidOccasion(slot.Occasion) {
		ps.Add("occasion", "The occasion %q is not one of baseline, pre_session:N, course_end, follow_up:LABEL or ad_hoc.", slot.Occasion)
	}
	if slot.Occasion != OccasionAdHoc && slot.CourseID == "" && ValidOccasion(slot.Occasion) {
		ps.Add("course_id", "A scheduled occasion belongs to a course; name the course, or give the measure ad hoc.")
	}
	if slot.CourseID != "" {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM course WHERE id = ? AND client_id = ?`, slot.CourseID, clientID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			ps.Add("course_id", "This client has no such course.")
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if slot.Occasion != OccasionAdHoc {
		list, err := query(ctx, tx, `r.client_id = ? AND r.course_id = ? AND r.instrument = ? AND r.occasion = ?`, clientID, slot.CourseID, slot.Instrument, slot.Occasion)
		if err != nil {
			return nil, err
		}
		for i := range list {
			if list[i].Status == StatusDraft && list[i].Supersedes == "" {
				return &list[i], nil
			}
		}
		for _, r := range list {
			if r.Status == StatusSubmitted {
				ps.Add("occasion", "%s for %s was already submitted on %s; to change it, record a correction with a reason.",
					def.ShortName, strings.ToLower(OccasionLabel(slot.Occasion)), r.SubmittedAt.Format("2 Jan 2006"))
				return nil, ps
			}
		}
	}
	return insert(ctx, tx, practiceID, clientID, slot, by, nil, "", "", now)
}

func insert(ctx context.Context, tx *store.Tx, practiceID, clientID string, slot Slot, by Filler, answers map[string]int, supersedes, reason string, now time.Time) (*Response, error) {
	if answers == nil {
		answers = map[string]int{}
	}
	raw, _ := json.Marshal(answers)
	id := store.NewID()
	if _, err := tx.Exec(ctx, `INSERT INTO measure_response (id, practice_id, client_id, course_id, instrument, occasion, status, answers, filled_by, staff_id,
		supersedes, correction_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, clientID, nullable(slot.CourseID), slot.Instrument, slot.Occasion, StatusDraft, string(raw), by.Kind, nullable(by.StaffID),
		nullable(supersedes), reason, now.UTC(), now.UTC()); err != nil {
		return nil, err
	}
	return Load(ctx, tx, clientID, id)
}

// Load reads one response of the client.
func Load(ctx context.Context, tx *store.Tx, clientID, id string) (*Response, error) {
	list, err := query(ctx, tx, `r.client_id = ? AND r.id = ?`, clientID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	return &list[0], nil
}

// List reads every response of the client, oldest first.
func List(ctx context.Context, tx *store.Tx, clientID string) ([]Response, error) {
	return query(ctx, tx, `r.client_id = ?`, clientID)
}

const columns = `r.id, r.client_id, COALESCE(r.course_id, ''), r.instrument, r.occasion, r.status, r.answers, r.filled_by, COALESCE(r.staff_id, ''),
	COALESCE((SELECT full_name FROM staff WHERE id = r.staff_id), ''), r.result, COALESCE(r.supersedes, ''), r.correction_reason,
	COALESCE((SELECT MIN(n.id) FROM measure_response n WHERE n.supersedes = r.id AND n.status = 'submitted'), ''),
	r.created_at, r.updated_at, r.submitted_at`

func query(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Response, error) {
	rows, err := tx.Query(ctx, `SELECT `+columns+` FROM measure_response r WHERE `+where+` ORDER BY COALESCE(r.submitted_at, r.created_at), r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Response
	for rows.Next() {
		var r Response
		var answers, result string
		if err := rows.Scan(&r.ID, &r.ClientID, &r.CourseID, &r.Instrument, &r.Occasion, &r.Status, &answers, &r.FilledBy, &r.StaffID,
			&r.StaffName, &result, &r.Supersedes, &r.CorrectionReason, &r.SupersededBy, &r.CreatedAt, &r.UpdatedAt, &r.SubmittedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, fmt.Errorf("measure response %s answers: %w", r.ID, err)
		}
		if result != "" {
			r.Result = &instrument.Result{}
			if err := json.Unmarshal([]byte(result), r.Result); err != nil {
				return nil, fmt.Errorf("measure response %s result: %w", r.ID, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Visible drops answers to items the definition would not show, so a
// client who answers C-SSRS Q2 "yes", fills Q3-5, then changes Q2 to "no"
// does not submit questions they were never asked.
func Visible(def *instrument.Definition, answers map[string]int) map[string]int {
	out := map[string]int{}
	for _, it := range def.Items {
		v, ok := answers[it.ID]
		if !ok {
			continue
		}
		if it.ShowIf != nil {
			c, ok := out[it.ShowIf.Item]
			if !ok || c < it.ShowIf.AtLeast {
				continue
			}
		}
		out[it.ID] = v
	}
	if def.TotalOnly {
		if v, ok := answers[instrument.TotalKey]; ok {
			out[instrument.TotalKey] = v
		}
	}
	return out
}

// checkValues refuses an answer that is no option of its item; a draft may
// be incomplete but never hold a value the form could not offer.
func checkValues(def *instrument.Definition, answers map[string]int) error {
	var ps clinic.Problems
	for id, v := range answers {
		if def.TotalOnly && id == instrument.TotalKey {
			continue
		}
		it, ok := def.Item(id)
		if !ok {
			ps.Add(id, "%s has no item %q.", def.ShortName, id)
			continue
		}
		found := false
		for _, o := range it.Options {
			found = found || o.Value == v
		}
		if !found {
			ps.Add(id, "Question %s: %d is not one of its answers.", it.Number, v)
		}
	}
	return ps.Err()
}

// SaveDraft merges answers into a draft ("save and come back later").
func SaveDraft(ctx context.Context, tx *store.Tx, cat *instrument.Catalog, clientID, id string, answers map[string]int, now time.Time) (*Response, error) {
	r, def, err := openDraft(ctx, tx, cat, clientID, id)
	if err != nil {
		return nil, err
	}
	merged := merge(r.Answers, answers)
	if err := checkValues(def, merged); err != nil {
		return nil, err
	}
	// Answers to questions no longer due (an earlier answer changed) are
	// kept: the form asks them again if the earlier answer changes back,
	// and a yes among them reaches a clinician at submission.
	raw, _ := json.Marshal(merged)
	if _, err := tx.Exec(ctx, `UPDATE measure_response SET answers = ?, updated_at = ? WHERE id = ? AND status = ?`, string(raw), now.UTC(), id, StatusDraft); err != nil {
		return nil, err
	}
	return Load(ctx, tx, clientID, id)
}

func merge(old, answers map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range old {
		out[k] = v
	}
	for k, v := range answers {
		out[k] = v
	}
	return out
}

func openDraft(ctx context.Context, tx *store.Tx, cat *instrument.Catalog, clientID, id string) (*Response, *instrument.Definition, error) {
	r, err := Load(ctx, tx, clientID, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Status != StatusDraft {
		var ps clinic.Problems
		ps.Add("status", "This questionnaire was already submitted on %s and cannot change; a clinician can record a correction.", r.SubmittedAt.Format("2 Jan 2006"))
		return nil, nil, ps
	}
	def, ok := cat.Get(r.Instrument)
	if !ok {
		return nil, nil, fmt.Errorf("measure: response %s names unknown instrument %q", r.ID, r.Instrument)
	}
	return r, def, nil
}

// Submitted is a response just submitted, with the safety trigger its
// answers raise, if any. The caller raises the alert in the same
// transaction and shows the client the crisis resources.
type Submitted struct {
	Response *Response
	Trigger  *safety.Trigger
}

// Submit merges the last answers into the draft, scores it with the
// instrument and stores the score with the instrument's version; from then
// on it never changes. Unscorable answers come back as an
// *instrument.AnswerError naming every item (a missing PHQ-9 item 9 is
// never guessed). Submitting a correction leaves the original in place,
// marked superseded.
//
// Answers to questions that were not due after the answers before them
// are never dropped. With strictOrder (a whole set sent at once, as the
// API does) the set is refused with a *NotDueError naming each, carrying
// the alert a yes among them calls for. Without it (the portal's and the
// clinic's forms, where an earlier answer may have changed after a later
// one was given) the response is scored on the questions that were due,
// keeps every answer given, and a yes to a question not due raises a
// high-severity alert quoting them all.
func Submit(ctx context.Context, tx *store.Tx, cat *instrument.Catalog, clientID, id string, answers map[string]int, now time.Time, strictOrder bool) (Submitted, error) {
	r, def, err := openDraft(ctx, tx, cat, clientID, id)
	if err != nil {
		return Submitted{}, err
	}
	merged := merge(r.Answers, answers)
	if err := checkValues(def, merged); err != nil {
		return Submitted{}, err
	}
	nd := notDue(def, merged)
	held := notDueTrigger(def, nd, merged, now.UTC())
	if strictOrder && len(nd) > 0 {
		return Submitted{}, &NotDueError{Problems: notDueProblems(def, nd, merged), Trigger: held}
	}
	res, err := instrument.Score(def, Visible(def, merged))
	if err != nil {
		return Submitted{}, err
	}
	rawAnswers, _ := json.Marshal(merged)
	rawResult, _ := json.Marshal(res)
	var total, max any
	if res.HasTotal {
		total, max = res.Total, res.Max
	}
	at := now.UTC()
	if _, err := tx.Exec(ctx, `UPDATE measure_response SET status = ?, answers = ?, instrument_version = ?, total = ?, max_total = ?, band = ?, risk_level = ?,
		safety_positive = ?, result = ?, submitted_at = ?, updated_at = ? WHERE id = ? AND status = ?`,
		StatusSubmitted, string(rawAnswers), res.Version, total, max, res.Band, res.RiskLevel, res.SafetyPositive, string(rawResult), at, at, id, StatusDraft); err != nil {
		return Submitted{}, err
	}
	out := Submitted{}
	if out.Response, err = Load(ctx, tx, clientID, id); err != nil {
		return Submitted{}, err
	}
	if out.Trigger, err = triggerOf(def, out.Response); err != nil {
		return Submitted{}, err
	}
	out.Trigger = withNotDue(out.Trigger, held)
	return out, nil
}

// SafetyResponse puts a scored response in the plain values the safety
// rules read: each answered item with its number, LOINC code, wording and
// answer label.
func SafetyResponse(def *instrument.Definition, r *Response) safety.Response {
	sr := safety.Response{Instrument: def.Code}
	if r.FilledBy == FilledByStaff {
		sr.RecordedBy = r.StaffName
		if sr.RecordedBy == "" {
			sr.RecordedBy = "a staff member"
		}
	}
	if r.SubmittedAt != nil {
		sr.AnsweredAt = *r.SubmittedAt
	}
	if r.Result != nil {
		sr.RiskLevel = r.Result.RiskLevel
	}
	for _, it := range def.Items {
		v, ok := r.Answers[it.ID]
		if !ok {
			continue
		}
		ia := safety.ItemAnswer{Item: it.Number, LOINC: it.LOINC, Text: it.Text, Value: v}
		for _, o := range it.Options {
			if o.Value == v {
				ia.Label = o.Label
			}
		}
		sr.Items = append(sr.Items, ia)
	}
	return sr
}

// Correct opens a correction of a submitted response: a new draft with the
// same answers that names the one it supersedes and why. Only staff
// correct; the original stays on record.
func Correct(ctx context.Context, tx *store.Tx, practiceID, clientID, id, reason, staffID string, now time.Time) (*Response, error) {
	r, err := Load(ctx, tx, clientID, id)
	if err != nil {
		return nil, err
	}
	var ps clinic.Problems
	reason = strings.TrimSpace(reason)
	switch {
	case r.Status != StatusSubmitted:
		ps.Add("status", "Only a submitted response can be corrected; this one is still a draft.")
	case r.SupersededBy != "":
		ps.Add("status", "This response was already corrected; correct the newer one instead.")
	case reason == "":
		ps.Add("reason", "Say why the response is being corrected (for example, the client chose the wrong answer to question 3).")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	var open string
	err = tx.QueryRow(ctx, `SELECT id FROM measure_response WHERE supersedes = ? AND status = ?`, id, StatusDraft).Scan(&open)
	switch {
	case err == nil:
		return Load(ctx, tx, clientID, open)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	return insert(ctx, tx, practiceID, clientID, r.Slot, Filler{Kind: FilledByStaff, StaffID: staffID}, r.Answers, id, reason, now)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func problem(field, msg string) error {
	var ps clinic.Problems
	ps.Add(field, "%s", msg)
	return ps
}
