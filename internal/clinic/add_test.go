package clinic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// addPractice is a practice with an owner, a therapist, a prescriber, a
// monitor, and a therapist of another practice.
type addPractice struct {
	db                                    *store.DB
	door                                  *clinic.Door
	id, owner, ther, pres, mon, otherTher string
	asOwner, asMonitor                    access.Actor
}

func newAddPractice(t *testing.T, db *store.DB, now time.Time) *addPractice {
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	svc := &access.Service{DB: db, Keys: ring, Now: func() time.Time { return now }, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	p := &addPractice{db: db, door: &clinic.Door{Access: svc, Now: svc.Now}, id: store.NewID()}
	other := store.NewID()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, id := range []string{p.id, other} {
		exec(`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, id, "p"+id[:8]+id[len(id)-4:], "Practice", "America/New_York", now)
	}
	staff := func(practice, name, role string) string {
		id := store.NewID()
		exec(`INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`, id, practice, strings.ToLower(name)+"@"+practice[:8]+".test", name, now)
		exec(`INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, id, role)
		return id
	}
	p.owner, p.ther, p.pres, p.mon = staff(p.id, "Olive", "owner"), staff(p.id, "Theo", "therapist"), staff(p.id, "Priya", "prescriber"), staff(p.id, "Mona", "monitor")
	p.otherTher = staff(other, "Otto", "therapist")
	p.asOwner = access.Actor{Kind: access.StaffActor, StaffID: p.owner, PracticeID: p.id, Roles: []access.Role{access.Owner}}
	p.asMonitor = access.Actor{Kind: access.StaffActor, StaffID: p.mon, PracticeID: p.id, Roles: []access.Role{access.Monitor}}
	return p
}

func (p *addPractice) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := p.db.Read(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func problemFields(err error) map[string]string {
	out := map[string]string{}
	if f := fault.Of(err); f != nil {
		for _, fl := range f.Fields {
			out[fl.Name] = fl.Message
		}
	}
	return out
}

func TestAddingAClientDirectlyWritesTheClientCareTeamAndInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		p := newAddPractice(t, db, now)
		in := clinic.NewClient{LegalName: " Harriet  Osei ", PreferredName: "Hattie", DateOfBirth: "1985-02-14", Email: "Harriet@Example.net",
			Phone: "+1 555 010 1234", TherapistID: p.ther, PrescriberID: p.pres, MonitorID: p.mon, Invite: true}
		id, err := p.door.Add(ctx, p.asOwner, in)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := p.door.Client(ctx, p.asOwner, id)
		if err != nil || rec.Client.Email != "harriet@example.net" || rec.Client.TimeZone != "America/New_York" || len(rec.CareTeam) != 3 || rec.Client.Portal != clinic.PortalInvited {
			t.Fatalf("%+v %v", rec, err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM outbox WHERE to_addr = ?`, "harriet@example.net"); n != 1 {
			t.Errorf("%d invitations queued; want 1", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'client.create' AND record_id = ? AND reason = 'added directly'`, id); n != 1 {
			t.Errorf("%d client.create entries; want 1", n)
		}
		// No course is open: the client is in preparation.
		if n := p.count(t, `SELECT COUNT(*) FROM course WHERE client_id = ?`, id); n != 0 {
			t.Errorf("%d courses; a new client starts in preparation", n)
		}

		// Without an invitation the email may be left out.
		id2, err := p.door.Add(ctx, p.asOwner, clinic.NewClient{LegalName: "Ivo Brandt", TherapistID: p.ther, PrescriberID: p.pres})
		if err != nil {
			t.Fatal(err)
		}
		if rec, _ := p.door.Client(ctx, p.asOwner, id2); rec.Client.Portal != clinic.PortalNone {
			t.Errorf("portal %s; want none without an invitation", rec.Client.Portal)
		}
	})
}

