package e2e

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/app"
	"holdspace/internal/config"
	"holdspace/internal/demo"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store/storetest"
)

// site is a holdspace running in the test's process.
type site struct {
	// URL is where it serves, with no trailing slash: s.URL + "/path".
	URL  string
	App  *app.App
	Demo demo.Summary
	// clock is the site's time when the test set one (withClock).
	clock *clock
}

// now is the site's current time: the test's clock, or the machine's.
func (s *site) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// siteOptions say how a test wants its holdspace.
type siteOptions struct {
	postgres bool
	noDemo   bool
	demoMode bool
	mail     *smtptest.Server
	clock    *clock
	metrics  bool

	// pgURL is a PostgreSQL server of the test's own, used as it is.
	pgURL string
}

// siteOption changes how startHoldspace sets the site up.
type siteOption func(*siteOptions)

// onPostgres runs the site on a fresh PostgreSQL database instead of
// SQLite. The test skips without a server, and fails under CI=true.
func onPostgres() siteOption { return func(o *siteOptions) { o.postgres = true } }

// onPostgresAt runs the site on the PostgreSQL database at url, a server
// the test runs itself (to stop and start it under the site).
func onPostgresAt(url string) siteOption { return func(o *siteOptions) { o.pgURL = url } }

// withoutDemo leaves the database empty, as on a first start.
func withoutDemo() siteOption { return func(o *siteOptions) { o.noDemo = true } }

// inDemoMode runs the site as serve --demo does, with the demo's mailbox.
func inDemoMode() siteOption { return func(o *siteOptions) { o.demoMode = true } }

// withMail sends the site's email to an SMTP server started in the test.
func withMail(srv *smtptest.Server) siteOption { return func(o *siteOptions) { o.mail = srv } }

// withMetricsAddr serves /metrics on a listener of its own too, as
// --metrics-addr does.
func withMetricsAddr() siteOption { return func(o *siteOptions) { o.metrics = true } }

// withClock runs the site on c's time instead of the machine's, so a test
// can move through a two-hour medicine session in seconds.
func withClock(c *clock) siteOption { return func(o *siteOptions) { o.clock = c } }

// clock is a time a test moves forward by hand; the server reads it from
// its own goroutines, hence the lock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(start time.Time) *clock { return &clock{now: start} }

// Now is the clock's current time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// eachDatabase runs fn as a subtest on each database holdspace runs on,
// named like storetest.Each's subtests so the suite counts them.
func eachDatabase(t *testing.T, fn func(t *testing.T, db siteOption)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, func(*siteOptions) {}) })
	t.Run("postgres", func(t *testing.T) { fn(t, onPostgres()) })
}

// startHoldspace starts holdspace on a free port of 127.0.0.1 with the demo
// practice loaded, and stops it when the test ends.
func startHoldspace(t *testing.T, opts ...siteOption) *site {
	t.Helper()
	var o siteOptions
	for _, opt := range opts {
		opt(&o)
	}
	dir := t.TempDir()
	cfg := config.Config{
		Addr:            "127.0.0.1:0",
		DataDir:         dir,
		KeyFile:         filepath.Join(dir, "holdspace.key"),
		ShutdownTimeout: 5 * time.Second,
		LogLevel:        "warn",
		LogFormat:       "text",
	}
	cfg.Demo = o.demoMode
	if o.mail != nil {
		cfg.SMTP = config.SMTP{Host: o.mail.Host(), Port: o.mail.Port(), From: "holdspace@stillwater.example"}
	}
	if o.metrics {
		cfg.MetricsAddr = "127.0.0.1:0"
	}
	switch {
	case o.pgURL != "":
		cfg.DB = o.pgURL
	case o.postgres:
		pg, ok := storetest.PostgresOptions(t)
		if !ok {
			return nil
		}
		cfg.DB = pg.Postgres
	}
	logs := &testLogWriter{t: t}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))

	ctx := context.Background()
	a, err := app.Open(ctx, cfg, log, "e2e")
	if err != nil {
		t.Fatalf("opening holdspace: %v", err)
	}
	if o.clock != nil {
		// app.Open hands its parts a.now, which reads this field on each
		// call, so setting it before serving moves every part's clock.
		a.Now = o.clock.Now
	}
	s := &site{App: a, clock: o.clock}
	if !o.noDemo {
		empty, err := demo.Empty(ctx, a.DB)
		if err != nil {
			a.Close()
			t.Fatal(err)
		}
		if !empty {
			a.Close()
			t.Fatal("a fresh database already holds a practice")
		}
		if s.Demo, err = demo.Load(ctx, a.DB, demo.Options{Hasher: a.Access.Hasher, Keys: a.Keys}, a.Now()); err != nil {
			a.Close()
			t.Fatalf("loading the demo practice: %v", err)
		}
	}
	ln, err := a.Listen()
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	s.URL = strings.TrimSuffix(a.URL(ln), "/")

	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(serveCtx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("holdspace stopped with an error: %v", err)
		}
		logs.close()
		if err := a.Close(); err != nil {
			t.Errorf("closing the database: %v", err)
		}
	})
	return s
}

// at is the full address of a path on the site.
func (s *site) at(path string) string { return s.URL + path }

// testLogWriter sends the server's log lines to the test's log, so a
// failing test shows what the server said, and drops them once the server
// has stopped (t.Log panics after the test has finished).
type testLogWriter struct {
	t      *testing.T
	mu     sync.Mutex
	closed bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.t.Log("holdspace: " + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}
