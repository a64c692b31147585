// Package web serves holdspace's HTML pages: server-rendered, usable
// without JavaScript, with a little script of our own on top.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"holdspace/internal/access"
	"holdspace/internal/api"
	"holdspace/internal/doors"
	"holdspace/internal/fault"
	"holdspace/internal/instrument"
	"holdspace/internal/keyring"
)

// Database is what the pages ask of the database itself: whether it
// answers and holds every migration, for the readiness probe. Everything
// else goes through the doors.
type Database interface {
	Ping(ctx context.Context) error
	Current(ctx context.Context) (bool, error)
}

// Deps is what the web layer is built from.
type Deps struct {
	DB      Database
	Log     *slog.Logger
	Metrics *Metrics
	Access  *access.Service
	// Doors are the capabilities' front doors; built from Access and Now
	// when nil.
	Doors   *doors.Set
	Keys    *keyring.Ring
	Version string
	Now     func() time.Time
	// Secure marks cookies Secure (serving over TLS).
	Secure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed, for the client's address in throttling and the trail.
	TrustedProxies []netip.Prefix
	// Demo: holdspace runs the demo practice (--demo), whose staff get
	// the mailbox of every email it queued.
	Demo bool
	// MailFrom is the sender address email goes out with, for the
	// mailbox to show.
	MailFrom string
}

// Server holds the routes and what they need.
type Server struct {
	db        Database
	log       *slog.Logger
	metrics   *Metrics
	tmpl      *Templates
	version   string
	now       func() time.Time
	mux       *http.ServeMux
	routes    []Route
	access    *access.Service
	doors     *doors.Set
	cookieKey []byte
	secure    bool
	proxies   []netip.Prefix
	demo      bool
	mailFrom  string
	// apiFace is the JSON API, whose routes the edge registers.
	apiFace *api.Server
	// instruments are the questionnaire definitions, read once: they are
	// compiled in and never change while holdspace runs.
	instruments *instrument.Catalog
}

// Route is one registered route and the gate in front of it; the access
// test walks this list.
type Route struct {
	Pattern string
	Gate    Gate
	// Scope is what an API token needs for a GateAPI route ("" for any
	// token).
	Scope access.Scope
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	tmpl, err := ParseTemplates()
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	s := &Server{db: d.DB, log: d.Log, metrics: d.Metrics, tmpl: tmpl, version: d.Version, now: d.Now, mux: http.NewServeMux(),
		access: d.Access, secure: d.Secure, proxies: d.TrustedProxies, demo: d.Demo, mailFrom: d.MailFrom}
	if d.Keys != nil {
		s.cookieKey = d.Keys.Key("cookies")
	} else {
		s.cookieKey = make([]byte, 32)
	}
	if d.Doors == nil && d.Access != nil {
		if d.Doors, err = doors.New(doors.Deps{Access: d.Access, Now: d.Now, Log: d.Log}); err != nil {
			return nil, err
		}
	}
	if d.Doors != nil {
		s.doors, s.instruments = d.Doors, d.Doors.Instruments()
		if s.apiFace, err = api.New(api.Deps{Access: d.Access, Doors: d.Doors, Log: d.Log, Now: d.Now, Keys: d.Keys}); err != nil {
			return nil, err
		}
	}
	s.routesFrame(d)
	if d.Access != nil {
		s.routesAccount()
		s.routesAdmin()
		s.routesClients()
		s.routesContact()
		s.routesClientsAdd()
		s.routesClientsImport()
		s.routesInquiries()
		s.routesConsent()
		s.routesIntake()
		s.routesPrescribing()
		s.routesReadiness()
		s.routesCourses()
		s.routesSchedule()
		s.routesReminders()
		s.routesSessionRecord()
		s.routesMeasures()
		s.routesSafety()
		s.routesHazards()
		s.routesMailbox()
		s.routesSetup()
		s.routesAPI()
	}
	return s, nil
}

// Handler is the whole site with its middleware. Cross-origin protection
// refuses state-changing browser requests from other sites (with SameSite
// cookies, this is holdspace's CSRF defence); the JSON API takes bearer
// tokens instead of cookies and is exempt.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("/api/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.access != nil {
			actor := access.Actor{Kind: access.Anonymous}
			if sess, ok := sessionFrom(r.Context()); ok {
				actor = sess.Actor
			}
			_, route := s.mux.Handler(r)
			if err := s.access.CrossSiteRefused(r.Context(), actor, route); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		s.forbidden(w, r, "This form was sent from another site, so holdspace did not act on it. Go back, reload the page and try again.")
	}))
	// The session is read before the cross-origin check so that a refusal
	// is audited as the person it was aimed at.
	return s.observe(s.withSession(cop.Handler(s.mux)))
}

