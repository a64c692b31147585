// Package app puts holdspace together: it opens and migrates the database,
// builds the web server and runs it with its background workers until told
// to stop. cmd/holdspace and the end-to-end tests both start it here.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/config"
	"holdspace/internal/course"
	"holdspace/internal/doors"
	"holdspace/internal/keyring"
	"holdspace/internal/measure"
	"holdspace/internal/notify"
	"holdspace/internal/reminder"
	"holdspace/internal/store"
	"holdspace/internal/web"
)

// App is a running holdspace.
type App struct {
	Config config.Config
	Log    *slog.Logger
	DB     *store.DB
	Keys   *keyring.Ring
	Web    *web.Server
	Access *access.Service
	// Doors are the capabilities' front doors, which every face calls.
	Doors *doors.Set
	// Mail delivers the outbox; nil when no SMTP server is configured.
	Mail    *notify.Worker
	Version string
	Now     func() time.Time
	// Handler is what Serve serves: the web server's handler unless a
	// test wraps it.
	Handler http.Handler
	// MetricsListener serves /metrics without a token, when
	// --metrics-addr asks for it (opened by Listen).
	MetricsListener net.Listener
	// workers run beside the server and stop with it.
	workers []Worker
	// The workers whose emails carry links, so Listen can give them the
	// address holdspace really listens on.
	safety   *alert.Worker
	measures *measure.Worker
	stalls   *course.StallWorker
}

// Worker is a background loop that returns when ctx ends.
type Worker struct {
	Name string
	Run  func(ctx context.Context)
}

// Open opens and migrates the database and builds the server. Nothing is
// written to the database if it cannot be reached.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, version string) (*App, error) {
	db, err := store.Open(ctx, store.Options{Postgres: cfg.DB, DataDir: cfg.DataDir})
	if err != nil {
		return nil, fmt.Errorf("%w (check --db / HOLDSPACE_DB, or --data-dir)", err)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if applied > 0 {
		log.Info("database migrated", "migrations_applied", applied, "database", db.Dialect().Name())
	}
	keys, err := keyring.LoadOrCreate(cfg.KeyFile)
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: db, Keys: keys, Version: version, Now: time.Now}
	// Two hashes at a time: each takes 64 MiB and a core for a moment;
	// more would only queue on a small machine's cores anyway.
	a.Access = &access.Service{DB: db, Hasher: access.NewHasher(access.RFC9106Params, 2), Keys: keys, Now: a.now,
		BaseURL: cfg.PublicURL(), Policy: access.DefaultPolicy()}
	if a.Doors, err = doors.New(doors.Deps{Access: a.Access, Now: a.now, Log: log}); err != nil {
		db.Close()
		return nil, err
	}
	a.Web, err = web.New(web.Deps{DB: db, Log: log, Version: version, Now: a.now, Access: a.Access, Doors: a.Doors, Keys: keys, Secure: cfg.TLSCert != "",
		TrustedProxies: cfg.TrustedProxies, Demo: cfg.Demo, MailFrom: cfg.SMTP.From})
	if err != nil {
		db.Close()
		return nil, err
	}
	sender, err := notify.NewSender(cfg.SMTP, a.now)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Doors.Setup.MailConfigured = sender != nil
	if sender != nil {
		a.Mail = &notify.Worker{DB: db, Sender: sender, From: cfg.SMTP.From, Keys: keys, Log: log, Now: a.now}
		a.Access.MailQueued = a.Mail.Wake
		a.AddWorker(Worker{Name: "email", Run: a.Mail.Run})
	} else if n, err := notify.Pending(ctx, db); err == nil {
		log.Warn("no SMTP server is set (--smtp-host): email stays queued until one is", "queued", n)
	}
	a.addClinicWorkers()
	return a, nil
}

func (a *App) now() time.Time { return a.Now() }

