package intake

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"holdspace/internal/screening"
)

// ListedMedicine is one medicine the screening reads, from wherever it was written: a row of the
// intake's list still waiting for a clinician, or a medication confirmed on the chart. Dose and
// frequency are text as written ("1 mg", "twice daily").
type ListedMedicine struct {
	Name      string
	Dose      string
	Frequency string
	// DailyDoseMg is the client's own total for a usual day, when they gave one on the intake.
	DailyDoseMg *float64
}

// DoseText is the dose as the form took it: the number and the unit written beside it ("1 mg").
// The intake stores the dose as a number, so this is the closest to what the client typed.
func (m Medication) DoseText() string {
	if m.Dose == 0 {
		return strings.TrimSpace(m.Unit)
	}
	return strings.TrimSpace(strconv.FormatFloat(m.Dose, 'f', -1, 64) + " " + m.Unit)
}

// Listed is the intake row as the screening reads it.
func (m Medication) Listed() ListedMedicine {
	return ListedMedicine{Name: m.Name, Dose: m.DoseText(), Frequency: m.Frequency, DailyDoseMg: m.DailyDoseMg}
}

// BenzodiazepineDay is one benzodiazepine's usual day as mg of diazepam (Ashton Manual, Table 1;
// see Benzodiazepine). Known is false when the daily amount could not be worked out from what
// was written; Problem then says what could not be read, so the clinician asks rather than
// reading a guess.
type BenzodiazepineDay struct {
	Medicine         ListedMedicine `json:"-"`
	Name             string         `json:"name"`
	Generic          string         `json:"generic"`
	Known            bool           `json:"known"`
	MgPerDay         float64        `json:"mg_per_day,omitempty"`
	DiazepamMgPerDay float64        `json:"diazepam_mg_per_day,omitempty"`
	Problem          string         `json:"problem,omitempty"`
	// FromClientTotal: the day is the total the client added up on the intake, not dose × times.
	FromClientTotal bool `json:"from_client_total,omitempty"`
}

