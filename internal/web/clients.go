package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
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
	clients, err := s.chartDoor().List(r.Context(), a, q)
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := map[string]any{"Clients": clients, "Query": q, "All": a.SeesEveryClient(),
		"CanAdd": mayAddClients(a), "Contact": !a.ReadsCharts()}
	// The owner's home page carries the setup checklist until it is done.
	if done, total, ok, err := s.doors.Setup.Progress(r.Context(), a); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok && done < total {
		data["Setup"] = map[string]int{"Done": done, "Total": total}
	}
	p := s.page(w, r, "Clients", data)
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

// chartTreatment is the chart's short account of the medicine phase.
type chartTreatment = chart.Treatment

// chartDoor reads the chart on the server's clock.
func (s *Server) chartDoor() *chart.Door {
	return s.doors.Chart
}

func (s *Server) loadChart(r *http.Request, a access.Actor, id string) (chartData, error) {
	zone := time.UTC
	if sess, ok := sessionFrom(r.Context()); ok && sess.Zone != nil {
		zone = sess.Zone
	}
	v, err := s.chartDoor().View(r.Context(), a, id, zone)
	return chartData{Client: v.Client, Readiness: v.Readiness, Team: v.Team, Staff: v.Staff, CanManage: v.CanManage, BreakGlass: v.BreakGlass,
		RoleOptions: access.CareTeamRoles, Treatment: v.Treatment}, err
}

func (s *Server) chart(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	if !sess.Actor.ReadsCharts() {
		// The front desk's view of a client is the contact view; a link
		// to the chart from the calendar or a list lands there.
		http.Redirect(w, r, "/clients/"+id+"/contact", http.StatusSeeOther)
		return
	}
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
		s.redirect(w, r, clientHome(sess.Actor, id), "error", prob.Message)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirect(w, r, clientHome(sess.Actor, id), "ok", "The portal invitation is on its way by email. The link works for 7 days.")
	}
}

func (s *Server) careTeam(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	r.ParseForm()
	add := r.PostForm.Get("op") != "remove"
	err := s.doors.Clients.SetCareTeam(r.Context(), sess.Actor, id, r.PostForm.Get("staff"), r.PostForm.Get("role"), add)
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
	dl, err := s.chartDoor().Disclosures(r.Context(), sess.Actor, id)
	if s.readFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "disclosures", s.page(w, r, "Who has seen this record", map[string]any{"Client": dl.Client, "List": dl.List, "Outside": dl.Outside, "Zone": dl.Zone, "Portal": false}))
}

// portalNext is what the portal's home puts first.
type portalNext = chart.Next

func (s *Server) portal(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	home, err := s.chartDoor().Portal(r.Context(), a)
	now := s.now()
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
	s.render(w, r, http.StatusOK, "portal", s.page(w, r, "My care", map[string]any{"Client": home.Client, "Team": home.Team, "Greeting": greeting, "Name": sess.Name, "Next": home.Next}))
}

func (s *Server) portalDisclosures(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	dl, err := s.chartDoor().OwnDisclosures(r.Context(), a)
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "disclosures", s.page(w, r, "Who has seen my record", map[string]any{"Client": dl.Client, "List": dl.List, "Outside": dl.Outside, "Zone": dl.Zone, "Portal": true}))
}