// addClinicWorkers starts the loops that look after clients between visits:
// reminders before and after medicine sessions, the escalation of safety
// alerts nobody has acknowledged, post-session check-ins, questionnaires
// that have come due, and courses that have stalled. They queue email in the
// outbox whether or not an SMTP server is set, so nothing is lost while
// one is missing.
func (a *App) addClinicWorkers() {
	var wake func()
	if a.Mail != nil {
		wake = a.Mail.Wake
	}
	reminders := &reminder.Worker{DB: a.DB, Log: a.Log, Wake: wake}
	a.AddWorker(a.every("reminders", time.Minute, false, func(ctx context.Context, now time.Time) error {
		n, err := reminders.Tick(ctx, now)
		if n > 0 {
			a.Log.Info("session reminders queued", "count", n)
		}
		return err
	}))
	a.safety = &alert.Worker{DB: a.DB, BaseURL: a.Config.PublicURL()}
	a.AddWorker(a.every("safety", time.Minute, false, func(ctx context.Context, now time.Time) error {
		_, err := a.safety.Tick(ctx, now)
		return err
	}))
	// The texts and calls that wake the on-call clinician go out within
	// seconds of the escalation that queued them, and are retried on the
	// same short clock.
	gateway := &alert.GatewaySender{DB: a.DB, Keys: a.Keys, Log: a.Log}
	a.AddWorker(a.every("on-call gateway", 15*time.Second, false, func(ctx context.Context, now time.Time) error {
		_, _, err := gateway.DeliverOnce(ctx, now)
		return err
	}))
	a.measures = &measure.Worker{DB: a.DB, BaseURL: a.Config.PublicURL()}
	a.AddWorker(a.every("measures", 10*time.Minute, false, func(ctx context.Context, now time.Time) error {
		n, err := a.measures.Tick(ctx, now)
		if n > 0 {
			a.Log.Info("questionnaire emails queued", "count", n)
		}
		return err
	}))
	// A stall is a matter of days: a quarter of an hour is soon enough,
	// and the first look waits that long after a start.
	a.stalls = &course.StallWorker{DB: a.DB, BaseURL: a.Config.PublicURL()}
	a.AddWorker(a.every("stalled courses", 15*time.Minute, true, func(ctx context.Context, now time.Time) error {
		_, err := a.stalls.Tick(ctx, now)
		return err
	}))
}

// every makes a worker that calls tick on the app's clock at once (or,
// with wait, first after one interval) and then every interval until
// holdspace stops. A failed pass is logged and the next one tries again:
// each tick works from the records, so nothing is lost in between.
func (a *App) every(name string, interval time.Duration, wait bool, tick func(ctx context.Context, now time.Time) error) Worker {
	pass := func(ctx context.Context) {
		if err := tick(ctx, a.now()); err != nil && ctx.Err() == nil {
			a.Log.Error("background work failed", "worker", name, "err", err)
		}
	}
	return Worker{Name: name, Run: func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		if !wait {
			pass(ctx)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				pass(ctx)
			}
		}
	}}
}

// AddWorker registers a background loop to run with Serve.
func (a *App) AddWorker(w Worker) { a.workers = append(a.workers, w) }

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Listen opens the configured address (":0" style addresses for tests).
func (a *App) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w (is another holdspace running? choose another --addr)", a.Config.Addr, err)
	}
	if a.Config.MetricsAddr != "" {
		a.MetricsListener, err = net.Listen("tcp", a.Config.MetricsAddr)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("cannot listen on %s for metrics: %w (choose another --metrics-addr)", a.Config.MetricsAddr, err)
		}
	}
	if a.Config.BaseURL == "" {
		// Links in email point where holdspace really listens (the port
		// is chosen only now when --addr ends in :0). The workers start
		// with Serve, after this.
		a.Access.BaseURL = a.URL(ln)
		a.safety.BaseURL = a.Access.BaseURL
		a.measures.BaseURL = a.Access.BaseURL
		a.stalls.BaseURL = a.Access.BaseURL
	}
	return ln, nil
}

// metricsMux serves only /metrics, for the metrics listener.
func (a *App) metricsMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Web.MetricsHandler())
	return mux
}

// URL is where a listener serves holdspace.
func (a *App) URL(ln net.Listener) string {
	scheme := "http"
	if a.Config.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + ln.Addr().String() + "/"
}

// Serve serves until ctx ends, then stops taking requests, lets the ones in
// flight finish (up to the shutdown timeout) and stops the workers.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	h := a.Handler
	if h == nil {
		h = a.Web.Handler()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if a.Config.TLSCert != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	workCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, w := range a.workers {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					a.Log.Error("worker stopped by a panic", "worker", w.Name, "panic", p)
				}
			}()
			w.Run(workCtx)
		})
	}
	var metrics *http.Server
	if a.MetricsListener != nil {
		metrics = &http.Server{Handler: a.metricsMux(), ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
		go func() {
			if err := metrics.Serve(a.MetricsListener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Log.Error("metrics listener stopped", "err", err)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() {
		if a.Config.TLSCert != "" {
			errc <- srv.ServeTLS(ln, a.Config.TLSCert, a.Config.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down: finishing requests in flight", "timeout", a.Config.ShutdownTimeout.String())
		sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	if metrics != nil {
		metrics.Close()
	}
	stopWorkers()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
