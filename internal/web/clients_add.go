package web

import (
	"errors"
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
)

func (s *Server) routesClientsAdd() {
	s.handle(GateStaff, "GET /clients/new", s.clientNewPage)
	s.handle(GateStaff, "POST /clients/new", s.clientAdd)
}

// clientNewData is the form to add a client, with the practice's staff to
// choose the care team from and, after a refusal, the clients who may be
// the same person.
type clientNewData struct {
	Therapist, Prescriber, Monitor Field
	Duplicates                     []clinic.Match
}

func staffOptions(first string, staff []clinic.StaffMember) []string {
	out := []string{"", first}
	for _, m := range staff {
		out = append(out, m.ID, m.Name)
	}
	return out
}

func (s *Server) renderClientNew(w http.ResponseWriter, r *http.Request, status int, form *Form, dups []clinic.Match) {
	sess, _ := sessionFrom(r.Context())
	staff, err := s.doors.Clients.AddForm(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	d := clientNewData{
		Therapist:  form.Select("therapist_id", "Therapist", staffOptions("Choose a therapist", staff.Therapists)...).Req(),
		Prescriber: form.Select("prescriber_id", "Prescriber", staffOptions("Choose a prescriber", staff.Prescribers)...).Req(),
		Monitor: form.Select("monitor_id", "Monitor", staffOptions("None yet", staff.Monitors)...).
			WithHint("Optional: the monitor of the dosing sessions can join later."),
		Duplicates: dups,
	}
	p := s.page(w, r, "Add a client", d)
	p.Form = form
	s.render(w, r, status, "clients_new", p)
}

func (s *Server) clientNewPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	form := NewForm(nil)
	form.Set("invite", "on")
	if sess.Actor.Has(access.Therapist) {
		form.Set("therapist_id", sess.Actor.StaffID)
	}
	if sess.Actor.Has(access.Prescriber) {
		form.Set("prescriber_id", sess.Actor.StaffID)
	}
	s.renderClientNew(w, r, http.StatusOK, form, nil)
}

func (s *Server) clientAdd(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	in := clinic.NewClient{LegalName: form.Get("legal_name"), PreferredName: form.Get("preferred_name"), DateOfBirth: form.Get("date_of_birth"),
		Email: form.Get("email"), Phone: form.Get("phone"), TherapistID: form.Get("therapist_id"), PrescriberID: form.Get("prescriber_id"),
		MonitorID: form.Get("monitor_id"), Invite: form.Get("invite") != "", ConfirmDuplicate: form.Get("confirm_duplicate") != ""}
	id, err := s.doors.Clients.Add(r.Context(), a, in)
	var dup *clinic.Duplicate
	switch {
	case err == nil:
		msg := in.LegalName + " is now a client, with a care team, in preparation."
		if in.Invite {
			msg += " The portal invitation is on its way to " + access.NormaliseEmail(in.Email) + "; the link works for 7 days."
		}
		s.redirect(w, r, clientHome(a, id), "ok", msg)
	case errors.As(err, &dup):
		s.renderClientNew(w, r, http.StatusConflict, form, dup.Matches)
	case s.failed(w, r, err, form):
	default:
		s.renderClientNew(w, r, http.StatusUnprocessableEntity, form, nil)
	}
}
