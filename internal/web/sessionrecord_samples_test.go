package web

import (
	"html/template"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/sessionrecord"
)

// sampleSession is a live record an hour in: checklist done, a hold
// overridden, two doses, readings with one alarm open, an observation.
func sampleSession(now time.Time, signed bool) *sessionPage {
	start := now.Add(-70 * time.Minute)
	sam := sessionrecord.Person{ID: "s1", Name: "Sam Okafor"}
	rx := sessionrecord.Person{ID: "s2", Name: "Dr. Priya Raman"}
	m := dosing.Measured
	reading := func(id string, min int, sys, dia, hr, sp, rr int, st dosing.VitalStatus, pre bool) sessionrecord.Reading {
		rd := sessionrecord.Reading{ID: id, TakenAt: start.Add(time.Duration(min) * time.Minute), PreDose: pre, Systolic: m(sys), Diastolic: m(dia),
			HeartRate: m(hr), SpO2: m(sp), RespiratoryRate: m(rr), Status: st, By: sam}
		rd.Measures = dosing.Classify(rd.Dosing(), dosing.DefaultRanges(), dosing.DefaultAlarm())
		return rd
	}
	w := &dosing.Weight{Kg: 70.3, MeasuredOn: start.AddDate(0, 0, -20)}
	rec := &sessionrecord.Record{ID: "r1", ClientID: "c1", CourseID: "k1", CourseSessionID: "cs4", SessionNumber: 4, Route: dosing.RouteSublingualRDT,
		PlannedMg: 200, Limit: dosing.Limit{Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4.5}, SessionMaxMg: 300, Weight: w,
		Status: sessionrecord.InProgress, StartedAt: start, StartedBy: sam, Version: 12,
		Clinicians: []sessionrecord.Clinician{{Person: sam, JoinedAt: start}, {Person: rx, JoinedAt: start.Add(8 * time.Minute)}},
		Checklist: &sessionrecord.Checklist{PreDoseChecklist: dosing.PreDoseChecklist{IdentityConfirmed: true, LastFoodAt: start.Add(-5 * time.Hour),
			LastLiquidAt: start.Add(-time.Hour), EscortPresent: true, EscortName: "Jordan Rivera", EscortPhone: "+1 555 0199", NoDrivingAcknowledged: true,
			SubstancesAsked: true, Intention: "To meet the grief with less fear."}, Version: 2, SavedBy: sam, SavedAt: start.Add(5 * time.Minute)},
		Readings: []sessionrecord.Reading{
			reading("rd0", 2, 182, 96, 78, 98, 14, dosing.StatusOutOfRange, true),
			reading("rd1", 12, 168, 94, 76, 98, 14, dosing.StatusOutOfRange, true),
			reading("rd2", 30, 150, 92, 84, 97, 15, dosing.StatusOutOfRange, false),
			reading("rd3", 45, 186, 104, 96, 96, 16, dosing.StatusAlarm, false),
			reading("rd4", 60, 138, 86, 80, 98, 14, dosing.StatusNormal, false),
		},
		Doses: []sessionrecord.Administration{
			{ID: "d1", Product: "Ketamine RDT", Strength: "100 mg", Lot: "K2291", Route: dosing.RouteSublingualRDT, DoseMg: 200, WeightKg: 70.3, MgPerKg: 2.84,
				GivenAt: start.Add(15 * time.Minute), GivenBy: rx, RecordedBy: sam},
			{ID: "d2", Product: "Ketamine RDT", Strength: "50 mg", Lot: "K2291", Route: dosing.RouteSublingualRDT, DoseMg: 50, WeightKg: 70.3, MgPerKg: 3.56,
				GivenAt: start.Add(40 * time.Minute), GivenBy: rx, Additional: true, RecordedBy: sam},
		},
		Hold:   sessionrecord.HoldState{Overridden: &sessionrecord.Override{ID: "o1", By: rx, Reason: "Anxious on arrival; 168/94 after rest, known white-coat pattern.", At: start.Add(13 * time.Minute)}},
		Alerts: []sessionrecord.Alert{{ID: "a1", ReadingID: "rd3", Message: "Systolic 186 mmHg is above the alarm threshold of 180 mmHg.", RaisedAt: start.Add(45 * time.Minute), Open: true}},
		Observations: []sessionrecord.Event{{ID: "e1", Category: sessionrecord.CategoryObservation, Kind: sessionrecord.Dissociation, Severity: sessionrecord.Moderate,
			Description: "Eyes closed, calm, describes floating.", At: start.Add(35 * time.Minute), By: sam}},
		Interventions: []sessionrecord.Event{{ID: "e2", Category: sessionrecord.CategoryIntervention, Description: "Ondansetron 4 mg ODT given.", At: start.Add(50 * time.Minute), By: rx}},
		Summary:       &sessionrecord.Note{ID: "n1", Text: "You worked with the grief today and stayed with it.", Author: sam, At: start.Add(62 * time.Minute)},
		ProcessNotes:  []sessionrecord.ProcessNoteRef{{ID: "p1", Author: sam, At: start.Add(64 * time.Minute)}},
		GivenMg:       250, OpenAlerts: 1,
		NextReading: &dosing.NextReading{DueAt: start.Add(75 * time.Minute), IntervalMinutes: 15},
		DischargeCheck: &dosing.DischargeCheck{Criteria: []dosing.DischargeCriterion{
			{ID: dosing.CriterionObservationTime, Label: "Observed for at least 120 minutes after the last dose", Needed: "80 minutes to go."},
			{ID: dosing.CriterionVitalsNearBaseline, Label: "Vitals near the pre-dose baseline", Met: true},
			{ID: dosing.CriterionAlertOriented, Label: "Alert and oriented", Needed: "Confirm at the bedside."},
		}},
	}
	if signed {
		rec.Alerts[0].Open, rec.Alerts[0].ActionTaken, rec.Alerts[0].AcknowledgedBy = false, "Rested, repeated in 5 min.", &rx
		rec.Discharge = &sessionrecord.DischargeRecord{At: start.Add(150 * time.Minute), By: sam}
		rec.Status = sessionrecord.Signed
		rec.Signature = &sessionrecord.Signature{SignerID: "s1", SignerName: "Sam Okafor, LCSW", SignedAt: start.Add(160 * time.Minute),
			Meaning: sessionrecord.MeaningAuthor, Hash: strings.Repeat("ab12", 16)}
		rec.Addenda = []sessionrecord.Addendum{{ID: "ad1", Text: "Client called next day: slept well.", Signature: sessionrecord.Signature{SignerName: "Sam Okafor, LCSW", SignedAt: start.AddDate(0, 0, 1)}}}
		rec.NextReading, rec.DischargeCheck = nil, nil
	}
	booked := start
	c := &course.Course{ID: "k1", ClientID: "c1", Route: dosing.RouteSublingualRDT, Course: dosing.Course{Status: dosing.CourseActive, PlannedSessions: 6}}
	d := &sessionPage{Nav: chartNav{Client: clinic.Client{ID: "c1", LegalName: "Alex Rivera", PreferredName: "Alex", Pronouns: "they/them"}, Current: "courses"},
		Booking: sessionrecord.Booking{Course: c, Session: course.Session{ID: "cs4", Number: 4, ScheduledAt: &booked, Status: dosing.SessionBooked}, PlannedMg: 200},
		Record:  rec, Settings: dosing.DefaultSettings(), Now: now, Base: "/clients/c1/sessions/cs4", Viewer: "s1",
		Kinds: sessionrecord.ObservationKinds(), Severities: sessionrecord.Severities(), Routes: dosing.Routes(),
		Can:              sessionCan{Write: true, Override: true, Sign: true, ProcessNotes: true},
		ClinicianOptions: []string{"s1", "Sam Okafor", "s2", "Dr. Priya Raman"}, GiverOptions: []string{"s1", "Sam Okafor", "s2", "Dr. Priya Raman"},
		Questionnaires: []portalDue{{Due: measure.Due{Status: safety.StatusOverdue}, Name: "PHQ-9"}},
		ProcessNotes:   []sessionrecord.ProcessNote{{ProcessNoteRef: rec.ProcessNotes[0], Text: "Countertransference: my own father's illness."}},
		Timeline: []sessionrecord.TimelineEntry{{At: start, Kind: "started", Text: "Record started", By: sam},
			{At: start.Add(45 * time.Minute), Kind: "reading", Text: "186/104 mmHg, HR 96, SpO2 96%, RR 16", Flag: "alarm", By: sam}},
	}
	d.Chart, d.ChartText = sessionChart(rec, d.Settings.Vitals.Ranges, now.Location(), "vitals")
	if rec.NextReading != nil {
		d.Due = dueLine(*rec.NextReading, now)
	}
	return d
}

