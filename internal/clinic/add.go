package clinic

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// NewClient is a client as staff take them on: from an inquiry, a referral
// or a phone call, or a row of an import. One set of rules holds for all.
type NewClient struct {
	LegalName     string `json:"legal_name"`
	PreferredName string `json:"preferred_name"`
	DateOfBirth   string `json:"date_of_birth"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	TherapistID   string `json:"therapist_id"`
	PrescriberID  string `json:"prescriber_id"`
	// MonitorID is optional: a monitor joins once dosing is near.
	MonitorID string `json:"monitor_id"`
	// Invite sends the portal invitation; the email is then needed.
	Invite bool `json:"invite"`
	// ConfirmDuplicate adds the client although a client of the practice
	// has the same legal name and date of birth, or the same email.
	ConfirmDuplicate bool `json:"confirm_duplicate"`
}

const (
	maxName  = 200
	maxEmail = 254
	maxPhone = 40
)

// Check tidies the client and says what is wrong with their details. today
// is the practice's today, for the date of birth. The care team is checked
// against the practice's staff by AddClient.
func (in *NewClient) Check(today time.Time) access.Problems {
	var ps access.Problems
	in.LegalName, in.PreferredName = OneLine(in.LegalName), OneLine(in.PreferredName)
	in.DateOfBirth, in.Phone = OneLine(in.DateOfBirth), OneLine(in.Phone)
	in.Email = access.NormaliseEmail(in.Email)
	in.TherapistID, in.PrescriberID, in.MonitorID = OneLine(in.TherapistID), OneLine(in.PrescriberID), OneLine(in.MonitorID)
	switch {
	case in.LegalName == "":
		ps = append(ps, &access.Problem{Field: "legal_name", Message: "Give the client's legal name, as on their ID and insurance."})
	case utf8.RuneCountInString(in.LegalName) > maxName:
		ps = append(ps, &access.Problem{Field: "legal_name", Message: "Keep the legal name to 200 characters."})
	}
	if utf8.RuneCountInString(in.PreferredName) > maxName {
		ps = append(ps, &access.Problem{Field: "preferred_name", Message: "Keep the preferred name to 200 characters."})
	}
	if in.DateOfBirth != "" {
		dob, err := time.Parse(time.DateOnly, in.DateOfBirth)
		switch {
		case err != nil:
			ps = append(ps, &access.Problem{Field: "date_of_birth", Message: "Give the date of birth as year-month-day, such as 1988-04-12."})
		case !dob.Before(today), dob.Year() < 1900:
			ps = append(ps, &access.Problem{Field: "date_of_birth", Message: "That date of birth cannot be right; check the year."})
		}
	}
	switch {
	case in.Email == "" && in.Invite:
		ps = append(ps, &access.Problem{Field: "email", Message: "Give the client's email address, such as name@example.org: the portal invitation goes there."})
	case in.Email != "" && !PlausibleEmail(in.Email):
		ps = append(ps, &access.Problem{Field: "email", Message: "Give the client's email address, such as name@example.org: the portal invitation goes there."})
	}
	if in.Phone != "" && !PlausiblePhone(in.Phone) {
		ps = append(ps, &access.Problem{Field: "phone", Message: "Give a phone number of 7 to 15 digits, such as +1 555 010 1234."})
	}
	if in.TherapistID == "" {
		ps = append(ps, &access.Problem{Field: "therapist_id", Message: "Choose the client's therapist."})
	}
	if in.PrescriberID == "" {
		ps = append(ps, &access.Problem{Field: "prescriber_id", Message: "Choose the client's prescriber."})
	}
	return ps
}

// PlausibleEmail is an address a message can be sent to: one address,
// as typed, with a dot in its domain, within the length mail allows.
func PlausibleEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && len(email) <= maxEmail && strings.Contains(email[strings.LastIndex(email, "@")+1:], ".")
}

// PlausiblePhone accepts the ways people write numbers (spaces, dashes,
// dots, brackets, a leading +) with 7 to 15 digits, the E.164 maximum.
func PlausiblePhone(p string) bool {
	if len(p) > maxPhone {
		return false
	}
	digits := 0
	for i, r := range p {
		switch {
		case unicode.IsDigit(r) && r < 128:
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// OneLine trims s and folds any line break or tab into a space: names and
// phone numbers end up in email headers and table cells.
func OneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s))
}

// Match is a client of the practice who may be the same person as one
// being added.
type Match struct {
	ID          string `json:"id"`
	LegalName   string `json:"legal_name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Email       string `json:"email,omitempty"`
	// Why says what they share: "name and date of birth" or "email".
	Why string `json:"why"`
}

