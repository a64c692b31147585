package prescribing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

func fields(ps clinic.Problems) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return strings.Join(out, ",")
}

func rdt(mg, perKg float64) dosing.Limit {
	return dosing.Limit{Route: dosing.RouteSublingualRDT, MaxMg: mg, MaxMgPerKg: perKg}
}

// The prescriber sets each route's maximum for the course (KAP.md §1:
// escalation is practice-specific); holdspace only refuses what cannot be
// meant: no limit on an approval, a negative number, mg/kg above 5 or mg
// above 1000 (the literature reports 0.1–7 mg/kg and 25–400 mg per
// session, by route).
func TestTheDraftIsValidatedAsTheKAPReferenceDescribes(t *testing.T) {
	for _, c := range []struct {
		name    string
		draft   prescribing.Draft
		want    string
		message string
	}{
		{"approved with an RDT limit in mg", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300, 0)}}, "", ""},
		{"approved with mg/kg only (IV 0.5 mg/kg, Andrade 2017)", prescribing.Draft{Decision: prescribing.Approved,
			Limits: []dosing.Limit{{Route: dosing.RouteIV, MaxMgPerKg: 0.5}}}, "", ""},
		{"approved on both bounds, confirmed", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(1000, 5)},
			AboveBound: []prescribing.BoundConfirmation{{Route: dosing.RouteSublingualRDT, Reason: "Titrated over two courses."}}}, "", ""},
		{"approved with conditions written", prescribing.Draft{Decision: prescribing.ApprovedWithConditions, Conditions: "BP under 140/90 first.",
			Limits: []dosing.Limit{rdt(200, 0)}}, "", ""},
		{"not approved with a reason", prescribing.Draft{Decision: prescribing.NotApproved, Reason: "History of intracerebral haemorrhage (Spravato label)."}, "", ""},
		{"no decision", prescribing.Draft{Limits: []dosing.Limit{rdt(300, 0)}}, "decision", "Choose approved"},
		{"an unknown decision", prescribing.Draft{Decision: "maybe", Limits: []dosing.Limit{rdt(300, 0)}}, "decision", ""},
		{"approved without any limit", prescribing.Draft{Decision: prescribing.Approved}, "limits", "at least one route"},
		{"approved with limits of zero only", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(0, 0)}}, "limits", "at least one route"},
		{"conditions missing", prescribing.Draft{Decision: prescribing.ApprovedWithConditions, Conditions: "  ", Limits: []dosing.Limit{rdt(300, 0)}}, "conditions", ""},
		{"reason missing", prescribing.Draft{Decision: prescribing.NotApproved}, "reason", ""},
		{"not approved carrying limits", prescribing.Draft{Decision: prescribing.NotApproved, Reason: "No.", Limits: []dosing.Limit{rdt(300, 0)}}, "limits", "no dose limits"},
		{"mg/kg above 5", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(0, 7)}}, "limit.sublingual_rdt.mg_per_kg",
			"7 mg/kg for sublingual RDT is above 5 mg/kg"},
		{"mg above 1000 (typed in µg)", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300000, 0)}}, "limit.sublingual_rdt.mg",
			"300000 mg for sublingual RDT is above 1000 mg"},
		{"a negative limit", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(-100, 0)}}, "limit.sublingual_rdt.mg", "positive"},
		{"an unknown route", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300, 0), {Route: "nasal", MaxMg: 56}}}, "limits", `"nasal"`},
		{"a route twice", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300, 0), rdt(200, 0)}}, "limits", "twice"},
		{"too many orders", prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300, 0)}, PreMedication: strings.Split(strings.Repeat("x\n", 21), "\n")}, "premedication", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := c.draft.Normalised().Validate()
			if got := fields(ps); got != c.want {
				t.Fatalf("problems %v on %q; want on %q", ps, got, c.want)
			}
			if c.message != "" && !strings.Contains(ps.Error(), c.message) {
				t.Errorf("message %q lacks %q", ps.Error(), c.message)
			}
		})
	}
}

