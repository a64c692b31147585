package web

import (
	"errors"
	"net/http"
	"slices"

	"holdspace/internal/access"
)

func (s *Server) routesAccount() {
	s.public("GET /signin", s.signInPage)
	s.public("POST /signin", s.signIn)
	s.handle(GatePending, "GET /signin/code", s.codePage)
	s.handle(GatePending, "POST /signin/code", s.code)
	s.handle(GatePending, "POST /signin/code/email", s.emailCode)
	s.handle(GatePending, "GET /account/mfa/setup", s.mfaSetupPage)
	s.handle(GatePending, "POST /account/mfa/totp", s.mfaTOTP)
	s.handle(GatePending, "POST /account/mfa/email", s.mfaEmail)
	s.handle(GateSignedIn, "POST /account/mfa/code", s.mfaSendCode)
	s.handle(GateSignedIn, "POST /account/mfa/remove", s.mfaRemove)
	s.handle(GatePending, "POST /signout", s.signOut)
	s.handle(GateSignedIn, "POST /signout/everywhere", s.signOutEverywhere)
	s.handle(GateSignedIn, "POST /session/keepalive", s.keepAlive)
	s.handle(GateSignedIn, "GET /account", s.accountPage)
	s.handle(GateSignedIn, "POST /account/recovery-codes", s.newRecoveryCodes)
	s.handle(GateSignedIn, "GET /account/password", s.passwordPage)
	s.handle(GateSignedIn, "POST /account/password", s.changePassword)
	s.public("GET /invite/{token}", s.linkPage("invite"))
	s.public("POST /invite/{token}", s.useLink("invite"))
	s.public("GET /reset", s.resetRequestPage)
	s.public("POST /reset", s.resetRequest)
	s.public("GET /reset/{token}", s.linkPage("reset"))
	s.public("POST /reset/{token}", s.useLink("reset"))
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if sess, ok := sessionFrom(r.Context()); ok && sess.Stage == access.StageFull {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	some, err := s.access.HasPractice(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.page(w, r, "Sign in", map[string]any{"NoPractice": !some})
	p.Form.Set("next", safeNext(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "signin", p)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	form := NewForm(r.PostForm)
	form.Required(map[string]string{"email": "Your email address", "password": "Your password"})
	if !form.HasErrors() {
		token, err := s.access.SignIn(r.Context(), form.Get("email"), r.PostForm.Get("password"))
		if err == nil {
			s.setSession(w, token)
			next := safeNext(form.Get("next"))
			if next == "/signin" {
				next = "/"
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		if !errors.Is(err, access.ErrSignInFailed) && !errors.Is(err, access.ErrThrottled) {
			s.serverError(w, r, err)
			return
		}
		form.Fail("password", sentence(err))
	}
	p := s.page(w, r, "Sign in", nil)
	p.Form = form
	s.render(w, r, http.StatusUnprocessableEntity, "signin", p)
}

// sentence turns an error message into the start of a sentence.
func sentence(err error) string {
	m := err.Error()
	if m == "" {
		return m
	}
	return string(m[0]-'a'+'A') + m[1:] + "."
}

func (s *Server) codePage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if sess.Stage != access.StageMFA {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin_code", s.page(w, r, "Second step", map[string]any{"Method": sess.Account.MFAMethod}))
}

func (s *Server) code(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	if sess.Stage != access.StageMFA {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if form.Get("code") == "" {
		form.Fail("code", "Type the code.")
	} else {
		token, err := s.access.CompleteMFA(r.Context(), sess, sessionToken(r), form.Get("code"))
		if err == nil {
			s.setSession(w, token)
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		if !errors.Is(err, access.ErrCodeFailed) {
			s.serverError(w, r, err)
			return
		}
		form.Fail("code", sentence(err))
	}
	p := s.page(w, r, "Second step", map[string]any{"Method": sess.Account.MFAMethod})
	p.Form = form
	s.render(w, r, http.StatusUnprocessableEntity, "signin_code", p)
}

func (s *Server) emailCode(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	s.sendEmailCode(w, r, sess, "/signin/code")
}

// sendEmailCode emails the account a code and sends the person back to the
// page that asks for it.
func (s *Server) sendEmailCode(w http.ResponseWriter, r *http.Request, sess access.Session, back string) {
	if err := s.access.SendEmailCode(r.Context(), sess); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, back, "ok", "We have emailed you a code. It works for 10 minutes.")
}

func (s *Server) mfaSetupPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if sess.Stage == access.StageMFA {
		http.Redirect(w, r, "/signin/code", http.StatusSeeOther)
		return
	}
	pending, err := s.access.BeginTOTP(sess)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMFASetup(w, r, http.StatusOK, sess, pending, NewForm(nil))
}

func (s *Server) renderMFASetup(w http.ResponseWriter, r *http.Request, status int, sess access.Session, pending access.PendingTOTP, form *Form) {
	emailAllowed, totpAllowed := false, sess.Account.Kind != "client"
	for _, m := range sess.ClientMethods {
		emailAllowed = emailAllowed || m == "email"
		totpAllowed = totpAllowed || m == "totp"
	}
	p := s.page(w, r, "Set up a second step for signing in", map[string]any{
		"Pending": pending, "EmailAllowed": emailAllowed, "TOTPAllowed": totpAllowed, "Required": sess.Stage == access.StageEnrol,
		"Current": sess.Account.MFAMethod, "IsClient": sess.Account.Kind == "client",
		"CanRemove": sess.Stage == access.StageFull && sess.Account.MFAMethod != "" && !sess.FactorRequired})
	p.Form = form
	s.render(w, r, status, "mfa_setup", p)
}

// mfaProblem shows the set-up page again with the problem beside its
// field, keeping the pending authenticator when the form still holds it.
//
// Each form of the page asks for the current code under a name of its
// own (current, email_current, remove_current), so a refusal shows beside
// the form that was sent, not beside all three.
func (s *Server) mfaProblem(w http.ResponseWriter, r *http.Request, sess access.Session, form *Form, prob *access.Problem, current string) {
	field := prob.Field
	if field == "method" || field == "current" {
		field = current
	}
	form.Fail(field, prob.Message)
	pending, err := s.access.ResumeTOTP(sess, form.Get("pending"))
	if err != nil {
		pending, err = s.access.BeginTOTP(sess)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMFASetup(w, r, http.StatusUnprocessableEntity, sess, pending, form)
}

// mfaRefused answers a change of the second step that did not go
// through: the page again with the problem beside the form that was sent,
// or a server error. It says whether it answered.
func (s *Server) mfaRefused(w http.ResponseWriter, r *http.Request, sess access.Session, form *Form, err error, current string) bool {
	var prob *access.Problem
	if errors.As(err, &prob) {
		s.mfaProblem(w, r, sess, form, prob, current)
		return true
	}
	if err != nil {
		s.serverError(w, r, err)
		return true
	}
	return false
}

func (s *Server) mfaTOTP(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	codes, token, err := s.access.ConfirmTOTP(r.Context(), sess, sessionToken(r), form.Get("pending"), form.Get("code"), form.Get("current"))
	if s.mfaRefused(w, r, sess, form, err, "current") {
		return
	}
	s.setSession(w, token)
	s.showRecoveryCodes(w, r, codes, "Your authenticator app is set up.")
}

func (s *Server) mfaEmail(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if sess.Account.Kind != "client" || !slices.Contains(sess.ClientMethods, "email") {
		s.forbidden(w, r, "Emailed codes are not offered for this account.")
		return
	}
	r.ParseForm()
	form := NewForm(r.PostForm)
	codes, token, err := s.access.UseEmailCodes(r.Context(), sess, sessionToken(r), form.Get("email_current"))
	if s.mfaRefused(w, r, sess, form, err, "email_current") {
		return
	}
	s.setSession(w, token)
	s.showRecoveryCodes(w, r, codes, "From now on we will email you a code each time you sign in.")
}

// mfaSendCode emails a code to a signed-in account that uses emailed
// codes, so it can prove its current factor before changing it.
func (s *Server) mfaSendCode(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if sess.Account.MFAMethod != "email" {
		s.redirect(w, r, "/account/mfa/setup", "warn", "Your account does not use emailed codes: use a code from your app or a recovery code.")
		return
	}
	s.sendEmailCode(w, r, sess, "/account/mfa/setup")
}

func (s *Server) mfaRemove(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	token, err := s.access.RemoveFactor(r.Context(), sess, sessionToken(r), form.Get("remove_current"))
	if s.mfaRefused(w, r, sess, form, err, "remove_current") {
		return
	}
	s.setSession(w, token)
	s.redirect(w, r, "/account", "ok", "Your second step is removed. Other devices were signed out.")
}

func (s *Server) showRecoveryCodes(w http.ResponseWriter, r *http.Request, codes []string, lead string) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "recovery_codes", s.page(w, r, "Your recovery codes", map[string]any{"Codes": codes, "Lead": lead}))
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if err := s.access.SignOut(r.Context(), sess, sessionToken(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearSession(w)
	s.redirect(w, r, "/signin", "ok", "You are signed out.")
}

func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if _, err := s.access.SignOutEverywhere(r.Context(), sess); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearSession(w)
	s.redirect(w, r, "/signin", "ok", "You are signed out on every device.")
}

func (s *Server) keepAlive(w http.ResponseWriter, r *http.Request) {
	if err := s.access.KeepAlive(r.Context(), sessionToken(r)); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	sessions, err := s.access.Sessions(r.Context(), sess, sessionToken(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	left, err := s.access.RecoveryCodesLeft(r.Context(), sess.Account.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", s.page(w, r, "Your account", map[string]any{
		"Email": sess.Account.Email, "Method": sess.Account.MFAMethod, "CodesLeft": left, "Sessions": sessions}))
}

func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if sess.Account.MFAMethod == "" {
		s.redirect(w, r, "/account", "warn", "Set up a second step first; recovery codes stand in for it.")
		return
	}
	codes, err := s.access.NewRecoveryCodesFor(r.Context(), sess)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.showRecoveryCodes(w, r, codes, "Your old recovery codes no longer work.")
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", s.page(w, r, "Change your password", nil))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	form := NewForm(r.PostForm)
	token, err := s.access.ChangePassword(r.Context(), sess, sessionToken(r), r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("confirm"))
	var prob *access.Problem
	if errors.As(err, &prob) {
		form.Fail(prob.Field, prob.Message)
		p := s.page(w, r, "Change your password", nil)
		p.Form = form
		s.render(w, r, http.StatusUnprocessableEntity, "password", p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setSession(w, token)
	s.redirect(w, r, "/account", "ok", "Your password is changed. Other devices were signed out.")
}

func linkTitle(purpose string) string {
	if purpose == "invite" {
		return "Choose your password"
	}
	return "Choose a new password"
}

func (s *Server) linkPage(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.access.LinkAccount(r.Context(), purpose, r.PathValue("token"))
		if errors.Is(err, access.ErrLinkInvalid) {
			s.render(w, r, http.StatusGone, "error", s.page(w, r, "Link expired", errorData{"This link no longer works", sentence(err)}))
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		// The link's token is a credential: keep it out of the Referer of
		// anything this page loads, and out of caches.
		w.Header().Set("Referrer-Policy", "no-referrer")
		s.render(w, r, http.StatusOK, "set_password", s.page(w, r, linkTitle(purpose), map[string]any{"Email": a.Email, "Purpose": purpose}))
	}
}

func (s *Server) useLink(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		form := NewForm(r.PostForm)
		err := s.access.UseLink(r.Context(), purpose, r.PathValue("token"), r.PostForm.Get("password"), r.PostForm.Get("confirm"))
		var prob *access.Problem
		switch {
		case err == nil:
			s.redirect(w, r, "/signin", "ok", "Your password is set. Sign in with it now.")
		case errors.Is(err, access.ErrLinkInvalid):
			s.render(w, r, http.StatusGone, "error", s.page(w, r, "Link expired", errorData{"This link no longer works", sentence(err)}))
		case errors.As(err, &prob):
			form.Fail(prob.Field, prob.Message)
			a, _ := s.access.LinkAccount(r.Context(), purpose, r.PathValue("token"))
			p := s.page(w, r, linkTitle(purpose), map[string]any{"Email": a.Email, "Purpose": purpose})
			p.Form = form
			w.Header().Set("Referrer-Policy", "no-referrer")
			s.render(w, r, http.StatusUnprocessableEntity, "set_password", p)
		default:
			s.serverError(w, r, err)
		}
	}
}

func (s *Server) resetRequestPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset_request", s.page(w, r, "Reset your password", nil))
}

func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	form := NewForm(r.PostForm)
	if form.Get("email") == "" {
		form.Fail("email", "Type the email address you sign in with.")
		p := s.page(w, r, "Reset your password", nil)
		p.Form = form
		s.render(w, r, http.StatusUnprocessableEntity, "reset_request", p)
		return
	}
	if err := s.access.RequestReset(r.Context(), form.Get("email")); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, "/signin", "ok", "If an account uses that address, we have emailed it a link to choose a new password. The link works for an hour.")
}
