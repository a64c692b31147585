package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// A background loop runs its first pass at once on the app's clock, keeps
// going after a failed pass (logging it, without client data), and stops
// when holdspace stops; with wait, the first pass waits one interval.
func TestEveryPassesOnTheAppsClockAndOutlivesAFailure(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	fixed := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	a := &App{Now: func() time.Time { return fixed }, Log: slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &mu}, nil))}
	passes := make(chan time.Time, 10)
	calls := 0
	w := a.every("test", time.Millisecond, false, func(ctx context.Context, now time.Time) error {
		calls++
		passes <- now
		if calls == 1 {
			return errors.New("the database went away")
		}
		return nil
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	for range 3 {
		if at := <-passes; !at.Equal(fixed) {
			t.Fatalf("a pass ran at %v; want the app's clock, %v", at, fixed)
		}
	}
	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "worker=test") || !strings.Contains(logs.String(), "the database went away") {
		t.Errorf("the failed pass was not logged with its worker:\n%s", logs.String())
	}

	// With wait, nothing runs before the first interval has passed: a
	// loop stopped at once never calls tick.
	waited := a.every("later", time.Hour, true, func(context.Context, time.Time) error {
		t.Error("a waiting loop ran before its interval")
		return nil
	})
	ctx, stop = context.WithCancel(context.Background())
	stop()
	waited.Run(ctx)
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
