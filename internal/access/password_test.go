package access

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Cheap parameters keep these tests quick; the PHC string carries the
// parameters, so verification is the same code either way.
var testParams = Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordHashesVerifyAndCarryTheirParameters(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(testParams, 2)
	phc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("PHC string %q", phc)
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		ok, err := h.Verify(ctx, phc, pw)
		if err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// A hash made with other parameters (RFC 9106's) still verifies.
	strong := NewHasher(RFC9106Params, 1)
	phc2, _ := strong.Hash(ctx, "another long passphrase")
	if ok, _ := h.Verify(ctx, phc2, "another long passphrase"); !ok {
		t.Fatal("a hash made with the RFC 9106 parameters did not verify")
	}
	if ok, _ := h.Verify(ctx, "", "anything"); ok {
		t.Fatal("an account without a password matched")
	}
	if _, err := h.Verify(ctx, "$bcrypt$nope", "x"); err == nil {
		t.Fatal("a foreign hash format was accepted")
	}
}

func TestTheHasherBoundsConcurrentWork(t *testing.T) {
	h := NewHasher(testParams, 1)
	h.slots <- struct{}{} // the one slot is busy
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "waits for a slot"); err == nil {
		t.Fatal("Hash ran although every slot was taken")
	}
}

// NIST SP 800-63B §5.1.1.2: minimum length, and a check against commonly
// used or compromised passwords.
func TestCheckNewPassword(t *testing.T) {
	cases := []struct {
		pw, email string
		ok        bool
	}{
		{"short1!", "a@x.org", false},
		{"123456789", "a@x.org", false},                // 9 characters: one under the minimum
		{"1234567890", "a@x.org", false},               // long enough, but on the common list
		{"password123", "a@x.org", false},              // common word with digits appended
		{"aaaaaaaaaaaa", "a@x.org", false},             // one repeated character
		{"jordanlee-secret", "jordanlee@x.org", false}, // built from the address
		{"my holdspace pass", "a@x.org", false},
		{"tangerine quietly orbits", "a@x.org", true},
		{"Kx9#mPq2vL", "a@x.org", true}, // exactly the minimum length
	}
	for _, tc := range cases {
		msg := CheckNewPassword(tc.pw, tc.email)
		if (msg == "") != tc.ok {
			t.Errorf("CheckNewPassword(%q) = %q; want ok=%v", tc.pw, msg, tc.ok)
		}
	}
}

// RFC 6238 test vector (Appendix B, SHA-1, secret "12345678901234567890").
func TestTOTPFollowsRFC6238AndRefusesReplay(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of the RFC's ASCII secret
	at := time.Unix(59, 0)
	if got := TOTPCode(secret, at); got != "287082" {
		t.Fatalf("code at T=59 = %s; want 287082 (RFC 6238 gives 94287082 for 8 digits)", got)
	}
	step, ok := CheckTOTP(secret, "287082", at, 0)
	if !ok || step != 1 {
		t.Fatalf("CheckTOTP = %d, %v; want step 1", step, ok)
	}
	if _, ok := CheckTOTP(secret, "287082", at, step); ok {
		t.Fatal("the same code was accepted twice")
	}
	// One step of clock drift either way is accepted (RFC 6238 §5.2)...
	if _, ok := CheckTOTP(secret, TOTPCode(secret, at.Add(30*time.Second)), at, 0); !ok {
		t.Fatal("a code one step ahead was refused")
	}
	// ...two steps are not.
	if _, ok := CheckTOTP(secret, TOTPCode(secret, at.Add(90*time.Second)), at, 0); ok {
		t.Fatal("a code three steps ahead was accepted")
	}
	if _, ok := CheckTOTP(secret, "28708", at, 0); ok {
		t.Fatal("a five-digit code was accepted")
	}
}

func TestRecoveryCodesAreDistinctAndNormalise(t *testing.T) {
	codes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
		if NormaliseCode(strings.ToUpper(strings.ReplaceAll(c, "-", " "))) != c {
			t.Fatalf("NormaliseCode did not restore %q", c)
		}
	}
}
