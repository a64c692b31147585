// Package setup is a practice's first day: the first-run setup that founds
// the first practice from the browser, and the checklist its owner works
// through before the first client is seen.
//
// The first run is guarded by a one-time code that holdspace prints in its
// terminal when it starts with no practice (as other self-hosted servers
// do their first run): whoever can read the server's output may found the
// practice, nobody else who happens to reach the address first. The code
// lives only in the running process, as a hash; a restart prints a new one.
package setup

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"sync"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// MaxTries is how many wrong codes the setup takes before it closes until
// holdspace restarts: twelve characters from 31 cannot be guessed in so
// few, and a person who mistypes has room to.
const MaxTries = 10

// codeAlphabet leaves out the letters and digits read for one another
// (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Door is the first-run setup and the setup checklist.
type Door struct {
	Access *access.Service
	Now    func() time.Time
	// MailConfigured says whether holdspace has an SMTP server to send
	// through; the checklist's test email says so when it has none.
	MailConfigured bool

	mu    sync.Mutex
	code  [sha256.Size]byte
	open  bool
	tries int
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// Open makes the one-time code when holdspace holds no practice yet, for
// the server to print; it returns "" when there is a practice (the setup
// stays closed). Each call makes a new code and voids the last.
func (d *Door) Open(ctx context.Context) (string, error) {
	some, err := access.AnyPractice(ctx, d.Access.DB)
	if err != nil || some {
		return "", err
	}
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	code := string(b[0:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12])
	d.mu.Lock()
	defer d.mu.Unlock()
	d.code, d.open, d.tries = sha256.Sum256([]byte(normalCode(code))), true, 0
	return code, nil
}

// normalCode is a code as typed, without the spaces and dashes a person
// may add or leave out, in capitals.
func normalCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// Available says whether the setup page is there to be used: a code was
// printed, not spent or closed by wrong tries, and no practice exists.
func (d *Door) Available(ctx context.Context) (bool, error) {
	d.mu.Lock()
	open := d.open
	d.mu.Unlock()
	if !open {
		return false, nil
	}
	some, err := access.AnyPractice(ctx, d.Access.DB)
	return !some, err
}

// Other is the country value of a practice for which holdspace knows no
// crisis lines: it types its country's code and its own lines.
const Other = "other"

// Input is what the setup form gives.
type Input struct {
	Code     string
	Practice access.Founding
	// OtherCountry and the crisis fields are for a practice whose country
	// holdspace knows no lines for (Practice.Country is Other).
	OtherCountry                                  string
	CrisisName, CrisisCall, CrisisText, Emergency string
}

// Founded is the new practice, and the owner's email with which the face
// signs them in.
type Founded struct {
	PracticeID, OwnerID, OwnerEmail string
}

// Complete founds the practice: its row, its owner with the password they
// chose, and its country's crisis lines, in one transaction with the
// trail's entries. A wrong code is refused beside its field with the rest
// of what is wrong, so nothing typed is lost; the tenth closes the setup.
func (d *Door) Complete(ctx context.Context, in Input) (Founded, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.open {
		return Founded{}, fault.New(fault.NotFound, "This holdspace is already set up, or its setup code is spent. Sign in instead.")
	}
	var fields []fault.Field
	sum := sha256.Sum256([]byte(normalCode(in.Code)))
	if subtle.ConstantTimeCompare(sum[:], d.code[:]) != 1 {
		d.tries++
		if d.tries >= MaxTries {
			d.open = false
			return Founded{}, fault.New(fault.Locked, "Too many wrong setup codes: the setup is closed. Restart holdspace and use the new code it prints.")
		}
		fields = append(fields, fault.Field{Name: "code", Message: "This is not the setup code holdspace printed when it started. Copy it from the server's output."})
	}
	f := in.Practice
	res, lines := d.crisisLines(&f, in)
	fields = append(fields, lines...)
	if f.Phone != "" && !clinic.PlausiblePhone(f.Phone) {
		fields = append(fields, fault.Field{Name: "phone", Message: "Give the practice's phone number with its area code, e.g. +1 212 555 0100."})
	}
	for _, p := range f.Check() {
		fields = append(fields, fault.Field{Name: p.Field, Message: p.Message})
	}
	if len(fields) > 0 {
		return Founded{}, fault.Invalids(fields)
	}
	var out Founded
	err := d.Access.DB.Write(ctx, func(tx *store.Tx) error {
		some, err := access.PracticeExists(ctx, tx)
		if err != nil {
			return err
		}
		if some {
			return fault.New(fault.Conflict, "Another person finished this holdspace's setup a moment ago. Sign in instead.")
		}
		if out.PracticeID, out.OwnerID, err = d.Access.FoundPractice(ctx, tx, f, "first-run setup in the browser"); err != nil {
			return err
		}
		return alert.StartCrisisLines(ctx, tx, out.PracticeID, res, out.OwnerID, d.now())
	})
	if err != nil {
		return Founded{}, err
	}
	d.open = false
	out.OwnerEmail = access.NormaliseEmail(f.Owner.Email)
	return out, nil
}

// crisisLines settles the practice's country and the lines its clients
// start with: holdspace's for a country it knows, the practice's own for
// another.
func (d *Door) crisisLines(f *access.Founding, in Input) (safety.CrisisResources, []fault.Field) {
	if known, ok := safety.LinesFor(strings.ToUpper(strings.TrimSpace(f.Country))); ok {
		return known.Resources, nil
	}
	if strings.TrimSpace(f.Country) != Other {
		return safety.CrisisResources{}, []fault.Field{{Name: "country", Message: "Choose the practice's country, or \"another country\" to give its crisis lines yourself."}}
	}
	var fields []fault.Field
	f.Country = strings.ToUpper(strings.TrimSpace(in.OtherCountry))
	if len(f.Country) != 2 || strings.Trim(f.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		fields = append(fields, fault.Field{Name: "other_country", Message: "Give the country's two-letter code, e.g. DE for Germany."})
		f.Country = "ZZ" // keeps Check from repeating the problem under another field
	}
	res := safety.CrisisResources{Region: f.Country, Emergency: clinic.OneLine(in.Emergency),
		Lines: []safety.CrisisLine{{Name: clinic.OneLine(in.CrisisName), Call: clinic.OneLine(in.CrisisCall), Text: clinic.OneLine(in.CrisisText)}}}
	if res.Emergency == "" {
		fields = append(fields, fault.Field{Name: "emergency", Message: "Give the number for immediate danger in your country (e.g. 112)."})
	}
	if res.Lines[0].Name == "" {
		fields = append(fields, fault.Field{Name: "crisis_name", Message: "Name a crisis line your clients can reach at any hour."})
	}
	if res.Lines[0].Call == "" && res.Lines[0].Text == "" {
		fields = append(fields, fault.Field{Name: "crisis_call", Message: "Say how to reach the crisis line: a number to call or to text."})
	}
	return res, fields
}
