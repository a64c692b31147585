package dosing

import (
	"fmt"
	"strings"
	"time"
)

// Route is how the medicine is given (KAP.md §1 Routes and doses).
type Route string

// Routes holdspace records.
const (
	RouteIV            Route = "iv"
	RouteIM            Route = "im"
	RouteSublingualRDT Route = "sublingual_rdt"
	RouteOralTroche    Route = "oral_troche"
)

// Routes lists every route in the order screens show them.
func Routes() []Route { return []Route{RouteIV, RouteIM, RouteSublingualRDT, RouteOralTroche} }

// Label is the route in the clinic's words.
func (r Route) Label() string {
	switch r {
	case RouteIV:
		return "IV infusion"
	case RouteIM:
		return "IM injection"
	case RouteSublingualRDT:
		return "sublingual RDT"
	case RouteOralTroche:
		return "oral troche"
	}
	return string(r)
}

// Valid reports whether r is one of Routes.
func (r Route) Valid() bool {
	for _, k := range Routes() {
		if r == k {
			return true
		}
	}
	return false
}

// Limit is the prescriber's maximum dose per session for one route of one course (KAP.md §1:
// escalation is practice-specific, so the prescriber sets the ceiling). Either part may be unset
// (zero); when both are set a dose must stay within both.
type Limit struct {
	Route      Route   `json:"route"`
	MaxMg      float64 `json:"max_mg,omitempty"`
	MaxMgPerKg float64 `json:"max_mg_per_kg,omitempty"`
}

// Weight is a dated body weight. mg/kg uses the latest weight on or before the session date.
type Weight struct {
	Kg         float64   `json:"kg"`
	MeasuredOn time.Time `json:"measured_on"`
}

// LatestWeight picks the most recent weight dated on or before the day of on (in on's zone),
// or nil when there is none.
func LatestWeight(weights []Weight, on time.Time) *Weight {
	var best *Weight
	for i := range weights {
		w := &weights[i]
		if calendarDays(w.MeasuredOn, on) < 0 {
			continue
		}
		if best == nil || w.MeasuredOn.After(best.MeasuredOn) {
			best = w
		}
	}
	if best == nil {
		return nil
	}
	w := *best
	return &w
}

// DoseCheck is the answer to "may this dose be given?": the numbers as the screen shows them,
// and any refusals and warnings. For an additional dose, MgPerKg is for the session total.
type DoseCheck struct {
	Route          Route     `json:"route"`
	DoseMg         float64   `json:"dose_mg"`
	SessionTotalMg float64   `json:"session_total_mg,omitempty"`
	WeightKg       float64   `json:"weight_kg,omitempty"`
	MgPerKg        float64   `json:"mg_per_kg,omitempty"`
	Text           string    `json:"text"`
	Refusals       []Refusal `json:"refusals,omitempty"`
	Warnings       []Warning `json:"warnings,omitempty"`
}

// Allowed reports whether nothing refused the dose (warnings do not block).
func (c DoseCheck) Allowed() bool { return len(c.Refusals) == 0 }

// Err is the refusals as one error, nil when the dose is allowed.
func (c DoseCheck) Err() error { return Err(c.Refusals) }

// CheckPlannedDose checks a session's planned dose against the prescriber's limit for the route.
// weight is the latest on or before on (see LatestWeight); nil when none is on file. A mg/kg
// limit without a weight is refused; an old weight is only a warning.
func CheckPlannedDose(route Route, doseMg float64, limit Limit, weight *Weight, on time.Time, s DoseSettings) DoseCheck {
	c := DoseCheck{Route: route, DoseMg: doseMg}
	if !route.Valid() {
		c.Refusals = append(c.Refusals, unknownRoute(route))
		return c
	}
	if doseMg <= 0 {
		c.Text = num(doseMg, 2) + " mg"
		c.Refusals = append(c.Refusals, refuse(RuleDoseInvalid, "Enter the planned dose in mg; %s mg is not a dose.", num(doseMg, 2)))
		return c
	}
	kg := c.weigh(doseMg, weight, on, s)
	c.Refusals = append(c.Refusals, limitRefusals(route, doseMg, limit, kg, on, func(mgShown, perKgShown string) string {
		return "Dose " + amount(mgShown, perKgShown) + " is above"
	}, "")...)
	return c
}

// SessionPlan is what the prescriber planned for one medicine session: the first dose and, when
// additional doses are allowed, the most the session may total.
type SessionPlan struct {
	Route     Route   `json:"route"`
	PlannedMg float64 `json:"planned_mg"`
	// SessionMaxMg is the session total the plan allows including additional doses; zero means
	// no additional dose was planned, so the total may not pass PlannedMg.
	SessionMaxMg float64 `json:"session_max_mg,omitempty"`
}

