package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/config"
	"holdspace/internal/store"
)

// Sender delivers one message. from is the envelope and header sender.
type Sender interface {
	Send(ctx context.Context, from string, m Message) error
}

// ErrRejected is wrapped by a Send error when the mail server refused this
// recipient or this message outright (a 5xx reply to RCPT or DATA): trying
// again will not help, so the worker gives up on the message at once.
var ErrRejected = errors.New("the mail server refused the message")

// SMTPSender delivers over SMTP (RFC 5321) with the standard library.
type SMTPSender struct {
	host     string
	port     int
	username string
	password string
	// requireTLS is true unless the server is on this machine and the
	// configuration turned STARTTLS off.
	requireTLS bool
	now        func() time.Time

	// DialTimeout bounds connecting; Timeout bounds the whole
	// conversation, so a server that stops answering cannot hold a
	// message past the worker's claim on it.
	DialTimeout time.Duration
	Timeout     time.Duration

	// Seams for tests: where to really connect, and which certificate
	// authorities to trust (nil: the system's).
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	rootCAs *x509.CertPool
}

// Default timeouts of an SMTPSender.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultSendTimeout = 60 * time.Second
)

// NewSender builds the sender the configuration describes. With no SMTP
// host it returns nil and no error: email then stays queued. now dates the
// messages (nil means the system clock).
//
// It refuses a configuration that would send a password or clients' email
// in clear text across a network: STARTTLS can be turned off only for a
// server on this machine.
func NewSender(c config.SMTP, now func() time.Time) (Sender, error) {
	host := strings.TrimSpace(c.Host)
	if host == "" {
		return nil, nil
	}
	if c.Port <= 0 || c.Port > 65535 {
		return nil, fmt.Errorf("--smtp-port %d is not a port", c.Port)
	}
	if _, err := parseAddress("sender", c.From); err != nil {
		return nil, fmt.Errorf("--smtp-from: %w", err)
	}
	if c.Password != "" && c.Username == "" {
		return nil, errors.New("--smtp-password is set without --smtp-username: give both or neither")
	}
	if !c.StartTLS && !isLoopback(host) {
		return nil, fmt.Errorf("--smtp-starttls=false is only allowed for an SMTP server on this machine; %s is not, and email and passwords must not cross the network in clear text", host)
	}
	if now == nil {
		now = time.Now
	}
	return &SMTPSender{
		host:        host,
		port:        c.Port,
		username:    c.Username,
		password:    c.Password,
		requireTLS:  c.StartTLS || !isLoopback(host),
		now:         now,
		DialTimeout: DefaultDialTimeout,
		Timeout:     DefaultSendTimeout,
	}, nil
}

// isLoopback reports whether host is this machine, the only place a
// conversation in clear text cannot be overheard.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sendError says at which step of the SMTP conversation a delivery failed
// and with which reply code, so the worker can log that much and no more
// (a server's reply text often quotes the address).
type sendError struct {
	stage     string
	code      int // the server's reply code; 0 when it never replied
	permanent bool
	err       error
}

func (e *sendError) Error() string { return "smtp " + e.stage + ": " + e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrRejected) true for a permanent refusal.
func (e *sendError) Is(target error) bool { return target == ErrRejected && e.permanent }

func stageError(stage string, err error) error {
	se := &sendError{stage: stage, err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		se.code = te.Code
		// A 5xx to the envelope sender or to AUTH is about our own
		// configuration and affects every message, so only refusals of
		// this recipient or this content are final for the message.
		se.permanent = te.Code >= 500 && (stage == "rcpt" || stage == "data")
	}
	return se
}

var (
	errNoStartTLS = errors.New("the server does not offer STARTTLS, which is required for a server that is not on this machine (or when --smtp-starttls is on)")
	errNoPlain    = errors.New("the server does not offer AUTH PLAIN")
	errClearAuth  = errors.New("refusing to send the SMTP password without TLS to a server that is not on this machine")
)

