package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/store"
)

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice
	addRoutes(map[string][]string{
		"GET /alerts":                                     {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
		"GET /alerts/{id}":                                {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /alerts/{id}/acknowledge":                   {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /alerts/{id}/close":                         {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /admin/safety-settings":                      {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"POST /admin/safety-settings":                     {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"GET /clients/{id}/safety-plan":                   {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"POST /clients/{id}/safety-plan":                  {signin, deny, deny, deny, allow, allow, deny, deny, hidden, deny},
		"GET /clients/{id}/check-ins":                     {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /portal/checkins":                            {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/checkins/{id}":                       {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/checkins/{id}":                      {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/crisis":                              {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/safety-plan":                         {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /api/v1/alerts":                              {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/alerts/{id}":                         {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/alerts/{id}/acknowledge":            {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/alerts/{id}/close":                  {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /api/v1/clients/{id}/check-ins":              {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/check-ins/{checkInID}": {unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"GET /api/v1/clients/{id}/safety-plan":            {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"PUT /api/v1/clients/{id}/safety-plan":            {unauth, unauth, unauth, deny, allow, allow, deny, deny, hidden, deny},
	})
}

// KAP.md §2 and §7, end to end: a client's yes to self-harm on a check-in
// raises an alert and shows the crisis lines at once; the care team sees
// the banner on every page; a therapist acknowledges with the action taken
// (an "other" without a note is refused beside the field) and the banner
// goes.
func TestACheckInYesReachesTheCareTeam(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		alex := s.client(t, "client")
		body := getOK(t, alex, s.url+"/portal/checkins")
		pageSays(t, body, "Ready for you", "Help at any hour")
		dumpPage(t, "safety_portal_checkins", body)
		m := regexp.MustCompile(`/portal/checkins/([0-9a-f-]{36})`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no open check-in after Alex's held sessions")
		}
		page := s.url + "/portal/checkins/" + m[1]
		body = getOK(t, alex, page)
		dumpPage(t, "safety_portal_checkin", body)

		// A missing answer is refused beside its question, the rest kept.
		body = postStatus(t, alex, page, url.Values{"mood": {"3"}, "sleep": {"poor"}, "for_care_team": {"Hard night."}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-self_harm_thoughts-error"`, `value="3" checked`, "Hard night.")

		postStatus(t, alex, page, url.Values{"mood": {"3"}, "sleep": {"poor"}, "self_harm_thoughts": {"yes"}, "for_care_team": {"Hard night."}}, http.StatusSeeOther)
		res, err := alex.Get(page)
		body = read(t, res, err)
		pageSays(t, body, "Thank you for telling us", "Your check-in is sent", "988", "911", "safety plan")
		dumpPage(t, "safety_portal_checkin_yes", body)
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND state = 'raised'`, s.alexID); n != 1 {
			t.Fatalf("open alerts for Alex = %d, want 1", n)
		}
		// The demo holds an older, closed alert for Alex; this is the open one.
		alertID := idOf(t, s.db, `SELECT id FROM safety_alert WHERE client_id = ? AND state = 'raised'`, s.alexID)

		sam := s.client(t, "therapist-on-team")
		res, err = sam.Get(s.url + "/clients")
		body = read(t, res, err)
		pageSays(t, body, "1 open safety alert", "Review alerts")
		pageHas(t, body, `href="/alerts/`+alertID+`"`)
		// Off Alex's care team, Elena's banner counts only her own clients'
		// alerts (the demo's open one for Maya), never Alex's.
		elena := s.client(t, "therapist-off-team")
		res, err = elena.Get(s.url + "/clients")
		body = read(t, res, err)
		if strings.Contains(body, `href="/alerts/`+alertID+`"`) {
			t.Error("a therapist off Alex's care team is shown Alex's alert")
		}

		body = getOK(t, sam, s.url+"/alerts")
		dumpPage(t, "safety_alerts", body)
		body = getOK(t, sam, s.url+"/alerts/"+alertID)
		pageSays(t, body, "Hard night.", "Alert raised", "Acknowledge the alert")
		dumpPage(t, "safety_alert", body)

		body = postStatus(t, sam, s.url+"/alerts/"+alertID+"/acknowledge", url.Values{"action": {"other"}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-note-error"`, `value="other" checked`)
		postStatus(t, sam, s.url+"/alerts/"+alertID+"/acknowledge", url.Values{"action": {"contacted_client"}, "note": {"Spoke by phone; safe tonight."}}, http.StatusSeeOther)
		res, err = sam.Get(s.url + "/clients")
		body = read(t, res, err)
		pageSaysNot(t, body, "open safety alert")
		body = getOK(t, alex, s.url+"/portal/crisis")
		dumpPage(t, "safety_portal_crisis", body)
	})
}

// Settings are validated by the safety package; each error sits beside
// its field and what was typed stays. Finding 12 at the page: settings with
// nobody on call, or a high-severity window of 0 (which used to mean "wait
// for business hours"), are refused, each message beside the field it
// names; Finding 13: an empty list of check-in days is refused.
func TestSafetySettingsRefuseBadInput(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		owner := s.client(t, "owner")
		body := getOK(t, owner, s.url+"/admin/safety-settings")
		pageHas(t, body, `value="988"`, `value="911"`, `name="hours.1.open" value="yes" aria-label="Open on Monday" checked`, `value="1, 3, 7, 14"`)
		pageSays(t, body, "No gateway is set: the on-call clinician hears by email only.", "Dr. Priya Raman")
		dumpPage(t, "safety_settings", body)
		rx := idOf(t, s.db, `SELECT id FROM staff WHERE email = 'prescriber@stillwater.example'`)
		v := url.Values{"ack_window_minutes": {"soon"}, "repeat_minutes": {"60"}, "high_severity_window_minutes": {"15"},
			"hours.1.open": {"yes"}, "hours.1.opens": {"17:00"}, "hours.1.closes": {"09:00"}, "days_after": {""}, "grace_hours": {"12"},
			"self_harm_severity": {"moderate"}, "emergency": {""}, "line.0.name": {"988 Lifeline"}, "line.0.call": {"988"},
			"on_call_clinician": {""}}
		body = postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-ack_window_minutes-error"`, `value="soon"`, `id="f-emergency-error"`, `id="f-days_after-error"`)
		pageSays(t, body, "List at least one check-in day")
		v.Set("ack_window_minutes", "45")
		v.Set("hours.1.opens", "09:00")
		v.Set("hours.1.closes", "17:00")
		v.Set("emergency", "911")
		v.Set("days_after", "1, 3, 7, 14")
		// High severity "off" is refused: it never waits for business hours.
		v.Set("high_severity_window_minutes", "0")
		body = postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-high_severity_window_minutes-error"`)
		pageSays(t, body, "a high-severity alert never waits for business hours")
		// Everything else right, still nobody on call: refused on the field.
		v.Set("high_severity_window_minutes", "15")
		body = postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-on_call_clinician-error"`, `href="#f-on_call_clinician"`)
		pageSays(t, body, "On-call clinician: name who is reached outside business hours")
		// A rota that leaves Sunday evening uncovered names the gap.
		v.Set("rota.0.day", "0")
		v.Set("rota.0.from", "00:00")
		v.Set("rota.0.until", "18:00")
		v.Set("rota.0.clinician", rx)
		v.Set("rota.0.phone", "+1 555 010 0121")
		body = postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusUnprocessableEntity)
		pageSays(t, body, "nobody is on call on Sunday from 18:00 to 24:00")
		// A gateway needs its secret.
		v.Set("on_call_clinician", rx)
		v.Set("on_call_phone", "+1 555 010 0120")
		v.Set("gateway_url", "https://sms.example/hooks/holdspace")
		v.Set("gateway_channel", "voice")
		body = postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-gateway_secret-error"`)
		v.Set("gateway_secret", "whsec_9f2c7d41b0a3e8f65d21")
		postStatus(t, owner, s.url+"/admin/safety-settings", v, http.StatusSeeOther)
		res, err := owner.Get(s.url + "/admin/safety-settings")
		body = read(t, res, err)
		pageSays(t, body, "A secret is set (")
		pageSaysNot(t, body, "whsec_9f2c7d41b0a3e8f65d21", "No gateway is set")
		if n := s.count(t, `SELECT COUNT(*) FROM practice_setting WHERE value LIKE '%whsec_%'`); n != 0 {
			t.Error("the gateway secret was saved in the settings document")
		}
	})
}

// Finding 12 at the alert page: Maya's alert, raised two hours ago and ten
// days after her medicine session, escalates on the clock; its page says
// who has it now, when it next escalates, and how to reach her and her
// emergency contact. An escalation email reads as emailed only once the
// outbox has sent it. The practice owner, on no care team, sees the
// escalated alert in the banner once it reaches them.
func TestTheAlertPageSaysWhoHasItAndWhenItEscalates(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := t.Context()
		var alertID, maya string
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT a.id, a.client_id FROM safety_alert a JOIN client c ON c.id = a.client_id
				WHERE c.email = 'maya@client.example' AND a.state = 'raised'`).Scan(&alertID, &maya); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE client SET emergency_name = 'Dana Thompson', emergency_relationship = 'partner', emergency_phone = '+1 555 0177' WHERE id = ?`, maya)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		owner := s.client(t, "owner")
		res, err := owner.Get(s.url + "/clients")
		body := read(t, res, err)
		if strings.Contains(body, `href="/alerts/`+alertID+`"`) {
			t.Fatal("the owner's banner shows an alert not yet escalated to them")
		}
		w := &alert.Worker{DB: s.db, BaseURL: s.url}
		if _, err := w.Tick(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		elena := s.client(t, "therapist-off-team") // Maya's therapist
		body = getOK(t, elena, s.url+"/alerts/"+alertID)
		pageSays(t, body, "Who has it now", "Dr. Priya Raman", "Escalates to level 3 at", "unless acknowledged first",
			"Raised in the two weeks after a medicine session", "this alert escalates at any hour",
			"Reach the client", "Dana Thompson (partner)", "queued, not yet sent")
		pageHas(t, html.UnescapeString(body), `href="tel:+15550104">+1 555 0104</a>`, `href="tel:+15550177">+1 555 0177</a>`)
		pageSaysNot(t, body, "Emailed the level 2 escalation")
		dumpPage(t, "safety_alert_escalated", body)
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL AND subject LIKE 'Safety alert not yet acknowledged%'`, time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		res, err = elena.Get(s.url + "/alerts/" + alertID)
		body = read(t, res, err)
		pageSays(t, body, "Emailed the level 2 escalation to Dr. Priya Raman", "delivered")
		res, err = owner.Get(s.url + "/clients")
		body = read(t, res, err)
		pageHas(t, body, `href="/alerts/`+alertID+`"`)
		pageSays(t, body, "Maya Thompson · moderate severity", "escalated to level 2")
		// A clinician off the client's care team (the on-call clinician at
		// a weekend, say) is offered emergency access, not a dead end.
		alexAlert := idOf(t, s.db, `SELECT id FROM safety_alert WHERE client_id = ?`, s.alexID)
		body = getStatus(t, elena, s.url+"/alerts/"+alexAlert, http.StatusForbidden)
		pageHas(t, body, `href="/clients/`+s.alexID+`/break-glass"`)
	})
}

// The safety plan: a prescriber saves versions; the client reads the latest.
func TestSafetyPlanVersionsAndPortal(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		base := s.url + "/clients/" + s.alexID + "/safety-plan"
		body := postStatus(t, sam, base, url.Values{"warning_signs.0.text": {"Not sleeping"}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-internal_coping-0-text-error"`, `value="Not sleeping"`)
		plan := url.Values{"warning_signs.0.text": {"Not sleeping"}, "internal_coping.0.text": {"Walk the dog"},
			"people_to_ask.0.text": {"Rosa"}, "people_to_ask.0.phone": {"555-0141"}, "professionals.0.text": {"988 Lifeline"}, "professionals.0.phone": {"988"}}
		for i := 0; i < 2; i++ {
			if i == 1 {
				plan.Set("worth_living_for", "Rosa's kids")
			}
			postStatus(t, sam, base, plan, http.StatusSeeOther)
		}
		res, err := sam.Get(base + "?version=1")
		body = read(t, res, err)
		pageSays(t, body, "This is an earlier version", "Version 2")
		res, err = sam.Get(base)
		body = read(t, res, err)
		dumpPage(t, "safety_plan", body)
		alex := s.client(t, "client")
		body = getOK(t, alex, s.url+"/portal/safety-plan")
		pageSays(t, body, "Rosa's kids", "Walk the dog", "988")
		dumpPage(t, "safety_portal_plan", body)
	})
}

// A practice that has given no contact in its safety settings is still
// reachable from the crisis page, on the phone its reminder emails give.
func TestTheCrisisPageFallsBackToThePracticePhone(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		alex := s.client(t, "client")
		body := getOK(t, alex, s.url+"/portal/crisis")
		pageSays(t, html.UnescapeString(body), "call +1 555 0100, weekdays 9am to 5pm")

		if err := s.db.Write(t.Context(), func(tx *store.Tx) error {
			var practice string
			if err := tx.QueryRow(t.Context(), `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practice); err != nil {
				return err
			}
			st, err := alert.LoadSettings(t.Context(), tx, practice)
			if err != nil {
				return err
			}
			st.Contact = ""
			return alert.SaveSettings(t.Context(), tx, practice, st, "", time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		body = getOK(t, alex, s.url+"/portal/crisis")
		pageSays(t, html.UnescapeString(body), "To reach Stillwater Ketamine Therapy: call +1 555 0100")
		pageSaysNot(t, body, "weekdays 9am to 5pm")
	})
}

// An integration acknowledges a safety alert with the action taken and
// then closes it, in that order only, as the clinician who made its token
// (issue 6: an alert stays until a clinician acknowledges it and records
// the action taken).
func TestTheAPIAcknowledgesThenClosesASafetyAlert(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		// The demo's open alert is Maya's; Elena is her therapist.
		alertID := idOf(t, s.db, `SELECT a.id FROM safety_alert a JOIN client c ON c.id = a.client_id
				WHERE c.email = 'maya@client.example' AND a.state = 'raised'`)
		base := "/api/v1/alerts/" + alertID
		if res, out := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{"note": "done"}`); res.StatusCode != http.StatusConflict {
			t.Fatalf("closing before acknowledging: %d %v; want 409", res.StatusCode, out)
		}
		if res, out := apiDo(t, s, "therapist-on-team", http.MethodPost, base+"/acknowledge", `{"action": "contacted_client"}`); res.StatusCode == http.StatusOK {
			t.Fatalf("a therapist off Maya's care team acknowledged her alert: %v", out)
		}
		res, out := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/acknowledge", `{"action": "other"}`)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("other without a note: %d %v; want 422", res.StatusCode, out)
		}
		if errs, _ := out["errors"].(map[string]any); errs["note"] == nil {
			t.Errorf("the problem does not name the note: %v", out)
		}
		res, out = apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/acknowledge", `{"action": "contacted_client", "note": "Called; safe, seeing her tomorrow."}`)
		if res.StatusCode != http.StatusOK || out["state"] != "acknowledged" {
			t.Fatalf("acknowledge: %d %v", res.StatusCode, out)
		}
		res, out = apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{"note": "Seen the next day; plan reviewed."}`)
		if res.StatusCode != http.StatusOK || out["state"] != "closed" {
			t.Fatalf("close: %d %v", res.StatusCode, out)
		}
		if res, _ := apiDo(t, s, "therapist-off-team", http.MethodPost, base+"/close", `{}`); res.StatusCode != http.StatusConflict {
			t.Errorf("closing twice: %d; want 409", res.StatusCode)
		}
	})
}
