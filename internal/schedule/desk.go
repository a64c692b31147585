package schedule

import (
	"errors"
	"regexp"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
)

// The front desk books medicine sessions through the same gate as everyone
// (KAP.md §1 Session and course), and is refused the same bookings; what
// it is told is only what scheduling needs (HIPAA minimum necessary, 45
// CFR 164.514(d)). The gate's words to the care team about readiness,
// consent, spacing and the number of sessions are scheduling facts and
// stand. Its words that carry the chart are replaced: a planned dose,
// weight or dose limit (clinical numbers), the reason a course was stopped
// (the prescriber's own words), and the warning of an open safety alert
// (which the clinician who starts the session sees, and the booking does
// not wait for). Course choices name no diagnosis.
var deskWords = map[dosing.Rule]string{
	dosing.RuleDoseInvalid:     deskAskPrescriber,
	dosing.RuleLimitMissing:    deskAskPrescriber,
	dosing.RuleLimitRoute:      deskAskPrescriber,
	dosing.RuleLimitInvalid:    deskAskPrescriber,
	dosing.RuleDoseAboveLimit:  deskAskPrescriber,
	dosing.RuleWeightNeeded:    deskAskPrescriber,
	dosing.RuleWeightInvalid:   deskAskPrescriber,
	dosing.RuleWeightStale:     deskAskPrescriber,
	dosing.RuleWeightAfterDate: deskAskPrescriber,
	dosing.RuleRoute:           deskAskPrescriber,
	dosing.RuleCourseInvalid:   deskAskPrescriber,
}

const deskAskPrescriber = "The prescriber must review this client's course plan before this medicine session can be booked; ask the prescriber on the care team."

// forTheDesk reports whether the actor is told the scheduling view of the
// gate: someone whose roles open no chart.
func forTheDesk(a access.Actor) bool { return !a.ReadsCharts() }

// deskProblems rewrites the gate's refusals in err for the front desk.
func deskProblems(err error) error {
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(clinic.Problems, 0, len(ps))
	for _, p := range ps {
		rule, ok := gateRule(p.Field)
		switch {
		case !ok:
		case rule == dosing.RuleCourseNotActive && strings.Contains(p.Message, "was stopped on"):
			p.Message = "The course was stopped; a new course is needed for another medicine session. The prescriber on the care team can say more."
		case deskWords[rule] != "":
			p.Message = deskWords[rule]
		}
		if !ok || !saidAlready(out, p.Message) {
			out = append(out, p)
		}
	}
	return out
}

// deskWarnings keeps the gate's warnings that are scheduling facts; the
// rest are the care team's to see.
func deskWarnings(ws []dosing.Warning) []dosing.Warning {
	var out []dosing.Warning
	for _, w := range ws {
		if w.Rule != dosing.RuleOpenSafetyAlert && deskWords[w.Rule] == "" {
			out = append(out, w)
		}
	}
	return out
}

// deskCourses names each course option without its diagnosis.
func deskCourses(opts []CourseOption) {
	for i := range opts {
		opts[i].Label = indication.ReplaceAllString(opts[i].Label, "course")
	}
}

var indication = regexp.MustCompile(`course for [^,]+`)

var gateField = regexp.MustCompile(`^gate\.\d+\.(.+)$`)

func gateRule(field string) (dosing.Rule, bool) {
	m := gateField.FindStringSubmatch(field)
	if m == nil {
		return "", false
	}
	return dosing.Rule(m[1]), true
}

// saidAlready: the gate's replaced words are said once, not once per rule.
func saidAlready(ps clinic.Problems, msg string) bool {
	for _, q := range ps {
		if q.Message == msg {
			return true
		}
	}
	return false
}

// bookable leaves out of the booking form's clinicians whoever works
// only the front desk: they book appointments, they are not booked on
// them.
func bookable(staff []clinic.StaffMember) []clinic.StaffMember {
	var out []clinic.StaffMember
	for _, m := range staff {
		if len(m.Roles) == 1 && m.Roles[0] == string(access.FrontDesk) {
			continue
		}
		out = append(out, m)
	}
	return out
}