// MetricsHandler serves the Prometheus metrics with no sign-in, for a
// listener of its own that only the monitoring network reaches.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{Registry: s.metrics.Registry})
}

// Routes lists every registered route.
func (s *Server) Routes() []Route { return s.routes }

// handle registers a route behind its gate, and behind the gate the edge
// check of the request's text (edge.go), so no route is without it.
func (s *Server) handle(g Gate, pattern string, h http.HandlerFunc) {
	rt := Route{Pattern: pattern, Gate: g}
	if g == GateAPI {
		rt.Scope = api.Scope(pattern)
	}
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(pattern, s.guard(g, pattern, s.edge(g, h)))
}

func (s *Server) public(pattern string, h http.HandlerFunc) { s.handle(GatePublic, pattern, h) }

func (s *Server) routesFrame(d Deps) {
	static, _ := fs.Sub(staticFS, "static")
	s.public("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		// Files only: no listing of a folder, and a name that is not a
		// plain path inside the folder (an encoded "..", a NUL) is not
		// found rather than an error.
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, "\\\x00") {
			s.notFound(w, r)
			return
		}
		info, err := fs.Stat(static, name)
		if err != nil || info.IsDir() {
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeFileFS(w, r, static, name)
	})
	s.public("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Type", "image/svg+xml")
		b, _ := staticFS.ReadFile("static/favicon.svg")
		w.Write(b)
	})
	s.public("GET /healthz", s.healthz)
	s.public("GET /readyz", s.readyz)
	// /metrics names every route and how often each fails: on the public
	// address it is for a monitoring system's token only. Operators who
	// would rather scrape without one give it an address of its own
	// (--metrics-addr), served by MetricsHandler.
	if d.Access != nil {
		s.handle(GateAPI, "GET /metrics", s.api(func(w http.ResponseWriter, r *http.Request, _ access.Actor) {
			s.MetricsHandler().ServeHTTP(w, r)
		}))
	}
	s.public("GET /{$}", s.home)
	s.public("/", s.notFound)
}

// home sends each person where they work: staff to their clients, the
// front desk to the day's calendar, clients to their portal, everyone else
// to sign in.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	sess, ok := sessionFrom(r.Context())
	switch {
	case !ok:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	case sess.Stage == access.StageMFA:
		http.Redirect(w, r, "/signin/code", http.StatusSeeOther)
	case sess.Stage == access.StageEnrol:
		http.Redirect(w, r, "/account/mfa/setup", http.StatusSeeOther)
	case sess.Actor.Kind == access.ClientActor:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	case !sess.Actor.ReadsCharts():
		http.Redirect(w, r, "/calendar?view=day", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/clients", http.StatusSeeOther)
	}
}

// page builds what every template needs, from the session if there is
// one: the navigation for the person's roles, their practice's time zone,
// the idle limit for the warning, and any flash message.
func (s *Server) page(w http.ResponseWriter, r *http.Request, title string, data any) *Page {
	p := &Page{
		Title:        title,
		Version:      s.version,
		AssetVersion: s.version,
		RequestID:    RequestID(r.Context()),
		Zone:         time.UTC,
		Data:         data,
		Form:         NewForm(nil),
	}
	if w != nil {
		p.Flash = s.takeFlash(w, r)
	}
	if sess, ok := sessionFrom(r.Context()); ok && sess.Stage == access.StageFull {
		p.Actor = sess.Name
		p.PracticeName = sess.PracticeName
		p.Zone = sess.Zone
		p.Nav = navFor(sess, r.URL.Path)
		if s.demo && sess.Actor.Kind == access.StaffActor {
			p.Nav = s.withMailbox(p.Nav, r.URL.Path)
		}
		if sess.Actor.Kind == access.StaffActor {
			p.IdleSeconds = idleSeconds(sess)
			p.Banners = append(p.Banners, s.safetyBanners(r.Context(), sess)...)
		}
	}
	return p
}

