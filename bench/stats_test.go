package main

import (
	"errors"
	"fmt"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// upTo returns 1ms, 2ms, … n ms.
func upTo(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = ms(i + 1)
	}
	return out
}

func TestPercentileIsNearestRank(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"none", nil, 50, 0},
		{"one sample is every percentile", []time.Duration{ms(7)}, 99, ms(7)},
		{"p50 of 1..100", upTo(100), 50, ms(50)},
		{"p95 of 1..100", upTo(100), 95, ms(95)},
		{"p99 of 1..100", upTo(100), 99, ms(99)},
		{"p100 is the largest", upTo(100), 100, ms(100)},
		{"p0 is the smallest", upTo(100), 0, ms(1)},
		{"p50 of an even count is the lower middle", upTo(4), 50, ms(2)},
		{"p50 of an odd count is the middle", upTo(5), 50, ms(3)},
		{"p99 of 10 is the largest", upTo(10), 99, ms(10)},
		{"p95 of 20 is the 19th", upTo(20), 95, ms(19)},
		{"p99.9 of 1000 is the 999th", upTo(1000), 99.9, ms(999)},
		{"p2.2 of 1500 is the 33rd though 2.2% of 1500 rounds above 33 in floats", upTo(1500), 2.2, ms(33)},
		{"p99 of 1000 is the 990th", upTo(1000), 99, ms(990)},
		{"p99 of 1001 rounds up to the 991st", upTo(1001), 99, ms(991)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.samples, tt.p); got != tt.want {
				t.Errorf("percentile(%d samples, %v) = %v, want %v", len(tt.samples), tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeMergesWorkersAndCountsErrorsApart(t *testing.T) {
	a, b := newRecorder(100, 1), newRecorder(100, 2)
	// 1..100 ms spread over two workers, out of order.
	for i := 100; i >= 1; i-- {
		if i%2 == 0 {
			a.record(ms(i), nil)
		} else {
			b.record(ms(i), nil)
		}
	}
	// A fast error must not pull the latencies down.
	a.record(time.Microsecond, statusError{got: 500, want: 200})
	b.record(time.Microsecond, statusError{got: 500, want: 200})
	b.record(time.Microsecond, &url.Error{Op: "Get", URL: "http://127.0.0.1:1/", Err: syscall.ECONNREFUSED})

	r := summarize("home", []*recorder{a, b}, 4*time.Second)
	if r.Requests != 103 || r.Errors != 3 {
		t.Errorf("requests, errors = %d, %d; want 103, 3", r.Requests, r.Errors)
	}
	if r.RPS != 25 {
		t.Errorf("req/s = %v, want 25 (100 answered as expected in 4s)", r.RPS)
	}
	if r.P50 != ms(50) || r.P95 != ms(95) || r.P99 != ms(99) || r.Max != ms(100) {
		t.Errorf("p50, p95, p99, max = %v, %v, %v, %v; want 50ms, 95ms, 99ms, 100ms", r.P50, r.P95, r.P99, r.Max)
	}
	if r.ErrorKinds["status 500"] != 2 || r.ErrorKinds["connection refused"] != 1 {
		t.Errorf("error kinds = %v", r.ErrorKinds)
	}
}

func TestRecorderBoundsItsSamplesButNotItsCount(t *testing.T) {
	r := newRecorder(1000, 3)
	for i := 1; i <= 100000; i++ {
		r.record(time.Duration(i), nil)
	}
	if len(r.samples) != 1000 || r.ok != 100000 {
		t.Fatalf("kept %d samples of %d; want 1000 of 100000", len(r.samples), r.ok)
	}
	// A uniform sample of 1..100000 has its median near 50000; a reservoir
	// stuck on the first thousand would have it near 500.
	res := summarize("x", []*recorder{r}, time.Second)
	if res.P50 < 40000 || res.P50 > 60000 {
		t.Errorf("median of the reservoir = %d, want near 50000", res.P50)
	}
	warm := newRecorder(0, 4)
	warm.record(time.Millisecond, nil)
	if len(warm.samples) != 0 || warm.ok != 1 {
		t.Errorf("a warm-up recorder kept %d samples, counted %d", len(warm.samples), warm.ok)
	}
}

func TestErrorKindsStayFew(t *testing.T) {
	r := newRecorder(10, 5)
	for i := range 20 {
		r.record(0, statusError{got: 400 + i, want: 200})
	}
	if len(r.kinds) != maxKinds+1 || r.kinds["other"] != 20-maxKinds {
		t.Errorf("kinds = %v; want %d named and the rest as other", r.kinds, maxKinds)
	}
	if k := errorKind(fmt.Errorf("read: %w", errors.New("boom"))); k != "error" {
		t.Errorf("errorKind of a plain error = %q", k)
	}
}

func TestCompareWithTheCeiling(t *testing.T) {
	r := Result{RPS: 500, P50: ms(4)}
	compare(&r, Result{RPS: 2000, P50: ms(1)})
	if r.RPSRatio != 0.25 || r.P50Ratio != 4 {
		t.Errorf("ratios = %v, %v; want 0.25, 4", r.RPSRatio, r.P50Ratio)
	}
}

func TestDriftIsTheCeilingsMoveOverTheRun(t *testing.T) {
	tests := []struct{ before, after, want float64 }{
		{1000, 1000, 0},
		{1000, 800, 0.2},
		{800, 1000, 0.2},
		{0, 0, 0},
	}
	for _, tt := range tests {
		r := Report{CeilingBeforeRPS: tt.before, CeilingAfterRPS: tt.after}
		if got := r.Drift(); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("drift from %v to %v = %v, want %v", tt.before, tt.after, got, tt.want)
		}
	}
}
