package web_test

import (
	"context"
	"slices"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func init() {
	addRoutes(map[string][]string{
		// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
		"GET /clients/{id}/contact":  {signin, deny, deny, allow, allow, allow, deny, allow, hidden, allow},
		"POST /clients/{id}/contact": {signin, deny, deny, allow, allow, allow, deny, allow, hidden, allow},
	})
}

// roleActors is, for each staff role, the actor of the route table who
// holds it; a role added to access.StaffRoles fails the walk until it has
// an actor, and so a column in every row.
var roleActors = map[access.Role]string{
	access.Owner: "owner", access.Admin: "owner", access.Prescriber: "prescriber", access.Therapist: "therapist-on-team",
	access.Monitor: "monitor", access.FrontDesk: "front-desk",
}

// TestTheRouteTableWalksEveryStaffRole: every staff role has an actor in
// the walk, who holds that role in the demo practice, and every row of the
// table says what each actor gets.
func TestTheRouteTableWalksEveryStaffRole(t *testing.T) {
	for _, r := range access.StaffRoles {
		who, ok := roleActors[r]
		if !ok || !slices.Contains(actors, who) {
			t.Errorf("role %s has no actor in the route table's walk", r)
		}
	}
	for pattern, row := range routeTable {
		if len(row) != len(actors) {
			t.Errorf("route %q says what %d of the %d actors get", pattern, len(row), len(actors))
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		ctx := context.Background()
		for _, r := range access.StaffRoles {
			var n int
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role r JOIN account a ON a.staff_id = r.staff_id WHERE a.email = ? AND r.role = ?`,
					s.emails[roleActors[r]], string(r)).Scan(&n)
			}); err != nil || n != 1 {
				t.Errorf("the walk's %s does not hold the role %s (%v)", roleActors[r], r, err)
			}
		}
	})
}
