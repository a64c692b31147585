package inquiry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/inquiry"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// practice is a practice with one staff member in each part, and a second
// practice to try reading across.
type practice struct {
	t                                      *testing.T
	db                                     *store.DB
	clk                                    *clock
	svc                                    *inquiry.Door
	id, other                              string
	owner, therapist, prescriber, monitor  access.Actor
	otherOwner                             access.Actor
	ownerStaff, therapistStaff, rxStaff    string
	monitorStaff, otherStaff, secondTherap string
}

func ctxFrom(addr string) context.Context {
	return access.WithMeta(context.Background(), access.Meta{Address: addr, UserAgent: "test", RequestID: "req-1"})
}

func newPractice(t *testing.T, db *store.DB) *practice {
	t.Helper()
	ctx := context.Background()
	clk := &clock{time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	ring, _ := keyring.New(make([]byte, 32))
	acc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: clk.Now, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	p := &practice{t: t, db: db, clk: clk, svc: &inquiry.Door{Access: acc, Now: clk.Now}}
	var err error
	if p.id, err = access.CreatePractice(ctx, db, "Stillwater", "stillwater", "America/New_York", clk.t); err != nil {
		t.Fatal(err)
	}
	if p.other, err = access.CreatePractice(ctx, db, "Elsewhere", "elsewhere", "UTC", clk.t); err != nil {
		t.Fatal(err)
	}
	add := func(practiceID, name, email string, roles ...access.Role) (string, access.Actor) {
		id, _, err := acc.AddStaffBySystem(ctx, practiceID, access.StaffInput{Name: name, Email: email, Roles: roles}, "")
		if err != nil {
			t.Fatal(err)
		}
		return id, access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: practiceID, Roles: roles}
	}
	p.ownerStaff, p.owner = add(p.id, "Morgan Avery", "owner@stillwater.test", access.Owner)
	p.therapistStaff, p.therapist = add(p.id, "Sam Okafor", "sam@stillwater.test", access.Therapist)
	p.rxStaff, p.prescriber = add(p.id, "Priya Raman", "priya@stillwater.test", access.Prescriber)
	p.monitorStaff, p.monitor = add(p.id, "Jordan Lee", "jordan@stillwater.test", access.Monitor)
	p.secondTherap, _ = add(p.id, "Elena Brooks", "elena@stillwater.test", access.Therapist)
	p.otherStaff, p.otherOwner = add(p.other, "Other Owner", "owner@elsewhere.test", access.Owner, access.Therapist, access.Prescriber)
	return p
}

func (p *practice) count(q string, args ...any) int {
	p.t.Helper()
	return storetest.Count(p.t, p.db, q, args...)
}

// submit files a valid inquiry from an address.
func (p *practice) submit(addr string, change func(*inquiry.Submission)) string {
	p.t.Helper()
	s := valid()
	if change != nil {
		change(&s)
	}
	id, err := p.svc.Submit(ctxFrom(addr), "stillwater", s, inquiry.AddressKey([]byte("k"), addr))
	if err != nil {
		p.t.Fatal(err)
	}
	return id
}

