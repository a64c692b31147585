// Command bench measures how fast a holdspace on this machine answers: it
// drives a scenario at a set concurrency for a set time and reports
// requests per second and latency percentiles, each also as a ratio to a
// trivial net/http handler measured in the same run, so the figures say
// how far holdspace is from this machine's HTTP ceiling.
//
//	go run ./bench -scenario all -c 16 -d 10s
//
// Load goes only to loopback addresses: the harness is for this machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxSamples bounds the latencies kept per scenario (32 MiB of them).
const maxSamples = 4 << 20

type options struct {
	url, db, scenario string
	conc              int
	dur, warmup       time.Duration
	json, list        bool
	cpuProfile        string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "base URL of a running holdspace on this machine; empty starts one in this process on a fresh database with the demo practice")
	fs.StringVar(&o.db, "db", "", "with no -url: a PostgreSQL URL (postgres://…) to start holdspace on; empty uses SQLite in a temporary folder")
	fs.StringVar(&o.scenario, "scenario", "all", "scenario name, a comma-separated list, or all (see -list)")
	fs.IntVar(&o.conc, "c", 16, "concurrent workers, each with one request in flight")
	fs.DurationVar(&o.dur, "d", 10*time.Second, "how long each scenario is measured")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before each measurement that is not counted")
	fs.BoolVar(&o.json, "json", false, "print the results as JSON")
	fs.BoolVar(&o.list, "list", false, "list the scenarios and stop")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (with no -url it holds holdspace too): go tool pprof FILE")
	if err := fs.Parse(args); err != nil {
		return err
	}
	reg := Scenarios()
	if o.list {
		for _, s := range reg {
			fmt.Fprintf(stdout, "%-10s %s\n", s.Name, s.Description)
		}
		return nil
	}
	chosen, err := pick(reg, o.scenario)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	case o.conc < 1 || o.conc > 4096:
		return errors.New("-c must be between 1 and 4096")
	case o.dur <= 0 || o.dur > time.Hour:
		return errors.New("-d must be positive and at most 1h")
	case o.warmup < 0 || o.warmup > 10*time.Minute:
		return errors.New("-warmup must be between 0 and 10m")
	case o.url != "" && o.db != "":
		return errors.New("-db starts holdspace here; it cannot go with -url (point that holdspace at the database instead)")
	case o.db != "" && !strings.HasPrefix(o.db, "postgres://") && !strings.HasPrefix(o.db, "postgresql://"):
		return errors.New("-db must be a PostgreSQL URL such as postgres://user@localhost/bench_run")
	}

	rep := Report{Machine: machine(), Concurrency: o.conc, Duration: o.dur.Seconds(), Warmup: o.warmup.Seconds()}
	base := o.url
	if base != "" {
		if base, err = checkLoopback(base); err != nil {
			return err
		}
		rep.Target = "holdspace at " + base
	} else {
		hs, err := startHoldspace(ctx, o.db, stderr)
		if err != nil {
			return err
		}
		defer func() {
			if err := hs.stop(); err != nil {
				fmt.Fprintln(stderr, "bench: stopping holdspace:", err)
			}
		}()
		base = hs.url
		rep.Target = "holdspace in this process on " + hs.database + " with the demo practice"
		rep.InProcess, rep.Database = true, hs.database
	}
	ceilingURL, stopCeiling, err := startCeiling()
	if err != nil {
		return err
	}
	defer stopCeiling()

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The ceiling is measured before the scenarios and again after them:
	// both runs together are the figure compared with, and a gap between
	// them shows that something else on the machine moved the figures.
	ceiling := ceilingScenario()
	before, err := measure(ctx, ceilingURL, ceiling, o, stderr)
	if err != nil {
		return err
	}
	for _, s := range chosen {
		m, err := measure(ctx, base, s, o, stderr)
		if err != nil {
			return err
		}
		rep.Results = append(rep.Results, m.result(s.Name))
	}
	after, err := measure(ctx, ceilingURL, ceiling, o, stderr)
	if err != nil {
		return err
	}
	rep.CeilingBeforeRPS = before.result(ceiling.Name).RPS
	rep.CeilingAfterRPS = after.result(ceiling.Name).RPS
	rep.Ceiling = measurement{
		recs:    append(before.recs, after.recs...),
		elapsed: before.elapsed + after.elapsed,
		self:    (before.self + after.self) / 2,
		other:   (before.other + after.other) / 2,
	}.result(ceiling.Name)
	for i := range rep.Results {
		compare(&rep.Results[i], rep.Ceiling)
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	return writeTable(stdout, rep)
}

