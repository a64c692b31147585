package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Finding 10: the three medicines a client lists on the intake, lorazepam among them, are offered
// to the chart when the intake is submitted; a clinician confirms two (one corrected), declines
// the third through the API; the evaluation shows what is confirmed and what is still only the
// client's word; the benzodiazepine finding gives the diazepam equivalent (Ashton Manual:
// lorazepam 1 mg ≈ diazepam 10 mg, so 1 mg twice daily ≈ 20 mg/day).
func TestIntakeMedicationsReachTheChartTheEvaluationAndTheScreening(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
		alex := s.signIn("alex@client.example")
		all := answers()
		all["medications"] = url.Values{"rows": {"3"}, "medications.takes_medications": {"yes"},
			"medications.list[0].name": {"lorazepam"}, "medications.list[0].dose": {"1"}, "medications.list[0].unit": {"mg"},
			"medications.list[0].frequency": {"twice daily"}, "medications.list[0].daily_dose_mg": {"2"},
			"medications.list[1].name": {"Sertraline"}, "medications.list[1].dose": {"100"}, "medications.list[1].unit": {"mg"},
			"medications.list[1].frequency": {"every morning"},
			"medications.list[2].name":      {"Lamictal"}, "medications.list[2].dose": {"50"}, "medications.list[2].unit": {"mg"},
			"medications.list[2].frequency": {"daily"}}
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, body := alex.save("/portal/intake", name, all[name])
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("saving %s: %d\n%s", name, res.StatusCode, body)
			}
		}
		res, _ := alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivera"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		if n := s.count(`SELECT COUNT(*) FROM medication WHERE client_id = ?`, s.alex); n != 0 {
			t.Fatalf("%d chart medications on the client's word alone", n)
		}

		rx := s.signIn("rx@example.org")
		base := "/clients/" + s.alex
		res, body := rx.get(base + "/intake/review")
		wantStatus(t, res, http.StatusOK)
		// Words of the template itself, which reach the page as written.
		pageHas(t, body, "offered to the chart's medication list on submission")
		res, body = rx.get(base + "/medical")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Offered from the intake (3)", "lorazepam 1 mg, twice daily", "Sertraline 100 mg, every morning", "Lamictal 50 mg, daily",
			"their total in a usual day: 2 mg", "No current medications recorded.")
		dumpPage(t, "rx_medical_offered", body)
		res, body = rx.get(base + "/evaluation/new")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "listed by the client, not yet confirmed", "lorazepam 1 mg twice daily; Sertraline 100 mg every morning; Lamictal 50 mg daily")
		pageHas(t, body, "<dt>Medications</dt><dd>\n")
		if strings.Contains(body, `<dt>Medications</dt><dd><span class="muted">none recorded`) {
			t.Error("the evaluation says no medications are recorded while three are offered")
		}
		res, body = rx.get(base + "/screening")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Takes a benzodiazepine", "lorazepam 1 mg twice daily (2 mg a day, the client's own total) ≈ diazepam 20 mg/day (Ashton Manual)",
			"above 8 mg diazepam-equivalent")

		var lorazepam, sertraline, lamictal string
		for _, row := range []struct {
			name string
			id   *string
		}{{"lorazepam", &lorazepam}, {"Sertraline", &sertraline}, {"Lamictal", &lamictal}} {
			*row.id = idOf(t, db, `SELECT id FROM medication_offer WHERE client_id = ? AND name = ?`, s.alex, row.name)
		}
		// A start date in the future is refused beside its field, and the offer stays.
		p := "offer-" + sertraline + "-"
		res, body = rx.post(base+"/medical/offered/"+sertraline+"/confirm", url.Values{p + "name": {"Sertraline"}, p + "dose": {"150 mg"},
			p + "frequency": {"every morning"}, p + "started_on": {"2099-01-01"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="150 mg"`, `id="f-`+p+`started_on-error"`)
		res, _ = rx.post(base+"/medical/offered/"+sertraline+"/confirm", url.Values{p + "name": {"Sertraline"}, p + "dose": {"150 mg"},
			p + "frequency": {"every morning"}, p + "started_on": {"2025-06-01"}})
		wantStatus(t, res, http.StatusSeeOther)
		p = "offer-" + lorazepam + "-"
		res, _ = rx.post(base+"/medical/offered/"+lorazepam+"/confirm", url.Values{p + "name": {"lorazepam"}, p + "dose": {"1 mg"}, p + "frequency": {"twice daily"}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = rx.follow(res)
		pageSays(t, body, "The medication from the intake is on the chart.", "Offered from the intake (1)", "from the intake")

		// The API, the other face: decline lamotrigine, then read the offers and the chart.
		tok := s.apiToken(s.rx)
		api := s.srv.URL + "/api/v1/clients/" + s.alex
		res, out := sendJSON(t, "POST", api+"/medications/offered/"+lamictal+"/decline", tok, "application/json", `{"reason": "Stopped in October"}`)
		if res.StatusCode != http.StatusCreated || out["screening"] == nil {
			t.Fatalf("decline: %d %v; want 201 with the new screening", res.StatusCode, out)
		}
		res, out = sendJSON(t, "POST", api+"/medications/offered/"+lamictal+"/confirm", tok, "application/json", `{}`)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("confirming a declined offer: %d %v; want 422", res.StatusCode, out)
		}
		res, out = sendJSON(t, "GET", api+"/medications/offered", tok, "", "")
		offers, _ := out["offers"].([]any)
		if res.StatusCode != http.StatusOK || len(offers) != 3 {
			t.Fatalf("offers: %d %v", res.StatusCode, out)
		}
		statuses := map[string]string{}
		for _, o := range offers {
			m := o.(map[string]any)
			statuses[m["name"].(string)] = m["status"].(string) + " by " + m["decided_by"].(string)
		}
		if statuses["lorazepam"] != "confirmed by Dr. Priya Raman" || statuses["Lamictal"] != "declined by Dr. Priya Raman" {
			t.Errorf("statuses %v", statuses)
		}
		res, out = sendJSON(t, "GET", api+"/medical", tok, "", "")
		meds, _ := out["medications"].([]any)
		if res.StatusCode != http.StatusOK || len(meds) != 2 || len(out["offered_from_intake"].([]any)) != 0 {
			t.Fatalf("medical: %d %v", res.StatusCode, out)
		}
		for _, m := range meds {
			if m.(map[string]any)["source_intake_id"] == nil {
				t.Errorf("medication %v has no source intake", m)
			}
		}

		res, body = rx.get(base + "/evaluation/new")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "lorazepam 1 mg twice daily; Sertraline 150 mg every morning")
		pageSaysNot(t, body, "listed by the client, not yet confirmed", "Lamictal")
		res, body = rx.get(base + "/screening")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "lorazepam 1 mg twice daily ≈ diazepam 20 mg/day (Ashton Manual)", "Medication from the intake declined")
		dumpPage(t, "screening_benzodiazepine_equivalent", body)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'client.update' AND outcome = 'allowed' AND record_type = 'medication_offer'`, s.alex); n != 3 {
			t.Errorf("%d audited decisions; want 3 (two confirmed, one declined)", n)
		}
	})
}
