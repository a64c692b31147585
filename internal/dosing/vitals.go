package dosing

import (
	"fmt"
	"strings"
	"time"
)

// Measure is one vital sign recorded during a medicine session (KAP.md §1 Vitals; codes in §3).
type Measure string

// Measures recorded.
const (
	MeasureSystolic        Measure = "systolic"
	MeasureDiastolic       Measure = "diastolic"
	MeasureHeartRate       Measure = "heart_rate"
	MeasureSpO2            Measure = "spo2"
	MeasureRespiratoryRate Measure = "respiratory_rate"
)

// Measures lists every measure in the order screens show them.
func Measures() []Measure {
	return []Measure{MeasureSystolic, MeasureDiastolic, MeasureHeartRate, MeasureSpO2, MeasureRespiratoryRate}
}

// Label is the measure in the clinic's words.
func (m Measure) Label() string {
	if l, ok := byMeasure(m, "Systolic", "Diastolic", "Heart rate", "SpO2", "Respiratory rate"); ok {
		return l
	}
	return string(m)
}

// byMeasure is the one of the five values that belongs to m, given in the
// order of Measures; false for a measure it does not know.
func byMeasure[T any](m Measure, systolic, diastolic, heartRate, spO2, respiratoryRate T) (T, bool) {
	switch m {
	case MeasureSystolic:
		return systolic, true
	case MeasureDiastolic:
		return diastolic, true
	case MeasureHeartRate:
		return heartRate, true
	case MeasureSpO2:
		return spO2, true
	case MeasureRespiratoryRate:
		return respiratoryRate, true
	}
	var none T
	return none, false
}

// Unit is how the value is written on screen.
func (m Measure) Unit() string {
	switch m {
	case MeasureSystolic, MeasureDiastolic:
		return "mmHg"
	case MeasureHeartRate:
		return "beats/min"
	case MeasureSpO2:
		return "%"
	case MeasureRespiratoryRate:
		return "breaths/min"
	}
	return ""
}

// LOINC is the observation code (KAP.md §3 vitals: BP components 8480-6 / 8462-4, HR 8867-4,
// SpO2 2708-6, RR 9279-1).
func (m Measure) LOINC() string {
	code, _ := byMeasure(m, "8480-6", "8462-4", "8867-4", "2708-6", "9279-1")
	return code
}

// inSentence is the label for the middle of a sentence.
func (m Measure) inSentence() string {
	if m == MeasureSpO2 {
		return "SpO2"
	}
	return strings.ToLower(m.Label())
}

func (m Measure) showRange(g Range) string {
	if m == MeasureSpO2 {
		return g.String() + "%"
	}
	return g.String() + " " + m.Unit()
}

func (m Measure) show(v int) string {
	if m == MeasureSpO2 {
		return fmt.Sprintf("%d%%", v)
	}
	return fmt.Sprintf("%d %s", v, m.Unit())
}

// Reading is one set of vitals. Any measure may be absent (nil): a pulse oximeter reading
// without a cuff reading is still a reading.
type Reading struct {
	At              time.Time `json:"at"`
	Systolic        *int      `json:"systolic,omitempty"`
	Diastolic       *int      `json:"diastolic,omitempty"`
	HeartRate       *int      `json:"heart_rate,omitempty"`
	SpO2            *int      `json:"spo2,omitempty"`
	RespiratoryRate *int      `json:"respiratory_rate,omitempty"`
}

// Measured wraps a value for a Reading field.
func Measured(v int) *int { return &v }

// Value returns one measure of the reading and whether it was recorded.
func (r Reading) Value(m Measure) (int, bool) {
	p, _ := byMeasure(m, r.Systolic, r.Diastolic, r.HeartRate, r.SpO2, r.RespiratoryRate)
	if p == nil {
		return 0, false
	}
	return *p, true
}

// Empty reports whether no measure was recorded.
func (r Reading) Empty() bool {
	for _, m := range Measures() {
		if _, ok := r.Value(m); ok {
			return false
		}
	}
	return true
}

// Range is a normal range, both ends included. Zero leaves that end open.
type Range struct {
	Low  int `json:"low,omitempty"`
	High int `json:"high,omitempty"`
}

func (g Range) contains(v int) bool {
	return (g.Low == 0 || v >= g.Low) && (g.High == 0 || v <= g.High)
}