func TestNormalisingOrdersLimitsAndTidiesText(t *testing.T) {
	d := prescribing.Draft{Decision: " approved ", Notes: "line one\r\nline two\r\n",
		PreMedication: []string{"  ondansetron 4 mg   ODT  ", "", "  "},
		Limits:        []dosing.Limit{rdt(300, 0), {Route: dosing.RouteIM, MaxMgPerKg: 0.5}, {Route: dosing.RouteIV}}}.Normalised()
	if d.Decision != prescribing.Approved || d.Notes != "line one\nline two" {
		t.Errorf("decision %q, notes %q", d.Decision, d.Notes)
	}
	if len(d.PreMedication) != 1 || d.PreMedication[0] != "ondansetron 4 mg ODT" {
		t.Errorf("orders %q", d.PreMedication)
	}
	if len(d.Limits) != 2 || d.Limits[0].Route != dosing.RouteIM || d.Limits[1].Route != dosing.RouteSublingualRDT {
		t.Errorf("limits %+v; want IM then sublingual RDT, the empty IV dropped", d.Limits)
	}
}

func TestApprovedMeansApprovedWithOrWithoutConditions(t *testing.T) {
	for _, c := range []struct {
		e    *prescribing.Evaluation
		want bool
	}{
		{nil, false},
		{&prescribing.Evaluation{Draft: prescribing.Draft{Decision: prescribing.Approved}}, true},
		{&prescribing.Evaluation{Draft: prescribing.Draft{Decision: prescribing.ApprovedWithConditions}}, true},
		{&prescribing.Evaluation{Draft: prescribing.Draft{Decision: prescribing.NotApproved}}, false},
		{&prescribing.Evaluation{}, false},
	} {
		if got := c.e.Approved(); got != c.want {
			t.Errorf("%+v: Approved() = %v; want %v", c.e, got, c.want)
		}
	}
	e := &prescribing.Evaluation{Draft: prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{rdt(300, 4)}}}
	if l, ok := e.Limit(dosing.RouteSublingualRDT); !ok || l.MaxMg != 300 {
		t.Errorf("RDT limit %+v, %v", l, ok)
	}
	if _, ok := e.Limit(dosing.RouteIV); ok {
		t.Error("IV is allowed though no limit was set for it")
	}
	if prescribing.MeaningOf(prescribing.NotApproved) != prescribing.MeaningReview || prescribing.MeaningOf(prescribing.ApprovedWithConditions) != prescribing.MeaningApproval {
		t.Error("a refusal is signed as a review, an approval as an approval (21 CFR 11.50)")
	}
}

// signed builds an evaluation signed in memory, as Sign does.
func signed(t *testing.T) prescribing.Evaluation {
	t.Helper()
	e := prescribing.Evaluation{ID: "e1", ClientID: "c1",
		Draft: prescribing.Draft{Decision: prescribing.ApprovedWithConditions, Conditions: "BP first.", Limits: []dosing.Limit{rdt(300, 4)},
			PreMedication: []string{"ondansetron 4 mg ODT 30 min before dosing"}, Notes: "Reviewed."},
		Signature: prescribing.Signature{SignerID: "s1", SignerName: "Dr. Priya Raman, MD", SignedAt: time.Date(2026, 11, 23, 15, 4, 5, 123456789, time.UTC),
			Meaning: prescribing.MeaningApproval}}
	e.Hash = prescribing.HashOf(e.Content())
	a := prescribing.Addendum{ID: "a1", EvaluationID: "e1", EvaluationHash: e.Hash, Text: "Spoke with the client.",
		Signature: prescribing.Signature{SignerID: "s1", SignerName: "Dr. Priya Raman, MD", SignedAt: e.SignedAt.Add(time.Hour), Meaning: prescribing.MeaningAddendum}}
	a.Hash = prescribing.HashOf(a.Content(e.ClientID))
	e.Addenda = []prescribing.Addendum{a}
	return e
}

