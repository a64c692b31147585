package access

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

// Founding is what the first-run setup asks of a new practice and the
// person who will own it in holdspace.
type Founding struct {
	Name, Slug, Zone string
	// Address and Phone are how clients find and reach the practice.
	Address, Phone string
	// Country is the ISO 3166 code whose crisis lines the practice starts
	// with; the caller checks it against the lines holdspace knows.
	Country string
	// Owner is the first staff member; they hold the owner and
	// administrator roles whatever Roles says.
	Owner             StaffInput
	Password, Confirm string
}

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// SlugFor proposes a practice's short name from its name ("Stillwater
// Counselling" → "stillwater-counselling"), for a person who leaves it to
// holdspace.
func SlugFor(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 41 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// Check says what is wrong with the founding, field by field, in the
// setup form's words; it trims and fills in what it may (the short name
// from the name, the owner's roles).
func (f *Founding) Check() Problems {
	var ps Problems
	f.Name, f.Slug, f.Zone = strings.TrimSpace(f.Name), strings.TrimSpace(f.Slug), strings.TrimSpace(f.Zone)
	f.Address, f.Phone, f.Country = strings.TrimSpace(f.Address), strings.TrimSpace(f.Phone), strings.ToUpper(strings.TrimSpace(f.Country))
	if f.Name == "" {
		ps = append(ps, &Problem{"name", "Give the practice's name as clients know it."})
	}
	if f.Slug == "" {
		f.Slug = SlugFor(f.Name)
	}
	if f.Slug != "" && !slugPattern.MatchString(f.Slug) {
		ps = append(ps, &Problem{"slug", "The short name must be 2 to 41 lower-case letters, digits or dashes, e.g. stillwater."})
	}
	if _, err := time.LoadLocation(f.Zone); err != nil || f.Zone == "" || f.Zone == "Local" {
		ps = append(ps, &Problem{"time_zone", fmt.Sprintf("Choose the practice's time zone (a name such as America/New_York); %q is not one holdspace knows.", f.Zone)})
	}
	if !countryPattern.MatchString(f.Country) {
		ps = append(ps, &Problem{"country", "Choose the practice's country."})
	}
	f.Owner.Roles = []Role{Owner, Admin}
	for _, p := range f.Owner.Check() {
		p.Field = "owner_" + p.Field
		ps = append(ps, p)
	}
	if msg := CheckNewPassword(f.Password, NormaliseEmail(f.Owner.Email)); msg != "" {
		ps = append(ps, &Problem{"password", msg})
	} else if f.Confirm != f.Password {
		ps = append(ps, &Problem{"confirm", "The two passwords differ; type the same password twice."})
	}
	return ps
}

// FoundPractice writes a new practice and its owner, with the password
// they chose, in the caller's transaction (the setup writes the practice's
// first settings in the same one). The trail names the system, as for a
// practice made on the command line, with the founding's channel as its
// reason.
func (s *Service) FoundPractice(ctx context.Context, tx *store.Tx, f Founding, channel string) (practiceID, ownerID string, err error) {
	if ps := f.Check(); len(ps) > 0 {
		return "", "", ps
	}
	now := s.now()
	practiceID = store.NewID()
	_, err = tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, address, phone, country, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		practiceID, f.Slug, f.Name, f.Zone, f.Address, f.Phone, f.Country, now)
	if store.IsUniqueViolation(err) {
		return "", "", &Problem{Field: "slug", Message: fmt.Sprintf("A practice with the short name %q already exists; choose another.", f.Slug)}
	}
	if err != nil {
		return "", "", err
	}
	if _, err := audit.Append(ctx, tx, audit.Entry{Chain: practiceID, At: now, ActorKind: string(System), Action: "practice.create",
		RecordType: "practice", RecordID: practiceID, Outcome: audit.Allowed, Reason: channel,
		Address: MetaFrom(ctx).Address, UserAgent: MetaFrom(ctx).UserAgent, RequestID: MetaFrom(ctx).RequestID}); err != nil {
		return "", "", err
	}
	sys := Actor{Kind: System, PracticeID: practiceID}
	if ownerID, err = s.addStaffRows(ctx, tx, sys, practiceID, f.Owner); err != nil {
		return "", "", err
	}
	accountID, err := CreateAccount(ctx, tx, practiceID, "staff", ownerID, f.Owner.Email, now)
	if err != nil {
		return "", "", err
	}
	return practiceID, ownerID, s.setPassword(ctx, tx, accountID, f.Password)
}

// PracticeExists is AnyPractice inside a transaction: the first-run
// setup asks again in the one that founds, so two at once found one.
func PracticeExists(ctx context.Context, tx *store.Tx) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n)
	return n > 0, err
}

// PracticeContact is how clients find and reach a practice, as its
// first-run setup or its settings gave it.
type PracticeContact struct {
	Name, Address, Phone, Country string
}

// ContactOf reads a practice's contact details.
func ContactOf(ctx context.Context, tx *store.Tx, practiceID string) (PracticeContact, error) {
	var c PracticeContact
	err := tx.QueryRow(ctx, `SELECT name, address, phone, country FROM practice WHERE id = ?`, practiceID).Scan(&c.Name, &c.Address, &c.Phone, &c.Country)
	return c, err
}

// StaffContact is a staff member's name and email, for a use case that
// writes to them.
func StaffContact(ctx context.Context, tx *store.Tx, practiceID, staffID string) (name, email string, err error) {
	err = tx.QueryRow(ctx, `SELECT full_name, email FROM staff WHERE id = ? AND practice_id = ?`, staffID, practiceID).Scan(&name, &email)
	return name, email, err
}

// ActiveStaff counts the practice's staff who may still sign in.
func ActiveStaff(ctx context.Context, tx *store.Tx, practiceID string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff WHERE practice_id = ? AND active`, practiceID).Scan(&n)
	return n, err
}
