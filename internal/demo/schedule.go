package demo

import (
	"errors"
	"fmt"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

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

// schedule gives the practice two rooms, weekday hours for the clinicians,
// Alex's course as medicine-session appointments (three held, today's
// under way, two booked), a realistic fortnight of consultations,
// preparation and integration sessions around it, and a group integration
// circle next week. Run after courses().
func (w *world) schedule() error {
	zone, err := schedule.Zone(w.ctx, w.tx, w.practiceID)
	if err != nil {
		return err
	}
	now := w.now.In(zone)
	rooms := map[string]string{}
	for _, name := range []string{"Cedar room", "Willow room"} {
		r, err := schedule.AddRoom(w.ctx, w.tx, w.practiceID, name, w.now)
		if err != nil {
			return fmt.Errorf("demo room: %w", err)
		}
		rooms[name] = r.ID
	}
	for _, key := range []string{"rx", "sam", "elena", "jordan"} {
		var spans []schedule.Span
		for d := time.Monday; d <= time.Friday; d++ {
			spans = append(spans, schedule.Span{Weekday: d, Start: 8 * 60, End: 18 * 60})
		}
		if key == "sam" {
			// Sam keeps Saturday mornings for medicine sessions.
			spans = append(spans, schedule.Span{Weekday: time.Saturday, Start: 9 * 60, End: 13 * 60})
		}
		if err := schedule.SetAvailability(w.ctx, w.tx, w.practiceID, w.staff[key], spans, nil); err != nil {
			return fmt.Errorf("demo hours: %w", err)
		}
	}
	if err := w.alexAppointments(rooms["Cedar room"]); err != nil {
		return err
	}
	day := func(offset, hour int) time.Time {
		d := now.AddDate(0, 0, offset)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			if offset < 0 {
				d = d.AddDate(0, 0, -1)
			} else {
				d = d.AddDate(0, 0, 1)
			}
		}
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, zone)
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
	by := schedule.By{StaffID: w.staff["owner"], Admin: true}
	for _, d := range list {
		b := schedule.Booking{Kind: d.kind, Title: d.title, Start: day(d.days, d.hour), RoomID: rooms[d.room]}
		for _, k := range d.staff {
			b.StaffIDs = append(b.StaffIDs, w.staff[k])
		}
		for _, k := range d.clients {
			b.Clients = append(b.Clients, schedule.Attendee{ClientID: w.clients[k]})
		}
		a, _, err := schedule.Book(w.ctx, w.tx, w.practiceID, b, by, w.now)
		var ps clinic.Problems
		if errors.As(err, &ps) {
			// A day of the fortnight that happens to collide with Alex's
			// sessions is simply left out: the demo never double-books.
			continue
		}
		if err != nil {
			return fmt.Errorf("demo appointment: %w", err)
		}
		if d.status == schedule.Held || d.status == schedule.Missed {
			if _, err := schedule.Mark(w.ctx, w.tx, w.practiceID, a.ID, d.status, by, w.now); err != nil {
				return fmt.Errorf("demo appointment: %w", err)
			}
		}
	}
	return nil
}

// alexAppointments puts Alex's medicine sessions, as courses() recorded
// them, on the calendar: Sam and Jordan in the Cedar room, with Dr. Raman
// at the first.
func (w *world) alexAppointments(room string) error {
	rows, err := w.tx.Query(w.ctx, `SELECT s.id, s.course_id, s.session_number, s.scheduled_at, s.status FROM course_session s
		JOIN course c ON c.id = s.course_id WHERE s.client_id = ? AND c.status = 'active' AND s.status IN ('booked', 'held')
		ORDER BY s.session_number`, w.clients["alex"])
	if err != nil {
		return err
	}
	type row struct {
		id, course, status string
		n                  int
		at                 time.Time
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.course, &r.n, &r.at, &r.status); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	set, err := schedule.LoadSettings(w.ctx, w.tx, w.practiceID)
	if err != nil {
		return err
	}
	for _, r := range list {
		id := store.NewID()
		end := r.at.Add(set.Duration(schedule.MedicineSession))
		if _, err := w.tx.Exec(w.ctx, `INSERT INTO appointment (id, practice_id, kind, starts_at, ends_at, room_id, status, created_by, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, w.practiceID, string(schedule.MedicineSession), r.at.UTC(), end.UTC(), room, r.status,
			w.staff["owner"], w.now, w.staff["owner"], w.now); err != nil {
			return err
		}
		staff := []string{w.staff["sam"], w.staff["jordan"]}
		if r.n == 1 {
			staff = append(staff, w.staff["rx"])
		}
		for _, s := range staff {
			if _, err := w.tx.Exec(w.ctx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, id, w.practiceID, s); err != nil {
				return err
			}
		}
		if _, err := w.tx.Exec(w.ctx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id, course_id, session_number, course_session_id)
			VALUES (?, ?, ?, ?, ?, ?)`, id, w.practiceID, w.clients["alex"], r.course, r.n, r.id); err != nil {
			return err
		}
	}
	return nil
}
