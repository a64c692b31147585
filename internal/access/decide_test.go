package access

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// The access rules of holdspace (KAP.md §6: HIPAA 45 CFR 164.312 access
// control and emergency access; psychotherapy notes 164.501/164.508):
// clinicians see clients on their care team, administrators see the
// practice's clients but not process notes they did not write, clients see
// only their own record, nobody crosses practices.
func TestDecide(t *testing.T) {
	const practice, other = "p1", "p2"
	staff := func(id string, roles ...Role) Actor {
		return Actor{Kind: StaffActor, AccountID: "a-" + id, StaffID: id, PracticeID: practice, Roles: roles}
	}
	owner := staff("owner", Owner, Admin)
	admin := staff("admin", Admin)
	prescriber := staff("rx", Prescriber)
	therapist := staff("th", Therapist)
	monitor := staff("mo", Monitor)
	desk := staff("fd", FrontDesk)
	client := Actor{Kind: ClientActor, AccountID: "a-c1", ClientID: "c1", PracticeID: practice}
	api := func(scopes ...Scope) Actor {
		a := staff("th", Therapist)
		a.Kind, a.Scopes = APIActor, scopes
		return a
	}
	deskAPI := func(scopes ...Scope) Actor {
		a := desk
		a.Kind, a.Scopes = APIActor, scopes
		return a
	}

	chart := Record{Type: "client", ID: "c1", PracticeID: practice, ClientID: "c1"}
	onTeam := chart
	onTeam.OnCareTeam = true
	glass := chart
	glass.BreakGlass = true
	foreign := Record{Type: "client", ID: "c9", PracticeID: other, ClientID: "c9", OnCareTeam: true}
	practiceWide := Record{Type: "practice", ID: practice, PracticeID: practice}
	noteByTherapist := Record{Type: "process_note", ID: "n1", PracticeID: practice, ClientID: "c1", OnCareTeam: true, AuthorStaffID: "th"}
	newNote := Record{Type: "process_note", PracticeID: practice, ClientID: "c1", OnCareTeam: true}
	ownPortal := Record{Type: "client", ID: "c1", PracticeID: practice, ClientID: "c1"}
	otherPortal := Record{Type: "client", ID: "c2", PracticeID: practice, ClientID: "c2"}

	cases := []struct {
		name  string
		actor Actor
		act   Action
		rec   Record
		allow bool
		glass bool
	}{
		{"anonymous reads nothing", Actor{}, ClientRead, onTeam, false, false},
		{"an owner who is no prescriber reads the clinical settings", owner, ClinicalSettingsRead, practiceWide, true, false},
		{"an owner who is no prescriber cannot change them", owner, ClinicalSettingsChange, practiceWide, false, false},
		{"a prescriber changes the clinical settings", prescriber, ClinicalSettingsChange, practiceWide, true, false},
		{"a clinical lead the practice names changes them", owner, ClinicalSettingsChange, Record{Type: "practice", PracticeID: practice, ClinicalLead: true}, true, false},
		{"a therapist neither reads nor changes them", therapist, ClinicalSettingsRead, practiceWide, false, false},
		{"a prescriber from another practice cannot change them", prescriber, ClinicalSettingsChange, Record{Type: "practice", PracticeID: other}, false, false},
		{"a prescriber on the care team signs a discharge exception", prescriber, DischargeExceptionSign, onTeam, true, false},
		{"a therapist cannot", therapist, DischargeExceptionSign, onTeam, false, false},
		{"an owner cannot", owner, DischargeExceptionSign, onTeam, false, false},
		{"therapist on the care team reads the chart", therapist, ClientRead, onTeam, true, false},
		{"therapist off the care team is refused", therapist, ClientRead, chart, false, false},
		{"prescriber on the care team updates the chart", prescriber, ClientUpdate, onTeam, true, false},
		{"monitor on the care team reads the chart", monitor, ClientRead, onTeam, true, false},
		{"monitor off the care team is refused", monitor, ClientRead, chart, false, false},
		{"admin reads any chart of the practice", admin, ClientRead, chart, true, false},
		{"owner reads any chart of the practice", owner, ClientRead, chart, true, false},
		{"nobody reads another practice's chart, even on its care team", therapist, ClientRead, foreign, false, false},
		{"owner cannot read another practice's chart", owner, ClientRead, foreign, false, false},
		{"break-glass lets a clinician in, flagged", therapist, ClientRead, glass, true, true},
		{"break-glass cannot cross practices", therapist, ClientRead, Record{PracticeID: other, ClientID: "c9", BreakGlass: true}, false, false},
		{"clinician off the team may start break-glass", prescriber, BreakGlassStart, chart, true, false},
		{"clinician on the team needs no break-glass", prescriber, BreakGlassStart, onTeam, false, false},
		{"admin without a clinical role cannot break glass", admin, BreakGlassStart, chart, false, false},
		{"author reads own process note", therapist, ProcessNoteRead, noteByTherapist, true, false},
		{"care-team prescriber cannot read a therapist's process note", prescriber, ProcessNoteRead, Record{PracticeID: practice, ClientID: "c1", OnCareTeam: true, AuthorStaffID: "th"}, false, false},
		{"owner cannot read a process note written by another", owner, ProcessNoteRead, noteByTherapist, false, false},
		{"break-glass does not open process notes", prescriber, ProcessNoteRead, Record{PracticeID: practice, ClientID: "c1", BreakGlass: true, AuthorStaffID: "th"}, false, false},
		{"care-team therapist writes a new process note", therapist, ProcessNoteWrite, newNote, true, false},
		{"monitor cannot write process notes", monitor, ProcessNoteWrite, newNote, false, false},
		{"admin manages staff", admin, StaffManage, practiceWide, true, false},
		{"therapist cannot manage staff", therapist, StaffManage, practiceWide, false, false},
		{"prescriber cannot read the audit trail", prescriber, AuditRead, practiceWide, false, false},
		{"owner reads the audit trail", owner, AuditRead, practiceWide, true, false},
		{"owner cannot read another practice's audit trail", owner, AuditRead, Record{PracticeID: other}, false, false},
		{"monitor cannot add clients", monitor, ClientCreate, practiceWide, false, false},
		{"therapist adds clients", therapist, ClientCreate, practiceWide, true, false},
		{"client uses the portal for own record", client, PortalUse, ownPortal, true, false},
		{"client cannot open another client's record", client, PortalUse, otherPortal, false, false},
		{"client cannot use staff chart actions", client, ClientRead, ownPortal, false, false},
		{"staff do not use the portal", therapist, PortalUse, ownPortal, false, false},
		// The medicine phase and safety (KAP.md §1 Vitals: only the prescriber overrides a hold).
		{"any staff sees the calendar", monitor, ScheduleRead, practiceWide, true, false},
		{"a client has no staff calendar", client, ScheduleRead, ownPortal, false, false},
		{"the front desk books for any client", admin, AppointmentManage, chart, true, false},
		{"a therapist books for a client on the team", therapist, AppointmentManage, onTeam, true, false},
		{"a therapist off the team cannot book", therapist, AppointmentManage, chart, false, false},
		{"a monitor cannot book", monitor, AppointmentManage, onTeam, false, false},
		{"a monitor on the team records vitals", monitor, SessionRecordWrite, onTeam, true, false},
		{"an administrator does not record in the room", admin, SessionRecordWrite, chart, false, false},
		{"a clinician off the team records only through break-glass", therapist, SessionRecordWrite, glass, true, true},
		{"a prescriber on the team overrides a hold", prescriber, HoldOverride, onTeam, true, false},
		{"a therapist cannot override a hold", therapist, HoldOverride, onTeam, false, false},
		{"a monitor cannot sign the record", monitor, SessionRecordSign, onTeam, false, false},
		{"a therapist on the team signs the record", therapist, SessionRecordSign, onTeam, true, false},
		{"a therapist on the team acknowledges a safety alert", therapist, SafetyAlertAcknowledge, onTeam, true, false},
		{"a monitor cannot acknowledge a safety alert", monitor, SafetyAlertAcknowledge, onTeam, false, false},
		{"an administrator cannot write a safety plan", admin, SafetyPlanWrite, chart, false, false},
		{"a monitor does not see practice outcomes", monitor, OutcomesRead, practiceWide, false, false},
		{"a therapist sees practice outcomes", therapist, OutcomesRead, practiceWide, true, false},
		{"a monitor reads the demo's mailbox", monitor, DemoMailboxRead, practiceWide, true, false},
		{"an owner reads the demo's mailbox", owner, DemoMailboxRead, practiceWide, true, false},
		{"a client does not read the demo's mailbox", client, DemoMailboxRead, practiceWide, false, false},
		{"an API token does not read the demo's mailbox", api(Scopes...), DemoMailboxRead, practiceWide, false, false},
		{"an API token records with clients:write", api(ScopeClientsWrite), SessionRecordWrite, onTeam, true, false},
		{"an API token cannot break the glass into a session record", api(ScopeClientsWrite), SessionRecordWrite, glass, false, false},
		{"an API token with clients:write cannot read process notes", api(ScopeClientsWrite), ProcessNoteRead, noteByTherapist, false, false},
		{"an API token with process_notes:own reads its maker's own note", api(ScopeProcessNotes), ProcessNoteRead, noteByTherapist, true, false},
		{"an API token with process_notes:own cannot read another's note", api(ScopeProcessNotes), ProcessNoteRead, Record{Type: "process_note", PracticeID: practice, ClientID: "c1", OnCareTeam: true, AuthorStaffID: "rx"}, false, false},
		{"API token with clients:read reads a care-team chart", api(ScopeClientsRead), ClientRead, onTeam, true, false},
		{"API token without the scope is refused", api(ScopeAuditRead), ClientRead, onTeam, false, false},
		{"API token cannot write with a read scope", api(ScopeClientsRead), ClientUpdate, onTeam, false, false},
		{"API token keeps its account's care-team limit", api(ScopeClientsRead), ClientRead, chart, false, false},
		{"API token cannot use break-glass grants", api(ScopeClientsRead), ClientRead, glass, false, false},
		{"API token cannot manage staff", api(ScopeClientsRead, ScopeClientsWrite, ScopeAuditRead), StaffManage, practiceWide, false, false},
		{"therapist works the inquiry queue", therapist, InquiryManage, practiceWide, true, false},
		{"monitor does not work the inquiry queue", monitor, InquiryManage, practiceWide, false, false},
		{"admin publishes consent documents", admin, ConsentDocumentManage, practiceWide, true, false},
		{"therapist cannot publish consent documents", therapist, ConsentDocumentManage, practiceWide, false, false},
		{"prescriber on the team acknowledges screening findings", prescriber, ScreeningAcknowledge, onTeam, true, false},
		{"prescriber off the team cannot", prescriber, ScreeningAcknowledge, chart, false, false},
		{"therapist on the team cannot acknowledge findings", therapist, ScreeningAcknowledge, onTeam, false, false},
		{"owner without prescribing cannot sign an evaluation", owner, EvaluationWrite, onTeam, false, false},
		{"prescriber on the team signs the evaluation", prescriber, EvaluationWrite, onTeam, true, false},
		{"prescriber with break-glass may evaluate, flagged", prescriber, EvaluationWrite, glass, true, true},
		{"care-team therapist records a preparation session", therapist, PreparationRecord, onTeam, true, false},
		{"monitor does not record preparation sessions", monitor, PreparationRecord, onTeam, false, false},
		{"therapist off the team does not record one", therapist, PreparationRecord, chart, false, false},
		// The front desk: scheduling, inquiries and contact details for
		// every client, nothing clinical. Least privilege (45 CFR
		// 164.308(a)(4), 164.312(a)(1)) and the minimum necessary
		// (164.502(b), 164.514(d)): a receptionist's work needs a client's
		// name, phone and appointments, not their chart.
		{"the front desk lists every client, to call and book", desk, ClientList, practiceWide, true, false},
		{"the front desk reads a client's contact details", desk, ContactRead, chart, true, false},
		{"the front desk corrects a client's contact details", desk, ContactUpdate, chart, true, false},
		{"contact details belong to a named client", desk, ContactRead, practiceWide, false, false},
		{"the front desk never reads another practice's contacts", desk, ContactRead, foreign, false, false},
		{"the front desk adds a client", desk, ClientCreate, practiceWide, true, false},
		{"the front desk sends a portal invitation", desk, ClientInvite, chart, true, false},
		{"the front desk works the inquiry queue", desk, InquiryManage, practiceWide, true, false},
		{"the front desk reads the inquiry queue", desk, InquiryRead, practiceWide, true, false},
		{"the front desk reads the calendar", desk, ScheduleRead, practiceWide, true, false},
		{"the front desk books for any client", desk, AppointmentManage, chart, true, false},
		{"the front desk keeps its own account", desk, AccountSelf, practiceWide, true, false},
		{"minimum necessary: the front desk does not open the chart", desk, ClientRead, chart, false, false},
		{"minimum necessary: nor change the chart", desk, ClientUpdate, chart, false, false},
		{"minimum necessary: nor read who opened it", desk, DisclosureRead, chart, false, false},
		{"psychotherapy notes: never the front desk", desk, ProcessNoteRead, Record{PracticeID: practice, ClientID: "c1", AuthorStaffID: "fd"}, false, false},
		{"psychotherapy notes: the front desk writes none", desk, ProcessNoteWrite, newNote, false, false},
		{"the front desk records nothing in the room", desk, SessionRecordWrite, chart, false, false},
		{"the front desk signs no session record", desk, SessionRecordSign, chart, false, false},
		{"the front desk overrides no hold", desk, HoldOverride, chart, false, false},
		{"the front desk acknowledges no safety alert", desk, SafetyAlertAcknowledge, chart, false, false},
		{"the front desk writes no safety plan", desk, SafetyPlanWrite, chart, false, false},
		{"the front desk acknowledges no screening", desk, ScreeningAcknowledge, chart, false, false},
		{"the front desk writes no evaluation", desk, EvaluationWrite, chart, false, false},
		{"the front desk records no preparation session", desk, PreparationRecord, chart, false, false},
		{"the front desk signs no discharge exception", desk, DischargeExceptionSign, chart, false, false},
		{"the front desk sees no practice outcomes", desk, OutcomesRead, practiceWide, false, false},
		{"the front desk reads no clinical settings", desk, ClinicalSettingsRead, practiceWide, false, false},
		{"the front desk changes no clinical settings", desk, ClinicalSettingsChange, practiceWide, false, false},
		{"the front desk publishes no consent documents", desk, ConsentDocumentManage, practiceWide, false, false},
		{"the front desk manages no care team", desk, CareTeamManage, practiceWide, false, false},
		{"the front desk manages no staff", desk, StaffManage, practiceWide, false, false},
		{"the front desk changes no settings", desk, SettingsManage, practiceWide, false, false},
		{"the front desk reads no audit trail", desk, AuditRead, practiceWide, false, false},
		{"the front desk exports no audit trail", desk, AuditExport, practiceWide, false, false},
		{"the front desk manages no API tokens", desk, APITokenManage, practiceWide, false, false},
		{"emergency access is a clinician's, not the front desk's", desk, BreakGlassStart, chart, false, false},
		{"a break-glass grant opens nothing for the front desk", desk, ClientRead, glass, false, false},
		{"the front desk does not use the portal", desk, PortalUse, ownPortal, false, false},
		{"the front desk does not read the demo's mailbox of alerts", desk, DemoMailboxRead, practiceWide, false, false},
		{"an administrator reads contact details too", admin, ContactRead, chart, true, false},
		{"a therapist on the team reads contact details", therapist, ContactRead, onTeam, true, false},
		{"a therapist off the team does not", therapist, ContactRead, chart, false, false},
		{"a therapist off the team does not correct them", therapist, ContactUpdate, chart, false, false},
		{"a client reads no staff contact view", client, ContactRead, ownPortal, false, false},
		{"a front-desk token reads contacts with clients:read", deskAPI(ScopeClientsRead), ContactRead, chart, true, false},
		{"a front-desk token needs clients:write to correct them", deskAPI(ScopeClientsRead), ContactUpdate, chart, false, false},
		{"a front-desk token books with clients:write", deskAPI(ScopeClientsWrite), AppointmentManage, chart, true, false},
		{"a front-desk token with every scope still cannot read the chart", deskAPI(Scopes...), ClientRead, chart, false, false},
		{"a front-desk token with every scope reads no audit trail", deskAPI(Scopes...), AuditRead, practiceWide, false, false},
		{"a front-desk token with every scope reads no process note", deskAPI(Scopes...), ProcessNoteRead, Record{PracticeID: practice, ClientID: "c1", AuthorStaffID: "fd"}, false, false},
		{"unknown action is refused", owner, Action("everything"), practiceWide, false, false},
		{"a record of unknown practice is refused", owner, ClientRead, Record{ClientID: "c1"}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.actor, tc.act, tc.rec)
			if d.Allow != tc.allow || d.ViaBreakGlass != tc.glass {
				t.Fatalf("Decide = %+v; want allow=%v breakglass=%v", d, tc.allow, tc.glass)
			}
			if d.Reason == "" {
				t.Fatal("a decision needs a reason for the audit trail")
			}
		})
	}
}