// measurement is one scenario's measured load.
type measurement struct {
	recs    []*recorder
	elapsed time.Duration
	// Shares of the machine's CPU this process and others used; -1 unknown.
	self, other float64
}

func (m measurement) result(name string) Result {
	r := summarize(name, m.recs, m.elapsed)
	r.SelfCPU, r.OtherCPU = m.self, m.other
	return r
}

// measure sets the scenario up, checks that one request answers as
// expected, warms up, then measures. Each scenario has a client of its
// own, so no session or connection carries over from the one before.
func measure(ctx context.Context, base string, s Scenario, o options, stderr io.Writer) (measurement, error) {
	c := newClient(o.conc)
	defer c.CloseIdleConnections()
	fmt.Fprintf(stderr, "%s: %s; warm-up %s, then %s at %d workers\n", s.Name, s.Description, o.warmup, o.dur, o.conc)
	if s.Setup != nil {
		if err := s.Setup(ctx, base, c); err != nil {
			return measurement{}, fmt.Errorf("%s: setup: %w", s.Name, err)
		}
	}
	if err := s.Do(ctx, base, c); err != nil {
		return measurement{}, fmt.Errorf("%s: the first request failed, so nothing was measured: %w", s.Name, err)
	}
	if o.warmup > 0 {
		load(ctx, c, base, s, o.conc, o.warmup, 0)
	}
	cpu0 := readCPU()
	recs, elapsed := load(ctx, c, base, s, o.conc, o.dur, maxSamples/o.conc)
	self, other := cpuShares(cpu0, readCPU())
	if err := ctx.Err(); err != nil {
		return measurement{}, fmt.Errorf("%s: stopped before the end: %w", s.Name, err)
	}
	return measurement{recs: recs, elapsed: elapsed, self: self, other: other}, nil
}

// load runs conc workers, each sending the scenario's request again as soon
// as the last is answered, until d has passed; a request already sent when
// it passes is let finish and counted.
func load(ctx context.Context, c *http.Client, base string, s Scenario, conc int, d time.Duration, limit int) ([]*recorder, time.Duration) {
	recs := make([]*recorder, conc)
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for i := range recs {
		r := newRecorder(limit, uint64(i))
		recs[i] = r
		wg.Go(func() {
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				err := s.Do(ctx, base, c)
				r.record(time.Since(t0), err)
			}
		})
	}
	wg.Wait()
	return recs, time.Since(start)
}

// newClient keeps one connection per worker alive between requests, as a
// browser does, follows no redirects (a scenario sees the 303 itself) and
// dials loopback addresses only, whatever a name resolves to.
func newClient(conc int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			MaxIdleConns:        conc,
			MaxIdleConnsPerHost: conc,
			IdleConnTimeout:     90 * time.Second,
		},
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func loopbackOnly(network, address string, _ syscall.RawConn) error {
	if host, _, err := net.SplitHostPort(address); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return fmt.Errorf("refusing to connect to %s: the harness sends load to loopback addresses only", address)
}

// checkLoopback accepts a base URL on this machine only and returns it
// without a trailing slash.
func checkLoopback(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-url %q: want a base URL such as http://127.0.0.1:8080", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("-url %q: this harness loads only a holdspace on this machine; give a loopback address such as http://127.0.0.1:8080, http://[::1]:8080 or http://localhost:8080", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}
