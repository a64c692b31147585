package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/config"
	"holdspace/internal/notify/smtptest"
)

var reminder = Message{
	ID:      "0195a1b2-0000-7000-8000-000000000001",
	To:      "Zoë Example <zoe@example.org>",
	Subject: "Erinnerung: Ihre Sitzung am Dienstag — bitte nüchtern kommen ☕",
	Text: "Hallo Zoë,\n\n" +
		".a line that starts with a dot\n" +
		"From the practice: a line that starts with From\n" +
		"trailing space \n" +
		strings.Repeat("a long line that must be wrapped by quoted-printable and joined again ", 4) + "\n" +
		"= signs = too, and ü ö ß 東京\n",
}

func TestNoHostMeansNoSender(t *testing.T) {
	s, err := NewSender(config.SMTP{Port: 587, From: testFrom, StartTLS: true}, nil)
	if err != nil || s != nil {
		t.Fatalf("NewSender without a host = %v, %v; want nil, nil", s, err)
	}
}

func TestNewSenderRefusesClearTextToAnotherMachine(t *testing.T) {
	cases := []struct {
		name string
		c    config.SMTP
		ok   bool
	}{
		{"remote host without STARTTLS", config.SMTP{Host: "mail.example.org", Port: 587, Username: "u", Password: "p", From: testFrom}, false},
		{"remote IP without STARTTLS", config.SMTP{Host: "192.0.2.10", Port: 25, From: testFrom}, false},
		{"remote host with STARTTLS", config.SMTP{Host: "mail.example.org", Port: 587, Username: "u", Password: "p", From: testFrom, StartTLS: true}, true},
		{"loopback without STARTTLS", config.SMTP{Host: "127.0.0.1", Port: 25, From: testFrom}, true},
		{"localhost without STARTTLS", config.SMTP{Host: "localhost", Port: 25, From: testFrom}, true},
		{"IPv6 loopback without STARTTLS", config.SMTP{Host: "::1", Port: 25, From: testFrom}, true},
		{"password without user", config.SMTP{Host: "mail.example.org", Port: 587, Password: "p", From: testFrom, StartTLS: true}, false},
		{"bad from", config.SMTP{Host: "mail.example.org", Port: 587, From: "holdspace", StartTLS: true}, false},
		{"bad port", config.SMTP{Host: "mail.example.org", Port: 0, From: testFrom, StartTLS: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSender(c.c, nil)
			if c.ok && (err != nil || s == nil) {
				t.Fatalf("NewSender = %v, %v; want a sender", s, err)
			}
			if !c.ok && err == nil {
				t.Fatalf("NewSender accepted %+v", c.c)
			}
		})
	}
}

