package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/prescribing"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// What each role gets from the chart's details, medical history and the
// prescriber's evaluation. The chart follows ClientRead/ClientUpdate; the
// evaluation's forms need a prescriber on the care team; the API can read
// evaluations but never sign one.
func init() {
	chart := []string{signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny}
	prescriber := []string{signin, deny, deny, deny, allow, deny, deny, deny, hidden, deny}
	apiChart := []string{unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny}
	apiSign := []string{unauth, unauth, unauth, deny, deny, deny, deny, deny, hidden, deny}
	// Deciding an offer from the intake: those let through find no offer by the table's id
	// (404); the others are refused before it is looked for.
	offer := []string{signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny}
	apiOffer := []string{unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny}
	addRoutes(map[string][]string{
		"GET /clients/{id}/details":                                      chart,
		"POST /clients/{id}/details":                                     chart,
		"GET /clients/{id}/medical":                                      chart,
		"POST /clients/{id}/medical/diagnoses":                           chart,
		"POST /clients/{id}/medical/medications":                         chart,
		"POST /clients/{id}/medical/allergies":                           chart,
		"POST /clients/{id}/medical/measurements":                        chart,
		"POST /clients/{id}/medical/diagnoses/{itemID}/remove":           chart,
		"POST /clients/{id}/medical/allergies/{itemID}/remove":           chart,
		"POST /clients/{id}/medical/measurements/{itemID}/remove":        chart,
		"POST /clients/{id}/medical/medications/{itemID}/stop":           chart,
		"POST /clients/{id}/medical/offered/{itemID}/confirm":            offer,
		"POST /clients/{id}/medical/offered/{itemID}/decline":            offer,
		"GET /clients/{id}/evaluation":                                   chart,
		"GET /clients/{id}/evaluation/new":                               prescriber,
		"POST /clients/{id}/evaluation/new":                              prescriber,
		"POST /clients/{id}/evaluation/{evalID}/addenda":                 prescriber,
		"GET /api/v1/clients/{id}/details":                               apiChart,
		"PUT /api/v1/clients/{id}/details":                               apiChart,
		"GET /api/v1/clients/{id}/medical":                               apiChart,
		"POST /api/v1/clients/{id}/diagnoses":                            apiChart,
		"POST /api/v1/clients/{id}/medications":                          apiChart,
		"POST /api/v1/clients/{id}/allergies":                            apiChart,
		"POST /api/v1/clients/{id}/measurements":                         apiChart,
		"POST /api/v1/clients/{id}/medications/{itemID}/stop":            apiChart,
		"GET /api/v1/clients/{id}/medications/offered":                   apiChart,
		"POST /api/v1/clients/{id}/medications/offered/{itemID}/confirm": apiOffer,
		"POST /api/v1/clients/{id}/medications/offered/{itemID}/decline": apiOffer,
		"POST /api/v1/clients/{id}/diagnoses/{itemID}/remove":            apiChart,
		"POST /api/v1/clients/{id}/allergies/{itemID}/remove":            apiChart,
		"POST /api/v1/clients/{id}/measurements/{itemID}/remove":         apiChart,
		"GET /api/v1/clients/{id}/evaluations":                           apiChart,
		"POST /api/v1/clients/{id}/evaluations":                          apiSign,
		"POST /api/v1/clients/{id}/evaluations/{evalID}/addenda":         apiSign,
	})
}

func read(t *testing.T, res *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func status(t *testing.T, res *http.Response, want int, body string) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d; want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

func (s *routeSite) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, s.db, q, args...)
}

