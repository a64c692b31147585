// Package safety holds the rules that keep a client safe between visits:
// when measures and check-ins are due, which answers must reach a
// clinician, how an unanswered safety alert escalates, what a client is
// shown at a positive answer, and the versioned Stanley-Brown safety plan.
//
// Suicidal thoughts can rise for up to two weeks after ketamine (KAP.md §1),
// and PHQ-9 item 9 > 0 or a positive C-SSRS screen must reach a clinician
// (KAP.md §2). Everything here is a plain function over plain values: the
// current time and the practice's time zone are passed in, nothing is read
// from a clock, a database or the network, and the package imports no other
// holdspace package. holdspace does not decide care; these rules make sure a
// person sees what the client said, and record what that person did.
//
// # Time zones
//
// Settings that work in calendar days or business hours carry the
// practice's zone in a Zone field that is not serialised; the caller loads
// it from the stored zone name. Days are built with time.Date in that zone,
// so a "day" is 23 or 25 hours across a daylight-saving change and 09:00 is
// 09:00 on both sides of it.
//
// # Measurement schedule
//
// PlanMeasures turns a Schedule and a course's dates into Due items:
// baseline (due on the intake day, counting until the first dose), before
// each medicine session (counting until that dose starts, and never before
// the previous one), course end (the day after the last session) and
// follow-ups at 14 days, 1, 3 and 6 months after the last session. Months
// clamp to the month's end (31 January + 1 month = 28 or 29 February).
// Schedule.WithOverrides applies one client's changes. Status reads a Due at
// a moment as upcoming, due, overdue, completed or missed.
//
// # Check-ins
//
// CheckInsFor plans a short check-in (mood 0-10, sleep, thoughts of
// self-harm yes/no, a note for the care team) 1, 3, 7 and 14 days after each
// medicine session by default; a practice chooses its own days within 1..14
// and may not choose none. MissedCheckIns flags one for the care team
// once the end of its day in the practice zone plus a grace period has
// passed; the default grace is 12 hours, so an unanswered check-in is raised
// at midday the following day: late-evening and next-morning answers are
// not chased, and the care team still hears within a working day.
//
// # Triggers
//
// PHQ9Trigger, CSSRSTrigger and CheckInTrigger (and TriggerFor, which picks
// by instrument code) turn answers into a Trigger with a severity and a
// message quoting the client's answers. PHQ-9 item 9: 1 is moderate, 2 or 3
// high (Simon et al. 2013). C-SSRS screener: moderate or high as triaged.
// Check-in self-harm yes: moderate unless the practice sets high, because a
// yes/no answer says nothing of intent or plan. A missing safety answer is
// refused, never read as "no".
//
// # Alerts and escalation
//
// Raise, Escalate, Acknowledge and Close move an Alert through raised →
// escalated (level 1, 2, …) → acknowledged → closed, each returning an Event
// to record (who, when, what) and to send. Only a clinical role may
// acknowledge or close; acknowledging needs an action (and a note for
// "other") and happens once.
//
// The raised event goes to the client's care team at once, at any hour.
// By default one hour without acknowledgement escalates to level 1 (the
// client's prescriber and the practice owner), and every further hour to
// level 2 and on (them again and the whole care team). For most alerts the
// hour is of business hours (Monday-Friday 09:00-17:00 in the practice
// zone), so one raised Friday at 16:30 escalates Monday at 09:30. Two kinds
// escalate on the clock instead, at any hour of any day: an alert raised
// within RiskWindow (14 days) after the client's last medicine session,
// because the risk lasts that long (KAP.md §1), and a high-severity alert,
// whose first escalation comes within MaxHighSeverityWindow (15 minutes)
// however the practice set it. When such an escalation falls due while the
// practice is closed, RecipientsAt sends it to whoever OnCall names for that
// moment (a rota slot, else the named clinician): level 1 to them alone,
// later levels to them and the usual audiences. Validate refuses settings
// that leave any closed hour with nobody on call. The timetable is fixed
// when the alert is raised, and a worker that runs late jumps straight to
// the level now due.
//
// # Crisis resources
//
// USCrisisResources holds the US defaults (988 by call or text, chat at
// 988lifeline.org, veterans press 1, 911; KAP.md §7); a practice sets its
// own. PositiveAnswerMessage is the text a client sees the moment an answer
// raises an alert: thanks, what happens next, the lines, the emergency
// number, and a pointer to their safety plan; it asks for no promise.
//
// # Safety plan
//
// SafetyPlan follows Stanley & Brown (2012): warning signs; internal coping
// strategies; people and social settings that provide distraction; people
// whom I can ask for help; professionals or agencies to contact in a
// crisis; making the environment safe; and the one thing most important to
// the client and worth living for. SaveVersion always makes a new version
// with its author and time; Validate asks for steps 1, 2, 4 and 5; Diff shows
// what changed between two versions.
//
// Pairs with internal/alert: safety decides (pure rules, no storage); alert
// stores, escalates and delivers what it decides.
package safety
