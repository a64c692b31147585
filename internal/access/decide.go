package access

import "slices"

// Role is a staff role. A person may hold several.
type Role string

const (
	Owner      Role = "owner"
	Admin      Role = "admin"
	Prescriber Role = "prescriber"
	Therapist  Role = "therapist"
	Monitor    Role = "monitor"
	// FrontDesk works the practice's front office: the schedule, the
	// inquiry queue, clients' contact details. It is no care-team role and
	// reads nothing clinical (HIPAA minimum necessary, 45 CFR 164.502(b),
	// 164.514(d)).
	FrontDesk Role = "front_desk"
)

// StaffRoles lists the roles in the order pages show them.
var StaffRoles = []Role{Owner, Admin, Prescriber, Therapist, Monitor, FrontDesk}

// ActorKind says what kind of party is asking.
type ActorKind string

const (
	Anonymous   ActorKind = "anonymous"
	StaffActor  ActorKind = "staff"
	ClientActor ActorKind = "client"
	// APIActor is an integration using a token; it acts as the staff
	// account that made the token, narrowed to the token's scopes.
	APIActor ActorKind = "api"
	System   ActorKind = "system"
)

// Actor is who is asking: set from the signed-in session or API token,
// never from the request.
type Actor struct {
	Kind       ActorKind
	AccountID  string
	StaffID    string
	ClientID   string
	PracticeID string
	Roles      []Role
	Scopes     []Scope // API tokens only
	// TokenID is the API token an integration acts with, put on the trail
	// so the integration is named where its reads are listed.
	TokenID string
}

// Has reports whether the actor holds any of roles.
func (a Actor) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the actor runs the practice.
func (a Actor) IsAdmin() bool { return a.Has(Owner, Admin) }

// IsClinician reports whether the actor cares for clients.
func (a Actor) IsClinician() bool { return a.Has(Prescriber, Therapist, Monitor) }

// SeesEveryClient reports whether the actor's client list and calendar
// show every client of the practice rather than their own care teams':
// administrators and the front desk, who book for everyone. What each
// record shows is still decided on its own.
func (a Actor) SeesEveryClient() bool { return a.Has(Owner, Admin, FrontDesk) }

// ReadsCharts reports whether any role the actor holds may open a chart
// (on a care team, or as an administrator). The front desk alone does
// not.
func (a Actor) ReadsCharts() bool { return a.IsAdmin() || a.IsClinician() }

// ID is the id the audit trail names the actor by.
func (a Actor) ID() string {
	switch a.Kind {
	case StaffActor, APIActor:
		return a.StaffID
	case ClientActor:
		return a.ClientID
	}
	return ""
}

// Action is something an actor may do. Names say the record and the verb.
type Action string

const (
	// A client's record (chart, intake, consents, sessions, scores).
	ClientList   Action = "client.list"
	ClientCreate Action = "client.create"
	ClientRead   Action = "client.read"
	ClientUpdate Action = "client.update"
	ClientInvite Action = "client.invite"
	// A client's contact details and demographics (names, pronouns, date
	// of birth, email, phone, address), their care team's names and their
	// upcoming appointments: what the front desk needs, and nothing of the
	// chart's clinical parts.
	ContactRead   Action = "client_contact.read"
	ContactUpdate Action = "client_contact.update"
	// Process notes: private to their author (HIPAA psychotherapy notes).
	ProcessNoteRead  Action = "process_note.read"
	ProcessNoteWrite Action = "process_note.write"
	// Emergency access to a chart outside the care team.
	BreakGlassStart Action = "break_glass.start"
	// Running the practice.
	CareTeamManage Action = "care_team.manage"
	StaffManage    Action = "staff.manage"
	SettingsManage Action = "settings.manage"
	AuditRead      Action = "audit.read"
	AuditExport    Action = "audit.export"
	DisclosureRead Action = "disclosure.read"
	APITokenManage Action = "api_token.manage"
	// Preparation: the inquiry queue, consent documents, the prescriber's
	// acknowledgement of screening findings and evaluation.
	InquiryManage Action = "inquiry.manage"
	// InquiryRead is reading the queue or one inquiry: the same people as
	// manage it, but an API token needs only the read scope.
	InquiryRead           Action = "inquiry.read"
	ConsentDocumentManage Action = "consent_document.manage"
	ScreeningAcknowledge  Action = "screening.acknowledge"
	EvaluationWrite       Action = "evaluation.write"
	// PreparationRecord: a therapist or prescriber records a preparation
	// session they held.
	PreparationRecord Action = "preparation.record"
	// The medicine phase. ScheduleRead: the practice calendar (client names
	// only for the viewer's own clients, which the query decides).
	// AppointmentManage: book, move or cancel an appointment for a client.
	// SessionRecordWrite: record into a live dosing-session record.
	// HoldOverride: a prescriber lifts a pre-dose hold, with a reason.
	// SessionRecordSign: sign and lock the record, or add an addendum.
	ScheduleRead       Action = "schedule.read"
	AppointmentManage  Action = "appointment.manage"
	SessionRecordWrite Action = "session_record.write"
	HoldOverride       Action = "session_record.override_hold"
	SessionRecordSign  Action = "session_record.sign"
	// Measurement and safety. SafetyAlertAcknowledge: a clinician records
	// the action taken on a safety alert. SafetyPlanWrite: build or revise a
	// client's safety plan with them. OutcomesRead: the practice's
	// aggregated outcomes dashboard.
	SafetyAlertAcknowledge Action = "safety_alert.acknowledge"
	SafetyPlanWrite        Action = "safety_plan.write"
	OutcomesRead           Action = "outcomes.read"
	// Clinical settings: the medicine-phase numbers (hold, alarms, vitals
	// schedule, discharge, fasting). ClinicalSettingsRead: the page and its
	// history. ClinicalSettingsChange: saving them, a prescriber's or a
	// named clinical lead's decision, not the practice administrator's.
	// DischargeExceptionSign: a prescriber's signed shorter discharge
	// observation for one client.
	ClinicalSettingsRead   Action = "clinical_settings.read"
	ClinicalSettingsChange Action = "clinical_settings.change"
	DischargeExceptionSign Action = "discharge_exception.sign"
	// One's own account: password, MFA, sessions.
	AccountSelf Action = "account.self"
	// The client portal, for the client's own record only.
	PortalUse Action = "portal.use"
	// DemoMailboxRead: the demo's mailbox, every email the demo practice
	// has queued, sign-in codes and invitation links included. The page
	// exists only in demo mode, where every person is invented.
	DemoMailboxRead Action = "demo_mailbox.read"
)