func TestTheCareTeamKeepsDetailsAndMedicalHistory(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		base := s.url + "/clients/" + s.blankID
		body := getOK(t, sam, base+"/details")
		pageSays(t, body, "Details and contacts", "Escort home after medicine sessions", "Noor Haddad")
		dumpPage(t, "rx_details", body)

		updates := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'client.update' AND outcome = 'allowed'`, s.blankID)
		bad := url.Values{"legal_name": {""}, "email": {"alex at example"}, "date_of_birth": {"2099-01-01"}, "phone": {"call me"},
			"escort_name": {"Jo Park"}, "escort_phone": {""}, "time_zone": {"America/New_York"}}
		body = postStatus(t, sam, base+"/details", bad, http.StatusUnprocessableEntity)
		pageSays(t, body, "The legal name is needed.", "Give an email address such as name@example.org.", "cannot be in the future",
			"Give a phone number for Jo Park.", "Please check 5 things")
		pageHas(t, body, `value="alex at example"`, `value="Jo Park"`, `value="call me"`)
		dumpPage(t, "rx_details_errors", body)

		good := url.Values{"legal_name": {"Alex Rivera"}, "preferred_name": {"Alex"}, "pronouns": {"they/them"}, "date_of_birth": {"1988-04-12"},
			"email": {"alex@client.example"}, "phone": {"+1 555 0101"}, "time_zone": {"America/New_York"},
			"address_line1": {"41 Larchmont Ave"}, "city": {"Kingston"}, "region": {"NY"}, "postal_code": {"12401"}, "country": {"USA"},
			"escort_name": {"Jo Park"}, "escort_relationship": {"partner"}, "escort_phone": {"+1 555 0177"}}
		postStatus(t, sam, base+"/details", good, http.StatusSeeOther)
		res, err := sam.Get(base + "/details")
		body = read(t, res, err)
		pageSays(t, body, "The details are saved.")
		pageHas(t, body, `value="41 Larchmont Ave"`, `value="&#43;1 555 0177"`)

		// Weight in lb is stored in kg; an impossible one is refused beside its field.
		res, err = postForm(sam, base+"/medical/measurements", url.Values{"ms_measured_on": {"2026-01-05"}, "ms_weight": {"154"}, "ms_weight_unit": {"lb"},
			"ms_height": {"69"}, "ms_height_unit": {"in"}})
		read(t, res, err)
		status(t, res, http.StatusSeeOther, "")
		body = postStatus(t, sam, base+"/medical/measurements", url.Values{"ms_measured_on": {"2026-01-05"}, "ms_weight": {"7"}, "ms_weight_unit": {"kg"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "7 kg is not a possible adult weight")
		pageHas(t, body, `id="f-ms_weight-error"`, `value="7"`)
		body = postStatus(t, sam, base+"/medical/measurements", url.Values{"ms_measured_on": {"2026-01-05"}, "ms_weight": {"seventy"}, "ms_weight_unit": {"stone"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the weight as a number above 0", "Choose kg or lb.")

		// A diagnosis typed without its dot, a medication, and the stop refused then done.
		res, err = postForm(sam, base+"/medical/diagnoses", url.Values{"dx_code": {"f331"}, "dx_description": {"Major depressive disorder, recurrent, moderate"},
			"dx_diagnosed_on": {"2024-03-02"}, "dx_primary": {"1"}})
		read(t, res, err)
		status(t, res, http.StatusSeeOther, "")
		body = postStatus(t, sam, base+"/medical/diagnoses", url.Values{"dx_code": {"depression"}, "dx_description": {""}, "dx_diagnosed_on": {"2024-03-02"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, `"DEPRESSION" is not shaped like an ICD-10 code`, "The description is needed.")
		postStatus(t, sam, base+"/medical/medications", url.Values{"med_name": {"clonazepam"}, "med_dose": {"0.5 mg"}, "med_frequency": {"nightly"}}, http.StatusSeeOther)
		var medID, dxID string
		s.db.Read(context.Background(), func(tx *store.Tx) error {
			tx.QueryRow(context.Background(), `SELECT id FROM medication WHERE client_id = ?`, s.blankID).Scan(&medID)
			return tx.QueryRow(context.Background(), `SELECT id FROM diagnosis WHERE client_id = ?`, s.blankID).Scan(&dxID)
		})
		stop := "stop-" + medID + "-"
		body = postStatus(t, sam, base+"/medical/medications/"+medID+"/stop", url.Values{stop + "stopped_on": {""}, stop + "reason": {"tapered"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "The date it was stopped is needed")
		pageHas(t, body, `id="f-`+stop+`stopped_on-error"`, `value="tapered"`, `<details class="rx-mark" open>`)
		postStatus(t, sam, base+"/medical/medications/"+medID+"/stop", url.Values{stop + "stopped_on": {"2026-01-04"}, stop + "reason": {"Tapered before the course"}}, http.StatusSeeOther)
		body = postStatus(t, sam, base+"/medical/diagnoses/"+dxID+"/remove", url.Values{"remove-" + dxID + "-reason": {""}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "The reason is needed.")
		postStatus(t, sam, base+"/medical/diagnoses/no-such-entry/remove", url.Values{"remove-no-such-entry-reason": {"gone"}}, http.StatusNotFound)

		body = getOK(t, sam, base+"/medical")
		pageSays(t, body, "69.9 kg", "154 lb as entered", "F33.1", "primary", "Stopped medications (1)", "Tapered before the course")
		dumpPage(t, "rx_medical", body)
		if n := s.count(t, `SELECT COUNT(*) FROM medication WHERE client_id = ?`, s.blankID); n != 1 {
			t.Errorf("%d medication rows; want the one, marked stopped", n)
		}
		after := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'client.update' AND outcome = 'allowed'`, s.blankID)
		if after-updates != 5 {
			t.Errorf("%d allowed updates on the trail; want 5 (details, measurement, diagnosis, medication, stop), refused forms not among them", after-updates)
		}
	})
}

