package schedule_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func problems(t *testing.T, err error) clinic.Problems {
	t.Helper()
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems, got %v", err)
	}
	return ps
}

func has(ps clinic.Problems, field, text string) bool {
	for _, p := range ps {
		if strings.HasPrefix(p.Field, field) && strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}

// No double booking of a clinician, a client or a room: the clash is
// refused naming who or what is taken, when and where.
func TestNoDoubleBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		start := p.at(2026, 11, 25, 10, 0)
		first, err := p.book(t, schedule.Booking{Kind: schedule.Integration, Start: start, RoomID: p.cedar, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		if got := first.End.Sub(first.Start); got != time.Hour {
			t.Fatalf("default integration length %v; want 1h", got)
		}
		cases := []struct {
			name  string
			b     schedule.Booking
			field string
			says  string
		}{
			{"the clinician", schedule.Booking{Kind: schedule.Consultation, Start: start.Add(30 * time.Minute), StaffIDs: []string{p.sam},
				Clients: []schedule.Attendee{{ClientID: p.jamie}}}, "staff", "Sam Okafor is with another client Wed 25 Nov 10:00–11:00 in Cedar room (test)"},
			{"the client", schedule.Booking{Kind: schedule.Consultation, Start: start.Add(-30 * time.Minute), StaffIDs: []string{p.elena},
				Clients: []schedule.Attendee{{ClientID: p.alex}}}, "clients.0", "Alex (Alex Rivera) already has an appointment Wed 25 Nov 10:00–11:00 in Cedar room (test)"},
			{"the room", schedule.Booking{Kind: schedule.Consultation, Start: start.Add(59 * time.Minute), RoomID: p.cedar, StaffIDs: []string{p.elena},
				Clients: []schedule.Attendee{{ClientID: p.maya}}}, "room", "Cedar room (test) is in use Wed 25 Nov 10:00–11:00 (Integration session)"},
		}
		for _, c := range cases {
			_, err := p.book(t, c.b, p.admin())
			if ps := problems(t, err); !has(ps, c.field, c.says) {
				t.Errorf("%s: %v; want %q on %s", c.name, ps, c.says, c.field)
			}
		}
		// Back to back is not a clash, and a cancelled appointment frees its time.
		if _, err := p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: start.Add(time.Hour), RoomID: p.cedar, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.jamie}}}, p.asSam()); err != nil {
			t.Fatalf("back to back: %v", err)
		}
		err = db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := schedule.Cancel(context.Background(), tx, p.id, first.ID, "The client asked to rebook.", p.asSam(), p.now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: start, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, p.asSam()); err != nil {
			t.Fatalf("after cancelling: %v", err)
		}
	})
}

// Two bookings of the same clinician at the same time, racing: exactly one
// wins, on both databases.
func TestTwoBookingsRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		start := p.at(2026, 11, 26, 11, 0)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, client := range []string{p.alex, p.jamie} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: start, StaffIDs: []string{p.sam},
					Clients: []schedule.Attendee{{ClientID: client}}}, p.asSam())
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !has(problems(t, err), "staff", "Sam Okafor is with another client"):
				t.Errorf("the loser was refused for another reason: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d bookings succeeded; want exactly 1 (%v)", ok, errs)
		}
	})
}

// Times are entered and shown in the practice's zone and stored in UTC:
// 10:00 in New York is 14:00Z before the clocks go back on 1 Nov 2026 and
// 15:00Z after; an evening booking across the change keeps its length.
func TestBookingAcrossDaylightSaving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		before, err := p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 10, 30, 10, 0), StaffIDs: []string{p.sam}}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		after, err := p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 2, 10, 0), StaffIDs: []string{p.sam}}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		if got := before.Start.UTC().Format("15:04Z"); got != "14:00Z" {
			t.Errorf("Friday 10:00 EDT stored as %s; want 14:00Z", got)
		}
		if got := after.Start.UTC().Format("15:04Z"); got != "15:00Z" {
			t.Errorf("Monday 10:00 EST stored as %s; want 15:00Z", got)
		}
		if got := after.Start.In(p.zone).Format("15:04"); got != "10:00" {
			t.Errorf("Monday shown at %s; want 10:00", got)
		}
		// An admin books an evening group across the change, outside hours, with a reason.
		over, err := p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 10, 31, 23, 30), End: p.at(2026, 10, 31, 23, 30).Add(150 * time.Minute),
			StaffIDs: []string{p.sam}, Override: "Overnight retreat preparation."}, p.admin())
		if err != nil {
			t.Fatal(err)
		}
		if got := over.End.In(p.zone).Format("Mon 2 Jan 15:04 MST"); got != "Sun 1 Nov 01:00 EST" {
			t.Errorf("2.5 h after 23:30 EDT ends %s; want Sun 1 Nov 01:00 EST", got)
		}
		// Availability is wall-clock: 08:00–18:00 holds on both sides of the change.
		_, err = p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 2, 17, 30), StaffIDs: []string{p.sam}}, p.asSam())
		if ps := problems(t, err); !has(ps, "start", "Sam Okafor works 08:00–18:00 on Mondays") || !has(ps, "start", "ask a practice administrator") {
			t.Errorf("outside hours: %v", ps)
		}
		_, err = p.book(t, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 2, 17, 30), StaffIDs: []string{p.sam}}, p.admin())
		if ps := problems(t, err); !has(ps, "start", "As an administrator you may book it anyway") {
			t.Errorf("admin without a reason: %v", ps)
		}
	})
}

