package notify

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestValidateRefusesHeaderInjectionAndBadAddresses(t *testing.T) {
	ok := Message{To: "client@example.org", Subject: "Your appointment", Text: "See you."}
	cases := []struct {
		name string
		edit func(*Message)
		want string // part of the error
	}{
		{"CRLF in subject adds a Bcc", func(m *Message) { m.Subject = "Reminder\r\nBcc: stranger@example.net" }, "subject contains a line break"},
		{"bare LF in subject", func(m *Message) { m.Subject = "Reminder\nBcc: stranger@example.net" }, "subject contains a line break"},
		{"bare CR in subject", func(m *Message) { m.Subject = "Reminder\rX: y" }, "subject contains a line break"},
		{"NUL in subject", func(m *Message) { m.Subject = "Reminder\x00" }, "control character"},
		{"CRLF in address", func(m *Message) { m.To = "client@example.org\r\nBcc: stranger@example.net" }, "recipient address contains a line break"},
		{"LF in address", func(m *Message) { m.To = "client@example.org\nBcc: stranger@example.net" }, "recipient address contains a line break"},
		{"two recipients", func(m *Message) { m.To = "client@example.org, stranger@example.net" }, "not one email address"},
		{"no at sign", func(m *Message) { m.To = "client.example.org" }, "not one email address"},
		{"empty address", func(m *Message) { m.To = " " }, "recipient address is empty"},
		{"empty subject", func(m *Message) { m.Subject = "" }, "subject is empty"},
		{"subject too long", func(m *Message) { m.Subject = strings.Repeat("ä", maxSubject+1) }, "keep it to 250"},
		{"invalid UTF-8", func(m *Message) { m.Text = "\xff" }, "not valid UTF-8"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good message is refused: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := ok
			c.edit(&m)
			err := m.Validate()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
			if strings.Contains(err.Error(), "stranger@") {
				t.Errorf("error %q quotes the address", err)
			}
		})
	}
	named := ok
	named.To = "Zoë Example <zoe@example.org>"
	if err := named.Validate(); err != nil {
		t.Errorf("an address with a non-ASCII display name is refused: %v", err)
	}
}

func TestEnqueueIsPartOfTheCallersTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		m := Message{To: "client@example.org", Subject: "Reminder", Text: "Tomorrow at 10."}

		rollback := errors.New("the booking was refused")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := Enqueue(ctx, tx, m, now); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("Write = %v", err)
		}
		if p, f := counts(t, db); p != 0 || f != 0 {
			t.Fatalf("after a rollback: %d pending, %d failed; want nothing", p, f)
		}

		id := enqueue(t, db, m, now)
		if p, _ := counts(t, db); p != 1 {
			t.Fatalf("after a commit: %d pending, want 1", p)
		}
		s := status(t, db, id)
		if s.Attempts != 0 || s.SentAt != nil || s.FailedAt != nil || !s.SendAfter.Equal(now) {
			t.Errorf("new message status = %+v", s)
		}
	})
}

func TestEnqueueRefusesInjectionWithoutWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := Enqueue(ctx, tx, Message{To: "client@example.org", Subject: "Hi\r\nBcc: stranger@example.net", Text: "x"}, now)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Enqueue with a line break in the subject = %v, want ErrInvalid", err)
			}
			_, err = Enqueue(ctx, tx, Message{To: "client@example.org\r\nBcc: stranger@example.net", Subject: "Hi", Text: "x"}, now)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Enqueue with a line break in the address = %v, want ErrInvalid", err)
			}
			return nil // commit: anything written would stay
		})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := counts(t, db); p != 0 {
			t.Errorf("%d messages written; want none", p)
		}
	})
}

func TestEnqueueKeepsPracticeAndSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		practice := store.NewID()
		var id string
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				practice, "calm-"+practice[:8], "Calm Practice", "America/New_York", now); err != nil {
				return err
			}
			var err error
			id, err = Enqueue(ctx, tx, Message{PracticeID: practice, To: "client@example.org", Subject: "Tomorrow",
				Text: "line one\r\nline two", SendAfter: now.Add(24 * time.Hour)}, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var gotPractice, text string
		err = db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT practice_id, body_text FROM outbox WHERE id = ?`, id).Scan(&gotPractice, &text)
		})
		if err != nil {
			t.Fatal(err)
		}
		if gotPractice != practice {
			t.Errorf("practice_id = %q, want %q", gotPractice, practice)
		}
		if text != "line one\nline two\n" {
			t.Errorf("body_text = %q; want \\n line breaks and a final one", text)
		}
		if s := status(t, db, id); !s.SendAfter.Equal(now.Add(24 * time.Hour)) {
			t.Errorf("send_after = %v, want a day later", s.SendAfter)
		}
	})
}

func TestComposeHeaders(t *testing.T) {
	from, _ := mail.ParseAddress(testFrom)
	to, _ := mail.ParseAddress("Zoë Example <zoe@example.org>")
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	subject := strings.Repeat("Ihre Sitzung am Dienstag — bitte nüchtern kommen ☕ ", 4)
	raw := compose(from, to, Message{ID: "0195a1b2-c3d4", To: to.String(), Subject: subject, Text: "Hallo"}, now)

	head, _, ok := strings.Cut(string(raw), "\r\n\r\n")
	if !ok {
		t.Fatal("no blank line between header and body")
	}
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > maxHeaderLine {
			t.Errorf("header line of %d octets (RFC 2047 allows 76): %q", len(line), line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("bare line break in header line %q", line)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Message-ID":                "<0195a1b2-c3d4@practice.example.org>",
		"Auto-Submitted":            "auto-generated",
	}
	for k, v := range want {
		if got := msg.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date: %v (%v), want %v", d, err, now)
	}
	if got, err := msg.Header.AddressList("To"); err != nil || len(got) != 1 || got[0].Name != "Zoë Example" || got[0].Address != "zoe@example.org" {
		t.Errorf("To: %v (%v)", got, err)
	}
	if got, err := msg.Header.AddressList("From"); err != nil || len(got) != 1 || got[0].Address != "care@practice.example.org" {
		t.Errorf("From: %v (%v)", got, err)
	}
}
