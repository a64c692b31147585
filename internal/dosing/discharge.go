package dosing

import (
	"fmt"
	"strings"
	"time"
)

// DischargeCriterionID names one item of the discharge checklist.
type DischargeCriterionID string

// Discharge criteria (KAP.md §1 Discharge: release only after recovery is complete and into the
// care of a responsible adult, US label; at least 2 h observation and BP until stable, Spravato
// REMS).
const (
	CriterionObservationTime    DischargeCriterionID = "observation_time"
	CriterionReadingAfterDose   DischargeCriterionID = "reading_after_dose"
	CriterionVitalsNearBaseline DischargeCriterionID = "vitals_near_baseline"
	CriterionVitalsInRange      DischargeCriterionID = "vitals_in_range"
	CriterionAlertOriented      DischargeCriterionID = "alert_and_oriented"
	CriterionWalkingSteadily    DischargeCriterionID = "walking_steadily"
	CriterionEscortPresent      DischargeCriterionID = "escort_present"
	CriterionAftercareGiven     DischargeCriterionID = "aftercare_given"
)

// DischargeFacts is what the team has recorded at the end of a medicine session.
type DischargeFacts struct {
	LastDoseAt time.Time `json:"last_dose_at"`
	// Baseline is the pre-dose reading; Latest the most recent one.
	Baseline         *Reading `json:"baseline,omitempty"`
	Latest           *Reading `json:"latest,omitempty"`
	AlertAndOriented bool     `json:"alert_and_oriented"`
	WalkingSteadily  bool     `json:"walking_steadily"`
	EscortPresent    bool     `json:"escort_present"`
	AftercareGiven   bool     `json:"aftercare_given"`
}

// DischargeCriterion is one line of the checklist; Needed says what would meet it.
type DischargeCriterion struct {
	ID     DischargeCriterionID `json:"id"`
	Label  string               `json:"label"`
	Met    bool                 `json:"met"`
	Needed string               `json:"needed,omitempty"`
}

// DischargeCheck is the whole checklist and where monitoring stands.
type DischargeCheck struct {
	Met           bool                 `json:"met"`
	Criteria      []DischargeCriterion `json:"criteria"`
	Unmet         []DischargeCriterion `json:"unmet,omitempty"`
	SinceLastDose time.Duration        `json:"-"`
	// MinutesSinceLastDose is SinceLastDose for the API, whole minutes.
	MinutesSinceLastDose int    `json:"minutes_since_last_dose"`
	Summary              string `json:"summary"`
}

