package dosing

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// ClientConditions are the prescriber's structured conditions for a client's medicine
// sessions, from the signed evaluation: a per-client pre-dose hold, substances the client holds
// before a session and pre-medication ordered before dosing. They reach the room through the
// checklist and the first dose's gate; anything else stays the evaluation's free text.
type ClientConditions struct {
	// Hold is the prescriber's pre-dose hold for this client; nil when none. The stricter of it
	// and the practice's applies (StricterHold).
	Hold           *HoldThreshold       `json:"hold,omitempty"`
	HeldSubstances []HeldSubstance      `json:"held_substances"`
	PreMedications []PreMedicationOrder `json:"premedications"`
	// AdditionalDoses is the prescriber's plan for doses after the planned first dose of each
	// session; the zero plan allows none.
	AdditionalDoses AdditionalDosePlan `json:"additional_doses"`
}

// Empty reports whether the prescriber set no structured condition.
func (c ClientConditions) Empty() bool {
	return c.Hold == nil && len(c.HeldSubstances) == 0 && len(c.PreMedications) == 0 && c.AdditionalDoses == (AdditionalDosePlan{})
}

// AdditionalDosePlan is what the prescriber allows after the planned first dose of a session
// (KAP.md §1 Routes and doses: escalation is practice-specific, so the prescriber decides):
// whether a further dose may be given at all, the most the session may total with it, and how
// long after the first dose. Anything beyond needs the prescriber's authorisation in the session.
type AdditionalDosePlan struct {
	Allowed bool `json:"allowed"`
	// MaxTotalMg is the session's total, the first dose included, that additional doses may
	// reach.
	MaxTotalMg float64 `json:"max_total_mg,omitempty"`
	// MinMinutesAfterFirst is how long after the first dose an additional one may follow.
	MinMinutesAfterFirst int `json:"min_minutes_after_first,omitempty"`
}

// Text is the plan in the clinic's words.
func (p AdditionalDosePlan) Text() string {
	if !p.Allowed {
		return "No additional dose without the prescriber's authorisation in the session"
	}
	s := fmt.Sprintf("Additional doses up to %s mg in total per session", num(p.MaxTotalMg, 2))
	if p.MinMinutesAfterFirst > 0 {
		s += fmt.Sprintf(", not before %d min after the first dose", p.MinMinutesAfterFirst)
	}
	return s
}

// CheckAdditionalPlan checks a further dose against the prescriber's additional-dose plan: given
// at all, within the session total the plan allows (givenMg is what the session has had so far)
// and not too soon after the first dose at firstAt. Its refusals are the ones a prescriber's
// authorisation in the session can lift (BeyondPlan); the prescriber's maximum is checked apart
// (CheckAdditionalDose) and no authorisation lifts it.
func CheckAdditionalPlan(p AdditionalDosePlan, firstAt time.Time, givenMg, proposedMg float64, at time.Time) []Refusal {
	if !p.Allowed {
		return []Refusal{refuse(RuleAdditionalNotPlanned,
			"The prescriber's plan has no additional dose after the planned first dose; a further dose needs a prescriber's authorisation in the session, with a reason.")}
	}
	var out []Refusal
	if total := givenMg + proposedMg; exceeds(total, p.MaxTotalMg) {
		totalShown, maxShown := numsApart(total, p.MaxTotalMg, 2)
		out = append(out, refuse(RuleAdditionalAbovePlan,
			"Additional dose %s mg would bring this session's total to %s mg, above the prescriber's plan of %s mg in total; %s mg given so far, so %s. More needs a prescriber's authorisation in the session.",
			num(proposedMg, 2), totalShown, maxShown, num(givenMg, 2), roomLeft(p.MaxTotalMg-givenMg, "the plan")))
	}
	if wait := minutes(p.MinMinutesAfterFirst); at.Sub(firstAt) < wait {
		out = append(out, refuse(RuleAdditionalTooSoon,
			"The first dose was given at %s; the prescriber's plan allows an additional dose %d min after it, from %s.",
			clock(firstAt), p.MinMinutesAfterFirst, clock(firstAt.Add(wait))))
	}
	return out
}

