package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/inquiry"
	"holdspace/internal/textlimit"
)

// routesInquiries registers the practice's public page with its inquiry
// form, the staff queue, the administrator's editor for the page, and
// their JSON API. The public routes need no sign-in; the queue is decided
// per use case by access (InquiryManage, ClientCreate to convert).
func (s *Server) routesInquiries() {
	s.public("GET /p/{slug}", s.practicePage)
	s.public("POST /p/{slug}", s.submitInquiry)
	s.handle(GateStaff, "GET /inquiries", s.inquiryList)
	s.handle(GateStaff, "GET /inquiries/{id}", s.inquiryPage)
	s.handle(GateStaff, "POST /inquiries/{id}/reply", s.inquiryReply)
	s.handle(GateStaff, "POST /inquiries/{id}/decline", s.inquiryDecline)
	s.handle(GateStaff, "POST /inquiries/{id}/convert", s.inquiryConvert)
	s.handle(GateStaff, "GET /admin/practice-page", s.practicePageEdit)
	s.handle(GateStaff, "POST /admin/practice-page", s.practicePageSave)
	s.routesInquiryReach()
}

func (s *Server) inquiries() *inquiry.Door {
	return s.doors.Inquiries
}

// maxPublicBody bounds what an anonymous form or JSON body may send.
const maxPublicBody = textlimit.MaxPublicBody

// publicPageData is the practice's page with its inquiry form.
type publicPageData struct {
	Practice, Slug, Heading string
	Blocks                  []inquiry.Block
	// Stamp is the signed time the form was shown (spam resistance).
	Stamp       string
	Heard       Field
	Contact     []choice
	RateLimited bool
	Expired     bool
	// Confirm is set when the form came back faster than a person
	// usually fills it: it is shown again, kept, to be sent once more.
	Confirm string
}

func (s *Server) publicPage(w http.ResponseWriter, r *http.Request, status int, pp inquiry.PublicPage, form *Form, d publicPageData) {
	d.Practice, d.Slug, d.Heading, d.Blocks = pp.PracticeName, pp.Slug, pp.Page.Heading, inquiry.Blocks(pp.Page.Body)
	d.Stamp = inquiry.FormStamp(s.cookieKey, pp.Slug, s.now())
	opts := make([]string, 0, 2*len(inquiry.HeardOptions))
	for _, o := range inquiry.HeardOptions {
		opts = append(opts, o.Value, o.Label)
	}
	d.Heard = form.Select("heard_from", "How did you hear of us?", opts...)
	for _, o := range inquiry.ContactOptions {
		d.Contact = append(d.Contact, choice{Value: o.Value, Label: o.Label, Checked: form.Get("preferred_contact") == o.Value})
	}
	p := s.page(w, r, pp.PracticeName, d)
	p.PracticeName = pp.PracticeName
	p.Form = form
	s.render(w, r, status, "inquiries_public", p)
}

// loadPublic finds the practice of the page, answering 404 itself.
func (s *Server) loadPublic(w http.ResponseWriter, r *http.Request) (inquiry.PublicPage, bool) {
	pp, err := s.inquiries().Public(r.Context(), r.PathValue("slug"))
	switch {
	case errors.Is(err, inquiry.ErrNoPractice):
		s.notFoundMsg(w, r, "There is no practice at this address. Please check the link you were given.")
		return pp, false
	case err != nil:
		s.serverError(w, r, err)
		return pp, false
	}
	return pp, true
}

func (s *Server) practicePage(w http.ResponseWriter, r *http.Request) {
	pp, ok := s.loadPublic(w, r)
	if !ok {
		return
	}
	form := NewForm(nil)
	form.Set("preferred_contact", "email")
	s.publicPage(w, r, http.StatusOK, pp, form, publicPageData{})
}

func submissionFrom(f *Form) inquiry.Submission {
	return inquiry.Submission{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), PreferredContact: f.Get("preferred_contact"),
		Message: f.Values.Get("message"), HeardFrom: f.Get("heard_from"), HeardOther: f.Get("heard_other"),
		Consent: f.Get("consent") != "", Website: f.Values.Get("website")}
}