// Scope narrows what an API token may do.
type Scope string

const (
	ScopeClientsRead  Scope = "clients:read"
	ScopeClientsWrite Scope = "clients:write"
	ScopeAuditRead    Scope = "audit:read"
	// ScopeProcessNotes lets a token read and write the process notes of
	// the clinician who made it, and no one else's. It is its own scope so
	// that an integration given clients:write does not reach psychotherapy
	// notes by accident (45 CFR 164.508(a)(2)).
	ScopeProcessNotes Scope = "process_notes:own"
	// ScopeMetrics lets a monitoring system read /metrics; it reaches no
	// record.
	ScopeMetrics Scope = "metrics:read"
)

// Scopes lists every scope, for the token form.
var Scopes = []Scope{ScopeClientsRead, ScopeClientsWrite, ScopeAuditRead, ScopeProcessNotes, ScopeMetrics}

var scopeFor = map[Action]Scope{
	ClientList: ScopeClientsRead, ClientRead: ScopeClientsRead, DisclosureRead: ScopeClientsRead,
	ClientCreate: ScopeClientsWrite, ClientUpdate: ScopeClientsWrite, ClientInvite: ScopeClientsWrite,
	ContactRead: ScopeClientsRead, ContactUpdate: ScopeClientsWrite,
	InquiryManage: ScopeClientsWrite, InquiryRead: ScopeClientsRead, ScreeningAcknowledge: ScopeClientsWrite, EvaluationWrite: ScopeClientsWrite,
	PreparationRecord: ScopeClientsWrite,
	ScheduleRead:      ScopeClientsRead, OutcomesRead: ScopeClientsRead,
	AppointmentManage: ScopeClientsWrite, SessionRecordWrite: ScopeClientsWrite, HoldOverride: ScopeClientsWrite,
	SessionRecordSign: ScopeClientsWrite, SafetyAlertAcknowledge: ScopeClientsWrite, SafetyPlanWrite: ScopeClientsWrite,
	AuditRead: ScopeAuditRead, AuditExport: ScopeAuditRead,
	ClinicalSettingsRead: ScopeClientsRead, ClinicalSettingsChange: ScopeClientsWrite, DischargeExceptionSign: ScopeClientsWrite,
	ProcessNoteRead: ScopeProcessNotes, ProcessNoteWrite: ScopeProcessNotes,
}

// Record is what the action is done to, with the facts the decision needs,
// loaded by the caller in the same transaction.
type Record struct {
	Type       string
	ID         string
	PracticeID string
	// ClientID is the client the record belongs to ("" for practice-wide
	// records such as settings or the audit trail).
	ClientID string
	// OnCareTeam: the actor is on this client's care team.
	OnCareTeam bool
	// BreakGlass: the actor has an unexpired break-glass grant for this
	// client.
	BreakGlass bool
	// AuthorStaffID is who wrote the record, for process notes.
	AuthorStaffID string
	// ClinicalLead: the practice names the actor a clinical lead, who
	// changes clinical settings like a prescriber.
	ClinicalLead bool
}

