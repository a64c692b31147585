package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
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
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "room_list"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		d.Rooms, err = schedule.Rooms(r.Context(), tx, a.PracticeID)
		return err
	})
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
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	op := form.Get("op")
	msg := ""
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "room", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		ctx := r.Context()
		if id != "" {
			if _, err := schedule.LoadRoom(ctx, tx, a.PracticeID, id); err != nil {
				return err
			}
		}
		switch {
		case id == "":
			room, err := schedule.AddRoom(ctx, tx, a.PracticeID, form.Get("name"), s.now())
			msg = room.Name + " is added."
			return err
		case op == "rename":
			msg = "The room is renamed."
			return prefixed(schedule.RenameRoom(ctx, tx, a.PracticeID, id, form.Get("name")), "rename.")
		case op == "retire" || op == "restore":
			n, err := schedule.SetRoomActive(ctx, tx, a.PracticeID, id, op == "restore", s.now())
			msg = "The room is back in use."
			if op == "retire" {
				msg = "The room is retired; it is no longer offered for new bookings."
				if n > 0 {
					msg += " " + strconv.Itoa(n) + " booked appointment(s) still use it: please move them."
				}
			}
			return err
		}
		return clinic.Problems{{Field: "op", Message: "Choose rename, retire or restore."}}
	})
	if err == nil {
		s.redirect(w, r, "/admin/rooms", "ok", msg)
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderRooms(w, r, form, http.StatusUnprocessableEntity)
}

// prefixed moves a problem's field under prefix, for a form of one row.
func prefixed(err error, prefix string) error {
	if ps, ok := err.(clinic.Problems); ok {
		for i := range ps {
			ps[i].Field = prefix + ps[i].Field
		}
		return ps
	}
	return err
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
	var set schedule.Settings
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "schedule"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		set, err = schedule.LoadSettings(r.Context(), tx, a.PracticeID)
		return err
	})
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
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	set := schedule.Settings{Minutes: map[schedule.Kind]int{}, FeedClientNames: form.Get("feed_client_names") == "yes"}
	for _, k := range schedule.Kinds {
		set.Minutes[k], _ = strconv.Atoi(form.Get("minutes." + string(k)))
	}
	set.ClientsPerClinician, _ = strconv.Atoi(form.Get("clients_per_clinician"))
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "schedule"}, func(tx *store.Tx, _ access.Decision) error {
		return schedule.SaveSettings(r.Context(), tx, a.PracticeID, set, a.StaffID, s.now())
	})
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

// availabilityAccess: one's own hours under ScheduleRead, anyone's as an
// administrator (SettingsManage).
func (s *Server) availabilityAccess(ctx context.Context, a access.Actor, staffID string, fn func(tx *store.Tx) error) error {
	act := access.ScheduleRead
	if staffID != a.StaffID {
		act = access.SettingsManage
	}
	return s.access.Do(ctx, a, act, access.Ref{Type: "staff_availability", ID: staffID}, func(tx *store.Tx, _ access.Decision) error { return fn(tx) })
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
	var spans []schedule.Span
	err := s.availabilityAccess(r.Context(), a, d.StaffID, func(tx *store.Tx) error {
		var err error
		if d.Staff, err = clinic.Staff(r.Context(), tx, a.PracticeID); err != nil {
			return err
		}
		for _, m := range d.Staff {
			if m.ID == d.StaffID {
				d.StaffName = m.Name
			}
		}
		if d.StaffName == "" {
			return clinic.ErrNotFound
		}
		spans, err = schedule.Availability(r.Context(), tx, a.PracticeID, d.StaffID)
		return err
	})
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
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
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
		err = s.availabilityAccess(r.Context(), a, staffID, func(tx *store.Tx) error {
			return schedule.SetAvailability(r.Context(), tx, a.PracticeID, staffID, spans, fields)
		})
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
	err := s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "calendar_feed", ID: a.StaffID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		d.Feed, err = schedule.CurrentFeed(r.Context(), tx, a.PracticeID, a.StaffID)
		return err
	})
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
	err := s.access.Do(r.Context(), a, access.ScheduleRead, access.Ref{Type: "calendar_feed", ID: a.StaffID}, func(tx *store.Tx, _ access.Decision) error {
		if revoke {
			return schedule.RevokeFeed(r.Context(), tx, a.PracticeID, a.StaffID, s.now())
		}
		var err error
		token, err = schedule.NewFeed(r.Context(), tx, a.PracticeID, a.StaffID, s.now())
		return err
	})
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
	var owner schedule.FeedOwner
	var ok bool
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		owner, ok, err = schedule.FeedFor(r.Context(), tx, token)
		return err
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		http.Error(w, "There is no calendar feed at this address; make a new one in holdspace under Calendar.", http.StatusNotFound)
		return
	}
	actor := access.Actor{Kind: access.StaffActor, StaffID: owner.StaffID, PracticeID: owner.PracticeID}
	for _, ro := range owner.Roles {
		actor.Roles = append(actor.Roles, access.Role(ro))
	}
	var body string
	err = s.access.Do(r.Context(), actor, access.ScheduleRead, access.Ref{Type: "calendar_feed", ID: owner.StaffID}, func(tx *store.Tx, _ access.Decision) error {
		set, err := schedule.LoadSettings(r.Context(), tx, owner.PracticeID)
		if err != nil {
			return err
		}
		now := s.now()
		list, err := schedule.List(r.Context(), tx, schedule.Filter{PracticeID: owner.PracticeID, StaffID: owner.StaffID,
			From: now.Add(-schedule.FeedBack), To: now.Add(schedule.FeedAhead), IncludeCancelled: true})
		body = schedule.ICS("holdspace: "+owner.Name, list, set.FeedClientNames)
		return err
	})
	if err != nil {
		// A feed whose owner lost every staff role is refused like any read.
		if s.denied(w, r, err) {
			return
		}
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(body))
}
