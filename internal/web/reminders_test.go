package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"holdspace/internal/reminder"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// The reminder texts are the practice administrators' pages, like the
// access settings. The medicine settings are clinical: administrators,
// prescribers and clinical leads read them; only prescribers and clinical
// leads change them (the demo owner is no prescriber; the other practice's
// owner is). A discharge exception is a prescriber's on the care team.
func init() {
	admin := []string{signin, deny, deny, allow, deny, deny, deny, deny, allow, deny}
	addRoutes(map[string][]string{
		"GET /admin/reminders":                           admin,
		"POST /admin/reminders":                          admin,
		"GET /admin/medicine-settings":                   {signin, deny, deny, allow, allow, deny, deny, deny, allow, deny},
		"POST /admin/medicine-settings":                  {signin, deny, deny, deny, allow, deny, deny, deny, allow, deny},
		"GET /api/v1/settings/medicine":                  {unauth, unauth, unauth, allow, allow, deny, deny, deny, allow, deny},
		"PUT /api/v1/settings/medicine":                  {unauth, unauth, unauth, deny, allow, deny, deny, deny, allow, deny},
		"POST /clients/{id}/medical/discharge-exception": {signin, deny, deny, deny, allow, deny, deny, deny, hidden, deny},
		"POST /api/v1/clients/{id}/discharge-exceptions": {unauth, unauth, unauth, deny, allow, deny, deny, deny, hidden, deny},
	})
}

var textInput = regexp.MustCompile(`name="([^"]+)" type="text" value="([^"]*)"`)

// formValues reads the text boxes of a page, as a browser would send them.
func formValues(body string) url.Values {
	v := url.Values{}
	for _, m := range textInput.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	// Ticked boxes are sent as a browser sends them.
	for _, m := range tickedBox.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

var tickedBox = regexp.MustCompile(`<input type="checkbox" name="([^"]+)" value="([^"]*)" checked>`)

func TestThePracticeSetsItsMedicineNumbers(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		rx := s.client(t, "prescriber")
		body := getOK(t, rx, s.url+"/admin/medicine-settings")
		pageSays(t, body, "Planned medicine sessions (sessions)", "Spravato REMS", "Hold at systolic (mmHg)", "SpO2, alarm below (%)",
			"No food before dosing (minutes)", "Readings every, at first (minutes)")
		pageHas(t, body, `value="48"`, `name="hold.at_or_above" value="on" checked`)
		dumpPage(t, "reminders_medicine", body)
		v := formValues(body)
		v.Set("hold.at_or_above", "on")
		v.Set("reason", "Longer spacing and fast after the practice's review.")
		if v.Get("course.min_gap_hours") != "48" || v.Get("ranges.spo2.low") != "96" {
			t.Fatalf("the form does not show the defaults: %v", v)
		}

		// Refused: a zero, a word and an upside-down range, each beside its
		// field, everything typed kept, nothing saved.
		bad := url.Values{}
		for k, vs := range v {
			bad[k] = vs
		}
		bad.Set("course.planned_sessions", "0")
		bad.Set("schedule.then_every_minutes", "half an hour")
		bad.Set("ranges.heart_rate.low", "110")
		body = postStatus(t, rx, s.url+"/admin/medicine-settings", bad, http.StatusUnprocessableEntity)
		pageSays(t, body, "Planned medicine sessions must be more than 0; it is 0.", "enter a whole number of minutes",
			"The normal range for Heart rate (110–100) is not a range.")
		pageHas(t, body, `id="f-course-planned_sessions-error"`, `id="f-schedule-then_every_minutes-error"`, `id="f-ranges-heart_rate-low-error"`,
			`value="half an hour"`, `value="110"`)
		dumpPage(t, "reminders_medicine_refused", body)
		if n := s.count(t, `SELECT COUNT(*) FROM practice_setting WHERE area = 'medicine'`); n != 0 {
			t.Fatalf("%d medicine settings saved after a refusal", n)
		}

		v.Set("course.min_gap_hours", "72")
		v.Set("checklist.food_fast_minutes", "180")
		v.Set("alarm.systolic.below", "")
		postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusSeeOther)
		practice := idOf(t, s.db, `SELECT practice_id FROM client WHERE id = ?`, s.alexID)
		if err := s.db.Read(context.Background(), func(tx *store.Tx) error {
			ms, err := settings.MedicineSettings(context.Background(), tx, practice)
			if ms.Course.MinGapHours != 72 || ms.Checklist.FoodFastMinutes != 180 || ms.Vitals.Ranges.SpO2.Low != 96 || !ms.Hold.AtOrAbove {
				t.Errorf("saved %+v", ms)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action IN ('clinical_settings.read', 'clinical_settings.change') AND record_type = 'practice_setting' AND record_id = 'medicine' AND outcome = 'allowed'`); n < 3 {
			t.Errorf("%d audit events for the medicine settings; want the view, the save and its change entry", n)
		}

		// The course pages use the practice's numbers, and so does the
		// reminder preview.
		body = getStatus(t, s.client(t, "prescriber"), s.url+"/clients/"+s.alexID+"/courses/new", http.StatusOK)
		pageHas(t, body, `name="min_gap_hours" type="number" value="72"`)
		owner := s.client(t, "owner")
		body = getOK(t, owner, s.url+"/admin/reminders")
		pageSays(t, body, "Please have no food for 3 hours before your session.")

		// A therapist may not change them.
		postStatus(t, s.client(t, "therapist-on-team"), s.url+"/admin/medicine-settings", v, http.StatusForbidden)
	})
}

func TestThePracticeEditsItsReminderEmails(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		owner := s.client(t, "owner")
		body := getOK(t, owner, s.url+"/admin/reminders")
		pageSays(t, body, "Reminder emails", "{{client_first_name}}", "Dear Alex,", "Please have no food for 2 hours before your session.",
			"Restore the default text", "Whom to call")
		dumpPage(t, "reminders_settings", body)

		form := url.Values{"hours_before": {"48"}, "phone": {"+1 555 0100"}, "crisis_line": {reminder.DefaultCrisisLine}, "place": {"12 River Street, Kingston"},
			"before.subject": {"Your session on {{session_date}}"}, "before.body": {"Hello {{client_first_name}}, see you at {{session_place}}. {{client_surname}}"},
			"after.subject": {""}, "after.body": {"Call {{practice_phone}}."}}

		// Preview: shown filled in, nothing saved.
		form.Set("do", "preview")
		body = postStatus(t, owner, s.url+"/admin/reminders", form, http.StatusOK)
		pageSays(t, body, "Hello Alex, see you at 12 River Street, Kingston.")
		pageHas(t, body, "Call &#43;1 555 0100.") // html/template writes + as &#43;

		// Save: an unknown placeholder is named, an empty subject refused, all kept.
		form.Set("do", "save")
		body = postStatus(t, owner, s.url+"/admin/reminders", form, http.StatusUnprocessableEntity)
		pageSays(t, body, "holdspace does not know the placeholder {{client_surname}}", "Write a subject line.")
		pageHas(t, body, `id="f-before-body-error"`, `id="f-after-subject-error"`, `value="12 River Street, Kingston"`)
		dumpPage(t, "reminders_settings_refused", body)

		// Restore the default text of the aftercare email into the form.
		form.Set("do", "restore-after")
		body = postStatus(t, owner, s.url+"/admin/reminders", form, http.StatusOK)
		pageSays(t, body, "The default text is back in the form below.", reminder.DefaultText(reminder.After).Subject, "Hello {{client_first_name}}")

		form.Set("before.body", "Hello {{client_first_name}}, see you at {{session_place}}.")
		form.Set("after.subject", reminder.DefaultText(reminder.After).Subject)
		form.Set("after.body", reminder.DefaultText(reminder.After).Body)
		form.Set("do", "save")
		postStatus(t, owner, s.url+"/admin/reminders", form, http.StatusSeeOther)
		if err := s.db.Read(context.Background(), func(tx *store.Tx) error {
			var practice string
			if err := tx.QueryRow(context.Background(), `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practice); err != nil {
				return err
			}
			rs, err := reminder.Load(context.Background(), tx, practice)
			if rs.Phone != "+1 555 0100" || rs.Before.Body != "Hello {{client_first_name}}, see you at {{session_place}}." || rs.After != reminder.DefaultText(reminder.After) {
				t.Errorf("saved %+v", rs)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}

		postStatus(t, s.client(t, "prescriber"), s.url+"/admin/reminders", form, http.StatusForbidden)
	})
}

