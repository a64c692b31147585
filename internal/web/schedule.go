package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
)

// routesSchedule registers the pages and API of the calendar, appointments, rooms, availability, group sessions and the dosing gate at booking.
func (s *Server) routesSchedule() {
	s.handle(GateStaff, "GET /calendar", s.calendar)
	s.handle(GateStaff, "GET /appointments/new", func(w http.ResponseWriter, r *http.Request) { s.renderBooking(w, r, nil, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /appointments/new", s.bookAppointment)
	s.handle(GateStaff, "GET /appointments/{id}", func(w http.ResponseWriter, r *http.Request) { s.renderAppointment(w, r, nil, "", http.StatusOK) })
	s.handle(GateStaff, "POST /appointments/{id}/move", s.appointmentChange("move"))
	s.handle(GateStaff, "POST /appointments/{id}/cancel", s.appointmentChange("cancel"))
	s.handle(GateStaff, "POST /appointments/{id}/mark", s.appointmentChange("mark"))
	s.handle(GateClient, "GET /portal/appointments", s.portalAppointments)
	s.routesScheduleAdmin()
}

// scheduleDoor is the calendar's front door, on the server's clock.
func (s *Server) scheduleDoor() *schedule.Door {
	return s.doors.Schedule
}

// maxGroupRows is how many client rows the booking form offers.
const maxGroupRows = 8

// bookingFromForm reads the booking form; bad dates fail on the form.
func bookingFromForm(f *Form, zone *time.Location) schedule.Booking {
	b := schedule.Booking{Kind: schedule.Kind(f.Get("kind")), Title: f.Get("title"), RoomID: f.Get("room"), Override: f.Get("override_reason")}
	if v := f.Get("start"); v != "" {
		if t, ok := schedule.ParseLocal(v, zone); ok {
			b.Start = t
		} else {
			f.Fail("start", "Give the date and time it starts, such as 2026-12-01 10:00.")
		}
	}
	if v := f.Get("end"); v != "" {
		if t, ok := schedule.ParseLocal(v, zone); ok {
			b.End = t
		} else {
			f.Fail("end", "Give the date and time it ends, such as 2026-12-01 12:30, or leave it empty for the usual length.")
		}
	}
	for _, v := range f.Values["staff"] {
		b.StaffIDs = append(b.StaffIDs, strings.TrimSpace(v))
	}
	for i := range maxGroupRows {
		k := "clients." + strconv.Itoa(i)
		id := f.Get(k)
		if id == "" {
			continue
		}
		n, _ := strconv.Atoi(f.Get(k + ".session"))
		b.Clients = append(b.Clients, schedule.Attendee{ClientID: id, CourseID: f.Get(k + ".course"), SessionNumber: n})
	}
	return b
}

// bookingRow is one client row of the booking form: its index and the
// number people read.
type bookingRow struct{ I, N int }

type bookingPage struct {
	Kinds     []schedule.Kind
	Rooms     []schedule.Room
	Staff     []clinic.StaffMember
	Clients   []clinic.Client
	Courses   []schedule.CourseOption
	Rows      []bookingRow
	ExtraOpen bool
	Minutes   map[schedule.Kind]int
	Admin     bool
	Gate      []string
	Warnings  []string
	// Moving says the session is booked already and saving moves
	// MovingID, the appointment that holds it.
	Moving   string
	MovingID string
}

func (s *Server) renderBooking(w http.ResponseWriter, r *http.Request, form *Form, warnings []string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := bookingPage{Kinds: schedule.Kinds, Admin: a.IsAdmin(), Warnings: warnings}
	for i := range maxGroupRows {
		d.Rows = append(d.Rows, bookingRow{I: i, N: i + 1})
	}
	prefill := form == nil
	if prefill {
		form = bookingPrefill(r.URL.Query(), a)
	}
	n, _ := strconv.Atoi(form.Get("clients.0.session"))
	bf, err := s.scheduleDoor().BookingForm(r.Context(), a, schedule.BookingFormIn{Kind: schedule.Kind(form.Get("kind")),
		ClientID: form.Get("clients.0"), CourseID: form.Get("clients.0.course"), Session: n})
	d.Rooms, d.Staff, d.Clients, d.Courses, d.Minutes = bf.Rooms, bf.Staff, bf.Clients, bf.Courses, bf.Minutes
	if err == nil && bf.Moving != nil {
		bookingMoves(form, bf.Moving, n, sess.Zone, prefill, &d)
	}
	if s.chartFailed(w, r, err) {
		return
	}
	for i := 1; i < maxGroupRows; i++ {
		if form.Get("clients."+strconv.Itoa(i)) != "" {
			d.ExtraOpen = true
		}
	}
	for _, field := range form.order {
		if strings.HasPrefix(field, "gate.") {
			d.Gate = append(d.Gate, form.Errors[field])
		}
	}
	title := "Book an appointment"
	if d.Moving != "" {
		title = "Move a medicine session"
	}
	p := s.page(w, r, title, d)
	p.Form = form
	s.render(w, r, status, "schedule_new", p)
}

// bookingPrefill is the booking form as a link fills it: the course page
// sends the client, course and session number of a medicine session.
func bookingPrefill(q url.Values, a access.Actor) *Form {
	form := NewForm(nil)
	form.Set("kind", q.Get("kind"))
	if form.Get("kind") == "" {
		form.Set("kind", string(schedule.Consultation))
	}
	if v := q.Get("start"); v != "" {
		form.Set("start", v)
	}
	if v := q.Get("client"); v != "" {
		form.Set("clients.0", v)
		form.Set("clients.0.course", q.Get("course"))
		form.Set("clients.0.session", q.Get("session"))
	}
	staff := q["staff"]
	if len(staff) == 0 && !a.SeesEveryClient() {
		staff = []string{a.StaffID}
	}
	form.Values["staff"] = staff
	return form
}

// bookingMoves says, for a medicine session whose session n is already
// booked on the calendar (by h), that saving moves that appointment; a
// fresh form starts from its time, room and clinicians.
func bookingMoves(form *Form, h *schedule.Appointment, n int, zone *time.Location, prefill bool, d *bookingPage) {
	d.MovingID = h.ID
	d.Moving = "Session " + strconv.Itoa(n) + " is booked for " + h.Start.In(zone).Format("Mon 2 Jan 15:04") + inRoom(h.RoomName) +
		" with " + h.StaffNames() + "; saving moves that appointment to the time below."
	if prefill {
		if form.Get("start") == "" {
			form.Set("start", h.Start.In(zone).Format("2006-01-02T15:04"))
		}
		form.Set("room", h.RoomID)
		staff := make([]string, len(h.Staff))
		for i, p := range h.Staff {
			staff[i] = p.ID
		}
		form.Values["staff"] = staff
		form.Set("title", h.Title)
	}
}

func inRoom(room string) string {
	if room == "" {
		return ""
	}
	return " in " + room
}

func (s *Server) bookAppointment(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	b := bookingFromForm(form, sess.Zone)
	var res schedule.BookResult
	err := formProblems(form)
	if err == nil {
		res, err = s.scheduleDoor().Book(r.Context(), a, b, schedule.Unread{})
	}
	booked, moved, warnings := res.Appointment, res.Moved, res.Warnings
	if err == nil {
		msg := "Booked: " + booked.Label() + ", " + booked.Start.In(sess.Zone).Format("Mon 2 Jan 15:04") + "."
		if moved != nil && moved.ID == booked.ID {
			msg = "Moved: " + booked.Label() + " from " + moved.Start.In(sess.Zone).Format("Mon 2 Jan 15:04") + " to " +
				booked.Start.In(sess.Zone).Format("Mon 2 Jan 15:04") + "; the old time is kept in the history."
		}
		for _, wa := range warnings {
			msg += " Note: " + wa.Message
		}
		s.redirect(w, r, "/appointments/"+booked.ID, "ok", msg)
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	var texts []string
	for _, wa := range warnings {
		texts = append(texts, wa.Message)
	}
	s.renderBooking(w, r, form, texts, http.StatusUnprocessableEntity)
}

type appointmentPage struct {
	Appointment *schedule.Appointment
	History     []schedule.HistoryEntry
	Rooms       []schedule.Room
	CanManage   bool
	Admin       bool
	// Chart: the viewer may open charts; the front desk is shown no link
	// to a course or a session record.
	Chart bool
	Open  string
}

func (s *Server) renderAppointment(w http.ResponseWriter, r *http.Request, form *Form, open string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	d := appointmentPage{Admin: a.IsAdmin(), Chart: a.ReadsCharts(), Open: open}
	v, err := s.scheduleDoor().Appointment(r.Context(), a, id)
	d.Appointment, d.History, d.Rooms, d.CanManage = v.Appointment, v.History, v.Rooms, v.CanManage
	if s.chartFailed(w, r, err) {
		return
	}
	if form == nil {
		form = NewForm(nil)
		form.Set("start", d.Appointment.Start.In(sess.Zone).Format("2006-01-02T15:04"))
		form.Set("end", d.Appointment.End.In(sess.Zone).Format("2006-01-02T15:04"))
		form.Set("room", d.Appointment.RoomID)
	}
	p := s.page(w, r, d.Appointment.Label(), d)
	p.Form = form
	s.render(w, r, status, "schedule_appointment", p)
}

// appointmentChange answers the move, cancel and mark forms.
func (s *Server) appointmentChange(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		a := sess.Actor
		id := r.PathValue("id")
		r.ParseForm()
		form := NewForm(r.PostForm)
		var m schedule.Change
		if op == "move" {
			start, ok := schedule.ParseLocal(form.Get("start"), sess.Zone)
			if !ok {
				form.Fail("start", "Give the new date and time, such as 2026-12-01 10:00.")
			}
			m = schedule.Change{Start: start, RoomID: form.Get("room"), Override: form.Get("override_reason")}
			if v := form.Get("end"); v != "" {
				if m.End, ok = schedule.ParseLocal(v, sess.Zone); !ok {
					form.Fail("end", "Give the new end, or leave it empty to keep the length.")
				}
			}
		}
		var msg string
		var warnings []dosing.Warning
		err := formProblems(form)
		if err == nil {
			door := s.scheduleDoor()
			var res schedule.Changed
			switch op {
			case "move":
				res, err = door.Move(r.Context(), a, id, m, schedule.Unread{})
				if err == nil {
					msg = "Moved to " + res.Appointment.Start.In(sess.Zone).Format("Mon 2 Jan 15:04") + "; the old time is kept in the history."
				}
			case "cancel":
				_, err = door.Cancel(r.Context(), a, id, form.Get("reason"), schedule.Unread{})
				msg = "The appointment is cancelled; the reason is on record."
			case "mark":
				_, err = door.Mark(r.Context(), a, id, schedule.Status(form.Get("status")), schedule.Unread{})
				msg = "Marked " + form.Get("status") + "."
			}
			warnings = res.Warnings
		}
		if err == nil {
			for _, wa := range warnings {
				msg += " Note: " + wa.Message
			}
			s.redirect(w, r, "/appointments/"+id, "ok", msg)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
			return
		}
		s.renderAppointment(w, r, form, op, http.StatusUnprocessableEntity)
	}
}

// appointmentQuery builds a link back to the calendar for the same view.
func appointmentQuery(vals map[string]string) string {
	q := url.Values{}
	for k, v := range vals {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/calendar"
	}
	return "/calendar?" + q.Encode()
}
