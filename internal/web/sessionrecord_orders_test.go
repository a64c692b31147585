package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Findings 5, 9 and 14a at both faces, page and API: the prescriber's orders (BP under
// 160/100, lorazepam held 24 h, ondansetron 4 mg ODT 30 min before, no additional dose
// without the prescriber) reach the room; with 150 mg planned, a therapist's additional 250 mg
// (400 mg in all) is refused on the page and through the API until the prescriber authorises
// it, and then given; a monitor is never offered or accepted as the giver.
func TestThePrescribersOrdersAtBothFaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk, sid := sessionSite(t, db)
		ctx := context.Background()
		var rxID, jordanID, recordID string
		err := db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			for email, dst := range map[string]*string{"prescriber@stillwater.example": &rxID, "monitor@stillwater.example": &jordanID} {
				if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, email).Scan(dst); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE course_dose SET planned_mg = 150 WHERE session_number = 1 AND course_id = (SELECT course_id FROM course_session WHERE id = ?)`, sid); err != nil {
				return err
			}
			_, err := prescribing.Sign(ctx, tx, practiceID, s.alexID, "", prescribing.Draft{Decision: prescribing.ApprovedWithConditions,
				Conditions: "BP under 160/100; hold lorazepam 24 h.", Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 400}},
				Orders: dosing.ClientConditions{Hold: &dosing.HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100},
					HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam", Hours: 24}},
					PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}}},
				prescribing.Signer{StaffID: rxID, Name: "Dr. Priya Raman, MD"}, clk.Now().Add(-90*time.Minute))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		page := s.url + "/clients/" + s.alexID + "/sessions/" + sid
		sam, rx := s.client(t, "therapist-on-team"), s.client(t, "prescriber")
		srPost(t, sam, page+"/start", nil, http.StatusSeeOther)
		storetest.Scan(t, db, `SELECT id FROM session_record WHERE course_session_id = ?`, []any{sid}, &recordID)
		api := "/api/v1/clients/" + s.alexID + "/session-records/" + recordID
		body := srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "160/100 mmHg", "the prescriber", "no lorazepam in the 24 h before the session", "ondansetron 4 mg ODT, 30 min before dosing",
			"not yet given", "Confirmed with the client: no lorazepam")

		zone := zoneNY()
		at := func(d time.Duration) string { return clk.Now().Add(d).In(zone).Format("2006-01-02T15:04") }
		checklist := url.Values{"checklist.base_version": {"0"}, "checklist.identity_confirmed": {"yes"}, "checklist.last_food_at": {at(-5 * time.Hour)},
			"checklist.last_liquid_at": {at(-2 * time.Hour)}, "checklist.escort_present": {"yes"}, "checklist.escort_name": {"Jo Rivera"},
			"checklist.escort_phone": {"+1 555 0199"}, "checklist.no_driving_acknowledged": {"yes"}, "checklist.substances_asked": {"yes"},
			"checklist.intention": {"Rest."}}
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"164"}, "vitals.diastolic": {"94"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)
		dose := url.Values{"dose.dose_mg": {"150"}, "dose.product": {"Ketamine HCl RDT"}, "dose.strength": {"50 mg"}, "dose.lot": {"KT2611A"}}
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "the prescriber", "hold for this client", "Confirm with the client: no lorazepam", "record it given before the dose")

		// Through the API, the same refusal with its fields.
		res, out := apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 150}`)
		errs, _ := out["errors"].(map[string]any)
		if res.StatusCode != http.StatusUnprocessableEntity || errs["hold"] == nil || errs["checklist.held_substances"] == nil || errs["premedication"] == nil {
			t.Fatalf("first dose through the API: %d %v", res.StatusCode, out)
		}
		// A monitor is not given the dose form's choice, nor accepted by the API.
		pageSaysNot(t, body, "<option value=\""+jordanID+"\"")
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 150, "given_by": "`+jordanID+`"}`)
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || errs["given_by"] == nil {
			t.Fatalf("a monitor as the giver: %d %v", res.StatusCode, out)
		}

		checklist.Set("checklist.base_version", "1")
		checklist.Set("checklist.held_substance", "lorazepam")
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/premedications", `{"drug": "Ondansetron", "at": "`+clk.Now().Add(-35*time.Minute).Format(time.RFC3339)+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("pre-medication through the API: %d %v", res.StatusCode, out)
		}
		body = srPost(t, sam, page+"/premedications", url.Values{"premed.drug": {"meclizine"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Record any other medicine as an intervention")
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"148"}, "vitals.diastolic": {"90"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)
		// Forty minutes in the room, both tablets in use (an idle sign-in lapses).
		for range 4 {
			clk.add(10 * time.Minute)
			srGet(t, sam, page, http.StatusOK)
			srGet(t, rx, page, http.StatusOK)
		}
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"136"}, "vitals.diastolic": {"84"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)

		// The finding: 150 mg planned, the therapist gives 250 mg more.
		dose.Set("dose.dose_mg", "250")
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "no additional dose after the planned first dose")
		pageHas(t, body, `value="250"`)
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 250}`)
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(errs["dose_mg"].(string), "no additional dose") {
			t.Fatalf("the additional 250 mg through the API: %d %v", res.StatusCode, out)
		}
		srPost(t, sam, page+"/dose-authorisations", url.Values{"auth.dose_mg": {"250"}, "auth.reason": {"x"}}, http.StatusForbidden)
		res, _ = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/dose-authorisations", `{"dose_mg": 250, "reason": "x"}`)
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("a therapist authorises through the API: %d", res.StatusCode)
		}
		body = srPost(t, rx, page+"/dose-authorisations", url.Values{"auth.dose_mg": {"300"}, "auth.reason": {"Little effect at 40 min."}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "at most 250 mg more can be authorised")
		pageHas(t, body, "Little effect at 40 min.")
		res, out = apiDo(t, s, "prescriber", http.MethodPost, api+"/dose-authorisations", `{"dose_mg": 250, "reason": "Little effect at 40 min; BP 136/84."}`)
		if res.StatusCode != http.StatusCreated || out["dose_mg"] != 250.0 {
			t.Fatalf("the prescriber authorises through the API: %d %v", res.StatusCode, out)
		}
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Authorised, not yet given:", "up to 250 mg", "Little effect at 40 min; BP 136/84.")
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)
		_, out = apiDo(t, s, "prescriber", http.MethodGet, api, "")
		if out["given_mg"] != 400.0 || len(out["dose_authorisations"].([]any)) != 1 || len(out["premedications"].([]any)) != 1 {
			t.Fatalf("the record: given %v, authorisations %v, pre-medications %v", out["given_mg"], out["dose_authorisations"], out["premedications"])
		}
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Authorisation used:", "Pre-medication given: ondansetron 4 mg ODT")
		sessionPageDump(t, "session_orders", body)
	})
}
