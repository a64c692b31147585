package dosing

import (
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	// KAP.md §1 Vitals: BP, heart rate, SpO2 and respiratory rate are recorded through the
	// session. Alarm defaults: SBP >180 / DBP >110 (KAP.md treatment-emergent threshold), SpO2
	// <92 (NEWS2 scale 1 red band ≤91), RR >24 (NEWS2 ≥25 scores 3); HR <50 or >120 and RR <10
	// are practice choices. Normal ranges: BP 90–139/60–89 (NICE NG136 140/90), HR 60–100 (AHA),
	// SpO2 ≥96 and RR 12–20 (NEWS2 score 0). All practice settings.
	ranges, alarm := DefaultRanges(), DefaultAlarm()
	tests := []struct {
		name string
		m    Measure
		v    int
		want VitalStatus
		says string
	}{
		{"systolic at the alarm threshold is not an alarm", MeasureSystolic, 180, StatusOutOfRange, "Systolic 180 mmHg is above the normal range 90–139 mmHg."},
		{"systolic one over the alarm", MeasureSystolic, 181, StatusAlarm, "Systolic 181 mmHg is above the alarm threshold of 180 mmHg."},
		{"systolic top of normal", MeasureSystolic, 139, StatusNormal, "within the normal range 90–139 mmHg"},
		{"systolic one over normal", MeasureSystolic, 140, StatusOutOfRange, ""},
		{"systolic bottom of normal", MeasureSystolic, 90, StatusNormal, ""},
		{"systolic one under normal", MeasureSystolic, 89, StatusOutOfRange, "below the normal range"},
		{"diastolic at the alarm", MeasureDiastolic, 110, StatusOutOfRange, ""},
		{"diastolic one over the alarm", MeasureDiastolic, 111, StatusAlarm, ""},
		{"diastolic top of normal", MeasureDiastolic, 89, StatusNormal, ""},
		{"diastolic one under normal", MeasureDiastolic, 59, StatusOutOfRange, ""},
		{"heart rate at the high alarm", MeasureHeartRate, 120, StatusOutOfRange, ""},
		{"heart rate one over the high alarm", MeasureHeartRate, 121, StatusAlarm, "Heart rate 121 beats/min is above the alarm threshold of 120 beats/min."},
		{"heart rate at the low alarm", MeasureHeartRate, 50, StatusOutOfRange, ""},
		{"heart rate one under the low alarm", MeasureHeartRate, 49, StatusAlarm, "below the alarm threshold of 50 beats/min"},
		{"heart rate top of normal", MeasureHeartRate, 100, StatusNormal, ""},
		{"heart rate one over normal", MeasureHeartRate, 101, StatusOutOfRange, ""},
		{"heart rate bottom of normal", MeasureHeartRate, 60, StatusNormal, ""},
		{"SpO2 at the alarm", MeasureSpO2, 92, StatusOutOfRange, "SpO2 92% is below the normal range 96–100%."},
		{"SpO2 one under the alarm", MeasureSpO2, 91, StatusAlarm, "SpO2 91% is below the alarm threshold of 92%."},
		{"SpO2 bottom of normal", MeasureSpO2, 96, StatusNormal, ""},
		{"SpO2 one under normal", MeasureSpO2, 95, StatusOutOfRange, ""},
		{"RR at the high alarm", MeasureRespiratoryRate, 24, StatusOutOfRange, ""},
		{"RR one over the high alarm", MeasureRespiratoryRate, 25, StatusAlarm, ""},
		{"RR at the low alarm", MeasureRespiratoryRate, 10, StatusOutOfRange, ""},
		{"RR one under the low alarm", MeasureRespiratoryRate, 9, StatusAlarm, "Respiratory rate 9 breaths/min is below the alarm threshold of 10 breaths/min."},
		{"RR top of normal", MeasureRespiratoryRate, 20, StatusNormal, ""},
		{"RR bottom of normal", MeasureRespiratoryRate, 12, StatusNormal, ""},
		{"RR one under normal", MeasureRespiratoryRate, 11, StatusOutOfRange, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Reading{At: day0}
			v := tt.v
			switch tt.m {
			case MeasureSystolic:
				r.Systolic = &v
			case MeasureDiastolic:
				r.Diastolic = &v
			case MeasureHeartRate:
				r.HeartRate = &v
			case MeasureSpO2:
				r.SpO2 = &v
			case MeasureRespiratoryRate:
				r.RespiratoryRate = &v
			}
			got := Classify(r, ranges, alarm)
			if len(got) != 1 {
				t.Fatalf("got %d statuses, want 1: %+v", len(got), got)
			}
			if got[0].Measure != tt.m || got[0].Status != tt.want {
				t.Errorf("got %s %s (%s), want %s", got[0].Measure, got[0].Status, got[0].Message, tt.want)
			}
			if tt.says != "" && !strings.Contains(got[0].Message, tt.says) {
				t.Errorf("message %q lacks %q", got[0].Message, tt.says)
			}
		})
	}
}

