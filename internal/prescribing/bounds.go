package prescribing

import (
	"fmt"
	"strings"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
)

// RouteBound is the upper end of the doses reported in the literature for one route: a
// prescriber's maximum above it may be intended, but it is confirmed with a reason rather than
// typed by mistake. Zero means the source gives no such number for the route.
type RouteBound struct {
	MaxMgPerKg float64
	MaxMg      float64
	Source     string
}

// RouteBounds are the reported ranges per route (the published sources are named in Source):
//   - IV: 0.1–0.75 mg/kg reported, 0.5 mg/kg over 40 min usual (Andrade 2017, J Clin
//     Psychiatry 78:e852).
//   - IM: 0.25 and 0.5 mg/kg studied (Chilukuri 2014, PubMed 24701015).
//   - oral troche: 0.25–7 mg/kg or fixed 25–300 mg (Andrade 2019, J Clin Psychiatry).
//   - sublingual RDT: 100–400 mg per session in one training group's practice [verify]; the
//     oral mg/kg range bounds it per kg.
func RouteBounds() map[dosing.Route]RouteBound {
	return map[dosing.Route]RouteBound{
		dosing.RouteIV:            {MaxMgPerKg: 0.75, Source: "Andrade 2017, J Clin Psychiatry 78:e852: 0.1–0.75 mg/kg IV reported"},
		dosing.RouteIM:            {MaxMgPerKg: 0.5, Source: "Chilukuri 2014 (PubMed 24701015): 0.25 and 0.5 mg/kg IM studied"},
		dosing.RouteOralTroche:    {MaxMgPerKg: 7, MaxMg: 300, Source: "Andrade 2019, J Clin Psychiatry: 0.25–7 mg/kg or 25–300 mg orally reported"},
		dosing.RouteSublingualRDT: {MaxMgPerKg: 7, MaxMg: 400, Source: "100–400 mg per session sublingual in practice; 0.25–7 mg/kg orally (Andrade 2019, J Clin Psychiatry)"},
	}
}

// BoundConfirmation is the prescriber's confirmation, with a reason, of a maximum above the
// range reported for its route.
type BoundConfirmation struct {
	Route  dosing.Route `json:"route"`
	Reason string       `json:"reason"`
}

// ConfirmField names the form field of a route's confirmation; part is "confirm" or "reason".
func ConfirmField(r dosing.Route, part string) string { return "limit." + string(r) + "." + part }

// AboveBound says, for a limit, what passes the reported range of its route, in a sentence;
// "" when it is within. kg is the latest weight (0 when none) so that a maximum in mg can be
// read per kg for the routes whose range is given per kg.
func AboveBound(l dosing.Limit, kg float64) string {
	b, ok := RouteBounds()[l.Route]
	if !ok {
		return ""
	}
	var over []string
	if b.MaxMgPerKg > 0 && l.MaxMgPerKg > b.MaxMgPerKg {
		over = append(over, fmt.Sprintf("%s mg/kg is above %s mg/kg", number(l.MaxMgPerKg), number(b.MaxMgPerKg)))
	}
	if b.MaxMg > 0 && l.MaxMg > b.MaxMg {
		over = append(over, fmt.Sprintf("%s mg is above %s mg", number(l.MaxMg), number(b.MaxMg)))
	}
	if b.MaxMgPerKg > 0 && l.MaxMg > 0 && kg > 0 && l.MaxMg/kg > b.MaxMgPerKg && (l.MaxMgPerKg == 0 || l.MaxMgPerKg > b.MaxMgPerKg) {
		over = append(over, fmt.Sprintf("%s mg is %s mg/kg at %s kg, above %s mg/kg", number(l.MaxMg), number(l.MaxMg/kg), number(kg), number(b.MaxMgPerKg)))
	}
	if len(over) == 0 {
		return ""
	}
	return fmt.Sprintf("The maximum for %s is above the range reported for the route (%s): %s. Tick the confirmation and give your reason, or correct the number.",
		l.Route.Label(), b.Source, strings.Join(over, "; "))
}

// checkBounds asks for a confirmation with a reason of each maximum above its route's reported
// range.
func (d Draft) checkBounds(ps *clinic.Problems, kg float64) {
	for _, l := range d.Limits {
		if !l.Route.Valid() || l.MaxMg > MaxLimitMg || l.MaxMgPerKg > MaxLimitMgPerKg {
			continue // refused outright as a typing slip; nothing to confirm
		}
		msg := AboveBound(l, kg)
		if msg == "" {
			continue
		}
		c, ok := d.confirmation(l.Route)
		switch {
		case !ok:
			ps.Add(ConfirmField(l.Route, "confirm"), "%s", msg)
		case c.Reason == "":
			ps.Add(ConfirmField(l.Route, "reason"), "Give the reason for the maximum for %s above the reported range.", l.Route.Label())
		}
	}
}

func (d Draft) confirmation(r dosing.Route) (BoundConfirmation, bool) {
	for _, c := range d.AboveBound {
		if c.Route == r {
			return c, true
		}
	}
	return BoundConfirmation{}, false
}
