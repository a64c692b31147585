package dosing

import (
	"slices"
	"strings"
	"testing"
)

// TestDefaultsAreWithinTheirBounds: every default sits inside its bound, every number of
// Settings has one, and every bound cites its source and its row of the hazard log.
func TestDefaultsAreWithinTheirBounds(t *testing.T) {
	s := DefaultSettings()
	if refused := s.OutOfBounds(); len(refused) != 0 {
		t.Fatalf("defaults out of bounds: %+v", refused)
	}
	seen := map[string]bool{}
	for _, b := range Bounds() {
		if seen[b.Field] {
			t.Errorf("%s is bounded twice", b.Field)
		}
		seen[b.Field] = true
		if s.Number(b.Field) == nil {
			t.Errorf("%s names no number of the settings", b.Field)
		}
		if b.Source == "" || strings.Contains(b.Source, "KAP.md") || b.Hazard == "" || b.Min > b.Max {
			t.Errorf("%s: bound %+v needs a published source, a hazard row and min ≤ max", b.Field, b)
		}
	}
	if len(seen) != 18+4*len(Measures()) {
		t.Errorf("%d numbers bounded; every number of the settings needs a bound", len(seen))
	}
}

// TestBoundsRefuseWhatTheSourcesDoNotSupport: the finding's numbers, each refused with the
// bound and the source it rests on.
func TestBoundsRefuseWhatTheSourcesDoNotSupport(t *testing.T) {
	cases := []struct {
		field  string
		value  int
		ok     bool
		source string
	}{
		// Swiss label: 180/100 at rest is the loosest hold.
		{"hold.systolic_mmhg", 260, false, "Swiss ketamine label"},
		{"hold.diastolic_mmhg", 160, false, "Swiss ketamine label"},
		{"hold.systolic_mmhg", 180, true, ""},
		{"hold.systolic_mmhg", 160, true, ""},
		// Spravato REMS: at least 2 hours of observation.
		{"discharge.min_observation_minutes", 1, false, "Spravato REMS"},
		{"discharge.min_observation_minutes", 119, false, "Spravato REMS"},
		{"discharge.min_observation_minutes", 120, true, ""},
		// Emory and Yale series: every 15 minutes after infusion; holdspace allows 30.
		{"schedule.then_every_minutes", 240, false, "Emory and Yale"},
		{"schedule.then_every_minutes", 30, true, ""},
		{"schedule.early_every_minutes", 20, false, "Emory and Yale"},
		// NEWS2: SpO2 91 % or less is the red band.
		{"alarm.spo2.below", 50, false, "NEWS2"},
		{"alarm.spo2.below", 91, false, "NEWS2"},
		{"alarm.spo2.below", 0, false, "NEWS2"},
		{"alarm.spo2.below", 94, true, ""},
		{"alarm.systolic.above", 200, false, "Yale"},
		{"alarm.systolic.below", 0, true, ""},
		{"alarm.respiratory_rate.below", 4, false, "NEWS2"},
		// Spravato label: no food for 2 hours, no liquid for 30 minutes.
		{"checklist.food_fast_minutes", 60, false, "Spravato (esketamine) US label"},
		{"checklist.liquid_fast_minutes", 0, false, "Spravato (esketamine) US label"},
		{"checklist.substance_free_hours", 0, true, ""},
		{"course.min_gap_hours", 12, false, "No published minimum"},
	}
	for _, c := range cases {
		s := DefaultSettings()
		*s.Number(c.field) = c.value
		refused := s.OutOfBounds()
		if c.ok {
			if len(refused) != 0 {
				t.Errorf("%s = %d refused: %+v", c.field, c.value, refused)
			}
			continue
		}
		if len(refused) != 1 || refused[0].Field != c.field || !strings.Contains(refused[0].Message, c.source) {
			t.Errorf("%s = %d: got %+v; want one refusal citing %q", c.field, c.value, refused, c.source)
			continue
		}
		b, _ := BoundFor(c.field)
		if !strings.Contains(refused[0].Message, b.Label) || !strings.Contains(refused[0].Message, b.Sentence()) {
			t.Errorf("%s: %q does not name the field and its bound", c.field, refused[0].Message)
		}
	}
}

func TestChangesListBeforeAndAfter(t *testing.T) {
	a, b := DefaultSettings(), DefaultSettings()
	b.Discharge.MinObservationMinutes = 150
	b.Vitals.Alarm.Systolic.Below = 90
	b.Hold.AtOrAbove = false
	got := Changes(a, b)
	want := []Change{
		{Field: "alarm.systolic.below", Label: "Systolic BP, alarm below", Before: "none", After: "90 mmHg"},
		{Field: "discharge.min_observation_minutes", Label: "Least time from the last dose to discharge", Before: "120 minutes", After: "150 minutes"},
		{Field: "hold.at_or_above", Label: "Hold at the numbers themselves", Before: "at or above", After: "above only"},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i].Field != want[i].Field || got[i].Before != want[i].Before || got[i].After != want[i].After {
			t.Errorf("change %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}

// Who may give a dose by each route is the practice's choice (no
// published rule fixes it), but never nobody and never a role that is not
// a clinician's; a change shows in the history by route.
func TestWhoMayGiveADoseIsAChoiceOfClinicians(t *testing.T) {
	cases := []struct {
		name   string
		givers map[Route][]Role
		fields []string
	}{
		{"holdspace's default", DefaultGiverRoles(), nil},
		{"a monitor may hand over the tablet", map[Route][]Role{RouteIV: {RolePrescriber}, RouteIM: {RolePrescriber}, RouteSublingualRDT: {RoleMonitor}, RouteOralTroche: {RoleTherapist}}, nil},
		{"nobody for IM", map[Route][]Role{RouteIV: {RolePrescriber}, RouteIM: {}, RouteSublingualRDT: {RoleTherapist}, RouteOralTroche: {RoleTherapist}}, []string{"givers.im"}},
		{"a route left out", map[Route][]Role{RouteIV: {RolePrescriber}, RouteIM: {RolePrescriber}, RouteSublingualRDT: {RoleTherapist}}, []string{"givers.oral_troche"}},
		{"the client or an administrator", map[Route][]Role{RouteIV: {RoleAdmin}, RouteIM: {RolePrescriber}, RouteSublingualRDT: {RoleClient}, RouteOralTroche: {RoleTherapist}}, []string{"givers.iv", "givers.sublingual_rdt"}},
	}
	for _, tc := range cases {
		s := DefaultSettings()
		s.Givers = tc.givers
		var got []string
		for _, p := range s.GiverProblems() {
			got = append(got, p.Field)
			if !strings.HasPrefix(p.Message, "Who may give a dose by ") {
				t.Errorf("%s: %q does not say which route", tc.name, p.Message)
			}
		}
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%s: refused %v; want %v", tc.name, got, tc.fields)
		}
	}
	before, after := DefaultSettings(), DefaultSettings()
	after.Givers = map[Route][]Role{RouteIV: {RolePrescriber}, RouteIM: {RolePrescriber}, RouteSublingualRDT: {RolePrescriber}, RouteOralTroche: {RolePrescriber, RoleTherapist}}
	ch := Changes(before, after)
	if len(ch) != 1 || ch[0].Field != "givers.sublingual_rdt" || ch[0].Before != "prescriber, therapist" || ch[0].After != "prescriber" {
		t.Errorf("Changes = %+v; want the sublingual route, prescriber, therapist → prescriber", ch)
	}
}
