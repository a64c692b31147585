package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
)

// Each administration page draws its sample with a refused form and
// every optional part present; TestEveryTemplateExecutes can take the
// same samples.
func TestAdminPagesDrawTheirSamples(t *testing.T) {
	tmpl, err := ParseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	zone, _ := time.LoadLocation("America/New_York")
	for name, data := range adminSamples() {
		t.Run(name, func(t *testing.T) {
			form := NewForm(url.Values{"name": {"typed"}})
			form.Fail("roles", "Choose at least one role.")
			form.Fail("invite", "This person has already chosen a password.")
			rec := httptest.NewRecorder()
			p := &Page{Title: name, Zone: zone, Form: form, Data: data}
			if err := tmpl.Render(rec, 200, name, p); err != nil {
				t.Fatal(err)
			}
			if body := rec.Body.String(); strings.Contains(body, "ZgotmplZ") || !strings.Contains(body, `aria-current="page"`) {
				t.Error("an unsafe value was refused, or the administration tabs are missing")
			}
		})
	}
}

// adminSamples is sample data for the administration pages, for the test
// that executes every template.
func adminSamples() map[string]any {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	later := at.Add(7 * 24 * time.Hour)
	sam := staffMember{ID: "s1", Name: "Sam Okafor", Credentials: "LCSW", Email: "sam@example.org", Licence: "LCSW-NY-091734",
		NPI: "1487263905", Roles: []access.Role{access.Therapist}, HasAccount: true, CreatedAt: at, InviteUntil: &later}
	ana := staffMember{ID: "s2", Name: "Ana Ruiz", Email: "ana@example.org", Roles: []access.Role{access.Owner, access.Admin},
		HasAccount: true, HasPassword: true, MFA: "totp", CreatedAt: at}
	form := NewForm(nil)
	return map[string]any{
		"admin_staff":        staffListData{tabsFor("/admin/staff"), []staffMember{ana, sam, {ID: "s3", Name: "Lee Park", Disabled: true}}},
		"admin_staff_new":    staffNewData{tabsFor("/admin/staff/new"), roleChoices([]string{"therapist"})},
		"admin_staff_detail": staffDetail{tabsFor("/admin/staff/s1"), sam, roleChoices(sam.RoleValues()), true},
		"admin_settings":     settingsData{tabsFor("/admin/settings"), form.Select("client_mfa", "Second step for clients", clientMFAOptions...)},
		"admin_api_tokens": tokensData{adminTabs: tabsFor("/admin/api-tokens"), Scopes: scopeChoices(nil), NewToken: "hs_example", NewTokenName: "Billing",
			Tokens: []access.APIToken{{ID: "t1", Name: "Billing", Scopes: []access.Scope{access.ScopeClientsRead}, OwnerName: "Ana Ruiz", CreatedAt: at, LastUsedAt: &at},
				{ID: "t2", Name: "Old export", Scopes: []access.Scope{access.ScopeAuditRead}, OwnerName: "Ana Ruiz", CreatedAt: at, RevokedAt: &at}}},
		"admin_audit": auditData{adminTabs: tabsFor("/admin/audit"), Filtered: true, ClientName: "Alex Rivera", CSV: "/admin/audit.csv?outcome=denied",
			Older: "/admin/audit?before=2", Newest: "/admin/audit",
			Staff:   form.Select("staff", "Staff member", "", "Anyone", "s1", "Sam Okafor"),
			Action:  form.Select("action", "Action", "", "Any action", "client.read", "client.read"),
			Outcome: form.Select("outcome", "Outcome", "", "Allowed or denied", "allowed", "Allowed", "denied", "Denied"),
			Rows: []auditRow{
				{Seq: 3, At: at, ActorKind: "staff", ActorID: "s1", ActorName: "Sam Okafor", Action: "client.read", RecordType: "client", RecordID: "c1",
					ClientID: "c1", ClientName: "Alex Rivera", Outcome: "denied", Reason: "not on the client's care team", Address: "127.0.0.1", UA: "Firefox"},
				{Seq: 2, At: at, ActorKind: "system", Action: "practice.create", RecordType: "practice", RecordID: "p1", Outcome: "allowed"}}},
	}
}
