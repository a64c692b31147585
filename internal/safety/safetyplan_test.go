package safety

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The Stanley-Brown safety plan (Stanley & Brown 2012, Cognitive and
// Behavioral Practice 19:256-264; KAP.md §7): six steps and the one thing
// most worth living for, built with the client, never a no-suicide
// contract. Steps 1, 2, 4 and 5 must hold at least one entry.

func fullPlan() SafetyPlan {
	return SafetyPlan{
		WarningSigns:      []PlanEntry{{Text: "Not sleeping"}, {Text: "Thinking I am a burden"}},
		InternalCoping:    []PlanEntry{{Text: "Walk the dog"}},
		SocialDistraction: []PlanEntry{{Text: "Coffee shop on Main St"}},
		PeopleToAsk:       []PlanEntry{{Text: "Sister Ana", Phone: "555-0100"}},
		Professionals:     []PlanEntry{{Text: "Dr Lee", Phone: "555-0199 (weekdays)"}, {Text: "988 Lifeline", Phone: "988"}},
		SafeEnvironment:   []PlanEntry{{Text: "Partner keeps the medicines"}},
		WorthLivingFor:    "My daughter",
	}
}

func TestSafetyPlanValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*SafetyPlan)
		want   Code
		names  string // the step the message must name
	}{
		{"all six steps", func(*SafetyPlan) {}, "", ""},
		{"step 1 empty", func(p *SafetyPlan) { p.WarningSigns = nil }, CodeInvalid, "step 1 (Warning signs)"},
		{"step 2 empty", func(p *SafetyPlan) { p.InternalCoping = nil }, CodeInvalid, "step 2"},
		{"step 4 empty", func(p *SafetyPlan) { p.PeopleToAsk = nil }, CodeInvalid, "step 4"},
		{"step 5 empty", func(p *SafetyPlan) { p.Professionals = nil }, CodeInvalid, "step 5"},
		{"step 5 blank row only", func(p *SafetyPlan) { p.Professionals = []PlanEntry{{Text: "  "}} }, CodeInvalid, "step 5"},
		{"step 3 may wait", func(p *SafetyPlan) { p.SocialDistraction = nil }, "", ""},
		{"step 6 may wait", func(p *SafetyPlan) { p.SafeEnvironment = nil }, "", ""},
		{"the closing line may wait", func(p *SafetyPlan) { p.WorthLivingFor = "" }, "", ""},
		{"a number with no name", func(p *SafetyPlan) {
			p.PeopleToAsk = append(p.PeopleToAsk, PlanEntry{Phone: "555-0142"})
		}, CodeInvalid, "555-0142"},
		{"phone numbers are free text", func(p *SafetyPlan) { p.PeopleToAsk[0].Phone = "Mum – mobile, after 6pm" }, "", ""},
		{"two steps empty are both named", func(p *SafetyPlan) { p.WarningSigns, p.Professionals = nil, nil }, CodeInvalid, "step 1 (Warning signs), step 5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fullPlan()
			c.change(&p)
			err := p.Validate()
			wantCode(t, err, c.want)
			if err != nil && !strings.Contains(err.Error(), c.names) {
				t.Errorf("message %q does not name %q", err, c.names)
			}
		})
	}
}

func TestSaveMakesANewVersionEachTime(t *testing.T) {
	t0 := time.Date(2025, 3, 5, 15, 0, 0, 0, time.UTC)
	v1, err := SaveVersion(nil, "c1", fullPlan(), "dr-lee", t0)
	wantCode(t, err, "")
	if v1.Version != 1 || v1.Author != "dr-lee" || !v1.SavedAt.Equal(t0) || v1.ClientID != "c1" {
		t.Fatalf("v1 %+v", v1)
	}

	edited := fullPlan()
	edited.PeopleToAsk[0].Phone = "555-0101"
	history := []PlanVersion{v1}
	v2, err := SaveVersion(history, "c1", edited, "therapist-kim", t0.Add(time.Hour))
	wantCode(t, err, "")
	if v2.Version != 2 || v2.Author != "therapist-kim" {
		t.Fatalf("v2 %+v", v2)
	}
	if history[0].Plan.PeopleToAsk[0].Phone != "555-0100" || len(history) != 1 {
		t.Error("saving changed an earlier version")
	}
	edited.PeopleToAsk[0].Phone = "changed after saving"
	if v2.Plan.PeopleToAsk[0].Phone != "555-0101" {
		t.Error("the saved version shares memory with the caller's plan")
	}

	cases := []struct {
		name    string
		history []PlanVersion
		client  string
		plan    SafetyPlan
		author  string
		at      time.Time
		want    Code
		version int
	}{
		{"third save, history out of order", []PlanVersion{v2, v1}, "c1", fullPlan(), "dr-lee", t0.Add(2 * time.Hour), "", 3},
		{"same instant as the latest", []PlanVersion{v1}, "c1", fullPlan(), "dr-lee", t0, "", 2},
		{"a second before the latest", []PlanVersion{v1}, "c1", fullPlan(), "dr-lee", t0.Add(-time.Second), CodeConflict, 0},
		{"no author", []PlanVersion{v1}, "c1", fullPlan(), " ", t0.Add(time.Hour), CodeInvalid, 0},
		{"another client's history", []PlanVersion{v1}, "c2", fullPlan(), "dr-lee", t0.Add(time.Hour), CodeInvalid, 0},
		{"an invalid plan is not saved", nil, "c1", SafetyPlan{}, "dr-lee", t0, CodeInvalid, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := SaveVersion(c.history, c.client, c.plan, c.author, c.at)
			wantCode(t, err, c.want)
			if v.Version != c.version {
				t.Errorf("version %d, want %d", v.Version, c.version)
			}
		})
	}
}

