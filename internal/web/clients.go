package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/prescribing"
	"holdspace/internal/safety"
	"holdspace/internal/schedule"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

func (s *Server) routesClients() {
	s.handle(GateStaff, "GET /clients", s.clientList)
	s.handle(GateStaff, "GET /clients/{id}", s.chart)
	s.handle(GateStaff, "POST /clients/{id}/invite", s.inviteClient)
	s.handle(GateStaff, "POST /clients/{id}/care-team", s.careTeam)
	s.handle(GateStaff, "GET /clients/{id}/break-glass", s.breakGlassPage)
	s.handle(GateStaff, "POST /clients/{id}/break-glass", s.breakGlass)
	s.handle(GateStaff, "GET /clients/{id}/disclosures", s.disclosures)
	s.handle(GateClient, "GET /portal", s.portal)
	s.handle(GateClient, "GET /portal/disclosures", s.portalDisclosures)
}

// denied answers a refused access (pageFailed), and reports whether err
// was one.
func (s *Server) denied(w http.ResponseWriter, r *http.Request, err error) bool {
	var d *access.Denied
	if !errors.As(err, &d) {
		return false
	}
	return s.pageFailed(w, r, err, false, "")
}

// readFailed answers a failed read of a client's record, if it failed.
func (s *Server) readFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	return s.pageFailed(w, r, err, false, "There is no such client in your practice.")
}

func (s *Server) clientList(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var clients []clinic.Client
	err := s.access.Do(r.Context(), a, access.ClientList, access.Ref{Type: "client_list"}, func(tx *store.Tx, _ access.Decision) error {
		f := clinic.ClientFilter{PracticeID: a.PracticeID, Query: q, Now: s.now()}
		if !a.IsAdmin() {
			f.StaffID = a.StaffID
		}
		var err error
		clients, err = clinic.ListClients(r.Context(), tx, f)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.page(w, r, "Clients", map[string]any{"Clients": clients, "Query": q, "All": a.IsAdmin()})
	s.render(w, r, http.StatusOK, "clients", p)
}

type chartData struct {
	Client       clinic.Client
	Readiness    dosing.ReadinessList
	Team         []clinic.CareTeamMember
	Staff        []clinic.StaffMember
	CanManage    bool
	BreakGlass   bool
	RoleOptions  []string
	ManageErrors string
	// Treatment is where the client stands in the medicine phase.
	Treatment chartTreatment
}

// chartTreatment is the chart's short account of the medicine phase: the
// course under way, the medicine session of today or the next one (with
// its live record), and safety alerts still open.
type chartTreatment struct {
	Course *course.Course
	// Session is today's medicine session if there is one, else the next
	// booked one.
	Session *course.Session
	Today   bool
	Alerts  []alert.Alert
	// Orders are the current evaluation's structured orders, for the room; nil when the
	// prescriber set none.
	Orders *dosing.ClientConditions
}

func (s *Server) loadChart(r *http.Request, a access.Actor, id string) (chartData, error) {
	var d chartData
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "client", ID: id, ClientID: id}, func(tx *store.Tx, dec access.Decision) error {
		var err error
		if d.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if d.Team, err = clinic.CareTeam(r.Context(), tx, id); err != nil {
			return err
		}
		if d.Readiness, err = readinessFor(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		if d.Treatment, err = s.treatmentFor(r, tx, a.PracticeID, id); err != nil {
			return err
		}
		d.BreakGlass = dec.ViaBreakGlass
		d.CanManage = access.Decide(a, access.CareTeamManage, access.Record{PracticeID: a.PracticeID}).Allow
		if d.CanManage {
			d.Staff, err = clinic.Staff(r.Context(), tx, a.PracticeID)
		}
		return err
	})
	d.RoleOptions = access.CareTeamRoles
	return d, err
}

func (s *Server) treatmentFor(r *http.Request, tx *store.Tx, practiceID, clientID string) (chartTreatment, error) {
	var t chartTreatment
	ctx := r.Context()
	zone := time.UTC
	if sess, ok := sessionFrom(ctx); ok && sess.Zone != nil {
		zone = sess.Zone
	}
	// The course's words (a stall's reason) name times in the practice's zone.
	now := s.now().In(zone)
	ms, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return t, err
	}
	courses, err := course.List(ctx, tx, clientID, now, ms.Course)
	if err != nil {
		return t, err
	}
	if ev, err := prescribing.Current(ctx, tx, clientID); err != nil {
		return t, err
	} else if ev.Approved() && !ev.Orders.Empty() {
		t.Orders = &ev.Orders
	}
	for i := range courses {
		if c := &courses[i]; c.Status == dosing.CourseActive || (t.Course == nil && c.Status == dosing.CoursePlanned) {
			t.Course = c
		}
	}
	if t.Course != nil {
		today := now.In(zone).Format("2006-01-02")
		for i := range t.Course.Sessions {
			cs := &t.Course.Sessions[i]
			if cs.ScheduledAt == nil || cs.Status != dosing.SessionBooked {
				continue
			}
			if cs.ScheduledAt.In(zone).Format("2006-01-02") == today {
				t.Session, t.Today = cs, true
				break
			}
			if cs.ScheduledAt.After(now) && (t.Session == nil || cs.ScheduledAt.Before(*t.Session.ScheduledAt)) {
				t.Session = cs
			}
		}
	}
	list, err := alert.List(ctx, tx, practiceID, alert.Filter{ClientID: clientID, Since: now})
	for _, al := range list {
		if al.Open() {
			t.Alerts = append(t.Alerts, al)
		}
	}
	return t, err
}

