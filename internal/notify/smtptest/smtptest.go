// Package smtptest runs a real SMTP server inside a test, on 127.0.0.1 and a
// free port, that keeps what it receives so the test can read it. It can
// require AUTH PLAIN, offer STARTTLS with a certificate of its own, and
// answer deliveries with a temporary (451) or permanent (550) failure, so
// that a client's retries and refusals can be tested over a real
// connection.
package smtptest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	// From and To are the envelope (MAIL FROM and RCPT TO).
	From string
	To   []string
	// Data is the message as transmitted, headers and encoded body.
	Data []byte
	// Header is Data's header, parsed; Subject is decoded from RFC 2047
	// and Text is the body with its transfer encoding undone and line
	// breaks as \n. ParseError says why they are empty, if they are.
	Header     mail.Header
	Subject    string
	Text       string
	ParseError string
	// TLS is whether the message came over STARTTLS; User is who
	// authenticated, if anyone.
	TLS  bool
	User string
}

// Server is a running test SMTP server.
type Server struct {
	srv  *smtp.Server
	addr *net.TCPAddr
	user string
	pass string
	tls  bool
	pool *x509.CertPool

	mu           sync.Mutex
	msgs         []Received
	arrived      chan struct{} // closed, and replaced, when a message arrives
	failNext     int
	rejectNext   int
	authAttempts int
}

// Option changes how Start sets the server up.
type Option func(*Server)

// WithAuth makes the server offer AUTH PLAIN and refuse mail from clients
// that have not authenticated as username with password.
func WithAuth(username, password string) Option {
	return func(s *Server) { s.user, s.pass = username, password }
}

// WithTLS makes the server offer STARTTLS with a self-signed certificate
// for TLSName, localhost and 127.0.0.1; trust it with CertPool. AUTH is
// then offered only after STARTTLS, as a careful real server does.
func WithTLS() Option {
	return func(s *Server) { s.tls = true }
}

// TLSName is the host name the WithTLS certificate is for. It is in the
// reserved .test domain, so it never names a real server; a client test
// dials the server's address while verifying this name.
const TLSName = "smtp.holdspace.test"

// Start starts a server on 127.0.0.1 and a free port; it stops when the
// test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.MaxMessageBytes = 4 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	for _, o := range opts {
		o(s)
	}
	if s.tls {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: making a certificate: %v", err)
		}
		s.pool = pool
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	// Clear-text AUTH is allowed only without TLS: the server listens on
	// loopback, where nothing can overhear it.
	s.srv.AllowInsecureAuth = s.srv.TLSConfig == nil

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listening: %v", err)
	}
	s.addr = ln.Addr().(*net.TCPAddr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		s.srv.Close()
		// Close only closes listeners Serve has registered; if the test
		// ended before Serve began, the listener is closed here.
		ln.Close()
		<-done
	})
	return s
}

// Addr is host:port to connect to.
func (s *Server) Addr() string { return s.addr.String() }

// Host is the IP address the server listens on.
func (s *Server) Host() string { return s.addr.IP.String() }

// Port is the port the server listens on.
func (s *Server) Port() int { return s.addr.Port }

// CertPool trusts the WithTLS certificate; nil without WithTLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Messages returns a copy of what has arrived, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// AuthAttempts counts AUTH commands clients have issued, whether or not
// they succeeded.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authAttempts
}

// FailNext answers the next n messages with 451 (try again later) after
// receiving them, and keeps none of them.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// RejectNext answers the next n recipients with 550 (no such mailbox).
func (s *Server) RejectNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectNext = n
}

// WaitFor waits until at least n messages have arrived and returns them.
// The timeout only keeps a broken test from hanging; it is not a claim
// about speed. It fails the test when the timeout passes first.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.msgs), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d of %d messages arrived within %v", got, n, timeout)
			return nil
		}
	}
}

func (s *Server) take(counter *int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *counter > 0 {
		*counter--
		return true
	}
	return false
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.s.mu.Lock()
	ss.s.authAttempts++
	ss.s.mu.Unlock()
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.user || password != ss.s.pass {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.take(&ss.s.rejectNext) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.take(&ss.s.failNext) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	_, isTLS := ss.conn.TLSConnectionState()
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Data: data, TLS: isTLS, User: ss.user}
	if err := parse(&rec); err != nil {
		rec.ParseError = err.Error()
	}
	ss.s.add(rec)
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

// parse fills Header, Subject and Text from Data.
func parse(r *Received) error {
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return err
	}
	r.Header = m.Header
	r.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	body := m.Body
	switch cte := strings.ToLower(m.Header.Get("Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		return errors.New("smtptest: cannot decode Content-Transfer-Encoding " + strconv.Quote(cte))
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	r.Text = strings.ReplaceAll(string(text), "\r\n", "\n")
	return nil
}
