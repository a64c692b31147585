package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/syncbuf"
)

func TestRetryDelayDoublesUpToAnHour(t *testing.T) {
	want := map[int]time.Duration{
		1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 4: 8 * time.Minute,
		5: 16 * time.Minute, 6: 32 * time.Minute, 7: time.Hour, 8: time.Hour, 100: time.Hour,
	}
	for attempt, d := range want {
		if got := RetryDelay(attempt); got != d {
			t.Errorf("RetryDelay(%d) = %v, want %v", attempt, got, d)
		}
	}
}

func TestDrainDeliversCommittedMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		var logs syncbuf.Buffer
		w.Log = debugLogger(&logs)
		m := reminder
		m.ID = ""
		id := enqueue(t, db, m, clk.Now())

		if sent, failed := drain(t, w); sent != 1 || failed != 0 {
			t.Fatalf("DrainOnce = %d sent, %d failed; want 1, 0", sent, failed)
		}
		got := srv.Messages()
		if len(got) != 1 {
			t.Fatalf("server received %d messages", len(got))
		}
		if got[0].Subject != reminder.Subject || got[0].Text != reminder.Text {
			t.Errorf("received %q / %q\nwant     %q / %q", got[0].Subject, got[0].Text, reminder.Subject, reminder.Text)
		}
		if mid := got[0].Header.Get("Message-ID"); !strings.Contains(mid, id) {
			t.Errorf("Message-ID %q does not carry the outbox id %s", mid, id)
		}
		s := status(t, db, id)
		if s.SentAt == nil || !s.SentAt.Equal(clk.Now()) || s.Attempts != 1 || s.LastError != "" {
			t.Errorf("status after delivery = %+v", s)
		}
		if sent, failed := drain(t, w); sent != 0 || failed != 0 {
			t.Errorf("a second pass sent %d, failed %d; want nothing", sent, failed)
		}
		if p, _ := counts(t, db); p != 0 {
			t.Errorf("%d still pending", p)
		}
		if !strings.Contains(logs.String(), id) {
			t.Errorf("the log does not name the outbox id: %s", logs.String())
		}
		assertNoPersonalData(t, logs.String())
	})
}

func TestDrainHoldsBackUntilSendAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, clk, w := rig(t, db)
		m := reminder
		m.SendAfter = clk.Now().Add(24 * time.Hour)
		enqueue(t, db, m, clk.Now())
		if sent, _ := drain(t, w); sent != 0 {
			t.Fatal("a message for tomorrow was sent today")
		}
		clk.Add(24 * time.Hour)
		if sent, _ := drain(t, w); sent != 1 {
			t.Fatal("the message was not sent when due")
		}
	})
}

func TestTemporaryFailureIsRetriedWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		var logs syncbuf.Buffer
		w.Log = debugLogger(&logs)
		start := clk.Now()
		id := enqueue(t, db, reminder, start)
		srv.FailNext(2)

		if sent, failed := drain(t, w); sent != 0 || failed != 1 {
			t.Fatalf("first pass: %d sent, %d failed; want 0, 1", sent, failed)
		}
		s := status(t, db, id)
		if s.Attempts != 1 || !strings.Contains(s.LastError, "451") || !s.SendAfter.Equal(start.Add(time.Minute)) || s.FailedAt != nil {
			t.Fatalf("after one 451: %+v; want attempt 1, retry in 1m", s)
		}

		clk.Add(59 * time.Second)
		if sent, failed := drain(t, w); sent+failed != 0 {
			t.Fatal("retried before the backoff ran out")
		}
		clk.Add(time.Second) // start + 1m
		if sent, failed := drain(t, w); sent != 0 || failed != 1 {
			t.Fatalf("second pass: %d sent, %d failed; want 0, 1", sent, failed)
		}
		if s := status(t, db, id); s.Attempts != 2 || !s.SendAfter.Equal(start.Add(3*time.Minute)) {
			t.Fatalf("after two 451s: %+v; want attempt 2, retry 2m later", s)
		}

		clk.Add(2*time.Minute - time.Second)
		if sent, failed := drain(t, w); sent+failed != 0 {
			t.Fatal("retried before the doubled backoff ran out")
		}
		clk.Add(time.Second) // start + 3m
		if sent, failed := drain(t, w); sent != 1 || failed != 0 {
			t.Fatalf("third pass: %d sent, %d failed; want 1, 0", sent, failed)
		}
		s = status(t, db, id)
		if s.Attempts != 3 || s.SentAt == nil || s.LastError != "" {
			t.Errorf("after delivery: %+v", s)
		}
		if got := srv.Messages(); len(got) != 1 || got[0].Subject != reminder.Subject {
			t.Errorf("server kept %d messages; want the one delivery", len(got))
		}
		assertNoPersonalData(t, logs.String())
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		w.MaxAttempts = 3
		id := enqueue(t, db, reminder, clk.Now())
		srv.FailNext(100)

		for i, wait := range []time.Duration{0, time.Minute, 2 * time.Minute} {
			clk.Add(wait)
			if _, failed := drain(t, w); failed != 1 {
				t.Fatalf("attempt %d did not run", i+1)
			}
		}
		s := status(t, db, id)
		if s.FailedAt == nil || !s.FailedAt.Equal(clk.Now()) || s.Attempts != 3 || !strings.Contains(s.LastError, "451") {
			t.Fatalf("after 3 of 3 attempts: %+v; want failed with the last error", s)
		}
		if p, f := counts(t, db); p != 0 || f != 1 {
			t.Errorf("pending %d, failed %d; want 0, 1", p, f)
		}
		srv.FailNext(0)
		clk.Add(48 * time.Hour)
		if sent, failed := drain(t, w); sent+failed != 0 {
			t.Errorf("a message given up on was tried again (%d sent, %d failed)", sent, failed)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server received %d messages", n)
		}
	})
}

func TestRefusedRecipientGivesUpAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		id := enqueue(t, db, reminder, clk.Now())
		srv.RejectNext(1)
		if _, failed := drain(t, w); failed != 1 {
			t.Fatal("the refused delivery was not counted")
		}
		s := status(t, db, id)
		if s.FailedAt == nil || s.Attempts != 1 || !strings.Contains(s.LastError, "550") {
			t.Errorf("after a 550: %+v; want failed after one attempt", s)
		}
	})
}

func TestClaimIsCompareAndSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t)
		clk := newClock()
		a, b := worker(t, db, srv, clk), worker(t, db, srv, clk)
		enqueue(t, db, reminder, clk.Now())

		// Both workers read the row before either claims it.
		seenA, err := a.due(ctx)
		if err != nil || len(seenA) != 1 {
			t.Fatalf("due = %v, %v", seenA, err)
		}
		seenB, err := b.due(ctx)
		if err != nil || len(seenB) != 1 {
			t.Fatalf("due = %v, %v", seenB, err)
		}
		okA, err := a.claim(ctx, seenA[0])
		if err != nil || !okA {
			t.Fatalf("first claim = %v, %v; want it taken", okA, err)
		}
		okB, err := b.claim(ctx, seenB[0])
		if err != nil || okB {
			t.Fatalf("second claim of the same row = %v, %v; want refused", okB, err)
		}
		if sent, failed := drain(t, b); sent+failed != 0 {
			t.Error("a claimed message was picked up by another worker")
		}
	})
}

func TestAbandonedClaimIsRetriedThenGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv, clk, w := rig(t, db)
		w.MaxAttempts = 2
		id := enqueue(t, db, reminder, clk.Now())

		// A worker claims the message and dies before sending, twice.
		for range 2 {
			seen, err := w.due(ctx)
			if err != nil || len(seen) != 1 {
				t.Fatalf("due = %v, %v; want the message", seen, err)
			}
			if ok, err := w.claim(ctx, seen[0]); !ok || err != nil {
				t.Fatalf("claim = %v, %v", ok, err)
			}
			if sent, _ := drain(t, w); sent != 0 {
				t.Fatal("a message was sent while another worker's claim held")
			}
			clk.Add(lease)
		}
		// Both attempts are used up: the next pass marks it failed.
		drain(t, w)
		s := status(t, db, id)
		if s.FailedAt == nil || s.Attempts != 2 || s.LastError != "no attempts left" {
			t.Errorf("after two abandoned attempts: %+v; want failed", s)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server received %d messages", n)
		}
	})
}

func TestShutdownMidDeliveryFreesTheMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		started := make(chan struct{})
		w := &Worker{DB: db, From: testFrom, Now: clk.Now, Sender: senderFunc(func(ctx context.Context, _ string, _ Message) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})}
		id := enqueue(t, db, reminder, clk.Now())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, _, err := w.DrainOnce(ctx)
			done <- err
		}()
		<-started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("DrainOnce after cancel = %v, want context.Canceled", err)
		}
		s := status(t, db, id)
		if s.Attempts != 1 || s.SentAt != nil || s.FailedAt != nil || !s.SendAfter.Equal(clk.Now()) {
			t.Errorf("after an interrupted delivery: %+v; want due again at once", s)
		}
	})
}

func TestRunDrainsWhenWokenAndStopsWithContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		w.Interval = 24 * time.Hour // only the first pass and Wake can send
		enqueue(t, db, reminder, clk.Now())

		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			w.Run(ctx)
		}()
		srv.WaitFor(t, 1, 30*time.Second)

		m := reminder
		m.Subject = "A sign-in code"
		enqueue(t, db, m, clk.Now())
		w.Wake()
		got := srv.WaitFor(t, 2, 30*time.Second)
		if got[1].Subject != "A sign-in code" {
			t.Errorf("second message = %q", got[1].Subject)
		}
		cancel()
		<-stopped
	})
}

