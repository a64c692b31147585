package schedule

import (
	"context"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// Rooms lists the practice's rooms for booking (ScheduleRead).
func (d *Door) Rooms(ctx context.Context, a access.Actor) ([]Room, error) {
	return d.rooms(ctx, a, access.ScheduleRead)
}

// RoomsToManage lists the practice's rooms for its administrators
// (SettingsManage).
func (d *Door) RoomsToManage(ctx context.Context, a access.Actor) ([]Room, error) {
	return d.rooms(ctx, a, access.SettingsManage)
}

func (d *Door) rooms(ctx context.Context, a access.Actor, act access.Action) ([]Room, error) {
	out := []Room{}
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "room_list"}, func(tx *store.Tx, _ access.Decision) error {
		got, err := Rooms(ctx, tx, a.PracticeID)
		out = append(out, got...)
		return err
	})
	return out, err
}

// RoomChange is a change of the practice's rooms: with no room id, a new
// room Name; else Op rename (to Name), retire or restore.
type RoomChange struct {
	Op   string
	Name string
}

// RoomChanged is what a room change did: the room added, or how many
// booked appointments still use a retired room.
type RoomChanged struct {
	Room        Room
	StillBooked int
}

// ChangeRoom adds a room (id empty), or renames, retires or restores room
// id (SettingsManage). A rename's problems are named rename.FIELD, the
// row's own form.
func (d *Door) ChangeRoom(ctx context.Context, a access.Actor, id string, in RoomChange) (RoomChanged, error) {
	var out RoomChanged
	err := d.Access.Do(ctx, a, access.SettingsManage, access.Ref{Type: "room", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		if id != "" {
			if _, err := LoadRoom(ctx, tx, a.PracticeID, id); err != nil {
				return err
			}
		}
		var err error
		switch {
		case id == "":
			out.Room, err = AddRoom(ctx, tx, a.PracticeID, in.Name, d.now())
			return err
		case in.Op == "rename":
			return prefixed(RenameRoom(ctx, tx, a.PracticeID, id, in.Name), "rename.")
		case in.Op == "retire" || in.Op == "restore":
			out.StillBooked, err = SetRoomActive(ctx, tx, a.PracticeID, id, in.Op == "restore", d.now())
			return err
		}
		return clinic.Problems{{Field: "op", Message: "Choose rename, retire or restore."}}
	})
	return out, err
}

// prefixed moves a problem's field under prefix, for a form of one row.
func prefixed(err error, prefix string) error {
	if ps, ok := err.(clinic.Problems); ok {
		for i := range ps {
			ps[i].Field = prefix + ps[i].Field
		}
		return ps
	}
	return err
}

var settingsRef = access.Ref{Type: "practice_setting", ID: "schedule"}