// Decision is the answer, with a reason fit for the audit trail and, when
// denied, for the person.
type Decision struct {
	Allow  bool
	Reason string
	// ViaBreakGlass marks access granted only by break-glass, which the
	// trail flags and the owner is told of.
	ViaBreakGlass bool
}

func allow(reason string) Decision { return Decision{Allow: true, Reason: reason} }
func deny(reason string) Decision  { return Decision{Reason: reason} }

// Decide is the one place holdspace decides whether an actor may do an
// action to a record. Every handler asks it; none decides on its own.
func Decide(a Actor, act Action, r Record) Decision {
	if a.Kind == Anonymous || a.Kind == "" {
		return deny("not signed in")
	}
	if a.PracticeID == "" || r.PracticeID != a.PracticeID {
		// Also when the record's practice is unknown: never guess.
		return deny("the record belongs to another practice")
	}
	if a.Kind == APIActor {
		need, ok := scopeFor[act]
		if !ok {
			return deny("API tokens cannot do " + string(act))
		}
		if !slices.Contains(a.Scopes, need) {
			return deny("the API token lacks the " + string(need) + " scope")
		}
		// Then as the staff member the token acts for.
	}
	if a.Kind == ClientActor {
		return decideClient(a, act, r)
	}
	return decideStaff(a, act, r)
}

func decideClient(a Actor, act Action, r Record) Decision {
	switch act {
	case AccountSelf:
		return allow("own account")
	case PortalUse:
		if r.ClientID != "" && r.ClientID == a.ClientID {
			return allow("own record")
		}
		return deny("clients see only their own record")
	}
	return deny("clients cannot do " + string(act))
}

