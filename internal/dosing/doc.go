// Package dosing holds the rules of the medicine phase of a ketamine-assisted psychotherapy
// course (KAP.md §1): routes and doses, course spacing and stalls, the pre-dose blood pressure
// hold, vitals during the session, discharge, the readiness tracker, the pre-dose checklist, and
// the gate that decides whether a medicine session may be booked or started.
//
// Everything here is a pure function over plain values: no database, no HTTP, no clock (the time
// is always passed in). The live dosing-session screens and the booking code call these rules and
// show what they return.
//
// holdspace does not decide treatment. The prescriber sets each route's maximum dose; the
// practice sets every other number in Settings, whose defaults name their sources (the Spravato
// label and REMS, the Swiss label, NEWS2, the large IV series in KAP.md). A rule checks against
// those numbers, warns (Warning) or refuses (Refusal). Every refusal says what is missing or which
// number broke which limit, for example
//
//	Dose 120 mg (1.71 mg/kg) is above the prescriber's maximum for sublingual RDT of 100 mg and
//	1.5 mg/kg (105 mg at 70 kg).
//
// Numbers are compared unrounded and shown rounded (mg and mg/kg to two decimals, more when
// rounding would make a value over a limit look equal to it). Times are shown in the location
// they arrive in: convert to the practice's zone before calling.
//
// Thresholds that sit exactly on a limit: a dose at the maximum, a gap of exactly the minimum
// spacing, exactly the fasting time, exactly the observation time are all allowed; the default
// pre-dose hold applies at the at-rest figure itself (>= 180/100, as screening does) while the
// in-session alarm fires only beyond the treatment-emergent figure (> 180/110), as KAP.md §1
// describes: two numbers for two moments.
//
// Pairs with internal/sessionrecord (the live record of a session) and
// internal/course (the course and its bookings): dosing decides, those two
// store and ask.
package dosing
