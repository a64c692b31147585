package eligibility

import (
	"context"
	"strings"

	"holdspace/internal/clinic"
	"holdspace/internal/intake"
	"holdspace/internal/screening"
)

// The medicines the screening reads are the chart's current medications, which a clinician
// recorded or confirmed, and the intake's rows that no clinician has decided on yet. A row that
// was confirmed is read from the chart, as confirmed (perhaps edited); a declined row is not
// taken, so it is not read at all.

// offerMedicines offers the intake's medicines to the chart's medication list.
func (u Use) offerMedicines(ctx context.Context, rec Record) error {
	var offers []clinic.Offer
	for _, m := range rec.Answers.Medications.List {
		offers = append(offers, clinic.Offer{Name: m.Name, Dose: m.DoseText(), Frequency: m.Frequency, DailyDoseMg: m.DailyDoseMg})
	}
	_, err := clinic.OfferFromIntake(ctx, u.Tx, u.PracticeID, rec.ClientID, rec.ID, offers, u.Now)
	return err
}

// screenedMedicines lists what the screening reads (see above).
func (u Use) screenedMedicines(ctx context.Context, rec Record) ([]intake.ListedMedicine, error) {
	med, err := clinic.LoadMedical(ctx, u.Tx, rec.ClientID)
	if err != nil {
		return nil, err
	}
	offers, err := clinic.MedicationOffers(ctx, u.Tx, rec.ClientID)
	if err != nil {
		return nil, err
	}
	var list []intake.ListedMedicine
	for _, m := range med.Medications {
		list = append(list, intake.ListedMedicine{Name: m.Name, Dose: m.Dose, Frequency: m.Frequency})
	}
	for _, m := range rec.Answers.Medications.List {
		if strings.TrimSpace(m.Name) == "" || decided(offers, m) {
			continue
		}
		list = append(list, m.Listed())
	}
	return list, nil
}

// decided reports whether a clinician confirmed or declined this intake row.
func decided(offers []clinic.OfferedMedication, m intake.Medication) bool {
	o := clinic.Offer{Name: m.Name, Dose: m.DoseText(), Frequency: m.Frequency, DailyDoseMg: m.DailyDoseMg}
	for _, off := range offers {
		if !off.Pending() && o.Same(off) {
			return true
		}
	}
	return false
}

// facts are the facts a screening of rec reads: the intake's answers, the medicines as above,
// and the visit's measurements over them. days are the benzodiazepines' diazepam equivalents,
// for the interaction findings.
func (u Use) facts(ctx context.Context, rec Record) (f screening.Facts, days []intake.BenzodiazepineDay, err error) {
	visit, err := u.visitFacts(ctx, rec.ClientID)
	if err != nil {
		return nil, nil, err
	}
	meds, err := u.screenedMedicines(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	f = rec.Answers.Facts()
	// Whether an absent class is known to be absent is still the client's answer: a chart
	// medication says what is taken, not that nothing else is.
	days = intake.MedicationFacts(f, meds, rec.Answers.Medications.ListComplete())
	return f.Merge(visit), days, nil
}

// benzodiazepineFindings are the rules whose finding lists each benzodiazepine's equivalent.
var benzodiazepineFindings = map[string]bool{"int-benzodiazepine": true, "int-benzodiazepine-over-8mg-de": true}

// explain adds to the benzodiazepine findings one line per medicine: what was written and its
// diazepam equivalent, or why it could not be worked out.
func explain(res *screening.Screening, days []intake.BenzodiazepineDay) {
	for i, fd := range res.Findings {
		if !benzodiazepineFindings[fd.RuleID] {
			continue
		}
		for _, d := range days {
			res.Findings[i].Details = append(res.Findings[i].Details, d.String())
		}
	}
}

// ConfirmOffer puts a medicine offered from the intake on the chart, with the clinician's edits
// (clinic.ConfirmOffer), and screens the intake again when that changes what the rules read: a
// corrected dose can carry a benzodiazepine over the line, or under it.
func (u Use) ConfirmOffer(ctx context.Context, clientID, offerID string, in clinic.MedicationInput, staffID string) (clinic.Medication, *Screening, error) {
	m, err := clinic.ConfirmOffer(ctx, u.Tx, u.PracticeID, clientID, offerID, in, staffID, u.Now)
	if err != nil {
		return m, nil, err
	}
	s, err := u.afterChart(ctx, clientID, "Medication from the intake confirmed: "+m.Name)
	return m, s, err
}

// DeclineOffer keeps a medicine offered from the intake off the chart (clinic.DeclineOffer), and
// screens again when that changes what the rules read.
func (u Use) DeclineOffer(ctx context.Context, clientID, offerID, reason, staffID string) (*Screening, error) {
	if err := clinic.DeclineOffer(ctx, u.Tx, clientID, offerID, reason, staffID, u.Now); err != nil {
		return nil, err
	}
	return u.afterChart(ctx, clientID, "Medication from the intake declined")
}

// ChartMedicationsChanged screens a submitted intake again after staff added or stopped a
// medication on the chart itself, when that changes what the rules read: a benzodiazepine
// recorded at a visit weighs the same as one listed on the intake.
func (u Use) ChartMedicationsChanged(ctx context.Context, clientID string) (*Screening, error) {
	return u.afterChart(ctx, clientID, "Chart medications changed")
}

func (u Use) afterChart(ctx context.Context, clientID, note string) (*Screening, error) {
	rec, err := u.Load(ctx, clientID)
	if err != nil || rec.Status != Submitted {
		return nil, err
	}
	return u.rescreen(ctx, rec, "medications", note)
}