// Duplicate refuses a client who may already be in the practice: the
// person adding them looks at the matches and confirms, or opens the
// existing record instead.
type Duplicate struct {
	Matches []Match
}

func (e *Duplicate) Error() string { return "a client with these details may already exist" }

// Fault is a conflict naming the matches, so the API's 409 lists them.
func (e *Duplicate) Fault() *fault.Error {
	msg := "A client with the same legal name and date of birth, or the same email, is already in the practice. Open their record, or confirm that this is someone else."
	return &fault.Error{Code: fault.Conflict, Message: msg, Extra: map[string]any{"duplicates": e.Matches}}
}

// Duplicates finds the practice's clients with the same legal name
// (ignoring case and spacing) and date of birth, or the same email.
func Duplicates(ctx context.Context, tx *store.Tx, practiceID, legalName, dateOfBirth, email string) ([]Match, error) {
	name := foldName(legalName)
	rows, err := tx.Query(ctx, `SELECT id, legal_name, date_of_birth, email FROM client
		WHERE practice_id = ? AND ((date_of_birth <> '' AND date_of_birth = ?) OR (email <> '' AND email = ?)) ORDER BY legal_name, id`,
		practiceID, dateOfBirth, access.NormaliseEmail(email))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		if err := rows.Scan(&m.ID, &m.LegalName, &m.DateOfBirth, &m.Email); err != nil {
			return nil, err
		}
		switch {
		case email != "" && m.Email == access.NormaliseEmail(email):
			m.Why = "email"
		case dateOfBirth != "" && m.DateOfBirth == dateOfBirth && foldName(m.LegalName) == name:
			m.Why = "name and date of birth"
		default:
			continue
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// foldName is a name as it is compared for duplicates: case and runs of
// spaces do not make two people.
func foldName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// careTeamRoles checks that each chosen member holds the role they are
// chosen for in the practice.
func checkCareTeam(ctx context.Context, tx *store.Tx, practiceID string, in NewClient) (access.Problems, error) {
	var ps access.Problems
	for _, m := range []struct{ field, staffID, role, msg string }{
		{"therapist_id", in.TherapistID, "therapist", "Choose a therapist of this practice."},
		{"prescriber_id", in.PrescriberID, "prescriber", "Choose a prescriber of this practice."},
		{"monitor_id", in.MonitorID, "monitor", "Choose a monitor of this practice, or none."},
	} {
		if m.staffID == "" {
			continue
		}
		ok, err := holdsRole(ctx, tx, practiceID, m.staffID, m.role)
		if err != nil {
			return nil, err
		}
		if !ok {
			ps = append(ps, &access.Problem{Field: m.field, Message: m.msg})
		}
	}
	return ps, nil
}

// holdsRole reports whether staffID is active staff of the practice with
// the role.
func holdsRole(ctx context.Context, tx *store.Tx, practiceID, staffID, role string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM staff s JOIN staff_role r ON r.staff_id = s.id
		WHERE s.id = ? AND s.practice_id = ? AND s.active = ? AND r.role = ?`, staffID, practiceID, true, role).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// AddClient writes a new client of the actor's practice with their care
// team, and their portal account and invitation if asked, inside a
// transaction whose access (ClientCreate) is decided. reason goes on the
// client's audit entry ("from inquiry …", "added directly"). A client who
// may already be in the practice is refused with *Duplicate unless
// confirmed. The client starts in preparation: no course is open.
func AddClient(ctx context.Context, tx *store.Tx, acc *access.Service, a access.Actor, in NewClient, now time.Time, reason string) (string, error) {
	loc, err := access.PracticeZone(ctx, tx, a.PracticeID)
	if err != nil {
		return "", err
	}
	if ps := in.Check(now.In(loc)); len(ps) > 0 {
		return "", ps
	}
	ps, err := checkCareTeam(ctx, tx, a.PracticeID, in)
	if err != nil {
		return "", err
	}
	if len(ps) > 0 {
		return "", ps
	}
	if !in.ConfirmDuplicate {
		ms, err := Duplicates(ctx, tx, a.PracticeID, in.LegalName, in.DateOfBirth, in.Email)
		if err != nil {
			return "", err
		}
		if len(ms) > 0 {
			return "", &Duplicate{Matches: ms}
		}
	}
	// The client starts in the practice's zone until they say otherwise.
	clientID, err := insertClient(ctx, tx, a.PracticeID, in, loc.String(), now)
	if err != nil {
		return "", err
	}
	log := func(action, recordType, recordID, reason string) error {
		return record(ctx, tx, a, now, action, recordType, recordID, clientID, reason)
	}
	if err := log("client.create", "client", clientID, reason); err != nil {
		return "", err
	}
	for _, m := range careTeamOf(in) {
		if err := log("care_team.add", "care_team", m[0], m[1]); err != nil {
			return "", err
		}
	}
	if in.Invite {
		accountID, err := access.CreateAccount(ctx, tx, a.PracticeID, "client", clientID, in.Email, now)
		if err != nil {
			return "", err
		}
		if err := acc.SendInvitation(ctx, tx, a, accountID); err != nil {
			return "", err
		}
	}
	return clientID, nil
}

// careTeamOf is the chosen care team as staff id and role.
func careTeamOf(in NewClient) [][2]string {
	team := [][2]string{{in.TherapistID, "therapist"}, {in.PrescriberID, "prescriber"}}
	if in.MonitorID != "" {
		team = append(team, [2]string{in.MonitorID, "monitor"})
	}
	return team
}

// insertClient writes the client's row and care team, checked already.
func insertClient(ctx context.Context, tx *store.Tx, practiceID string, in NewClient, zone string, now time.Time) (string, error) {
	id := store.NewID()
	if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, preferred_name, date_of_birth, email, phone, time_zone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, practiceID, in.LegalName, in.PreferredName, in.DateOfBirth, in.Email, in.Phone, zone, now); err != nil {
		return "", err
	}
	for _, m := range careTeamOf(in) {
		if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?)`, id, m[0], m[1], now); err != nil {
			return "", err
		}
	}
	return id, nil
}

