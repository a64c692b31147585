// Package mailbox is the demo's mailbox: every email the demo practice has
// queued or sent, as its recipient would read it. A demo sends no real
// email, so without it the invitations, sign-in codes and reminders that
// drive every flow could only be read in the database file.
//
// The door reads for any member of the practice's staff; the pages offer
// it only when holdspace runs with --demo, and register no route otherwise,
// because it shows credentials (codes, links) that a real practice must
// never put on a page.
package mailbox

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// Door reads the demo's mailbox.
type Door struct {
	Access *access.Service
	Now    func() time.Time
}

// shown is how many of the latest messages the mailbox lists.
const shown = 200

// Letters reads the practice's email, newest first, sealed texts opened.
func (d *Door) Letters(ctx context.Context, a access.Actor) ([]notify.Letter, error) {
	var out []notify.Letter
	err := d.Access.Do(ctx, a, access.DemoMailboxRead, access.Ref{Type: "outbox"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		out, err = notify.Letters(ctx, tx, d.Access.Keys, a.PracticeID, shown)
		return err
	})
	return out, err
}