func TestClassifySkipsAbsentMeasures(t *testing.T) {
	// KAP.md §1 Vitals: any measure may be missing from a reading (a pulse oximeter alone).
	r := Reading{At: day0, HeartRate: Measured(130), SpO2: Measured(97)}
	got := Classify(r, DefaultRanges(), DefaultAlarm())
	if len(got) != 2 || got[0].Measure != MeasureHeartRate || got[1].Measure != MeasureSpO2 {
		t.Fatalf("got %+v", got)
	}
	if Worst(got) != StatusAlarm || Worst(got[1:]) != StatusNormal || Worst(nil) != StatusNormal {
		t.Errorf("Worst: %s %s", Worst(got), Worst(got[1:]))
	}
	if Worst([]MeasureStatus{{Status: StatusNormal}, {Status: StatusOutOfRange}}) != StatusOutOfRange {
		t.Error("Worst missed out_of_range")
	}
}

func TestNextReadingDue(t *testing.T) {
	// KAP.md §1 Vitals: large IV series read BP every 10 min during infusion and every 15 min
	// after; Spravato REMS reads BP ~40 min after dosing and until stable. Practice default:
	// every 15 min for the first hour after the first dose, then every 30 min.
	dose := at(0)
	s := DefaultReadingSchedule()
	r := func(d time.Duration) Reading {
		return Reading{At: at(d), Systolic: Measured(130), Diastolic: Measured(80)}
	}
	tests := []struct {
		name     string
		readings []Reading
		now      time.Time
		due      time.Time
		overdue  bool
		interval int
	}{
		{"no reading yet: 15 min after the dose", nil, at(5 * min), at(15 * min), false, 15},
		{"pre-dose baseline does not count", []Reading{r(-10 * min)}, at(5 * min), at(15 * min), false, 15},
		{"first hour: 15 min after the last", []Reading{r(15 * min), r(30 * min)}, at(35 * min), at(45 * min), false, 15},
		{"last reading at 59 min: still every 15", []Reading{r(59 * min)}, at(60 * min), at(74 * min), false, 15},
		{"last reading at 60 min: every 30 from here", []Reading{r(60 * min)}, at(61 * min), at(90 * min), false, 30},
		{"later: every 30", []Reading{r(60 * min), r(90 * min)}, at(100 * min), at(120 * min), false, 30},
		{"due exactly now is not overdue", []Reading{r(30 * min)}, at(45 * min), at(45 * min), false, 15},
		{"one minute past due is overdue", []Reading{r(30 * min)}, at(46 * min), at(45 * min), true, 15},
		{"empty reading does not count", []Reading{r(15 * min), {At: at(30 * min)}}, at(31 * min), at(30 * min), true, 15},
		{"out-of-order readings: latest wins", []Reading{r(45 * min), r(15 * min)}, at(50 * min), at(60 * min), false, 15},
		{"reading in the future is ignored", []Reading{r(15 * min), r(40 * min)}, at(20 * min), at(30 * min), false, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextReadingDue(dose, tt.readings, s, tt.now)
			if !got.DueAt.Equal(tt.due) || got.Overdue != tt.overdue || got.IntervalMinutes != tt.interval {
				t.Errorf("got due %s overdue %v every %d, want %s %v %d", clock(got.DueAt), got.Overdue, got.IntervalMinutes, clock(tt.due), tt.overdue, tt.interval)
			}
			if got.Overdue && got.OverdueMinutes != int(tt.now.Sub(tt.due)/time.Minute) {
				t.Errorf("overdue by %d min", got.OverdueMinutes)
			}
		})
	}
}

func TestMeasureCodes(t *testing.T) {
	// KAP.md §3 FHIR mapping, vitals: BP components 8480-6 / 8462-4; HR 8867-4; RR 9279-1;
	// SpO2 2708-6.
	want := map[Measure]string{
		MeasureSystolic: "8480-6", MeasureDiastolic: "8462-4", MeasureHeartRate: "8867-4",
		MeasureSpO2: "2708-6", MeasureRespiratoryRate: "9279-1",
	}
	for _, m := range Measures() {
		if m.LOINC() != want[m] || m.Label() == string(m) || m.Unit() == "" {
			t.Errorf("%s: LOINC %q label %q unit %q", m, m.LOINC(), m.Label(), m.Unit())
		}
	}
	if Measure("temp").LOINC() != "" {
		t.Error("unknown measure has a code")
	}
}
