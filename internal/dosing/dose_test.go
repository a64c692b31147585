package dosing

import (
	"slices"
	"testing"
	"time"
)

func TestCheckPlannedDose(t *testing.T) {
	// KAP.md §1 Routes and doses: dose recorded in mg, mg/kg computed from the weight on file for
	// that day; the prescriber sets a per-course maximum per route and each planned dose must
	// stay within it (routes and ranges from Andrade 2017, Chilukuri 2014, Andrade 2019).
	on := at(0)
	w70 := &Weight{Kg: 70, MeasuredOn: at(-10 * days)}
	s := DefaultSettings().Dose
	mgOnly := Limit{Route: RouteSublingualRDT, MaxMg: 100}
	perKgOnly := Limit{Route: RouteSublingualRDT, MaxMgPerKg: 1.5}
	both := Limit{Route: RouteSublingualRDT, MaxMg: 100, MaxMgPerKg: 1.5}
	tests := []struct {
		name     string
		route    Route
		dose     float64
		limit    Limit
		weight   *Weight
		want     []Rule
		warnings []Rule
		says     []string
	}{
		{"mg only, under", RouteSublingualRDT, 99, mgOnly, nil, nil, nil, nil},
		{"mg only, exactly at the limit", RouteSublingualRDT, 100, mgOnly, nil, nil, nil, nil},
		{"mg only, just above", RouteSublingualRDT, 100.5, mgOnly, nil, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 100.5 mg is above the prescriber's maximum for sublingual RDT of 100 mg."}},
		{"mg only, above by less than display rounding", RouteSublingualRDT, 100.004, mgOnly, nil, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 100.004 mg", "of 100 mg"}},
		{"mg only with weight shows mg/kg", RouteSublingualRDT, 120, mgOnly, w70, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 120 mg (1.71 mg/kg) is above the prescriber's maximum for sublingual RDT of 100 mg."}},
		{"mg/kg only, exactly at the limit", RouteSublingualRDT, 105, perKgOnly, w70, nil, nil, nil},
		{"mg/kg only, at the limit despite float noise", RouteIV, 35.15, Limit{Route: RouteIV, MaxMgPerKg: 0.5},
			&Weight{Kg: 70.3, MeasuredOn: on}, nil, nil, nil},
		{"mg/kg only, just above", RouteSublingualRDT, 106, perKgOnly, w70, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 106 mg (1.51 mg/kg) is above the prescriber's maximum for sublingual RDT of 1.5 mg/kg (105 mg at 70 kg)."}},
		{"mg/kg only, above by less than display rounding", RouteSublingualRDT, 105.1, perKgOnly, w70, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"(1.501 mg/kg)", "of 1.5 mg/kg"}},
		{"mg/kg only, no weight on file", RouteSublingualRDT, 50, perKgOnly, nil, []Rule{RuleWeightNeeded}, nil,
			[]string{"A weight is needed: the prescriber's maximum for sublingual RDT is 1.5 mg/kg and no weight dated on or before Mon 2 Mar 2026 is on file."}},
		{"both, within both", RouteSublingualRDT, 100, both, w70, nil, nil, nil},
		{"both, mg broken only", RouteSublingualRDT, 101, both, &Weight{Kg: 80, MeasuredOn: on}, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 101 mg (1.26 mg/kg) is above the prescriber's maximum for sublingual RDT of 100 mg."}},
		{"both, mg/kg broken only", RouteSublingualRDT, 95, both, &Weight{Kg: 60, MeasuredOn: on}, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 95 mg (1.58 mg/kg) is above the prescriber's maximum for sublingual RDT of 1.5 mg/kg (90 mg at 60 kg)."}},
		{"both broken", RouteSublingualRDT, 120, both, w70, []Rule{RuleDoseAboveLimit}, nil,
			[]string{"Dose 120 mg (1.71 mg/kg) is above the prescriber's maximum for sublingual RDT of 100 mg and 1.5 mg/kg (105 mg at 70 kg)."}},
		{"both, no weight: mg still checked", RouteSublingualRDT, 120, both, nil, []Rule{RuleWeightNeeded, RuleDoseAboveLimit}, nil,
			[]string{"A weight is needed", "Dose 120 mg is above the prescriber's maximum for sublingual RDT of 100 mg."}},
		{"no limit set", RouteIM, 30, Limit{Route: RouteIM}, w70, []Rule{RuleLimitMissing}, nil,
			[]string{"No prescriber maximum is set for IM injection"}},
		{"empty limit", RouteIM, 30, Limit{}, w70, []Rule{RuleLimitMissing}, nil, []string{"No prescriber maximum is set for IM injection"}},
		{"limit for another route", RouteIM, 30, mgOnly, w70, []Rule{RuleLimitRoute}, nil,
			[]string{"is for sublingual RDT, not IM injection"}},
		{"negative limit", RouteSublingualRDT, 30, Limit{Route: RouteSublingualRDT, MaxMg: -1}, w70, []Rule{RuleLimitInvalid}, nil, nil},
		{"zero dose", RouteSublingualRDT, 0, mgOnly, w70, []Rule{RuleDoseInvalid}, nil, nil},
		{"unknown route", Route("nasal"), 30, mgOnly, w70, []Rule{RuleRoute}, nil, []string{`"nasal"`}},
		{"zero weight", RouteSublingualRDT, 30, perKgOnly, &Weight{Kg: 0, MeasuredOn: on}, []Rule{RuleWeightInvalid, RuleWeightNeeded}, nil, nil},
		{"weight exactly 90 days old is not stale", RouteSublingualRDT, 50, perKgOnly, &Weight{Kg: 70, MeasuredOn: at(-90 * days)}, nil, nil, nil},
		{"weight 91 days old warns but does not refuse", RouteSublingualRDT, 50, perKgOnly, &Weight{Kg: 70, MeasuredOn: at(-91 * days)}, nil,
			[]Rule{RuleWeightStale}, nil},
		{"stale weight still refuses a dose above mg/kg", RouteSublingualRDT, 110, perKgOnly, &Weight{Kg: 70, MeasuredOn: at(-200 * days)},
			[]Rule{RuleDoseAboveLimit}, []Rule{RuleWeightStale}, nil},
		{"weight dated after the session is not used", RouteSublingualRDT, 50, perKgOnly, &Weight{Kg: 70, MeasuredOn: at(1 * days)},
			[]Rule{RuleWeightNeeded}, []Rule{RuleWeightAfterDate}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CheckPlannedDose(tt.route, tt.dose, tt.limit, tt.weight, on, s)
			wantRules(t, c.Refusals, tt.want...)
			wantMessages(t, c.Refusals, tt.says...)
			if !slices.Equal(warningRules(c.Warnings), tt.warnings) {
				t.Errorf("warnings %v, want %v: %v", warningRules(c.Warnings), tt.warnings, c.Warnings)
			}
			if c.Allowed() != (len(tt.want) == 0) || (c.Err() == nil) != c.Allowed() {
				t.Errorf("Allowed %v / Err %v disagree with refusals %v", c.Allowed(), c.Err(), rulesOf(c.Refusals))
			}
		})
	}
}

func TestDoseCheckShowsMgPerKg(t *testing.T) {
	// KAP.md §1: mg/kg computed from the weight on file for that day, shown rounded.
	c := CheckPlannedDose(RouteIM, 35, Limit{Route: RouteIM, MaxMgPerKg: 0.5}, &Weight{Kg: 70, MeasuredOn: day0}, day0, DefaultSettings().Dose)
	if c.MgPerKg != 0.5 || c.WeightKg != 70 || c.Text != "35 mg (0.5 mg/kg at 70 kg)" {
		t.Errorf("got %v %v %q", c.MgPerKg, c.WeightKg, c.Text)
	}
}

func TestLatestWeight(t *testing.T) {
	// KAP.md §1: mg/kg uses the latest weight on or before the session date.
	ws := []Weight{
		{Kg: 72, MeasuredOn: at(-30 * days)},
		{Kg: 70, MeasuredOn: at(-2 * days)},
		{Kg: 69, MeasuredOn: at(3 * hour)}, // same day, later hour: still "on the date"
		{Kg: 68, MeasuredOn: at(1 * days)}, // after the date
	}
	tests := []struct {
		name string
		on   int // days from day0
		want float64
	}{
		{"same-day weight counts", 0, 69},
		{"day before", -1, 70},
		{"older only", -10, 72},
		{"none yet", -40, 0},
		{"latest of all", 5, 68},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := LatestWeight(ws, at(durationDays(tt.on)))
			got := 0.0
			if w != nil {
				got = w.Kg
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func durationDays(n int) time.Duration { return time.Duration(n) * days }

func TestCheckAdditionalDose(t *testing.T) {
	// KAP.md §1 Routes and doses: each session's dose must stay within the prescriber's
	// per-route maximum; an additional dose is allowed only within the session plan and that
	// maximum (practice-specific escalation, no guideline rule found).
	on := day0
	w70 := &Weight{Kg: 70, MeasuredOn: on}
	w80 := &Weight{Kg: 80, MeasuredOn: on}
	s := DefaultSettings().Dose
	plan := SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100, SessionMaxMg: 150}
	limit := Limit{Route: RouteSublingualRDT, MaxMg: 200, MaxMgPerKg: 2}
	tests := []struct {
		name     string
		plan     SessionPlan
		given    []float64
		proposed float64
		limit    Limit
		weight   *Weight
		want     []Rule
		says     []string
	}{
		{"within plan and limit", plan, []float64{100}, 40, limit, w80, nil, nil},
		{"exactly at the session plan", plan, []float64{100}, 50, limit, w80, nil, nil},
		{"just above the session plan", plan, []float64{100}, 51, limit, w80, []Rule{RuleDoseAboveSession},
			[]string{"Additional dose 51 mg would bring this session's total to 151 mg (1.89 mg/kg), above the session plan's maximum of 150 mg; 100 mg given so far, so at most 50 mg more fits within the plan."}},
		{"plan without additional dose", SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100}, []float64{100}, 25, limit, w70,
			[]Rule{RuleDoseAboveSession}, []string{"the session plan of 100 mg, which has no additional dose", "no more fits within the plan"}},
		{"exactly at the prescriber mg/kg limit", SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100, SessionMaxMg: 300}, []float64{100, 20}, 20, limit, w70, nil, nil},
		{"just above the prescriber mg/kg limit", SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100, SessionMaxMg: 300}, []float64{100, 20}, 21, limit, w70,
			[]Rule{RuleDoseAboveLimit}, []string{"total to 141 mg (2.01 mg/kg), above the prescriber's maximum for sublingual RDT of 2 mg/kg (140 mg at 70 kg); 120 mg given so far, so at most 20 mg more fits within it."}},
		{"above the plan and the prescriber mg limit", SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100, SessionMaxMg: 150},
			[]float64{100, 50}, 60, Limit{Route: RouteSublingualRDT, MaxMg: 200}, nil,
			[]Rule{RuleDoseAboveSession, RuleDoseAboveLimit}, []string{"total to 210 mg,", "of 200 mg; 150 mg given so far, so at most 50 mg more fits within it."}},
		{"mg/kg limit and no weight", plan, []float64{100}, 20, Limit{Route: RouteSublingualRDT, MaxMgPerKg: 2}, nil, []Rule{RuleWeightNeeded}, nil},
		{"nothing given yet", plan, nil, 20, limit, w70, []Rule{RuleNoDoseYet}, []string{"record the planned first dose (100 mg)"}},
		{"zero proposed", plan, []float64{100}, 0, limit, w70, []Rule{RuleDoseInvalid}, nil},
		{"session maximum below the planned dose", SessionPlan{Route: RouteSublingualRDT, PlannedMg: 100, SessionMaxMg: 80}, []float64{100}, 10, limit, w70,
			[]Rule{RuleSessionPlanInvalid}, nil},
		{"limit for another route", plan, []float64{100}, 10, Limit{Route: RouteIM, MaxMg: 200}, w70, []Rule{RuleLimitRoute}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CheckAdditionalDose(tt.plan, tt.given, tt.proposed, tt.limit, tt.weight, on, s)
			wantRules(t, c.Refusals, tt.want...)
			wantMessages(t, c.Refusals, tt.says...)
		})
	}
}

func TestRouteLabels(t *testing.T) {
	// KAP.md §1 Routes and doses: IV infusion (Andrade 2017), IM (Chilukuri 2014), sublingual
	// RDT and oral troche (practice site [verify]).
	want := map[Route]string{RouteIV: "IV infusion", RouteIM: "IM injection", RouteSublingualRDT: "sublingual RDT", RouteOralTroche: "oral troche"}
	for _, r := range Routes() {
		if !r.Valid() || r.Label() != want[r] {
			t.Errorf("%s: valid %v label %q", r, r.Valid(), r.Label())
		}
	}
	if Route("nasal").Valid() {
		t.Error("nasal accepted")
	}
}
