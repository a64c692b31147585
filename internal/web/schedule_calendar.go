package web

import (
	"net/http"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

// calendarDay is one column of the calendar.
type calendarDay struct {
	Date  time.Time
	Today bool
	Items []schedule.Appointment
}

type calendarPage struct {
	View      string
	Date      string
	Heading   string
	Days      []calendarDay
	Staff     []clinic.StaffMember
	Rooms     []schedule.Room
	StaffID   string
	RoomID    string
	Prev      string
	Next      string
	TodayLink string
	DayLink   string
	WeekLink  string
	MineLink  string
	Admin     bool
	// Booked: the viewer can be booked (a clinician or administrator),
	// so has working hours and appointments of their own; the front desk
	// has neither.
	Booked bool
}

// calendar shows a day or a week (Monday first) for the practice, one
// clinician or one room. Client names show only for the viewer's own
// clients (or to administrators).
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	zone := sess.Zone
	q := r.URL.Query()
	d := calendarPage{View: q.Get("view"), StaffID: q.Get("staff"), RoomID: q.Get("room"), Admin: a.IsAdmin(), Booked: a.ReadsCharts()}
	if d.View != "day" {
		d.View = "week"
	}
	now := s.now().In(zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zone)
	day := today
	if v := q.Get("date"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, zone); err == nil {
			day = t
		}
	}
	first, n := day, 1
	if d.View == "week" {
		offset := (int(day.Weekday()) + 6) % 7
		first, n = day.AddDate(0, 0, -offset), 7
	}
	last := first.AddDate(0, 0, n)
	d.Date = day.Format("2006-01-02")
	if n == 1 {
		d.Heading = day.Format("Monday 2 January 2006")
	} else {
		d.Heading = "Week of " + first.Format("2 January 2006")
	}
	link := func(view string, date time.Time, staff, room string) string {
		return appointmentQuery(map[string]string{"view": view, "date": date.Format("2006-01-02"), "staff": staff, "room": room})
	}
	d.Prev = link(d.View, first.AddDate(0, 0, -n), d.StaffID, d.RoomID)
	d.Next = link(d.View, last, d.StaffID, d.RoomID)
	d.TodayLink = link(d.View, today, d.StaffID, d.RoomID)
	d.DayLink = link("day", day, d.StaffID, d.RoomID)
	d.WeekLink = link("week", day, d.StaffID, d.RoomID)
	d.MineLink = link(d.View, day, a.StaffID, "")
	for i := range n {
		date := first.AddDate(0, 0, i)
		d.Days = append(d.Days, calendarDay{Date: date, Today: date.Equal(today)})
	}
	v, err := s.scheduleDoor().Calendar(r.Context(), a, schedule.Filter{From: first, To: last, StaffID: d.StaffID, RoomID: d.RoomID, IncludeCancelled: true}, nil)
	d.Staff, d.Rooms = v.Staff, v.Rooms
	for _, ap := range v.Appointments {
		for i := range d.Days {
			start, end := d.Days[i].Date, d.Days[i].Date.AddDate(0, 0, 1)
			if ap.Start.Before(end) && ap.End.After(start) {
				d.Days[i].Items = append(d.Days[i].Items, ap)
			}
		}
	}
	if s.chartFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "schedule_calendar", s.page(w, r, "Calendar", d))
}
