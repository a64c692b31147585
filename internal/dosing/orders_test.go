package dosing

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStricterHoldPrescriberWins(t *testing.T) {
	client := &HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100, AtOrAbove: true}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sys, dia := 165, 95
	r := Reading{At: at, Systolic: &sys, Diastolic: &dia}
	if held, _ := PreDoseHold(r, DefaultHoldThreshold()); held {
		t.Fatal("165/95 is below the practice's 180/110 hold")
	}
	held, msg := ClientPreDoseHold(r, DefaultHoldThreshold(), client)
	if !held || !strings.Contains(msg, "the prescriber's hold for this client") {
		t.Fatalf("165/95 under a 160/100 client hold: held %v, %q", held, msg)
	}
	if got, _ := StricterHold(SwissLabelHoldThreshold(), &HoldThreshold{SystolicMmHg: 190, DiastolicMmHg: 95, AtOrAbove: true}); got.SystolicMmHg != 181 || got.DiastolicMmHg != 95 || !got.AtOrAbove {
		t.Fatalf("mixed holds: %+v", got)
	}
}

func TestPreMedicationAndAfterAlarm(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	orders := []PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}
	if rs := CheckPreMedication(orders, nil, at); len(rs) != 1 || rs[0].Rule != RulePreMedication {
		t.Fatalf("not given: %v", rs)
	}
	if rs := CheckPreMedication(orders, []PreMedicationGiven{{Drug: "Ondansetron", At: at.Add(-20 * time.Minute)}}, at); len(rs) != 1 {
		t.Fatalf("given 20 min before a 30 min order: %v", rs)
	}
	if rs := CheckPreMedication(orders, []PreMedicationGiven{{Drug: "ondansetron", At: at.Add(-30 * time.Minute)}}, at); len(rs) != 0 {
		t.Fatalf("given 30 min before: %v", rs)
	}
	if rs := CheckAfterAlarm(at, nil, DefaultHoldThreshold(), nil); len(rs) != 1 || rs[0].Rule != RuleAfterAlarmReading {
		t.Fatalf("no reading after the alarm: %v", rs)
	}
	sys, dia := 150, 90
	later := []Reading{{At: at.Add(10 * time.Minute), Systolic: &sys, Diastolic: &dia}}
	if rs := CheckAfterAlarm(at, later, DefaultHoldThreshold(), &HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100, AtOrAbove: true}); len(rs) != 0 {
		t.Fatalf("150/90 after the alarm, below 160/100: %v", rs)
	}
}

// The prescriber plans whether a session may have additional doses, up to what total and how
// long after the first (KAP.md §1 Routes and doses: escalation is practice-specific, the
// prescriber sets it); only these refusals can be lifted by an authorisation in the session.
func TestAdditionalDosesFollowThePrescribersPlan(t *testing.T) {
	first := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	plan := AdditionalDosePlan{Allowed: true, MaxTotalMg: 250, MinMinutesAfterFirst: 40}
	for _, c := range []struct {
		name     string
		plan     AdditionalDosePlan
		proposed float64
		after    time.Duration
		want     []Rule
	}{
		{"no additional dose planned: 150 then 250", AdditionalDosePlan{}, 250, time.Hour, []Rule{RuleAdditionalNotPlanned}},
		{"within the plan", plan, 100, 45 * time.Minute, nil},
		{"exactly the plan's total, at exactly 40 min", plan, 100, 40 * time.Minute, nil},
		{"the finding: 150 planned, 400 given", plan, 250, time.Hour, []Rule{RuleAdditionalAbovePlan}},
		{"too soon", plan, 50, 20 * time.Minute, []Rule{RuleAdditionalTooSoon}},
		{"too much and too soon", plan, 150, 10 * time.Minute, []Rule{RuleAdditionalAbovePlan, RuleAdditionalTooSoon}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs := CheckAdditionalPlan(c.plan, first, 150, c.proposed, first.Add(c.after))
			if got := rulesOf(rs); !slices.Equal(got, c.want) {
				t.Fatalf("rules %v, want %v: %v", got, c.want, rs)
			}
			for _, r := range rs {
				if !BeyondPlan(r.Rule) {
					t.Errorf("%s cannot be lifted by an authorisation", r.Rule)
				}
			}
		})
	}
	for _, r := range []Rule{RuleDoseAboveLimit, RuleDoseAboveSession, RulePreDoseHold, RuleAfterAlarmReading, RuleGiver} {
		if BeyondPlan(r) {
			t.Errorf("an authorisation lifts %s; only the plan's numbers may be lifted", r)
		}
	}
	a := DoseAuthorisation{By: "Dr Ada Okafor", Role: RolePrescriber, DoseMg: 250, Reason: "Little effect at 150 mg.", At: first.Add(50 * time.Minute)}
	if rs := CheckAuthorisedDose(a, 250); len(rs) != 0 {
		t.Errorf("250 mg under an authorisation of 250 mg: %v", rs)
	}
	if rs := CheckAuthorisedDose(a, 300); len(rs) != 1 || !strings.Contains(rs[0].Message, "up to 250 mg") {
		t.Errorf("300 mg under an authorisation of 250 mg: %v", rs)
	}
	if rs := (DoseAuthorisation{By: "Sam", Role: RoleTherapist, DoseMg: 100}).Check(); len(rs) != 2 {
		t.Errorf("a therapist's authorisation without a reason: %v", rs)
	}
}

// Who gives a dose: a clinician of the session with a role the practice allows for the route
// (a practice setting; no published source fixes it [verify]).
func TestTheGiverIsAClinicianOfTheSessionAllowedForTheRoute(t *testing.T) {
	allowed := DefaultGiverRoles()
	for _, c := range []struct {
		name      string
		inSession bool
		roles     []Role
		route     Route
		refusals  int
	}{
		{"a therapist in the room hands over an RDT", true, []Role{RoleTherapist}, RouteSublingualRDT, 0},
		{"a monitor does not give medicine", true, []Role{RoleMonitor}, RouteSublingualRDT, 1},
		{"a therapist does not give an IM injection", true, []Role{RoleTherapist}, RouteIM, 1},
		{"a prescriber off the session", false, []Role{RolePrescriber}, RouteIV, 1},
		{"an administrator off the session", false, []Role{RoleAdmin}, RouteOralTroche, 2},
	} {
		if got := CheckGiver("X", c.inSession, c.roles, c.route, allowed); len(got) != c.refusals {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
