package web

import (
	"net/http"
	"net/url"

	"holdspace/internal/inquiry"
)

// Inquiries that reach a person: the log of calls and messages on an
// inquiry, and the practice's choice of who is told of a new one.

func (s *Server) routesInquiryReach() {
	s.handle(GateStaff, "POST /inquiries/{id}/contacts", s.inquiryContact)
	s.handle(GateStaff, "POST /admin/practice-page/notify", s.practiceNotifySave)
}

// contactMethodField is the form's choice of how staff were in touch.
func contactMethodField(f *Form) Field {
	opts := []string{"", "Choose how"}
	for _, o := range inquiry.ContactMethods {
		opts = append(opts, o.Value, o.Label)
	}
	return f.Select("method", "How", opts...).Req()
}

func (s *Server) inquiryContact(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	err := s.inquiries().LogContact(r.Context(), a, id, inquiry.ContactInput{Method: form.Get("method"), Note: form.Values.Get("note")})
	if s.inquiryFailed(w, r, err, id) {
		return
	}
	if err != nil {
		s.refuse(w, r, err, "contact", form, nil)
		return
	}
	s.redirect(w, r, "/inquiries/"+url.PathEscape(id)+"#contacts", "ok", "The contact is logged on the inquiry.")
}

func (s *Server) practiceNotifySave(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	err := s.inquiries().SaveNotified(r.Context(), a, r.PostForm["notify"])
	if err == nil {
		s.redirect(w, r, "/admin/practice-page#notify", "ok", "Saved: who is told of a new inquiry.")
		return
	}
	if s.failed(w, r, err, form) {
		return
	}
	s.showPracticePage(w, r, http.StatusUnprocessableEntity, form)
}
