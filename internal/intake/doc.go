// Package intake holds the preparation-phase questionnaire (KAP.md §1 contraindications and
// interactions, §8 preparation) a person fills in before a course, and turns it into the facts the
// screening rules read.
//
// The intake is split into sections (medical, psychiatric, substances, medications, experience,
// goals), each its own struct so the portal can save one page at a time. Yes/no questions take an
// Answer whose zero value is "not answered", distinct from No; "not sure" is an answer the person
// may give, and like "not answered" it never becomes a fact, so the screening reports it for the
// clinician to resolve rather than reading it as No.
//
// The form is generated from Sections: every question carries its label and help text in plain,
// kind words for a client, its kind and options, whether it is required, and when it is asked.
// Validate checks what was typed is well formed; Missing lists the required questions still open,
// for the review-before-submit page.
//
// Medicines are recognised by generic and common brand name into the classes the screening rules
// ask about. Benzodiazepine doses are converted to diazepam equivalents with the Ashton Manual
// table. Recognition is a help for the clinician, not a replacement for reading the list: a
// misspelt or unlisted name is simply "other".
//
// Pairs with internal/screening (the rules the facts are checked against) and
// internal/eligibility (the storage of both).
package intake