// Send delivers m to its recipient. It returns only after the server has
// accepted the message (its reply to the end of DATA) or refused it.
func (s *SMTPSender) Send(ctx context.Context, from string, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	fromAddr, err := parseAddress("sender", from)
	if err != nil {
		return err
	}
	toAddr, _ := mail.ParseAddress(m.To) // Validate parsed it already
	body := compose(fromAddr, toAddr, m, s.now())

	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	dial := s.dial
	if dial == nil {
		d := &net.Dialer{Timeout: s.DialTimeout}
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", net.JoinHostPort(s.host, strconv.Itoa(s.port)))
	if err != nil {
		return stageError("connect", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// net/smtp knows no context: closing the connection is how a
	// shutdown interrupts a conversation that is waiting on the server.
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	err = s.converse(conn, fromAddr, toAddr, body)
	if ctx.Err() != nil && err != nil {
		return stageError("interrupted", fmt.Errorf("%w (%v)", ctx.Err(), err))
	}
	return err
}

func (s *SMTPSender) converse(conn net.Conn, from, to *mail.Address, body []byte) error {
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return stageError("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(helloName(from.Address)); err != nil {
		return stageError("ehlo", err)
	}
	if s.requireTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return stageError("starttls", errNoStartTLS)
		}
		cfg := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12, RootCAs: s.rootCAs}
		if err := c.StartTLS(cfg); err != nil {
			return stageError("starttls", err)
		}
	}
	if s.username != "" {
		// requireTLS already ensures this; the check stays next to the
		// password so that no later change can lose it.
		if _, encrypted := c.TLSConnectionState(); !encrypted && !isLoopback(s.host) {
			return stageError("auth", errClearAuth)
		}
		ok, mechs := c.Extension("AUTH")
		if !ok || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
			return stageError("auth", errNoPlain)
		}
		if err := c.Auth(smtp.PlainAuth("", s.username, s.password, s.host)); err != nil {
			return stageError("auth", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return stageError("mail", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return stageError("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return stageError("data", err)
	}
	if _, err := w.Write(body); err != nil {
		w.Close()
		return stageError("data", err)
	}
	if err := w.Close(); err != nil {
		return stageError("data", err)
	}
	// The server has accepted the message; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// helloName is the name holdspace gives itself in EHLO: the sender's
// domain when it looks like one, since that is the name the mail claims.
func helloName(fromAddr string) string {
	d := domainOf(fromAddr)
	if strings.Contains(d, ".") && strings.IndexFunc(d, func(r rune) bool {
		return !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return d
	}
	return "localhost"
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// compose writes the message: RFC 5322 headers and a quoted-printable
// UTF-8 text body, every line ending in CRLF.
func compose(from, to *mail.Address, m Message, now time.Time) []byte {
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(foldHeader(name, value))
		b.WriteString("\r\n")
	}
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("From", from.String())
	header("To", to.String())
	header("Subject", encodeSubject(m.Subject))
	header("Message-ID", messageID(m.ID, from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: tells vacation responders not to answer.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(normaliseText(m.Text)))
	qp.Close()
	return b.Bytes()
}

// encodeSubject encodes a non-ASCII subject as RFC 2047 encoded-words,
// which foldHeader then puts on lines of their own.
func encodeSubject(s string) string {
	return mime.QEncoding.Encode("utf-8", s)
}

// maxHeaderLine is RFC 2047's limit for a header line holding an
// encoded-word, also within RFC 5322's recommended 78.
const maxHeaderLine = 76

// foldHeader writes "name: value", folding at spaces so that no line is
// longer than maxHeaderLine where a space allows it. Unfolding (removing
// each CRLF) gives back exactly "name: value", so folding changes nothing
// a reader sees. A fold may come straight after the colon, which RFC 5322
// allows and which a subject's first encoded-word needs.
func foldHeader(name, value string) string {
	var out strings.Builder
	line := name + ":"
	for _, tok := range strings.Split(value, " ") {
		if tok != "" && len(line)+1+len(tok) > maxHeaderLine {
			out.WriteString(line)
			out.WriteString("\r\n")
			line = ""
		}
		line += " " + tok
	}
	out.WriteString(line)
	return out.String()
}

// messageID is derived from the outbox id, so a message sent twice (the
// server took it but the database could not record that) carries the same
// Message-ID both times and mail clients can tell.
func messageID(id, fromAddr string) string {
	if id == "" {
		id = store.NewID()
	}
	d := domainOf(fromAddr)
	if d == "" {
		d = "holdspace.invalid"
	}
	return "<" + id + "@" + d + ">"
}