// KAP.md §1 Session and course: a medicine session is booked only when the
// dosing gate passes (readiness complete, consent current, course active,
// spacing, session count), each refusal naming what is missing and who can
// resolve it.
func TestTheDosingGateAtBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		// A client with an active course and no preparation at all.
		var fresh, freshCourse string
		err := db.Write(ctx, func(tx *store.Tx) error {
			fresh, freshCourse = store.NewID(), store.NewID()
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, 'Noor Haddad', ?)`, []any{fresh, p.id, p.now}},
				{`INSERT INTO course (id, practice_id, client_id, indication_code, indication_text, route, planned_sessions, window_days, min_gap_hours, status, starts_on, created_by, created_at)
					VALUES (?, ?, ?, 'F33.1', 'Depression', 'sublingual_rdt', 6, 21, 48, 'active', ?, ?, ?)`, []any{freshCourse, p.id, fresh, p.now, p.rx, p.now}},
				{`INSERT INTO course_dose (id, practice_id, client_id, course_id, session_number, planned_mg, created_by, created_at) VALUES (?, ?, ?, ?, 1, 100, ?, ?)`,
					[]any{store.NewID(), p.id, fresh, freshCourse, p.rx, p.now}},
			} {
				if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		type gateCase struct {
			name   string
			setup  string // SQL run first, with the course id as its argument
			client string
			course string
			n      int
			at     time.Time
			rules  []dosing.Rule
			says   string
		}
		ok := p.at(2026, 11, 25, 10, 0) // a week after session 3 (held 18 Nov)
		cases := []gateCase{
			{name: "ready, spaced, within count: passes", client: p.alex, course: p.alexCourse, n: 4, at: ok},
			{name: "too close to the held session 3", client: p.alex, course: p.alexCourse, n: 4, at: p.at(2026, 11, 19, 9, 0),
				rules: []dosing.Rule{dosing.RuleSpacing}, says: "only a prescriber can change the course's spacing"},
			{name: "session count reached", setup: `UPDATE course SET planned_sessions = 3 WHERE id = ?`, client: p.alex, course: p.alexCourse, n: 4, at: ok,
				rules: []dosing.Rule{dosing.RuleSessionCount}, says: "the prescriber must extend the course"},
			{name: "course stopped", setup: `UPDATE course SET status = 'stopped', stop_reason = 'Moved away', stopped_on = starts_on WHERE id = ?`,
				client: p.alex, course: p.alexCourse, n: 4, at: ok, rules: []dosing.Rule{dosing.RuleCourseNotActive}, says: "Moved away"},
			{name: "nothing prepared", client: fresh, course: freshCourse, n: 1, at: ok,
				rules: []dosing.Rule{dosing.Rule(dosing.ItemIntakeSubmitted), dosing.Rule(dosing.ItemPrescriberApproved), dosing.Rule(dosing.ItemConsentsCurrent),
					dosing.Rule(dosing.ItemEscortNamed), dosing.RuleLimitMissing}, says: "Who can complete it"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := p.gate(t, func(tx *store.Tx) error {
					if c.setup == "" {
						return nil
					}
					_, err := tx.Exec(ctx, c.setup, c.course)
					return err
				}, c.client, c.course, c.n, c.at)
				wantRefusals(t, res, c.rules, c.says)
			})
		}
	})
}

// A medicine session books its course session in the same transaction;
// moving moves it, cancelling or marking missed marks it; the moves are in
// the trail.
func TestAMedicineSessionBooksItsCourseSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		med := schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 25, 9, 30), RoomID: p.cedar, StaffIDs: []string{p.sam, p.jordan},
			Clients: []schedule.Attendee{{ClientID: p.alex, CourseID: p.alexCourse, SessionNumber: 4}}}
		a, err := p.book(t, med, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		if got := a.End.Sub(a.Start); got != 150*time.Minute {
			t.Errorf("medicine session lasts %v; want 2.5 h", got)
		}
		sid := a.Clients[0].CourseSessionID
		status := func() (string, time.Time) {
			var st string
			var at time.Time
			db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT status, scheduled_at FROM course_session WHERE id = ?`, sid).Scan(&st, &at)
			})
			return st, at
		}
		if st, at := status(); st != "booked" || !at.Equal(med.Start) {
			t.Fatalf("course session %s at %v; want booked at %v", st, at, med.Start)
		}
		var clients, clinicians, need int
		db.Read(ctx, func(tx *store.Tx) error {
			clients, clinicians, need, err = schedule.ClinicianMinimum(ctx, tx, sid)
			return err
		})
		if clients != 1 || clinicians != 2 || need != 1 {
			t.Errorf("ClinicianMinimum = %d, %d, %d; want 1, 2, 1", clients, clinicians, need)
		}
		moved := p.at(2026, 11, 26, 9, 0)
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, _, err := schedule.Move(ctx, tx, p.id, a.ID, schedule.Change{Start: moved}, p.asSam(), p.now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if st, at := status(); st != "booked" || !at.Equal(moved) {
			t.Fatalf("after the move: %s at %v; want booked at %v", st, at, moved)
		}
		var hist []schedule.HistoryEntry
		db.Read(ctx, func(tx *store.Tx) error {
			hist, err = schedule.History(ctx, tx, p.id, a.ID)
			return err
		})
		if len(hist) != 2 || !strings.Contains(hist[1].What, "moved from Wed 25 Nov 09:30–12:00 in Cedar room (test) to Thu 26 Nov 09:00–11:30") {
			t.Fatalf("history %+v", hist)
		}
		// Too early to mark; cancelling marks the course session cancelled.
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := schedule.Mark(ctx, tx, p.id, a.ID, schedule.Missed, p.asSam(), p.now)
			return err
		})
		if !has(problems(t, err), "status", "still to come") {
			t.Errorf("marking ahead of time: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := schedule.Cancel(ctx, tx, p.id, a.ID, "Unwell.", p.asSam(), p.now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := status(); st != "cancelled" {
			t.Fatalf("after cancelling: %s; want cancelled", st)
		}
		// Booked again and marked missed once its time has come.
		a, err = p.book(t, med, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		sid = a.Clients[0].CourseSessionID
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := schedule.Mark(ctx, tx, p.id, a.ID, schedule.Missed, p.asSam(), med.Start.Add(time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := status(); st != "missed" {
			t.Fatalf("after marking missed: %s", st)
		}
		// The gate refuses at booking, on its own field.
		_, err = p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 19, 9, 0), RoomID: p.willow, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex, CourseID: p.alexCourse, SessionNumber: 5}}}, p.asSam())
		if !has(problems(t, err), "gate.0.spacing", "medicine session") {
			t.Errorf("gate refusal: %v", err)
		}
	})
}

