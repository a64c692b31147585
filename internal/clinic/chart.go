package clinic

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// FieldProblem is one mistake in what someone entered, tied to its field.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problems are the mistakes in one submission, in the order found. The web
// layer shows each beside its field; nothing is written while any remain.
type Problems []FieldProblem

// Fault is the problems as one refusal of what was entered.
func (ps Problems) Fault() *fault.Error {
	var fields []fault.Field
	for _, p := range ps {
		fields = append(fields, fault.Field{Name: p.Field, Message: p.Message})
	}
	return fault.Invalids(fields)
}

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, " ")
}

// Add records a problem; the first one for a field wins.
func (ps *Problems) Add(field, format string, args ...any) {
	for _, p := range *ps {
		if p.Field == field {
			return
		}
	}
	*ps = append(*ps, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err is nil when there are no problems.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

const dayLayout = "2006-01-02"

// checkText fails a field that is required and empty, or too long.
func checkText(ps *Problems, field, value, label string, required bool, max int) {
	switch {
	case required && value == "":
		ps.Add(field, "%s is needed.", label)
	case utf8.RuneCountInString(value) > max:
		ps.Add(field, "%s is too long: keep it under %d characters.", label, max)
	}
}

// checkDay fails a calendar day that is not YYYY-MM-DD, is in the future,
// or is implausibly old. today is now in the practice's zone.
func checkDay(ps *Problems, field, value, label string, required bool, today time.Time) {
	if value == "" {
		if required {
			ps.Add(field, "%s is needed, as a date such as %s.", label, today.Format(dayLayout))
		}
		return
	}
	d, err := time.Parse(dayLayout, value)
	switch {
	case err != nil:
		ps.Add(field, "%s must be a date such as %s.", label, today.Format(dayLayout))
	case value > today.Format(dayLayout):
		ps.Add(field, "%s cannot be in the future (%s).", label, d.Format("2 Jan 2006"))
	case d.Year() < 1900:
		ps.Add(field, "%s must be after 1900.", label)
	}
}

var phoneChars = regexp.MustCompile(`^\+?[0-9 ().\-]+$`)

func checkPhone(ps *Problems, field, value, label string) {
	if value == "" {
		return
	}
	digits := 0
	for _, r := range value {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if !phoneChars.MatchString(value) || digits < 7 || digits > 15 {
		ps.Add(field, "Give %s as 7 to 15 digits, such as +1 555 010 0101.", strings.ToLower(label[:1])+label[1:])
	}
}

func checkContact(ps *Problems, prefix string, c Contact, who string) {
	checkText(ps, prefix+"_name", c.Name, "The "+who+"'s name", false, 200)
	checkText(ps, prefix+"_relationship", c.Relationship, "The relationship", false, 100)
	checkPhone(ps, prefix+"_phone", c.Phone, "The "+who+"'s phone")
	if c.Name == "" && (c.Phone != "" || c.Relationship != "") {
		ps.Add(prefix+"_name", "Give the %s's name, or clear the other fields.", who)
	}
	if c.Name != "" && c.Phone == "" {
		ps.Add(prefix+"_phone", "Give a phone number for %s.", c.Name)
	}
}

// Address is where the client lives.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// Contact is a person the practice may call about the client.
type Contact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Phone        string `json:"phone"`
}

// Details are the client's demographics and the people around them: an
// emergency contact, and the escort who takes them home after a medicine
// session (KAP.md §1 Discharge: released into a responsible adult's care).
type Details struct {
	LegalName     string  `json:"legal_name"`
	PreferredName string  `json:"preferred_name"`
	Pronouns      string  `json:"pronouns"`
	DateOfBirth   string  `json:"date_of_birth"`
	Email         string  `json:"email"`
	Phone         string  `json:"phone"`
	TimeZone      string  `json:"time_zone"`
	Address       Address `json:"address"`
	Emergency     Contact `json:"emergency_contact"`
	Escort        Contact `json:"escort"`
}

// Normalised trims every field and lower-cases the email address.
func (d Details) Normalised() Details {
	for _, p := range d.fields() {
		*p = strings.Join(strings.Fields(*p), " ")
	}
	d.Email = strings.ToLower(d.Email)
	return d
}

// Validate says what is wrong with normalised details, field by field.
// today is now in the practice's zone.
func (d Details) Validate(today time.Time) Problems {
	var ps Problems
	checkText(&ps, "legal_name", d.LegalName, "The legal name", true, 200)
	checkText(&ps, "preferred_name", d.PreferredName, "The preferred name", false, 100)
	checkText(&ps, "pronouns", d.Pronouns, "Pronouns", false, 40)
	checkDay(&ps, "date_of_birth", d.DateOfBirth, "The date of birth", false, today)
	if d.Email != "" {
		if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || !strings.Contains(d.Email[strings.LastIndex(d.Email, "@"):], ".") {
			ps.Add("email", "Give an email address such as name@example.org.")
		}
	}
	checkPhone(&ps, "phone", d.Phone, "The phone")
	if d.TimeZone != "" {
		if _, err := time.LoadLocation(d.TimeZone); err != nil || d.TimeZone == "Local" {
			ps.Add("time_zone", "%q is not a time zone holdspace knows; use a name such as America/New_York.", d.TimeZone)
		}
	}
	a := d.Address
	checkText(&ps, "address_line1", a.Line1, "The street address", false, 200)
	checkText(&ps, "address_line2", a.Line2, "The second address line", false, 200)
	checkText(&ps, "city", a.City, "The city", false, 100)
	checkText(&ps, "region", a.Region, "The state or region", false, 100)
	checkText(&ps, "postal_code", a.PostalCode, "The postal code", false, 20)
	checkText(&ps, "country", a.Country, "The country", false, 60)
	if a != (Address{}) {
		if a.Line1 == "" {
			ps.Add("address_line1", "Give the street address, or clear the other address fields.")
		}
		if a.City == "" {
			ps.Add("city", "Give the city, or clear the other address fields.")
		}
	}
	checkContact(&ps, "emergency", d.Emergency, "emergency contact")
	checkContact(&ps, "escort", d.Escort, "escort")
	return ps
}

var detailsColumns = []string{"legal_name", "preferred_name", "pronouns", "date_of_birth", "email", "phone", "time_zone",
	"address_line1", "address_line2", "city", "region", "postal_code", "country",
	"emergency_name", "emergency_relationship", "emergency_phone", "escort_name", "escort_relationship", "escort_phone"}

// fields are the details in the order of detailsColumns.
func (d *Details) fields() []*string {
	return []*string{&d.LegalName, &d.PreferredName, &d.Pronouns, &d.DateOfBirth, &d.Email, &d.Phone, &d.TimeZone,
		&d.Address.Line1, &d.Address.Line2, &d.Address.City, &d.Address.Region, &d.Address.PostalCode, &d.Address.Country,
		&d.Emergency.Name, &d.Emergency.Relationship, &d.Emergency.Phone, &d.Escort.Name, &d.Escort.Relationship, &d.Escort.Phone}
}

// LoadDetails reads a client's demographics and contacts.
func LoadDetails(ctx context.Context, tx *store.Tx, practiceID, clientID string) (Details, error) {
	var d Details
	var dest []any
	for _, f := range d.fields() {
		dest = append(dest, f)
	}
	err := tx.QueryRow(ctx, `SELECT `+strings.Join(detailsColumns, ", ")+` FROM client WHERE id = ? AND practice_id = ?`, clientID, practiceID).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// SaveDetails validates and stores a client's demographics and contacts,
// returning them as stored. The portal sign-in address lives on the
// account and does not change with the chart's email.
func SaveDetails(ctx context.Context, tx *store.Tx, practiceID, clientID string, d Details, today time.Time) (Details, error) {
	d = d.Normalised()
	if err := d.Validate(today).Err(); err != nil {
		return d, err
	}
	var args []any
	for _, f := range d.fields() {
		args = append(args, *f)
	}
	set := strings.Join(detailsColumns, " = ?, ") + " = ?"
	res, err := tx.Exec(ctx, `UPDATE client SET `+set+` WHERE id = ? AND practice_id = ?`, append(args, clientID, practiceID)...)
	if err != nil {
		return d, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return d, ErrNotFound
	}
	return d, nil
}

// Escort is who the client named to take them home after a session.
func Escort(ctx context.Context, tx *store.Tx, clientID string) (Contact, error) {
	var c Contact
	err := tx.QueryRow(ctx, `SELECT escort_name, escort_relationship, escort_phone FROM client WHERE id = ?`, clientID).Scan(&c.Name, &c.Relationship, &c.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// EscortNamed reports whether the client has named an escort, for the
// readiness tracker.
func EscortNamed(ctx context.Context, tx *store.Tx, clientID string) (bool, error) {
	c, err := Escort(ctx, tx, clientID)
	return strings.TrimSpace(c.Name) != "", err
}