// TestEveryActionIsDecidedForTheFrontDesk: every action holdspace knows
// (read from this package's source, so a new one cannot be missed) says
// here, deliberately, whether the front desk may do it, and Decide agrees.
// The yes list is the minimum the front desk's work needs.
func TestEveryActionIsDecidedForTheFrontDesk(t *testing.T) {
	frontDesk := map[Action]bool{
		ClientList: true, ClientCreate: true, ClientInvite: true, ContactRead: true, ContactUpdate: true,
		InquiryManage: true, InquiryRead: true, ScheduleRead: true, AppointmentManage: true, AccountSelf: true,
		ClientRead: false, ClientUpdate: false, DisclosureRead: false, ProcessNoteRead: false, ProcessNoteWrite: false,
		BreakGlassStart: false, CareTeamManage: false, StaffManage: false, SettingsManage: false, AuditRead: false,
		AuditExport: false, APITokenManage: false, ConsentDocumentManage: false, ScreeningAcknowledge: false,
		EvaluationWrite: false, PreparationRecord: false, SessionRecordWrite: false, HoldOverride: false,
		SessionRecordSign: false, SafetyAlertAcknowledge: false, SafetyPlanWrite: false, OutcomesRead: false,
		ClinicalSettingsRead: false, ClinicalSettingsChange: false, DischargeExceptionSign: false, PortalUse: false,
		DemoMailboxRead: false,
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "decide.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var all []Action
	ast.Inspect(f, func(n ast.Node) bool {
		v, ok := n.(*ast.ValueSpec)
		if !ok || v.Type == nil || fmt.Sprint(v.Type) != "Action" {
			return true
		}
		for _, val := range v.Values {
			if lit, ok := val.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				all = append(all, Action(s))
			}
		}
		return true
	})
	if len(all) < len(frontDesk) {
		t.Fatalf("read %d actions from decide.go; the table has %d", len(all), len(frontDesk))
	}
	desk := Actor{Kind: StaffActor, StaffID: "fd", PracticeID: "p1", Roles: []Role{FrontDesk}}
	rec := Record{Type: "client", ID: "c1", PracticeID: "p1", ClientID: "c1"}
	for _, act := range all {
		want, ok := frontDesk[act]
		if !ok {
			t.Errorf("action %s: say whether the front desk may do it", act)
			continue
		}
		if got := Decide(desk, act, rec).Allow; got != want {
			t.Errorf("front desk %s: allow=%v; want %v", act, got, want)
		}
	}
}
