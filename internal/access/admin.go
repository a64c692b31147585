package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,40}$`)

// CreatePractice adds a practice (a tenant). It is a command-line action,
// so the trail names the system as its actor.
func CreatePractice(ctx context.Context, db *store.DB, name, slug, zone string, now time.Time) (string, error) {
	name, slug = strings.TrimSpace(name), strings.TrimSpace(slug)
	if name == "" {
		return "", &Problem{Field: "name", Message: "the practice needs a name (--name)"}
	}
	if !slugPattern.MatchString(slug) {
		return "", &Problem{Field: "slug", Message: "the short name (--slug) must be 2 to 41 lower-case letters, digits or dashes, e.g. stillwater"}
	}
	if _, err := time.LoadLocation(zone); err != nil || zone == "" {
		return "", &Problem{Field: "time_zone", Message: fmt.Sprintf("unknown time zone %q (use a name such as America/New_York)", zone)}
	}
	id := store.NewID()
	err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, id, slug, name, zone, now)
		if store.IsUniqueViolation(err) {
			return &Problem{Field: "slug", Message: fmt.Sprintf("a practice with the short name %q already exists", slug)}
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Entry{Chain: id, At: now, ActorKind: string(System), Action: "practice.create", RecordType: "practice", RecordID: id})
		return err
	})
	return id, err
}

// PracticeBySlug finds a practice's id.
func PracticeBySlug(ctx context.Context, db *store.DB, slug string) (string, error) {
	var id string
	err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT id FROM practice WHERE slug = ?`, slug).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", &Problem{Field: "practice", Message: fmt.Sprintf("no practice with the short name %q", slug)}
	}
	return id, err
}

// StaffInput is a new staff member.
type StaffInput struct {
	Name, Email, Credentials, Licence, NPI, DEA string
	Roles                                       []Role
}

// Check says what is wrong with the input, field by field.
func (in *StaffInput) Check() []*Problem {
	var ps []*Problem
	in.Name, in.Email = strings.TrimSpace(in.Name), NormaliseEmail(in.Email)
	if in.Name == "" {
		ps = append(ps, &Problem{"name", "Give the person's full name."})
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		ps = append(ps, &Problem{"email", "Give an email address such as name@example.org."})
	}
	if len(in.Roles) == 0 {
		ps = append(ps, &Problem{"roles", "Choose at least one role."})
	}
	for _, r := range in.Roles {
		if !slices.Contains(StaffRoles, r) {
			ps = append(ps, &Problem{"roles", "Unknown role " + string(r) + "."})
		}
	}
	if in.NPI != "" && !regexp.MustCompile(`^\d{10}$`).MatchString(in.NPI) {
		ps = append(ps, &Problem{"npi", "An NPI is ten digits."})
	}
	if in.DEA != "" && !regexp.MustCompile(`^[A-Za-z]{2}\d{7}$`).MatchString(in.DEA) {
		ps = append(ps, &Problem{"dea", "A DEA number is two letters and seven digits."})
	}
	return ps
}

// Problems joins field problems into one error.
type Problems []*Problem

// Fault is the problems as one refusal of what was entered; a single
// problem's message is the refusal's own.
func (ps Problems) Fault() *fault.Error {
	var fields []fault.Field
	for _, p := range ps {
		fields = append(fields, fault.Field{Name: p.Field, Message: p.Message})
	}
	return fault.Invalids(fields)
}

func (ps Problems) Error() string {
	var b []string
	for _, p := range ps {
		b = append(b, p.Message)
	}
	return strings.Join(b, " ")
}

// AddStaff adds a staff member with an account and emails the invitation.
func (s *Service) AddStaff(ctx context.Context, a Actor, in StaffInput) (string, error) {
	if ps := in.Check(); len(ps) > 0 {
		return "", Problems(ps)
	}
	var id string
	defer s.mailQueued()
	err := s.Do(ctx, a, StaffManage, Ref{Type: "staff"}, func(tx *store.Tx, _ Decision) error {
		var err error
		id, err = s.addStaff(ctx, tx, a, a.PracticeID, in)
		return err
	})
	return id, err
}

