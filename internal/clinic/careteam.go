package clinic

import (
	"context"
	"slices"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// SetCareTeam adds or removes a staff member on a client's care team, in
// the part they play: a change of who may see the record, audited. Only
// a member of staff who holds the role may take that part.
func (d *Door) SetCareTeam(ctx context.Context, a access.Actor, clientID, staffID, role string, add bool) error {
	if !slices.Contains(access.CareTeamRoles, role) {
		return &access.Problem{Field: "role", Message: "Choose therapist, prescriber or monitor."}
	}
	return d.Access.Do(ctx, a, access.CareTeamManage, access.Ref{Type: "care_team", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var cp, sp string
		tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, clientID).Scan(&cp)
		tx.QueryRow(ctx, `SELECT practice_id FROM staff WHERE id = ?`, staffID).Scan(&sp)
		if cp != a.PracticeID || sp != a.PracticeID {
			return &access.Problem{Field: "staff", Message: "No such client or staff member in this practice."}
		}
		action := "care_team.add"
		if add {
			var has int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role WHERE staff_id = ? AND role = ?`, staffID, role).Scan(&has); err != nil {
				return err
			}
			if has == 0 {
				return &access.Problem{Field: "role", Message: "That staff member does not hold the " + role + " role."}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				clientID, staffID, role, d.now()); err != nil {
				return err
			}
		} else {
			action = "care_team.remove"
			if _, err := tx.Exec(ctx, `DELETE FROM care_team WHERE client_id = ? AND staff_id = ? AND role = ?`, clientID, staffID, role); err != nil {
				return err
			}
		}
		return d.Access.LogChange(ctx, tx, a, action, access.Record{Type: "care_team", ID: staffID, PracticeID: a.PracticeID, ClientID: clientID}, role)
	})
}
