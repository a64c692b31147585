package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"
)

// maxKinds bounds the distinct error kinds one worker keeps apart.
const maxKinds = 8

// recorder is one worker's tally, written by that worker alone so the hot
// loop takes no lock. Up to limit latencies are kept exactly; past that a
// reservoir sample of limit of them is kept, so memory stays bounded on a
// long run while the count stays exact.
type recorder struct {
	limit   int
	ok      int
	errors  int
	samples []time.Duration
	kinds   map[string]int
	rng     *rand.Rand
}

func newRecorder(limit int, seed uint64) *recorder {
	return &recorder{
		limit:   limit,
		samples: make([]time.Duration, 0, min(limit, 1<<14)),
		kinds:   map[string]int{},
		rng:     rand.New(rand.NewPCG(seed, 0x686f6c64)),
	}
}

// record tallies one request. Latency is kept for answers as expected
// only: a fast error must not flatter the percentiles.
func (r *recorder) record(d time.Duration, err error) {
	if err != nil {
		r.errors++
		k := errorKind(err)
		if _, seen := r.kinds[k]; !seen && len(r.kinds) >= maxKinds {
			k = "other"
		}
		r.kinds[k]++
		return
	}
	r.ok++
	switch {
	case len(r.samples) < r.limit:
		r.samples = append(r.samples, d)
	case r.limit > 0:
		if j := r.rng.IntN(r.ok); j < r.limit {
			r.samples[j] = d
		}
	}
}

// errorKind names an error without the addresses and ports in its text,
// so that errors of one kind count together.
func errorKind(err error) string {
	var se statusError
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("status %d", se.got)
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed early"
	case errors.As(err, &ue):
		return "transport error"
	}
	return "error"
}