// String is the line a clinician reads: "lorazepam 1 mg twice daily ≈ diazepam 20 mg/day".
func (b BenzodiazepineDay) String() string {
	written := strings.Join(strings.Fields(strings.Join([]string{b.Medicine.Name, b.Medicine.Dose, b.Medicine.Frequency}, " ")), " ")
	if !b.Known {
		return written + ": " + b.Problem
	}
	if b.FromClientTotal {
		written += " (" + num(b.MgPerDay) + " mg a day, the client's own total)"
	}
	return fmt.Sprintf("%s ≈ diazepam %s mg/day (Ashton Manual)", written, num(b.DiazepamMgPerDay))
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// BenzodiazepineDayOf works out a medicine's diazepam equivalent for a day; ok is false when the
// medicine is not a benzodiazepine. The daily amount is the client's own total when they gave one
// (the intake asks for it because "twice a day, sometimes three" cannot be multiplied out);
// otherwise the dose in mg times the times a day, when both can be read; otherwise it is unknown.
func BenzodiazepineDayOf(m ListedMedicine) (day BenzodiazepineDay, ok bool) {
	b, ok := benzodiazepineFor(m.Name)
	if !ok {
		return BenzodiazepineDay{}, false
	}
	day = BenzodiazepineDay{Medicine: m, Name: m.Name, Generic: b.Generic}
	mg, err := dailyFromWritten(m.Dose, m.Frequency)
	switch {
	case m.DailyDoseMg != nil && *m.DailyDoseMg > 0:
		day.MgPerDay, day.FromClientTotal = *m.DailyDoseMg, true
	case err == nil:
		day.MgPerDay = mg
	default:
		day.Problem = err.Error() + "; ask and record the dose in mg and how many times a day it is taken"
		return day, true
	}
	day.Known = true
	day.MgPerDay = math.Round(day.MgPerDay*1000) / 1000
	day.DiazepamMgPerDay = math.Round(day.MgPerDay*10/b.EquivalentMg*100) / 100
	return day, true
}

// dailyFromWritten multiplies a written dose by a written frequency.
func dailyFromWritten(dose, frequency string) (mgPerDay float64, err error) {
	mg, err := ParseDoseMg(dose)
	if err != nil {
		return 0, err
	}
	times, err := ParseTimesPerDay(frequency)
	if err != nil {
		return 0, err
	}
	return mg * times, nil
}

var doseShape = regexp.MustCompile(`^(\d+(?:\.\d+)?|\.\d+)\s*(mg|milligrams?|mcg|µg|micrograms?)?\.?$`)

// ParseDoseMg reads a single dose written as a number of mg ("1 mg", "0.5mg", "500 mcg", "1").
// A bare number is read as mg, the unit benzodiazepine tablets are sold in. Ranges ("1-2 mg"),
// tablets ("1 tab") and words ("half") are refused: their mg cannot be known from the text.
func ParseDoseMg(dose string) (float64, error) {
	d := strings.ToLower(strings.TrimSpace(dose))
	if d == "" {
		return 0, fmt.Errorf("no dose is written")
	}
	m := doseShape.FindStringSubmatch(d)
	if m == nil {
		return 0, fmt.Errorf("the dose %q cannot be read as mg", dose)
	}
	x, err := strconv.ParseFloat(m[1], 64)
	if err != nil || x <= 0 {
		return 0, fmt.Errorf("the dose %q cannot be read as mg", dose)
	}
	if strings.HasPrefix(m[2], "mc") || strings.HasPrefix(m[2], "µ") || strings.HasPrefix(m[2], "micro") {
		x /= 1000
	}
	return x, nil
}

// timesWords are the ways of writing how often a medicine is taken that name a fixed number of
// times a day, lower case, with dots and extra spaces removed.
var timesWords = map[string]float64{
	"daily": 1, "once daily": 1, "once a day": 1, "once per day": 1, "every day": 1, "od": 1, "qd": 1,
	"at night": 1, "nightly": 1, "every night": 1, "each night": 1, "at bedtime": 1, "bedtime": 1, "before bed": 1, "qhs": 1, "hs": 1, "once nightly": 1, "once at night": 1, "nocte": 1, "mane": 1,
	"in the morning": 1, "every morning": 1, "each morning": 1, "qam": 1, "in the evening": 1, "every evening": 1, "qpm": 1,
	"twice daily": 2, "twice a day": 2, "twice per day": 2, "bid": 2, "bd": 2, "morning and night": 2, "morning and evening": 2,
	"three times daily": 3, "three times a day": 3, "three times per day": 3, "thrice daily": 3, "tid": 3, "tds": 3,
	"four times daily": 4, "four times a day": 4, "four times per day": 4, "qid": 4, "qds": 4,
}

var (
	timesShape = regexp.MustCompile(`^(\d+)\s*(?:x|times)\s*(?:a|per|each)?\s*(?:day|daily)$`)
	everyShape = regexp.MustCompile(`^(?:every|q)\s*(\d+)\s*(?:h|hr|hrs|hours?)$`)
	asNeeded   = regexp.MustCompile(`\b(prn|as needed|when needed|if needed|as required|sometimes|occasionally)\b`)
)

// ParseTimesPerDay reads how many times a day a medicine is taken ("twice daily", "bid",
// "3 times a day", "every 8 hours"). "As needed" and anything irregular are refused: there is no
// usual daily amount to compute.
func ParseTimesPerDay(frequency string) (float64, error) {
	f := strings.ToLower(strings.TrimSpace(frequency))
	f = strings.Join(strings.Fields(strings.ReplaceAll(f, ".", "")), " ")
	switch {
	case f == "":
		return 0, fmt.Errorf("how often it is taken is not written")
	case asNeeded.MatchString(f):
		return 0, fmt.Errorf("%q is taken as needed, with no usual daily amount", frequency)
	}
	if n, ok := timesWords[f]; ok {
		return n, nil
	}
	if m := timesShape.FindStringSubmatch(f); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= 12 {
			return float64(n), nil
		}
	}
	if m := everyShape.FindStringSubmatch(f); m != nil {
		if h, _ := strconv.Atoi(m[1]); h >= 1 && h <= 24 && 24%h == 0 {
			return float64(24 / h), nil
		}
	}
	return 0, fmt.Errorf("how often it is taken (%q) cannot be read as a number of times a day", frequency)
}

// MedicationFacts sets the medication facts from the medicines the screening reads, replacing
// those the intake alone gave, and returns each benzodiazepine's day for the finding. A class is
// known to be absent only when listComplete (see Medications.putFacts). The diazepam equivalent is
// left unknown when any benzodiazepine's day is: a partial total would understate.
func MedicationFacts(f screening.Facts, meds []ListedMedicine, listComplete bool) []BenzodiazepineDay {
	present := map[MedicationClass]bool{}
	var days []BenzodiazepineDay
	total, complete := 0.0, true
	for _, m := range meds {
		present[Recognise(m.Name)] = true
		if d, ok := BenzodiazepineDayOf(m); ok {
			days = append(days, d)
			total += d.DiazepamMgPerDay
			complete = complete && d.Known
		}
	}
	for _, c := range classFacts {
		delete(f, c.fact)
	}
	putClassFacts(f, present, listComplete)
	delete(f, screening.FactDiazepamEquivalentMgPerDay)
	switch {
	case len(days) > 0 && complete:
		f[screening.FactDiazepamEquivalentMgPerDay] = screening.Number(math.Round(total*100) / 100)
	case len(days) == 0 && listComplete:
		f[screening.FactDiazepamEquivalentMgPerDay] = screening.Number(0)
	}
	return days
}

// ListComplete reports whether the intake's list can be read as the whole list: the person takes
// nothing, or said yes and listed something.
func (m Medications) ListComplete() bool {
	return m.TakesMedications == No || (m.TakesMedications == Yes && len(m.List) > 0)
}
