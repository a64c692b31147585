package schedule

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"holdspace/internal/store"
)

// Feed is a clinician's calendar feed, as its owner sees it.
type Feed struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

// FeedOwner is whom a feed token belongs to.
type FeedOwner struct {
	StaffID    string
	PracticeID string
	Name       string
	Roles      []string
}

// The window a feed lists: a month back for context, six months ahead.
const (
	FeedBack  = 30 * 24 * time.Hour
	FeedAhead = 180 * 24 * time.Hour
)

// hashFeedToken is what is kept of a token: its SHA-256.
func hashFeedToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CurrentFeed is the staff member's live feed, nil when none.
func CurrentFeed(ctx context.Context, tx *store.Tx, practiceID, staffID string) (*Feed, error) {
	var f Feed
	err := tx.QueryRow(ctx, `SELECT id, created_at FROM calendar_feed WHERE practice_id = ? AND staff_id = ? AND revoked_at IS NULL
		ORDER BY created_at DESC LIMIT 1`, practiceID, staffID).Scan(&f.ID, &f.CreatedAt)
	if isNoRows(err) {
		return nil, nil
	}
	return &f, err
}

// NewFeed revokes the staff member's feed, if any, and makes a new one. The
// token is returned once, for the address; only its hash is kept.
func NewFeed(ctx context.Context, tx *store.Tx, practiceID, staffID string, now time.Time) (token string, err error) {
	if err := RevokeFeed(ctx, tx, practiceID, staffID, now); err != nil {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, exec(ctx, tx, `INSERT INTO calendar_feed (id, practice_id, staff_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		store.NewID(), practiceID, staffID, hashFeedToken(token), now.UTC())
}

// RevokeFeed ends the staff member's feed: its address stops working.
func RevokeFeed(ctx context.Context, tx *store.Tx, practiceID, staffID string, now time.Time) error {
	return exec(ctx, tx, `UPDATE calendar_feed SET revoked_at = ? WHERE practice_id = ? AND staff_id = ? AND revoked_at IS NULL`,
		now.UTC(), practiceID, staffID)
}

// FeedFor finds the live feed of a token, for an active staff member; ok
// is false for anything else, with no hint why.
func FeedFor(ctx context.Context, tx *store.Tx, token string) (FeedOwner, bool, error) {
	var o FeedOwner
	if token == "" || len(token) > 100 {
		return o, false, nil
	}
	var active bool
	err := tx.QueryRow(ctx, `SELECT f.staff_id, f.practice_id, s.full_name, s.active FROM calendar_feed f JOIN staff s ON s.id = f.staff_id
		WHERE f.token_hash = ? AND f.revoked_at IS NULL`, hashFeedToken(token)).Scan(&o.StaffID, &o.PracticeID, &o.Name, &active)
	if isNoRows(err) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	rows, err := tx.Query(ctx, `SELECT role FROM staff_role WHERE staff_id = ? ORDER BY role`, o.StaffID)
	if err != nil {
		return o, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return o, false, err
		}
		o.Roles = append(o.Roles, r)
	}
	return o, active, rows.Err()
}

// ICS writes appointments as an RFC 5545 calendar. Times are UTC; text is
// escaped and lines folded at 75 octets. Client names appear only when
// names is true (the practice's setting); otherwise a medicine session
// reads "Medicine session" and anything with a client "Client appointment".
func ICS(calName string, list []Appointment, names bool) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//holdspace//schedule//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + escapeText(calName))
	for _, a := range list {
		line("BEGIN:VEVENT")
		line("UID:" + a.ID + "@holdspace")
		line("DTSTAMP:" + icsTime(a.UpdatedAt))
		line("DTSTART:" + icsTime(a.Start))
		line("DTEND:" + icsTime(a.End))
		line("SUMMARY:" + escapeText(feedSummary(a, names)))
		if a.RoomName != "" {
			line("LOCATION:" + escapeText(a.RoomName))
		}
		if a.Status == Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

func feedSummary(a Appointment, names bool) string {
	if names && len(a.Clients) > 0 {
		var ns []string
		for _, c := range a.Clients {
			ns = append(ns, c.Name)
		}
		return a.Kind.Label() + ": " + strings.Join(ns, ", ")
	}
	switch {
	case a.Kind == MedicineSession:
		return "Medicine session"
	case a.Kind == GroupSession:
		return "Group session"
	case len(a.Clients) > 0:
		return "Client appointment"
	}
	return a.Label()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it so that no line is longer
// than 75 octets, without splitting a UTF-8 character (RFC 5545 §3.1).
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !startsRune(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}

func startsRune(c byte) bool { return c&0xC0 != 0x80 }
