package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// apiJSON sends body as who's API token and returns the status and the decoded answer.
func (s *routeSite) apiJSON(t *testing.T, who, method, path, body string) (int, map[string]any) {
	t.Helper()
	res, raw := sendRaw(t, method, s.url+path, s.tokens[who], "application/json", body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// theFindingsNumbers is the settings document of the finding: hold 260/160, discharge after 1
// minute, vitals every 240 minutes, the SpO2 alarm at 50 %.
func theFindingsNumbers() dosing.Settings {
	ms := dosing.DefaultSettings()
	ms.Hold.SystolicMmHg, ms.Hold.DiastolicMmHg = 260, 160
	ms.Discharge.MinObservationMinutes = 1
	ms.Vitals.Schedule.ThenEveryMinutes = 240
	ms.Vitals.Alarm.SpO2.Below = 50
	return ms
}

func putBody(t *testing.T, ms dosing.Settings, reason string) string {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"settings": ms, "reason": reason})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestOnlyAPrescriberOrClinicalLeadChangesTheMedicineSettings is the finding through the API:
// the owner, no prescriber, is refused 260/160; a prescriber's out-of-bound numbers are refused
// 422, each field named with its bound and source, and nothing changes; a change in bounds
// needs a reason and leaves a history row with before and after; a clinical lead named on the
// staff page may then change them too.
func TestOnlyAPrescriberOrClinicalLeadChangesTheMedicineSettings(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		const path = "/api/v1/settings/medicine"

		code, out := s.apiJSON(t, "owner", http.MethodPut, path, putBody(t, theFindingsNumbers(), "The owner wants fewer holds."))
		if code != http.StatusForbidden || !strings.Contains(strings.ToLower(out["detail"].(string)), "only a prescriber or a clinical lead") {
			t.Fatalf("owner: %d %v; want 403 naming who may", code, out)
		}
		code, out = s.apiJSON(t, "owner", http.MethodGet, path, "")
		if code != http.StatusOK || out["can_change"] != false {
			t.Fatalf("owner reads: %d %v", code, out)
		}

		code, out = s.apiJSON(t, "prescriber", http.MethodPut, path, putBody(t, theFindingsNumbers(), "Fewer holds."))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("prescriber out of bounds: %d %v; want 422", code, out)
		}
		errs, _ := out["errors"].(map[string]any)
		for field, want := range map[string]string{
			"hold.systolic_mmhg":                "from 140 to 180 mmHg (Swiss ketamine label",
			"hold.diastolic_mmhg":               "from 90 to 100 mmHg (Swiss ketamine label",
			"discharge.min_observation_minutes": "from 120 to 480 minutes (Spravato REMS",
			"schedule.then_every_minutes":       "from 5 to 30 minutes (Emory and Yale",
			"alarm.spo2.below":                  "from 92 to 96 % (NEWS2",
		} {
			msg, _ := errs[field].(string)
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q; want the bound and source %q", field, msg, want)
			}
		}
		if n := s.count(t, `SELECT COUNT(*) FROM practice_setting WHERE area = 'medicine'`); n != 0 {
			t.Fatalf("%d medicine settings saved after a refusal", n)
		}

		ms := dosing.DefaultSettings()
		ms.Discharge.MinObservationMinutes = 150
		code, out = s.apiJSON(t, "prescriber", http.MethodPut, path, putBody(t, ms, "  "))
		if errs, _ := out["errors"].(map[string]any); code != http.StatusUnprocessableEntity || errs["reason"] == nil {
			t.Fatalf("no reason: %d %v; want 422 on reason", code, out)
		}
		code, out = s.apiJSON(t, "prescriber", http.MethodPut, path, putBody(t, ms, "Two first sessions with late nausea."))
		if code != http.StatusOK {
			t.Fatalf("prescriber in bounds: %d %v", code, out)
		}
		code, out = s.apiJSON(t, "owner", http.MethodGet, path, "")
		history, _ := out["history"].([]any)
		if code != http.StatusOK || len(history) != 1 {
			t.Fatalf("history %v", out["history"])
		}
		h := history[0].(map[string]any)
		changes := h["changes"].([]any)
		c := changes[0].(map[string]any)
		if h["reason"] != "Two first sessions with late nausea." || h["by"] != "Dr. Priya Raman" || len(changes) != 1 ||
			c["field"] != "discharge.min_observation_minutes" || c["before"] != "120 minutes" || c["after"] != "150 minutes" {
			t.Errorf("history row %v", h)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'clinical_settings.change' AND reason LIKE 'Two first sessions%'`); n != 1 {
			t.Errorf("%d audit entries for the change; want 1", n)
		}

		// The owner names themself clinical lead on the staff page (audited); then they may.
		owner := s.client(t, "owner")
		ownerID := idOf(t, s.db, `SELECT id FROM staff WHERE email = 'owner@stillwater.example'`)
		postStatus(t, s.client(t, "prescriber"), s.url+"/admin/staff/"+ownerID+"/clinical-lead", url.Values{"clinical_lead": {"on"}}, http.StatusForbidden)
		postStatus(t, owner, s.url+"/admin/staff/"+ownerID+"/clinical-lead", url.Values{"clinical_lead": {"on"}}, http.StatusSeeOther)
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'permission.clinical_lead' AND record_id = ?`, ownerID); n != 1 {
			t.Errorf("%d audit entries for naming a clinical lead; want 1", n)
		}
		ms.Checklist.FoodFastMinutes = 180
		if code, out = s.apiJSON(t, "owner", http.MethodPut, path, putBody(t, ms, "Practice review: longer food fast.")); code != http.StatusOK {
			t.Fatalf("clinical lead: %d %v", code, out)
		}
	})
}

