package web

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

// Samples of the chart's details, medical history and evaluation pages,
// with every optional part present.
func init() {
	addSamples(prescribingSamples())
}

func prescribingSamples() map[string]any {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera", PreferredName: "Alex", Pronouns: "they/them", DateOfBirth: "1988-04-12"}
	nav := func(current string) chartNav { return chartNav{Client: client, Current: current} }
	kg, cm := 70.3, 175.3
	removed := &clinic.Mark{At: at, By: "Sam Okafor", Reason: "entered in error"}
	medical := clinic.Medical{
		Diagnoses: []clinic.Diagnosis{{Entry: clinic.Entry{ID: "d1", RecordedBy: "Dr. Priya Raman", RecordedAt: at}, Code: "F33.1",
			Description: "Major depressive disorder, recurrent, moderate", Primary: true, DiagnosedOn: "2024-03-02"}},
		PastDiagnoses: []clinic.Diagnosis{{Entry: clinic.Entry{ID: "d2", RecordedAt: at, Removed: removed}, Code: "F32.9", Description: "Depression, unspecified", DiagnosedOn: "2023-01-10"}},
		Medications: []clinic.Medication{{Entry: clinic.Entry{ID: "m1", RecordedBy: "Sam Okafor", RecordedAt: at}, Name: "clonazepam", Dose: "0.5 mg",
			Frequency: "nightly", StartedOn: "2025-06-01"}},
		StoppedMedications: []clinic.Medication{{Entry: clinic.Entry{ID: "m2", RecordedAt: at, Removed: &clinic.Mark{At: at, By: "Sam Okafor", Reason: "tapered"}},
			Name: "sertraline", Dose: "100 mg", Frequency: "daily", StoppedOn: "2026-10-01"}},
		Allergies:        []clinic.Allergy{{Entry: clinic.Entry{ID: "a1", RecordedBy: "Sam Okafor", RecordedAt: at}, Substance: "penicillin", Reaction: "hives"}},
		RemovedAllergies: []clinic.Allergy{{Entry: clinic.Entry{ID: "a2", RecordedAt: at, Removed: removed}, Substance: "latex"}},
		Measurements: []clinic.Measurement{{Entry: clinic.Entry{ID: "w1", RecordedBy: "Jordan Lee", RecordedAt: at}, MeasuredOn: "2026-11-20",
			WeightKg: &kg, WeightUnit: "lb", HeightCm: &cm, HeightUnit: "in"}},
		RemovedMeasurements: []clinic.Measurement{{Entry: clinic.Entry{ID: "w2", RecordedAt: at, Removed: removed}, MeasuredOn: "2026-11-19", WeightKg: &kg, WeightUnit: "kg"}},
	}
	eval := prescribing.Evaluation{ID: "e1", ClientID: "c1",
		Draft: prescribing.Draft{Decision: prescribing.ApprovedWithConditions, Conditions: "Blood pressure under 140/90 before the first session.",
			Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4}}, PreMedication: []string{"ondansetron 4 mg ODT 30 min before dosing"},
			Notes: "Reviewed intake and screening.\nBenzodiazepine at night only."},
		Signature: prescribing.Signature{SignerID: "s2", SignerName: "Dr. Priya Raman, MD", SignedAt: at, Meaning: prescribing.MeaningApproval, Hash: "00ff"},
		Addenda: []prescribing.Addendum{{ID: "ad1", EvaluationID: "e1", EvaluationHash: "00ff", Text: "Spoke with the client about the clonazepam dose.",
			Signature: prescribing.Signature{SignerID: "s2", SignerName: "Dr. Priya Raman, MD", SignedAt: at, Meaning: prescribing.MeaningAddendum, Hash: "11ee"}}}}
	earlier := eval
	earlier.ID, earlier.Superseded, earlier.Decision, earlier.Reason, earlier.Limits = "e0", true, prescribing.NotApproved, "Blood pressure uncontrolled.", nil
	current := eval
	return map[string]any{
		"prescribing_details": detailsPage{Nav: nav("details"), TimeZone: NewForm(nil).Select("time_zone", "Time zone", zoneOptions("Europe/Rome")...)},
		"prescribing_medical": medicalPage{Nav: nav("medical"), Medical: medical, Open: "remove-w1-"},
		"prescribing_evaluation": evaluationPage{Nav: nav("evaluation"), Current: &current, Earlier: []prescribing.Evaluation{earlier},
			CanWrite: true, Open: "e1"},
		"prescribing_evaluation_new": evaluationNewPage{Nav: nav("evaluation"), Current: &current, Medical: medical,
			Weight: &dosing.Weight{Kg: 70.3, MeasuredOn: at}, Signer: prescribing.Signer{StaffID: "s2", Name: "Dr. Priya Raman, MD"},
			Decisions: []decisionChoice{{Value: "approved", Label: "Approved", Hint: "…", Checked: true}}, Routes: dosing.Routes()},
	}
}

// With RX_PAGES_DUMP set, the sample pages are written there to look at.
func TestPrescribingPagesDrawTheirSamples(t *testing.T) {
	tmpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("RX_PAGES_DUMP")
	zone, _ := time.LoadLocation("America/New_York")
	for name, data := range prescribingSamples() {
		form := NewForm(url.Values{"add-e1-text": {"typed"}, "remove-w1-reason": {"wrong scale"}})
		form.Fail("remove-w1-reason", "The reason is needed.")
		form.Fail("add-e1-password", "Your password is not right.")
		rec := httptest.NewRecorder()
		if err := tmpl.Render(rec, 200, name, &Page{Title: name, Zone: zone, Form: form, Data: data}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if dir != "" {
			body := strings.ReplaceAll(rec.Body.String(), "/static/style.css?v=", "style.css?v=")
			os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644)
		}
	}
}
