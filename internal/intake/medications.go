package intake

import (
	"fmt"
	"math"
	"strings"
)

// Medications is the section listing what the person takes.
type Medications struct {
	TakesMedications Answer       `json:"takes_medications,omitempty"`
	List             []Medication `json:"list,omitempty"`
	Notes            string       `json:"notes,omitempty"`
}

// Medication is one medicine as the person wrote it.
type Medication struct {
	Name      string  `json:"name"`
	Dose      float64 `json:"dose,omitempty"`
	Unit      string  `json:"unit,omitempty"`
	Frequency string  `json:"frequency,omitempty"`
	// DailyDoseMg is the total mg in a usual day. It is asked for benzodiazepines, whose
	// diazepam-equivalent needs it; "twice a day, sometimes three" cannot be computed reliably
	// from dose and frequency, so the person adds it up.
	DailyDoseMg *float64 `json:"daily_dose_mg,omitempty"`
}

// Class is the medication class recognised from the name.
func (m Medication) Class() MedicationClass { return Recognise(m.Name) }

// maxMedications bounds the list; anything beyond goes in the notes.
const maxMedications = 50

// dailyDoseSanityMg is far above any usual benzodiazepine day and catches a slipped decimal point.
const dailyDoseSanityMg = 1000

// SectionName is "medications".
func (Medications) SectionName() string { return SectionMedications }

func (m Medications) answers() map[string]string {
	return map[string]string{
		"medications.takes_medications": string(m.TakesMedications),
		"medications.notes":             m.Notes,
	}
}

// Validate checks what was entered is well formed.
func (m Medications) Validate() FieldErrors {
	fe := validateAnswers(m.answers())
	if m.TakesMedications == No && len(m.List) > 0 {
		fe["medications.list"] = "You told us you take no medicines, but some are listed. Please remove them or change your answer above."
	}
	if len(m.List) > maxMedications {
		fe["medications.list"] = fmt.Sprintf("Please list at most %d medicines here and add any others in the notes.", maxMedications)
	}
	for i, med := range m.List {
		at := func(field string) string { return fmt.Sprintf("medications.list[%d].%s", i, field) }
		if strings.TrimSpace(med.Name) == "" {
			fe[at("name")] = "Please write the medicine's name, or remove this row."
		} else {
			checkText(fe, at("name"), med.Name, rowLimit("name"))
		}
		if math.IsNaN(med.Dose) || math.IsInf(med.Dose, 0) || med.Dose < 0 {
			fe[at("dose")] = "Please enter the dose as a number, such as 10 or 0.5."
		}
		checkText(fe, at("unit"), med.Unit, rowLimit("unit"))
		checkText(fe, at("frequency"), med.Frequency, rowLimit("frequency"))
		if d := med.DailyDoseMg; d != nil {
			switch {
			case math.IsNaN(*d) || math.IsInf(*d, 0) || *d <= 0:
				fe[at("daily_dose_mg")] = "Please enter the total mg you take in a usual day, as a number above 0."
			case *d > dailyDoseSanityMg:
				fe[at("daily_dose_mg")] = "That is more than 1,000 mg a day. Please check the number."
			}
		}
	}
	return fe
}

// rowLimit is the length limit the form shows for a field of a medication row.
func rowLimit(field string) int {
	q, _ := QuestionFor("medications.list[]." + field)
	return q.MaxLength
}