func TestSendDeliversExactSubjectAndBody(t *testing.T) {
	srv := smtptest.Start(t)
	clk := newClock()
	if err := plainSender(t, srv, clk).Send(context.Background(), testFrom, reminder); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 10*time.Second)[0]
	if got.ParseError != "" {
		t.Fatal(got.ParseError)
	}
	if got.Subject != reminder.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, reminder.Subject)
	}
	if got.Text != reminder.Text {
		t.Errorf("text = %q\nwant   %q", got.Text, reminder.Text)
	}
	if got.From != "care@practice.example.org" || len(got.To) != 1 || got.To[0] != "zoe@example.org" {
		t.Errorf("envelope = %q → %q", got.From, got.To)
	}
	if id := got.Header.Get("Message-ID"); id != "<"+reminder.ID+"@practice.example.org>" {
		t.Errorf("Message-ID = %q", id)
	}
	if d, err := got.Header.Date(); err != nil || !d.Equal(clk.Now()) {
		t.Errorf("Date = %v (%v), want the injected clock's %v", d, err, clk.Now())
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > maxHeaderLine {
			t.Errorf("line of %d octets on the wire: %q", len(line), line)
		}
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := smtptest.Start(t)
	s := plainSender(t, srv, newClock())
	m := reminder
	m.Subject = "Reminder\r\nBcc: stranger@example.net"
	if err := s.Send(context.Background(), testFrom, m); !errors.Is(err, ErrInvalid) {
		t.Errorf("Send with a line break in the subject = %v, want ErrInvalid", err)
	}
	if err := s.Send(context.Background(), "care@practice.example.org\r\nBcc: stranger@example.net", reminder); !errors.Is(err, ErrInvalid) {
		t.Errorf("Send with a line break in the sender = %v, want ErrInvalid", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages reached the server", n)
	}
}

func TestSendRefusesClearTextAuthToAnotherMachine(t *testing.T) {
	// The server offers AUTH without TLS; the sender believes it is
	// talking to a remote host and must neither authenticate nor send.
	srv := smtptest.Start(t, smtptest.WithAuth("practice", "s3cret"))
	s, err := NewSender(config.SMTP{Host: "mail.example.org", Port: 587, Username: "practice", Password: "s3cret", From: testFrom, StartTLS: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ss := s.(*SMTPSender)
	ss.dial = dialTo(srv)
	err = ss.Send(context.Background(), testFrom, reminder)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send = %v; want a refusal naming STARTTLS", err)
	}
	if errors.Is(err, ErrRejected) {
		t.Error("a missing STARTTLS is our configuration's problem, not the message's: it must be retried")
	}
	if n := srv.AuthAttempts(); n != 0 {
		t.Errorf("%d AUTH attempts reached the server in clear text", n)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages were sent in clear text", n)
	}
}

func TestSendStartTLSThenAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(), smtptest.WithAuth("practice", "s3cret"))
	newSender := func(password string) *SMTPSender {
		s, err := NewSender(config.SMTP{Host: smtptest.TLSName, Port: 587, Username: "practice", Password: password, From: testFrom, StartTLS: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ss := s.(*SMTPSender)
		ss.dial = dialTo(srv)
		ss.rootCAs = srv.CertPool()
		return ss
	}
	if err := newSender("s3cret").Send(context.Background(), testFrom, reminder); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 10*time.Second)[0]
	if !got.TLS || got.User != "practice" {
		t.Errorf("received with TLS=%v as %q; want TLS as practice", got.TLS, got.User)
	}

	err := newSender("wrong").Send(context.Background(), testFrom, reminder)
	if err == nil || errors.Is(err, ErrRejected) {
		t.Errorf("Send with a wrong password = %v; want a failure that is retried", err)
	}
	var se *sendError
	if !errors.As(err, &se) || se.stage != "auth" || se.code != 535 {
		t.Errorf("error = %#v; want stage auth, code 535", err)
	}
}

func TestSendAuthInClearOnLoopback(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithAuth("practice", "s3cret"))
	s, err := NewSender(config.SMTP{Host: srv.Host(), Port: srv.Port(), Username: "practice", Password: "s3cret", From: testFrom}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), testFrom, reminder); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, 1, 10*time.Second)[0]; got.User != "practice" || got.TLS {
		t.Errorf("received TLS=%v as %q; want clear text as practice", got.TLS, got.User)
	}
}

func TestSendStartTLSOnLoopbackWhenConfigured(t *testing.T) {
	srv := smtptest.Start(t) // offers no STARTTLS
	s, err := NewSender(config.SMTP{Host: srv.Host(), Port: srv.Port(), From: testFrom, StartTLS: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), testFrom, reminder); err == nil {
		t.Error("--smtp-starttls asks for TLS even on loopback; Send went ahead without it")
	}
}

func TestSendRecipientRefusedIsFinal(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RejectNext(1)
	err := plainSender(t, srv, newClock()).Send(context.Background(), testFrom, reminder)
	if !errors.Is(err, ErrRejected) {
		t.Errorf("Send to a refused mailbox = %v, want ErrRejected", err)
	}
	srv.FailNext(1)
	err = plainSender(t, srv, newClock()).Send(context.Background(), testFrom, reminder)
	if err == nil || errors.Is(err, ErrRejected) {
		t.Errorf("Send answered 451 = %v, want a temporary failure", err)
	}
}

func TestSendUnreachableServer(t *testing.T) {
	srv := smtptest.Start(t)
	s := plainSender(t, srv, newClock())
	s.port = 1 // nothing listens there
	err := s.Send(context.Background(), testFrom, reminder)
	var se *sendError
	if !errors.As(err, &se) || se.stage != "connect" {
		t.Errorf("Send to a closed port = %v, want a connect failure", err)
	}
}
