package clinic

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// Door is the front door of the client records' reads that need no other
// capability: the client list and one client with their care team.
type Door struct {
	Access *access.Service
	// Now is the door's clock: break-glass grants count until it.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// Record is one client with their care team.
type Record struct {
	Client   Client
	CareTeam []CareTeamMember
}

// List lists the clients of the actor's practice whose names match query,
// by name: every client for an administrator, else those on the actor's
// care team or under their unexpired break-glass grant.
func (d *Door) List(ctx context.Context, a access.Actor, query string) ([]Client, error) {
	var list []Client
	err := d.Access.Do(ctx, a, access.ClientList, access.Ref{Type: "client_list"}, func(tx *store.Tx, _ access.Decision) error {
		f := ClientFilter{PracticeID: a.PracticeID, Query: query, Now: d.now()}
		if !a.SeesEveryClient() {
			f.StaffID = a.StaffID
		}
		var err error
		list, err = ListClients(ctx, tx, f)
		return err
	})
	return list, err
}

// Client reads one client of the actor's practice with their care team.
func (d *Door) Client(ctx context.Context, a access.Actor, id string) (Record, error) {
	var rec Record
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "client", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if rec.Client, err = LoadClient(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		rec.CareTeam, err = CareTeam(ctx, tx, id)
		return err
	})
	return rec, err
}
