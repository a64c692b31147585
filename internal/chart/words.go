package chart

import (
	"strings"

	"holdspace/internal/clinic"
)

// The accounting of disclosures reads in words: a client is owed a list
// they can understand of who saw their record (45 CFR 164.528), not the
// trail's codes. Each action that can reach a client's trail has its
// sentence here; TestEveryActionReadsInWords fails for one without.
//
// In a sentence, {who} is the person (or integration) who acted, {whose}
// the client's possessive ("your", or "Alex Rivera's" on the staff page),
// {whom} the client, and {what} the part of the record it was about.
var actionWords = map[string]string{
	// Decided accesses (internal/access), named by the action.
	"client.list":                  "{who} looked at the practice's list of clients",
	"client.create":                "{who} opened a record for {whom} at the practice",
	"client.read":                  "{who} opened {whose} {what}",
	"client.update":                "{who} changed {whose} {what}",
	"client.invite":                "{who} invited {whom} to the portal",
	"client_contact.read":          "{who} looked at {whose} contact details",
	"client_contact.update":        "{who} changed {whose} contact details",
	"process_note.read":            "{who} read their own process note in {whose} record",
	"process_note.write":           "{who} wrote a process note in {whose} record",
	"break_glass.start":            "{who} used emergency access to open {whose} record",
	"care_team.manage":             "{who} changed {whose} care team",
	"staff.manage":                 "{who} changed the practice's staff",
	"settings.manage":              "{who} changed the practice's settings",
	"audit.read":                   "{who} read the practice's audit trail",
	"audit.export":                 "{who} exported the practice's audit trail",
	"disclosure.read":              "{who} looked at who has seen {whose} record",
	"api_token.manage":             "{who} managed the practice's API tokens",
	"inquiry.manage":               "{who} worked on {whose} inquiry",
	"inquiry.read":                 "{who} read {whose} inquiry",
	"consent_document.manage":      "{who} worked on the practice's consent documents",
	"screening.acknowledge":        "{who} reviewed {whose} screening results",
	"evaluation.write":             "{who} wrote in {whose} medical evaluation",
	"preparation.record":           "{who} recorded a preparation session with {whom}",
	"schedule.read":                "{who} looked at {whose} appointments",
	"appointment.manage":           "{who} booked or changed an appointment for {whom}",
	"session_record.write":         "{who} recorded in {whose} medicine session record",
	"session_record.override_hold": "{who} lifted a pre-dose hold in {whose} medicine session",
	"session_record.sign":          "{who} signed {whose} medicine session record",
	"safety_alert.acknowledge":     "{who} acknowledged a safety alert for {whom}",
	"safety_plan.write":            "{who} worked on {whose} safety plan",
	"outcomes.read":                "{who} read the practice's outcomes, in numbers without names",
	"clinical_settings.read":       "{who} read the practice's clinical settings",
	"clinical_settings.change":     "{who} changed the practice's clinical settings",
	"discharge_exception.sign":     "{who} signed a shorter discharge observation for {whom}",
	"account.self":                 "{who} changed their own account",
	"portal.use":                   "{who} opened {whose} {what} in the portal",
	"demo_mailbox.read":            "{who} read the demo's mailbox",
	"appointment.book":             "{who} booked an appointment for {whom}",
	"appointment.move":             "{who} moved {whose} appointment",
	"appointment.booked":           "{who} booked an appointment for {whom}",
	"appointment.cancelled":        "{who} cancelled {whose} appointment",
	"appointment.held":             "{who} marked {whose} appointment as held",
	"appointment.missed":           "{who} marked {whose} appointment as missed",
	"consent.sign":                 "{who} signed a consent",
	"consent.revoke":               "{who} withdrew {whose} consent",
	"consent.countersign":          "{who} countersigned {whose} consent",
	"consent.export":               "{who} downloaded the signed PDF of {whose} consent",
	"consent_document.draft":       "{who} drafted a consent document",
	"consent_document.publish":     "{who} published a consent document",
	"account.invite":               "{who} sent {whom} an invitation to the portal",
	"account.locked":               "{who} was locked out after repeated failed sign-ins",
	"account.password_change":      "{who} changed their password",
	"account.reset_request":        "{who} asked for a password reset",
	"account.password_set":         "{who} chose a password from an emailed link",
	"account.password_reset":       "{who} reset their password from an emailed link",
	"break_glass.granted":          "{who} was given emergency access to {whose} record",
	"care_team.add":                "{who} added someone to {whose} care team",
	"care_team.remove":             "{who} removed someone from {whose} care team",
	"inquiry.create":               "{who} sent an inquiry from the practice's page",
	"inquiry.reply":                "{who} replied to {whose} inquiry by email",
	"inquiry.decline":              "{who} declined {whose} inquiry",
	"inquiry.convert":              "{who} took on {whom} as a client from the inquiry",
	"inquiry.contact":              "{who} logged a call or message to {whom}",
	"inquiry.notify":               "{who} chose who is told of new inquiries",
	"settings.practice_page":       "{who} changed the practice's public page",
	"settings.access":              "{who} changed the practice's sign-in settings",
	"practice.create":              "{who} created the practice",
	"staff.add":                    "{who} added a member of staff",
	"permission.roles":             "{who} changed a staff member's roles",
	"permission.clinical_lead":     "{who} changed who is a clinical lead",
	"api_token.create":             "{who} made an API token",
	"api_token.revoke":             "{who} revoked an API token",
	"sign_in.password":             "{who} signed in with a password",
	"sign_in.mfa":                  "{who} gave the second step of signing in",
	"sign_in.email_code_sent":      "{who} was sent a sign-in code",
	"sign_in.failed":               "{who} failed to sign in",
	"sign_out":                     "{who} signed out",
	"sign_out.everywhere":          "{who} signed out everywhere",
	"mfa.recovery_codes":           "{who} made new recovery codes",
	"mfa.change":                   "{who} changed their second sign-in step",
	"mfa.enrol":                    "{who} set up a second sign-in step",
	"mfa.replace":                  "{who} replaced their second sign-in step",
	"mfa.remove":                   "{who} removed their second sign-in step",
	"mfa.set_by_system":            "{who} had a second sign-in step set up for them by holdspace",
	"client.import":                "{who} imported clients from another system",
	"intake.attest":                "{who} confirmed {whose} intake answers are true and complete",
	"request.cross_site":           "{who} was sent a form from another site, which holdspace refused",
	"text.reencoded":               "holdspace repaired text that was not stored correctly",
}

