package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"holdspace/internal/app"
	"holdspace/internal/config"
	"holdspace/internal/demo"
)

// holdspace is one started in this process for the run.
type holdspace struct {
	url      string // no trailing slash
	database string
	stop     func() error
}

// startHoldspace starts holdspace as `holdspace serve --demo` would, on a
// fresh SQLite folder in a temporary directory or on the PostgreSQL
// database dbURL, listening on a free loopback port.
func startHoldspace(ctx context.Context, dbURL string, stderr io.Writer) (*holdspace, error) {
	dir, err := os.MkdirTemp("", "holdspace-bench-")
	if err != nil {
		return nil, err
	}
	cfg := config.Config{
		Addr:            "127.0.0.1:0",
		DataDir:         dir,
		DB:              dbURL,
		KeyFile:         filepath.Join(dir, "holdspace.key"),
		ShutdownTimeout: 5 * time.Second,
	}
	// The access log is formatted as in production, so its cost is counted,
	// but thrown away rather than written to the terminal; warnings and
	// errors are shown.
	log := slog.New(slog.NewMultiHandler(
		slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}),
		slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}),
	))
	a, err := app.Open(ctx, cfg, log, "bench")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	fail := func(err error) (*holdspace, error) {
		a.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	empty, err := demo.Empty(ctx, a.DB)
	if err != nil {
		return fail(err)
	}
	if empty {
		if _, err := demo.Load(ctx, a.DB, demo.Options{Hasher: a.Access.Hasher, Keys: a.Keys}, time.Now()); err != nil {
			return fail(fmt.Errorf("loading the demo practice: %w", err))
		}
	} else {
		fmt.Fprintln(stderr, "bench: the database already holds a practice; measuring on what it holds (create a fresh database for comparable figures)")
	}
	ln, err := a.Listen()
	if err != nil {
		return fail(err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	return &holdspace{
		url:      strings.TrimSuffix(a.URL(ln), "/"),
		database: a.DB.Dialect().Name(),
		stop: func() error {
			cancel()
			err := <-done
			a.Close()
			os.RemoveAll(dir)
			return err
		},
	}, nil
}

// startCeiling serves the trivial handler the figures are compared with:
// the same net/http server and connection handling, and no work at all.
func startCeiling() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte("ok"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
