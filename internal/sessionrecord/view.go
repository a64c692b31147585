package sessionrecord

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// List lists the client's records, newest first. Runs under ClientRead.
func List(ctx context.Context, tx *store.Tx, clientID string) ([]Overview, error) {
	out, err := store.All(ctx, tx, func(r store.Scanner) (o Overview, err error) {
		var discharged, signed *time.Time
		if err := r.Scan(&o.ID, &o.CourseID, &o.CourseSessionID, &o.SessionNumber, &o.StartedAt, &discharged, &signed, &o.SignerName); err != nil {
			return o, err
		}
		o.Status = InProgress
		if discharged != nil {
			o.DischargedAt, o.Status = *discharged, Discharged
		}
		if signed != nil {
			o.SignedAt, o.Status = *signed, Signed
		}
		return o, nil
	}, `SELECT id, course_id, course_session_id, session_number, started_at, discharged_at, signed_at, signer_name
		FROM session_record WHERE client_id = ? ORDER BY started_at DESC, id`, clientID)
	if err != nil {
		return nil, err
	}
	return append([]Overview{}, out...), nil
}

// SharedSummaries lists the session summaries of the client's signed records, newest first:
// what the portal shows the client. Records not yet signed, process notes, vitals and doses are
// not in it. Runs under PortalUse (or ClientRead for staff looking at what the client sees).
func SharedSummaries(ctx context.Context, tx *store.Tx, clientID string) ([]Shared, error) {
	signed, err := store.All(ctx, tx, func(r store.Scanner) (s Shared, err error) {
		err = r.Scan(&s.RecordID, &s.SessionNumber, &s.SessionDate, &s.SignedBy, &s.SignedAt, &s.Summary)
		return s, err
	}, `SELECT r.id, r.session_number, r.started_at, r.signer_name, r.signed_at,
		COALESCE((SELECT n.body FROM session_note n WHERE n.record_id = r.id AND n.kind = 'summary' AND n.written_at <= r.signed_at
			ORDER BY n.written_at DESC, n.id DESC LIMIT 1), '')
		FROM session_record r WHERE r.client_id = ? AND r.signed_at IS NOT NULL ORDER BY r.started_at DESC, r.id`, clientID)
	if err != nil {
		return nil, err
	}
	// A record signed without a summary has nothing to show the client.
	return slices.DeleteFunc(append([]Shared{}, signed...), func(s Shared) bool { return s.Summary == "" }), nil
}