func decideStaff(a Actor, act Action, r Record) Decision {
	switch act {
	case AccountSelf:
		if a.Kind == APIActor {
			return deny("API tokens cannot change accounts")
		}
		return allow("own account")
	case StaffManage, SettingsManage, CareTeamManage, AuditRead, AuditExport, APITokenManage:
		if a.IsAdmin() {
			return allow("practice administrator")
		}
		return deny("only the practice's owner or administrators may do this")
	case ClientList:
		// Everyone on staff has a client list; which clients it shows is
		// the care-team filter of the query, and each chart is decided
		// on its own.
		if a.IsAdmin() || a.IsClinician() || a.Has(FrontDesk) {
			return allow("staff")
		}
		return deny("no staff role")
	case ClientCreate, InquiryManage, InquiryRead:
		if a.Has(Owner, Admin, Prescriber, Therapist, FrontDesk) {
			return allow("may take on clients")
		}
		return deny("monitors cannot take on clients")
	case ContactRead, ContactUpdate:
		// Whoever may open the chart may see what the front desk sees;
		// the front desk sees every client's, to call and to book.
		if r.ClientID == "" {
			return deny("no client named")
		}
		if a.Has(FrontDesk) {
			return allow("front desk")
		}
		return decideChart(a, ClientRead, r)
	case ConsentDocumentManage:
		if a.IsAdmin() {
			return allow("practice administrator")
		}
		return deny("only the practice's owner or administrators may publish consent documents")
	case PreparationRecord:
		if !a.Has(Therapist, Prescriber) {
			return deny("preparation sessions are recorded by the therapist or prescriber who held them")
		}
		if r.ClientID != "" && r.OnCareTeam {
			return allow("clinician on the client's care team")
		}
		return deny("not on the client's care team")
	case ScreeningAcknowledge, EvaluationWrite:
		// The prescriber's clinical judgement: a prescriber on the care
		// team, or one with emergency access.
		if !a.Has(Prescriber) {
			return deny("only a prescriber may do this")
		}
		if r.ClientID == "" {
			return deny("no client named")
		}
		if r.OnCareTeam {
			return allow("prescriber on the client's care team")
		}
		if r.BreakGlass && a.Kind != APIActor {
			d := allow("emergency access (break-glass)")
			d.ViaBreakGlass = true
			return d
		}
		return deny("not on the client's care team")
	case ScheduleRead:
		if a.IsAdmin() || a.IsClinician() || a.Has(FrontDesk) {
			return allow("staff")
		}
		return deny("no staff role")
	case OutcomesRead:
		if a.Has(Owner, Admin, Prescriber, Therapist) {
			return allow("practice outcomes, aggregated")
		}
		return deny("only the practice's administrators, prescribers and therapists see its outcomes")
	case AppointmentManage:
		// The front desk books for everyone; clinicians for their own clients.
		if a.IsAdmin() {
			return allow("practice administrator")
		}
		if a.Has(FrontDesk) {
			return allow("front desk")
		}
		if a.Has(Prescriber, Therapist) {
			return careTeamClinician(a, r)
		}
		return deny("monitors cannot book appointments")
	case SessionRecordWrite:
		// Everyone in the room records: monitors take vitals too.
		if !a.IsClinician() {
			return deny("only clinicians record into a dosing session")
		}
		return careTeamClinician(a, r)
	case SessionRecordSign, SafetyAlertAcknowledge, SafetyPlanWrite:
		if !a.Has(Prescriber, Therapist) {
			return deny("only a therapist or prescriber may do this")
		}
		return careTeamClinician(a, r)
	case ClinicalSettingsRead:
		if a.IsAdmin() || a.Has(Prescriber) || r.ClinicalLead {
			return allow("reads the clinical settings")
		}
		return deny("only the practice's administrators, prescribers and clinical leads see the clinical settings")
	case ClinicalSettingsChange:
		// The finding behind this: an owner who is not a prescriber set the
		// hold to 260/160. Running the practice is not clinical authority.
		if a.Has(Prescriber) {
			return allow("prescriber")
		}
		if r.ClinicalLead {
			return allow("clinical lead named by the practice")
		}
		return deny("only a prescriber or a clinical lead named by the practice may change clinical settings")
	case DischargeExceptionSign:
		if !a.Has(Prescriber) {
			return deny("only a prescriber may record a discharge exception")
		}
		return careTeamClinician(a, r)
	case HoldOverride:
		// KAP.md §1 Vitals: only the prescriber may dose through a hold.
		if !a.Has(Prescriber) {
			return deny("only a prescriber may override a pre-dose hold")
		}
		return careTeamClinician(a, r)
	case ClientInvite:
		// The invitation is an email to the address on file: contact
		// work, which the front desk does for every client.
		if a.Has(FrontDesk) && r.ClientID != "" {
			return allow("front desk")
		}
		return decideChart(a, act, r)
	case ClientRead, ClientUpdate, DisclosureRead:
		return decideChart(a, act, r)
	case ProcessNoteRead, ProcessNoteWrite:
		// Psychotherapy notes are the author's alone: not the care team,
		// not administrators, not break-glass (45 CFR 164.501, 164.508(a)(2)).
		if r.AuthorStaffID != "" && r.AuthorStaffID == a.StaffID && a.Has(Therapist, Prescriber) {
			return allow("author of the process note")
		}
		if act == ProcessNoteWrite && r.AuthorStaffID == "" && a.Has(Therapist, Prescriber) && (r.OnCareTeam || r.BreakGlass) {
			return allow("clinician on the care team writing a new process note")
		}
		return deny("process notes are private to the clinician who wrote them")
	case BreakGlassStart:
		if a.Kind == APIActor {
			return deny("API tokens cannot break the glass")
		}
		if !a.IsClinician() {
			return deny("only clinicians may use emergency access")
		}
		if r.OnCareTeam {
			return deny("already on the care team; emergency access is not needed")
		}
		return allow("clinician outside the care team, in an emergency")
	case PortalUse:
		return deny("the portal is for clients")
	case DemoMailboxRead:
		if a.Kind == APIActor {
			return deny("API tokens cannot read the demo's mailbox")
		}
		if a.IsAdmin() || a.IsClinician() {
			return allow("staff of the demo practice")
		}
		// The mailbox holds the care team's safety alerts and every
		// client's reminders: more than the front desk's work needs.
		return deny("only the demo's clinicians and administrators read its mailbox, which holds the care team's safety alerts")
	}
	return deny("unknown action " + string(act))
}

// careTeamClinician allows a clinician who holds the right role on the
// client's care team, or who has emergency access in the browser.
func careTeamClinician(a Actor, r Record) Decision {
	if r.ClientID == "" {
		return deny("no client named")
	}
	if r.OnCareTeam {
		return allow("clinician on the client's care team")
	}
	if r.BreakGlass && a.Kind != APIActor {
		return Decision{Allow: true, Reason: "emergency access (break-glass)", ViaBreakGlass: true}
	}
	return deny("not on the client's care team")
}

func decideChart(a Actor, act Action, r Record) Decision {
	if r.ClientID == "" {
		return deny("no client named")
	}
	if a.IsClinician() && r.OnCareTeam {
		return allow("on the client's care team")
	}
	if a.IsAdmin() {
		if act == ClientRead || act == ClientUpdate || act == ClientInvite || act == DisclosureRead {
			return allow("practice administrator")
		}
	}
	if a.IsClinician() && r.BreakGlass && a.Kind != APIActor {
		d := allow("emergency access (break-glass)")
		d.ViaBreakGlass = true
		return d
	}
	if a.IsClinician() {
		return deny("not on the client's care team")
	}
	if a.Has(FrontDesk) {
		// Least privilege: scheduling and contact work need none of the
		// chart's clinical parts (45 CFR 164.514(d)).
		return deny("the front desk sees a client's contact details and appointments, not the chart")
	}
	return deny("no role that may see client records")
}
