package notify

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"holdspace/internal/config"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
	"holdspace/internal/syncbuf"
)

// testFrom is the sender address of the tests.
const testFrom = "Holdspace Test Practice <care@practice.example.org>"

// clock is a settable clock, shared by a worker and its sender.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// enqueue commits one message and returns its outbox id.
func enqueue(t *testing.T, db *store.DB, m Message, now time.Time) string {
	t.Helper()
	var id string
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = Enqueue(context.Background(), tx, m, now)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

// plainSender talks to srv without TLS, as holdspace may with a relay on
// the same machine.
func plainSender(t *testing.T, srv *smtptest.Server, clk *clock) *SMTPSender {
	t.Helper()
	s, err := NewSender(config.SMTP{Host: srv.Host(), Port: srv.Port(), From: testFrom}, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*SMTPSender)
}

// dialTo makes a sender that believes it talks to its configured host
// reach srv instead, so tests can use host names that are not loopback.
func dialTo(srv *smtptest.Server) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}
}

// worker is a worker on db that delivers to srv with clk.
func worker(t *testing.T, db *store.DB, srv *smtptest.Server, clk *clock) *Worker {
	t.Helper()
	return &Worker{DB: db, Sender: plainSender(t, srv, clk), From: testFrom, Now: clk.Now}
}

// rig is a test mail server, a held clock and a worker that sends through
// the one on the other.
func rig(t *testing.T, db *store.DB) (*smtptest.Server, *clock, *Worker) {
	t.Helper()
	srv := smtptest.Start(t)
	clk := newClock()
	return srv, clk, worker(t, db, srv, clk)
}

func drain(t *testing.T, w *Worker) (sent, failed int) {
	t.Helper()
	sent, failed, err := w.DrainOnce(context.Background())
	if err != nil {
		t.Fatalf("DrainOnce: %v", err)
	}
	return sent, failed
}

func status(t *testing.T, db *store.DB, id string) Status {
	t.Helper()
	s, err := Lookup(context.Background(), db, id)
	if err != nil {
		t.Fatalf("Lookup(%s): %v", id, err)
	}
	return s
}

func counts(t *testing.T, db *store.DB) (pending, failed int) {
	t.Helper()
	ctx := context.Background()
	pending, err := Pending(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	failed, err = Failed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return pending, failed
}

func debugLogger(buf *syncbuf.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