// TestTheMedicineSettingsPageIsReadOnlyToANonPrescriber is the same finding on the page: the
// owner reads the values with a sentence on who changes them and is refused a save; a
// prescriber's out-of-bound number comes back beside its field with the bound, kept as typed;
// the history shows the reason and before → after, newest first.
func TestTheMedicineSettingsPageIsReadOnlyToANonPrescriber(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		owner := s.client(t, "owner")
		body := getOK(t, owner, s.url+"/admin/medicine-settings")
		pageSays(t, body, "Only a prescriber or a clinical lead named by the practice can change them.", "Hold at systolic", "from 140 to 180 mmHg")
		pageHas(t, body, `href="/hazards#pre-dose-hold"`, `href="/hazards#discharge-criteria"`)
		if strings.Contains(body, `action="/admin/medicine-settings"`) {
			t.Error("the owner, no prescriber, is offered the form")
		}
		body = postStatus(t, owner, s.url+"/admin/medicine-settings", url.Values{"hold.systolic_mmhg": {"260"}, "hold.diastolic_mmhg": {"160"}, "reason": {"Fewer holds."}}, http.StatusForbidden)
		pageSays(t, body, "Only a prescriber or a clinical lead named by the practice may change clinical settings.")

		rx := s.client(t, "prescriber")
		body = getOK(t, rx, s.url+"/admin/medicine-settings")
		v := formValues(body)
		v.Set("hold.at_or_above", "on")
		v.Set("hold.systolic_mmhg", "260")
		v.Set("discharge.min_observation_minutes", "1")
		v.Set("reason", "Fewer holds.")
		body = postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusUnprocessableEntity)
		pageSays(t, body, "Hold at systolic can be set from 140 to 180 mmHg", "Swiss ketamine label",
			"Least time from the last dose to discharge can be set from 120 to 480 minutes", "Spravato REMS")
		pageHas(t, body, `id="f-hold-systolic_mmhg-error"`, `value="260"`, `Fewer holds.`)
		if n := s.count(t, `SELECT COUNT(*) FROM practice_setting WHERE area = 'medicine'`); n != 0 {
			t.Fatalf("%d medicine settings saved after a refusal", n)
		}

		v.Set("hold.systolic_mmhg", "170")
		v.Set("discharge.min_observation_minutes", "150")
		v.Set("reason", "Stricter hold after the audit of first sessions.")
		postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusSeeOther)
		v.Set("discharge.min_observation_minutes", "180")
		v.Set("reason", "Three hours for everyone this winter.")
		postStatus(t, rx, s.url+"/admin/medicine-settings", v, http.StatusSeeOther)
		body = getOK(t, owner, s.url+"/admin/medicine-settings")
		pageSays(t, body, "Stricter hold after the audit of first sessions.", "Hold at systolic: 180 mmHg → 170 mmHg",
			"Least time from the last dose to discharge: 150 minutes → 180 minutes", "Dr. Priya Raman")
		if newest, older := strings.Index(body, "Three hours"), strings.Index(body, "Stricter hold"); newest < 0 || older < newest {
			t.Error("the history is not newest first")
		}
		dumpPage(t, "reminders_medicine_history", body)
	})
}