// A group needs enough clinicians for its clients (practice setting, 3 per
// clinician by default); each medicine client passes the gate on its own.
func TestAGroupSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		start := p.at(2026, 12, 1, 9, 0)
		four := []schedule.Attendee{{ClientID: p.alex}, {ClientID: p.jamie}, {ClientID: p.robert}, {ClientID: p.maya}}
		_, err := p.book(t, schedule.Booking{Kind: schedule.GroupSession, Title: "Integration circle", Start: start, RoomID: p.willow,
			StaffIDs: []string{p.sam}, Clients: four}, p.admin())
		if !has(problems(t, err), "staff", "A group of 4 clients needs at least 2 clinicians present") {
			t.Fatalf("too few facilitators: %v", err)
		}
		g, err := p.book(t, schedule.Booking{Kind: schedule.GroupSession, Title: "Integration circle", Start: start, RoomID: p.willow,
			StaffIDs: []string{p.sam, p.elena}, Clients: four}, p.admin())
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Clients) != 4 || len(g.Staff) != 2 {
			t.Fatalf("group %+v", g)
		}
		// A retreat over three days; a medicine group whose client is not ready is refused by name.
		_, err = p.book(t, schedule.Booking{Kind: schedule.GroupSession, Title: "Retreat", Start: p.at(2026, 12, 4, 9, 0), End: p.at(2026, 12, 6, 16, 0),
			RoomID: p.cedar, StaffIDs: []string{p.rx}, Clients: []schedule.Attendee{{ClientID: p.maya, CourseID: p.alexCourse, SessionNumber: 4}}}, p.admin())
		if !has(problems(t, err), "clients.0.course", "no such course") {
			t.Errorf("a course of another client: %v", err)
		}
	})
}