func approvalForm(password string) url.Values {
	return url.Values{"decision": {"approved_with_conditions"}, "conditions": {"Blood pressure under 140/90 first."},
		"limit.sublingual_rdt.mg": {"300"}, "limit.sublingual_rdt.mg_per_kg": {"4.5"},
		"premedication": {"ondansetron 4 mg ODT 30 min before dosing\r\n\r\n"}, "notes": {"Reviewed intake and screening."}, "password": {password}}
}

func (s *routeSite) evaluations(t *testing.T) []prescribing.Evaluation {
	t.Helper()
	var list []prescribing.Evaluation
	if err := s.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		list, err = prescribing.History(context.Background(), tx, s.blankID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAPrescriberSignsWithTheirPasswordAndAddsAddenda(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		rx := s.client(t, "prescriber")
		base := s.url + "/clients/" + s.blankID + "/evaluation"
		body := getOK(t, rx, base)
		pageSays(t, body, "No evaluation yet.", "Record the evaluation")
		body = getOK(t, rx, base+"/new")
		pageSays(t, body, "Review first", "Intake questionnaire", "Eligibility screening", "You sign as", "Dr. Priya Raman, MD", "none on file")
		pageHas(t, body, `href="/clients/`+s.blankID+`/intake"`, `href="/clients/`+s.blankID+`/screening"`, `href="/clients/`+s.blankID+`/medical"`)
		dumpPage(t, "rx_evaluation_new", body)

		// Wrong password: refused beside the field, everything else kept, the attempt on the trail.
		body = postStatus(t, rx, base+"/new", approvalForm("not my password"), http.StatusUnprocessableEntity)
		pageSays(t, body, "Your password is not right.")
		pageHas(t, body, `value="300"`, `value="4.5"`, `value="approved_with_conditions" checked`, "Blood pressure under 140/90 first.", `id="f-password-error"`)
		pageSaysNot(t, body, "not my password")
		dumpPage(t, "rx_evaluation_wrong_password", body)
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'evaluation.write' AND outcome = 'denied' AND reason LIKE '%password%'`, s.blankID); n != 1 {
			t.Errorf("%d refused signatures on the trail; want 1", n)
		}
		// Bad limits and missing parts, all named at once.
		body = postStatus(t, rx, base+"/new", url.Values{"decision": {"approved"}, "limit.iv.mg_per_kg": {"7"}, "limit.im.mg": {"lots"}, "password": {testPassword}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the maximum in mg as a number above 0", "7 mg/kg for IV infusion is above 5 mg/kg")
		pageHas(t, body, `value="lots"`, `id="f-limit-iv-mg_per_kg-error"`)
		if n := len(s.evaluations(t)); n != 0 {
			t.Fatalf("%d evaluations after refused forms; want none", n)
		}

		postStatus(t, rx, base+"/new", approvalForm(testPassword), http.StatusSeeOther)
		list := s.evaluations(t)
		if len(list) != 1 || !list[0].Approved() || list[0].SignerName != "Dr. Priya Raman, MD" || list[0].Verify() != nil ||
			len(list[0].PreMedication) != 1 || list[0].Limits[0].MaxMgPerKg != 4.5 {
			t.Fatalf("stored %+v", list)
		}
		e := list[0]
		body = getOK(t, rx, base)
		pageSays(t, body, "The evaluation is signed (Approved with conditions), meaning approval.", "Signed electronically by", "matches the content",
			"300 mg", "4.5 mg/kg", "sublingual RDT", "ondansetron 4 mg ODT 30 min before dosing", e.Hash)

		add := "add-" + e.ID + "-"
		body = postStatus(t, rx, base+"/"+e.ID+"/addenda", url.Values{add + "text": {"Spoke with Alex about clonazepam."}, add + "password": {"wrong"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Your password is not right.", "Spoke with Alex about clonazepam.")
		postStatus(t, rx, base+"/"+e.ID+"/addenda", url.Values{add + "text": {"Spoke with Alex about clonazepam."}, add + "password": {testPassword}}, http.StatusSeeOther)
		after := s.evaluations(t)[0]
		if string(after.Content()) != string(e.Content()) || after.Hash != e.Hash || len(after.Addenda) != 1 || after.Verify() != nil {
			t.Errorf("after the addendum: %+v; want the evaluation unchanged with one verified addendum", after)
		}

		// A second evaluation supersedes the first; both stay.
		postStatus(t, rx, base+"/new", url.Values{"decision": {"not_approved"}, "reason": {"Blood pressure 186/112 twice."}, "password": {testPassword}}, http.StatusSeeOther)
		res, err := rx.Get(base)
		body = read(t, res, err)
		pageSays(t, body, "Not approved", "Earlier evaluations", "superseded", "Spoke with Alex about clonazepam.")
		pageHas(t, body, "Meaning: <strong>review</strong>")
		dumpPage(t, "rx_evaluation", body)
		if list := s.evaluations(t); len(list) != 2 || list[0].Approved() || !list[1].Superseded {
			t.Errorf("history %+v", list)
		}
	})
}

func TestATherapistCannotSignEvenWithTheRightPassword(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		base := s.url + "/clients/" + s.blankID + "/evaluation"
		body := getOK(t, sam, base)
		if strings.Contains(body, "Record the evaluation") {
			t.Error("a therapist is offered the prescriber's form")
		}
		for _, path := range []string{"/new"} {
			body = getStatus(t, sam, base+path, http.StatusForbidden)
			pageSays(t, body, "Only a prescriber may do this.")
		}
		postStatus(t, sam, base+"/new", approvalForm(testPassword), http.StatusForbidden)
		if n := len(s.evaluations(t)); n != 0 {
			t.Fatalf("a therapist signed %d evaluations", n)
		}
	})
}

func apiDo(t *testing.T, s *routeSite, who, method, path string, body string) (*http.Response, map[string]any) {
	t.Helper()
	return sendJSON(t, method, s.url+path, s.tokens[who], "application/json", body)
}

func TestTheAPIKeepsTheChartAndReadsEvaluationsButCannotSign(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		base := "/api/v1/clients/" + s.blankID
		res, out := apiDo(t, s, "prescriber", http.MethodPut, base+"/details", `{"legal_name": "", "email": "nope", "escort": {"name": "Jo Park"}}`)
		if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("bad details: %d %v", res.StatusCode, out)
		}
		errs, _ := out["errors"].(map[string]any)
		for _, f := range []string{"legal_name", "email", "escort_phone"} {
			if errs[f] == nil {
				t.Errorf("no error for %s in %v", f, errs)
			}
		}
		res, out = apiDo(t, s, "prescriber", http.MethodPut, base+"/details", `{"legal_name": "Alex Rivera", "escort": {"name": "Jo Park", "phone": "+1 555 0177"}}`)
		if res.StatusCode != http.StatusOK || out["escort"].(map[string]any)["name"] != "Jo Park" {
			t.Fatalf("good details: %d %v", res.StatusCode, out)
		}
		res, out = apiDo(t, s, "monitor", http.MethodPost, base+"/measurements", `{"measured_on": "2026-01-05", "weight": 154, "weight_unit": "lb"}`)
		if res.StatusCode != http.StatusCreated || out["weight_kg"] != 69.85 {
			t.Fatalf("measurement: %d %v", res.StatusCode, out)
		}
		res, out = apiDo(t, s, "monitor", http.MethodPost, base+"/measurements", `{"measured_on": "2026-01-05", "weigth": 70}`)
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || errs["weigth"] == nil {
			t.Errorf("a misspelt field: %d %v", res.StatusCode, out)
		}
		res, out = apiDo(t, s, "prescriber", http.MethodPost, base+"/diagnoses", `{"code": "F43.10", "description": "PTSD", "diagnosed_on": "2025-02-01"}`)
		if res.StatusCode != http.StatusCreated || out["code"] != "F43.10" {
			t.Fatalf("diagnosis: %d %v", res.StatusCode, out)
		}
		dx := out["id"].(string)
		res, _ = apiDo(t, s, "prescriber", http.MethodPost, base+"/diagnoses/"+dx+"/remove", `{"reason": "entered in error"}`)
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("remove: %d", res.StatusCode)
		}
		res, out = apiDo(t, s, "therapist-on-team", http.MethodGet, base+"/medical", "")
		if res.StatusCode != http.StatusOK || len(out["past_diagnoses"].([]any)) != 1 || len(out["diagnoses"].([]any)) != 0 || len(out["measurements"].([]any)) != 1 {
			t.Errorf("medical: %d %v", res.StatusCode, out)
		}

		res, out = apiDo(t, s, "prescriber", http.MethodPost, base+"/evaluations", `{"decision": "approved", "password": "`+testPassword+`"}`)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(out["detail"].(string), "signs evaluations and addenda in the browser") {
			t.Errorf("signing through the API: %d %v; want 403 saying signatures are made in the browser", res.StatusCode, out)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'evaluation.write' AND outcome = 'denied'`, s.blankID); n != 1 {
			t.Errorf("%d refused API signatures on the trail; want 1", n)
		}
		rx := s.client(t, "prescriber")
		res2, err := postForm(rx, s.url+"/clients/"+s.blankID+"/evaluation/new", approvalForm(testPassword))
		read(t, res2, err)
		res, out = apiDo(t, s, "therapist-on-team", http.MethodGet, base+"/evaluations", "")
		list, _ := out["evaluations"].([]any)
		if res.StatusCode != http.StatusOK || len(list) != 1 || out["current"] == nil {
			t.Fatalf("evaluations: %d %v", res.StatusCode, out)
		}
		e := list[0].(map[string]any)
		sig := e["signature"].(map[string]any)
		if e["intact"] != true || e["decision"] != "approved_with_conditions" || sig["meaning"] != "approval" || len(sig["sha256"].(string)) != 64 {
			t.Errorf("evaluation %v", e)
		}
		if !strings.Contains(html.UnescapeString(sig["signer_name"].(string)), "Priya Raman, MD") {
			t.Errorf("signer %v", sig["signer_name"])
		}
	})
}