// The signature binds the content (21 CFR 11.70, KAP.md §6): changing any
// signed part breaks the hash.
func TestTheSignatureHashBreaksOnAnyChange(t *testing.T) {
	e := signed(t)
	if err := e.Verify(); err != nil {
		t.Fatalf("a fresh signature does not verify: %v", err)
	}
	// Nanoseconds beyond the microsecond that storage keeps do not count.
	e2 := signed(t)
	e2.SignedAt = e2.SignedAt.Truncate(time.Microsecond)
	if !e2.ContentIntact() {
		t.Error("the time as stored (to the microsecond) does not verify")
	}
	for name, change := range map[string]func(*prescribing.Evaluation){
		"decision":     func(e *prescribing.Evaluation) { e.Decision = prescribing.Approved },
		"conditions":   func(e *prescribing.Evaluation) { e.Conditions = "" },
		"reason":       func(e *prescribing.Evaluation) { e.Reason = "x" },
		"limit in mg":  func(e *prescribing.Evaluation) { e.Limits = []dosing.Limit{rdt(400, 4)} },
		"limit per kg": func(e *prescribing.Evaluation) { e.Limits = []dosing.Limit{rdt(300, 4.5)} },
		"limit route": func(e *prescribing.Evaluation) {
			e.Limits = []dosing.Limit{{Route: dosing.RouteOralTroche, MaxMg: 300, MaxMgPerKg: 4}}
		},
		"another limit": func(e *prescribing.Evaluation) {
			e.Limits = append(e.Limits, dosing.Limit{Route: dosing.RouteIM, MaxMg: 50})
		},
		"orders":       func(e *prescribing.Evaluation) { e.PreMedication = []string{"ondansetron 8 mg"} },
		"notes":        func(e *prescribing.Evaluation) { e.Notes = "Reviewed!" },
		"client":       func(e *prescribing.Evaluation) { e.ClientID = "c2" },
		"id":           func(e *prescribing.Evaluation) { e.ID = "e2" },
		"signer":       func(e *prescribing.Evaluation) { e.SignerID = "s2" },
		"printed name": func(e *prescribing.Evaluation) { e.SignerName = "Dr. P. Raman, MD" },
		"time":         func(e *prescribing.Evaluation) { e.SignedAt = e.SignedAt.Add(time.Microsecond) },
		"meaning":      func(e *prescribing.Evaluation) { e.Meaning = prescribing.MeaningReview },
		"stored hash":  func(e *prescribing.Evaluation) { e.Hash = strings.Repeat("0", 64) },
	} {
		t.Run(name, func(t *testing.T) {
			e := signed(t)
			change(&e)
			if err := e.Verify(); !errors.Is(err, prescribing.ErrAltered) {
				t.Errorf("Verify after changing the %s: %v; want ErrAltered", name, err)
			}
		})
	}
	for name, change := range map[string]func(*prescribing.Addendum){
		"text":      func(a *prescribing.Addendum) { a.Text = "Spoke with the client!" },
		"signer":    func(a *prescribing.Addendum) { a.SignerID = "s2" },
		"time":      func(a *prescribing.Addendum) { a.SignedAt = a.SignedAt.Add(time.Second) },
		"binding":   func(a *prescribing.Addendum) { a.EvaluationHash = strings.Repeat("0", 64) },
		"meaning":   func(a *prescribing.Addendum) { a.Meaning = prescribing.MeaningApproval },
		"elsewhere": func(a *prescribing.Addendum) { a.EvaluationID = "e2" },
	} {
		t.Run("addendum "+name, func(t *testing.T) {
			e := signed(t)
			change(&e.Addenda[0])
			if e.AddendumIntact(e.Addenda[0]) || !e.ContentIntact() {
				t.Errorf("after changing the addendum's %s: addendum intact %v, evaluation intact %v; want false, true",
					name, e.AddendumIntact(e.Addenda[0]), e.ContentIntact())
			}
		})
	}
}

func TestPrintedNameCarriesCredentials(t *testing.T) {
	if got := prescribing.PrintedName(" Dr. Priya Raman ", "MD"); got != "Dr. Priya Raman, MD" {
		t.Errorf("%q", got)
	}
	if got := prescribing.PrintedName("Sam Okafor", ""); got != "Sam Okafor" {
		t.Errorf("%q", got)
	}
}
