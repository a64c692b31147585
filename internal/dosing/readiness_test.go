package dosing

import (
	"slices"
	"strings"
	"testing"
)

func TestReadiness(t *testing.T) {
	// KAP.md §1 Session and course: each course has preparation before medicine sessions;
	// §1 contraindications (Ketalar and Spravato labels) are screened and a prescriber decides;
	// §1 Discharge: transport arranged in advance (Spravato label, seeds); §3 consent.
	all := ReadinessFacts{
		IntakeSubmitted: true, ScreeningDone: true, PrescriberApproved: true, ConsentsCurrent: true,
		PreparationSessionHeld: true, EscortName: "Jo Park", InstructionsAcknowledged: true,
	}
	with := func(change func(*ReadinessFacts)) ReadinessFacts {
		f := all
		change(&f)
		return f
	}
	tests := []struct {
		name    string
		facts   ReadinessFacts
		missing []ReadinessItemID
		says    []string
		who     []Role
	}{
		{"everything done", all, nil, nil, nil},
		{"nothing done (zero value)", ReadinessFacts{}, []ReadinessItemID{
			ItemIntakeSubmitted, ItemScreeningClear, ItemPrescriberApproved, ItemConsentsCurrent,
			ItemPreparationSessionHeld, ItemEscortNamed, ItemInstructionsAcknowledged}, nil, nil},
		{"intake", with(func(f *ReadinessFacts) { f.IntakeSubmitted = false }), []ReadinessItemID{ItemIntakeSubmitted},
			[]string{"The intake form has not been submitted."}, []Role{RoleClient, RoleAdmin}},
		{"screening not done", with(func(f *ReadinessFacts) { f.ScreeningDone = false }), []ReadinessItemID{ItemScreeningClear},
			[]string{"Screening is not completed"}, []Role{RolePrescriber}},
		{"screening flags open", with(func(f *ReadinessFacts) { f.OpenScreeningFlags = []string{"uncontrolled hypertension", "lamotrigine"} }),
			[]ReadinessItemID{ItemScreeningClear}, []string{"Screening flags await the prescriber's acknowledgement: uncontrolled hypertension; lamotrigine."}, []Role{RolePrescriber}},
		{"absolute contraindication blocks, whatever else is done", with(func(f *ReadinessFacts) {
			f.ScreeningBlocked, f.BlockReasons = true, []string{"aneurysmal vascular disease or AVM"}
		}), []ReadinessItemID{ItemScreeningClear}, []string{"An absolute contraindication blocks a course (aneurysmal vascular disease or AVM); no acknowledgement lifts it."}, []Role{RolePrescriber}},
		{"not approved", with(func(f *ReadinessFacts) { f.PrescriberApproved = false }), []ReadinessItemID{ItemPrescriberApproved}, nil, []Role{RolePrescriber}},
		{"consent not current", with(func(f *ReadinessFacts) { f.ConsentsCurrent = false }), []ReadinessItemID{ItemConsentsCurrent},
			[]string{"Consent is not current"}, []Role{RoleClient}},
		{"named consent missing overrides the flag", with(func(f *ReadinessFacts) { f.MissingConsents = []string{"KAP treatment consent v3"} }),
			[]ReadinessItemID{ItemConsentsCurrent}, []string{"Consent not signed or no longer current: KAP treatment consent v3"}, []Role{RoleClient}},
		{"no preparation session", with(func(f *ReadinessFacts) { f.PreparationSessionHeld = false }), []ReadinessItemID{ItemPreparationSessionHeld}, nil, []Role{RoleTherapist}},
		{"escort blank", with(func(f *ReadinessFacts) { f.EscortName = "  " }), []ReadinessItemID{ItemEscortNamed},
			[]string{"No escort is named"}, []Role{RoleClient, RoleAdmin}},
		{"instructions", with(func(f *ReadinessFacts) { f.InstructionsAcknowledged = false }), []ReadinessItemID{ItemInstructionsAcknowledged}, nil, []Role{RoleClient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Readiness(tt.facts)
			if len(l) != 7 {
				t.Fatalf("%d items, want 7", len(l))
			}
			var got []ReadinessItemID
			var msgs []string
			for _, it := range l.Missing() {
				got = append(got, it.ID)
				msgs = append(msgs, it.Missing)
				if it.Missing == "" || len(it.Who) == 0 {
					t.Errorf("%s: missing %q, who %v", it.ID, it.Missing, it.Who)
				}
			}
			if !slices.Equal(got, tt.missing) {
				t.Errorf("missing %v, want %v", got, tt.missing)
			}
			if l.Ready() != (len(tt.missing) == 0) {
				t.Errorf("Ready = %v", l.Ready())
			}
			for _, f := range tt.says {
				if !strings.Contains(strings.Join(msgs, "\n"), f) {
					t.Errorf("missing messages lack %q: %v", f, msgs)
				}
			}
			if tt.who != nil && !slices.Equal(l.Missing()[0].Who, tt.who) {
				t.Errorf("who %v, want %v", l.Missing()[0].Who, tt.who)
			}
			for _, it := range l {
				if it.Done && it.Missing != "" {
					t.Errorf("%s done but says %q", it.ID, it.Missing)
				}
			}
		})
	}
}
