// Package clinic holds the clinic's records in its own words: clients,
// their care teams and, as holdspace grows, their charts, courses and
// sessions. Its functions run inside a transaction the caller opened
// through access.Service.Do, so every read and change here has already been
// authorised and audited.
package clinic

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// Client is a person in the practice's care.
type Client struct {
	ID            string    `json:"id"`
	LegalName     string    `json:"legal_name"`
	PreferredName string    `json:"preferred_name,omitempty"`
	Pronouns      string    `json:"pronouns,omitempty"`
	DateOfBirth   string    `json:"date_of_birth,omitempty"`
	Email         string    `json:"email,omitempty"`
	Phone         string    `json:"phone,omitempty"`
	TimeZone      string    `json:"time_zone,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	// Portal says whether the client has a portal account, and whether
	// they have chosen a password yet.
	Portal PortalState `json:"portal"`
}

// PortalState is how far a client's portal account has come.
type PortalState string

const (
	PortalNone    PortalState = "none"
	PortalInvited PortalState = "invited"
	PortalActive  PortalState = "active"
)

// Name is the name to call the client by.
func (c Client) Name() string {
	if c.PreferredName != "" && c.PreferredName != c.LegalName {
		return c.PreferredName + " (" + c.LegalName + ")"
	}
	return c.LegalName
}

// ErrNotFound is returned for a record that does not exist in the
// practice (or exists only in another one: the two look the same).
var ErrNotFound error = fault.New(fault.NotFound, "There is no such record in your practice.")

const clientColumns = `c.id, c.legal_name, c.preferred_name, c.pronouns, c.date_of_birth, c.email, c.phone, c.time_zone, c.created_at,
	CASE WHEN a.id IS NULL THEN 'none' WHEN a.password_hash = '' THEN 'invited' ELSE 'active' END`

func scanClient(row interface{ Scan(...any) error }) (Client, error) {
	var c Client
	var portal string
	err := row.Scan(&c.ID, &c.LegalName, &c.PreferredName, &c.Pronouns, &c.DateOfBirth, &c.Email, &c.Phone, &c.TimeZone, &c.CreatedAt, &portal)
	c.Portal = PortalState(portal)
	return c, err
}

// LoadClient reads one client of the practice.
func LoadClient(ctx context.Context, tx *store.Tx, practiceID, id string) (Client, error) {
	c, err := scanClient(tx.QueryRow(ctx, `SELECT `+clientColumns+` FROM client c LEFT JOIN account a ON a.client_id = c.id
		WHERE c.id = ? AND c.practice_id = ?`, id, practiceID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// ClientFilter narrows the client list.
type ClientFilter struct {
	PracticeID string
	// StaffID limits the list to clients on this staff member's care
	// team or under their unexpired break-glass grant; empty for all.
	StaffID string
	Now     time.Time
	// Query matches names, case-insensitively.
	Query string
}

// ListClients lists clients by name.
func ListClients(ctx context.Context, tx *store.Tx, f ClientFilter) ([]Client, error) {
	q := `SELECT ` + clientColumns + ` FROM client c LEFT JOIN account a ON a.client_id = c.id WHERE c.practice_id = ?`
	args := []any{f.PracticeID}
	if f.StaffID != "" {
		q += ` AND (c.id IN (SELECT client_id FROM care_team WHERE staff_id = ?)
			OR c.id IN (SELECT client_id FROM break_glass WHERE staff_id = ? AND expires_at > ?))`
		args = append(args, f.StaffID, f.StaffID, f.Now)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		q += ` AND (LOWER(c.legal_name) LIKE ? OR LOWER(c.preferred_name) LIKE ?)`
		like := "%" + strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(s)) + "%"
		args = append(args, like, like)
	}
	q += ` ORDER BY c.legal_name, c.id LIMIT 500`
	return store.All(ctx, tx, scanClient, q, args...)
}

// CareTeamMember is one staff member on a client's care team.
type CareTeamMember struct {
	StaffID     string `json:"staff_id"`
	Name        string `json:"name"`
	Credentials string `json:"credentials,omitempty"`
	Role        string `json:"role"`
}

// CareTeam lists who cares for a client.
func CareTeam(ctx context.Context, tx *store.Tx, clientID string) ([]CareTeamMember, error) {
	return store.All(ctx, tx, func(r store.Scanner) (m CareTeamMember, err error) {
		err = r.Scan(&m.StaffID, &m.Name, &m.Credentials, &m.Role)
		return m, err
	}, `SELECT s.id, s.full_name, s.credentials, ct.role FROM care_team ct JOIN staff s ON s.id = ct.staff_id
		WHERE ct.client_id = ? ORDER BY CASE ct.role WHEN 'therapist' THEN 1 WHEN 'prescriber' THEN 2 ELSE 3 END, s.full_name`, clientID)
}

// StaffMember is a colleague, for choosing care-team members.
type StaffMember struct {
	ID    string
	Name  string
	Roles []string
}

// Staff lists the practice's active staff with their roles.
func Staff(ctx context.Context, tx *store.Tx, practiceID string) ([]StaffMember, error) {
	rows, err := tx.Query(ctx, `SELECT s.id, s.full_name, r.role FROM staff s JOIN staff_role r ON r.staff_id = s.id
		WHERE s.practice_id = ? AND s.active = ? ORDER BY s.full_name, s.id, r.role`, practiceID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var id, name, role string
		if err := rows.Scan(&id, &name, &role); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == id {
			out[n-1].Roles = append(out[n-1].Roles, role)
			continue
		}
		out = append(out, StaffMember{ID: id, Name: name, Roles: []string{role}})
	}
	return out, rows.Err()
}

// Disclosure is one access to a client's record, for the accounting of
// disclosures (who saw the record, when, and why).
type Disclosure struct {
	At        time.Time `json:"at"`
	ActorKind string    `json:"actor_kind"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason"`
	// RecordType is the part of the record it was (the chart, a session
	// summary, a consent); Integration names the API token an integration
	// used, when it came through the API.
	RecordType  string `json:"record_type"`
	Integration string `json:"integration,omitempty"`
}

