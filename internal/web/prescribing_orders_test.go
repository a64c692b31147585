package web_test

import (
	"net/http"
	"strings"
	"testing"
)

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