func TestDrainWithoutSenderOrFrom(t *testing.T) {
	db := storetest.SQLite(t)
	if _, _, err := (&Worker{DB: db, From: testFrom}).DrainOnce(context.Background()); err == nil {
		t.Error("DrainOnce without a sender succeeded")
	}
	srv := smtptest.Start(t)
	w := worker(t, db, srv, newClock())
	w.From = "not an address"
	id := enqueue(t, db, reminder, time.Now())
	if _, _, err := w.DrainOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "--smtp-from") {
		t.Errorf("DrainOnce with a bad From = %v; want an error naming --smtp-from", err)
	}
	if s := status(t, db, id); s.Attempts != 0 {
		t.Error("attempts were spent on a configuration error")
	}
}

// TestTwoInstancesDeliverEachMessageOnce runs two workers, each with its
// own connection pool as two holdspace processes would have, against one
// database.
func TestTwoInstancesDeliverEachMessageOnce(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		a := openInstance(t, store.Options{DataDir: dir})
		b := openInstance(t, store.Options{DataDir: dir})
		deliverOnceEach(t, a, b)
	})
	t.Run("postgres", func(t *testing.T) {
		o, ok := storetest.PostgresOptions(t)
		if !ok {
			return
		}
		a := openInstance(t, o)
		b := openInstance(t, o)
		deliverOnceEach(t, a, b)
	})
}

func openInstance(t *testing.T, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func deliverOnceEach(t *testing.T, dbA, dbB *store.DB) {
	const n = 40
	srv := smtptest.Start(t)
	clk := newClock()
	for i := range n {
		m := reminder
		m.Subject = fmt.Sprintf("Reminder %02d", i)
		enqueue(t, dbA, m, clk.Now())
	}
	workers := []*Worker{worker(t, dbA, srv, clk), worker(t, dbB, srv, clk)}
	var wg sync.WaitGroup
	sent := make([]int, len(workers))
	errs := make([]error, len(workers))
	begin := make(chan struct{})
	for i, w := range workers {
		wg.Go(func() {
			<-begin
			sent[i], _, errs[i] = w.DrainOnce(context.Background())
		})
	}
	close(begin)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
	}
	if sent[0]+sent[1] != n {
		t.Errorf("workers report %d + %d sent; want %d in all", sent[0], sent[1], n)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.Subject]++
	}
	for i := range n {
		if s := fmt.Sprintf("Reminder %02d", i); seen[s] != 1 {
			t.Errorf("%q delivered %d times", s, seen[s])
		}
	}
	var attempts int
	err := dbA.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT SUM(attempts) FROM outbox`).Scan(&attempts)
	})
	if err != nil || attempts != n {
		t.Errorf("attempts recorded = %d (%v); want one per message", attempts, err)
	}
	t.Logf("worker A sent %d, worker B sent %d", sent[0], sent[1])
}

type senderFunc func(ctx context.Context, from string, m Message) error

func (f senderFunc) Send(ctx context.Context, from string, m Message) error { return f(ctx, from, m) }

// assertNoPersonalData fails when a log names a recipient, a subject or
// a line of a body.
func assertNoPersonalData(t *testing.T, logs string) {
	t.Helper()
	for _, secret := range []string{"zoe@", "example.org", "Zoë", "Erinnerung", "Sitzung", "Hallo", "nüchtern"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
}

func TestUnreachableServerSpendsOneAttemptPerPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, clk, w := rig(t, db)
		var ids []string
		for range 3 {
			ids = append(ids, enqueue(t, db, reminder, clk.Now()))
		}
		w.Sender.(*SMTPSender).port = 1 // nothing listens there
		if sent, failed := drain(t, w); sent != 0 || failed != 1 {
			t.Fatalf("pass against a closed port: %d sent, %d failed; want 0, 1", sent, failed)
		}
		tried := 0
		for _, id := range ids {
			tried += status(t, db, id).Attempts
		}
		if tried != 1 {
			t.Errorf("%d attempts spent; want 1, the others kept for when the server is back", tried)
		}

		// A failure about one message (451 to its DATA) does not hold
		// the others back.
		w.Sender.(*SMTPSender).port = srv.Port()
		srv.FailNext(1)
		clk.Add(time.Minute)
		if sent, failed := drain(t, w); sent != 2 || failed != 1 {
			t.Errorf("pass with the server back: %d sent, %d failed; want 2, 1", sent, failed)
		}
	})
}