func init() {
	now := time.Date(2026, 11, 23, 15, 10, 0, 0, time.UTC)
	live := sampleSession(now, false)
	f := NewForm(nil)
	sessionDefaults(f, live, "")
	live.selects(f)
	addSamples(map[string]any{
		"sessionrecord_live":           live,
		"sessionrecord_portal_list":    portalSessionsPage{Sessions: []sessionrecord.SharedSession{{Shared: sessionrecord.Shared{RecordID: "r1", SessionNumber: 3, SessionDate: now, Summary: "Today you...", SignedBy: "Sam Okafor, LCSW", SignedAt: now}, SessionID: "cs3"}}},
		"sessionrecord_portal_session": portalSessionPage{Session: sessionrecord.SharedSession{Shared: sessionrecord.Shared{RecordID: "r1", SessionNumber: 3, SessionDate: now, Summary: "Today you stayed with the grief.", SignedBy: "Sam Okafor, LCSW", SignedAt: now}, SessionID: "cs3"}, Aftercare: "Rest today. Call 988 at any hour."},
	})
}

// sessionTemplates parses this area's pages alone, so a broken page
// elsewhere does not hide what this test checks.
func sessionTemplates() (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}}
	for _, name := range []string{"sessionrecord_live", "sessionrecord_portal_list", "sessionrecord_portal_session"} {
		p, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		t.pages[name] = p
	}
	return t, nil
}

