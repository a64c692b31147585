package sessionrecord

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// maxText bounds free text so a paste cannot fill the database.
const maxText = 10000

func text(p *problems, field, v, what string, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		p.add(field, "Write "+what+".")
	case utf8.RuneCountInString(v) > maxText:
		p.add(field, fmt.Sprintf("Keep %s under %d characters.", what, maxText))
	}
	return v
}

// SaveChecklist saves a new version of the pre-dose checklist. baseVersion is the version the
// clinician started from (0 for the first save); when someone saved since, the save is
// refused (ReasonStale) naming who and when, so two clinicians never overwrite each other
// silently. Gaps in the checklist do not stop a save: they stop the first dose. Runs under
// SessionRecordWrite.
func SaveChecklist(ctx context.Context, tx *store.Tx, clientID, recordID string, baseVersion int64, c dosing.PreDoseChecklist, by string, now time.Time) (*Checklist, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var current int64
	var savedBy string
	var savedAt time.Time
	err = tx.QueryRow(ctx, `SELECT version, COALESCE((SELECT full_name FROM staff WHERE id = saved_by), ''), saved_at FROM session_checklist
		WHERE record_id = ? ORDER BY version DESC LIMIT 1`, h.id).Scan(&current, &savedBy, &savedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if baseVersion != current {
		msg := fmt.Sprintf("%s saved the checklist at %s (version %d) after the version you started from (version %d). Reload to see their answers, then save yours again.",
			savedBy, savedAt.In(now.Location()).Format("15:04"), current, baseVersion)
		if current < baseVersion {
			msg = fmt.Sprintf("There is no checklist version %d to save over; the latest is version %d. Reload and save again.", baseVersion, current)
		}
		return nil, refused(ReasonStale, "version", msg)
	}
	var p problems
	c.EscortName = text(&p, "checklist.escort_name", c.EscortName, "the escort's name", false)
	c.EscortPhone = text(&p, "checklist.escort_phone", c.EscortPhone, "the escort's phone", false)
	c.Intention = text(&p, "checklist.intention", c.Intention, "the intention", false)
	switch c.Pregnancy {
	case dosing.PregnancyNotAsked, dosing.PregnancyNotPregnant, dosing.PregnancyPregnant, dosing.PregnancyUnsure:
	default:
		p.add("checklist.pregnancy", "Choose not pregnant, pregnant or unsure.")
	}
	for _, t := range []struct {
		field string
		at    time.Time
	}{{"last_food_at", c.LastFoodAt}, {"last_liquid_at", c.LastLiquidAt}, {"last_alcohol_at", c.LastAlcoholAt}, {"last_benzodiazepine_at", c.LastBenzodiazepineAt}} {
		if t.at.After(now.Add(time.Minute)) {
			p.add("checklist."+t.field, fmt.Sprintf("The time %s is later than now; enter when it was.", t.at.In(now.Location()).Format("2 Jan 15:04")))
		}
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	body, err := json.Marshal(checklistIn(c, func(t time.Time) time.Time { return t.UTC() }))
	if err != nil {
		return nil, err
	}
	out := &Checklist{PreDoseChecklist: c, Version: current + 1, SavedBy: Person{ID: by}, SavedAt: now}
	_, err = tx.Exec(ctx, `INSERT INTO session_checklist (id, record_id, practice_id, client_id, version, body, saved_by, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		store.NewID(), h.id, h.practiceID, h.clientID, out.Version, string(body), by, now.UTC())
	return out, err
}

// plausible bounds refuse typing slips (a missing or extra digit), not clinical values.
var plausible = map[dosing.Measure][2]int{
	dosing.MeasureSystolic: {40, 300}, dosing.MeasureDiastolic: {20, 200}, dosing.MeasureHeartRate: {20, 250},
	dosing.MeasureSpO2: {50, 100}, dosing.MeasureRespiratoryRate: {4, 70},
}

// AddReading appends a set of vitals. Each reading is compared with the practice's ranges;
// one beyond an alarm threshold raises an alert that stays open until someone in the session
// acknowledges it with the action taken (KAP.md §1 Vitals). Runs under SessionRecordWrite.
func AddReading(ctx context.Context, tx *store.Tx, clientID, recordID string, in ReadingInput, by string, now time.Time) (*Reading, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	at := entryTime("taken_at", in.TakenAt, h, now, &p)
	rd := dosing.Reading{At: at, Systolic: in.Systolic, Diastolic: in.Diastolic, HeartRate: in.HeartRate, SpO2: in.SpO2, RespiratoryRate: in.RespiratoryRate}
	if rd.Empty() {
		p.add("reading", "Enter at least one measure: blood pressure, heart rate, SpO2 or respiratory rate.")
	}
	for _, m := range dosing.Measures() {
		v, ok := rd.Value(m)
		if !ok {
			continue
		}
		if b := plausible[m]; v < b[0] || v > b[1] {
			p.add(string(m), fmt.Sprintf("%s %d is outside what can be measured (%d–%d %s); check the number.", m.Label(), v, b[0], b[1], m.Unit()))
		}
	}
	if (in.Systolic == nil) != (in.Diastolic == nil) {
		p.add("systolic", "Enter both blood pressure numbers, systolic and diastolic.")
	} else if in.Systolic != nil && *in.Systolic <= *in.Diastolic {
		p.add("diastolic", fmt.Sprintf("Diastolic %d is not below systolic %d; check the numbers.", *in.Diastolic, *in.Systolic))
	}
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	s, err := h.settings(ctx, tx)
	if err != nil {
		return nil, err
	}
	measures := dosing.Classify(rd, s.Vitals.Ranges, s.Vitals.Alarm)
	out := &Reading{ID: store.NewID(), TakenAt: at, Systolic: in.Systolic, Diastolic: in.Diastolic, HeartRate: in.HeartRate, SpO2: in.SpO2,
		RespiratoryRate: in.RespiratoryRate, Status: dosing.Worst(measures), Measures: measures, By: Person{ID: by}}
	_, err = tx.Exec(ctx, `INSERT INTO session_reading (id, record_id, practice_id, client_id, taken_at, systolic, diastolic, heart_rate, spo2, respiratory_rate,
		status, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		out.ID, h.id, h.practiceID, h.clientID, at.UTC(), in.Systolic, in.Diastolic, in.HeartRate, in.SpO2, in.RespiratoryRate, string(out.Status), by, now.UTC())
	if err != nil {
		return nil, err
	}
	if out.Status == dosing.StatusAlarm {
		var msgs []string
		for _, m := range measures {
			if m.Status == dosing.StatusAlarm {
				msgs = append(msgs, m.Message)
			}
		}
		msg := fmt.Sprintf("Reading at %s: %s", at.Format("15:04"), strings.Join(msgs, " "))
		out.AlertID = store.NewID()
		_, err = tx.Exec(ctx, `INSERT INTO session_alert (id, record_id, practice_id, client_id, reading_id, message, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			out.AlertID, h.id, h.practiceID, h.clientID, out.ID, msg, now.UTC())
	}
	return out, err
}

// AcknowledgeAlert closes an open alert with the action taken. Anyone recording in the
// session may; the alert keeps who and when. Runs under SessionRecordWrite.
func AcknowledgeAlert(ctx context.Context, tx *store.Tx, clientID, recordID, alertID, action, by string, now time.Time) error {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return err
	}
	var p problems
	action = text(&p, "action", action, "the action taken", true)
	if !p.empty() {
		return p.err(ReasonInvalid)
	}
	res, err := tx.Exec(ctx, `UPDATE session_alert SET acknowledged_by = ?, acknowledged_at = ?, action_taken = ? WHERE id = ? AND record_id = ? AND acknowledged_at IS NULL`,
		by, now.UTC(), action, alertID, h.id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	var who string
	var at *time.Time
	err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT full_name FROM staff WHERE id = acknowledged_by), ''), acknowledged_at FROM session_alert WHERE id = ? AND record_id = ?`,
		alertID, h.id).Scan(&who, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return refused(ReasonStale, "alert", fmt.Sprintf("%s already acknowledged this alert at %s.", who, at.In(now.Location()).Format("15:04")))
}

// OverrideHold records a prescriber's override of the pre-dose hold, with a reason (KAP.md §1
// Vitals: only a prescriber overrides, with a reason; dosing.OverrideHold). Refused when
// nothing is held. by must hold the prescriber role. Runs under HoldOverride.
func OverrideHold(ctx context.Context, tx *store.Tx, clientID, recordID, reason, by string, now time.Time) (*Override, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var name string
	if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, by).Scan(&name); err != nil {
		return nil, err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role WHERE staff_id = ? AND role = 'prescriber'`, by).Scan(&n); err != nil {
		return nil, err
	}
	role := dosing.RoleTherapist
	if n > 0 {
		role = dosing.RolePrescriber
	}
	o, rs := dosing.OverrideHold(name, role, reason, now)
	if len(rs) > 0 {
		var p problems
		for _, r := range rs {
			field := "reason"
			if r.Rule != dosing.RuleOverrideReason {
				field = "hold"
			}
			p.rule(field, r)
		}
		return nil, p.err(ReasonRule)
	}
	r, err := load(ctx, tx, h, View{StaffID: by, Now: now})
	if err != nil {
		return nil, err
	}
	if !r.Hold.Held {
		msg := "Nothing is held, so there is nothing to override. " + r.Hold.Message
		if len(r.Doses) > 0 {
			msg = "Dosing is under way; the pre-dose hold no longer applies."
		}
		return nil, refused(ReasonRule, "hold", msg)
	}
	out := &Override{ID: store.NewID(), By: Person{ID: by, Name: name}, Reason: o.Reason, At: now}
	_, err = tx.Exec(ctx, `INSERT INTO session_event (id, record_id, practice_id, client_id, category, description, occurred_at, staff_id, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, h.id, h.practiceID, h.clientID, string(categoryOverride), o.Reason, now.UTC(), by, now.UTC())
	return out, err
}

// AddObservation appends an observation (dissociation, nausea, anxiety, or other with a
// description) with its severity. Runs under SessionRecordWrite.
func AddObservation(ctx context.Context, tx *store.Tx, clientID, recordID string, in ObservationInput, by string, now time.Time) (*Event, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	e := Event{Category: CategoryObservation, Kind: in.Kind, Severity: in.Severity}
	e.At = entryTime("at", in.At, h, now, &p)
	switch in.Kind {
	case Dissociation, Nausea, Anxiety:
		e.Description = text(&p, "text", in.Text, "the observation", false)
	case Other:
		e.Description = text(&p, "text", in.Text, "what was observed", true)
	default:
		p.add("kind", "Choose what was observed: dissociation, nausea, anxiety or other.")
	}
	checkSeverity(&p, in.Severity)
	return addEvent(ctx, tx, h, e, &p, by, now)
}

// AddIntervention appends an intervention, such as "ondansetron 4 mg sublingual". Runs under
// SessionRecordWrite.
func AddIntervention(ctx context.Context, tx *store.Tx, clientID, recordID string, in InterventionInput, by string, now time.Time) (*Event, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	e := Event{Category: CategoryIntervention}
	e.At = entryTime("at", in.At, h, now, &p)
	e.Description = text(&p, "text", in.Text, "what was done (for example, ondansetron 4 mg given)", true)
	return addEvent(ctx, tx, h, e, &p, by, now)
}

// AddAdverseEvent appends an adverse event with its severity, outcome and follow-up. Runs
// under SessionRecordWrite.
func AddAdverseEvent(ctx context.Context, tx *store.Tx, clientID, recordID string, in AdverseEventInput, by string, now time.Time) (*Event, error) {
	h, err := begin(ctx, tx, clientID, recordID, by, now)
	if err != nil {
		return nil, err
	}
	var p problems
	e := Event{Category: CategoryAdverseEvent, Severity: in.Severity}
	e.At = entryTime("at", in.At, h, now, &p)
	e.Description = text(&p, "description", in.Description, "what happened", true)
	e.Outcome = text(&p, "outcome", in.Outcome, "the outcome", true)
	e.FollowUp = text(&p, "follow_up", in.FollowUp, "the follow-up", false)
	checkSeverity(&p, in.Severity)
	return addEvent(ctx, tx, h, e, &p, by, now)
}

func checkSeverity(p *problems, s Severity) {
	switch s {
	case Mild, Moderate, Severe:
	default:
		p.add("severity", "Choose the severity: mild, moderate or severe.")
	}
}

func addEvent(ctx context.Context, tx *store.Tx, h *head, e Event, p *problems, by string, now time.Time) (*Event, error) {
	if !p.empty() {
		return nil, p.err(ReasonInvalid)
	}
	e.ID, e.By = store.NewID(), Person{ID: by}
	_, err := tx.Exec(ctx, `INSERT INTO session_event (id, record_id, practice_id, client_id, category, kind, severity, description, outcome, follow_up,
		occurred_at, staff_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, h.id, h.practiceID, h.clientID, string(e.Category), string(e.Kind), string(e.Severity), e.Description, e.Outcome, e.FollowUp,
		e.At.UTC(), by, now.UTC())
	if err != nil {
		return nil, err
	}
	return &e, nil
}