// recordWords names the part of the record a trail entry was about, by its
// record type; a type not listed is named from its code.
var recordWords = map[string]string{
	"client":                    "chart",
	"client_details":            "contact details",
	"client_list":               "list of clients",
	"session_summary":           "session summary",
	"session_record":            "medicine session record",
	"measure_response":          "questionnaire answers",
	"measure_schedule":          "questionnaire schedule",
	"medical_history":           "medical history",
	"medication_offer":          "medicines listed on the intake",
	"readiness":                 "readiness for a medicine session",
	"course":                    "course of treatment",
	"safety_plan":               "safety plan",
	"safety_alert":              "safety alert",
	"check_in":                  "check-ins",
	"consent":                   "consents",
	"consent_signature":         "signed consent",
	"consent_version":           "consent document",
	"evaluation":                "medical evaluation",
	"evaluation_addendum":       "medical evaluation's addendum",
	"intention":                 "intentions",
	"instructions":              "instructions before a session",
	"preparation":               "preparation",
	"appointment":               "appointment",
	"appointment_list":          "appointments",
	"disclosures":               "list of who has seen the record",
	"crisis_resources":          "crisis lines",
	"screening_vitals":          "screening vital signs",
	"screening_acknowledgement": "screening results",
	"intake":                    "intake",
	"discharge_exception":       "discharge observation",
	"break_glass":               "record",
	"account":                   "portal account",
}

// Says is one disclosure in words.
type Says struct {
	clinic.Disclosure
	Sentence string
	// Outside: it left the practice (a download, an integration's read),
	// listed apart from the views within the practice.
	Outside bool
}

// outsideActions take what they read out of holdspace.
var outsideActions = map[string]bool{"consent.export": true, "audit.export": true}

// inWords writes d as a sentence. whose and whom name the client: "your"
// and "you" in the portal, the client's name on the staff page.
func inWords(d clinic.Disclosure, whose, whom string) Says {
	pattern, ok := actionWords[d.Action]
	if !ok {
		// Never a code: a new action without its sentence fails
		// TestEveryActionReadsInWords, and reads plainly meanwhile.
		pattern = "{who} used " + strings.ReplaceAll(strings.ReplaceAll(d.Action, "_", " "), ".", ": ") + " on {whose} record"
	}
	what, ok := recordWords[d.RecordType]
	if !ok {
		what = strings.ReplaceAll(d.RecordType, "_", " ")
		if what == "" {
			what = "record"
		}
	}
	who := d.ActorName
	switch {
	case d.ActorKind == "api" && d.Integration != "":
		who = "The integration “" + d.Integration + "”"
		if d.ActorName != "" {
			who += ", with " + d.ActorName + "’s API token,"
		}
	case d.ActorKind == "api":
		who = "An integration with " + orSomeone(d.ActorName) + "’s API token"
	case d.ActorKind == "system":
		who = "holdspace"
	case d.ActorKind == "anonymous":
		who = "Someone not signed in"
	case who == "":
		who = "Someone no longer at the practice"
	}
	s := strings.NewReplacer("{who}", who, "{whose}", whose, "{whom}", whom, "{what}", what).Replace(pattern)
	if d.Outcome == "denied" {
		s = "Refused: " + s
	}
	return Says{Disclosure: d, Sentence: s + ".", Outside: outsideActions[d.Action] || d.ActorKind == "api"}
}

func orSomeone(name string) string {
	if name == "" {
		return "someone"
	}
	return name
}
