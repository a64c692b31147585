package access

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// NewToken returns a random token of 32 bytes, URL-safe. Only its hash is
// stored, so a copy of the database cannot be used to sign in.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the stored form of a token. Tokens are random and long, so a
// plain SHA-256 is enough (unlike passwords, they cannot be guessed).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// emailCodeHash is the stored form of an emailed sign-in code. Six digits
// are only a million guesses: a plain hash of one, salted with the account
// id or not, is reversed in moments by anyone holding a copy of the
// database. Keying it with the key file, which such a copy does not hold,
// leaves the copy nothing to test guesses against.
func (s *Service) emailCodeHash(accountID, code string) string {
	mac := hmac.New(sha256.New, s.Keys.Key("email-code"))
	mac.Write([]byte(accountID + ":" + code))
	return hex.EncodeToString(mac.Sum(nil))
}

// recoveryCodeHash is the stored form of a recovery code: keyed like an
// emailed code, since ten characters from a 31-letter alphabet are few
// enough to search offline, all accounts at once, from a plain hash.
func (s *Service) recoveryCodeHash(accountID, code string) string {
	mac := hmac.New(sha256.New, s.Keys.Key("recovery-code"))
	mac.Write([]byte(accountID + ":" + code))
	return hex.EncodeToString(mac.Sum(nil))
}

// APITokenPrefix marks holdspace API tokens so they are recognisable in a
// leaked file or a secret scanner.
const APITokenPrefix = "hs_"

// NewAPIToken returns a new API token.
func NewAPIToken() string { return APITokenPrefix + NewToken() }

// recoveryAlphabet leaves out letters and digits people confuse.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewRecoveryCodes returns n one-time recovery codes like "k7m2p-x9qfa".
func NewRecoveryCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		var b strings.Builder
		for j := range 10 {
			if j == 5 {
				b.WriteByte('-')
			}
			k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(recoveryAlphabet))))
			b.WriteByte(recoveryAlphabet[k.Int64()])
		}
		codes[i] = b.String()
	}
	return codes
}

// NormaliseCode accepts a recovery or emailed code as people type it:
// any case, with or without spaces and dashes.
func NormaliseCode(s string) string {
	s = strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) == 10 {
		return s[:5] + "-" + s[5:]
	}
	return s
}

// NewEmailCode returns a six-digit one-time code for sign-in by email.
func NewEmailCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}