// submitInquiry files the form. A submission that filled the honeypot gets
// the same thank-you page as a real one and writes nothing, so a program
// learns nothing from it. One that came faster than a person usually types
// is shown again, kept, for the person to check and send once more
// (inquiry.ConfirmStamp); that second send is accepted.
func (s *Server) submitInquiry(w http.ResponseWriter, r *http.Request) {
	// The edge (edge.go) has already bounded the body to maxPublicBody,
	// as for every public route, and parsed it.
	r.ParseForm()
	pp, ok := s.loadPublic(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	sub := submissionFrom(form)
	elapsed, stamped := inquiry.CheckStamp(s.cookieKey, pp.Slug, form.Get("t"), s.now())
	if sub.Automated() {
		s.inquiryThanks(w, r, pp)
		return
	}
	if stamped && elapsed < inquiry.MinFillTime && !inquiry.Confirmed(s.cookieKey, pp.Slug, form.Get("confirm"), s.now()) {
		s.publicPage(w, r, http.StatusUnprocessableEntity, pp, form, publicPageData{Confirm: inquiry.ConfirmStamp(s.cookieKey, pp.Slug, s.now())})
		return
	}
	if !stamped {
		// A person whose form lost its stamp (an old copy of the page)
		// is asked to send it again, with everything kept.
		s.publicPage(w, r, http.StatusUnprocessableEntity, pp, form, publicPageData{Expired: true})
		return
	}
	_, err := s.inquiries().Submit(r.Context(), pp.Slug, sub, inquiry.AddressKey(s.cookieKey, s.remoteAddress(r)))
	var ps access.Problems
	switch {
	case err == nil:
		s.inquiryThanks(w, r, pp)
	case errors.Is(err, inquiry.ErrRateLimited):
		w.Header().Set("Retry-After", "3600")
		s.publicPage(w, r, http.StatusTooManyRequests, pp, form, publicPageData{RateLimited: true})
	case errors.As(err, &ps):
		for _, p := range ps {
			form.Fail(p.Field, p.Message)
		}
		s.publicPage(w, r, http.StatusUnprocessableEntity, pp, form, publicPageData{})
	case errors.Is(err, inquiry.ErrNoPractice):
		s.notFoundMsg(w, r, "There is no practice at this address. Please check the link you were given.")
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) inquiryThanks(w http.ResponseWriter, r *http.Request, pp inquiry.PublicPage) {
	p := s.page(w, r, "Thank you", map[string]any{"Practice": pp.PracticeName, "Slug": pp.Slug})
	p.PracticeName = pp.PracticeName
	s.render(w, r, http.StatusOK, "inquiries_thanks", p)
}

// inquiryTab is one status filter of the queue.
type inquiryTab struct {
	Label, Href string
	Count       int
	Current     bool
}

type inquiryListData struct {
	Tabs   []inquiryTab
	Status string
	List   []inquiry.Inquiry
}

func (s *Server) inquiryList(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	status := inquiry.Status(r.URL.Query().Get("status"))
	if !slices.Contains(inquiry.Statuses, status) {
		status = ""
	}
	list, counts, err := s.inquiries().List(r.Context(), sess.Actor, status)
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	d := inquiryListData{Status: string(status), List: list, Tabs: []inquiryTab{{Label: "All", Href: "/inquiries", Count: total, Current: status == ""}}}
	for _, st := range inquiry.Statuses {
		d.Tabs = append(d.Tabs, inquiryTab{Label: st.Label(), Href: "/inquiries?status=" + string(st), Count: counts[st], Current: status == st})
	}
	s.render(w, r, http.StatusOK, "inquiries_list", s.page(w, r, "Inquiries", d))
}

// inquiryDetailData is one inquiry with its three forms; Open names the
// form shown unfolded (the one that was refused, if any).
type inquiryDetailData struct {
	inquiry.Detail
	ReplyForm, DeclineForm, ConvertForm, ContactForm *Form
	Therapist, Prescriber, Method                    Field
	Open                                             string
}

// showInquiry draws an inquiry's page. A refused form comes back in
// forms under its name, with what was typed.
func (s *Server) showInquiry(w http.ResponseWriter, r *http.Request, status int, open string, refused *Form) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	d, err := s.inquiries().Get(r.Context(), sess.Actor, id)
	if s.inquiryFailed(w, r, err, id) {
		return
	}
	data := inquiryDetailData{Detail: d, ReplyForm: NewForm(nil), DeclineForm: NewForm(nil), ConvertForm: NewForm(nil), ContactForm: NewForm(nil), Open: open}
	q := d.Inquiry
	data.ReplyForm.Set("subject", "Your message to "+d.PracticeName)
	subject, body := inquiry.DeclineEmail(q.Name, d.PracticeName)
	data.DeclineForm.Set("decline_subject", subject)
	data.DeclineForm.Set("decline_message", body)
	data.DeclineForm.Set("notify", "on")
	cf := data.ConvertForm
	cf.Set("legal_name", q.Name)
	cf.Set("email", q.Email)
	cf.Set("phone", q.Phone)
	if sess.Actor.Has(access.Therapist) {
		cf.Set("therapist_id", sess.Actor.StaffID)
	}
	if sess.Actor.Has(access.Prescriber) {
		cf.Set("prescriber_id", sess.Actor.StaffID)
	}
	switch open {
	case "reply":
		data.ReplyForm = refused
	case "decline":
		data.DeclineForm = refused
	case "convert":
		data.ConvertForm = refused
	case "contact":
		data.ContactForm = refused
	}
	data.Method = contactMethodField(data.ContactForm)
	therapists := []string{"", "Choose a therapist"}
	for _, m := range d.Therapists {
		therapists = append(therapists, m.ID, m.Name)
	}
	prescribers := []string{"", "Choose a prescriber"}
	for _, m := range d.Prescribers {
		prescribers = append(prescribers, m.ID, m.Name)
	}
	data.Therapist = data.ConvertForm.Select("therapist_id", "Therapist", therapists...).Req()
	data.Prescriber = data.ConvertForm.Select("prescriber_id", "Prescriber", prescribers...).Req()
	s.render(w, r, status, "inquiries_detail", s.page(w, r, "Inquiry from "+q.Name, data))
}

// inquiryFailed answers an error of the queue unless it is about what was
// typed; it reports whether it answered. A conflict goes back to the
// inquiry with its message.
func (s *Server) inquiryFailed(w http.ResponseWriter, r *http.Request, err error, id string) bool {
	if f := fault.Of(err); f != nil && f.Code == fault.Conflict {
		s.redirect(w, r, "/inquiries/"+url.PathEscape(id), "error", f.Message)
		return true
	}
	return s.pageFailed(w, r, err, true, "There is no such inquiry in your practice.")
}

func (s *Server) inquiryPage(w http.ResponseWriter, r *http.Request) {
	s.showInquiry(w, r, http.StatusOK, "", nil)
}

// refuse puts the problems of err on form, renaming fields where the form
// names them differently, and shows the inquiry again with it.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, open string, form *Form, rename map[string]string) {
	var ps access.Problems
	var p *access.Problem
	if errors.As(err, &p) {
		ps = access.Problems{p}
	} else {
		errors.As(err, &ps)
	}
	for _, p := range ps {
		field := p.Field
		if to, ok := rename[field]; ok {
			field = to
		}
		form.Fail(field, p.Message)
	}
	s.showInquiry(w, r, http.StatusUnprocessableEntity, open, form)
}

