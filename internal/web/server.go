// Package web serves holdspace's HTML pages: server-rendered, usable
// without JavaScript, with a little script of our own on top.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"holdspace/internal/store"
)

// Deps is what the web layer is built from.
type Deps struct {
	DB      *store.DB
	Log     *slog.Logger
	Metrics *Metrics
	Version string
	Now     func() time.Time
}

// Server holds the routes and what they need.
type Server struct {
	db      *store.DB
	log     *slog.Logger
	metrics *Metrics
	tmpl    *Templates
	version string
	now     func() time.Time
	mux     *http.ServeMux
	routes  []Route
}

// Route is one registered route and who may reach it; the access test
// walks this list.
type Route struct {
	Pattern string
	Public  bool
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
	s := &Server{db: d.DB, log: d.Log, metrics: d.Metrics, tmpl: tmpl, version: d.Version, now: d.Now, mux: http.NewServeMux()}
	s.routesFrame()
	return s, nil
}

// Handler is the whole site with its middleware.
func (s *Server) Handler() http.Handler { return s.observe(s.mux) }

// Routes lists every registered route.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) public(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Public: true})
	s.mux.HandleFunc(pattern, h)
}

func (s *Server) routesFrame() {
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.FileServerFS(static)
	s.public("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.StripPrefix("/static/", fileServer).ServeHTTP(w, r)
	})
	s.public("GET /healthz", s.healthz)
	s.public("GET /readyz", s.readyz)
	s.public("GET /metrics", promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{Registry: s.metrics.Registry}).ServeHTTP)
	s.public("GET /{$}", s.home)
	s.public("/", s.notFound)
}

func (s *Server) page(r *http.Request, title string, data any) *Page {
	return &Page{
		Title:        title,
		Version:      s.version,
		AssetVersion: s.version,
		RequestID:    RequestID(r.Context()),
		Zone:         time.UTC,
		Data:         data,
	}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	if err := s.tmpl.Render(w, status, name, p); err != nil {
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

type practiceName struct{ Name string }

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	var practices []practiceName
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		rows, err := tx.Query(r.Context(), `SELECT name FROM practice ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p practiceName
			if err := rows.Scan(&p.Name); err != nil {
				return err
			}
			practices = append(practices, p)
		}
		return rows.Err()
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", s.page(r, "", map[string]any{"Practices": practices}))
}

type errorData struct{ Heading, Message string }

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", s.page(r, "Not found",
		errorData{"Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."}))
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
	if errors.Is(err, store.ErrUnavailable) {
		status, heading, msg = http.StatusServiceUnavailable, "holdspace cannot reach its database",
			"The records are safe, but holdspace cannot reach them right now. Please try again in a minute."
	}
	if rerr := s.tmpl.Render(w, status, "error", s.page(r, heading, errorData{heading, msg})); rerr != nil {
		http.Error(w, heading+" (request "+id+")", status)
	}
}
