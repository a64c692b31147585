package dosing

import (
	"errors"
	"fmt"
)

// Rule names the check behind a refusal or warning, so a screen can place the message next to
// the field it concerns and tests can tell refusals apart without matching sentences.
type Rule string

// Rules of the medicine phase. Readiness items reuse their own ids (see ReadinessItemID).
const (
	RuleRoute               Rule = "route"
	RuleDoseInvalid         Rule = "dose_invalid"
	RuleLimitMissing        Rule = "limit_missing"
	RuleLimitRoute          Rule = "limit_route"
	RuleLimitInvalid        Rule = "limit_invalid"
	RuleDoseAboveLimit      Rule = "dose_above_limit"
	RuleWeightNeeded        Rule = "weight_needed"
	RuleWeightInvalid       Rule = "weight_invalid"
	RuleWeightStale         Rule = "weight_stale"
	RuleWeightAfterDate     Rule = "weight_after_date"
	RuleNoDoseYet           Rule = "no_dose_yet"
	RuleSessionPlanInvalid  Rule = "session_plan_invalid"
	RuleDoseAboveSession    Rule = "dose_above_session_plan"
	RuleSpacing             Rule = "spacing"
	RuleSessionCount        Rule = "session_count"
	RuleCourseNotActive     Rule = "course_not_active"
	RuleCourseInvalid       Rule = "course_invalid"
	RulePreDoseHold         Rule = "pre_dose_hold"
	RulePreDoseReading      Rule = "pre_dose_reading"
	RuleOverrideRole        Rule = "override_role"
	RuleOverrideReason      Rule = "override_reason"
	RuleOverrideActor       Rule = "override_actor"
	RuleOverrideStale       Rule = "override_before_reading"
	RuleConsentExpires      Rule = "consent_expires"
	RuleIdentity            Rule = "identity_not_confirmed"
	RuleFastingFood         Rule = "fasting_food"
	RuleFastingLiquid       Rule = "fasting_liquid"
	RuleEscort              Rule = "escort"
	RuleNoDriving           Rule = "no_driving"
	RuleAlcoholBenzo        Rule = "alcohol_benzodiazepines"
	RuleIntention           Rule = "intention"
	RulePregnancy           Rule = "pregnancy"
	RuleSettings            Rule = "settings"
	RuleGateStep            Rule = "gate_step"
	RuleOutsideCourseWindow Rule = "outside_course_window"
	RuleOpenSafetyAlert     Rule = "open_safety_alert"
	// The prescriber's orders for the session (evaluation conditions and the course plan).
	RuleHeldSubstance        Rule = "held_substance"
	RulePreMedication        Rule = "premedication"
	RuleAdditionalNotPlanned Rule = "additional_dose_not_planned"
	RuleAdditionalAbovePlan  Rule = "additional_dose_above_plan"
	RuleAdditionalTooSoon    Rule = "additional_dose_too_soon"
	RuleAfterAlarmReading    Rule = "reading_after_alarm"
	RuleAuthorisationRole    Rule = "authorisation_role"
	RuleAuthorisationReason  Rule = "authorisation_reason"
	RuleGiver                Rule = "giver"
)

// Refusal is a rule saying no. Message is written for the clinician at the screen: it names what
// is missing or which number broke which limit, so they can act without looking anything up.
type Refusal struct {
	Rule    Rule   `json:"rule"`
	Message string `json:"message"`
}

func (r Refusal) Error() string { return r.Message }

// Warning is a rule asking for attention without blocking (a stale weight, a booking past the
// course window): the clinician decides.
type Warning struct {
	Rule    Rule   `json:"rule"`
	Message string `json:"message"`
}

// Err joins refusals into one error for callers that pass errors along; nil when there are none.
func Err(refusals []Refusal) error {
	errs := make([]error, len(refusals))
	for i, r := range refusals {
		errs[i] = r
	}
	return errors.Join(errs...)
}

func refuse(rule Rule, format string, args ...any) Refusal {
	return Refusal{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

func warn(rule Rule, format string, args ...any) Warning {
	return Warning{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Role is who is acting or who can complete an item. The access package decides who a signed-in
// person is; these rules only need the role as a value.
type Role string

// Roles in the practice.
const (
	RoleClient     Role = "client"
	RoleTherapist  Role = "therapist"
	RolePrescriber Role = "prescriber"
	RoleAdmin      Role = "admin"
	RoleMonitor    Role = "monitor"
)