// CheckDischarge walks the discharge checklist. Vitals must be back: the latest reading, taken
// after the last dose and recently, within the practice tolerance of the pre-dose baseline and
// within the normal ranges. A measure whose baseline was itself outside its normal range passes
// the range test when it is no further out than the baseline was, so a client who arrived at
// 145 mmHg is judged against where they started.
func CheckDischarge(f DischargeFacts, s DischargeSettings, ranges Ranges, now time.Time) DischargeCheck {
	var c DischargeCheck
	if !f.LastDoseAt.IsZero() {
		c.SinceLastDose = now.Sub(f.LastDoseAt)
		c.MinutesSinceLastDose = int(c.SinceLastDose / time.Minute)
	}
	add := func(id DischargeCriterionID, label string, needed []string) {
		cr := DischargeCriterion{ID: id, Label: label, Met: len(needed) == 0, Needed: strings.Join(needed, " ")}
		c.Criteria = append(c.Criteria, cr)
		if !cr.Met {
			c.Unmet = append(c.Unmet, cr)
		}
	}

	var obs []string
	minObs := minutes(s.MinObservationMinutes)
	if f.LastDoseAt.IsZero() {
		obs = append(obs, "Record the time of the last dose; observation time counts from it.")
	} else if c.SinceLastDose < minObs {
		obs = append(obs, fmt.Sprintf("%s since the last dose at %s; the practice minimum is %s (from %s).",
			span(c.SinceLastDose), clock(f.LastDoseAt), span(minObs), clock(f.LastDoseAt.Add(minObs))))
	}
	add(CriterionObservationTime, "Minimum observation time since the last dose", obs)

	latest := f.Latest
	var rd []string
	switch {
	case latest == nil || latest.Empty():
		rd = append(rd, "Take a set of vitals: none is recorded since the dose.")
		latest = nil
	case !f.LastDoseAt.IsZero() && latest.At.Before(f.LastDoseAt):
		rd = append(rd, fmt.Sprintf("Take a set of vitals: the latest (%s) is from before the last dose (%s).", clock(latest.At), clock(f.LastDoseAt)))
		latest = nil
	case now.Sub(latest.At) > minutes(s.LatestReadingWithinMinutes):
		rd = append(rd, fmt.Sprintf("Take a set of vitals: the latest is from %s, %s ago; discharge needs one from the last %s.",
			clock(latest.At), span(now.Sub(latest.At)), span(minutes(s.LatestReadingWithinMinutes))))
		latest = nil
	default:
		for _, m := range []Measure{MeasureSystolic, MeasureDiastolic, MeasureHeartRate, MeasureSpO2} {
			if _, ok := latest.Value(m); !ok {
				rd = append(rd, fmt.Sprintf("The latest reading has no %s; record it.", m.inSentence()))
			}
		}
	}
	add(CriterionReadingAfterDose, "A recent full set of vitals since the last dose", rd)

	var near []string
	if latest != nil {
		if f.Baseline == nil || f.Baseline.Empty() {
			near = append(near, "No pre-dose baseline reading is recorded to compare with; record the baseline from the session's first reading.")
		} else {
			near = append(near, nearBaseline(MeasureSystolic, *latest, *f.Baseline, s.SystolicToleranceMmHg, ranges.For(MeasureSystolic))...)
			near = append(near, nearBaseline(MeasureHeartRate, *latest, *f.Baseline, s.HeartRateToleranceBpm, ranges.For(MeasureHeartRate))...)
		}
	} else {
		near = append(near, "Needs a recent reading (see above).")
	}
	add(CriterionVitalsNearBaseline, "Vitals within tolerance of the pre-dose baseline", near)

	var inRange []string
	if latest != nil {
		for _, m := range Measures() {
			v, ok := latest.Value(m)
			if !ok {
				continue
			}
			g := ranges.For(m)
			if g.contains(v) {
				continue
			}
			if f.Baseline != nil {
				if b, ok := f.Baseline.Value(m); ok && !g.contains(b) && noFurtherOut(v, b, g) {
					continue
				}
			}
			msg := classifyOne(m, v, g, AlarmBand{}).Message
			if f.Baseline != nil {
				if b, ok := f.Baseline.Value(m); ok {
					msg = strings.TrimSuffix(msg, ".") + fmt.Sprintf(" (baseline %s).", m.show(b))
				}
			}
			inRange = append(inRange, msg)
		}
	} else {
		inRange = append(inRange, "Needs a recent reading (see above).")
	}
	add(CriterionVitalsInRange, "Vitals within the normal ranges", inRange)

	check := func(ok bool, msg string) []string {
		if ok {
			return nil
		}
		return []string{msg}
	}
	add(CriterionAlertOriented, "Alert and oriented", check(f.AlertAndOriented, "A clinician must record that the client is alert and oriented."))
	add(CriterionWalkingSteadily, "Walking steadily", check(f.WalkingSteadily, "A clinician must record that the client walks steadily without help."))
	add(CriterionEscortPresent, "Escort present", check(f.EscortPresent, "The escort must be present to take the client home (no driving until the next day after sleep)."))
	add(CriterionAftercareGiven, "Aftercare instructions given", check(f.AftercareGiven, "Give the aftercare instructions and record it."))

	c.Met = len(c.Unmet) == 0
	since := "no dose time recorded"
	if !f.LastDoseAt.IsZero() {
		since = span(c.SinceLastDose) + " since the last dose"
	}
	if c.Met {
		c.Summary = "Discharge criteria met: " + since + "."
	} else {
		c.Summary = fmt.Sprintf("Monitoring continues: %s; %d of %d discharge criteria not yet met.", since, len(c.Unmet), len(c.Criteria))
	}
	return c
}

// nearBaseline asks whether the latest reading is back near the client's own pre-dose value. A
// baseline outside the practice's normal range (an anxious 101 beats/min, or a pressure the
// prescriber dosed through) is not the place to return to: a reading back inside the normal
// range has settled, however far it is from that baseline.
func nearBaseline(m Measure, latest, base Reading, tolerance int, normal Range) []string {
	if tolerance <= 0 {
		return nil
	}
	v, ok := latest.Value(m)
	if !ok {
		return nil // the reading criterion already asks for it
	}
	b, ok := base.Value(m)
	if !ok {
		return []string{fmt.Sprintf("The baseline has no %s to compare with.", m.inSentence())}
	}
	if !normal.contains(b) && normal.contains(v) {
		return nil
	}
	diff := v - b
	if diff < 0 {
		diff = -diff
	}
	if diff > tolerance {
		return []string{fmt.Sprintf("%s %s is %d from the baseline %s; the practice asks for within %d.",
			m.Label(), m.show(v), diff, m.show(b), tolerance)}
	}
	return nil
}

// noFurtherOut reports whether v is on the same side of the range as baseline b and no further
// from it.
func noFurtherOut(v, b int, g Range) bool {
	if g.High > 0 && b > g.High {
		return v <= b && (g.Low == 0 || v >= g.Low)
	}
	if g.Low > 0 && b < g.Low {
		return v >= b && (g.High == 0 || v <= g.High)
	}
	return false
}
