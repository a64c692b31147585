package api

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
)

// The JSON API of the calendar, under the same access as the pages.
func (s *Server) routesScheduleAPI() {
	s.handle("GET /api/v1/appointments", s.api(s.apiAppointments))
	s.handle("POST /api/v1/appointments", s.api(s.apiBook))
	s.handle("GET /api/v1/appointments/{id}", s.api(s.apiAppointment))
	s.handle("POST /api/v1/appointments/{id}/move", s.api(s.apiAppointmentChange("move")))
	s.handle("POST /api/v1/appointments/{id}/cancel", s.api(s.apiAppointmentChange("cancel")))
	s.handle("POST /api/v1/appointments/{id}/mark", s.api(s.apiAppointmentChange("mark")))
	s.handle("GET /api/v1/rooms", s.api(s.apiRooms))
	s.handle("GET /api/v1/clients/{id}/appointments", s.api(s.apiClientAppointments))
}

// apiTime reads an RFC 3339 time, or a local "2026-12-01T10:00" in the
// practice's zone; problems go on field.
func apiTime(v, field string, zone *time.Location, ps *clinic.Problems) time.Time {
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	if t, ok := schedule.ParseLocal(v, zone); ok {
		return t
	}
	if t, err := time.ParseInLocation("2006-01-02", v, zone); err == nil {
		return t
	}
	ps.Add(field, "Give a time as RFC 3339 (2026-12-01T10:00:00-05:00) or in the practice's zone (2026-12-01T10:00).")
	return time.Time{}
}

// apiSpan reads the two ends of a span of time in the practice's zone,
// each given in its field; what cannot be read goes on ps.
func (s *Server) apiSpan(r *http.Request, a access.Actor, ps *clinic.Problems, fromField, from, toField, to string) (time.Time, time.Time, error) {
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return apiTime(from, fromField, zone, ps), apiTime(to, toField, zone, ps), nil
}

// apiAppointmentResult is an appointment with the warnings its booking drew.
type apiAppointmentResult struct {
	*schedule.Appointment
	Warnings []dosing.Warning `json:"warnings"`
}

func apiAppointment(ap *schedule.Appointment, warnings []dosing.Warning) apiAppointmentResult {
	return apiAppointmentResult{Appointment: ap, Warnings: append([]dosing.Warning{}, warnings...)}
}

func (s *Server) apiAppointments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	var ps clinic.Problems
	from, to, err := s.apiSpan(r, a, &ps, "from", q.Get("from"), "to", q.Get("to"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := schedule.Filter{PracticeID: a.PracticeID, From: from, To: to,
		StaffID: q.Get("staff"), RoomID: q.Get("room"), IncludeCancelled: q.Get("cancelled") == "true"}
	if f.From.IsZero() {
		f.From = s.now().Add(-24 * time.Hour)
	}
	if f.To.IsZero() {
		f.To = f.From.Add(31 * 24 * time.Hour)
	}
	if f.To.Sub(f.From) > 370*24*time.Hour {
		ps.Add("to", "Ask for at most a year at a time.")
	}
	v, err := s.doors.Schedule.Calendar(r.Context(), a, f, ps.Err())
	s.reply(w, r, err, http.StatusOK, map[string]any{"appointments": v.Appointments})
}

func (s *Server) apiAppointment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	v, err := s.doors.Schedule.Appointment(r.Context(), a, id)
	s.reply(w, r, err, http.StatusOK, v.Appointment)
}

type apiBookingInput struct {
	Kind     schedule.Kind       `json:"kind"`
	Title    string              `json:"title"`
	Start    string              `json:"start"`
	End      string              `json:"end"`
	RoomID   string              `json:"room_id"`
	StaffIDs []string            `json:"staff_ids"`
	Clients  []schedule.Attendee `json:"clients"`
	Override string              `json:"override_reason"`
}

func (s *Server) apiBook(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in apiBookingInput
	bad := Decode(r, &in)
	var ps clinic.Problems
	start, end, err := s.apiSpan(r, a, &ps, "start", in.Start, "end", in.End)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b := schedule.Booking{Kind: in.Kind, Title: in.Title, Start: start, End: end,
		RoomID: in.RoomID, StaffIDs: in.StaffIDs, Clients: in.Clients, Override: in.Override}
	for i := range b.Clients {
		b.Clients[i].CourseSessionID, b.Clients[i].Name, b.Clients[i].Hidden = "", "", false
	}
	booked, err := s.doors.Schedule.Book(r.Context(), a, b, schedule.Unread{Body: bad, Fields: ps.Err()})
	if bad != nil {
		s.Error(w, r, err)
		return
	}
	res := apiAppointment(booked.Appointment, booked.Warnings)
	status := http.StatusCreated
	// A medicine session that already had a booking moves that
	// appointment rather than adding a second one: say so with 200.
	if err == nil && res.Appointment != nil && res.Appointment.CreatedAt.Before(s.now()) {
		status = http.StatusOK
	}
	s.reply(w, r, err, status, res)
}

func (s *Server) apiAppointmentChange(op string) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id := r.PathValue("id")
		var in struct {
			Start    string `json:"start"`
			End      string `json:"end"`
			RoomID   string `json:"room_id"`
			Override string `json:"override_reason"`
			Reason   string `json:"reason"`
			Status   string `json:"status"`
		}
		bad := Decode(r, &in)
		var ps clinic.Problems
		start, end, err := s.apiSpan(r, a, &ps, "start", in.Start, "end", in.End)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		m := schedule.Change{Start: start, End: end, RoomID: in.RoomID, Override: in.Override}
		door, unread := s.doors.Schedule, schedule.Unread{Body: bad, Fields: ps.Err()}
		var ch schedule.Changed
		switch op {
		case "move":
			ch, err = door.Move(r.Context(), a, id, m, unread)
		case "cancel":
			ch, err = door.Cancel(r.Context(), a, id, in.Reason, unread)
		case "mark":
			ch, err = door.Mark(r.Context(), a, id, schedule.Status(in.Status), unread)
		}
		s.reply(w, r, err, http.StatusOK, apiAppointment(ch.Appointment, ch.Warnings))
	}
}

func (s *Server) apiRooms(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Schedule.Rooms(r.Context(), a)
	s.reply(w, r, err, http.StatusOK, map[string]any{"rooms": list})
}

func (s *Server) apiClientAppointments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	list, err := s.doors.Schedule.ClientAppointments(r.Context(), a, id)
	s.reply(w, r, err, http.StatusOK, map[string]any{"appointments": list})
}