func navFor(sess access.Session, path string) []NavItem {
	var items []NavItem
	add := func(label, href string) {
		// The portal's home is exact: every portal page lies below it.
		under := href != "/" && href != "/portal" && strings.HasPrefix(path, href+"/")
		items = append(items, NavItem{Label: label, Href: href, Current: path == href || under})
	}
	if sess.Actor.Kind == access.ClientActor {
		add("My care", "/portal")
		add("Appointments", "/portal/appointments")
		add("Sessions", "/portal/sessions")
		add("Questionnaires", "/portal/measures")
		add("Safety plan", "/portal/safety-plan")
		// The intake and consents are reached from Getting ready, where
		// the list of what is still to do points to them; eight items fit
		// a phone in two rows.
		add("Getting ready", "/portal/preparation")
		add("Help now", "/portal/crisis")
		add("Account", "/account")
		return items
	}
	add("Calendar", "/calendar")
	add("Clients", "/clients")
	if sess.Actor.ReadsCharts() {
		// Courses and alerts are clinical: the front desk has neither.
		add("Courses", "/courses")
		add("Alerts", "/alerts")
	}
	if access.Decide(sess.Actor, access.OutcomesRead, access.Record{PracticeID: sess.Actor.PracticeID}).Allow {
		add("Outcomes", "/outcomes")
	}
	if access.Decide(sess.Actor, access.InquiryRead, access.Record{PracticeID: sess.Actor.PracticeID}).Allow {
		add("Inquiries", "/inquiries")
	}
	if sess.Actor.IsAdmin() {
		add("Staff", "/admin/staff")
		add("Audit trail", "/admin/audit")
		add("Settings", "/admin/settings")
	}
	add("Account", "/account")
	return items
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	err := s.tmpl.Render(w, status, name, p)
	switch {
	case errors.Is(err, errClientGone):
		s.log.Debug("page not sent", "request_id", RequestID(r.Context()), "route", r.Pattern, "err", err)
	case err != nil:
		s.serverError(w, r, err)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database answers and holds every
// migration this holdspace knows.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("not ready: database", "request_id", RequestID(r.Context()), "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	current, err := s.db.Current(ctx)
	if err != nil || !current {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("migrations pending\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

type errorData struct{ Heading, Message string }

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", s.page(w, r, "Not found",
		errorData{"Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."}))
}

// pageFailed is the pages' one mapping of an error to what the person
// sees, and reports whether it answered. With leaveInput, a refusal of
// what was typed, or any refusal that names fields, is left to the caller, which shows the form again with
// each problem beside its field; otherwise it is a page of its own. A
// record not found is told with notFound when the page can say which kind
// of record (else the refusal's own words); a refusal otherwise shows its
// message under its heading; anything else is a failure (serverError).
func (s *Server) pageFailed(w http.ResponseWriter, r *http.Request, err error, leaveInput bool, notFound string) bool {
	if err == nil {
		return false
	}
	f := fault.Of(err)
	switch {
	case f == nil, f.Code == fault.Unavailable:
		s.serverError(w, r, err)
	case leaveInput && (f.Code == fault.Invalid || len(f.Fields) > 0):
		// A refusal placed on fields (a checklist changed meanwhile, too)
		// goes back on the form, with what was typed.
		return false
	case f.Code == fault.NotFound:
		if notFound == "" {
			notFound = f.Message
		}
		s.notFoundMsg(w, r, notFound)
	case f.Code == fault.Forbidden:
		s.forbidden(w, r, f.Message)
	default:
		heading := f.Heading()
		s.render(w, r, f.HTTPStatus(), "error", s.page(w, r, heading, errorData{heading, f.Message}))
	}
	return true
}

// serverError logs what went wrong with the request id and shows the person
// a page that carries the same id, and nothing of the error itself.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := RequestID(r.Context())
	if err != nil {
		s.log.Error("server error", "request_id", id, "route", r.Pattern, "err", err)
	}
	status, heading, msg := http.StatusInternalServerError, "Something went wrong",
		"holdspace could not finish this request. Nothing you entered was saved twice; please try again in a moment."
	if f := fault.Of(err); f != nil && f.Code == fault.Unavailable {
		w.Header().Set("Retry-After", "10")
		status, heading, msg = http.StatusServiceUnavailable, "holdspace cannot reach its database",
			"The records are safe, but holdspace cannot reach them right now. Please try again in a minute."
	}
	if rerr := s.tmpl.Render(w, status, "error", s.page(nil, r, heading, errorData{heading, msg})); rerr != nil {
		http.Error(w, heading+" (request "+id+")", status)
	}
}
