package dosing

import (
	"slices"
	"testing"
	"time"
)

func readyFacts(step GateStep, when time.Time) GateFacts {
	f := GateFacts{
		Step: step,
		At:   when,
		Readiness: ReadinessFacts{
			IntakeSubmitted: true, ScreeningDone: true, PrescriberApproved: true, ConsentsCurrent: true,
			PreparationSessionHeld: true, EscortName: "Jo Park", InstructionsAcknowledged: true,
		},
		Course:        Course{Status: CourseActive, PlannedSessions: 6, WindowDays: 21, StartsOn: at(-7 * days)},
		Sessions:      []Session{{At: at(-2 * days), Status: SessionHeld}},
		Route:         RouteSublingualRDT,
		PlannedDoseMg: 100,
		Limit:         Limit{Route: RouteSublingualRDT, MaxMg: 200, MaxMgPerKg: 2},
		Weights:       []Weight{{Kg: 70, MeasuredOn: at(-7 * days)}},
		Settings:      DefaultSettings(),
	}
	if step == GateStart {
		f.Checklist = completeChecklist(when)
		f.PreDoseReading = &Reading{At: when.Add(-10 * min), Systolic: Measured(128), Diastolic: Measured(82), HeartRate: Measured(70), SpO2: Measured(98)}
	}
	return f
}

func TestGate(t *testing.T) {
	// KAP.md §1: a medicine session is booked and started only when preparation is complete
	// (Session and course), consent is current (§3 Consent), the course is active, sessions are
	// spaced and counted (6 over 2–3 weeks, seeds), the dose is within the prescriber's per-route
	// maximum (Routes and doses), and on the day the fasting and escort checks (Spravato label)
	// and the pre-dose BP hold (Swiss label / treatment-emergent threshold, [verify]) pass.
	start := at(0)
	with := func(step GateStep, change func(*GateFacts)) GateFacts {
		f := readyFacts(step, start)
		change(&f)
		return f
	}
	tests := []struct {
		name string
		f    GateFacts
		want []Rule
		says []string
	}{
		{"booking, everything in place", readyFacts(GateBook, start), nil, nil},
		{"starting, everything in place", readyFacts(GateStart, start), nil, nil},
		{"nothing in place: every missing item listed", GateFacts{Step: GateBook, At: start, Settings: DefaultSettings()},
			[]Rule{
				Rule(ItemIntakeSubmitted), Rule(ItemScreeningClear), Rule(ItemPrescriberApproved), Rule(ItemConsentsCurrent),
				Rule(ItemPreparationSessionHeld), Rule(ItemEscortNamed), Rule(ItemInstructionsAcknowledged),
				RuleCourseNotActive, RuleRoute,
			},
			[]string{"The intake form has not been submitted. Who can complete it: client or admin.", "Who can complete it: prescriber.", "The course has no known status"}},
		{"starting with nothing in place lists the day's checks too", GateFacts{Step: GateStart, At: start, Settings: DefaultSettings(),
			Course: Course{Status: CourseActive, PlannedSessions: 6, WindowDays: 21}, Route: RouteIM, Limit: Limit{Route: RouteIM, MaxMg: 50}, PlannedDoseMg: 30},
			[]Rule{
				Rule(ItemIntakeSubmitted), Rule(ItemScreeningClear), Rule(ItemPrescriberApproved), Rule(ItemConsentsCurrent),
				Rule(ItemPreparationSessionHeld), Rule(ItemEscortNamed), Rule(ItemInstructionsAcknowledged),
				RuleIdentity, RuleFastingFood, RuleFastingLiquid, RuleEscort, RuleEscort, RuleEscort, RuleNoDriving, RuleAlcoholBenzo, RuleIntention,
				RulePreDoseReading,
			}, nil},
		{"consent lapses before the booked session", with(GateBook, func(f *GateFacts) { f.ConsentExpiresAt = start.Add(-time.Minute) }),
			[]Rule{RuleConsentExpires}, []string{"Consent lapses on Mon 2 Mar 2026 08:59, by the session at Mon 2 Mar 2026 09:00"}},
		{"consent lapses after the session", with(GateBook, func(f *GateFacts) { f.ConsentExpiresAt = start.Add(time.Minute) }), nil, nil},
		{"course planned", with(GateBook, func(f *GateFacts) { f.Course.Status = CoursePlanned }), []Rule{RuleCourseNotActive}, []string{"still planned"}},
		{"course completed", with(GateBook, func(f *GateFacts) { f.Course.Status = CourseCompleted }), []Rule{RuleCourseNotActive}, []string{"completed"}},
		{"course stopped", with(GateBook, func(f *GateFacts) {
			f.Course.Status, f.Course.StoppedOn, f.Course.StopReason = CourseStopped, at(-1*days), "client asked to stop"
		}), []Rule{RuleCourseNotActive}, []string{"stopped on Sun 1 Mar 2026 (client asked to stop)"}},
		{"booking one minute too close to a held session", with(GateBook, func(f *GateFacts) { f.Sessions = []Session{{At: start.Add(-48*hour + min), Status: SessionHeld}} }),
			[]Rule{RuleSpacing}, []string{"47 h 59 min after"}},
		{"booking too close to another booking", with(GateBook, func(f *GateFacts) {
			f.Sessions = append(f.Sessions, Session{At: start.Add(24 * hour), Status: SessionBooked})
		}), []Rule{RuleSpacing}, []string{"24 h before"}},
		{"starting ignores other bookings for spacing", with(GateStart, func(f *GateFacts) {
			f.Sessions = append(f.Sessions, Session{At: start.Add(24 * hour), Status: SessionBooked})
		}), nil, nil},
		{"cancelled sessions do not count for spacing", with(GateBook, func(f *GateFacts) {
			f.Sessions = append(f.Sessions, Session{At: start.Add(-1 * hour), Status: SessionCancelled})
		}), nil, nil},
		{"booking past the planned count", with(GateBook, func(f *GateFacts) {
			f.Sessions = []Session{{At: at(-20 * days), Status: SessionHeld}, {At: at(-18 * days), Status: SessionHeld}, {At: at(-16 * days), Status: SessionHeld},
				{At: at(-14 * days), Status: SessionHeld}, {At: at(-12 * days), Status: SessionHeld}, {At: at(4 * days), Status: SessionBooked}}
		}), []Rule{RuleSessionCount}, []string{"(5 held, 1 booked)"}},
		{"starting the last planned session", with(GateStart, func(f *GateFacts) {
			f.Sessions = []Session{{At: at(-20 * days), Status: SessionHeld}, {At: at(-18 * days), Status: SessionHeld}, {At: at(-16 * days), Status: SessionHeld},
				{At: at(-14 * days), Status: SessionHeld}, {At: at(-12 * days), Status: SessionHeld}, {At: at(4 * days), Status: SessionBooked}}
		}), nil, nil},
		{"dose above the prescriber's maximum", with(GateBook, func(f *GateFacts) { f.PlannedDoseMg = 141 }), []Rule{RuleDoseAboveLimit},
			[]string{"Dose 141 mg (2.01 mg/kg) is above the prescriber's maximum for sublingual RDT of 2 mg/kg (140 mg at 70 kg)."}},
		{"mg/kg limit with no weight on file", with(GateBook, func(f *GateFacts) { f.Weights = nil }), []Rule{RuleWeightNeeded}, nil},
		{"starting with a checklist gap", with(GateStart, func(f *GateFacts) { f.Checklist.LastFoodAt = start.Add(-90 * min) }), []Rule{RuleFastingFood}, nil},
		{"starting without a pre-dose reading", with(GateStart, func(f *GateFacts) { f.PreDoseReading = nil }), []Rule{RulePreDoseReading}, nil},
		{"pre-dose reading exactly 60 min old", with(GateStart, func(f *GateFacts) { f.PreDoseReading.At = start.Add(-60 * min) }), nil, nil},
		{"pre-dose reading 61 min old", with(GateStart, func(f *GateFacts) { f.PreDoseReading.At = start.Add(-61 * min) }), []Rule{RulePreDoseReading},
			[]string{"from 07:59, 1 h 1 min before starting"}},
		{"pre-dose hold", with(GateStart, func(f *GateFacts) { f.PreDoseReading.Systolic = Measured(182) }), []Rule{RulePreDoseHold},
			[]string{"Hold: blood pressure 182/82 mmHg at 08:50; systolic 182 is at or above 180 mmHg"}},
		{"pre-dose hold overridden by a prescriber", with(GateStart, func(f *GateFacts) {
			f.PreDoseReading.Systolic = Measured(182)
			f.HoldOverride = &Override{By: "Dr Ana Reyes", Role: RolePrescriber, Reason: "repeat reading trend falling; known white-coat", At: start.Add(-5 * min)}
		}), nil, nil},
		{"pre-dose hold 'overridden' by a therapist", with(GateStart, func(f *GateFacts) {
			f.PreDoseReading.Systolic = Measured(182)
			f.HoldOverride = &Override{By: "Sam Lee", Role: RoleTherapist, Reason: "calm", At: start.Add(-5 * min)}
		}), []Rule{RulePreDoseHold, RuleOverrideRole}, nil},
		{"override made before the latest reading", with(GateStart, func(f *GateFacts) {
			f.PreDoseReading.Systolic = Measured(190)
			f.HoldOverride = &Override{By: "Dr Ana Reyes", Role: RolePrescriber, Reason: "earlier reading", At: start.Add(-20 * min)}
		}), []Rule{RuleOverrideStale}, []string{"was made before the latest pre-dose reading (08:50)"}},
		{"booking does not ask for the day's checks", with(GateBook, func(f *GateFacts) { f.Checklist = PreDoseChecklist{}; f.PreDoseReading = nil }), nil, nil},
		{"unknown step", with(GateBook, func(f *GateFacts) { f.Step = "dose" }), []Rule{RuleGateStep}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Gate(tt.f)
			wantRules(t, got, tt.want...)
			wantMessages(t, got, tt.says...)
		})
	}
}