// AddStaffBySystem is AddStaff for the command line, which sets up a
// practice's first owner; the trail names the system.
func (s *Service) AddStaffBySystem(ctx context.Context, practiceID string, in StaffInput, password string) (staffID, inviteLink string, err error) {
	if ps := in.Check(); len(ps) > 0 {
		return "", "", Problems(ps)
	}
	if password != "" {
		if msg := CheckNewPassword(password, in.Email); msg != "" {
			return "", "", &Problem{"password", msg}
		}
	}
	sys := Actor{Kind: System, PracticeID: practiceID}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		staffID, err = s.addStaffRows(ctx, tx, sys, practiceID, in)
		if err != nil {
			return err
		}
		accountID, err := CreateAccount(ctx, tx, practiceID, "staff", staffID, in.Email, s.now())
		if err != nil {
			return err
		}
		if password != "" {
			return s.setPassword(ctx, tx, accountID, password)
		}
		token := NewToken()
		inviteLink = s.link("/invite/", token)
		_, err = tx.Exec(ctx, `INSERT INTO one_time_token (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, 'invite', ?, ?)`,
			HashToken(token), accountID, s.now(), s.now().Add(s.Policy.InviteValid))
		return err
	})
	return staffID, inviteLink, err
}

func (s *Service) addStaff(ctx context.Context, tx *store.Tx, by Actor, practiceID string, in StaffInput) (string, error) {
	id, err := s.addStaffRows(ctx, tx, by, practiceID, in)
	if err != nil {
		return "", err
	}
	accountID, err := CreateAccount(ctx, tx, practiceID, "staff", id, in.Email, s.now())
	if err != nil {
		return "", err
	}
	return id, s.SendInvitation(ctx, tx, by, accountID)
}

