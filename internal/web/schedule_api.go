package web

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// The JSON API of the calendar, under the same access as the pages.
func (s *Server) routesScheduleAPI() {
	s.handle(GateAPI, "GET /api/v1/appointments", s.api(s.apiAppointments))
	s.handle(GateAPI, "POST /api/v1/appointments", s.api(s.apiBook))
	s.handle(GateAPI, "GET /api/v1/appointments/{id}", s.api(s.apiAppointment))
	s.handle(GateAPI, "POST /api/v1/appointments/{id}/move", s.api(s.apiAppointmentChange("move")))
	s.handle(GateAPI, "POST /api/v1/appointments/{id}/cancel", s.api(s.apiAppointmentChange("cancel")))
	s.handle(GateAPI, "POST /api/v1/appointments/{id}/mark", s.api(s.apiAppointmentChange("mark")))
	s.handle(GateAPI, "GET /api/v1/rooms", s.api(s.apiRooms))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/appointments", s.api(s.apiClientAppointments))
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
	if t, ok := parseLocal(v, zone); ok {
		return t
	}
	if t, err := time.ParseInLocation("2006-01-02", v, zone); err == nil {
		return t
	}
	ps.Add(field, "Give a time as RFC 3339 (2026-12-01T10:00:00-05:00) or in the practice's zone (2026-12-01T10:00).")
	return time.Time{}
}

// apiAppointmentResult is an appointment with the warnings its booking drew.
type apiAppointmentResult struct {
	*schedule.Appointment
	Warnings []dosing.Warning `json:"warnings"`
}

func (s *Server) apiAppointments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	q := r.URL.Query()
	var ps clinic.Problems
	f := schedule.Filter{PracticeID: a.PracticeID, From: apiTime(q.Get("from"), "from", zone, &ps), To: apiTime(q.Get("to"), "to", zone, &ps),
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
	list := []schedule.Appointment{}
	err = s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "calendar"}, func(tx *store.Tx, _ access.Decision) error {
		if err := ps.Err(); err != nil {
			return err
		}
		got, err := schedule.List(r.Context(), tx, f)
		if err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(r.Context(), tx, a.StaffID)
		for _, ap := range got {
			ap.Redact(a.IsAdmin(), team)
			list = append(list, ap)
		}
		return err
	})
	if err != nil {
		s.apiError(w, r, a, chartProblems(err, ""))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointments": list})
}

func (s *Server) apiAppointment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var ap *schedule.Appointment
	err := s.appointmentAccess(r.Context(), a, id, access.ScheduleRead, func(tx *store.Tx) error {
		var err error
		if ap, err = schedule.Load(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(r.Context(), tx, a.StaffID)
		ap.Redact(a.IsAdmin(), team)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, ap)
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
	bad := decodeJSON(r, &in)
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	var ps clinic.Problems
	b := schedule.Booking{Kind: in.Kind, Title: in.Title, Start: apiTime(in.Start, "start", zone, &ps), End: apiTime(in.End, "end", zone, &ps),
		RoomID: in.RoomID, StaffIDs: in.StaffIDs, Clients: in.Clients, Override: in.Override}
	for i := range b.Clients {
		b.Clients[i].CourseSessionID, b.Clients[i].Name, b.Clients[i].Hidden = "", "", false
	}
	if bad != nil {
		// A body that cannot be read names no client to decide the booking
		// on: decide only that this token may use the schedule, then refuse
		// the body, rather than answer a rule about a booking never asked for.
		err = s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "appointment"}, func(*store.Tx, access.Decision) error { return bad })
		s.apiError(w, r, a, err)
		return
	}
	res := apiAppointmentResult{Warnings: []dosing.Warning{}}
	err = s.bookingAccess(r.Context(), a, store.NewID(), b, func(tx *store.Tx) error {
		if err := ps.Err(); err != nil {
			return err
		}
		ap, warnings, err := schedule.Book(r.Context(), tx, a.PracticeID, b, scheduleWho(a), s.now())
		res.Appointment = ap
		res.Warnings = append(res.Warnings, warnings...)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, chartProblems(err, ""))
		return
	}
	// A medicine session that already had a booking moves that
	// appointment rather than adding a second one: say so with 200.
	if res.Appointment != nil && res.Appointment.CreatedAt.Before(s.now()) {
		writeJSON(w, http.StatusOK, res)
		return
	}
	writeJSON(w, http.StatusCreated, res)
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
		bad := decodeJSON(r, &in)
		zone, err := s.practiceZone(r, a.PracticeID)
		if err != nil {
			s.apiError(w, r, a, err)
			return
		}
		var ps clinic.Problems
		m := schedule.Change{Start: apiTime(in.Start, "start", zone, &ps), End: apiTime(in.End, "end", zone, &ps), RoomID: in.RoomID, Override: in.Override}
		res := apiAppointmentResult{Warnings: []dosing.Warning{}}
		err = s.appointmentAccess(r.Context(), a, id, access.AppointmentManage, func(tx *store.Tx) error {
			if bad != nil {
				return bad
			}
			if err := ps.Err(); err != nil {
				return err
			}
			ctx, by, now := r.Context(), scheduleWho(a), s.now()
			var err error
			switch op {
			case "move":
				var warnings []dosing.Warning
				res.Appointment, warnings, err = schedule.Move(ctx, tx, a.PracticeID, id, m, by, now)
				res.Warnings = append(res.Warnings, warnings...)
			case "cancel":
				res.Appointment, err = schedule.Cancel(ctx, tx, a.PracticeID, id, in.Reason, by, now)
			case "mark":
				res.Appointment, err = schedule.Mark(ctx, tx, a.PracticeID, id, schedule.Status(in.Status), by, now)
			}
			return err
		})
		if err != nil {
			s.apiError(w, r, a, chartProblems(err, ""))
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) apiRooms(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list := []schedule.Room{}
	err := s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "room_list"}, func(tx *store.Tx, _ access.Decision) error {
		got, err := schedule.Rooms(r.Context(), tx, a.PracticeID)
		list = append(list, got...)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rooms": list})
}

func (s *Server) apiClientAppointments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	list := []schedule.Appointment{}
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "appointment_list", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		got, err := schedule.List(r.Context(), tx, schedule.Filter{PracticeID: a.PracticeID, ClientID: id, IncludeCancelled: true})
		if err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(r.Context(), tx, a.StaffID)
		for _, ap := range got {
			// Others in a group are not this client's record.
			ap.Redact(false, map[string]bool{id: a.IsAdmin() || team[id]})
			list = append(list, ap)
		}
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointments": list})
}
