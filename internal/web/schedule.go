package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
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
	s.routesScheduleAPI()
}

// scheduleWho is how the schedule package sees the actor.
func scheduleWho(a access.Actor) schedule.By {
	return schedule.By{StaffID: a.StaffID, Admin: a.IsAdmin(), Kind: a.Kind}
}

// appointmentAccess decides a change of (or a look at) an appointment: for
// each of its clients under act, in tx, so a group needs the actor to be
// allowed for every client. A staff-only block is an administrator's, or
// its own clinicians'.
func (s *Server) appointmentAccess(ctx context.Context, a access.Actor, id string, act access.Action, fn func(tx *store.Tx) error) error {
	var clients []string
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		clients, err = schedule.ClientsOf(ctx, tx, a.PracticeID, id)
		return err
	}); err != nil {
		return err
	}
	ref := access.Ref{Type: "appointment", ID: id}
	useAct := act
	if len(clients) > 0 {
		ref.ClientID = clients[0]
	} else if act == access.AppointmentManage && !a.IsAdmin() {
		useAct = access.ScheduleRead
	}
	return s.access.Do(ctx, a, useAct, ref, func(tx *store.Tx, _ access.Decision) error {
		for _, c := range clients[min(1, len(clients)):] {
			if _, err := s.access.Authorize(ctx, tx, a, act, access.Ref{Type: "appointment", ID: id, ClientID: c}); err != nil {
				return err
			}
		}
		if len(clients) == 0 && useAct != act {
			ap, err := schedule.Load(ctx, tx, a.PracticeID, id)
			if err != nil {
				return err
			}
			if !ap.HasStaff(a.StaffID) {
				return &access.Denied{Action: act, Record: access.Record{Type: "appointment", ID: id, PracticeID: a.PracticeID},
					Reason: "a staff-only block is changed by the clinicians on it or by an administrator"}
			}
		}
		return fn(tx)
	})
}

// bookingAccess decides a new booking the same way: every client under
// AppointmentManage; with no client, an administrator, or a clinician
// blocking their own time.
func (s *Server) bookingAccess(ctx context.Context, a access.Actor, id string, b schedule.Booking, fn func(tx *store.Tx) error) error {
	ref := access.Ref{Type: "appointment", ID: id}
	act := access.AppointmentManage
	if len(b.Clients) > 0 {
		ref.ClientID = b.Clients[0].ClientID
	} else if !a.IsAdmin() {
		act = access.ScheduleRead
	}
	return s.access.Do(ctx, a, act, ref, func(tx *store.Tx, _ access.Decision) error {
		for _, c := range b.Clients[min(1, len(b.Clients)):] {
			if _, err := s.access.Authorize(ctx, tx, a, access.AppointmentManage, access.Ref{Type: "appointment", ID: id, ClientID: c.ClientID}); err != nil {
				return err
			}
		}
		if act == access.ScheduleRead && (len(b.StaffIDs) != 1 || b.StaffIDs[0] != a.StaffID) {
			return clinic.Problems{{Field: "staff", Message: "Without a client, a clinician books only their own time; a practice administrator books time for others."}}
		}
		return fn(tx)
	})
}