func (s *Server) inquiryReply(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	err := s.inquiries().Reply(r.Context(), a, id, inquiry.ReplyInput{Subject: form.Get("subject"), Message: form.Values.Get("message")})
	if s.inquiryFailed(w, r, err, id) {
		return
	}
	if err != nil {
		s.refuse(w, r, err, "reply", form, nil)
		return
	}
	s.redirect(w, r, "/inquiries/"+url.PathEscape(id), "ok", "Your reply is on its way by email, and is kept with the inquiry.")
}

func (s *Server) inquiryDecline(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	in := inquiry.DeclineInput{Reason: form.Values.Get("reason"), Notify: form.Get("notify") != "",
		Subject: form.Get("decline_subject"), Message: form.Values.Get("decline_message")}
	err := s.inquiries().Decline(r.Context(), a, id, in)
	if s.inquiryFailed(w, r, err, id) {
		return
	}
	if err != nil {
		s.refuse(w, r, err, "decline", form, map[string]string{"subject": "decline_subject", "message": "decline_message"})
		return
	}
	msg := "The inquiry is declined. The reason is kept in the practice's record."
	if in.Notify {
		msg = "The inquiry is declined, and your note to the person is on its way by email."
	}
	s.redirect(w, r, "/inquiries/"+url.PathEscape(id), "ok", msg)
}

