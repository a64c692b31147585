package web

import (
	"net/http"
	"strconv"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

// Rooms and durations are the practice's (SettingsManage); weekly hours
// are each clinician's own (an administrator may set anyone's); the
// calendar feed is each staff member's own.
func (s *Server) routesScheduleAdmin() {
	s.handle(GateStaff, "GET /admin/rooms", func(w http.ResponseWriter, r *http.Request) { s.renderRooms(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /admin/rooms", s.roomChange)
	s.handle(GateStaff, "POST /admin/rooms/{id}", s.roomChange)
	s.handle(GateStaff, "GET /admin/schedule-settings", func(w http.ResponseWriter, r *http.Request) { s.renderScheduleSettings(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /admin/schedule-settings", s.saveScheduleSettings)
	s.handle(GateStaff, "GET /calendar/availability", func(w http.ResponseWriter, r *http.Request) { s.renderAvailability(w, r, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /calendar/availability", s.saveAvailability)
	s.handle(GateStaff, "GET /calendar/feed", func(w http.ResponseWriter, r *http.Request) { s.renderFeed(w, r, "") })
	s.handle(GateStaff, "POST /calendar/feed", s.feedChange)
	s.handle(GateStaff, "POST /calendar/feed/revoke", s.feedChange)
	s.public("GET /ics/{token}", s.icsFeed)
}

type roomsPage struct {
	adminTabs
	Rooms []schedule.Room
}

func (s *Server) renderRooms(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := roomsPage{adminTabs: tabsFor(r.URL.Path)}
	var err error
	d.Rooms, err = s.scheduleDoor().RoomsToManage(r.Context(), a)
	if s.chartFailed(w, r, err) {
		return
	}
	p := s.page(w, r, "Rooms", d)
	if form != nil {
		p.Form = form
	}
	s.render(w, r, status, "schedule_rooms", p)
}

func (s *Server) roomChange(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	op := form.Get("op")
	res, err := s.scheduleDoor().ChangeRoom(r.Context(), a, id, schedule.RoomChange{Op: op, Name: form.Get("name")})
	var msg string
	switch {
	case id == "":
		msg = res.Room.Name + " is added."
	case op == "rename":
		msg = "The room is renamed."
	case op == "restore":
		msg = "The room is back in use."
	case op == "retire":
		msg = "The room is retired; it is no longer offered for new bookings."
		if res.StillBooked > 0 {
			msg += " " + strconv.Itoa(res.StillBooked) + " booked appointment(s) still use it: please move them."
		}
	}
	if err == nil {
		s.redirect(w, r, "/admin/rooms", "ok", msg)
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderRooms(w, r, form, http.StatusUnprocessableEntity)
}

type scheduleSettingsPage struct {
	adminTabs
	Kinds    []schedule.Kind
	Defaults schedule.Settings
}

func (s *Server) renderScheduleSettings(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := scheduleSettingsPage{adminTabs: tabsFor(r.URL.Path), Kinds: schedule.Kinds, Defaults: schedule.DefaultSettings()}
	set, err := s.scheduleDoor().Settings(r.Context(), a)
	if s.chartFailed(w, r, err) {
		return
	}
	if form == nil {
		form = NewForm(nil)
		for _, k := range schedule.Kinds {
			form.Set("minutes."+string(k), strconv.Itoa(set.Minutes[k]))
		}
		form.Set("clients_per_clinician", strconv.Itoa(set.ClientsPerClinician))
		if set.FeedClientNames {
			form.Set("feed_client_names", "yes")
		}
	}
	p := s.page(w, r, "Scheduling settings", d)
	p.Form = form
	s.render(w, r, status, "schedule_settings", p)
}

func (s *Server) saveScheduleSettings(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	set := schedule.Settings{Minutes: map[schedule.Kind]int{}, FeedClientNames: form.Get("feed_client_names") == "yes"}
	for _, k := range schedule.Kinds {
		set.Minutes[k], _ = strconv.Atoi(form.Get("minutes." + string(k)))
	}
	set.ClientsPerClinician, _ = strconv.Atoi(form.Get("clients_per_clinician"))
	err := s.scheduleDoor().SaveSettings(r.Context(), a, set)
	if err == nil {
		s.redirect(w, r, "/admin/schedule-settings", "ok", "The scheduling settings are saved.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderScheduleSettings(w, r, form, http.StatusUnprocessableEntity)
}

// The availability form offers two spans a day.
const spansPerDay = 2

type availabilityPage struct {
	StaffID   string
	StaffName string
	Staff     []clinic.StaffMember
	Admin     bool
	Days      []time.Weekday
	Slots     []int
}

func (s *Server) renderAvailability(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := availabilityPage{StaffID: r.URL.Query().Get("staff"), Admin: a.IsAdmin(), Slots: []int{0, 1},
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}}
	if form != nil {
		d.StaffID = form.Get("staff")
	}
	if d.StaffID == "" {
		d.StaffID = a.StaffID
	}
	v, err := s.scheduleDoor().Availability(r.Context(), a, d.StaffID)
	d.Staff, d.StaffName = v.Staff, v.StaffName
	spans := v.Spans
	if s.chartFailed(w, r, err) {
		return
	}
	if form == nil {
		form = NewForm(nil)
		count := map[time.Weekday]int{}
		for _, sp := range spans {
			i := count[sp.Weekday]
			count[sp.Weekday]++
			if i >= spansPerDay {
				continue
			}
			f := schedule.SpanField(sp.Weekday, i)
			form.Set(f+".start", clockText(sp.Start))
			form.Set(f+".end", clockText(sp.End))
		}
	}
	p := s.page(w, r, "Working hours · "+d.StaffName, d)
	p.Form = form
	s.render(w, r, status, "schedule_availability", p)
}

func clockText(m int) string { return schedule.Span{Start: m, End: m}.String()[:5] }

func (s *Server) saveAvailability(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	staffID := form.Get("staff")
	if staffID == "" {
		staffID = a.StaffID
	}
	var spans []schedule.Span
	var fields []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		for i := range spansPerDay {
			f := schedule.SpanField(d, i)
			from, to := form.Get(f+".start"), form.Get(f+".end")
			if from == "" && to == "" {
				continue
			}
			st, ok1 := schedule.ParseClock(from)
			en, ok2 := schedule.ParseClock(to)
			if !ok1 || !ok2 {
				form.Fail(f, "Give both times of the span as hours and minutes, such as 09:00 and 17:00.")
				continue
			}
			spans = append(spans, schedule.Span{Weekday: d, Start: st, End: en})
			fields = append(fields, f)
		}
	}
	err := formProblems(form)
	if err == nil {
		err = s.scheduleDoor().SetAvailability(r.Context(), a, staffID, spans, fields)
	}
	if err == nil {
		s.redirect(w, r, "/calendar/availability?staff="+staffID, "ok", "The working hours are saved.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	form.Set("staff", staffID)
	s.renderAvailability(w, r, form, http.StatusUnprocessableEntity)
}

type feedPage struct {
	Feed *schedule.Feed
	// URL is shown once, right after the feed is made.
	URL string
}

func (s *Server) renderFeed(w http.ResponseWriter, r *http.Request, url string) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := feedPage{URL: url}
	var err error
	d.Feed, err = s.scheduleDoor().Feed(r.Context(), a)
	if s.chartFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "schedule_feed", s.page(w, r, "Calendar feed", d))
}

func (s *Server) feedChange(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	revoke := r.URL.Path == "/calendar/feed/revoke"
	var token string
	var err error
	if revoke {
		err = s.scheduleDoor().RevokeFeed(r.Context(), a)
	} else {
		token, err = s.scheduleDoor().NewFeed(r.Context(), a)
	}
	if s.chartFailed(w, r, err) {
		return
	}
	if revoke {
		s.redirect(w, r, "/calendar/feed", "ok", "The feed is turned off; its address no longer works.")
		return
	}
	scheme := "https"
	if r.TLS == nil && !s.secure {
		scheme = "http"
	}
	s.renderFeed(w, r, scheme+"://"+r.Host+"/ics/"+token)
}

// icsFeed serves a clinician's appointments to their calendar app. The
// token is the only key; the read is audited as the feed's owner.
func (s *Server) icsFeed(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	body, ok, err := s.scheduleDoor().FeedICS(r.Context(), token)
	if err != nil {
		// A feed whose owner lost every staff role is refused like any read.
		if s.denied(w, r, err) {
			return
		}
		s.serverError(w, r, err)
		return
	}
	if !ok {
		http.Error(w, "There is no calendar feed at this address; make a new one in holdspace under Calendar.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(body))
}