func (s *Service) addStaffRows(ctx context.Context, tx *store.Tx, by Actor, practiceID string, in StaffInput) (string, error) {
	id := store.NewID()
	_, err := tx.Exec(ctx, `INSERT INTO staff (id, practice_id, email, full_name, credentials, licence_number, npi, dea_number, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, practiceID, in.Email, in.Name, strings.TrimSpace(in.Credentials),
		strings.TrimSpace(in.Licence), in.NPI, strings.ToUpper(in.DEA), true, s.now())
	if store.IsUniqueViolation(err) {
		return "", &Problem{"email", "Someone on staff already uses this email address."}
	}
	if err != nil {
		return "", err
	}
	for _, r := range in.Roles {
		if _, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, id, string(r)); err != nil {
			return "", err
		}
	}
	names := make([]string, len(in.Roles))
	for i, r := range in.Roles {
		names[i] = string(r)
	}
	return id, s.log(ctx, tx, by, "staff.add", Record{Type: "staff", ID: id, PracticeID: practiceID}, audit.Allowed, "roles: "+strings.Join(names, ", "))
}

// SetRoles replaces a staff member's roles: a permission change, audited.
// A practice always keeps at least one owner.
func (s *Service) SetRoles(ctx context.Context, a Actor, staffID string, roles []Role) error {
	if len(roles) == 0 {
		return &Problem{"roles", "Choose at least one role."}
	}
	return s.Do(ctx, a, StaffManage, Ref{Type: "staff", ID: staffID}, func(tx *store.Tx, _ Decision) error {
		var practice string
		if err := tx.QueryRow(ctx, `SELECT practice_id FROM staff WHERE id = ?`, staffID).Scan(&practice); err != nil || practice != a.PracticeID {
			return &Problem{"staff", "No such staff member."}
		}
		if !slices.Contains(roles, Owner) {
			var owners int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role r JOIN staff st ON st.id = r.staff_id
				WHERE st.practice_id = ? AND r.role = 'owner' AND r.staff_id <> ?`, a.PracticeID, staffID).Scan(&owners); err != nil {
				return err
			}
			if owners == 0 {
				return &Problem{"roles", "The practice must keep at least one owner."}
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM staff_role WHERE staff_id = ?`, staffID); err != nil {
			return err
		}
		names := make([]string, 0, len(roles))
		for _, r := range roles {
			if !slices.Contains(StaffRoles, r) {
				return &Problem{"roles", "Unknown role " + string(r) + "."}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, staffID, string(r)); err != nil {
				return err
			}
			names = append(names, string(r))
		}
		return s.log(ctx, tx, a, "permission.roles", Record{Type: "staff", ID: staffID, PracticeID: a.PracticeID}, audit.Allowed, "roles: "+strings.Join(names, ", "))
	})
}

// SetClinicalLead names a staff member clinical lead, or stops: a clinical
// lead changes the clinical settings like a prescriber. A permission
// change, audited.
func (s *Service) SetClinicalLead(ctx context.Context, a Actor, staffID string, lead bool) error {
	return s.Do(ctx, a, StaffManage, Ref{Type: "staff", ID: staffID}, func(tx *store.Tx, _ Decision) error {
		res, err := tx.Exec(ctx, `UPDATE staff SET clinical_lead = ? WHERE id = ? AND practice_id = ?`, lead, staffID, a.PracticeID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &Problem{"staff", "No such staff member."}
		}
		reason := "named clinical lead"
		if !lead {
			reason = "no longer clinical lead"
		}
		return s.log(ctx, tx, a, "permission.clinical_lead", Record{Type: "staff", ID: staffID, PracticeID: a.PracticeID}, audit.Allowed, reason)
	})
}

// CareTeamRoles are the parts a staff member can play for a client.
var CareTeamRoles = []string{"therapist", "prescriber", "monitor"}

// InviteClient opens the portal to a client: an account for the client's
// email (made if missing) and an emailed invitation.
func (s *Service) InviteClient(ctx context.Context, a Actor, clientID string) error {
	defer s.mailQueued()
	return s.Do(ctx, a, ClientInvite, Ref{Type: "client", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ Decision) error {
		var email string
		if err := tx.QueryRow(ctx, `SELECT email FROM client WHERE id = ?`, clientID).Scan(&email); err != nil {
			return err
		}
		if email == "" {
			return &Problem{"email", "Add the client's email address to their chart first."}
		}
		var accountID string
		err := tx.QueryRow(ctx, `SELECT id FROM account WHERE client_id = ?`, clientID).Scan(&accountID)
		if errors.Is(err, sql.ErrNoRows) {
			accountID, err = CreateAccount(ctx, tx, a.PracticeID, "client", clientID, email, s.now())
		}
		if err != nil {
			return err
		}
		return s.SendInvitation(ctx, tx, a, accountID)
	})
}

// Settings are the practice's access settings.
type Settings struct {
	StaffIdleMinutes int
	StaffMFARequired bool
	ClientMFAPolicy  string
}

// ClientMFAPolicies lists the choices with their descriptions.
var ClientMFAPolicies = []string{"optional", "totp_or_email", "totp", "email"}

// SaveSettings changes the practice's access settings (audited).
func (s *Service) SaveSettings(ctx context.Context, a Actor, in Settings) error {
	if in.StaffIdleMinutes < 2 || in.StaffIdleMinutes > 240 {
		return &Problem{"idle", "Choose an idle time from 2 to 240 minutes."}
	}
	if !slices.Contains(ClientMFAPolicies, in.ClientMFAPolicy) {
		return &Problem{"client_mfa", "Choose one of the offered policies."}
	}
	return s.Do(ctx, a, SettingsManage, Ref{Type: "practice", ID: a.PracticeID}, func(tx *store.Tx, _ Decision) error {
		if _, err := tx.Exec(ctx, `UPDATE practice SET staff_idle_minutes = ?, staff_mfa_required = ?, client_mfa_policy = ? WHERE id = ?`,
			in.StaffIdleMinutes, in.StaffMFARequired, in.ClientMFAPolicy, a.PracticeID); err != nil {
			return err
		}
		return s.log(ctx, tx, a, "settings.access", Record{Type: "practice", ID: a.PracticeID, PracticeID: a.PracticeID}, audit.Allowed,
			fmt.Sprintf("idle %d min, staff MFA required %v, client MFA %s", in.StaffIdleMinutes, in.StaffMFARequired, in.ClientMFAPolicy))
	})
}

// LoadSettings reads the practice's access settings.
func (s *Service) LoadSettings(ctx context.Context, a Actor) (Settings, error) {
	var st Settings
	err := s.Do(ctx, a, SettingsManage, Ref{Type: "practice", ID: a.PracticeID}, func(tx *store.Tx, _ Decision) error {
		return tx.QueryRow(ctx, `SELECT staff_idle_minutes, staff_mfa_required, client_mfa_policy FROM practice WHERE id = ?`, a.PracticeID).
			Scan(&st.StaffIdleMinutes, &st.StaffMFARequired, &st.ClientMFAPolicy)
	})
	return st, err
}
