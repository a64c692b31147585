// Package eligibility keeps a client's intake questionnaire and the
// screenings run on it: the use cases behind the portal's intake pages, the
// staff's intake and screening pages, and the readiness tracker's question
// "is screening settled?".
//
// The questionnaire itself (sections, questions, validation, facts) is the
// pure model in package intake; the rules are package screening. This
// package stores them: one intake per client, each section as JSON with who
// saved it and when. A draft is changed in place, so a client can save as
// often as they like; once submitted, a change is a new revision of its
// section, and a change that alters the facts the rules read runs a new
// screening. Screenings and acknowledgements are append-only (the database
// refuses UPDATE and DELETE on them): a new screening never overwrites an
// old one, and an acknowledgement is always of one finding of one screening.
//
// Every function runs inside a transaction that the caller opened through
// access.Service.Do, so the access was decided and audited before anything
// here reads or writes. The clock and the rule set are passed in (Use).
//
// Pairs with internal/intake (the questionnaire, pure) and internal/screening
// (the rules, pure): eligibility stores and runs them.
package eligibility
