package inquiry

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Spam resistance without third parties: a honeypot field (Submission.
// Automated), a least time between showing the form and sending it (a
// signed stamp in the form), and a limit per address kept in the database.

// MinFillTime is less than any person needs to read the form and fill it
// in; a form sent sooner was sent by a program.
const MinFillTime = 3 * time.Second

// Default rate limit: accepted inquiries per address per window.
const (
	DefaultRateLimit  = 5
	DefaultRateWindow = time.Hour
)

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// FormStamp is the hidden value the form carries: when it was shown,
// signed so that a program cannot write an older time into it.
func FormStamp(key []byte, slug string, now time.Time) string {
	return signedTime(key, "inquiry-form", slug, now)
}

// CheckStamp says how long ago the form was shown; ok is false for a
// stamp that is missing, altered, or made for another practice's form.
func CheckStamp(key []byte, slug, stamp string, now time.Time) (elapsed time.Duration, ok bool) {
	return checkSignedTime(key, "inquiry-form", slug, stamp, now)
}

// A form sent faster than MinFillTime is not dropped: a quick typist, or a
// browser that filled the fields itself, would be told "thank you" for a
// message nobody reads. The form is shown again, everything kept, with a
// confirmation stamp; sending it again with that stamp is a person's
// confirmation and passes the timer. A program that learns to press twice
// still meets the honeypot and the limit per address.

// ConfirmWithin is how long a confirmation stamp stays good.
const ConfirmWithin = 24 * time.Hour

// ConfirmStamp is the hidden value of a form shown again for confirmation.
func ConfirmStamp(key []byte, slug string, now time.Time) string {
	return signedTime(key, "inquiry-confirm", slug, now)
}

// Confirmed reports whether stamp is a good confirmation stamp for slug's
// form, given within ConfirmWithin.
func Confirmed(key []byte, slug, stamp string, now time.Time) bool {
	elapsed, ok := checkSignedTime(key, "inquiry-confirm", slug, stamp, now)
	return ok && elapsed >= 0 && elapsed <= ConfirmWithin
}

func signedTime(key []byte, purpose, slug string, now time.Time) string {
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	return ms + "." + base64.RawURLEncoding.EncodeToString(mac(key, purpose, slug, ms))
}

func checkSignedTime(key []byte, purpose, slug, stamp string, now time.Time) (time.Duration, bool) {
	ms, sig, found := strings.Cut(stamp, ".")
	if !found {
		return 0, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, purpose, slug, ms)) {
		return 0, false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return 0, false
	}
	return now.Sub(time.UnixMilli(n)), true
}

// AddressKey is what the rate limit keeps of an address: a keyed hash, so
// the table holds no address that can be read back (a plain hash of an
// IPv4 address is undone by trying all four billion). An IPv6 address
// counts by its /64, which one household or phone usually holds whole.
func AddressKey(key []byte, address string) string {
	if ip, err := netip.ParseAddr(address); err == nil {
		ip = ip.Unmap()
		if ip.Is6() {
			p, _ := ip.Prefix(64)
			address = p.String()
		} else {
			address = ip.String()
		}
	}
	return hex.EncodeToString(mac(key, "inquiry-address", address))
}
