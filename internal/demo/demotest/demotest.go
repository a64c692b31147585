// Package demotest gives the tests of a door a practice to decide access
// on, on either database: the demo's, whose staff, clients, courses and
// evaluations are a realistic chart, or a World small enough that a test
// knows every row.
package demotest

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Now is when the demo is loaded, and the clock of Site's access service.
var Now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// Site is the demo practice with an access service over it.
type Site struct {
	T      *testing.T
	DB     *store.DB
	Access *access.Service
}

// Load loads the demo into db.
func Load(t *testing.T, db *store.DB) *Site {
	t.Helper()
	return LoadAt(t, db, Now)
}

// LoadAt loads the demo into db as it stands at at, the clock of Site's
// access service.
func LoadAt(t *testing.T, db *store.DB, at time.Time) *Site {
	t.Helper()
	ring, _ := keyring.New(make([]byte, 32))
	hasher := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	if _, err := demo.Load(context.Background(), db, demo.Options{Hasher: hasher, Keys: ring}, at); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return at }
	return &Site{T: t, DB: db, Access: &access.Service{DB: db, Hasher: hasher, Keys: ring, Now: clock, Policy: access.DefaultPolicy()}}
}

// Clock is the demo's fixed clock, for a door's Now.
func Clock() time.Time { return Now }

// Staff is the staff member signed in with email, acting in role.
func (s *Site) Staff(email string, role access.Role) access.Actor {
	s.T.Helper()
	a := access.Actor{Kind: access.StaffActor, Roles: []access.Role{role}}
	s.Scan(`SELECT s.id, s.practice_id, a.id FROM staff s JOIN account a ON a.staff_id = s.id WHERE s.email = ?`, []any{email}, &a.StaffID, &a.PracticeID, &a.AccountID)
	return a
}

// Prescriber and Therapist are the demo's prescriber, on every client's
// care team, and a therapist on Daniel's, Maya's and Priscilla's.
func (s *Site) Prescriber() access.Actor {
	return s.Staff("prescriber@stillwater.example", access.Prescriber)
}
func (s *Site) Therapist() access.Actor {
	return s.Staff("therapist2@stillwater.example", access.Therapist)
}

// Client is the id of the client with email.
func (s *Site) Client(email string) string {
	s.T.Helper()
	var id string
	s.Scan(`SELECT id FROM client WHERE email = ?`, []any{email}, &id)
	return id
}

// Scan reads one row of q into into.
func (s *Site) Scan(q string, args []any, into ...any) {
	s.T.Helper()
	if err := s.DB.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(into...)
	}); err != nil {
		s.T.Fatalf("%s: %v", q, err)
	}
}

// Count is the number q counts.
func (s *Site) Count(q string, args ...any) int {
	s.T.Helper()
	var n int
	s.Scan(q, args, &n)
	return n
}

// Trail counts the entries of action on records of refType by a with
// outcome ("allowed" or "denied").
func (s *Site) Trail(a access.Actor, action access.Action, refType, outcome string) int {
	s.T.Helper()
	return s.Count(`SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND action = ? AND record_type = ? AND outcome = ?`, a.ID(), string(action), refType, outcome)
}