// record appends the audit entry of a change, beside the access entry Do
// wrote for the decision.
func record(ctx context.Context, tx *store.Tx, a access.Actor, at time.Time, action, recordType, recordID, clientID, reason string) error {
	m := access.MetaFrom(ctx)
	kind := a.Kind
	if kind == "" {
		kind = access.Anonymous
	}
	_, err := audit.Append(ctx, tx, audit.Entry{Chain: a.PracticeID, At: at, ActorKind: string(kind), ActorID: a.ID(), Action: action,
		RecordType: recordType, RecordID: recordID, ClientID: clientID, Outcome: audit.Allowed, Reason: reason,
		Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID})
	return err
}

// Add takes on a client directly, as a referral or a phone call brings
// them: the same details and rules as converting an inquiry, a care team
// from the practice's staff, and a portal invitation if asked.
func (d *Door) Add(ctx context.Context, a access.Actor, in NewClient) (clientID string, err error) {
	defer d.mailQueued()
	err = d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		clientID, err = AddClient(ctx, tx, d.Access, a, in, d.now(), "added directly")
		return err
	})
	return clientID, err
}

func (d *Door) mailQueued() {
	if d.Access.MailQueued != nil {
		d.Access.MailQueued()
	}
}

// NewClientForm is what the form to add a client offers: the practice's
// therapists, prescribers and monitors.
type NewClientForm struct {
	Therapists, Prescribers, Monitors []StaffMember
}

// AddForm reads what the form to add a client offers.
func (d *Door) AddForm(ctx context.Context, a access.Actor) (NewClientForm, error) {
	var f NewClientForm
	err := d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client"}, func(tx *store.Tx, _ access.Decision) error {
		staff, err := Staff(ctx, tx, a.PracticeID)
		f = splitStaff(staff)
		return err
	})
	return f, err
}
