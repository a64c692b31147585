// Package instrument holds the measurement instruments holdspace records
// (KAP.md §2) as data, and the one generic engine that scores them.
//
// Each instrument is a JSON file in defs/, embedded in the binary and parsed
// by Load into a Catalog. A Definition carries the exact published wording,
// LOINC codes, licence, who completes it, severity bands, critical items,
// symptom clusters, adaptive display rules, triage levels, the
// missing-answer rule and the response, remission and meaningful-change
// rules, each with its source. Copyrighted scales (BDI-II, MADRS) carry no
// items: only a total a clinician scored on the licensed form. Load checks
// every rule the engine relies on (bands tile the total range, the total
// range is what the items add up to, conditions name real items, items
// that may not be shipped are absent) and refuses the catalog otherwise.
// Adding an instrument is adding a data file and its tests.
//
// Score validates a set of answers (item id to value) and returns a
// Result: total, band, critical findings, cluster scores, a provisional
// diagnosis, a triage risk level and whether the result is a safety event
// that must reach a clinician. Every answer problem is returned together
// in an *AnswerError keyed by item id. Compare sets a result beside a
// baseline and says in plain words whether it meets the instrument's
// response and remission rules.
//
// holdspace reports what the published rules say; a clinician decides.
// A provisional diagnosis is a screening result, never a diagnosis.
//
// Choices made where the literature leaves room (see each file's sources):
//   - PHQ-9: up to 2 missing items are prorated by the mean of the answered
//     items, rounded half up; item 9 is never prorated. Other instruments
//     publish no proration rule and are refused with the gaps named.
//   - PCL-5: provisional PTSD by either the DSM-5 symptom rule or a total of
//     33 or more (31–33 supported); no response or remission rule, a
//     10-point change is meaningful; no LOINC codes recorded (unverified).
//   - C-SSRS: the Screen Version - Recent, triaged per Columbia: Q4, Q5 or
//     behaviour in the past 3 months high; Q3 or older behaviour moderate;
//     Q1 or Q2 only low. Moderate and high are safety events.
//   - MADRS remission is a total of 12 or less, as in ketamine trials;
//     BDI-II and HAM-A have no remission rule set.
//
// Pairs with internal/measure: instrument defines and scores questionnaires
// (pure); measure stores the answers, schedules them and raises what scoring
// flags.
package instrument
