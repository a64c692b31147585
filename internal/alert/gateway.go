package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/keyring"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Gateway is the practice's SMS or voice gateway: an HTTPS address that
// takes a signed JSON request and texts or calls the number in it. The
// shared secret is stored apart, sealed (SetGatewaySecret).
type Gateway struct {
	URL string `json:"url,omitempty"`
	// Channel is ChannelSMS or ChannelVoice.
	Channel string `json:"channel,omitempty"`
}

// The ways the gateway reaches a person.
const (
	ChannelSMS   = "sms"
	ChannelVoice = "voice"
)

// The headers of a gateway request. The signature is HMAC-SHA256, keyed
// with the practice's shared secret, of the timestamp header's value, a
// full stop, and the body exactly as sent; it is written "sha256=" and the
// digest in lower-case hex.
const (
	HeaderTimestamp = "X-Holdspace-Timestamp"
	HeaderSignature = "X-Holdspace-Signature"
)

// gatewaySecretPurpose keys the sealed secret; its own purpose, so no other
// sealed value opens with the same key.
const gatewaySecretPurpose = "safety-gateway"

// MinGatewaySecret is the shortest shared secret holdspace accepts, in
// bytes: a shorter one could be guessed from signed requests.
const MinGatewaySecret = 16

func gatewayAD(practiceID string) []byte { return []byte("safety_gateway_secret/" + practiceID) }

