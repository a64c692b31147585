// Package measure keeps measurement-based care (KAP.md §2): the
// questionnaires a client answers for a course, when each is due, their
// scores, the emails that say one is ready, and the practice's outcomes.
//
// A Response is one instrument given to one client for a Slot: a course's
// occasion (baseline, pre_session:N, course_end, follow_up:LABEL) or ad
// hoc. It starts as a draft that keeps answers as the client goes (save
// and come back), and is submitted once: then it is scored with
// internal/instrument, the score and band are stored with the instrument's
// version, and it never changes. A correction is a new response that names
// the one it supersedes and why; the original stays on record.
//
// Submit returns the safety trigger (safety.TriggerFor) a response raises;
// the caller raises the alert in the same transaction and shows the client
// the crisis resources at once.
//
// The schedule of each course is safety.PlanMeasures over the practice's
// Settings (settings.Measures) with the client's overrides, read from the
// course's dates and its course_session rows (see Facts). DueBefore gives
// the session checklist what is still to be answered before one medicine
// session. The Worker emails a client once per item whose window opens.
//
// ComputeOutcomes counts the practice dashboard; its doc comment says how
// each number is computed, so a clinician can check it by hand.
//
// Every function runs inside a transaction the caller opened with
// access.Service.Do (the worker alone opens its own), and takes the time
// from its caller.
//
// Pairs with internal/instrument: instrument defines and scores
// questionnaires (pure); measure is their storage and schedule.
package measure