// startedSession starts the record, completes the checklist, records a resting reading and
// gives the planned 200 mg; it returns the record's page.
func startedSession(t *testing.T, s *routeSite, clk *sessionClock, sid string) string {
	t.Helper()
	page := s.url + "/clients/" + s.alexID + "/sessions/" + sid
	sam := s.client(t, "therapist-on-team")
	srPost(t, sam, page+"/start", nil, http.StatusSeeOther)
	at := func(d time.Duration) string { return clk.Now().Add(-d).In(zoneNY()).Format("2006-01-02T15:04") }
	srPost(t, sam, page+"/checklist", url.Values{"checklist.base_version": {"0"}, "checklist.last_food_at": {at(5 * time.Hour)},
		"checklist.last_liquid_at": {at(2 * time.Hour)}, "checklist.identity_confirmed": {"yes"},
		"checklist.escort_present": {"yes"}, "checklist.escort_name": {"Jo Rivera"}, "checklist.escort_phone": {"+1 555 0199"},
		"checklist.no_driving_acknowledged": {"yes"}, "checklist.substances_asked": {"yes"}, "checklist.intention": {"To rest."}}, http.StatusSeeOther)
	srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"124"}, "vitals.diastolic": {"80"}, "vitals.heart_rate": {"76"},
		"vitals.spo2": {"98"}, "vitals.respiratory_rate": {"14"}}, http.StatusSeeOther)
	srPost(t, sam, page+"/doses", url.Values{"dose.dose_mg": {"200"}, "dose.product": {"Ketamine HCl RDT"}, "dose.strength": {"100 mg"},
		"dose.lot": {"KT2611A"}, "dose.route": {"sublingual_rdt"}}, http.StatusSeeOther)
	return page
}

var dischargeForm = url.Values{"discharge.alert_and_oriented": {"yes"}, "discharge.walking_steadily": {"yes"}, "discharge.escort_present": {"yes"}, "discharge.aftercare_given": {"yes"}}

func settledReading(t *testing.T, s *routeSite, page string) {
	t.Helper()
	srPost(t, s.client(t, "monitor"), page+"/vitals", url.Values{"vitals.systolic": {"126"}, "vitals.diastolic": {"82"}, "vitals.heart_rate": {"74"},
		"vitals.spo2": {"98"}, "vitals.respiratory_rate": {"14"}}, http.StatusSeeOther)
}