// HeldSubstance is a medicine or substance the client must not take for Hours before a
// session, such as lorazepam 24 h (KAP.md §1 interactions: benzodiazepines may blunt response).
type HeldSubstance struct {
	Substance string `json:"substance"`
	Hours     int    `json:"hours"`
}

// PreMedicationOrder is a medicine to give before dosing, such as ondansetron 4 mg ODT 30 min
// before (KAP.md §1 Fasting, nausea: practices pre-treat nausea).
type PreMedicationOrder struct {
	Drug          string  `json:"drug"`
	DoseMg        float64 `json:"dose_mg"`
	Route         string  `json:"route"`
	MinutesBefore int     `json:"minutes_before"`
}

// Text is the order in the clinic's words.
func (o PreMedicationOrder) Text() string {
	s := fmt.Sprintf("%s %s mg %s", o.Drug, num(o.DoseMg, 2), o.Route)
	if o.MinutesBefore > 0 {
		s += fmt.Sprintf(", %d min before dosing", o.MinutesBefore)
	}
	return s
}

// Text is the hold in the clinic's words.
func (h HeldSubstance) Text() string {
	return fmt.Sprintf("no %s in the %d h before the session", h.Substance, h.Hours)
}

// PreMedicationGiven is a pre-medication recorded as given in the session.
type PreMedicationGiven struct {
	Drug string    `json:"drug"`
	At   time.Time `json:"at"`
}