func (g Range) String() string {
	switch {
	case g.Low == 0 && g.High == 0:
		return "any"
	case g.Low == 0:
		return fmt.Sprintf("up to %d", g.High)
	case g.High == 0:
		return fmt.Sprintf("%d or more", g.Low)
	}
	return fmt.Sprintf("%d–%d", g.Low, g.High)
}

// Ranges are the practice's normal ranges, one per measure.
type Ranges struct {
	Systolic        Range `json:"systolic"`
	Diastolic       Range `json:"diastolic"`
	HeartRate       Range `json:"heart_rate"`
	SpO2            Range `json:"spo2"`
	RespiratoryRate Range `json:"respiratory_rate"`
}

// For returns the range of one measure.
func (r Ranges) For(m Measure) Range {
	g, _ := byMeasure(m, r.Systolic, r.Diastolic, r.HeartRate, r.SpO2, r.RespiratoryRate)
	return g
}

// DefaultRanges are adult resting ranges; practice settings, to be confirmed by the practice's
// medical lead.
func DefaultRanges() Ranges {
	return Ranges{
		// Below the 140/90 clinic threshold for hypertension (NICE NG136) and above the usual
		// 90/60 definition of low blood pressure.
		Systolic:  Range{Low: 90, High: 139},
		Diastolic: Range{Low: 60, High: 89},
		// The usual adult resting range, 60–100 beats/min (American Heart Association).
		HeartRate: Range{Low: 60, High: 100},
		// NEWS2 (Royal College of Physicians 2017) scores 0 at SpO2 ≥96% on scale 1 and at
		// 12–20 breaths/min.
		SpO2:            Range{Low: 96, High: 100},
		RespiratoryRate: Range{Low: 12, High: 20},
	}
}

// AlarmBand: a value below Below or above Above is an alarm. Zero leaves that side unset.
type AlarmBand struct {
	Below int `json:"below,omitempty"`
	Above int `json:"above,omitempty"`
}

// Alarm holds the practice's alarm thresholds, one band per measure.
type Alarm struct {
	Systolic        AlarmBand `json:"systolic"`
	Diastolic       AlarmBand `json:"diastolic"`
	HeartRate       AlarmBand `json:"heart_rate"`
	SpO2            AlarmBand `json:"spo2"`
	RespiratoryRate AlarmBand `json:"respiratory_rate"`
}

// For returns the alarm band of one measure.
func (a Alarm) For(m Measure) AlarmBand {
	b, _ := byMeasure(m, a.Systolic, a.Diastolic, a.HeartRate, a.SpO2, a.RespiratoryRate)
	return b
}

// DefaultAlarm thresholds; practice settings, each with where it comes from.
func DefaultAlarm() Alarm {
	return Alarm{
		// KAP.md §1 Vitals: "a common treatment-emergent threshold is SBP >180 or DBP >110"
		// [verify]. No low systolic alarm by default; a practice may set one (NEWS2 scores
		// ≤90 mmHg as 3).
		Systolic:  AlarmBand{Above: 180},
		Diastolic: AlarmBand{Above: 110},
		// Practice choice: NEWS2 scores 41–50 as 1 and 111–130 as 2, so 50/120 sits inside its
		// warning bands.
		HeartRate: AlarmBand{Below: 50, Above: 120},
		// NEWS2 scale 1 scores SpO2 ≤91% as 3 (the red band).
		SpO2: AlarmBand{Below: 92},
		// NEWS2 scores ≥25 breaths/min as 3; below 10 is a practice choice (NEWS2: 9–11 scores 1,
		// ≤8 scores 3), chosen for the sedation ketamine can bring.
		RespiratoryRate: AlarmBand{Below: 10, Above: 24},
	}
}

// VitalStatus is how one measure compares with the practice's ranges.
type VitalStatus string

// Vital statuses, least to most urgent.
const (
	StatusNormal     VitalStatus = "normal"
	StatusOutOfRange VitalStatus = "out_of_range"
	StatusAlarm      VitalStatus = "alarm"
)

// MeasureStatus is the classification of one measure of a reading.
type MeasureStatus struct {
	Measure Measure     `json:"measure"`
	Value   int         `json:"value"`
	Status  VitalStatus `json:"status"`
	Message string      `json:"message"`
}

