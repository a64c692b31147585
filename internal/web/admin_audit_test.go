package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// appendEntries writes entries to a practice's chain as the owner, for
// the trail's filters and pages.
func (s *adminSite) appendEntries(n int, action, reason string) {
	s.t.Helper()
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		for range n {
			if _, err := audit.Append(context.Background(), tx, audit.Entry{Chain: s.practice, At: s.svc.Now(), ActorKind: "staff",
				ActorID: s.ownerID, Action: action, RecordType: "test", Reason: reason, Address: "192.0.2.7"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		s.t.Fatal(err)
	}
}

func TestTheAuditTrailFiltersPagesAndExports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// 03:00 UTC on the 24th is 22:00 on the 23rd in New York: the
		// date filters must go by the practice's day.
		s := newAdminSite(t, db, time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC))
		therapistID := s.addStaff(s.practice, "Sam Okafor", "sam@example.org", access.Therapist)
		therapist := s.signIn("sam@example.org")
		res, _ := therapist.get("/admin/audit")
		wantStatus(t, res, http.StatusForbidden)
		owner := s.signIn("ana@example.org")
		s.appendEntries(1, "test.formula", `=HYPERLINK("http://evil.example","look"), then more`)

		res, body := owner.get("/admin/audit")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Sam Okafor", "Ana Ruiz")
		if !strings.Contains(body, `<tr class="denied">`) || !strings.Contains(body, "<code>sign_in.password</code>") {
			t.Error("the trail does not show the refusal and the sign-ins")
		}
		dumpPage(t, "audit", body)

		res, body = owner.get("/admin/audit?action=sign_in.password")
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(body, "<code>sign_in.password</code>") || strings.Contains(body, "<code>audit.read</code>") || strings.Contains(body, "<code>staff.add</code>") {
			t.Error("the action filter shows other actions")
		}
		res, body = owner.get("/admin/audit?outcome=denied")
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(body, `badge ok">Allowed`) || !strings.Contains(body, `badge danger">Denied`) {
			t.Error("the outcome filter shows allowed entries, or no denied one")
		}
		res, body = owner.get("/admin/audit?staff=" + therapistID)
		wantStatus(t, res, http.StatusOK)
		rows := strings.Count(body, "<tr") - 1 // less the header
		mine := strings.Count(body, `<a href="/admin/audit?staff=`+therapistID+`">Sam Okafor</a>`)
		if rows != 2 || mine != rows {
			t.Errorf("the staff filter shows %d entries, %d of them Sam's; want Sam's sign-in and refusal only", rows, mine)
		}
		for q, want := range map[string]bool{"to=2026-11-23": true, "from=2026-11-23&to=2026-11-23": true, "from=2026-11-24": false, "to=2026-11-22": false} {
			res, body = owner.get("/admin/audit?action=test.formula&" + q)
			wantStatus(t, res, http.StatusOK)
			if got := strings.Contains(body, "<code>test.formula</code>"); got != want {
				t.Errorf("dates %s: entry shown %v; want %v", q, got, want)
			}
		}
		res, body = owner.get("/admin/audit?from=2026-13-45&to=yesterday")
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give a date such as 2026-11-23.")
		pageHas(t, body, `value="2026-13-45"`)

		// Fifty to a page, and the next page goes on from there.
		s.appendEntries(60, "test.bulk", "")
		res, body = owner.get("/admin/audit?action=test.bulk")
		wantStatus(t, res, http.StatusOK)
		if n := strings.Count(body, "<code>test.bulk</code>"); n != 50 {
			t.Fatalf("%d entries on the first page; want 50", n)
		}
		older := regexp.MustCompile(`href="(/admin/audit\?[^"]*before=\d+[^"]*)">Older`).FindStringSubmatch(body)
		if older == nil {
			t.Fatal("no link to older entries")
		}
		res, body = owner.get(html.UnescapeString(older[1]))
		wantStatus(t, res, http.StatusOK)
		if n := strings.Count(body, "<code>test.bulk</code>"); n != 10 || strings.Contains(body, ">Older<") || !strings.Contains(body, ">Newest<") {
			t.Fatalf("second page: %d entries (want 10), with an Older link or without a Newest one", n)
		}

		// The CSV holds the same entries, safe to open in a spreadsheet.
		res, raw := owner.get("/admin/audit.csv?action=test.formula")
		wantStatus(t, res, http.StatusOK)
		if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(cd, "attachment;") {
			t.Fatalf("Content-Type %q, Content-Disposition %q", ct, cd)
		}
		recs, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0][0] != "seq" || recs[0][12] != "reason" {
			t.Fatalf("CSV: %d records, header %v; want a header and one entry", len(recs), recs[0])
		}
		if got, want := recs[1][12], `'=HYPERLINK("http://evil.example","look"), then more`; got != want {
			t.Fatalf("reason cell %q; want %q", got, want)
		}
		if recs[1][5] != "Ana Ruiz" || recs[1][6] != "test.formula" {
			t.Fatalf("CSV row: %v", recs[1])
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'audit.export' AND actor_id = ? AND outcome = 'allowed'`, s.ownerID); n != 1 {
			t.Fatalf("%d exports on the trail; want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'audit.read' AND actor_id = ? AND outcome = 'allowed'`, s.ownerID); n < 9 {
			t.Fatalf("%d readings of the trail on it; want one for each page opened", n)
		}
		rep, err := audit.Verify(context.Background(), db)
		if err != nil || len(rep.Breaks) != 0 {
			t.Fatalf("verify: %v %v", rep.Breaks, err)
		}
	})
}

func TestAnotherPracticeSeesOnlyItsOwnTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAdminSite(t, db, adminTime)
		s.signIn("ana@example.org").get("/admin/staff")
		_, boID := s.addPractice("Harbour Light", "harbour-light", "Bo Chen", "bo@example.org")
		bo := s.signIn("bo@example.org")
		res, body := bo.get("/admin/audit")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Bo Chen", boID)
		pageSaysNot(t, body, "Ana Ruiz", s.ownerID, "staff.manage")
		res, body = bo.get("/admin/audit?staff=" + s.ownerID)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "No entries match these filters.")
		res, raw := bo.get("/admin/audit.csv")
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(raw, s.ownerID) || strings.Contains(raw, "Ana Ruiz") || !strings.Contains(raw, "Bo Chen") {
			t.Fatal("the export crosses practices")
		}
		res, _ = bo.get("/admin/staff/" + s.ownerID)
		wantStatus(t, res, http.StatusNotFound)
		res, _ = bo.post("/admin/staff/"+s.ownerID, url.Values{"roles": {"therapist"}})
		wantStatus(t, res, http.StatusNotFound)
		res, body = bo.get("/admin/staff")
		wantStatus(t, res, http.StatusOK)
		pageSaysNot(t, body, "Ana Ruiz")
	})
}