// parseLocal reads a form's datetime-local value in the practice's zone.
func parseLocal(v string, zone *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// maxGroupRows is how many client rows the booking form offers.
const maxGroupRows = 8

// bookingFromForm reads the booking form; bad dates fail on the form.
func bookingFromForm(f *Form, zone *time.Location) schedule.Booking {
	b := schedule.Booking{Kind: schedule.Kind(f.Get("kind")), Title: f.Get("title"), RoomID: f.Get("room"), Override: f.Get("override_reason")}
	if v := f.Get("start"); v != "" {
		if t, ok := parseLocal(v, zone); ok {
			b.Start = t
		} else {
			f.Fail("start", "Give the date and time it starts, such as 2026-12-01 10:00.")
		}
	}
	if v := f.Get("end"); v != "" {
		if t, ok := parseLocal(v, zone); ok {
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
	err := s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "booking_form"}, func(tx *store.Tx, _ access.Decision) error {
		ctx := r.Context()
		var err error
		if d.Rooms, err = schedule.Rooms(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if d.Staff, err = clinic.Staff(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		f := clinic.ClientFilter{PracticeID: a.PracticeID, Now: s.now()}
		if !a.IsAdmin() {
			f.StaffID = a.StaffID
		}
		if d.Clients, err = clinic.ListClients(ctx, tx, f); err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range d.Clients {
			names[c.ID] = c.Name()
		}
		if d.Courses, err = schedule.ActiveCourses(ctx, tx, a.PracticeID, names); err != nil {
			return err
		}
		if err := s.bookingMoves(ctx, tx, a, form, names, sess.Zone, prefill, &d); err != nil {
			return err
		}
		set, err := schedule.LoadSettings(ctx, tx, a.PracticeID)
		d.Minutes = set.Minutes
		return err
	})
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
	if len(staff) == 0 && !a.IsAdmin() {
		staff = []string{a.StaffID}
	}
	form.Values["staff"] = staff
	return form
}

// bookingMoves says, for a medicine session whose session is already
// booked on the calendar, that saving moves that appointment; a fresh form
// starts from its time, room and clinicians. Only for a client the viewer
// may book (the names list).
func (s *Server) bookingMoves(ctx context.Context, tx *store.Tx, a access.Actor, form *Form, names map[string]string, zone *time.Location, prefill bool, d *bookingPage) error {
	if schedule.Kind(form.Get("kind")) != schedule.MedicineSession {
		return nil
	}
	client, courseID := form.Get("clients.0"), form.Get("clients.0.course")
	n, _ := strconv.Atoi(form.Get("clients.0.session"))
	if _, ok := names[client]; !ok || courseID == "" || n < 1 {
		return nil
	}
	h, err := schedule.Holder(ctx, tx, a.PracticeID, courseID, n)
	if err != nil || h == nil || len(h.Clients) != 1 || h.Clients[0].ClientID != client {
		return err
	}
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
	return nil
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
	var booked *schedule.Appointment
	var warnings []dosing.Warning
	var moved *schedule.Appointment
	err := formProblems(form)
	if err == nil {
		err = s.bookingAccess(r.Context(), a, store.NewID(), b, func(tx *store.Tx) error {
			ctx := r.Context()
			if b.Kind == schedule.MedicineSession && len(b.Clients) == 1 && b.Clients[0].CourseID != "" {
				var err error
				if moved, err = schedule.Holder(ctx, tx, a.PracticeID, b.Clients[0].CourseID, b.Clients[0].SessionNumber); err != nil {
					return err
				}
			}
			var err error
			booked, warnings, err = schedule.Book(ctx, tx, a.PracticeID, b, scheduleWho(a), s.now())
			return err
		})
	}
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
	Open        string
}

func (s *Server) renderAppointment(w http.ResponseWriter, r *http.Request, form *Form, open string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	d := appointmentPage{Admin: a.IsAdmin(), Open: open}
	err := s.appointmentAccess(r.Context(), a, id, access.ScheduleRead, func(tx *store.Tx) error {
		ctx := r.Context()
		var err error
		if d.Appointment, err = schedule.Load(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(ctx, tx, a.StaffID)
		if err != nil {
			return err
		}
		d.Appointment.Redact(a.IsAdmin(), team)
		d.CanManage = a.IsAdmin() || (a.Has(access.Prescriber, access.Therapist) && allVisible(d.Appointment)) || (len(d.Appointment.Clients) == 0 && d.Appointment.HasStaff(a.StaffID))
		if d.History, err = schedule.History(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		d.Rooms, err = schedule.Rooms(ctx, tx, a.PracticeID)
		return err
	})
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

func allVisible(a *schedule.Appointment) bool {
	for _, c := range a.Clients {
		if c.Hidden {
			return false
		}
	}
	return true
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
			start, ok := parseLocal(form.Get("start"), sess.Zone)
			if !ok {
				form.Fail("start", "Give the new date and time, such as 2026-12-01 10:00.")
			}
			m = schedule.Change{Start: start, RoomID: form.Get("room"), Override: form.Get("override_reason")}
			if v := form.Get("end"); v != "" {
				if m.End, ok = parseLocal(v, sess.Zone); !ok {
					form.Fail("end", "Give the new end, or leave it empty to keep the length.")
				}
			}
		}
		var msg string
		var warnings []dosing.Warning
		err := formProblems(form)
		if err == nil {
			err = s.appointmentAccess(r.Context(), a, id, access.AppointmentManage, func(tx *store.Tx) error {
				ctx, by, now := r.Context(), scheduleWho(a), s.now()
				var err error
				switch op {
				case "move":
					var ap *schedule.Appointment
					ap, warnings, err = schedule.Move(ctx, tx, a.PracticeID, id, m, by, now)
					if err == nil {
						msg = "Moved to " + ap.Start.In(sess.Zone).Format("Mon 2 Jan 15:04") + "; the old time is kept in the history."
					}
				case "cancel":
					_, err = schedule.Cancel(ctx, tx, a.PracticeID, id, form.Get("reason"), by, now)
					msg = "The appointment is cancelled; the reason is on record."
				case "mark":
					_, err = schedule.Mark(ctx, tx, a.PracticeID, id, schedule.Status(form.Get("status")), by, now)
					msg = "Marked " + form.Get("status") + "."
				}
				return err
			})
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