// The finding's orders on the evaluation form: BP under 160/100, lorazepam held 24 h,
// ondansetron 4 mg ODT 30 min before dosing, no additional dose without the prescriber; and
// an IV maximum of 4.9 mg/kg, far above the 0.1–0.75 mg/kg reported (Andrade 2017, J Clin
// Psychiatry 78:e852), accepted only with the prescriber's confirmation and reason.
func TestTheEvaluationRecordsTheOrdersTheRoomEnforces(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		rx := s.client(t, "prescriber")
		base := s.url + "/clients/" + s.blankID + "/evaluation"
		form := approvalForm(testPassword)
		form.Set("conditions", "BP under 160/100; hold lorazepam 24 h.")
		form.Set("limit.iv.mg_per_kg", "4.9")
		form.Set("hold_systolic", "160")
		form.Set("hold_diastolic", "100")
		form.Set("held.0.substance", "lorazepam")
		form.Set("held.0.hours", "24")
		form.Set("premed.0.drug", "ondansetron")
		form.Set("premed.0.dose_mg", "4")
		form.Set("premed.0.route", "ODT")
		form.Set("premed.0.minutes_before", "30")
		form.Set("premed.1.drug", "meclizine")
		form.Set("premedication", "")

		body := postStatus(t, rx, base+"/new", form, http.StatusUnprocessableEntity)
		pageSays(t, body, "The maximum for IV infusion is above the range reported for the route", "Andrade 2017", "4.9 mg/kg is above 0.75 mg/kg",
			"Give the dose of meclizine in mg", "Give how meclizine is given")
		pageHas(t, body, `value="4.9"`, `value="160"`, `value="lorazepam"`, `value="ondansetron"`, `value="meclizine"`, `id="limit.iv.confirm-error"`)
		dumpPage(t, "rx_evaluation_orders_refused", body)
		if n := len(s.evaluations(t)); n != 0 {
			t.Fatalf("%d evaluations after a refused form", n)
		}

		form.Del("premed.1.drug")
		form.Set("limit.iv.confirm", "on")
		body = postStatus(t, rx, base+"/new", form, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the reason for the maximum for IV infusion above the reported range.")

		form.Set("limit.iv.reason", "Anaesthesia-led infusion under continuous monitoring.")
		postStatus(t, rx, base+"/new", form, http.StatusSeeOther)
		list := s.evaluations(t)
		if len(list) != 1 || list[0].Verify() != nil {
			t.Fatalf("stored %+v", list)
		}
		o := list[0].Orders
		if o.Hold == nil || o.Hold.SystolicMmHg != 160 || !o.Hold.AtOrAbove || len(o.HeldSubstances) != 1 || o.HeldSubstances[0].Hours != 24 ||
			len(o.PreMedications) != 1 || o.PreMedications[0].MinutesBefore != 30 || o.AdditionalDoses.Allowed || len(list[0].AboveBound) != 1 {
			t.Fatalf("orders %+v, confirmed %+v", o, list[0].AboveBound)
		}
		res, err := rx.Get(base)
		body = read(t, res, err)
		pageSays(t, body, "Orders for the session room", "160/100 mmHg", "no lorazepam in the 24 h before the session", "ondansetron 4 mg ODT, 30 min before dosing",
			"No additional dose without the prescriber's authorisation in the session", "Anaesthesia-led infusion")
		dumpPage(t, "rx_evaluation_orders", body)
		res, err = rx.Get(s.url + "/clients/" + s.blankID)
		body = read(t, res, err)
		pageSays(t, body, "orders for medicine sessions", "160/100 mmHg", "no lorazepam in the 24 h before the session")

		// A new evaluation starts from the current one's orders.
		res, err = rx.Get(base + "/new")
		body = read(t, res, err)
		pageHas(t, body, `value="160"`, `value="lorazepam"`, `value="ondansetron"`)

		res, out := apiDo(t, s, "therapist-on-team", http.MethodGet, "/api/v1/clients/"+s.blankID+"/evaluations", "")
		evs, _ := out["evaluations"].([]any)
		if len(evs) != 1 {
			t.Fatalf("API: %d %v", res.StatusCode, out)
		}
		cur, _ := evs[0].(map[string]any)
		orders, _ := cur["orders"].(map[string]any)
		hold, _ := orders["hold"].(map[string]any)
		if res.StatusCode != http.StatusOK || hold["systolic_mmhg"] != 160.0 || len(orders["premedications"].([]any)) != 1 || len(cur["above_bound"].([]any)) != 1 {
			t.Fatalf("API: %d %v", res.StatusCode, cur)
		}
		if !strings.Contains(cur["conditions"].(string), "160/100") {
			t.Errorf("free-text conditions: %v", cur["conditions"])
		}
	})
}