func TestSaveTidiesBlankRows(t *testing.T) {
	p := fullPlan()
	p.WarningSigns = append(p.WarningSigns, PlanEntry{}, PlanEntry{Text: "  Skipping meals  "})
	v, err := SaveVersion(nil, "c1", p, "dr-lee", time.Date(2025, 3, 5, 15, 0, 0, 0, time.UTC))
	wantCode(t, err, "")
	want := []PlanEntry{{Text: "Not sleeping"}, {Text: "Thinking I am a burden"}, {Text: "Skipping meals"}}
	if !slices.Equal(v.Plan.WarningSigns, want) {
		t.Errorf("got %+v", v.Plan.WarningSigns)
	}
}

func TestDiff(t *testing.T) {
	type row struct {
		step   PlanStep
		kind   ChangeKind
		before string
		after  string
	}
	show := func(e *PlanEntry) string {
		if e == nil {
			return ""
		}
		if e.Phone != "" {
			return e.Text + " / " + e.Phone
		}
		return e.Text
	}
	cases := []struct {
		name   string
		change func(*SafetyPlan)
		want   []row
	}{
		{"no change", func(*SafetyPlan) {}, nil},
		{"reordering is not a change", func(p *SafetyPlan) { slices.Reverse(p.WarningSigns) }, nil},
		{"reordering two numbers for one person is not a change", func(p *SafetyPlan) {
			p.PeopleToAsk = []PlanEntry{{Text: "Sister Ana", Phone: "555-0102"}, {Text: "Sister Ana", Phone: "555-0100"}}
		}, []row{{StepPeopleToAsk, ChangeAdded, "", "Sister Ana / 555-0102"}}},
		{"spaces are not a change", func(p *SafetyPlan) { p.InternalCoping[0].Text = " Walk the dog " }, nil},
		{"added", func(p *SafetyPlan) { p.InternalCoping = append(p.InternalCoping, PlanEntry{Text: "Shower"}) },
			[]row{{StepInternalCoping, ChangeAdded, "", "Shower"}}},
		{"removed", func(p *SafetyPlan) { p.SafeEnvironment = nil },
			[]row{{StepSafeEnvironment, ChangeRemoved, "Partner keeps the medicines", ""}}},
		{"new phone for the same person", func(p *SafetyPlan) { p.PeopleToAsk[0].Phone = "555-0101" },
			[]row{{StepPeopleToAsk, ChangeEdited, "Sister Ana / 555-0100", "Sister Ana / 555-0101"}}},
		{"rewritten line is removed and added", func(p *SafetyPlan) { p.WarningSigns[1].Text = "Feeling I am a burden" },
			[]row{{StepWarningSigns, ChangeRemoved, "Thinking I am a burden", ""}, {StepWarningSigns, ChangeAdded, "", "Feeling I am a burden"}}},
		{"a duplicate added", func(p *SafetyPlan) { p.WarningSigns = append(p.WarningSigns, PlanEntry{Text: "Not sleeping"}) },
			[]row{{StepWarningSigns, ChangeAdded, "", "Not sleeping"}}},
		{"closing line edited", func(p *SafetyPlan) { p.WorthLivingFor = "My daughter and my garden" },
			[]row{{StepWorthLivingFor, ChangeEdited, "My daughter", "My daughter and my garden"}}},
		{"closing line removed", func(p *SafetyPlan) { p.WorthLivingFor = "" },
			[]row{{StepWorthLivingFor, ChangeRemoved, "My daughter", ""}}},
		{"steps reported in order", func(p *SafetyPlan) {
			p.WorthLivingFor = "x"
			p.Professionals = p.Professionals[1:]
			p.WarningSigns = p.WarningSigns[:1]
		}, []row{
			{StepWarningSigns, ChangeRemoved, "Thinking I am a burden", ""},
			{StepProfessionals, ChangeRemoved, "Dr Lee / 555-0199 (weekdays)", ""},
			{StepWorthLivingFor, ChangeEdited, "My daughter", "x"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := fullPlan(), fullPlan()
			c.change(&b)
			var got []row
			for _, ch := range Diff(a, b) {
				if ch.Key != ch.Step.Key() || ch.Title != ch.Step.Title() {
					t.Errorf("change %+v is mislabelled", ch)
				}
				got = append(got, row{ch.Step, ch.Kind, show(ch.Before), show(ch.After)})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	t.Run("closing line added to an empty plan", func(t *testing.T) {
		got := Diff(SafetyPlan{}, SafetyPlan{WorthLivingFor: "My dog"})
		if len(got) != 1 || got[0].Kind != ChangeAdded || got[0].Before != nil || got[0].After.Text != "My dog" {
			t.Errorf("got %+v", got)
		}
	})
}

func TestStepTitlesFollowStanleyBrown(t *testing.T) {
	want := []string{
		"Warning signs",
		"Internal coping strategies",
		"People and social settings that provide distraction",
		"People whom I can ask for help",
		"Professionals or agencies I can contact during a crisis",
		"Making the environment safe",
		"The one thing that is most important to me and worth living for",
	}
	for i, w := range want {
		if got := PlanStep(i + 1).Title(); got != w {
			t.Errorf("step %d: %q, want %q", i+1, got, w)
		}
	}
}