func TestAddingAClientWarnsOfDuplicatesUntilConfirmed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		p := newAddPractice(t, db, now)
		first, err := p.door.Add(ctx, p.asOwner, clinic.NewClient{LegalName: "Harriet Osei", DateOfBirth: "1985-02-14", Email: "harriet@example.net",
			TherapistID: p.ther, PrescriberID: p.pres})
		if err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]clinic.NewClient{
			"same name and date of birth": {LegalName: "harriet   OSEI", DateOfBirth: "1985-02-14", TherapistID: p.ther, PrescriberID: p.pres},
			"same email":                  {LegalName: "H. Osei", Email: "HARRIET@example.net", TherapistID: p.ther, PrescriberID: p.pres},
		} {
			_, err := p.door.Add(ctx, p.asOwner, in)
			var dup *clinic.Duplicate
			if !errors.As(err, &dup) || len(dup.Matches) != 1 || dup.Matches[0].ID != first || fault.Of(err).Code != fault.Conflict {
				t.Fatalf("%s: %v; want a duplicate naming the first client", name, err)
			}
			in.ConfirmDuplicate = true
			if _, err := p.door.Add(ctx, p.asOwner, in); err != nil {
				t.Fatalf("%s confirmed: %v", name, err)
			}
		}
		// The same name with another date of birth is another person.
		if _, err := p.door.Add(ctx, p.asOwner, clinic.NewClient{LegalName: "Harriet Osei", DateOfBirth: "1990-01-01", TherapistID: p.ther, PrescriberID: p.pres}); err != nil {
			t.Fatalf("another date of birth: %v", err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client WHERE practice_id = ?`, p.id); n != 4 {
			t.Errorf("%d clients; want 4", n)
		}
	})
}

func TestAddingAClientKeepsTheRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		p := newAddPractice(t, db, now)
		ok := clinic.NewClient{LegalName: "Harriet Osei", DateOfBirth: "1985-02-14", Email: "harriet@example.net", TherapistID: p.ther, PrescriberID: p.pres, Invite: true}
		for name, c := range map[string]struct {
			change func(*clinic.NewClient)
			field  string
		}{
			"no legal name":                        {func(c *clinic.NewClient) { c.LegalName = "" }, "legal_name"},
			"a date in another format":             {func(c *clinic.NewClient) { c.DateOfBirth = "02/14/1985" }, "date_of_birth"},
			"born tomorrow in the practice's zone": {func(c *clinic.NewClient) { c.DateOfBirth = "2026-12-08" }, "date_of_birth"},
			"no email with an invitation":          {func(c *clinic.NewClient) { c.Email = "" }, "email"},
			"a bad email":                          {func(c *clinic.NewClient) { c.Email = "harriet@"; c.Invite = false }, "email"},
			"a bad phone":                          {func(c *clinic.NewClient) { c.Phone = "12" }, "phone"},
			"a prescriber as therapist":            {func(c *clinic.NewClient) { c.TherapistID = p.pres }, "therapist_id"},
			"another practice's therapist":         {func(c *clinic.NewClient) { c.TherapistID = p.otherTher }, "therapist_id"},
			"no prescriber":                        {func(c *clinic.NewClient) { c.PrescriberID = "" }, "prescriber_id"},
			"a therapist as monitor":               {func(c *clinic.NewClient) { c.MonitorID = p.ther }, "monitor_id"},
		} {
			in := ok
			c.change(&in)
			_, err := p.door.Add(ctx, p.asOwner, in)
			if got := problemFields(err); len(got) != 1 || got[c.field] == "" {
				t.Errorf("%s: %v; want one problem on %s", name, got, c.field)
			}
		}
		// A monitor may not take on clients, and the refusal is on the trail.
		var denied *access.Denied
		if _, err := p.door.Add(ctx, p.asMonitor, ok); !errors.As(err, &denied) {
			t.Fatalf("a monitor: %v", err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = 'client.create' AND outcome = 'denied'`, p.mon); n != 1 {
			t.Errorf("%d refusals on the trail", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client WHERE practice_id = ?`, p.id); n != 0 {
			t.Errorf("%d clients written by refused adds", n)
		}
	})
}

// clientsCSV is a file of n clients with the template's headings.
func clientsCSV(n int) string {
	var b strings.Builder
	b.WriteString("Legal Name,DOB,E-mail,Phone\n")
	for i := range n {
		fmt.Fprintf(&b, "Client %03d,19%02d-0%d-1%d,client%03d@example.net,+1 555 010 %04d\n", i, 50+i%40, 1+i%9, i%10, i, i)
	}
	return b.String()
}

func TestImportingAFileIsAllOrNothingAndOneEventOnTheTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		p := newAddPractice(t, db, now)
		existing, err := p.door.Add(ctx, p.asOwner, clinic.NewClient{LegalName: "Harriet Osei", DateOfBirth: "1985-02-14", Email: "harriet@example.net",
			TherapistID: p.ther, PrescriberID: p.pres})
		if err != nil {
			t.Fatal(err)
		}
		file := clientsCSV(20)
		// Each kind of faulty row, each named on its line.
		faulty := "\uFEFF" + file +
			"Client 900,14/02/1985,c900@example.net,\n" + // line 22: a date in another format
			"Client 901,1985-02-14,not-an-email,\n" + // line 23: a bad email
			"Client 000,1950-01-10,c902@example.net,\n" + // line 24: same name and birth as line 2
			"harriet osei,1985-02-14,c903@example.net,\n" + // line 25: already in the practice
			",1980-01-01,c904@example.net,\n" + // line 26: no name
			"Client 905,1980-01-01\n" // line 27: too few cells
		id, err := p.door.StageImport(ctx, p.asOwner, "clients.csv", []byte(faulty))
		if err != nil {
			t.Fatal(err)
		}
		im, err := p.door.Import(ctx, p.asOwner, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"legal_name", "date_of_birth", "email", "phone"}; strings.Join(im.Mapping, ",") != strings.Join(want, ",") {
			t.Fatalf("guessed %v; want %v", im.Mapping, want)
		}
		if len(im.MappingProbs) != 0 {
			t.Fatalf("%v", im.MappingProbs)
		}
		// No care team chosen yet: every row says so.
		if err := p.door.MapImport(ctx, p.asOwner, id, im.Mapping, p.ther, p.pres); err != nil {
			t.Fatal(err)
		}
		im, _ = p.door.Import(ctx, p.asOwner, id)
		got := map[int]string{}
		for _, pr := range im.Problems {
			got[pr.Row] += pr.Field + ":" + pr.Message + " "
		}
		want := map[int]string{22: "year-month-day", 23: "not an email", 24: "line 2", 25: "already in the practice", 26: "legal_name", 27: "cells"}
		for row, w := range want {
			if !strings.Contains(got[row], w) {
				t.Errorf("line %d: %q; want %q", row, got[row], w)
			}
		}
		if len(got) != len(want) || im.Ready() {
			t.Errorf("problems on %v; want only %v", got, want)
		}
		for _, pr := range im.Problems {
			if pr.Row == 25 && pr.ClientID != existing {
				t.Errorf("the duplicate names %q; want the existing client", pr.ClientID)
			}
		}
		// Importing refuses the whole file and writes nothing.
		_, err = p.door.RunImport(ctx, p.asOwner, id)
		var refused *clinic.ImportRefused
		if !errors.As(err, &refused) || len(refused.Problems) != len(im.Problems) || fault.Of(err).Code != fault.Invalid {
			t.Fatalf("%v", err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client WHERE practice_id = ?`, p.id); n != 1 {
			t.Fatalf("%d clients after a refused import; want the 1 there before", n)
		}

		// The corrected file goes in whole, as one event with its counts.
		id, err = p.door.StageImport(ctx, p.asOwner, "clients-fixed.csv", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		im, _ = p.door.Import(ctx, p.asOwner, id)
		if err := p.door.MapImport(ctx, p.asOwner, id, im.Mapping, p.ther, p.pres); err != nil {
			t.Fatal(err)
		}
		im, err = p.door.RunImport(ctx, p.asOwner, id)
		if err != nil || im.Imported != 20 || im.ImportedAt == nil {
			t.Fatalf("%+v %v", im, err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client WHERE practice_id = ?`, p.id); n != 21 {
			t.Errorf("%d clients; want 21", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM care_team ct JOIN client c ON c.id = ct.client_id WHERE c.practice_id = ?`, p.id); n != 42 {
			t.Errorf("%d care-team places; want 42", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'client.import' AND record_id = ? AND reason = '20 clients imported with 40 care-team places, from 20 rows'`, id); n != 1 {
			t.Errorf("%d import events with the counts; want 1", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'client.create' AND record_id IN (SELECT id FROM client WHERE legal_name LIKE 'Client %')`); n != 0 {
			t.Errorf("%d client.create entries from the import; want the one import event", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Errorf("%d emails; an import invites no one", n)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client_import WHERE id = ? AND LENGTH(content) = 0`, id); n != 1 {
			t.Errorf("the imported file's contents are kept")
		}
		if _, err := p.door.RunImport(ctx, p.asOwner, id); fault.Of(err) == nil || fault.Of(err).Code != fault.Conflict {
			t.Errorf("a second run: %v", err)
		}
		// A monitor may not import; another practice's import is not found.
		if _, err := p.door.StageImport(ctx, p.asMonitor, "x.csv", []byte(file)); !errors.As(err, new(*access.Denied)) {
			t.Errorf("a monitor: %v", err)
		}
		otherOwner := access.Actor{Kind: access.StaffActor, StaffID: p.otherTher, PracticeID: "other", Roles: []access.Role{access.Owner}}
		if _, err := p.door.Import(ctx, otherOwner, id); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Errorf("another practice: %v", err)
		}
	})
}

func TestAnImportNeedsANameColumnAndACareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
		p := newAddPractice(t, db, now)
		id, err := p.door.StageImport(ctx, p.asOwner, "c.csv", []byte("First Name,Surname,Birthday,Therapist\nAda,Lovelace,1980-12-10,theo@"+p.id[:8]+".test\n"))
		if err != nil {
			t.Fatal(err)
		}
		im, _ := p.door.Import(ctx, p.asOwner, id)
		if strings.Join(im.Mapping, ",") != "first_name,last_name,date_of_birth,therapist_email" {
			t.Fatalf("guessed %v", im.Mapping)
		}
		if len(im.Problems) != 1 || im.Problems[0].Field != "prescriber_id" {
			t.Fatalf("%+v; want the missing prescriber only (the therapist is named by email)", im.Problems)
		}
		// Leaving the name out of the mapping is a missing required column.
		if err := p.door.MapImport(ctx, p.asOwner, id, []string{"", "", "date_of_birth", "therapist_email"}, "", p.pres); err != nil {
			t.Fatal(err)
		}
		im, _ = p.door.Import(ctx, p.asOwner, id)
		if len(im.MappingProbs) != 1 || !strings.Contains(im.MappingProbs[0].Message, "legal names") {
			t.Fatalf("%v", im.MappingProbs)
		}
		if _, err := p.door.RunImport(ctx, p.asOwner, id); problemFields(err)["mapping"] == "" {
			t.Fatalf("%v", err)
		}
		p.door.MapImport(ctx, p.asOwner, id, []string{"first_name", "last_name", "date_of_birth", "therapist_email"}, "", p.pres)
		if im, err := p.door.RunImport(ctx, p.asOwner, id); err != nil || im.Imported != 1 {
			t.Fatalf("%+v %v", im, err)
		}
		if n := p.count(t, `SELECT COUNT(*) FROM client c JOIN care_team ct ON ct.client_id = c.id WHERE c.legal_name = 'Ada Lovelace' AND ct.staff_id = ?`, p.ther); n != 1 {
			t.Errorf("the therapist named by email is not on the care team")
		}
	})
}

func TestAFileThatCannotBeReadIsRefusedWhole(t *testing.T) {
	for name, c := range map[string]struct {
		content []byte
		want    string
	}{
		"Windows-1252":   {[]byte("legal_name,email\nJos\xe9 Garc\xeda,j@example.net\n"), "line 2 has characters in another encoding"},
		"UTF-16":         {[]byte("\xff\xfel\x00e\x00"), "UTF-16"},
		"over the bound": {[]byte(strings.Repeat("a", clinic.MaxImportFile+1)), "larger than 1 MB"},
		"bad quotes":     {[]byte("legal_name\n\"Ada \"x\" Lovelace\"\n"), "quotation marks"},
		"empty":          {[]byte("\uFEFF \n"), "empty"},
	} {
		_, err := clinic.ReadImportFile(c.content)
		if msg := problemFields(err)["file"]; !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q; want %q", name, msg, c.want)
		}
	}
	f, err := clinic.ReadImportFile([]byte("\uFEFFlegal_name\r\nAda\r\n\r\n"))
	if err != nil || f.Headers[0] != "legal_name" || len(f.Rows) != 1 {
		t.Errorf("a file with a byte-order mark: %+v %v", f, err)
	}
}