// TestASettingsChangeMidSessionDoesNotMoveTheDischargeMinimum is the finding itself: a
// minimum lowered while a session is under way let a client go 4 minutes after the dose. The
// session keeps the settings in force when it started: a discharge 4 minutes after the dose is
// refused even with a 1-minute minimum in the practice's settings (as saved before bounds),
// and a minimum raised mid-session does not hold this client past the 2 hours it started with.
func TestASettingsChangeMidSessionDoesNotMoveTheDischargeMinimum(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk, sid := sessionSite(t, db)
		page := startedSession(t, s, clk, sid)
		body := srGet(t, s.client(t, "prescriber"), page, http.StatusOK)
		pageSays(t, body, "runs on the medicine settings as of")

		// A document saved before bounds existed, with the finding's 1 minute.
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			raw, err := json.Marshal(theFindingsNumbers())
			if err != nil {
				return err
			}
			// Save refuses the clinical area, so the old document is written as it would stand.
			_, err = tx.Exec(ctx, `INSERT INTO practice_setting (practice_id, area, value, updated_at) VALUES (?, 'medicine', ?, ?)
				ON CONFLICT (practice_id, area) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, practiceID, string(raw), clk.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.add(4 * time.Minute)
		settledReading(t, s, page)
		body = srPost(t, s.client(t, "therapist-on-team"), page+"/discharge", dischargeForm, http.StatusUnprocessableEntity)
		pageSays(t, body, "Not yet: monitoring continues.", "4 min since the last dose", "the practice minimum is 2 h")
		if n := s.count(t, `SELECT COUNT(*) FROM session_record WHERE course_session_id = ? AND discharged_at IS NOT NULL`, sid); n != 0 {
			t.Fatal("discharged 4 minutes after the dose")
		}

		// Raised to 3 hours mid-session by a prescriber: this session still ends at 2.
		ms := dosing.DefaultSettings()
		ms.Discharge.MinObservationMinutes = 180
		if code, out := s.apiJSON(t, "prescriber", http.MethodPut, "/api/v1/settings/medicine", putBody(t, ms, "Three hours from now on.")); code != http.StatusOK {
			t.Fatalf("raise: %d %v", code, out)
		}
		clk.add(2*time.Hour + 1*time.Minute)
		settledReading(t, s, page)
		srPost(t, s.client(t, "therapist-on-team"), page+"/discharge", dischargeForm, http.StatusSeeOther)
	})
}

// TestOnlyAPrescriberRecordsADischargeException: a prescriber signs a shorter observation for
// one client, within its floor, with a reason; a therapist and the owner are refused on the
// page and the API; the session record shows the exception and discharge uses it.
func TestOnlyAPrescriberRecordsADischargeException(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk, sid := sessionSite(t, db)
		form := s.url + "/clients/" + s.alexID + "/medical/discharge-exception"
		ask := url.Values{"min_observation_minutes": {"60"}, "exception_reason": {"Fifth session, always settled by 45 minutes; long drive home with escort."}}
		srPost(t, s.client(t, "therapist-on-team"), form, ask, http.StatusForbidden)
		srPost(t, s.client(t, "owner"), form, ask, http.StatusForbidden)
		path := "/api/v1/clients/" + s.alexID + "/discharge-exceptions"
		if code, out := s.apiJSON(t, "therapist-on-team", http.MethodPost, path, `{"min_observation_minutes": 60, "reason": "x"}`); code != http.StatusForbidden {
			t.Fatalf("therapist API: %d %v", code, out)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM discharge_exception`); n != 0 {
			t.Fatalf("%d exceptions after refusals", n)
		}
		rx := s.client(t, "prescriber")
		body := srPost(t, rx, form, url.Values{"min_observation_minutes": {"20"}, "exception_reason": {"Short."}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "An exception is from 40 to 119 minutes")
		pageHas(t, body, `value="20"`)
		if code, out := s.apiJSON(t, "prescriber", http.MethodPost, path, `{"min_observation_minutes": 60, "reason": ""}`); code != http.StatusUnprocessableEntity {
			t.Fatalf("no reason: %d %v", code, out)
		}
		srPost(t, rx, form, ask, http.StatusSeeOther)
		body = srGet(t, rx, s.url+"/clients/"+s.alexID+"/medical", http.StatusOK)
		pageSays(t, body, "Fifth session, always settled by 45 minutes", "signed by Dr. Priya Raman, MD")
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'discharge_exception.sign' AND outcome = 'allowed'`); n != 1 {
			t.Errorf("%d audit entries for the exception; want 1", n)
		}

		page := startedSession(t, s, clk, sid)
		body = srGet(t, rx, page, http.StatusOK)
		pageSays(t, body, "Discharge exception", "At least 60 minutes of observation from the last dose for this client")
		clk.add(61 * time.Minute)
		settledReading(t, s, page)
		srPost(t, s.client(t, "therapist-on-team"), page+"/discharge", dischargeForm, http.StatusSeeOther)
	})
}