// RFC 5545: CRLF lines folded at 75 octets, escaped text, UTC times, no
// client names unless the practice allows them.
func TestTheICSText(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	list := []schedule.Appointment{
		{ID: "a1", Kind: schedule.MedicineSession, Start: at, End: at.Add(150 * time.Minute), RoomName: "Cedar room", Status: schedule.Booked, UpdatedAt: at.Add(-time.Hour),
			Clients: []schedule.Attendee{{ClientID: "c1", Name: "Alex"}}},
		{ID: "a2", Kind: schedule.Integration, Start: at.Add(24 * time.Hour), End: at.Add(25 * time.Hour), Status: schedule.Cancelled, UpdatedAt: at,
			Clients: []schedule.Attendee{{ClientID: "c1", Name: "Alex"}}},
		{ID: "a3", Kind: schedule.Consultation, Title: "Team review; cases, plans \\ notes and a long title that needs folding over the line", Start: at, End: at.Add(time.Hour),
			Status: schedule.Booked, UpdatedAt: at},
	}
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//holdspace//schedule//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:holdspace: Sam Okafor\r\n" +
		"BEGIN:VEVENT\r\nUID:a1@holdspace\r\nDTSTAMP:20261125T133000Z\r\nDTSTART:20261125T143000Z\r\nDTEND:20261125T170000Z\r\n" +
		"SUMMARY:Medicine session\r\nLOCATION:Cedar room\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:a2@holdspace\r\nDTSTAMP:20261125T143000Z\r\nDTSTART:20261126T143000Z\r\nDTEND:20261126T153000Z\r\n" +
		"SUMMARY:Client appointment\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:a3@holdspace\r\nDTSTAMP:20261125T143000Z\r\nDTSTART:20261125T143000Z\r\nDTEND:20261125T153000Z\r\n" +
		"SUMMARY:Consultation: Team review\\; cases\\, plans \\\\ notes and a long title\r\n  that needs folding over the line\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	got := schedule.ICS("holdspace: Sam Okafor", list, false)
	if got != want {
		t.Fatalf("ICS:\n%q\nwant\n%q", got, want)
	}
	for _, l := range strings.Split(got, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	if named := schedule.ICS("x", list[:1], true); !strings.Contains(named, "SUMMARY:Medicine session: Alex\r\n") {
		t.Errorf("with names allowed: %q", named)
	}
	// A multi-byte character is never split by a fold.
	long := schedule.ICS(strings.Repeat("é", 80), nil, false)
	for _, l := range strings.Split(long, "\r\n") {
		if !strings.HasPrefix(strings.TrimPrefix(l, " "), "é") && strings.Contains(l, "\xc3") && !strings.HasPrefix(l, "X-WR") {
			t.Errorf("split character in %q", l)
		}
	}
}

// gate is what the dosing gate says of booking session n of course at at,
// once setup has run, in a transaction that is then rolled back so that
// every case starts from the same practice.
func (p *practice) gate(t *testing.T, setup func(tx *store.Tx) error, client, course string, n int, at time.Time) schedule.GateResult {
	t.Helper()
	ctx := context.Background()
	var res schedule.GateResult
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		if err := setup(tx); err != nil {
			return err
		}
		var err error
		res, err = schedule.MedicineGate(ctx, tx, p.id, client, course, n, at, p.now)
		if err != nil {
			return err
		}
		return errors.New("roll back the setup")
	})
	if err != nil && err.Error() != "roll back the setup" {
		t.Fatal(err)
	}
	return res
}

// wantRefusals fails t unless res refuses on each of rules and its
// refusals say says; with no rules, unless it refuses nothing.
func wantRefusals(t *testing.T, res schedule.GateResult, rules []dosing.Rule, says string) {
	t.Helper()
	got := map[dosing.Rule]bool{}
	all := ""
	for _, r := range res.Refusals {
		got[r.Rule] = true
		all += r.Message + " | "
	}
	if len(rules) == 0 && len(res.Refusals) > 0 {
		t.Fatalf("refused: %s", all)
	}
	for _, r := range rules {
		if !got[r] {
			t.Errorf("no %s refusal in: %s", r, all)
		}
	}
	if says != "" && !strings.Contains(all, says) {
		t.Errorf("refusals do not say %q: %s", says, all)
	}
}