// Timeline lists every entry of the record in time order with who made it. Process notes are
// not in it.
func (r *Record) Timeline() []TimelineEntry {
	var out []TimelineEntry
	add := func(e TimelineEntry) { out = append(out, e) }
	add(TimelineEntry{At: r.StartedAt, Kind: "started", Text: fmt.Sprintf("Record of medicine session %d started.", r.SessionNumber), By: r.StartedBy, ID: r.ID})
	for _, c := range r.Clinicians {
		if c.ID != r.StartedBy.ID {
			add(TimelineEntry{At: c.JoinedAt, Kind: "joined", Text: c.Name + " joined the session.", By: c.Person, ID: c.ID})
		}
	}
	if c := r.Checklist; c != nil {
		text := fmt.Sprintf("Pre-dose checklist saved (version %d).", c.Version)
		if c.Intention != "" {
			text += " Intention: " + c.Intention
		}
		add(TimelineEntry{At: c.SavedAt, Kind: "checklist", Text: text, By: c.SavedBy})
	}
	for _, rd := range r.Readings {
		flag := ""
		if rd.Status != dosing.StatusNormal {
			flag = string(rd.Status)
		}
		text := "Vitals: " + readingText(rd)
		if rd.PreDose {
			text = "Pre-dose vitals: " + readingText(rd)
		}
		add(TimelineEntry{At: rd.TakenAt, Kind: "reading", Text: text, By: rd.By, Flag: flag, ID: rd.ID})
	}
	for _, o := range r.Overrides {
		add(TimelineEntry{At: o.At, Kind: "hold_override", Text: "Pre-dose hold overridden: " + o.Reason, By: o.By, ID: o.ID})
	}
	for _, d := range r.Doses {
		what := "Dose"
		if d.Additional {
			what = "Additional dose"
		}
		text := fmt.Sprintf("%s %s mg %s (%s %s, lot %s)", what, mg(d.DoseMg), d.Route.Label(), d.Product, d.Strength, d.Lot)
		if d.MgPerKg > 0 {
			text += fmt.Sprintf(", %s mg/kg at %s kg", mg(d.MgPerKg), mg(d.WeightKg))
		}
		add(TimelineEntry{At: d.GivenAt, Kind: "dose", Text: text + ".", By: d.GivenBy, ID: d.ID})
	}
	for _, m := range r.PreMedications {
		add(TimelineEntry{At: m.At, Kind: "premedication", Text: fmt.Sprintf("Pre-medication given: %s %s mg %s (the prescriber's order).", m.Order.Drug, mg(m.Order.DoseMg), m.Order.Route),
			By: m.GivenBy, ID: m.ID})
	}
	for _, a := range r.Authorisations {
		add(TimelineEntry{At: a.At, Kind: "dose_authorisation", Text: fmt.Sprintf("Additional dose of up to %s mg authorised beyond the plan: %s", mg(a.DoseMg), a.Reason),
			By: a.By, ID: a.ID})
	}
	for _, a := range r.Alerts {
		add(TimelineEntry{At: a.RaisedAt, Kind: "alert", Text: "Alert: " + a.Message, Flag: string(dosing.StatusAlarm), ID: a.ID})
		if a.AcknowledgedBy != nil {
			add(TimelineEntry{At: a.AcknowledgedAt, Kind: "alert_acknowledged", Text: "Alert acknowledged. Action taken: " + a.ActionTaken, By: *a.AcknowledgedBy, ID: a.ID})
		}
	}
	for _, e := range r.Observations {
		text := fmt.Sprintf("Observation: %s (%s)", e.Kind.Label(), e.Severity)
		if e.Description != "" {
			text += ": " + e.Description
		}
		add(TimelineEntry{At: e.At, Kind: "observation", Text: text, By: e.By, ID: e.ID})
	}
	for _, e := range r.Interventions {
		add(TimelineEntry{At: e.At, Kind: "intervention", Text: "Intervention: " + e.Description, By: e.By, ID: e.ID})
	}
	for _, e := range r.AdverseEvents {
		text := fmt.Sprintf("Adverse event (%s): %s. Outcome: %s", e.Severity, e.Description, e.Outcome)
		if e.FollowUp != "" {
			text += ". Follow-up: " + e.FollowUp
		}
		add(TimelineEntry{At: e.At, Kind: "adverse_event", Text: text, By: e.By, Flag: "alarm", ID: e.ID})
	}
	if n := r.Summary; n != nil {
		add(TimelineEntry{At: n.At, Kind: "summary", Text: "Session summary written.", By: n.Author, ID: n.ID})
	}
	if d := r.Discharge; d != nil {
		add(TimelineEntry{At: d.At, Kind: "discharge", Text: "Discharged: " + d.Check.Summary, By: d.By})
	}
	if s := r.Signature; s != nil {
		add(TimelineEntry{At: s.SignedAt, Kind: "signature", Text: "Signed by " + s.SignerName + " (" + string(s.Meaning) + ").", By: Person{ID: s.SignerID, Name: s.SignerName}})
	}
	for _, a := range r.Addenda {
		add(TimelineEntry{At: a.SignedAt, Kind: "addendum", Text: "Addendum: " + a.Text, By: Person{ID: a.SignerID, Name: a.SignerName}, ID: a.ID})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func readingText(rd Reading) string {
	var parts []string
	if rd.Systolic != nil && rd.Diastolic != nil {
		parts = append(parts, fmt.Sprintf("BP %d/%d", *rd.Systolic, *rd.Diastolic))
	}
	for _, m := range []struct {
		label string
		v     *int
		unit  string
	}{{"HR", rd.HeartRate, ""}, {"SpO2", rd.SpO2, "%"}, {"RR", rd.RespiratoryRate, ""}} {
		if m.v != nil {
			parts = append(parts, fmt.Sprintf("%s %d%s", m.label, *m.v, m.unit))
		}
	}
	return strings.Join(parts, ", ") + "."
}

// Chart is the plain data of a vitals chart: each reading's values and the dose times, from
// the record's start to its last entry (or now while in progress), with the practice's ranges.
func (r *Record) Chart(now time.Time) Chart {
	c := Chart{From: r.StartedAt, To: r.StartedAt, Readings: []ChartPoint{}, Doses: []ChartDose{}, Ranges: r.ranges}
	val := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	extend := func(t time.Time) {
		if t.Before(c.From) {
			c.From = t
		}
		if t.After(c.To) {
			c.To = t
		}
	}
	for _, rd := range r.Readings {
		c.Readings = append(c.Readings, ChartPoint{At: rd.TakenAt, Systolic: val(rd.Systolic), Diastolic: val(rd.Diastolic), HeartRate: val(rd.HeartRate),
			SpO2: val(rd.SpO2), RespiratoryRate: val(rd.RespiratoryRate), Status: rd.Status})
		extend(rd.TakenAt)
	}
	for _, d := range r.Doses {
		c.Doses = append(c.Doses, ChartDose{At: d.GivenAt, Mg: d.DoseMg})
		extend(d.GivenAt)
	}
	switch {
	case r.Discharge != nil:
		extend(r.Discharge.At)
	case r.Signature == nil && !now.IsZero():
		extend(now.In(c.From.Location()))
	}
	return c
}