func (s *Server) inquiryConvert(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	in := inquiry.ConvertInput{LegalName: form.Get("legal_name"), PreferredName: form.Get("preferred_name"), DateOfBirth: form.Get("date_of_birth"),
		Email: form.Get("email"), Phone: form.Get("phone"), TherapistID: form.Get("therapist_id"), PrescriberID: form.Get("prescriber_id")}
	_, err := s.inquiries().Convert(r.Context(), a, id, in)
	if s.inquiryFailed(w, r, err, id) {
		return
	}
	if err != nil {
		s.refuse(w, r, err, "convert", form, nil)
		return
	}
	s.redirect(w, r, "/inquiries/"+url.PathEscape(id), "ok", in.LegalName+" is now a client, with a care team. The portal invitation is on its way to "+
		access.NormaliseEmail(in.Email)+"; the link works for 7 days.")
}

// practicePageData is the administrator's editor for the public page.
type practicePageData struct {
	adminTabs
	inquiry.PageSettings
	Address string
	Blocks  []inquiry.Block
	// Notify is who is told of a new inquiry.
	Notify inquiry.Notified
}

func (s *Server) practicePageTabs(path string) adminTabs {
	t := tabsFor(path)
	t.Tabs = append(t.Tabs, NavItem{Label: "Public page", Href: "/admin/practice-page", Current: path == "/admin/practice-page"})
	return t
}

func (s *Server) practicePageEdit(w http.ResponseWriter, r *http.Request) {
	s.showPracticePage(w, r, http.StatusOK, nil)
}

// showPracticePage draws the editor; form, when given, is a refused
// change with what was typed.
func (s *Server) showPracticePage(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	ps, err := s.inquiries().LoadPageSettings(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	if form == nil {
		form = NewForm(nil)
		form.Set("heading", ps.Page.Heading)
		form.Set("body", ps.Page.Body)
	}
	notified, err := s.inquiries().LoadNotified(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	d := practicePageData{adminTabs: s.practicePageTabs(r.URL.Path), PageSettings: ps, Blocks: inquiry.Blocks(ps.Page.Body),
		Address: strings.TrimRight(s.access.BaseURL, "/") + "/p/" + ps.Slug, Notify: notified}
	p := s.page(w, r, "Public page", d)
	p.Form = form
	s.render(w, r, status, "inquiries_page_edit", p)
}

func (s *Server) practicePageSave(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	if form.Get("op") == "default" {
		if err := s.inquiries().RestoreDefaultPage(r.Context(), a); err != nil {
			if !s.failed(w, r, err, form) {
				s.serverError(w, r, err)
			}
			return
		}
		s.redirect(w, r, "/admin/practice-page", "ok", "The public page shows holdspace's default text again.")
		return
	}
	err := s.inquiries().SavePage(r.Context(), a, inquiry.Page{Heading: form.Get("heading"), Body: form.Values.Get("body")})
	if err == nil {
		s.redirect(w, r, "/admin/practice-page", "ok", "The public page is saved. People see the new text from now on.")
		return
	}
	if s.failed(w, r, err, form) {
		return
	}
	s.showPracticePage(w, r, http.StatusUnprocessableEntity, form)
}
