package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
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

// TestTheFrontDeskBooksThroughTheSameGate is the booking gate's front-desk
// row: every route that books or moves a medicine session either is not
// theirs (the course page's, a prescriber's and care team's: 403) or
// refuses them, with Alex not ready, in the gate's own words, and the
// session stays where it was.
func TestTheFrontDeskBooksThroughTheSameGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		s.bookAs = "front-desk"
		gated := 0
		for pattern, send := range bookingRoutes {
			_, held, res, body := s.bookUnready(t, send)
			switch {
			case strings.Contains(pattern, "/courses/"):
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s as the front desk: %d; want 403, the course is the care team's", pattern, res.StatusCode)
				}
			case res.StatusCode == http.StatusUnprocessableEntity && strings.Contains(body, "preparation session"):
				gated++
			default:
				t.Errorf("%s as the front desk for a client with no preparation session: %d %s; want 422 naming it", pattern, res.StatusCode, firstError(body))
			}
			if _, after := alexSession(t, s, 5); !after.Start.Equal(held.Start) {
				t.Errorf("%s as the front desk moved the session to %s though the gate refuses it", pattern, after.Start)
			}
		}
		if gated < 4 {
			t.Errorf("%d booking routes asked the gate for the front desk; want the calendar's four", gated)
		}
	})
}

// TestAFrontDeskTokenIsLimitedToTheFrontDesk: an API token made for a
// front-desk account acts as that account, so every scope it holds still
// reaches only what the front desk may do: the client list and the
// schedule, never a route into a client's chart.
func TestAFrontDeskTokenIsLimitedToTheFrontDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		ctx := context.Background()
		tok := access.NewAPIToken()
		var scopes []string
		for _, sc := range access.Scopes {
			scopes = append(scopes, string(sc))
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
				SELECT ?, practice_id, id, 'front desk', ?, ?, ? FROM account WHERE email = ?`,
				store.NewID(), strings.Join(scopes, " "), access.HashToken(tok), time.Now(), s.emails["front-desk"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/clients", "/api/v1/appointments", "/api/v1/inquiries"} {
			if res, _ := s.apiCall(t, http.MethodGet, path, tok); res.StatusCode != http.StatusOK {
				t.Errorf("GET %s with a front-desk token: %d; want 200", path, res.StatusCode)
			}
		}
		if _, body := s.apiCall(t, http.MethodGet, "/api/v1/clients", tok); !strings.Contains(body, "Alex Rivera") || !strings.Contains(body, "Maya Thompson") {
			t.Error("a front-desk token does not list every client of the practice")
		}
		chart := 0
		for _, r := range srv.Routes() {
			method, path, _ := strings.Cut(r.Pattern, " ")
			if r.Gate != web.GateAPI || !strings.HasPrefix(path, "/api/v1/clients/{id}") {
				continue
			}
			chart++
			_, path = s.path(r.Pattern)
			res, body := s.apiCall(t, method, path, tok)
			if res.StatusCode != http.StatusForbidden || strings.Contains(res.Header.Get("WWW-Authenticate"), "insufficient_scope") || strings.Contains(body, "Rivera") {
				t.Errorf("%s with a front-desk token holding every scope: %d %s; want 403 from the role, naming nobody", r.Pattern, res.StatusCode, body)
			}
		}
		if chart < 20 {
			t.Errorf("walked %d API routes into a chart; the API has more", chart)
		}
	})
}
