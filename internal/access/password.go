package access

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id's cost settings.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// RFC9106Params is the RFC's second recommended option (§4): argon2id with
// t=3 and 64 MiB, for machines that cannot spare 2 GiB per hash.
var RFC9106Params = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}

// Hasher hashes and checks passwords. A semaphore bounds how many hashes
// run at once, so a burst of sign-ins cannot exhaust memory (each takes
// Params.Memory) or starve the rest of the server of CPU.
type Hasher struct {
	Params Argon2Params
	slots  chan struct{}
	// dummy is checked when an address has no account, so that answering
	// takes as long as for one that does.
	dummy string
}

// NewHasher makes a Hasher allowing concurrent hashes at once.
func NewHasher(p Argon2Params, concurrent int) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	h := &Hasher{Params: p, slots: make(chan struct{}, concurrent)}
	h.dummy, _ = h.Hash(context.Background(), "not a password anyone has: "+rand.Text())
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of argon2id over password with a new salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.Params
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string. An empty phc
// (an account with no password yet) is checked against a dummy hash and
// never matches, in the same time.
func (h *Hasher) Verify(ctx context.Context, phc, password string) (bool, error) {
	match := true
	if phc == "" {
		phc, match = h.dummy, false
	}
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && match, nil
}

// Dummy spends the time of one verification, for paths (an unknown address)
// that would otherwise answer faster and so tell which accounts exist.
func (h *Hasher) Dummy(ctx context.Context, password string) {
	h.Verify(ctx, "", password)
}

func parsePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id password hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errors.New("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errors.New("malformed argon2 parameters")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}

// MinPasswordLength follows NIST SP 800-63B (at least 8; we ask for more
// because these accounts open psychiatric records).
const MinPasswordLength = 10

// MaxPasswordLength bounds the work one request can ask of the hasher.
const MaxPasswordLength = 256

//go:embed common-passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#!comment") {
			continue
		}
		m[strings.ToLower(line)] = true
	}
	return m
}()

// CheckNewPassword says what is wrong with a password someone chose, in
// words they can act on; "" when it is acceptable. email lets it refuse a
// password built from the person's own address.
func CheckNewPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters. A few unrelated words make a strong password that is easy to remember.", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] || commonPasswords[strings.TrimRight(lower, "0123456789!.")] {
		return "This password is on a list of common passwords that attackers try first. Choose another."
	}
	if strings.Count(lower, lower[:1]) == len(lower) {
		return "A password of one repeated character is too easy to guess."
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(lower, local) {
		return "Do not build the password from your email address."
	}
	if strings.Contains(lower, "holdspace") || strings.Contains(lower, "ketamine") {
		return "Do not build the password from the name of this service."
	}
	return ""
}