// Sign is the signature header value for a request sent at timestamp (unix
// seconds, as in the timestamp header) with body. Gateways compute the same
// and compare in constant time.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s Settings) validateGateway() error {
	g := s.Gateway
	if g.URL == "" {
		return nil
	}
	u, err := url.Parse(g.URL)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
		// Plain http only to the machine itself: the request carries a
		// link to a safety alert and a phone number.
		return safety.Invalid("gateway_url", "gateway address: give the https:// address your gateway gave you (http:// only to this machine)")
	}
	if g.Channel != ChannelSMS && g.Channel != ChannelVoice {
		return safety.Invalid("gateway_channel", "gateway channel: choose a text message or a voice call")
	}
	o := s.Escalation.OnCall
	if o.Clinician != "" && !validPhone(o.Phone) {
		return safety.Invalid("on_call_phone", "on-call phone: give the on-call clinician's number in international form, such as +1 555 010 0100, so the gateway can reach them")
	}
	for i, sl := range o.Rota {
		if !validPhone(sl.Phone) {
			return safety.Invalid(fmt.Sprintf("rota.%d.phone", i),
				fmt.Sprintf("on-call phone: give a number in international form for rota line %d, such as +1 555 010 0100", i+1))
		}
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normalPhone strips the spaces, dots, dashes and brackets people type, so
// "+1 (555) 010-0100" is stored as "+15550100100".
func normalPhone(p string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(p) {
		switch {
		case r >= '0' && r <= '9', r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return strings.TrimSpace(p) // left as typed, for validPhone to refuse
		}
	}
	return b.String()
}

// validPhone accepts E.164: a plus, then 7 to 15 digits not starting at 0.
func validPhone(p string) bool {
	if len(p) < 8 || len(p) > 16 || p[0] != '+' || p[1] == '0' {
		return false
	}
	for _, r := range p[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Settings) normalisePhones() {
	o := &s.Escalation.OnCall
	o.Phone = normalPhone(o.Phone)
	for i := range o.Rota {
		o.Rota[i].Phone = normalPhone(o.Rota[i].Phone)
	}
}

// SetGatewaySecret seals secret with the keyring and stores it for the
// practice, replacing any before. The clear secret is never stored.
func SetGatewaySecret(ctx context.Context, tx *store.Tx, keys *keyring.Ring, practiceID, secret, by string, now time.Time) error {
	secret = strings.TrimSpace(secret)
	if len(secret) < MinGatewaySecret {
		return safety.Invalid("gateway_secret", fmt.Sprintf("gateway secret: use the secret your gateway gave you, at least %d characters", MinGatewaySecret))
	}
	if keys == nil {
		return errors.New("no keyring to seal the gateway secret with")
	}
	sealed, err := keys.Seal(gatewaySecretPurpose, []byte(secret), gatewayAD(practiceID))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO safety_gateway_secret (practice_id, sealed, set_by, set_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (practice_id) DO UPDATE SET sealed = excluded.sealed, set_by = excluded.set_by, set_at = excluded.set_at`,
		practiceID, base64.StdEncoding.EncodeToString(sealed), nullable(by), now)
	return err
}

// GatewaySecretSetAt says when the practice's secret was last set, zero if
// it has none: the settings page says one is set without showing it.
func GatewaySecretSetAt(ctx context.Context, tx *store.Tx, practiceID string) (time.Time, error) {
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT set_at FROM safety_gateway_secret WHERE practice_id = ?`, practiceID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return at, err
}

func hasGatewaySecret(ctx context.Context, tx *store.Tx, practiceID string) (bool, error) {
	at, err := GatewaySecretSetAt(ctx, tx, practiceID)
	return !at.IsZero(), err
}

func gatewaySecret(ctx context.Context, tx *store.Tx, keys *keyring.Ring, practiceID string) ([]byte, error) {
	var raw string
	if err := tx.QueryRow(ctx, `SELECT sealed FROM safety_gateway_secret WHERE practice_id = ?`, practiceID).Scan(&raw); err != nil {
		return nil, err
	}
	sealed, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, err
	}
	return keys.Open(gatewaySecretPurpose, sealed, gatewayAD(practiceID))
}

// OnCallText is the whole message the on-call clinician gets by text or
// call: the practice and a link. A phone's lock screen is not the place for
// a client's name or answers; the link leads to them after sign-in.
func OnCallText(practice, link string) string {
	return orPractice(practice) + ": a safety alert for a client needs you: " + link
}

// queueOnCall puts a text or call to the on-call person in the queue, in
// the escalation's transaction, once per alert, level and person. Without a
// gateway or a number there is nothing to queue: the email stands alone.
func queueOnCall(ctx context.Context, tx *store.Tx, practiceID string, s Settings, a safety.Alert, level int, p safety.OnCallPerson, now time.Time) error {
	if s.Gateway.URL == "" || p.Phone == "" {
		return nil
	}
	channel := s.Gateway.Channel
	if channel != ChannelVoice {
		channel = ChannelSMS
	}
	_, err := tx.Exec(ctx, `INSERT INTO oncall_message (id, practice_id, client_id, alert_id, level, staff_id, channel, to_phone, body_text,
		created_at, send_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, level, staff_id) DO NOTHING`,
		store.NewID(), practiceID, a.ClientID, a.ID, level, p.StaffID, channel, p.Phone,
		OnCallText(s.PracticeName, link(ctx, "/alerts/"+a.ID)), now, now)
	if err != nil {
		return fmt.Errorf("queueing the on-call message: %w", err)
	}
	return nil
}

// OnCallMessage is one text or call to an on-call clinician, for the alert
// page.
type OnCallMessage struct {
	ID, StaffID, StaffName, Channel string
	Level, Attempts                 int
	CreatedAt                       time.Time
	SentAt, FailedAt, WithdrawnAt   *time.Time
	LastError                       string
}

// Summary is the step in clinical words for the timeline.
func (m OnCallMessage) Summary() string {
	what := "Texted"
	if m.Channel == ChannelVoice {
		what = "Called"
	}
	who := m.StaffName + " (on call)"
	switch {
	case m.SentAt != nil:
		return fmt.Sprintf("%s %s about the level %d escalation", what, who, m.Level)
	case m.WithdrawnAt != nil:
		return fmt.Sprintf("The %s to %s was not sent: the alert was acknowledged first", strings.ToLower(channelWord(m.Channel)), who)
	case m.FailedAt != nil:
		return fmt.Sprintf("The %s to %s could not be delivered after %d attempts", strings.ToLower(channelWord(m.Channel)), who, m.Attempts)
	case m.Attempts > 0:
		return fmt.Sprintf("The %s to %s has not got through yet (%d attempts so far); trying again", strings.ToLower(channelWord(m.Channel)), who, m.Attempts)
	}
	return fmt.Sprintf("The %s to %s is queued, not yet sent", strings.ToLower(channelWord(m.Channel)), who)
}

func channelWord(c string) string {
	if c == ChannelVoice {
		return "Call"
	}
	return "Text message"
}

func onCallMessages(ctx context.Context, tx *store.Tx, practiceID, alertID string) ([]OnCallMessage, error) {
	return store.All(ctx, tx, func(r store.Scanner) (m OnCallMessage, err error) {
		var sent, failed, withdrawn sql.NullTime
		err = r.Scan(&m.ID, &m.StaffID, &m.StaffName, &m.Channel, &m.Level, &m.Attempts, &m.CreatedAt, &sent, &failed, &withdrawn, &m.LastError)
		m.SentAt, m.FailedAt, m.WithdrawnAt = timePtr(sent), timePtr(failed), timePtr(withdrawn)
		return m, err
	}, `SELECT m.id, m.staff_id, s.full_name, m.channel, m.level, m.attempts, m.created_at, m.sent_at, m.failed_at,
		m.withdrawn_at, m.last_error FROM oncall_message m JOIN staff s ON s.id = m.staff_id
		WHERE m.alert_id = ? AND m.practice_id = ? ORDER BY m.created_at, m.level, m.id`, alertID, practiceID)
}

// GatewaySender delivers the queued texts and calls to each practice's
// gateway. Like the email outbox, a message is claimed with a
// compare-and-set on its attempt count, so two holdspace instances never
// both send it, and a claim holds it for a lease in case the sender dies.
type GatewaySender struct {
	DB   *store.DB
	Keys *keyring.Ring
	// HTTP sends the requests; nil means a client with a ten-second
	// timeout.
	HTTP *http.Client
	Log  *slog.Logger
	// MaxAttempts before a message is marked failed; zero means
	// DefaultGatewayAttempts.
	MaxAttempts int
}

const (
	// DefaultGatewayAttempts, with GatewayRetryDelay, keeps trying for
	// about an hour: by then the escalation has moved on to the next
	// level and its own message.
	DefaultGatewayAttempts = 10
	gatewayLease           = 2 * time.Minute
	gatewayTimeout         = 10 * time.Second
)

// GatewayRetryDelay is the wait after the attempt-th failed delivery: 30
// seconds, doubling, at most ten minutes. Shorter than email's, because
// this message is the one meant to wake someone.
func GatewayRetryDelay(attempt int) time.Duration {
	attempt = min(max(attempt, 1), 10)
	return min(30*time.Second<<(attempt-1), 10*time.Minute)
}

func (g *GatewaySender) maxAttempts() int {
	if g.MaxAttempts > 0 {
		return g.MaxAttempts
	}
	return DefaultGatewayAttempts
}

func (g *GatewaySender) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (g *GatewaySender) client() *http.Client {
	if g.HTTP != nil {
		return g.HTTP
	}
	return &http.Client{Timeout: gatewayTimeout}
}

type dueOnCall struct {
	id, practiceID, alertID, staffID, channel, phone, text, alertState string
	attempts                                                           int
	createdAt                                                          time.Time
}

// DeliverOnce sends every message due at now and returns how many the
// gateways took and how many failed (to be retried or given up on). A
// message whose alert was acknowledged meanwhile is withdrawn, not sent:
// nobody is woken for an alert a colleague has in hand.
func (g *GatewaySender) DeliverOnce(ctx context.Context, now time.Time) (sent, failed int, err error) {
	err = g.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE oncall_message SET failed_at = ?, last_error = CASE WHEN last_error = '' THEN 'no attempts left' ELSE last_error END
			WHERE sent_at IS NULL AND failed_at IS NULL AND withdrawn_at IS NULL AND attempts >= ? AND send_after <= ?`, now, g.maxAttempts(), now)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	var due []dueOnCall
	err = g.DB.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT m.id, m.practice_id, m.alert_id, m.staff_id, m.channel, m.to_phone, m.body_text, a.state, m.attempts, m.created_at
			FROM oncall_message m JOIN safety_alert a ON a.id = m.alert_id
			WHERE m.sent_at IS NULL AND m.failed_at IS NULL AND m.withdrawn_at IS NULL AND m.send_after <= ? AND m.attempts < ?
			ORDER BY m.send_after, m.id LIMIT 50`, now, g.maxAttempts())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d dueOnCall
			if err := rows.Scan(&d.id, &d.practiceID, &d.alertID, &d.staffID, &d.channel, &d.phone, &d.text, &d.alertState, &d.attempts, &d.createdAt); err != nil {
				return err
			}
			due = append(due, d)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, 0, err
	}
	for _, d := range due {
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		if d.alertState != string(safety.AlertRaised) && d.alertState != string(safety.AlertEscalated) {
			if err := g.record(ctx, `UPDATE oncall_message SET withdrawn_at = ? WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL`, now, d.id); err != nil {
				return sent, failed, err
			}
			continue
		}
		var claimed bool
		err := g.DB.Write(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE oncall_message SET attempts = attempts + 1, send_after = ?
				WHERE id = ? AND attempts = ? AND sent_at IS NULL AND failed_at IS NULL AND withdrawn_at IS NULL AND send_after <= ?`,
				now.Add(gatewayLease), d.id, d.attempts, now)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			claimed = n == 1
			return err
		})
		if err != nil {
			return sent, failed, err
		}
		if !claimed {
			continue // another sender took it
		}
		attempt := d.attempts + 1
		sendErr := g.send(ctx, d, attempt, now)
		log := g.log().With("oncall_message_id", d.id, "attempt", attempt)
		switch {
		case sendErr == nil:
			sent++
			err = g.record(ctx, `UPDATE oncall_message SET sent_at = ?, last_error = '' WHERE id = ?`, now, d.id)
		case attempt >= g.maxAttempts():
			failed++
			log.Warn("on-call message: gateway delivery failed; giving up", "error", sendErr)
			err = g.record(ctx, `UPDATE oncall_message SET failed_at = ?, last_error = ? WHERE id = ?`, now, errText(sendErr), d.id)
		default:
			failed++
			delay := GatewayRetryDelay(attempt)
			log.Warn("on-call message: gateway delivery failed; will try again", "error", sendErr, "retry_in", delay.String())
			err = g.record(ctx, `UPDATE oncall_message SET send_after = ?, last_error = ? WHERE id = ?`, now.Add(delay), errText(sendErr), d.id)
		}
		if err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

func errText(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "")
	}
	return s
}

func (g *GatewaySender) record(ctx context.Context, q string, args ...any) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return g.DB.Write(rctx, func(tx *store.Tx) error {
		_, err := tx.Exec(rctx, q, args...)
		return err
	})
}

// GatewayRequest is the JSON body holdspace posts to the gateway. Times are
// in the practice's zone, with their offset.
type GatewayRequest struct {
	// ID is the same for every attempt at one message, so a gateway can
	// drop a repeat (delivery is at least once).
	ID       string `json:"id"`
	Channel  string `json:"channel"`
	To       string `json:"to"`
	Text     string `json:"text"`
	Practice string `json:"practice"`
	TimeZone string `json:"time_zone"`
	QueuedAt string `json:"queued_at"`
	SentAt   string `json:"sent_at"`
	Attempt  int    `json:"attempt"`
}

// send posts one message, signed. Any 2xx answer is delivery; anything
// else, or no answer, is a failure to retry.
func (g *GatewaySender) send(ctx context.Context, d dueOnCall, attempt int, now time.Time) error {
	var s Settings
	var secret []byte
	err := g.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = LoadSettings(ctx, tx, d.practiceID); err != nil {
			return err
		}
		if g.Keys == nil {
			return errors.New("no keyring to open the gateway secret with")
		}
		secret, err = gatewaySecret(ctx, tx, g.Keys, d.practiceID)
		if errors.Is(err, sql.ErrNoRows) {
			return errors.New("the practice has no gateway secret")
		}
		return err
	})
	if err != nil {
		return err
	}
	if s.Gateway.URL == "" {
		return errors.New("the practice has no gateway address")
	}
	body, err := json.Marshal(GatewayRequest{ID: d.id, Channel: d.channel, To: d.phone, Text: d.text, Practice: s.PracticeName,
		TimeZone: s.Zone.String(), QueuedAt: d.createdAt.In(s.Zone).Format(time.RFC3339), SentAt: now.In(s.Zone).Format(time.RFC3339), Attempt: attempt})
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Gateway.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", d.id)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	res, err := g.client().Do(req)
	if err != nil {
		// The error names the address, never the number or the text.
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("gateway unreachable: %v", ue.Err)
		}
		return err
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("gateway answered %s", res.Status)
	}
	return nil
}
