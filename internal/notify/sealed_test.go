package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"holdspace/internal/keyring"
	"holdspace/internal/notify/smtptest"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func testRing(t *testing.T, fill byte) *keyring.Ring {
	t.Helper()
	r, err := keyring.New([]byte(strings.Repeat(string(fill), 32)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var resetMail = Message{To: "jordan@example.org", Subject: "Reset your holdspace password",
	Text: "Choose a new password here:\nhttps://clinic.example/reset/Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ\n"}

func enqueueSealed(t *testing.T, db *store.DB, keys *keyring.Ring, m Message, clk *clock) string {
	t.Helper()
	var id string
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = EnqueueSealed(context.Background(), tx, keys, m, clk.Now())
		return err
	})
	if err != nil {
		t.Fatalf("EnqueueSealed: %v", err)
	}
	return id
}

func bodyText(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	var body string
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT body_text FROM outbox WHERE id = ?`, id).Scan(&body)
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestSealedTextIsStoredSealedAndSentInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := smtptest.Start(t)
		clk := newClock()
		keys := testRing(t, 'k')
		id := enqueueSealed(t, db, keys, resetMail, clk)

		stored := bodyText(t, db, id)
		if strings.Contains(stored, "reset/") || strings.Contains(stored, "Zm9vYmFy") || !isSealed(stored) {
			t.Fatalf("the outbox holds %q; want the text sealed", stored)
		}
		w := worker(t, db, srv, clk)
		w.Keys = keys
		if sent, failed := drain(t, w); sent != 1 || failed != 0 {
			t.Fatalf("DrainOnce = %d sent, %d failed; want 1, 0", sent, failed)
		}
		if got := srv.Messages(); len(got) != 1 || got[0].Text != resetMail.Text {
			t.Fatalf("received %+v; want the text in clear", got)
		}
		if body := bodyText(t, db, id); body != "" {
			t.Errorf("after delivery the outbox still holds %q", body)
		}
	})
}

func TestDeliveredPlainTextIsRemovedToo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := smtptest.Start(t)
		clk := newClock()
		id := enqueue(t, db, reminder, clk.Now())
		if body := bodyText(t, db, id); body != normaliseText(reminder.Text) {
			t.Fatalf("before delivery the outbox holds %q", body)
		}
		drain(t, worker(t, db, srv, clk))
		if body := bodyText(t, db, id); body != "" {
			t.Errorf("after delivery the outbox still holds %q", body)
		}
		if s := status(t, db, id); s.SentAt == nil {
			t.Errorf("status after delivery = %+v", s)
		}
	})
}

func TestSealedTextWithoutItsKeyIsGivenUpNotSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := smtptest.Start(t)
		clk := newClock()
		id := enqueueSealed(t, db, testRing(t, 'k'), resetMail, clk)

		// A worker without keys cannot ever send it: it gives up at once
		// instead of spending every attempt.
		if sent, failed := drain(t, worker(t, db, srv, clk)); sent != 0 || failed != 1 {
			t.Fatalf("without keys: %d sent, %d failed; want 0, 1", sent, failed)
		}
		if s := status(t, db, id); s.FailedAt == nil || s.Attempts != 1 || !strings.Contains(s.LastError, "key file") {
			t.Errorf("status = %+v; want given up after one attempt, naming the key file", s)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages reached the server", n)
		}
	})
}

func TestSealedTextOpensOnlyWithItsKeyAndRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := smtptest.Start(t)
		clk := newClock()
		keys := testRing(t, 'k')
		a := enqueueSealed(t, db, keys, resetMail, clk)
		b := enqueueSealed(t, db, keys, resetMail, clk)
		// A sealed text copied onto another message does not open there.
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE outbox SET body_text = ? WHERE id = ?`, bodyText(t, db, a), b)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		w := worker(t, db, srv, clk)
		w.Keys = testRing(t, 'x')
		if sent, failed := drain(t, w); sent != 0 || failed != 2 {
			t.Errorf("with another key: %d sent, %d failed; want 0, 2", sent, failed)
		}
		if _, err := openText(keys, b, bodyText(t, db, b)); !errors.Is(err, ErrInvalid) {
			t.Errorf("a sealed text moved to another row opened: %v", err)
		}
		if text, err := openText(keys, a, bodyText(t, db, a)); err != nil || text != resetMail.Text {
			t.Errorf("openText = %q, %v", text, err)
		}
	})
}

func TestEnqueueSealedRefusesWithoutKeys(t *testing.T) {
	db := storetest.SQLite(t)
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := EnqueueSealed(context.Background(), tx, nil, resetMail, newClock().Now())
		return err
	})
	if err == nil {
		t.Fatal("a secret was queued without a key to seal it")
	}
	if p, _ := counts(t, db); p != 0 {
		t.Errorf("%d messages queued", p)
	}
}

func TestPlainTextIsNeverTakenForSealed(t *testing.T) {
	for _, text := range []string{"sealed:", "sealed:abc", "sealed:AAAA\n"} {
		if isSealed(normaliseText(text)) {
			t.Errorf("plain text %q is taken for sealed", text)
		}
	}
}
