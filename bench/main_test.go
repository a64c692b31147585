package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"holdspace/internal/store/storetest"
)

func TestOnlyLoopbackURLsAreLoaded(t *testing.T) {
	tests := []struct {
		url, want string // want "" means refused
	}{
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"http://127.0.0.2:8080", "http://127.0.0.2:8080"},
		{"http://localhost:8080/", "http://localhost:8080"},
		{"https://[::1]:8443/?x=1", "https://[::1]:8443"},
		{"http://10.0.0.5:8080", ""},
		{"http://192.168.1.10", ""},
		{"http://example.org", ""},
		{"http://localhost.example.org", ""},
		{"ftp://127.0.0.1", ""},
		{"127.0.0.1:8080", ""},
	}
	for _, tt := range tests {
		got, err := checkLoopback(tt.url)
		if tt.want == "" {
			if err == nil {
				t.Errorf("checkLoopback(%q) accepted it; want refused", tt.url)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("checkLoopback(%q) = %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
	for addr, ok := range map[string]bool{"127.0.0.1:80": true, "[::1]:80": true, "10.1.2.3:80": false, "[2001:db8::1]:80": false} {
		if err := loopbackOnly("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("loopbackOnly(%s) = %v", addr, err)
		}
	}
}

func TestRunRefusesWhatItCannotDo(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://10.0.0.5:8080"},
		{"-url", "http://127.0.0.1:1", "-db", "postgres://x@localhost/db"},
		{"-db", "mysql://x"},
		{"-scenario", "no-such"},
		{"-c", "0"},
		{"-d", "0s"},
	} {
		var out, errs bytes.Buffer
		if err := run(context.Background(), args, &out, &errs); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// Every scenario answers as it expects, on a holdspace started here, on
// each database. The run is short: this checks the harness and the
// scenarios, not the speed.
func TestEveryScenarioRunsWithoutErrors(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { runAll(t, "") })
	t.Run("postgres", func(t *testing.T) {
		o, ok := storetest.PostgresOptions(t)
		if !ok {
			return
		}
		runAll(t, o.Postgres)
	})
}

func runAll(t *testing.T, db string) {
	args := []string{"-scenario", "all", "-c", "2", "-d", "200ms", "-warmup", "0s", "-json"}
	if db != "" {
		args = append(args, "-db", db)
	}
	var out, errs bytes.Buffer
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Results) != len(Scenarios()) {
		t.Fatalf("%d results, want one per scenario (%d)", len(rep.Results), len(Scenarios()))
	}
	for _, r := range append([]Result{rep.Ceiling}, rep.Results...) {
		if r.Requests == 0 || r.Errors != 0 || r.P50 <= 0 || r.P50 > r.P99 {
			t.Errorf("%s: %d requests, %d errors %v, p50 %v, p99 %v", r.Scenario, r.Requests, r.Errors, r.ErrorKinds, r.P50, r.P99)
		}
	}
	wantDB := "sqlite"
	if db != "" {
		wantDB = "postgres"
	}
	if !strings.Contains(rep.Target, wantDB) {
		t.Errorf("target %q does not name %s", rep.Target, wantDB)
	}
}
