package demo

import (
	"errors"
	"fmt"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

// booked is one of Alex's medicine sessions as the calendar booked it.
type booked struct {
	at                   time.Time
	session, appointment string
}

// demoAppointment is one appointment of the demo fortnight: days from today
// (moved off weekends), the start hour, and who.
type demoAppointment struct {
	days    int
	hour    int
	kind    schedule.Kind
	title   string
	staff   []string
	clients []string
	room    string
	status  schedule.Status
}

// calendar is the owner setting up the calendar on the first afternoon:
// two rooms, and the clinicians' hours.
func (w *world) calendar() error {
	ctx, d, owner := w.ctx, w.doors.Schedule, w.as["owner"]
	for _, name := range []string{"Cedar room", "Willow room"} {
		r, err := d.ChangeRoom(ctx, owner, "", schedule.RoomChange{Name: name})
		if err != nil {
			return fmt.Errorf("demo room: %w", err)
		}
		w.rooms[name] = r.Room.ID
	}
	for _, key := range []string{"rx", "sam", "elena", "jordan"} {
		if err := d.SetAvailability(ctx, owner, w.staff[key], hours(key), nil); err != nil {
			return fmt.Errorf("demo hours: %w", err)
		}
	}
	return nil
}

// hours are a clinician's working hours: weekdays 8 to 6, and Saturday
// mornings for Sam and Jordan, who keep them for medicine sessions.
func hours(key string) []schedule.Span {
	var spans []schedule.Span
	for d := time.Monday; d <= time.Friday; d++ {
		spans = append(spans, schedule.Span{Weekday: d, Start: 8 * 60, End: 18 * 60})
	}
	if key == "sam" || key == "jordan" {
		spans = append(spans, schedule.Span{Weekday: time.Saturday, Start: 9 * 60, End: 13 * 60})
	}
	return spans
}

// inHours says whether [start, end) falls within the hours of every
// staff member keyed, in the practice's zone.
func (w *world) inHours(start, end time.Time, keys ...string) bool {
	s, e := start.In(w.zone()), end.In(w.zone())
	if s.YearDay() != e.YearDay() {
		return false
	}
	from, until := s.Hour()*60+s.Minute(), e.Hour()*60+e.Minute()
	for _, k := range keys {
		ok := false
		for _, sp := range hours(k) {
			ok = ok || (sp.Weekday == s.Weekday() && sp.Start <= from && until <= sp.End)
		}
		if !ok {
			return false
		}
	}
	return true
}

// heldDays are the days (from today) of Alex's held sessions.
var heldDays = map[int]int{1: -13, 2: -9, 3: -5}

// medicineSessions are when Alex's six medicine sessions are: three held
// (13, 9 and 5 days ago at 10:00), the fourth under way today (begun
// about 75 minutes ago), the fifth and sixth to come on weekdays, at
// least three days apart, whatever day the demo is loaded on.
func (w *world) medicineSessions() map[int]time.Time {
	out := map[int]time.Time{4: w.now.Add(-75 * time.Minute).Truncate(5 * time.Minute)}
	for n, days := range heldDays {
		out[n] = w.day(days, 10, 0)
	}
	last := 0
	for _, s := range []struct{ n, days int }{{5, 3}, {6, 6}} {
		days := max(s.days, last+3)
		for wd := w.day(days, 10, 0).Weekday(); wd == time.Saturday || wd == time.Sunday; wd = w.day(days, 10, 0).Weekday() {
			days++
		}
		last = days
		out[s.n] = w.day(days, 10, 0)
	}
	return out
}

// schedule puts Alex's course on the calendar as medicine-session
// appointments (Sam and Jordan in the Cedar room, Dr. Raman at the
// first): sessions 1 to 3 booked the morning the course began, 4 to 6 the
// afternoon of session 3, after the dose change; and a realistic
// fortnight of consultations, preparation and integration sessions
// around it, with a group integration circle next week. Clinicians book
// for their own clients (Dr. Raman, on every care team, books the
// circle); a session outside someone's hours is booked by the owner, the
// administrator who may give the reason. What has happened is marked held
// or missed by whoever booked it, an hour after it began.
func (w *world) schedule(t *timeline) {
	ctx, d := w.ctx, w.doors.Schedule
	at := w.medicineSessions()
	// The practice keeps the calendar's default lengths.
	length := schedule.DefaultSettings().Duration(schedule.MedicineSession)
	book := func(n int) error {
		keys := []string{"sam", "jordan"}
		if n == 1 {
			keys = append(keys, "rx")
		}
		b := schedule.Booking{Kind: schedule.MedicineSession, Start: at[n], RoomID: w.rooms["Cedar room"],
			Clients: []schedule.Attendee{{ClientID: w.clients["alex"], CourseID: w.course["alex"], SessionNumber: n}}}
		for _, k := range keys {
			b.StaffIDs = append(b.StaffIDs, w.staff[k])
		}
		by := w.as["sam"]
		if !w.inHours(at[n], at[n].Add(length), keys...) {
			by, b.Override = w.as["owner"], "Medicine session at the time agreed with Alex and the team."
		}
		res, err := d.Book(ctx, by, b, schedule.Unread{})
		if err != nil {
			return fmt.Errorf("demo medicine session %d: %w", n, err)
		}
		w.medicine[n] = &booked{at: at[n], appointment: res.Appointment.ID, session: res.Appointment.Clients[0].CourseSessionID}
		return nil
	}
	t.at(w.day(-14, 9, 30), func() error {
		for n := 1; n <= 3; n++ {
			if err := book(n); err != nil {
				return err
			}
		}
		return nil
	})
	t.at(w.day(-5, 16, 30), func() error {
		for n := 4; n <= 6; n++ {
			if err := book(n); err != nil {
				return err
			}
		}
		return nil
	})

	now := w.now.In(w.zone())
	day := func(offset, hour int) time.Time {
		d := now.AddDate(0, 0, offset)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			if offset < 0 {
				d = d.AddDate(0, 0, -1)
			} else {
				d = d.AddDate(0, 0, 1)
			}
		}
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, w.zone())
	}
	// Next week's Wednesday, for the group.
	nextWeek := 7 + (int(time.Wednesday)-int(now.Weekday())+7)%7
	list := []demoAppointment{
		{-12, 14, schedule.Consultation, "", []string{"rx"}, []string{"jamie"}, "", schedule.Held},
		{-11, 9, schedule.Preparation, "", []string{"sam"}, []string{"robert"}, "Willow room", schedule.Held},
		{-8, 14, schedule.Integration, "", []string{"sam"}, []string{"alex"}, "Willow room", schedule.Held},
		{-7, 9, schedule.Preparation, "", []string{"elena"}, []string{"maya"}, "Willow room", schedule.Held},
		{-6, 11, schedule.FollowUp, "", []string{"rx"}, []string{"priscilla"}, "", schedule.Held},
		{-4, 14, schedule.Integration, "", []string{"sam"}, []string{"alex"}, "Willow room", schedule.Held},
		{-3, 10, schedule.Consultation, "", []string{"rx"}, []string{"daniel"}, "", schedule.Missed},
		{1, 9, schedule.Consultation, "", []string{"rx"}, []string{"daniel"}, "Willow room", schedule.Booked},
		{1, 13, schedule.Preparation, "", []string{"elena"}, []string{"priscilla"}, "Willow room", schedule.Booked},
		{1, 8, schedule.Consultation, "Team case review", []string{"sam"}, nil, "", schedule.Booked},
		{2, 14, schedule.Integration, "", []string{"sam"}, []string{"alex"}, "Willow room", schedule.Booked},
		{4, 9, schedule.FollowUp, "", []string{"elena"}, []string{"maya"}, "", schedule.Booked},
		{5, 10, schedule.Preparation, "", []string{"elena"}, []string{"daniel"}, "Willow room", schedule.Booked},
		{8, 15, schedule.Consultation, "", []string{"rx"}, []string{"jamie"}, "", schedule.Booked},
		{9, 9, schedule.Integration, "", []string{"sam"}, []string{"robert"}, "Cedar room", schedule.Booked},
		{nextWeek, 14, schedule.GroupSession, "Integration circle", []string{"sam", "elena"}, []string{"alex", "robert", "priscilla", "jamie"}, "Willow room", schedule.Booked},
	}
	for _, a := range list {
		start := day(a.days, a.hour)
		// The past of the fortnight was booked with Alex's first sessions,
		// what is to come after Alex's last ones, so Alex's bookings come
		// first and a day that collides with them is the fortnight's to
		// give up.
		when := w.day(-14, 9, 45)
		if a.days > 0 {
			when = w.day(-5, 17, 0)
		}
		// The first clinician books for their client; the circle, for
		// clients of several care teams, is Dr. Raman's to book.
		by := w.as[a.staff[0]]
		if a.kind == schedule.GroupSession {
			by = w.as["rx"]
		}
		var id string
		t.at(when, func() error {
			b := schedule.Booking{Kind: a.kind, Title: a.title, Start: start, RoomID: w.rooms[a.room]}
			for _, k := range a.staff {
				b.StaffIDs = append(b.StaffIDs, w.staff[k])
			}
			for _, k := range a.clients {
				b.Clients = append(b.Clients, schedule.Attendee{ClientID: w.clients[k]})
			}
			res, err := d.Book(ctx, by, b, schedule.Unread{})
			var ps clinic.Problems
			if errors.As(err, &ps) {
				// A day of the fortnight that happens to collide with Alex's
				// sessions is simply left out: the demo never double-books.
				return nil
			}
			if err != nil {
				return fmt.Errorf("demo appointment: %w", err)
			}
			id = res.Appointment.ID
			return nil
		})
		if a.status == schedule.Held || a.status == schedule.Missed {
			t.at(start.Add(time.Hour), func() error {
				if id == "" {
					return nil
				}
				if _, err := d.Mark(ctx, by, id, a.status, schedule.Unread{}); err != nil {
					return fmt.Errorf("demo appointment: %w", err)
				}
				return nil
			})
		}
	}
}