// Result is one scenario's figures. Latencies are of answers as expected;
// in JSON they are whole nanoseconds.
type Result struct {
	Scenario   string         `json:"scenario"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	Seconds    float64        `json:"seconds"`
	RPS        float64        `json:"requests_per_second"`
	P50        time.Duration  `json:"p50_ns"`
	P95        time.Duration  `json:"p95_ns"`
	P99        time.Duration  `json:"p99_ns"`
	Max        time.Duration  `json:"max_ns"`
	// RPSRatio and P50Ratio compare with the ceiling of the same run.
	RPSRatio float64 `json:"rps_to_ceiling,omitempty"`
	P50Ratio float64 `json:"p50_to_ceiling,omitempty"`
	// SelfCPU and OtherCPU are the shares of the machine's CPU that this
	// process (the load and, started here, holdspace) and all other
	// processes used while this was measured; -1 where unknown. Far below
	// 1 in all means the time went to waiting: disk, locks, the network.
	SelfCPU  float64 `json:"self_cpu"`
	OtherCPU float64 `json:"other_cpu"`
}

// summarize merges the workers' tallies. req/s counts answers as expected
// over the whole time the workers ran, tail included.
func summarize(name string, recs []*recorder, elapsed time.Duration) Result {
	res := Result{Scenario: name, Seconds: elapsed.Seconds()}
	n := 0
	for _, r := range recs {
		n += len(r.samples)
	}
	all := make([]time.Duration, 0, n)
	ok := 0
	for _, r := range recs {
		ok += r.ok
		res.Errors += r.errors
		all = append(all, r.samples...)
		for k, v := range r.kinds {
			if res.ErrorKinds == nil {
				res.ErrorKinds = map[string]int{}
			}
			res.ErrorKinds[k] += v
		}
	}
	res.Requests = ok + res.Errors
	if elapsed > 0 {
		res.RPS = float64(ok) / elapsed.Seconds()
	}
	slices.Sort(all)
	res.P50, res.P95, res.P99 = percentile(all, 50), percentile(all, 95), percentile(all, 99)
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	return res
}

// percentile is the nearest-rank percentile of sorted samples: the
// smallest sample with at least p% of the samples at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The small tolerance keeps p*n/100 that should be whole (99.9 of 1000)
	// from rounding up past it.
	rank := int(math.Ceil(p*float64(n)/100 - 1e-9))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// compare fills the ratios of r to the ceiling.
func compare(r *Result, ceiling Result) {
	if ceiling.RPS > 0 {
		r.RPSRatio = r.RPS / ceiling.RPS
	}
	if ceiling.P50 > 0 {
		r.P50Ratio = float64(r.P50) / float64(ceiling.P50)
	}
}

// Machine is what the figures were measured on.
type Machine struct {
	Cores       int    `json:"cores"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	MemoryBytes int64  `json:"memory_bytes,omitempty"`
	GoVersion   string `json:"go_version"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
}

// Report is one run of the harness.
type Report struct {
	Machine   Machine `json:"machine"`
	Target    string  `json:"target"`
	InProcess bool    `json:"in_process"`
	// Database is what holdspace started here runs on: sqlite or postgres.
	Database    string   `json:"database,omitempty"`
	Concurrency int      `json:"concurrency"`
	Duration    float64  `json:"duration_seconds"`
	Warmup      float64  `json:"warmup_seconds"`
	Ceiling     Result   `json:"ceiling"`
	Results     []Result `json:"results"`
	// The ceiling's req/s before and after the scenarios.
	CeilingBeforeRPS float64 `json:"ceiling_before_rps"`
	CeilingAfterRPS  float64 `json:"ceiling_after_rps"`
}

// Past these the figures are called unsteady: the ceiling moving during
// the run, or other processes taking a share of the machine.
const (
	driftWarn = 0.15
	otherWarn = 0.10
)

// Drift is how much the ceiling's req/s moved from before the scenarios
// to after them, as a fraction of the larger.
func (r Report) Drift() float64 {
	hi := max(r.CeilingBeforeRPS, r.CeilingAfterRPS)
	if hi == 0 {
		return 0
	}
	return math.Abs(r.CeilingBeforeRPS-r.CeilingAfterRPS) / hi
}

func writeJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func writeTable(w io.Writer, rep Report) error {
	m := rep.Machine
	fmt.Fprintf(w, "%s; %d workers for %gs after %gs warm-up\n", rep.Target, rep.Concurrency, rep.Duration, rep.Warmup)
	fmt.Fprintf(w, "%d cores (GOMAXPROCS %d), %.1f GiB memory, %s %s/%s\n\n",
		m.Cores, m.GOMAXPROCS, float64(m.MemoryBytes)/(1<<30), m.GoVersion, m.OS, m.Arch)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "scenario\trequests\terrors\treq/s\tp50\tp95\tp99\treq/s ÷ ceiling\tp50 ÷ ceiling\t")
	if rep.InProcess {
		fmt.Fprint(tw, "CPU here\tCPU other\t")
	}
	fmt.Fprintln(tw)
	busy := false
	// A PostgreSQL server on this machine is one of the other processes,
	// so only the ceiling, which never reaches it, tells of others then.
	row := func(r Result, ratios bool) {
		rr, pr := "—", "—"
		if ratios {
			rr, pr = fmt.Sprintf("%.2f", r.RPSRatio), fmt.Sprintf("%.2f", r.P50Ratio)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t", r.Scenario, r.Requests, r.Errors, r.RPS,
			short(r.P50), short(r.P95), short(r.P99), rr, pr)
		if rep.InProcess {
			fmt.Fprint(tw, percent(r.SelfCPU), "\t", percent(r.OtherCPU), "\t")
			if !ratios || rep.Database == "sqlite" {
				busy = busy || r.OtherCPU > otherWarn
			}
		}
		fmt.Fprintln(tw)
	}
	row(rep.Ceiling, false)
	for _, r := range rep.Results {
		row(r, true)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nceiling: %.0f req/s before the scenarios, %.0f after\n", rep.CeilingBeforeRPS, rep.CeilingAfterRPS)
	if rep.Drift() > driftWarn {
		fmt.Fprintf(w, "warning: the ceiling moved by %.0f%% during the run, so something else was using the machine; run again before comparing these figures\n", 100*rep.Drift())
	}
	if rep.InProcess && rep.Database != "sqlite" {
		fmt.Fprintf(w, "CPU other includes the %s server where it runs on this machine\n", rep.Database)
	}
	if busy {
		fmt.Fprintf(w, "warning: other processes took more than %.0f%% of the machine's CPU during a measurement; run again on a quiet machine before comparing these figures\n", 100*otherWarn)
	}
	for _, r := range append([]Result{rep.Ceiling}, rep.Results...) {
		for _, k := range slices.Sorted(maps.Keys(r.ErrorKinds)) {
			fmt.Fprintf(w, "  %s: %d × %s\n", r.Scenario, r.ErrorKinds[k], k)
		}
	}
	return nil
}

func percent(f float64) string {
	if f < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// short writes a latency with the precision that matters at its size.
func short(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
