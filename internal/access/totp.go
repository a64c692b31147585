package access

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP follows RFC 6238 with the parameters every authenticator app
// supports: SHA-1, 6 digits, 30-second steps.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew accepts the step before and after, for phones whose clocks
	// drift by up to 30 seconds (RFC 6238 §5.2 recommends one step).
	totpSkew = 1
)

// TOTPEnrolment is a new secret with what the person needs to add it to an
// app: a QR code (PNG as a data URL) and the secret to type by hand.
type TOTPEnrolment struct {
	Secret string
	URL    string
	QRData string
}

// NewTOTP makes a secret for an account.
func NewTOTP(issuer, accountEmail string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: accountEmail, Period: totpPeriod,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	qr, err := qrData(key)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), QRData: qr}, nil
}

// CheckTOTP checks code against secret at now and returns the time step it
// matched. A step at or before lastStep was already used (or is older than
// one that was): refusing it stops a code seen over someone's shoulder
// from being used again.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for offset := int64(-totpSkew); offset <= totpSkew; offset++ {
		s := current + offset
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0).UTC(), totp.ValidateOpts{
			Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if s <= lastStep {
				return 0, false
			}
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code an app would show at t (for tests and the demo).
func TOTPCode(secret string, t time.Time) string {
	c, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		panic(fmt.Sprintf("TOTPCode: %v", err))
	}
	return c
}

// totpEnrolmentFromSecret rebuilds the QR code for an existing secret.
func totpEnrolmentFromSecret(issuer, account, secret string) (TOTPEnrolment, error) {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account}
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	u.RawQuery = q.Encode()
	key, err := otp.NewKeyFromURL(u.String())
	if err != nil {
		return TOTPEnrolment{}, err
	}
	qr, err := qrData(key)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: secret, URL: u.String(), QRData: qr}, nil
}

// qrData is key's QR code as a data URL an <img> shows.
func qrData(key *otp.Key) (string, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