func TestAnInquiryIsFiledAuditedAndLimitedPerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		var first string
		for i := range inquiry.DefaultRateLimit {
			id := p.submit("203.0.113.7", nil)
			if i == 0 {
				first = id
			}
			p.clk.t = p.clk.t.Add(time.Minute)
		}
		key := inquiry.AddressKey([]byte("k"), "203.0.113.7")
		_, err := p.svc.Submit(ctxFrom("203.0.113.7"), "stillwater", valid(), key)
		if !errors.Is(err, inquiry.ErrRateLimited) {
			t.Fatalf("the sixth inquiry within the hour: %v; want the rate limit", err)
		}
		// Another address is not held back, and an hour after the first
		// the first address may write again.
		p.submit("198.51.100.2", nil)
		p.clk.t = p.clk.t.Add(56 * time.Minute)
		p.submit("203.0.113.7", nil)
		if n := p.count(`SELECT COUNT(*) FROM inquiry WHERE practice_id = ?`, p.id); n != 7 {
			t.Fatalf("%d inquiries; want 7", n)
		}
		if n := p.count(`SELECT COUNT(*) FROM inquiry_attempt WHERE address_key LIKE '%203%'`); n != 0 {
			t.Fatal("an address is readable in the rate-limit table")
		}
		// Each filing is an anonymous change on the practice's trail.
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE chain = ? AND action = 'inquiry.create' AND actor_kind = 'anonymous' AND record_id = ?`, p.id, first); n != 1 {
			t.Fatalf("%d audit entries for the first inquiry; want 1", n)
		}
		// Bad input is refused field by field, and the practice must exist.
		_, err = p.svc.Submit(ctxFrom("192.0.2.1"), "stillwater", inquiry.Submission{PreferredContact: "email"}, "other")
		var ps access.Problems
		if !errors.As(err, &ps) || len(ps) != 4 {
			t.Fatalf("%v; want four problems (name, email, message, consent)", err)
		}
		if _, err := p.svc.Submit(ctxFrom("192.0.2.1"), "nowhere", valid(), "other"); !errors.Is(err, inquiry.ErrNoPractice) {
			t.Fatalf("%v; want no such practice", err)
		}
		if _, err := p.svc.Public(context.Background(), "nowhere"); !errors.Is(err, inquiry.ErrNoPractice) {
			t.Fatalf("%v; want no such practice", err)
		}
	})
}

func TestAReplyIsEmailedAndKeptWithTheInquiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		id := p.submit("203.0.113.7", nil)
		ctx := ctxFrom("10.0.0.1")
		err := p.svc.Reply(ctx, p.therapist, id, inquiry.ReplyInput{Subject: "Your message to Stillwater", Message: "Could we talk on Tuesday at 10?"})
		if err != nil {
			t.Fatal(err)
		}
		var to, subject, body string
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT to_addr, subject, body_text FROM outbox WHERE practice_id = ? AND subject NOT LIKE 'A new inquiry%'`, p.id).Scan(&to, &subject, &body)
		})
		if to != "harriet@example.net" || subject != "Your message to Stillwater" || !strings.Contains(body, "Could we talk on Tuesday at 10?") ||
			!strings.Contains(body, "Sam Okafor") || !strings.Contains(body, "988") {
			t.Fatalf("outbox: %q %q %q", to, subject, body)
		}
		d, err := p.svc.Get(ctx, p.owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Inquiry.Status != inquiry.Replied || len(d.Inquiry.Replies) != 1 || d.Inquiry.Replies[0].StaffName != "Sam Okafor" {
			t.Fatalf("after the reply: %+v", d.Inquiry)
		}
		if len(d.Therapists) != 2 || len(d.Prescribers) != 1 {
			t.Errorf("%d therapists and %d prescribers to choose from; want 2 and 1", len(d.Therapists), len(d.Prescribers))
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.reply' AND actor_id = ? AND record_id = ?`, p.therapistStaff, id); n != 1 {
			t.Errorf("%d inquiry.reply entries; want 1", n)
		}
		// Reading the inquiry is on the trail too.
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.read' AND actor_id = ? AND record_type = 'inquiry' AND record_id = ?`, p.ownerStaff, id); n != 1 {
			t.Errorf("%d audited reads; want 1", n)
		}
		// An empty reply is refused and sends nothing.
		err = p.svc.Reply(ctx, p.therapist, id, inquiry.ReplyInput{})
		var ps access.Problems
		if !errors.As(err, &ps) || len(ps) != 2 {
			t.Fatalf("%v; want subject and message asked for", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`); n != 1 {
			t.Fatalf("%d emails; want still 1", n)
		}
	})
}

func TestDecliningNeedsAReasonAndMayEmailAKindNote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := ctxFrom("10.0.0.1")
		id := p.submit("203.0.113.7", nil)
		err := p.svc.Decline(ctx, p.owner, id, inquiry.DeclineInput{Notify: true, Subject: "s", Message: "m"})
		var ps access.Problems
		if !errors.As(err, &ps) || ps[0].Field != "reason" {
			t.Fatalf("%v; want the reason asked for", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`) + p.count(`SELECT COUNT(*) FROM inquiry WHERE status = 'declined'`); n != 0 {
			t.Fatal("a refused decline wrote something")
		}
		subject, body := inquiry.DeclineEmail("Harriet Osei", "Stillwater")
		reason := "Lives in Oregon, where none of our clinicians is licensed; referred to the directory."
		if err := p.svc.Decline(ctx, p.owner, id, inquiry.DeclineInput{Reason: reason, Notify: true, Subject: subject, Message: body}); err != nil {
			t.Fatal(err)
		}
		d, _ := p.svc.Get(ctx, p.owner, id)
		q := d.Inquiry
		if q.Status != inquiry.Declined || q.DeclineReason != reason || q.DeclinedByName != "Morgan Avery" || q.DeclinedAt == nil || len(q.Replies) != 1 || q.Replies[0].Kind != "decline" {
			t.Fatalf("declined: %+v", q)
		}
		var sent string
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT body_text FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`).Scan(&sent)
		})
		if strings.Contains(sent, "Oregon") || !strings.Contains(sent, "Dear Harriet") {
			t.Fatalf("the note sent %q; it must not carry the reason", sent)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'inquiry.decline' AND record_id = ? AND reason NOT LIKE '%Oregon%'`, id); n != 1 {
			t.Errorf("%d inquiry.decline entries without the reason copied; want 1", n)
		}
		// A declined inquiry cannot be declined again.
		err = p.svc.Decline(ctx, p.owner, id, inquiry.DeclineInput{Reason: "again"})
		var conflict *inquiry.Conflict
		if !errors.As(err, &conflict) {
			t.Fatalf("%v; want a conflict", err)
		}
		// Without the note, nothing is emailed.
		id2 := p.submit("203.0.113.8", nil)
		if err := p.svc.Decline(ctx, p.therapist, id2, inquiry.DeclineInput{Reason: "Under 18."}); err != nil {
			t.Fatal(err)
		}
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`); n != 1 {
			t.Errorf("%d emails; want 1", n)
		}
	})
}

func (p *practice) convertInput() inquiry.ConvertInput {
	return inquiry.ConvertInput{LegalName: "Harriet Osei", PreferredName: "Hattie", DateOfBirth: "1985-02-14", Email: "harriet@example.net",
		Phone: "+1 555 010 4477", TherapistID: p.therapistStaff, PrescriberID: p.rxStaff}
}

func TestConvertingMakesClientAccountInvitationAndCareTeamAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := ctxFrom("10.0.0.1")
		id := p.submit("203.0.113.7", nil)
		clientID, err := p.svc.Convert(ctx, p.therapist, id, p.convertInput())
		if err != nil {
			t.Fatal(err)
		}
		if n := p.count(`SELECT COUNT(*) FROM client WHERE id = ? AND practice_id = ? AND legal_name = 'Harriet Osei' AND preferred_name = 'Hattie'
			AND date_of_birth = '1985-02-14' AND time_zone = 'America/New_York'`, clientID, p.id); n != 1 {
			t.Fatal("the client record is not as entered")
		}
		if n := p.count(`SELECT COUNT(*) FROM care_team WHERE client_id = ? AND ((staff_id = ? AND role = 'therapist') OR (staff_id = ? AND role = 'prescriber'))`,
			clientID, p.therapistStaff, p.rxStaff); n != 2 {
			t.Fatalf("%d care-team rows; want therapist and prescriber", n)
		}
		if n := p.count(`SELECT COUNT(*) FROM account a JOIN one_time_token t ON t.account_id = a.id
			WHERE a.client_id = ? AND a.kind = 'client' AND a.password_hash = '' AND t.purpose = 'invite' AND t.used_at IS NULL`, clientID); n != 1 {
			t.Fatal("no portal account with a live invitation")
		}
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE to_addr = 'harriet@example.net' AND subject = 'Your invitation to Stillwater'`); n != 1 {
			t.Fatal("the invitation email is not queued")
		}
		d, err := p.svc.Get(ctx, p.owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Inquiry.Status != inquiry.Converted || d.Inquiry.ClientID != clientID || d.Inquiry.ConvertedByName != "Sam Okafor" {
			t.Fatalf("the inquiry is not linked: %+v", d.Inquiry)
		}
		for _, action := range []string{"client.create", "inquiry.convert", "account.invite"} {
			if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE chain = ? AND action = ? AND client_id = ?`, p.id, action, clientID); n != 1 {
				t.Errorf("%d %s entries naming the client; want 1", n, action)
			}
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'care_team.add' AND client_id = ?`, clientID); n != 2 {
			t.Errorf("%d care_team.add entries; want 2", n)
		}
		for _, action := range []string{"client.create", "inquiry.manage"} {
			if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = ? AND actor_id = ? AND outcome = 'allowed'`, action, p.therapistStaff); n < 1 {
				t.Errorf("the access decision %s is not on the trail", action)
			}
		}
		if rep, err := audit.Verify(ctx, db); err != nil || len(rep.Breaks) != 0 {
			t.Fatalf("the trail is not whole: %v %v", rep.Breaks, err)
		}
		// Twice is refused.
		_, err = p.svc.Convert(ctx, p.owner, id, p.convertInput())
		var conflict *inquiry.Conflict
		if !errors.As(err, &conflict) {
			t.Fatalf("%v; want a conflict", err)
		}
	})
}

// A failure at any step leaves nothing: no client, account, care team,
// email, or change to the inquiry.
func TestAFailedConversionLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := ctxFrom("10.0.0.1")
		id := p.submit("203.0.113.7", nil)
		before := p.snapshot()
		cases := map[string]struct {
			change func(*inquiry.ConvertInput)
			field  string
		}{
			// Found only when the account is made, after the client and
			// the care team are written.
			"an address another account uses":  {func(c *inquiry.ConvertInput) { c.Email = "SAM@stillwater.test" }, "email"},
			"a therapist who is a monitor":     {func(c *inquiry.ConvertInput) { c.TherapistID = p.monitorStaff }, "therapist_id"},
			"a prescriber of another practice": {func(c *inquiry.ConvertInput) { c.PrescriberID = p.otherStaff }, "prescriber_id"},
			"no legal name":                    {func(c *inquiry.ConvertInput) { c.LegalName = " " }, "legal_name"},
		}
		for name, c := range cases {
			in := p.convertInput()
			c.change(&in)
			_, err := p.svc.Convert(ctx, p.owner, id, in)
			var ps access.Problems
			var one *access.Problem
			switch {
			case errors.As(err, &ps) && len(ps) == 1 && ps[0].Field == c.field:
			case errors.As(err, &one) && one.Field == c.field:
			default:
				t.Errorf("%s: %v; want one problem on %s", name, err, c.field)
			}
			if after := p.snapshot(); after != before {
				t.Errorf("%s: the failure left %v; want %v", name, after, before)
			}
		}
	})
}

func (p *practice) snapshot() [6]int {
	return [6]int{p.count(`SELECT COUNT(*) FROM client`), p.count(`SELECT COUNT(*) FROM account WHERE kind = 'client'`),
		p.count(`SELECT COUNT(*) FROM care_team`), p.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`),
		p.count(`SELECT COUNT(*) FROM inquiry WHERE status = 'converted' OR client_id IS NOT NULL`), p.count(`SELECT COUNT(*) FROM audit_event WHERE action IN ('client.create', 'inquiry.convert')`)}
}

