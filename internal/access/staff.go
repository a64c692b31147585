package access

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// StaffMember is one member of a practice's staff as its administrators
// see them, with how far their sign-in is set up.
type StaffMember struct {
	ID, Name, Credentials, Email, Licence, NPI, DEA string
	Roles                                           []Role
	HasAccount, HasPassword, Disabled               bool
	// ClinicalLead: the practice names them clinical lead (they change
	// clinical settings).
	ClinicalLead bool
	MFA          string
	CreatedAt    time.Time
	// InviteUntil is when the newest unused invitation expires; only
	// StaffMember fills it in.
	InviteUntil *time.Time
}

// errNoStaff is the refusal of a staff id that is not of the actor's
// practice, unknown or another practice's alike.
var errNoStaff = fault.New(fault.NotFound, "There is no such staff member in this practice.")

// May asks whether a may do act to ref, for pages that only show a form:
// the question is on the trail like every use case, and a refusal is the
// same *Denied.
func (s *Service) May(ctx context.Context, a Actor, act Action, ref Ref) error {
	return s.Do(ctx, a, act, ref, func(*store.Tx, Decision) error { return nil })
}

// Staff lists the practice's staff, by name.
func (s *Service) Staff(ctx context.Context, a Actor) ([]StaffMember, error) {
	var out []StaffMember
	err := s.Do(ctx, a, StaffManage, Ref{Type: "staff"}, func(tx *store.Tx, _ Decision) error {
		var err error
		out, err = loadStaff(ctx, tx, a.PracticeID, "")
		return err
	})
	return out, err
}

// StaffMember reads one member of the actor's practice with their newest
// open invitation. An unknown id, or another practice's staff, is a
// not_found fault; the access is on the trail as allowed all the same, as
// the question was asked and answered.
func (s *Service) StaffMember(ctx context.Context, a Actor, id string) (StaffMember, error) {
	var m StaffMember
	found := false
	err := s.Do(ctx, a, StaffManage, Ref{Type: "staff", ID: id}, func(tx *store.Tx, _ Decision) error {
		ms, err := loadStaff(ctx, tx, a.PracticeID, id)
		if err != nil || len(ms) == 0 {
			return err
		}
		m, found = ms[0], true
		var until time.Time
		err = tx.QueryRow(ctx, `SELECT t.expires_at FROM one_time_token t JOIN account ac ON ac.id = t.account_id
			WHERE ac.staff_id = ? AND t.purpose = 'invite' AND t.used_at IS NULL AND t.expires_at > ? ORDER BY t.expires_at DESC`,
			id, s.now()).Scan(&until)
		switch {
		case err == nil:
			m.InviteUntil = &until
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		return nil
	})
	if err == nil && !found {
		return m, errNoStaff
	}
	return m, err
}

// ResendInvitation emails a new invitation to a staff member who has not
// yet chosen a password; the new link retires the earlier ones. It returns
// the address written to. An unknown id is a Problem on "staff", someone
// who has a password already one on "invite", as SetRoles answers.
func (s *Service) ResendInvitation(ctx context.Context, a Actor, staffID string) (string, error) {
	var email string
	defer s.mailQueued()
	err := s.Do(ctx, a, StaffManage, Ref{Type: "staff", ID: staffID}, func(tx *store.Tx, _ Decision) error {
		var accountID string
		var hasPassword int
		err := tx.QueryRow(ctx, `SELECT ac.id, ac.email, CASE WHEN ac.password_hash <> '' THEN 1 ELSE 0 END
			FROM account ac JOIN staff st ON st.id = ac.staff_id WHERE st.id = ? AND st.practice_id = ?`,
			staffID, a.PracticeID).Scan(&accountID, &email, &hasPassword)
		if errors.Is(err, sql.ErrNoRows) {
			return &Problem{Field: "staff", Message: "No such staff member."}
		}
		if err != nil {
			return err
		}
		if hasPassword == 1 {
			return &Problem{Field: "invite", Message: "This person has already chosen a password. If they have forgotten it, they can reset it from the sign-in page."}
		}
		return s.SendInvitation(ctx, tx, a, accountID)
	})
	return email, err
}

// loadStaff reads the practice's staff, or the one with id, inside a use
// case that access has allowed.
func loadStaff(ctx context.Context, tx *store.Tx, practiceID, id string) ([]StaffMember, error) {
	q := `SELECT st.id, st.full_name, st.credentials, st.email, st.licence_number, st.npi, st.dea_number, st.created_at,
		CASE WHEN ac.id IS NULL THEN 0 ELSE 1 END, CASE WHEN ac.password_hash <> '' THEN 1 ELSE 0 END,
		CASE WHEN ac.disabled OR NOT st.active THEN 1 ELSE 0 END, COALESCE(ac.mfa_method, ''), st.clinical_lead
		FROM staff st LEFT JOIN account ac ON ac.staff_id = st.id WHERE st.practice_id = ?`
	args := []any{practiceID}
	if id != "" {
		q += ` AND st.id = ?`
		args = append(args, id)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY LOWER(st.full_name), st.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StaffMember
	index := map[string]int{}
	for rows.Next() {
		var m StaffMember
		var hasAccount, hasPassword, disabled int
		if err := rows.Scan(&m.ID, &m.Name, &m.Credentials, &m.Email, &m.Licence, &m.NPI, &m.DEA, &m.CreatedAt,
			&hasAccount, &hasPassword, &disabled, &m.MFA, &m.ClinicalLead); err != nil {
			return nil, err
		}
		m.HasAccount, m.HasPassword, m.Disabled = hasAccount == 1, hasPassword == 1, disabled == 1
		index[m.ID] = len(out)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rrows, err := tx.Query(ctx, `SELECT r.staff_id, r.role FROM staff_role r JOIN staff st ON st.id = r.staff_id WHERE st.practice_id = ?`, practiceID)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var sid, role string
		if err := rrows.Scan(&sid, &role); err != nil {
			return nil, err
		}
		if i, ok := index[sid]; ok {
			out[i].Roles = append(out[i].Roles, Role(role))
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Roles, func(a, b Role) int {
			return slices.Index(StaffRoles, a) - slices.Index(StaffRoles, b)
		})
	}
	return out, rrows.Err()
}

// ZoneOf is the practice's time zone (PracticeZone) in a read transaction
// of its own, for faces that read dates given without a zone.
func (s *Service) ZoneOf(ctx context.Context, practiceID string) (*time.Location, error) {
	var zone *time.Location
	err := s.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		zone, err = PracticeZone(ctx, tx, practiceID)
		return err
	})
	return zone, err
}

// HasPractice says whether this holdspace holds a practice yet
// (AnyPractice).
func (s *Service) HasPractice(ctx context.Context) (bool, error) {
	return AnyPractice(ctx, s.DB)
}
