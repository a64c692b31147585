package demo

import (
	"fmt"
	"sync"
	"time"
)

// clock is the demo's time: every door the demo calls reads it, and the
// story sets it to the moment each step happened, so what the doors write
// (rows, audit entries, mail) carries the story's past by itself. It only
// moves forward, as the practice's days did: a step told out of order is
// an error, not a quietly rewritten past.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(start time.Time) *clock { return &clock{t: start} }

// Now is the story's present, for a door's Now.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t, which may equal but not precede the present.
func (c *clock) Set(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.t) {
		return fmt.Errorf("demo clock: the story goes back from %s to %s", c.t.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	}
	c.t = t
	return nil
}

// Advance moves the clock on by d.
func (c *clock) Advance(d time.Duration) error { return c.Set(c.Now().Add(d)) }
