package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
)

const sessionCookie = "hs_session"

type sessionKey struct{}

// sessionFrom returns the request's session, if any.
func sessionFrom(ctx context.Context) (access.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(access.Session)
	return s, ok
}

// postedForm is where a handler of a posted form starts: who is signed in,
// and what they sent.
func postedForm(r *http.Request) (access.Actor, *Form) {
	sess, _ := sessionFrom(r.Context())
	r.ParseForm()
	return sess.Actor, NewForm(r.PostForm)
}

// Gate is what a route needs from whoever asks. The record-level decision
// is made in the handler through access.Service.Do; the gate only sorts
// out who is signed in, and how far.
type Gate int

const (
	// GatePublic: anyone.
	GatePublic Gate = iota
	// GatePending: a session that has given its password and still owes
	// a second factor (or must set one up).
	GatePending
	// GateSignedIn: any fully signed-in person.
	GateSignedIn
	// GateStaff: fully signed-in staff.
	GateStaff
	// GateClient: fully signed-in clients (the portal).
	GateClient
	// GateAPI: a bearer token (JSON API).
	GateAPI
)

func (g Gate) String() string {
	return [...]string{"public", "pending", "signed-in", "staff", "client", "api"}[g]
}

// remoteAddress is the address of the person asking, without the port:
// the connection's peer, or, when that peer is a trusted proxy, the
// nearest address in X-Forwarded-For that is not one. Addresses further
// left are the client's own claim and could be forged, so they are not
// believed.
func (s *Server) remoteAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if _, err := netip.ParseAddr(hop); err != nil {
			return host // a malformed header: trust only what we saw
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// withSession reads the session cookie and the request's origin for the
// audit trail before any handler runs.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := access.WithMeta(r.Context(), access.Meta{Address: s.remoteAddress(r), UserAgent: r.UserAgent(), RequestID: RequestID(r.Context())})
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && s.access != nil {
			sess, err := s.access.Authenticate(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, sessionKey{}, sess)
			case errors.Is(err, access.ErrSessionEnded):
				s.clearSession(w)
				if r.Method == http.MethodGet {
					s.setFlash(w, "info", "Your session ended. Please sign in again.")
				}
			default:
				s.serverError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// signInSteps lists, for each stage of a sign-in short of a full session,
// the only routes a session at that stage may use. A session that has
// given its password and owes a code may finish signing in or sign out;
// one that must set up a second step (the account has none and the
// practice requires one) may set it up or sign out. Nothing else: every
// other route answers as it would to someone not signed in that far.
// Public and API routes do not look at the session at all.
var signInSteps = map[access.Stage][]string{
	access.StageMFA:   {"GET /signin/code", "POST /signin/code", "POST /signin/code/email", "POST /signout"},
	access.StageEnrol: {"GET /account/mfa/setup", "POST /account/mfa/totp", "POST /account/mfa/email", "POST /signout"},
}

// SignInSteps is the table above, for the test that walks every route
// with a session at each stage.
func SignInSteps() map[access.Stage][]string { return signInSteps }

// stepFor is where a session at a stage short of full is sent.
func stepFor(st access.Stage) string {
	if st == access.StageMFA {
		return "/signin/code"
	}
	return "/account/mfa/setup"
}

// guard wraps a handler with its gate. pattern is the route's own, fixed
// at registration, so the stage check cannot be steered by the request.
func (s *Server) guard(g Gate, pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setRoute(r, pattern)
		if g == GatePublic || g == GateAPI {
			h(w, r)
			return
		}
		sess, ok := sessionFrom(r.Context())
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
				return
			}
			s.forbidden(w, r, "Please sign in first.")
			return
		}
		if sess.Stage != access.StageFull && !slices.Contains(signInSteps[sess.Stage], pattern) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, stepFor(sess.Stage), http.StatusSeeOther)
				return
			}
			s.forbidden(w, r, "Finish signing in first.")
			return
		}
		switch {
		case g == GateStaff && sess.Actor.Kind != access.StaffActor:
			s.forbidden(w, r, "This page is for the practice's staff.")
			return
		case g == GateClient && sess.Actor.Kind != access.ClientActor:
			s.forbidden(w, r, "This page is for clients, in their portal.")
			return
		}
		h(w, r)
	}
}

// safeNext keeps a post-sign-in redirect on this site: a path of ours, or
// "/". Browsers forgive a great deal in a Location header (a tab or a
// newline is dropped, a backslash is a slash, so "/\t/evil.example" is
// "//evil.example", another site), so anything a browser might read as
// another host is refused rather than repaired: control characters,
// backslashes, a scheme or host, a path that starts with two slashes,
// and slashes or backslashes percent-encoded where a proxy might decode
// them.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/"
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' || c == utf8.RuneError {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	path, _, _ := strings.Cut(strings.ToLower(p), "?")
	for _, enc := range []string{"%2f", "%5c", "%00", "%09", "%0a", "%0d"} {
		if strings.Contains(path, enc) {
			return "/"
		}
	}
	// Resolved against this site, it must stay on this site.
	base := &url.URL{Scheme: "https", Host: "holdspace.invalid", Path: "/"}
	if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
		return "/"
	}
	return p
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

const flashCookie = "hs_flash"

// setFlash leaves a one-time message for the next page. It is signed so
// that a crafted cookie cannot put words in holdspace's mouth.
func (s *Server) setFlash(w http.ResponseWriter, kind, text string) {
	v := base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + text))
	mac := hmac.New(sha256.New, s.cookieKey)
	mac.Write([]byte(v))
	v += "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 300})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	v, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil
	}
	mac := hmac.New(sha256.New, s.cookieKey)
	mac.Write([]byte(v))
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	kind, text, _ := strings.Cut(string(raw), "\x00")
	return &Flash{Kind: kind, Text: text}
}

// redirect sends the browser on after a successful POST, with a message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, kind, msg string) {
	if msg != "" {
		s.setFlash(w, kind, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	if sess, ok := sessionFrom(r.Context()); ok && sess.Actor.Kind == access.StaffActor && !sess.Actor.ReadsCharts() && strings.HasPrefix(r.URL.Path, "/clients/") && r.PathValue("id") != "" {
		// The front desk, at a part of a chart: say what is theirs instead.
		s.render(w, r, http.StatusForbidden, "chart_front_desk", s.page(w, r, "The chart is for the care team", map[string]any{"ID": r.PathValue("id")}))
		return
	}
	s.render(w, r, http.StatusForbidden, "error", s.page(w, r, "Not allowed", errorData{"Not allowed", msg}))
}

// notFoundMsg answers 404 with a message; used also for records of another
// practice, so that their existence is not confirmed.
func (s *Server) notFoundMsg(w http.ResponseWriter, r *http.Request, msg string) {
	s.render(w, r, http.StatusNotFound, "error", s.page(w, r, "Not found", errorData{"Not found", msg}))
}

// idleSeconds tells the page's script when to warn about the idle limit.
func idleSeconds(sess access.Session) int {
	if sess.Idle <= 0 {
		return 0
	}
	return int(sess.Idle / time.Second)
}
