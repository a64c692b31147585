package web

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/chart"
	"holdspace/internal/clinic"
)

// A client's contact view: who they are, how to reach them, their care
// team's names and what is booked. It is the front desk's page of a
// client (whose roles open no chart) and holds nothing clinical.

func (s *Server) routesContact() {
	s.handle(GateStaff, "GET /clients/{id}/contact", s.contactPage)
	s.handle(GateStaff, "POST /clients/{id}/contact", s.saveContact)
}

// clientHome is where a link to a client takes the actor: the chart, or
// for the front desk the contact view.
func clientHome(a access.Actor, id string) string {
	if !a.ReadsCharts() {
		return "/clients/" + id + "/contact"
	}
	return "/clients/" + id
}

type contactPage struct {
	chart.Contact
	// Editing: the form is open, shown again with what was typed when
	// it was refused.
	Editing bool
}

// contactFields are the form's fields, in the order of clinic.ContactDetails.
var contactFields = []string{"legal_name", "preferred_name", "pronouns", "date_of_birth", "email", "phone",
	"address_line1", "address_line2", "city", "region", "postal_code", "country"}

func contactPointers(d *clinic.ContactDetails) []*string {
	return []*string{&d.LegalName, &d.PreferredName, &d.Pronouns, &d.DateOfBirth, &d.Email, &d.Phone,
		&d.Address.Line1, &d.Address.Line2, &d.Address.City, &d.Address.Region, &d.Address.PostalCode, &d.Address.Country}
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	v, err := s.doors.Chart.Contact(r.Context(), sess.Actor, r.PathValue("id"))
	if s.readFailed(w, r, err) {
		return
	}
	c := v.Client
	in := clinic.ContactDetails{LegalName: c.LegalName, PreferredName: c.PreferredName, Pronouns: c.Pronouns, DateOfBirth: c.DateOfBirth,
		Email: c.Email, Phone: c.Phone, Address: v.Address}
	form := NewForm(nil)
	for i, p := range contactPointers(&in) {
		form.Set(contactFields[i], *p)
	}
	s.renderContact(w, r, http.StatusOK, contactPage{Contact: v, Editing: r.URL.Query().Get("edit") != "" && v.CanEdit}, form)
}

func (s *Server) saveContact(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	var in clinic.ContactDetails
	for i, p := range contactPointers(&in) {
		*p = form.Get(contactFields[i])
	}
	err := s.doors.Clients.UpdateContact(r.Context(), a, id, in)
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/contact", "ok", "The contact details are saved.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	v, rerr := s.doors.Chart.Contact(r.Context(), a, id)
	if s.readFailed(w, r, rerr) {
		return
	}
	s.renderContact(w, r, http.StatusUnprocessableEntity, contactPage{Contact: v, Editing: true}, form)
}

func (s *Server) renderContact(w http.ResponseWriter, r *http.Request, status int, d contactPage, form *Form) {
	p := s.page(w, r, "Contact details · "+d.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "client_contact", p)
}