// CheckAdditionalDose checks a further dose within a session: the session total after it must
// stay within the session plan and within the prescriber's limit for the route.
func CheckAdditionalDose(plan SessionPlan, givenSoFarMg []float64, proposedMg float64, limit Limit, weight *Weight, on time.Time, s DoseSettings) DoseCheck {
	c := DoseCheck{Route: plan.Route, DoseMg: proposedMg}
	if !plan.Route.Valid() {
		c.Refusals = append(c.Refusals, unknownRoute(plan.Route))
		return c
	}
	if proposedMg <= 0 {
		c.Refusals = append(c.Refusals, refuse(RuleDoseInvalid, "Enter the additional dose in mg; %s mg is not a dose.", num(proposedMg, 2)))
		return c
	}
	if plan.PlannedMg <= 0 || plan.SessionMaxMg < 0 || (plan.SessionMaxMg > 0 && plan.SessionMaxMg < plan.PlannedMg) {
		c.Refusals = append(c.Refusals, refuse(RuleSessionPlanInvalid,
			"The session plan cannot be used: planned dose %s mg, session maximum %s mg. The prescriber must set a planned dose above 0 and a session maximum no lower than it.",
			num(plan.PlannedMg, 2), num(plan.SessionMaxMg, 2)))
		return c
	}
	if len(givenSoFarMg) == 0 {
		c.Refusals = append(c.Refusals, refuse(RuleNoDoseYet,
			"No dose is recorded yet in this session; record the planned first dose (%s mg) before an additional one.", num(plan.PlannedMg, 2)))
		return c
	}
	given := 0.0
	for _, g := range givenSoFarMg {
		if g <= 0 {
			c.Refusals = append(c.Refusals, refuse(RuleDoseInvalid, "A dose recorded in this session is %s mg; correct the record before adding a dose.", num(g, 2)))
			return c
		}
		given += g
	}
	total := given + proposedMg
	c.SessionTotalMg = total
	kg := c.weigh(total, weight, on, s)
	lead := func(mgShown, perKgShown string) string {
		return fmt.Sprintf("Additional dose %s mg would bring this session's total to %s, above", num(proposedMg, 2), amount(mgShown, perKgShown))
	}

	ceiling, what := plan.SessionMaxMg, "the session plan's maximum of %s mg"
	if ceiling == 0 {
		ceiling, what = plan.PlannedMg, "the session plan of %s mg, which has no additional dose"
	}
	if exceeds(total, ceiling) {
		totalShown, ceilingShown := numsApart(total, ceiling, 2)
		c.Refusals = append(c.Refusals, refuse(RuleDoseAboveSession, "%s "+what+"; %s mg given so far, so %s.",
			lead(totalShown, perKgText(total, kg)), ceilingShown, num(given, 2), roomLeft(ceiling-given, "the plan")))
	}
	c.Refusals = append(c.Refusals, limitRefusals(plan.Route, total, limit, kg, on, lead, roomLeftUnderLimit(limit, kg, given))...)
	return c
}

// weigh puts the weight a dose of mg is checked against on the check, with
// what it refuses or warns of, and the mg/kg the screen shows beside the
// dose; it returns the kilograms, 0 when no weight can be used.
func (c *DoseCheck) weigh(mg float64, weight *Weight, on time.Time, s DoseSettings) float64 {
	kg, refusals, warnings := usableWeight(weight, on, s)
	c.WeightKg = kg
	c.Refusals = append(c.Refusals, refusals...)
	c.Warnings = append(c.Warnings, warnings...)
	if kg > 0 {
		c.MgPerKg = mg / kg
	}
	c.Text = doseText(mg, kg)
	return kg
}

func unknownRoute(r Route) Refusal {
	labels := make([]string, 0, 4)
	for _, k := range Routes() {
		labels = append(labels, k.Label())
	}
	return refuse(RuleRoute, "Route %q is not one holdspace records; choose %s.", string(r), strings.Join(labels, ", "))
}

// usableWeight returns the kg to compute mg/kg from (0 when none can be used) and why not.
func usableWeight(w *Weight, on time.Time, s DoseSettings) (float64, []Refusal, []Warning) {
	if w == nil {
		return 0, nil, nil
	}
	if w.Kg <= 0 {
		return 0, []Refusal{refuse(RuleWeightInvalid, "The weight on file (%s kg, %s) is not a weight; correct it.", num(w.Kg, 1), day(w.MeasuredOn))}, nil
	}
	age := calendarDays(w.MeasuredOn, on)
	if age < 0 {
		return 0, nil, []Warning{warn(RuleWeightAfterDate, "The weight on file (%s kg) is dated %s, after this session's date %s, so it is not used.", num(w.Kg, 1), day(w.MeasuredOn), day(on))}
	}
	var warnings []Warning
	if s.WeightStaleAfterDays > 0 && age > s.WeightStaleAfterDays {
		warnings = append(warnings, warn(RuleWeightStale,
			"The weight on file (%s kg) is from %s, %d days before %s; the practice asks for a weight within %d days. Re-weigh the client so mg/kg is current.",
			num(w.Kg, 1), day(w.MeasuredOn), age, day(on), s.WeightStaleAfterDays))
	}
	return w.Kg, nil, warnings
}