func TestGateWarnings(t *testing.T) {
	// KAP.md §1 Routes and doses (mg/kg from the weight on file; stale weight warns) and Session
	// and course (6 sessions over 2–3 weeks): these warn without blocking.
	start := at(0)
	f := readyFacts(GateBook, start)
	if w := GateWarnings(f); len(w) != 0 {
		t.Errorf("ready booking warns: %v", w)
	}
	f.Weights = []Weight{{Kg: 70, MeasuredOn: at(-91 * days)}}
	f.Sessions = []Session{{At: at(-22 * days), Status: SessionHeld}}
	if got := warningRules(GateWarnings(f)); !slices.Equal(got, []Rule{RuleWeightStale, RuleOutsideCourseWindow}) {
		t.Errorf("warnings %v", got)
	}
	if len(Gate(f)) != 0 {
		t.Errorf("warnings blocked the gate: %v", Gate(f))
	}
	s := readyFacts(GateStart, start)
	s.PreDoseReading.Systolic = Measured(182)
	s.HoldOverride = &Override{By: "Dr Ana Reyes", Role: RolePrescriber, Reason: "known white-coat", At: start}
	if got := warningRules(GateWarnings(s)); !slices.Equal(got, []Rule{RulePreDoseHold}) {
		t.Errorf("override not surfaced: %v", got)
	}
}