// Disclosures lists accesses to a client's record, newest first. Names are
// resolved now from ids: the trail itself holds no copied personal data.
func Disclosures(ctx context.Context, tx *store.Tx, practiceID, clientID string, limit int) ([]Disclosure, error) {
	return store.All(ctx, tx, func(r store.Scanner) (d Disclosure, err error) {
		err = r.Scan(&d.At, &d.ActorKind, &d.ActorName, &d.Action, &d.Outcome, &d.Reason, &d.RecordType, &d.Integration)
		return d, err
	}, `SELECT e.at, e.actor_kind, COALESCE(s.full_name, c.legal_name, ''), e.action, e.outcome, e.reason,
		e.record_type, COALESCE(k.name, '')
		FROM audit_event e
		LEFT JOIN staff s ON e.actor_kind IN ('staff', 'api') AND s.id = e.actor_id
		LEFT JOIN client c ON e.actor_kind = 'client' AND c.id = e.actor_id
		LEFT JOIN audit_token t ON t.event_id = e.id
		LEFT JOIN api_token k ON k.id = t.token_id
		WHERE e.chain = ? AND e.client_id = ? ORDER BY e.seq DESC LIMIT ?`, practiceID, clientID, limit)
}

// CareTeamClients is the set of clients on a staff member's care teams.
func CareTeamClients(ctx context.Context, tx *store.Tx, staffID string) (map[string]bool, error) {
	return tx.Set(ctx, `SELECT DISTINCT client_id FROM care_team WHERE staff_id = ?`, staffID)
}

// OnCareTeam says whether staffID is on the client's care team.
func OnCareTeam(ctx context.Context, tx *store.Tx, clientID, staffID string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND staff_id = ?`, clientID, staffID).Scan(&n)
	return n > 0, err
}