// limitRefusals compares mg (a dose or a session total) with the prescriber's limit. lead writes
// the start of the sentence from the amount as shown; tail, if any, ends it.
func limitRefusals(route Route, mg float64, l Limit, kg float64, on time.Time, lead func(mgShown, perKgShown string) string, tail string) []Refusal {
	if l.Route == "" {
		return []Refusal{refuse(RuleLimitMissing,
			"No prescriber maximum is set for %s; the prescriber must set one in mg or mg/kg before a dose is planned.", route.Label())}
	}
	if l.Route != route {
		return []Refusal{refuse(RuleLimitRoute,
			"The prescriber's maximum on file is for %s, not %s; the prescriber must set a maximum for %s.", l.Route.Label(), route.Label(), route.Label())}
	}
	if l.MaxMg < 0 || l.MaxMgPerKg < 0 {
		return []Refusal{refuse(RuleLimitInvalid,
			"The prescriber's maximum for %s (%s mg, %s mg/kg) cannot be negative; the prescriber must correct it.", route.Label(), num(l.MaxMg, 2), num(l.MaxMgPerKg, 2))}
	}
	if l.MaxMg == 0 && l.MaxMgPerKg == 0 {
		return []Refusal{refuse(RuleLimitMissing,
			"No prescriber maximum is set for %s; the prescriber must set one in mg or mg/kg before a dose is planned.", route.Label())}
	}
	var out []Refusal
	if l.MaxMgPerKg > 0 && kg == 0 {
		out = append(out, refuse(RuleWeightNeeded,
			"A weight is needed: the prescriber's maximum for %s is %s mg/kg and no weight dated on or before %s is on file.", route.Label(), num(l.MaxMgPerKg, 2), day(on)))
	}
	overMg := l.MaxMg > 0 && exceeds(mg, l.MaxMg)
	overKg := l.MaxMgPerKg > 0 && kg > 0 && exceeds(mg/kg, l.MaxMgPerKg)
	if !overMg && !overKg {
		return out
	}
	mgShown, perKgShown := num(mg, 2), perKgText(mg, kg)
	var parts []string
	if overMg {
		var limShown string
		mgShown, limShown = numsApart(mg, l.MaxMg, 2)
		parts = append(parts, limShown+" mg")
	}
	if overKg {
		var limShown string
		perKgShown, limShown = numsApart(mg/kg, l.MaxMgPerKg, 2)
		perKgShown += " mg/kg"
		parts = append(parts, fmt.Sprintf("%s mg/kg (%s mg at %s kg)", limShown, num(l.MaxMgPerKg*kg, 2), num(kg, 1)))
	}
	msg := fmt.Sprintf("%s the prescriber's maximum for %s of %s", lead(mgShown, perKgShown), route.Label(), strings.Join(parts, " and "))
	if tail != "" {
		msg += "; " + tail
	}
	return append(out, Refusal{Rule: RuleDoseAboveLimit, Message: msg + "."})
}

// roomLeftUnderLimit says how much more fits under the prescriber's limit after what was given.
func roomLeftUnderLimit(l Limit, kg, given float64) string {
	ceiling := 0.0
	if l.MaxMg > 0 {
		ceiling = l.MaxMg
	}
	if l.MaxMgPerKg > 0 && kg > 0 && (ceiling == 0 || l.MaxMgPerKg*kg < ceiling) {
		ceiling = l.MaxMgPerKg * kg
	}
	if ceiling == 0 {
		return ""
	}
	return fmt.Sprintf("%s mg given so far, so %s", num(given, 2), roomLeft(ceiling-given, "it"))
}

func roomLeft(room float64, within string) string {
	if room <= 0 || !exceeds(room, 0) {
		return "no more fits within " + within
	}
	return fmt.Sprintf("at most %s mg more fits within %s", num(room, 2), within)
}

func perKgText(mg, kg float64) string {
	if kg <= 0 {
		return ""
	}
	return num(mg/kg, 2) + " mg/kg"
}

func amount(mgShown, perKgShown string) string {
	if perKgShown == "" {
		return mgShown + " mg"
	}
	return fmt.Sprintf("%s mg (%s)", mgShown, perKgShown)
}

func doseText(mg, kg float64) string {
	if kg <= 0 {
		return num(mg, 2) + " mg"
	}
	return fmt.Sprintf("%s mg (%s at %s kg)", num(mg, 2), perKgText(mg, kg), num(kg, 1))
}
