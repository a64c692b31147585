// Package screening checks a person's facts against the contraindication and interaction rules of
// the preparation phase (KAP.md §1 "Contraindications and interactions").
//
// The rules are data: rules.json, embedded in the binary, with a version recorded on every
// screening. Each rule names what it looks at (a fact, an op and a value or parameter, or a small
// any/all of such), its class (absolute, relative or caution), a message for the clinician and the
// source it rests on. Load checks the file before any screening can use it.
//
// Facts are flat and named ("history.aneurysm_avm", "vitals.bp_systolic"). A fact that was not
// answered is unknown, never false: a rule that needs an unknown fact to decide lists it as
// unanswered and the screening outcome is "incomplete" rather than "clear". Conditions combine in
// three-valued logic, so a rule that fires on one known answer fires even while another is unknown.
//
// Thresholds that the domain reference marks [verify] are parameters with a documented default;
// a practice may override them within bounds, and the screening records the values in effect.
//
// holdspace does not decide treatment. A blocked screening stops planning until a clinician
// changes the facts (a corrected answer, a new blood pressure reading); a relative finding, or an
// urgent caution such as current suicidal thoughts, waits for the prescriber's documented
// acknowledgement (Acknowledged); cautions are shown to the clinician.
//
// Pairs with internal/intake (the questionnaire that yields the facts) and
// internal/eligibility (which stores the intake and the screenings run on
// it): screening and intake are pure; eligibility is their storage.
package screening
