package prescribing_test

import (
	"strings"
	"testing"

	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

// A maximum above the range reported for its route is confirmed by the prescriber with a
// reason: IV 0.1–0.75 mg/kg (Andrade 2017, J Clin Psychiatry 78:e852), IM 0.25–0.5 mg/kg
// (Chilukuri 2014), oral 0.25–7 mg/kg or 25–300 mg (Andrade 2019), sublingual 100–400 mg
// (practice report [verify]).
func TestAMaximumAboveItsRoutesReportedRangeNeedsAConfirmedReason(t *testing.T) {
	iv := func(perKg, mg float64) dosing.Limit {
		return dosing.Limit{Route: dosing.RouteIV, MaxMgPerKg: perKg, MaxMg: mg}
	}
	confirm := func(r dosing.Route, reason string) []prescribing.BoundConfirmation {
		return []prescribing.BoundConfirmation{{Route: r, Reason: reason}}
	}
	for _, c := range []struct {
		name    string
		limit   dosing.Limit
		confirm []prescribing.BoundConfirmation
		kg      float64
		want    string
		message string
	}{
		{"IV 0.5 mg/kg, the usual dose", iv(0.5, 0), nil, 0, "", ""},
		{"IV 0.75 mg/kg, the top of the range", iv(0.75, 0), nil, 0, "", ""},
		{"IV 4.9 mg/kg, the finding", iv(4.9, 0), nil, 0, "limit.iv.confirm", "Andrade 2017"},
		{"IV 4.9 mg/kg ticked without a reason", iv(4.9, 0), confirm(dosing.RouteIV, " "), 0, "limit.iv.reason", "reason"},
		{"IV 4.9 mg/kg confirmed with a reason", iv(4.9, 0), confirm(dosing.RouteIV, "Anaesthesia-trained prescriber, monitored theatre."), 0, "", ""},
		{"IV 100 mg at 70 kg is 1.43 mg/kg", iv(0, 100), nil, 70, "limit.iv.confirm", "1.429 mg/kg at 70 kg"},
		{"IV 100 mg without a weight cannot be read per kg", iv(0, 100), nil, 0, "", ""},
		{"IM 0.6 mg/kg", dosing.Limit{Route: dosing.RouteIM, MaxMgPerKg: 0.6}, nil, 0, "limit.im.confirm", "Chilukuri 2014"},
		{"oral troche 300 mg", dosing.Limit{Route: dosing.RouteOralTroche, MaxMg: 300}, nil, 0, "", ""},
		{"oral troche 350 mg", dosing.Limit{Route: dosing.RouteOralTroche, MaxMg: 350}, nil, 0, "limit.oral_troche.confirm", "Andrade 2019"},
		{"sublingual RDT 400 mg", rdt(400, 0), nil, 0, "", ""},
		{"sublingual RDT 450 mg", rdt(450, 0), nil, 0, "limit.sublingual_rdt.confirm", "400 mg"},
		{"a confirmation for another route does not count", iv(2, 0), confirm(dosing.RouteIM, "x"), 0, "limit.iv.confirm", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{c.limit}, AboveBound: c.confirm}.Normalised()
			ps := d.ValidateAt(c.kg)
			if got := fields(ps); got != c.want {
				t.Fatalf("problems %v on %q; want on %q", ps, got, c.want)
			}
			if c.message != "" && !strings.Contains(ps.Error(), c.message) {
				t.Errorf("message %q lacks %q", ps.Error(), c.message)
			}
		})
	}
}

// The prescriber's structured orders are numbers the room can act on (KAP.md §1 Vitals: a
// stricter per-client threshold wins; Fasting, nausea: practices pre-treat with ondansetron;
// Contraindications and interactions: benzodiazepines may blunt response).
func TestTheStructuredOrdersAreValidated(t *testing.T) {
	hold := func(s, d int) *dosing.HoldThreshold { return &dosing.HoldThreshold{SystolicMmHg: s, DiastolicMmHg: d} }
	ondansetron := dosing.PreMedicationOrder{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}
	for _, c := range []struct {
		name   string
		orders dosing.ClientConditions
		want   string
	}{
		{"BP under 160/100, hold lorazepam 24 h, ondansetron", dosing.ClientConditions{Hold: hold(160, 100),
			HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam", Hours: 24}}, PreMedications: []dosing.PreMedicationOrder{ondansetron}}, ""},
		{"a hold of 16/10 (a slip)", dosing.ClientConditions{Hold: hold(16, 10)}, prescribing.FieldHoldSystolic},
		{"diastolic above systolic", dosing.ClientConditions{Hold: hold(120, 130)}, prescribing.FieldHoldDiastolic},
		{"a held substance without hours", dosing.ClientConditions{HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam"}}}, "held.0.hours"},
		{"hours without a substance", dosing.ClientConditions{HeldSubstances: []dosing.HeldSubstance{{Hours: 24}}}, "held.0.substance"},
		{"a pre-medication without a dose", dosing.ClientConditions{PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", Route: "ODT"}}}, "premed.0.dose_mg"},
		{"a pre-medication without a route", dosing.ClientConditions{PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4}}}, "premed.0.route"},
		{"additional doses to 250 mg after 40 min", dosing.ClientConditions{AdditionalDoses: dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: 250, MinMinutesAfterFirst: 40}}, ""},
		{"additional doses with no total", dosing.ClientConditions{AdditionalDoses: dosing.AdditionalDosePlan{Allowed: true}}, prescribing.FieldAdditionalMaxMg},
		{"additional doses above the maximum", dosing.ClientConditions{AdditionalDoses: dosing.AdditionalDosePlan{Allowed: true, MaxTotalMg: 500}}, prescribing.FieldAdditionalMaxMg},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(400, 0)}, Orders: c.orders}.Normalised()
			if got := fields(d.Validate()); got != c.want {
				t.Fatalf("problems %v on %q; want on %q", d.Validate(), got, c.want)
			}
		})
	}
	refused := prescribing.Draft{Decision: prescribing.NotApproved, Reason: "No.", Orders: dosing.ClientConditions{Hold: hold(160, 100)}}.Normalised()
	if got := fields(refused.Validate()); got != "orders" {
		t.Errorf("orders on a refusal: %q", got)
	}
}