func TestAMonitorIsRefusedAndAnotherPracticeSeesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := ctxFrom("10.0.0.1")
		id := p.submit("203.0.113.7", nil)
		var denied *access.Denied
		if _, _, err := p.svc.List(ctx, p.monitor, ""); !errors.As(err, &denied) {
			t.Fatalf("a monitor listed inquiries: %v", err)
		}
		if _, err := p.svc.Get(ctx, p.monitor, id); !errors.As(err, &denied) {
			t.Fatalf("a monitor read an inquiry: %v", err)
		}
		if _, err := p.svc.Convert(ctx, p.monitor, id, p.convertInput()); !errors.As(err, &denied) {
			t.Fatalf("a monitor converted an inquiry: %v", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied'`, p.monitorStaff); n != 3 {
			t.Errorf("%d refusals on the trail; want 3", n)
		}
		// The other practice's owner has a queue of their own, without it.
		list, _, err := p.svc.List(ctx, p.otherOwner, "")
		if err != nil || len(list) != 0 {
			t.Fatalf("the other practice's queue: %v %v", list, err)
		}
		if _, err := p.svc.Get(ctx, p.otherOwner, id); !errors.Is(err, inquiry.ErrNotFound) {
			t.Fatalf("%v; want not found", err)
		}
		if err := p.svc.Reply(ctx, p.otherOwner, id, inquiry.ReplyInput{Subject: "s", Message: "m"}); !errors.Is(err, inquiry.ErrNotFound) {
			t.Fatalf("%v; want not found", err)
		}
		if err := p.svc.Decline(ctx, p.otherOwner, id, inquiry.DeclineInput{Reason: "r"}); !errors.Is(err, inquiry.ErrNotFound) {
			t.Fatalf("%v; want not found", err)
		}
		in := p.convertInput()
		in.TherapistID, in.PrescriberID = p.otherStaff, p.otherStaff
		if _, err := p.svc.Convert(ctx, p.otherOwner, id, in); !errors.Is(err, inquiry.ErrNotFound) {
			t.Fatalf("%v; want not found", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM outbox WHERE subject NOT LIKE 'A new inquiry%'`) + p.count(`SELECT COUNT(*) FROM client`); n != 0 {
			t.Fatal("another practice changed something")
		}
		// The queue of the practice lists it, filtered by status.
		list, counts, err := p.svc.List(ctx, p.prescriber, inquiry.New)
		if err != nil || len(list) != 1 || counts[inquiry.New] != 1 || list[0].Name != "Harriet Osei" {
			t.Fatalf("%v %v %v", list, counts, err)
		}
		if list, _, _ := p.svc.List(ctx, p.prescriber, inquiry.Declined); len(list) != 0 {
			t.Fatal("the declined filter lists a new inquiry")
		}
	})
}

func TestThePublicPageIsTheDefaultUntilTheAdminWritesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := ctxFrom("10.0.0.1")
		pp, err := p.svc.Public(ctx, "stillwater")
		if err != nil || !pp.Page.Default || pp.PracticeName != "Stillwater" {
			t.Fatalf("%+v %v", pp, err)
		}
		var denied *access.Denied
		if err := p.svc.SavePage(ctx, p.therapist, inquiry.Page{Heading: "h", Body: "b"}); !errors.As(err, &denied) {
			t.Fatalf("a therapist saved the page: %v", err)
		}
		var ps access.Problems
		if err := p.svc.SavePage(ctx, p.owner, inquiry.Page{Heading: "KAP at Stillwater"}); !errors.As(err, &ps) || ps[0].Field != "body" {
			t.Fatalf("%v; want the text asked for", err)
		}
		if err := p.svc.SavePage(ctx, p.owner, inquiry.Page{Heading: " KAP at Stillwater ", Body: "Our own words.\r\n\r\nMore."}); err != nil {
			t.Fatal(err)
		}
		pp, _ = p.svc.Public(ctx, "stillwater")
		if pp.Page.Default || pp.Page.Heading != "KAP at Stillwater" || pp.Page.Body != "Our own words.\n\nMore." {
			t.Fatalf("%+v", pp.Page)
		}
		if other, _ := p.svc.Public(ctx, "elsewhere"); !other.Page.Default {
			t.Fatal("another practice's page changed")
		}
		if err := p.svc.RestoreDefaultPage(ctx, p.owner); err != nil {
			t.Fatal(err)
		}
		if pp, _ = p.svc.Public(ctx, "stillwater"); !pp.Page.Default {
			t.Fatal("the default is not back")
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'settings.practice_page' AND actor_id = ?`, p.ownerStaff); n != 2 {
			t.Errorf("%d page changes on the trail; want 2", n)
		}
	})
}