func (s *Server) chart(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	d, err := s.loadChart(r, sess.Actor, id)
	var denied *access.Denied
	if errors.As(err, &denied) && denied.Record.PracticeID == sess.Actor.PracticeID && sess.Actor.IsClinician() && !denied.Record.OnCareTeam {
		// A clinician outside the care team is offered emergency access
		// rather than a dead end.
		p := s.page(w, r, "Not on the care team", map[string]any{"ID": id, "Reason": denied.Reason})
		s.render(w, r, http.StatusForbidden, "chart_denied", p)
		return
	}
	if s.readFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "chart", s.page(w, r, d.Client.Name(), d))
}

func (s *Server) inviteClient(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	err := s.access.InviteClient(r.Context(), sess.Actor, id)
	var prob *access.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		s.redirect(w, r, "/clients/"+id, "error", prob.Message)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/clients/"+id, "ok", "The portal invitation is on its way by email. The link works for 7 days.")
	}
}

func (s *Server) careTeam(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	r.ParseForm()
	add := r.PostForm.Get("op") != "remove"
	err := s.access.SetCareTeam(r.Context(), sess.Actor, id, r.PostForm.Get("staff"), r.PostForm.Get("role"), add)
	var prob *access.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		s.redirect(w, r, "/clients/"+id+"#care-team", "error", prob.Message)
	case err != nil:
		s.serverError(w, r, err)
	case add:
		s.redirect(w, r, "/clients/"+id+"#care-team", "ok", "Added to the care team.")
	default:
		s.redirect(w, r, "/clients/"+id+"#care-team", "ok", "Removed from the care team.")
	}
}

func (s *Server) breakGlassPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "Emergency access", map[string]any{"ID": r.PathValue("id"), "Hours": int(s.access.Policy.BreakGlass.Hours())})
	s.render(w, r, http.StatusOK, "break_glass", p)
}

func (s *Server) breakGlass(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	until, err := s.access.BreakGlass(r.Context(), sess.Actor, id, form.Get("reason"))
	var prob *access.Problem
	switch {
	case s.denied(w, r, err):
	case errors.As(err, &prob):
		form.Fail(prob.Field, prob.Message)
		p := s.page(w, r, "Emergency access", map[string]any{"ID": id, "Hours": int(s.access.Policy.BreakGlass.Hours())})
		p.Form = form
		s.render(w, r, http.StatusUnprocessableEntity, "break_glass", p)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, "/clients/"+id, "warn", "Emergency access is open until "+until.In(sess.Zone).Format("15:04 MST")+
			". The practice owner has been told, and every page you open is on the audit trail.")
	}
}

