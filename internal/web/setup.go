package web

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/safety"
	"holdspace/internal/setup"
)

func (s *Server) routesSetup() {
	s.public("GET /setup", s.setupPage)
	s.public("POST /setup", s.setupFound)
	s.handle(GateStaff, "GET /getting-started", s.gettingStarted)
	s.handle(GateStaff, "POST /getting-started/test-email", s.gettingStartedTestEmail)
	s.handle(GateStaff, "POST /getting-started/clinical-review", s.gettingStartedReview)
}

// setupZones are offered for the practice's time zone; any zone name
// holdspace knows may be typed.
var setupZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
	"Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Halifax", "Europe/London", "Europe/Dublin",
	"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Adelaide", "Australia/Perth", "Pacific/Auckland",
}

type setupData struct {
	Country   Field
	Zones     []string
	Countries []safety.CountryLines
	Mail      bool
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	opts := []string{"", "Choose the country"}
	for _, c := range safety.KnownCountries {
		opts = append(opts, c.Code, c.Name)
	}
	opts = append(opts, setup.Other, "Another country (give its crisis lines below)")
	p := s.page(w, r, "Set up holdspace", setupData{Country: form.Select("country", "Country", opts...).Req().
		WithHint("Your clients are shown its crisis lines from the first day; you can change them in the safety settings."),
		Zones: setupZones, Countries: safety.KnownCountries, Mail: s.doors.Setup.MailConfigured})
	p.Form = form
	s.render(w, r, status, "setup", p)
}

// setupOpen answers for a holdspace that is set up: the page is not there.
func (s *Server) setupOpen(w http.ResponseWriter, r *http.Request) bool {
	open, err := s.doors.Setup.Available(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if !open {
		s.notFoundMsg(w, r, "This holdspace is set up already. Sign in to your practice instead.")
		return false
	}
	return true
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(w, r) {
		return
	}
	form := NewForm(nil)
	form.Set("country", "US")
	form.Set("time_zone", "America/New_York")
	s.renderSetup(w, r, http.StatusOK, form)
}

func (s *Server) setupFound(w http.ResponseWriter, r *http.Request) {
	if !s.setupOpen(w, r) {
		return
	}
	r.ParseForm()
	form := NewForm(r.PostForm)
	password := r.PostForm.Get("password")
	in := setup.Input{Code: form.Get("code"),
		Practice: access.Founding{Name: form.Get("name"), Slug: form.Get("slug"), Zone: form.Get("time_zone"),
			Address: r.PostForm.Get("address"), Phone: form.Get("phone"), Country: form.Get("country"),
			Owner:    access.StaffInput{Name: form.Get("owner_name"), Email: form.Get("owner_email"), Credentials: form.Get("owner_credentials")},
			Password: password, Confirm: r.PostForm.Get("confirm")},
		OtherCountry: form.Get("other_country"), Emergency: form.Get("emergency"),
		CrisisName: form.Get("crisis_name"), CrisisCall: form.Get("crisis_call"), CrisisText: form.Get("crisis_text")}
	founded, err := s.doors.Setup.Complete(r.Context(), in)
	if err != nil {
		if !s.failed(w, r, err, form) {
			s.renderSetup(w, r, http.StatusUnprocessableEntity, form)
		}
		return
	}
	// The owner signs in with what they just chose, so the next page is
	// their second sign-in step, which staff must have.
	token, err := s.access.SignIn(r.Context(), founded.OwnerEmail, password)
	if err != nil {
		s.redirect(w, r, "/signin", "ok", "The practice is set up. Sign in with the email and password you chose.")
		return
	}
	s.setSession(w, token)
	s.redirect(w, r, "/", "ok", "The practice is set up. Next, add a second sign-in step; then the checklist on your home page takes you through the rest.")
}

func (s *Server) gettingStarted(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	c, err := s.doors.Setup.Checklist(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	s.render(w, r, http.StatusOK, "getting_started", s.page(w, r, "Getting started", c))
}

func (s *Server) gettingStartedTestEmail(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	to, err := s.doors.Setup.SendTestEmail(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	msg := "A test email is on its way to " + to + "."
	if !s.doors.Setup.MailConfigured {
		msg = "The test email to " + to + " waits in the queue: holdspace has no SMTP server to send it through yet."
	}
	s.redirect(w, r, "/getting-started#step-test_email", "ok", msg)
}

func (s *Server) gettingStartedReview(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if s.pageFailed(w, r, s.doors.Setup.RecordClinicalReview(r.Context(), sess.Actor), false, "") {
		return
	}
	to := "/getting-started#step-clinical_review"
	if !sess.Actor.IsAdmin() {
		to = "/admin/medicine-settings"
	}
	s.redirect(w, r, to, "ok", "Your review of the medicine and safety settings is recorded.")
}
