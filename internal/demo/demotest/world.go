package demotest

import (
	"context"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// World is a practice of its own, smaller than the demo, for a door's test
// that wants to know every row: an owner, a therapist on Client's care team
// and one outside it, Client in the portal, and Other, a client nobody
// cares for. Its access service's clock is Clock.
type World struct {
	T      *testing.T
	DB     *store.DB
	Access *access.Service

	Practice, Client, Other    string
	Owner, Therapist, Outsider access.Actor
	Portal                     access.Actor
}

// NewWorld makes the practice in db.
func NewWorld(t *testing.T, db *store.DB) *World {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	acc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: Clock, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy()}
	w := &World{T: t, DB: db, Access: acc, Client: store.NewID(), Other: store.NewID()}
	var err error
	if w.Practice, err = access.CreatePractice(ctx, db, "Stillwater", "stillwater", "America/New_York", Now); err != nil {
		t.Fatal(err)
	}
	add := func(name, email string, roles ...access.Role) access.Actor {
		id, _, err := acc.AddStaffBySystem(ctx, w.Practice, access.StaffInput{Name: name, Email: email, Roles: roles}, "")
		if err != nil {
			t.Fatal(err)
		}
		return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: w.Practice, Roles: roles}
	}
	w.Owner = add("Morgan Avery", "owner@stillwater.test", access.Owner)
	w.Therapist = add("Sam Okafor", "sam@stillwater.test", access.Therapist)
	w.Outsider = add("Elena Brooks", "elena@stillwater.test", access.Therapist)
	w.Exec(`INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
		w.Client, w.Practice, "Alex Rivera", "alex@client.test", Now, w.Other, w.Practice, "Jamie Chen", "jamie@client.test", Now)
	w.Exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'therapist', ?)`, w.Client, w.Therapist.StaffID, Now)
	w.Portal = access.Actor{Kind: access.ClientActor, ClientID: w.Client, PracticeID: w.Practice}
	return w
}

// Exec runs one statement of q.
func (w *World) Exec(q string, args ...any) {
	w.T.Helper()
	if err := w.DB.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		w.T.Fatal(err)
	}
}

// Audited counts the trail's entries of action by a with outcome
// ("allowed" or "denied").
func (w *World) Audited(action access.Action, a access.Actor, outcome string) int {
	w.T.Helper()
	return storetest.Count(w.T, w.DB, `SELECT COUNT(*) FROM audit_event WHERE action = ? AND actor_id = ? AND outcome = ?`,
		string(action), a.ID(), outcome)
}

// InvalidFields are the names of the fields err's invalid fault refuses,
// in its order; the test fails at once when err is no such fault.
func InvalidFields(t *testing.T, err error) []string {
	t.Helper()
	f := fault.Of(err)
	if f == nil || f.Code != fault.Invalid {
		t.Fatalf("%v; want an invalid fault", err)
	}
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

// InvalidFieldSet is InvalidFields as a set.
func InvalidFieldSet(t *testing.T, err error) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, name := range InvalidFields(t, err) {
		out[name] = true
	}
	return out
}

// DoorWorld is a World with the door under test over its access service.
type DoorWorld[D any] struct {
	*World
	Door D
}

// NewDoorWorld makes the World in db and the door that door builds over
// its access service.
func NewDoorWorld[D any](t *testing.T, db *store.DB, door func(*access.Service) D) *DoorWorld[D] {
	t.Helper()
	w := NewWorld(t, db)
	return &DoorWorld[D]{World: w, Door: door(w.Access)}
}