// The practice chooses, per route, which roles may give a dose; a route
// left with nobody is refused beside it, the other ticks kept, and a saved
// choice is in the history by route.
func TestThePracticeChoosesWhoMayGiveADose(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		rx := s.client(t, "prescriber")
		body := getOK(t, rx, s.url+"/admin/medicine-settings")
		pageSays(t, body, "Who may give a dose", "IM injection", "sublingual RDT")
		v := formValues(body)
		if v.Get("givers.sublingual_rdt.therapist") != "on" || v.Get("givers.iv.prescriber") != "on" || v.Get("givers.iv.therapist") != "" {
			t.Fatalf("the form does not show holdspace's default givers: %v", v)
		}
		v.Del("givers.im.prescriber")
		v.Del("givers.sublingual_rdt.therapist")
		v.Set("reason", "Only prescribers hand over the tablet here.")
		body = postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusUnprocessableEntity)
		pageSays(t, body, "Who may give a dose by IM injection: choose at least one role")
		pageHas(t, body, `id="f-givers.im-error"`, `name="givers.sublingual_rdt.prescriber" value="on" checked`)
		if strings.Contains(body, `name="givers.sublingual_rdt.therapist" value="on" checked`) {
			t.Error("the therapist's box is ticked again")
		}
		if n := s.count(t, `SELECT COUNT(*) FROM practice_setting WHERE area = 'medicine'`); n != 0 {
			t.Fatalf("%d medicine settings saved after a refusal", n)
		}
		v.Set("givers.im.prescriber", "on")
		postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusSeeOther)
		res, err := rx.Get(s.url + "/admin/medicine-settings")
		body = read(t, res, err)
		pageSays(t, body, "Who may give a dose by sublingual RDT: prescriber, therapist → prescriber")
		if strings.Contains(body, `name="givers.sublingual_rdt.therapist" value="on" checked`) {
			t.Error("the therapist's box is ticked again")
		}
	})
}
