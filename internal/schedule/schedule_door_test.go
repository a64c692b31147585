package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/keyring"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// door is the calendar's front door over p's database, on p's clock.
func (p *practice) door() *schedule.Door {
	ring, _ := keyring.New(make([]byte, 32))
	now := func() time.Time { return p.now }
	return &schedule.Door{Access: &access.Service{DB: p.db, Keys: ring, Now: now, Policy: access.DefaultPolicy()}, Now: now}
}

// staff is a staff member of p acting with roles.
func (p *practice) staff(id string, roles ...access.Role) access.Actor {
	return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: p.id, Roles: roles}
}

// audited counts p's audit entries of actor for action with outcome.
func (p *practice) audited(t *testing.T, actorID string, act access.Action, recordType, outcome string) int {
	t.Helper()
	var n int
	err := p.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_type = ? AND outcome = ?`,
			actorID, string(act), recordType, outcome).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// bookedFor counts the client's booked appointments.
func (p *practice) bookedFor(t *testing.T, clientID string) int {
	t.Helper()
	var n int
	err := p.db.Read(context.Background(), func(tx *store.Tx) error {
		list, err := schedule.List(context.Background(), tx, schedule.Filter{PracticeID: p.id, ClientID: clientID})
		n = len(list)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The door books, shows and cancels an appointment, deciding each step
// and putting it on the audit trail.
func TestTheDoorBooksShowsAndCancels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		d, ctx := p.door(), context.Background()
		owner, sam, jordan := p.staff(p.owner, access.Owner), p.staff(p.sam, access.Therapist), p.staff(p.jordan, access.Monitor)
		res, err := d.Book(ctx, owner, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 25, 10, 0), StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, schedule.Unread{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Appointment == nil || res.Moved != nil || p.bookedFor(t, p.alex) != 1 {
			t.Fatalf("booked %+v, moved %+v, %d on the calendar; want one new appointment", res.Appointment, res.Moved, p.bookedFor(t, p.alex))
		}
		if n := p.audited(t, p.owner, access.AppointmentManage, "appointment", "allowed"); n != 1 {
			t.Errorf("%d allowed bookings on the trail; want 1", n)
		}
		id := res.Appointment.ID
		v, err := d.Appointment(ctx, sam, id)
		if err != nil {
			t.Fatal(err)
		}
		if !v.CanManage || v.Appointment.ID != id || len(v.History) == 0 {
			t.Errorf("Sam sees %+v; want the appointment with its history, his to change", v)
		}
		if v, err := d.Appointment(ctx, jordan, id); err != nil || v.CanManage {
			t.Errorf("the monitor sees can-manage %v (%v); want a look only", v.CanManage, err)
		}
		if _, err := d.Cancel(ctx, sam, id, "The client asked to rebook.", schedule.Unread{}); err != nil {
			t.Fatal(err)
		}
		if n := p.bookedFor(t, p.alex); n != 0 {
			t.Errorf("%d booked after cancelling; want 0", n)
		}
	})
}

// A monitor may not book, and a clinician may not read another's working
// hours: nothing is written and each refusal is on the trail as denied.
func TestTheDoorRefusesAndAuditsTheRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		d, ctx := p.door(), context.Background()
		jordan, sam := p.staff(p.jordan, access.Monitor), p.staff(p.sam, access.Therapist)
		_, err := d.Book(ctx, jordan, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 25, 10, 0), StaffIDs: []string{p.jordan},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, schedule.Unread{})
		var denied *access.Denied
		if !errors.As(err, &denied) {
			t.Fatalf("a monitor's booking: %v; want a refusal", err)
		}
		if n := p.bookedFor(t, p.alex); n != 0 {
			t.Errorf("%d booked; want none", n)
		}
		if n := p.audited(t, p.jordan, access.AppointmentManage, "appointment", "denied"); n != 1 {
			t.Errorf("%d denied bookings on the trail; want 1", n)
		}
		if _, err := d.Availability(ctx, sam, p.elena); !errors.As(err, &denied) {
			t.Fatalf("Sam reading Elena's hours: %v; want a refusal", err)
		}
		if n := p.audited(t, p.sam, access.SettingsManage, "staff_availability", "denied"); n != 1 {
			t.Errorf("%d denied reads of hours on the trail; want 1", n)
		}
		if v, err := d.Availability(ctx, sam, p.sam); err != nil || len(v.Spans) == 0 {
			t.Errorf("Sam's own hours: %+v, %v; want his week", v, err)
		}
	})
}

// What the door refuses as entered names its field: a clinician blocking
// someone else's time, a room change it does not know, a rename to
// nothing, and what the face could not read, given after the decision.
func TestTheDoorNamesTheFieldsItRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		d, ctx := p.door(), context.Background()
		owner, sam, jordan := p.staff(p.owner, access.Owner), p.staff(p.sam, access.Therapist), p.staff(p.jordan, access.Monitor)
		_, err := d.Book(ctx, sam, schedule.Booking{Kind: schedule.Consultation, Title: "Supervision", Start: p.at(2026, 11, 25, 10, 0),
			StaffIDs: []string{p.elena}}, schedule.Unread{})
		if ps := problems(t, err); !has(ps, "staff", "books only their own time") {
			t.Errorf("Sam blocking Elena's time: %v; want a problem on staff", ps)
		}
		_, err = d.ChangeRoom(ctx, owner, p.cedar, schedule.RoomChange{Op: "paint"})
		if ps := problems(t, err); !has(ps, "op", "Choose rename, retire or restore") {
			t.Errorf("an unknown room change: %v; want a problem on op", ps)
		}
		_, err = d.ChangeRoom(ctx, owner, p.cedar, schedule.RoomChange{Op: "rename", Name: " "})
		if ps := problems(t, err); len(ps) != 1 || ps[0].Field != "rename.name" {
			t.Errorf("a rename to nothing: %v; want one problem on rename.name", ps)
		}
		bad := clinic.Problems{{Field: "start", Message: "Give a time."}}
		_, err = d.Book(ctx, owner, schedule.Booking{Kind: schedule.Consultation, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, schedule.Unread{Fields: bad})
		if ps := problems(t, err); len(ps) != 1 || ps[0].Field != "start" {
			t.Errorf("an unread start: %v; want the face's problem on start", ps)
		}
		// A body that could not be read is refused only once the actor is
		// known to use the schedule: someone without a staff role learns
		// nothing from it.
		unread := errors.New("the body is not JSON")
		if _, err := d.Book(ctx, jordan, schedule.Booking{}, schedule.Unread{Body: unread}); !errors.Is(err, unread) {
			t.Errorf("an unread body: %v; want the face's refusal", err)
		}
		var denied *access.Denied
		if _, err := d.Book(ctx, p.staff(p.jordan), schedule.Booking{}, schedule.Unread{Body: unread}); !errors.As(err, &denied) {
			t.Errorf("an unread body from no role: %v; want a refusal of access", err)
		}
	})
}

// A calendar feed is read with its token alone, as its owner; a token no
// feed has is not found, and a revoked feed no longer answers.
func TestTheDoorServesAFeedByItsToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		d, ctx := p.door(), context.Background()
		sam := p.staff(p.sam, access.Therapist)
		if _, err := d.Book(ctx, sam, schedule.Booking{Kind: schedule.Consultation, Start: p.at(2026, 11, 25, 10, 0), StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex}}}, schedule.Unread{}); err != nil {
			t.Fatal(err)
		}
		token, err := d.NewFeed(ctx, sam)
		if err != nil {
			t.Fatal(err)
		}
		body, found, err := d.FeedICS(ctx, token)
		if err != nil || !found || !strings.Contains(body, "BEGIN:VEVENT") {
			t.Fatalf("the feed: found %v, %v, %q; want Sam's appointment", found, err, body)
		}
		if n := p.audited(t, p.sam, access.ScheduleRead, "calendar_feed", "allowed"); n != 2 {
			t.Errorf("%d feed accesses on the trail; want 2 (made, read)", n)
		}
		if err := d.RevokeFeed(ctx, sam); err != nil {
			t.Fatal(err)
		}
		if _, found, err := d.FeedICS(ctx, token); found || err != nil {
			t.Errorf("a revoked feed: found %v, %v; want none", found, err)
		}
	})
}

// The portal shows a client only their own appointments, and in a group
// only their own place; the portal is refused to staff, on the trail.
func TestTheDoorShowsAClientTheirOwnAppointments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		d, ctx := p.door(), context.Background()
		owner := p.staff(p.owner, access.Owner)
		for _, b := range []schedule.Booking{
			{Kind: schedule.Consultation, Start: p.at(2026, 11, 25, 10, 0), StaffIDs: []string{p.sam}, Clients: []schedule.Attendee{{ClientID: p.alex}}},
			{Kind: schedule.Consultation, Start: p.at(2026, 11, 25, 12, 0), StaffIDs: []string{p.elena}, Clients: []schedule.Attendee{{ClientID: p.jamie}}},
			{Kind: schedule.GroupSession, Title: "Integration circle", Start: p.at(2026, 11, 26, 10, 0), RoomID: p.cedar, StaffIDs: []string{p.sam, p.elena},
				Clients: []schedule.Attendee{{ClientID: p.alex}, {ClientID: p.jamie}}},
		} {
			if _, err := d.Book(ctx, owner, b, schedule.Unread{}); err != nil {
				t.Fatalf("booking %s: %v", b.Kind, err)
			}
		}
		alex := access.Actor{Kind: access.ClientActor, ClientID: p.alex, PracticeID: p.id}
		v, err := d.Portal(ctx, alex, p.zone)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Upcoming) != 2 || v.HasMedicine || !v.Now.Equal(p.now) {
			t.Fatalf("Alex sees %d upcoming, medicine %v at %v; want his two, no medicine session, at %v", len(v.Upcoming), v.HasMedicine, v.Now, p.now)
		}
		// The demo's appointments, cancelled for these tests, are his past.
		for _, ap := range v.Past {
			if ap.Status == schedule.Booked && ap.End.After(p.now) {
				t.Errorf("%s, booked and still to come, is in the past", ap.Label())
			}
		}
		for _, ap := range v.Upcoming {
			if len(ap.Clients) != 1 || ap.Clients[0].ClientID != p.alex {
				t.Errorf("%s shows %+v; want only Alex's own place", ap.Label(), ap.Clients)
			}
		}
		var denied *access.Denied
		if _, err := d.Portal(ctx, p.staff(p.sam, access.Therapist), p.zone); !errors.As(err, &denied) {
			t.Fatalf("Sam on the portal: %v; want a refusal", err)
		}
		if n := p.audited(t, p.sam, access.PortalUse, "appointment_list", "denied"); n != 1 {
			t.Errorf("%d denied portal reads on the trail; want 1", n)
		}
	})
}