func (s *Server) disclosures(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	var c clinic.Client
	var list []clinic.Disclosure
	err := s.access.Do(r.Context(), sess.Actor, access.DisclosureRead, access.Ref{Type: "disclosures", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if c, err = clinic.LoadClient(r.Context(), tx, sess.Actor.PracticeID, id); err != nil {
			return err
		}
		list, err = clinic.Disclosures(r.Context(), tx, sess.Actor.PracticeID, id, 500)
		return err
	})
	if s.readFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "disclosures", s.page(w, r, "Who has seen this record", map[string]any{"Client": c, "List": list, "Portal": false}))
}

// portalNext is what the portal's home puts first: what the client has
// to do or look forward to, so nobody has to search the menus for it.
type portalNext struct {
	Appointment    *schedule.Appointment
	Questionnaires int
	CheckIns       []alert.CheckIn
	Summary        *sessionrecord.Shared
	Crisis         safety.CrisisResources
}

func (s *Server) portal(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	var c clinic.Client
	var team []clinic.CareTeamMember
	var next portalNext
	now := s.now()
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "client", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		ctx := r.Context()
		var err error
		if c, err = clinic.LoadClient(ctx, tx, a.PracticeID, a.ClientID); err != nil {
			return err
		}
		if team, err = clinic.CareTeam(ctx, tx, a.ClientID); err != nil {
			return err
		}
		appts, err := schedule.List(ctx, tx, schedule.Filter{PracticeID: a.PracticeID, ClientID: a.ClientID, From: now})
		if err != nil {
			return err
		}
		for i := range appts {
			if appts[i].Status == schedule.Booked {
				next.Appointment = &appts[i]
				break
			}
		}
		sched, err := measure.ClientSchedule(ctx, tx, a.PracticeID, a.ClientID, now)
		if err != nil {
			return err
		}
		next.Questionnaires = len(measure.Outstanding(sched))
		checkIns, err := alert.CheckIns(ctx, tx, a.PracticeID, a.ClientID)
		if err != nil {
			return err
		}
		for _, ci := range checkIns {
			if ci.Open(now) {
				next.CheckIns = append(next.CheckIns, ci)
			}
		}
		shared, err := sessionrecord.SharedSummaries(ctx, tx, a.ClientID)
		if err != nil {
			return err
		}
		for i := range shared {
			if next.Summary == nil || shared[i].SignedAt.After(next.Summary.SignedAt) {
				next.Summary = &shared[i]
			}
		}
		next.Crisis, err = alert.Crisis(ctx, tx, a.PracticeID)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	greeting := "Hello"
	if h := now.In(sess.Zone).Hour(); h < 12 {
		greeting = "Good morning"
	} else if h < 18 {
		greeting = "Good afternoon"
	} else {
		greeting = "Good evening"
	}
	s.render(w, r, http.StatusOK, "portal", s.page(w, r, "My care", map[string]any{"Client": c, "Team": team, "Greeting": greeting, "Name": sess.Name, "Next": next}))
}

func (s *Server) portalDisclosures(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	var list []clinic.Disclosure
	var c clinic.Client
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "disclosures", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if c, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, a.ClientID); err != nil {
			return err
		}
		// The client sees who opened their record; their own visits are
		// left out to keep the list about others.
		all, err := clinic.Disclosures(r.Context(), tx, a.PracticeID, a.ClientID, 500)
		for _, d := range all {
			if d.ActorKind != "client" && d.Outcome == "allowed" {
				list = append(list, d)
			}
		}
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "disclosures", s.page(w, r, "Who has seen my record", map[string]any{"Client": c, "List": list, "Portal": true}))
}