// The live record and the signed record render from sample data; with
// PAGES_DUMP set they are written out for a look in a browser.
func TestSessionRecordPagesRender(t *testing.T) {
	tmpl, err := sessionTemplates()
	if err != nil {
		t.Fatal(err)
	}
	zone, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 23, 15, 10, 0, 0, time.UTC).In(zone)
	unstarted := sampleSession(now, false)
	unstarted.Record = nil
	unstarted.StartRefusals = []dosing.Refusal{{Rule: dosing.RuleSpacing, Message: "Session 3 was held on Sat 21 Nov 2026 10:00; the course needs 48 hours between medicine sessions, so this one can start from Mon 23 Nov 2026 10:00."}}
	refused := sampleSession(now, false)
	rf := NewForm(url.Values{"dose.dose_mg": {"120"}})
	rf.Fail("dose.dose_mg", "Dose 120 mg takes the session to 370 mg (5.26 mg/kg), above the prescriber's maximum for sublingual RDT of 300 mg and 4.5 mg/kg (316.35 mg at 70.3 kg).")
	rf.Fail("dose.gate", "An alert is open: acknowledge it before another dose.")
	for name, c := range map[string]struct {
		d    *sessionPage
		form *Form
		open string
		want []string
	}{
		"live":      {sampleSession(now, false), nil, "", []string{"data-session-live", "Next reading due at", "needs acknowledgement", "Hold overridden", "2.84 mg/kg", "private to you", "Countertransference", "<svg", "Refresh"}},
		"signed":    {sampleSession(now, true), nil, "", []string{"Signed by", "Sam Okafor, LCSW", "Addenda", "Client called next day", "<svg"}},
		"unstarted": {unstarted, nil, "", []string{"cannot start yet", "48 hours"}},
		"refused":   {refused, rf, "dose.", []string{`value="120"`, "316.35 mg", `id="f-dose-gate"`, "acknowledge it before another dose"}},
	} {
		t.Run(name, func(t *testing.T) {
			form := c.form
			if form == nil {
				form = NewForm(nil)
			}
			c.d.Open = c.open
			c.d.Unplaced = unplacedErrors(form, c.open)
			sessionDefaults(form, c.d, c.open)
			c.d.selects(form)
			p := &Page{Title: "Medicine session 4", Version: "test", AssetVersion: "test", Zone: zone, Actor: "Sam Okafor", PracticeName: "Stillwater",
				Nav: []NavItem{{Label: "Clients", Href: "/clients", Current: true}, {Label: "Courses", Href: "/courses"}}, Form: form, Data: c.d}
			rec := httptest.NewRecorder()
			if err := tmpl.Render(rec, 200, "sessionrecord_live", p); err != nil {
				t.Fatal(err)
			}
			body := rec.Body.String()
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			if strings.Contains(body, "ZgotmplZ") {
				t.Error("ZgotmplZ in the page")
			}
			if dir := os.Getenv("PAGES_DUMP"); dir != "" {
				os.MkdirAll(dir, 0o755)
				os.WriteFile(filepath.Join(dir, "sample_session_"+name+".html"), []byte(body), 0o644)
			}
		})
	}
}