// Classify compares each recorded measure of a reading with the alarm thresholds first, then the
// normal range. Measures not recorded are left out.
func Classify(r Reading, ranges Ranges, alarm Alarm) []MeasureStatus {
	var out []MeasureStatus
	for _, m := range Measures() {
		v, ok := r.Value(m)
		if !ok {
			continue
		}
		out = append(out, classifyOne(m, v, ranges.For(m), alarm.For(m)))
	}
	return out
}

func classifyOne(m Measure, v int, g Range, a AlarmBand) MeasureStatus {
	s := MeasureStatus{Measure: m, Value: v}
	switch {
	case a.Above > 0 && v > a.Above:
		s.Status = StatusAlarm
		s.Message = fmt.Sprintf("%s %s is above the alarm threshold of %s.", m.Label(), m.show(v), m.show(a.Above))
	case a.Below > 0 && v < a.Below:
		s.Status = StatusAlarm
		s.Message = fmt.Sprintf("%s %s is below the alarm threshold of %s.", m.Label(), m.show(v), m.show(a.Below))
	case g.High > 0 && v > g.High:
		s.Status = StatusOutOfRange
		s.Message = fmt.Sprintf("%s %s is above the normal range %s.", m.Label(), m.show(v), m.showRange(g))
	case g.Low > 0 && v < g.Low:
		s.Status = StatusOutOfRange
		s.Message = fmt.Sprintf("%s %s is below the normal range %s.", m.Label(), m.show(v), m.showRange(g))
	case g == Range{}:
		s.Status = StatusNormal
		s.Message = fmt.Sprintf("%s %s is recorded; the practice has set no normal range for it.", m.Label(), m.show(v))
	default:
		s.Status = StatusNormal
		s.Message = fmt.Sprintf("%s %s is within the normal range %s.", m.Label(), m.show(v), m.showRange(g))
	}
	return s
}

// Worst is the most urgent status among classified measures (normal when there are none).
func Worst(statuses []MeasureStatus) VitalStatus {
	worst := StatusNormal
	for _, s := range statuses {
		if s.Status == StatusAlarm {
			return StatusAlarm
		}
		if s.Status == StatusOutOfRange {
			worst = StatusOutOfRange
		}
	}
	return worst
}

// ReadingSchedule is how often vitals are due after the first dose.
type ReadingSchedule struct {
	EarlyEveryMinutes int `json:"early_every_minutes"`
	EarlyForMinutes   int `json:"early_for_minutes"`
	ThenEveryMinutes  int `json:"then_every_minutes"`
}

// DefaultReadingSchedule: every 15 min for the first hour after the first dose, then every 30.
// A practice setting: the large IV series in KAP.md §1 measured every 10 min during infusion and
// every 15 min afterwards; the Spravato REMS model asks for BP ~40 min after dosing and until
// stable. BP peaks around 40 min, inside the closer-watched first hour.
func DefaultReadingSchedule() ReadingSchedule {
	return ReadingSchedule{EarlyEveryMinutes: 15, EarlyForMinutes: 60, ThenEveryMinutes: 30}
}

// NextReading says when the next set of vitals is due.
type NextReading struct {
	DueAt           time.Time     `json:"due_at"`
	Overdue         bool          `json:"overdue"`
	OverdueBy       time.Duration `json:"-"`
	OverdueMinutes  int           `json:"overdue_minutes,omitempty"`
	IntervalMinutes int           `json:"interval_minutes"`
}

// NextReadingDue counts from the latest reading taken since the first dose: a reading taken
// before the first hour is over calls for the next one at the early interval, one taken at or
// after the hour mark at the later interval. With no reading since the dose, the first is due one
// early interval after it. Due exactly now is not yet overdue.
func NextReadingDue(firstDoseAt time.Time, readings []Reading, s ReadingSchedule, now time.Time) NextReading {
	last := firstDoseAt
	for _, r := range readings {
		if r.Empty() || r.At.Before(firstDoseAt) || r.At.After(now) {
			continue
		}
		if r.At.After(last) {
			last = r.At
		}
	}
	every := s.EarlyEveryMinutes
	if last.Sub(firstDoseAt) >= minutes(s.EarlyForMinutes) {
		every = s.ThenEveryMinutes
	}
	n := NextReading{DueAt: last.Add(minutes(every)), IntervalMinutes: every}
	if now.After(n.DueAt) {
		n.Overdue, n.OverdueBy = true, now.Sub(n.DueAt)
		n.OverdueMinutes = int(n.OverdueBy / time.Minute)
	}
	return n
}