// Settings reads the practice's scheduling settings (SettingsManage).
func (d *Door) Settings(ctx context.Context, a access.Actor) (Settings, error) {
	var out Settings
	err := d.Access.Do(ctx, a, access.SettingsManage, settingsRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		out, err = LoadSettings(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}

// SaveSettings saves the practice's scheduling settings (SettingsManage).
func (d *Door) SaveSettings(ctx context.Context, a access.Actor, set Settings) error {
	return d.Access.Do(ctx, a, access.SettingsManage, settingsRef, func(tx *store.Tx, _ access.Decision) error {
		return SaveSettings(ctx, tx, a.PracticeID, set, a.StaffID, d.now())
	})
}

// availability decides a look at or change of a clinician's weekly
// hours: one's own under ScheduleRead, anyone's as an administrator
// (SettingsManage).
func (d *Door) availability(ctx context.Context, a access.Actor, staffID string, fn func(tx *store.Tx) error) error {
	act := access.ScheduleRead
	if staffID != a.StaffID {
		act = access.SettingsManage
	}
	return d.Access.Do(ctx, a, act, access.Ref{Type: "staff_availability", ID: staffID}, func(tx *store.Tx, _ access.Decision) error { return fn(tx) })
}

// AvailabilityView is one staff member's weekly hours, with the staff to
// choose among.
type AvailabilityView struct {
	Staff     []clinic.StaffMember
	StaffName string
	Spans     []Span
}

// Availability reads staffID's weekly hours; a staff member of another
// practice, or none, is not found.
func (d *Door) Availability(ctx context.Context, a access.Actor, staffID string) (AvailabilityView, error) {
	var out AvailabilityView
	err := d.availability(ctx, a, staffID, func(tx *store.Tx) error {
		var err error
		if out.Staff, err = clinic.Staff(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		for _, m := range out.Staff {
			if m.ID == staffID {
				out.StaffName = m.Name
			}
		}
		if out.StaffName == "" {
			return clinic.ErrNotFound
		}
		out.Spans, err = Availability(ctx, tx, a.PracticeID, staffID)
		return err
	})
	return out, err
}

// SetAvailability replaces staffID's weekly hours; fields names each
// span's field, for its problems.
func (d *Door) SetAvailability(ctx context.Context, a access.Actor, staffID string, spans []Span, fields []string) error {
	return d.availability(ctx, a, staffID, func(tx *store.Tx) error {
		return SetAvailability(ctx, tx, a.PracticeID, staffID, spans, fields)
	})
}

func feedRef(staffID string) access.Ref { return access.Ref{Type: "calendar_feed", ID: staffID} }

// Feed is the viewer's own calendar feed, if they have one.
func (d *Door) Feed(ctx context.Context, a access.Actor) (*Feed, error) {
	var out *Feed
	err := d.Access.Do(ctx, a, access.ScheduleRead, feedRef(a.StaffID), func(tx *store.Tx, _ access.Decision) error {
		var err error
		out, err = CurrentFeed(ctx, tx, a.PracticeID, a.StaffID)
		return err
	})
	return out, err
}

// NewFeed makes the viewer a new calendar feed, turning off any before;
// the token is known only now.
func (d *Door) NewFeed(ctx context.Context, a access.Actor) (token string, err error) {
	err = d.Access.Do(ctx, a, access.ScheduleRead, feedRef(a.StaffID), func(tx *store.Tx, _ access.Decision) error {
		var err error
		token, err = NewFeed(ctx, tx, a.PracticeID, a.StaffID, d.now())
		return err
	})
	return token, err
}

// RevokeFeed turns the viewer's calendar feed off.
func (d *Door) RevokeFeed(ctx context.Context, a access.Actor) error {
	return d.Access.Do(ctx, a, access.ScheduleRead, feedRef(a.StaffID), func(tx *store.Tx, _ access.Decision) error {
		return RevokeFeed(ctx, tx, a.PracticeID, a.StaffID, d.now())
	})
}

// FeedICS is a clinician's appointments for their calendar app, from a
// month back to six months ahead. The token is the only key; the read is
// decided and audited as the feed's owner, so a feed whose owner lost
// every staff role is refused like any read. found is false when no feed
// has this token.
func (d *Door) FeedICS(ctx context.Context, token string) (body string, found bool, err error) {
	var owner FeedOwner
	if err := d.Access.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		owner, found, err = FeedFor(ctx, tx, token)
		return err
	}); err != nil || !found {
		return "", false, err
	}
	actor := access.Actor{Kind: access.StaffActor, StaffID: owner.StaffID, PracticeID: owner.PracticeID}
	for _, ro := range owner.Roles {
		actor.Roles = append(actor.Roles, access.Role(ro))
	}
	err = d.Access.Do(ctx, actor, access.ScheduleRead, feedRef(owner.StaffID), func(tx *store.Tx, _ access.Decision) error {
		set, err := LoadSettings(ctx, tx, owner.PracticeID)
		if err != nil {
			return err
		}
		now := d.now()
		list, err := List(ctx, tx, Filter{PracticeID: owner.PracticeID, StaffID: owner.StaffID,
			From: now.Add(-FeedBack), To: now.Add(FeedAhead), IncludeCancelled: true})
		body = ICS("holdspace: "+owner.Name, list, set.FeedClientNames)
		return err
	})
	return body, true, err
}