// SameDrug compares drug names as the clinic writes them, ignoring case and spacing.
func SameDrug(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// CheckHeldSubstances refuses the first dose until the checklist confirms, for each substance
// the prescriber holds, that the client has taken none within its hours.
func CheckHeldSubstances(c PreDoseChecklist, held []HeldSubstance) []Refusal {
	var out []Refusal
	for _, h := range held {
		if !slices.ContainsFunc(c.HeldSubstancesConfirmed, func(s string) bool { return SameDrug(s, h.Substance) }) {
			out = append(out, refuse(RuleHeldSubstance, "Confirm with the client: %s (the prescriber's condition).", h.Text()))
		}
	}
	return out
}

// CheckPreMedication refuses a first dose at `at` until each ordered pre-medication is recorded
// as given, at least its minutes before.
func CheckPreMedication(orders []PreMedicationOrder, given []PreMedicationGiven, at time.Time) []Refusal {
	var out []Refusal
	for _, o := range orders {
		var last *PreMedicationGiven
		for i := range given {
			if SameDrug(given[i].Drug, o.Drug) && (last == nil || given[i].At.After(last.At)) {
				last = &given[i]
			}
		}
		switch {
		case last == nil:
			out = append(out, refuse(RulePreMedication, "The prescriber ordered %s; record it given before the dose.", o.Text()))
		case at.Sub(last.At) < minutes(o.MinutesBefore):
			out = append(out, refuse(RulePreMedication, "%s was given at %s; the prescriber orders it %d min before dosing, so the dose waits until %s.",
				o.Drug, clock(last.At), o.MinutesBefore, clock(last.At.Add(minutes(o.MinutesBefore)))))
		}
	}
	return out
}

// CheckAfterAlarm refuses a further dose after an in-session alarm (a reading beyond an alarm
// threshold at alarmAt) until a full blood pressure taken after it is below the client's hold:
// the latest such reading decides.
func CheckAfterAlarm(alarmAt time.Time, readings []Reading, practice HoldThreshold, client *HoldThreshold) []Refusal {
	var latest *Reading
	for i := range readings {
		r := &readings[i]
		_, okS := r.Value(MeasureSystolic)
		_, okD := r.Value(MeasureDiastolic)
		if okS && okD && r.At.After(alarmAt) && (latest == nil || !r.At.Before(latest.At)) {
			latest = r
		}
	}
	if latest == nil {
		return []Refusal{refuse(RuleAfterAlarmReading,
			"An alarm was raised by the reading at %s; take a blood pressure after it, below the pre-dose hold, before a further dose.", clock(alarmAt))}
	}
	if held, msg := ClientPreDoseHold(*latest, practice, client); held {
		return []Refusal{refuse(RuleAfterAlarmReading, "Since the alarm at %s: %s", clock(alarmAt), msg)}
	}
	return nil
}

// DefaultGiverRoles are who may give a dose by each route. A practice setting; no source in
// KAP.md fixes it [verify]: an injection or infusion is given by a prescriber, a tablet or troche
// handed over by a prescriber or therapist. Monitors watch; they do not give medicine.
func DefaultGiverRoles() map[Route][]Role {
	return map[Route][]Role{
		RouteIV:            {RolePrescriber},
		RouteIM:            {RolePrescriber},
		RouteSublingualRDT: {RolePrescriber, RoleTherapist},
		RouteOralTroche:    {RolePrescriber, RoleTherapist},
	}
}

// CheckGiver refuses a giver who is not a clinician of the session or holds no role the
// practice allows for the route. name is for the message.
func CheckGiver(name string, inSession bool, roles []Role, route Route, allowed map[Route][]Role) []Refusal {
	var out []Refusal
	if !inSession {
		out = append(out, refuse(RuleGiver, "%s is not a clinician of this session (booked on its appointment or present in the record); the dose is given by someone in the room.", name))
	}
	ok := allowed[route]
	if !slices.ContainsFunc(roles, func(r Role) bool { return slices.Contains(ok, r) }) {
		words := make([]string, len(ok))
		for i, r := range ok {
			words[i] = string(r)
		}
		list := strings.Join(words, " or ")
		if list == "" {
			list = "no role (the practice has not said who may)"
		}
		out = append(out, refuse(RuleGiver, "%s may not give a dose by %s: the practice allows %s.", name, route.Label(), list))
	}
	return out
}

// DoseAuthorisation is a prescriber's authorisation, in the session, of one additional dose
// beyond the session's plan, up to DoseMg.
type DoseAuthorisation struct {
	By     string    `json:"by"`
	Role   Role      `json:"role"`
	DoseMg float64   `json:"dose_mg"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Check names what makes an authorisation invalid: only a prescriber authorises, by name, with
// a reason and a dose.
func (a DoseAuthorisation) Check() []Refusal {
	var out []Refusal
	if a.Role != RolePrescriber {
		out = append(out, refuse(RuleAuthorisationRole, "Only a prescriber can authorise a dose beyond the session's plan."))
	}
	if strings.TrimSpace(a.By) == "" {
		out = append(out, refuse(RuleAuthorisationRole, "An authorisation must name the prescriber who gives it."))
	}
	if strings.TrimSpace(a.Reason) == "" {
		out = append(out, refuse(RuleAuthorisationReason, "An authorisation needs a reason: write why a dose beyond the plan is given."))
	}
	if a.DoseMg <= 0 {
		out = append(out, refuse(RuleDoseInvalid, "Enter the dose authorised in mg."))
	}
	return out
}

// BeyondPlan reports whether a refusal is one a prescriber's authorisation in the session can
// lift: the additional-dose plan's own numbers (CheckAdditionalPlan), never the prescriber's
// maximum (RuleDoseAboveLimit, or RuleDoseAboveSession where the session's ceiling is that
// maximum), the hold or an alarm.
func BeyondPlan(r Rule) bool {
	switch r {
	case RuleAdditionalNotPlanned, RuleAdditionalAbovePlan, RuleAdditionalTooSoon:
		return true
	}
	return false
}

// CheckAuthorisedDose checks a further dose beyond the plan against the prescriber's
// authorisation in the session: it may be at most the dose authorised.
func CheckAuthorisedDose(a DoseAuthorisation, proposedMg float64) []Refusal {
	if exceeds(proposedMg, a.DoseMg) {
		shown, authShown := numsApart(proposedMg, a.DoseMg, 2)
		return []Refusal{refuse(RuleAdditionalAbovePlan, "%s authorised an additional dose of up to %s mg at %s; %s mg is more. A larger dose needs a new authorisation.",
			a.By, authShown, clock(a.At), shown)}
	}
	return nil
}
