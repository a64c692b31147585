package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/chart"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/safety"
	"holdspace/internal/schedule"
	"holdspace/internal/sessionrecord"
)

// extraSamples holds the samples other files add in an init function.
var extraSamples = map[string]any{}

func addSamples(m map[string]any) {
	for k, v := range m {
		extraSamples[k] = v
	}
}

// samples gives every page template data shaped as its handler gives it.
// A new page needs a sample here, or TestEveryTemplateExecutes fails.
func samples() map[string]any {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera", PreferredName: "Alex", Pronouns: "they/them", DateOfBirth: "1988-04-12",
		Email: "alex@client.example", Phone: "+1 555 0101", TimeZone: "America/New_York", CreatedAt: at, Portal: clinic.PortalInvited}
	team := []clinic.CareTeamMember{{StaffID: "s1", Name: "Sam Okafor", Credentials: "LCSW", Role: "therapist"}}
	pending := access.PendingTOTP{TOTPEnrolment: access.TOTPEnrolment{Secret: "JBSWY3DPEHPK3PXP", QRData: "data:image/png;base64,iVBORw0KGgo="}, Sealed: "c2VhbGVk"}
	disclosures := []chart.Says{{Disclosure: clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Sam Okafor", Action: "client.read", Outcome: "allowed", Reason: "on the client's care team"},
		Sentence: "Sam Okafor opened Alex Rivera’s chart."},
		{Disclosure: clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Elena Brooks", Action: "client.read", Outcome: "denied", Reason: "not on the client's care team"},
			Sentence: "Refused: Elena Brooks opened Alex Rivera’s chart."}}
	return map[string]any{
		"error":          errorData{"Page not found", "There is nothing at this address."},
		"signin":         map[string]any{"NoPractice": true},
		"signin_code":    map[string]any{"Method": "email"},
		"mfa_setup":      map[string]any{"Pending": pending, "EmailAllowed": true, "Required": true, "Current": "totp", "IsClient": true},
		"recovery_codes": map[string]any{"Codes": []string{"abcde-fghjk", "mnpqr-stuvw"}, "Lead": "Your authenticator app is set up."},
		"account": map[string]any{"Email": "sam@example.org", "Method": "totp", "CodesLeft": 2,
			"Sessions": []access.SessionInfo{{Current: true, CreatedAt: at, LastSeenAt: at, Address: "127.0.0.1", UserAgent: "Firefox"}}},
		"password":      nil,
		"set_password":  map[string]any{"Email": "sam@example.org", "Purpose": "invite"},
		"reset_request": nil,
		"clients":       map[string]any{"Clients": []clinic.Client{client}, "Query": "al", "All": false},
		"chart": chartData{Client: client, Team: team, Readiness: dosing.Readiness(dosing.ReadinessFacts{IntakeSubmitted: true}), CanManage: true, BreakGlass: true, RoleOptions: access.CareTeamRoles,
			Staff: []clinic.StaffMember{{ID: "s1", Name: "Sam Okafor", Roles: []string{"therapist"}}},
			Treatment: chartTreatment{
				Course:  &course.Course{ID: "k1", IndicationCode: "F33.1", Route: dosing.RouteSublingualRDT, Course: dosing.Course{Status: dosing.CourseActive}, Doses: []course.Dose{{Number: 1, Mg: 100}}, Stalled: true, StallReason: "Nothing booked for 9 days."},
				Session: &course.Session{ID: "cs1", Number: 2, ScheduledAt: &sampleTime, Status: dosing.SessionBooked}, Today: true,
				Alerts: []alert.Alert{{Alert: safety.Alert{ID: "a1", Trigger: safety.Trigger{Severity: safety.SeverityHigh}, State: safety.AlertRaised, RaisedAt: sampleTime}}},
			}},
		"chart_denied": map[string]any{"ID": "c1", "Reason": "not on the client's care team"},
		"break_glass":  map[string]any{"ID": "c1", "Hours": 4},
		"disclosures":  map[string]any{"Client": client, "List": disclosures, "Outside": disclosures[:1], "Zone": time.UTC, "Portal": false},
		"portal": map[string]any{"Client": client, "Team": team, "Greeting": "Good afternoon", "Name": "Alex", "Next": portalNext{
			Questionnaires: 2, Crisis: safety.USCrisisResources(),
			Appointment: &schedule.Appointment{Kind: schedule.MedicineSession, Start: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC), RoomName: "Cedar room"},
			CheckIns:    []alert.CheckIn{{ID: "c1", Session: 3}},
			Summary:     &sessionrecord.Shared{RecordID: "r1", SessionNumber: 3, SessionDate: time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)},
		}},
	}
}

func TestEveryTemplateExecutes(t *testing.T) {
	tmpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	zone, _ := time.LoadLocation("America/New_York")
	data := samples()
	for k, v := range adminSamples() {
		data[k] = v
	}
	for k, v := range extraSamples {
		data[k] = v
	}
	for _, name := range tmpl.Pages() {
		t.Run(name, func(t *testing.T) {
			sample, ok := data[name]
			if !ok {
				t.Fatalf("no sample data for the page %q: add one to samples()", name)
			}
			form := NewForm(url.Values{"email": {"typed@example.org"}, "password": {"secret"}})
			form.Fail("email", "Give an email address such as name@example.org.")
			p := &Page{Title: name, Version: "test", RequestID: "0123456789abcdef", PracticeName: "Stillwater", Zone: zone,
				Actor: "Sam Okafor", Nav: []NavItem{{Label: "Clients", Href: "/clients", Current: true}},
				Banners: []Banner{{Kind: "danger", Text: "A safety alert is open.", Href: "/alerts", Link: "See it"}},
				Flash:   &Flash{Kind: "ok", Text: "Saved."}, IdleSeconds: 900, Form: form, Data: sample}
			rec := httptest.NewRecorder()
			if err := tmpl.Render(rec, 200, name, p); err != nil {
				t.Fatal(err)
			}
			body := rec.Body.String()
			for _, want := range []string{"<!doctype html>", "</html>", "0123456789abcdef", "Saved."} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			if strings.Contains(body, "ZgotmplZ") {
				t.Error("html/template refused a value as unsafe (ZgotmplZ): pass it in a safe form")
			}
			if strings.Contains(body, `value="secret"`) {
				t.Error("a password was written back into the page")
			}
		})
	}
}

// A refused form keeps what was typed and puts each message beside its
// field, linked from the summary.
func TestFormKeepsWhatWasTypedAndNamesTheField(t *testing.T) {
	tmpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	form := NewForm(url.Values{"email": {"not-an-address"}, "password": {"hunter2"}})
	form.Fail("email", "Give an email address such as name@example.org.")
	rec := httptest.NewRecorder()
	p := &Page{Form: form, Zone: time.UTC, Data: map[string]any{}}
	if err := tmpl.Render(rec, 422, "signin", p); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for _, want := range []string{`value="not-an-address"`, `aria-invalid="true"`, `id="f-email-error"`, `href="#f-email"`, "Please check one thing"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if strings.Contains(body, "hunter2") {
		t.Error("the password was sent back")
	}
}

// sampleTime is a fixed moment for samples that need a time.
var sampleTime = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