// TestApprovalAndActivationNeedASettledScreening: once found, a prescriber
// could approve (and then plan and activate a course for) a client whose
// intake was half done and who had no screening, and one with a relative
// contraindication still unacknowledged. Approval now needs a current
// screening that is clear or fully acknowledged, and activation checks the
// same (KAP.md §1 Contraindications and interactions).
func TestApprovalAndActivationNeedASettledScreening(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		rx := s.client(t, "prescriber")
		for _, who := range []struct{ email, says string }{
			{"jamie@client.example", "Intake questionnaire not yet submitted"},
			{"cilla@client.example", "Awaiting the prescriber's acknowledgement"},
		} {
			id := s.clientByEmail(t, who.email)
			before := s.count(t, `SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, id)
			res, err := postForm(rx, s.url+"/clients/"+id+"/evaluation/new", approvalForm(testPassword))
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("approving %s: %d; want 422", who.email, res.StatusCode)
			}
			pageSays(t, body, "can be approved only on a current screening", who.says)
			if after := s.count(t, `SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, id); after != before {
				t.Errorf("an approval for %s was stored", who.email)
			}
		}

		// Daniel is approved with a planned course; a newer screening that
		// is incomplete (a changed intake, not yet answered) stops its start.
		var daniel, course, intake string
		storetest.Scan(t, s.db, `SELECT c.client_id, c.id, i.id FROM course c JOIN client cl ON cl.id = c.client_id JOIN intake i ON i.client_id = cl.id
				WHERE cl.email = 'dan@client.example' AND c.status = 'planned'`, nil, &daniel, &course, &intake)
		if course == "" {
			t.Fatal("the demo has no planned course for Daniel")
		}
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome, findings, unanswered,
				parameters, facts, trigger_kind, run_by_kind, run_by_id)
				SELECT id || '-again', practice_id, client_id, intake_id, ?, rule_set_version, 'incomplete', '[]',
				'[{"fact":"vitals.bp_systolic","rule_ids":["bp-at-rest"]}]', parameters, facts, 'changed', run_by_kind, run_by_id
				FROM screening WHERE client_id = ? ORDER BY screened_at DESC LIMIT 1`, time.Now().UTC(), daniel)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		res, err := postForm(rx, s.url+"/clients/"+daniel+"/courses/"+course+"/activate", nil)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("activating Daniel's course on an incomplete screening: %d; want 422", res.StatusCode)
		}
		pageSays(t, body, "A course needs a current screening")
		if n := s.count(t, `SELECT COUNT(*) FROM course WHERE id = ? AND status = 'planned'`, course); n != 1 {
			t.Fatal("the course was activated")
		}
	})
}
