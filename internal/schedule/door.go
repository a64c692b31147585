package schedule

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/reminder"
	"holdspace/internal/store"
)

// Door is the front door of the calendar: every face that books, moves,
// cancels or marks an appointment, or reads the calendar, its rooms,
// working hours and feeds, comes through it, so that each is decided for
// every client of a group and every medicine session is booked through
// the dosing gate (Book, Move) the same way on every path.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// who is how the schedule sees the actor.
func who(a access.Actor) By {
	return By{StaffID: a.StaffID, Admin: a.IsAdmin(), Kind: a.Kind}
}

// appointment decides a change of (or a look at) an appointment: for each
// of its clients under act, in tx, so a group needs the actor to be
// allowed for every client. A staff-only block is an administrator's, or
// its own clinicians'.
func (d *Door) appointment(ctx context.Context, a access.Actor, id string, act access.Action, fn func(tx *store.Tx) error) error {
	var clients []string
	if err := d.Access.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		clients, err = ClientsOf(ctx, tx, a.PracticeID, id)
		return err
	}); err != nil {
		return err
	}
	ref := access.Ref{Type: "appointment", ID: id}
	useAct := act
	if len(clients) > 0 {
		ref.ClientID = clients[0]
	} else if act == access.AppointmentManage && !a.IsAdmin() {
		useAct = access.ScheduleRead
	}
	return d.Access.Do(ctx, a, useAct, ref, func(tx *store.Tx, _ access.Decision) error {
		for _, c := range clients[min(1, len(clients)):] {
			if _, err := d.Access.Authorize(ctx, tx, a, act, access.Ref{Type: "appointment", ID: id, ClientID: c}); err != nil {
				return err
			}
		}
		if len(clients) == 0 && useAct != act {
			ap, err := Load(ctx, tx, a.PracticeID, id)
			if err != nil {
				return err
			}
			if !ap.HasStaff(a.StaffID) {
				return &access.Denied{Action: act, Record: access.Record{Type: "appointment", ID: id, PracticeID: a.PracticeID},
					Reason: "a staff-only block is changed by the clinicians on it or by an administrator"}
			}
		}
		return fn(tx)
	})
}

// booking decides a new booking the same way: every client under
// AppointmentManage; with no client, an administrator, or a clinician
// blocking their own time.
func (d *Door) booking(ctx context.Context, a access.Actor, id string, b Booking, fn func(tx *store.Tx) error) error {
	ref := access.Ref{Type: "appointment", ID: id}
	act := access.AppointmentManage
	if len(b.Clients) > 0 {
		ref.ClientID = b.Clients[0].ClientID
	} else if !a.IsAdmin() {
		act = access.ScheduleRead
	}
	return d.Access.Do(ctx, a, act, ref, func(tx *store.Tx, _ access.Decision) error {
		for _, c := range b.Clients[min(1, len(b.Clients)):] {
			if _, err := d.Access.Authorize(ctx, tx, a, access.AppointmentManage, access.Ref{Type: "appointment", ID: id, ClientID: c.ClientID}); err != nil {
				return err
			}
		}
		if act == access.ScheduleRead && (len(b.StaffIDs) != 1 || b.StaffIDs[0] != a.StaffID) {
			return clinic.Problems{{Field: "staff", Message: "Without a client, a clinician books only their own time; a practice administrator books time for others."}}
		}
		return fn(tx)
	})
}

// BookingFormIn is what the booking form asks about before it is filled:
// the medicine session its first client row names, if any.
type BookingFormIn struct {
	Kind     Kind
	ClientID string
	CourseID string
	Session  int
}

// BookingForm is what the booking form offers: the rooms, staff, clients
// the viewer may book (an administrator all), their courses, and each
// type's usual length. Moving is the appointment that already holds the
// medicine session asked about, which saving moves.
type BookingForm struct {
	Rooms   []Room
	Staff   []clinic.StaffMember
	Clients []clinic.Client
	Courses []CourseOption
	Minutes map[Kind]int
	Moving  *Appointment
}

// BookingForm reads what the booking form offers (ScheduleRead).
func (d *Door) BookingForm(ctx context.Context, a access.Actor, in BookingFormIn) (BookingForm, error) {
	var out BookingForm
	err := d.Access.Do(ctx, a, access.ScheduleRead, access.Ref{Type: "booking_form"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Rooms, err = Rooms(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if out.Staff, err = clinic.Staff(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		out.Staff = bookable(out.Staff)
		f := clinic.ClientFilter{PracticeID: a.PracticeID, Now: d.now()}
		if !a.SeesEveryClient() {
			f.StaffID = a.StaffID
		}
		if out.Clients, err = clinic.ListClients(ctx, tx, f); err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range out.Clients {
			names[c.ID] = c.Name()
		}
		if out.Courses, err = ActiveCourses(ctx, tx, a.PracticeID, names); err != nil {
			return err
		}
		if forTheDesk(a) {
			deskCourses(out.Courses)
		}
		if out.Moving, err = moving(ctx, tx, a.PracticeID, in, names); err != nil {
			return err
		}
		set, err := LoadSettings(ctx, tx, a.PracticeID)
		out.Minutes = set.Minutes
		return err
	})
	return out, err
}

// moving is the appointment already booked for a medicine session of one
// client, which booking it again moves; only for a client the viewer may
// book (names).
func moving(ctx context.Context, tx *store.Tx, practiceID string, in BookingFormIn, names map[string]string) (*Appointment, error) {
	if in.Kind != MedicineSession {
		return nil, nil
	}
	if _, ok := names[in.ClientID]; !ok || in.CourseID == "" || in.Session < 1 {
		return nil, nil
	}
	h, err := Holder(ctx, tx, practiceID, in.CourseID, in.Session)
	if err != nil || h == nil || len(h.Clients) != 1 || h.Clients[0].ClientID != in.ClientID {
		return nil, err
	}
	return h, nil
}

// Unread is what a face could not read of a request, given by a door only
// once access is decided, so that someone refused learns nothing from it.
type Unread struct {
	// Body is a body that could not be read at all. It names no client to
	// decide a booking on, so Book decides only that the actor may use the
	// schedule before giving it, rather than answer a rule about a booking
	// never asked for.
	Body error
	// Fields are the fields that could not be read (a time), given once
	// the booking's or the appointment's access is decided.
	Fields error
}

// BookResult is what a booking did. Moved is the appointment that held the
// medicine session before, as it was: when it is the one booked, the
// booking moved it rather than adding a second one. Warnings are the
// dosing gate's, also beside a refusal.
type BookResult struct {
	Appointment *Appointment
	Moved       *Appointment
	Warnings    []dosing.Warning
}

// Book books an appointment, deciding it for every client (see booking);
// a medicine session is booked through the dosing gate, and one already
// booked is moved instead.
func (d *Door) Book(ctx context.Context, a access.Actor, b Booking, unread Unread) (BookResult, error) {
	var out BookResult
	if unread.Body != nil {
		err := d.Access.Do(ctx, a, access.ScheduleRead, access.Ref{Type: "appointment"}, func(*store.Tx, access.Decision) error { return unread.Body })
		return out, err
	}
	err := d.booking(ctx, a, store.NewID(), b, func(tx *store.Tx) error {
		if unread.Fields != nil {
			return unread.Fields
		}
		if b.Kind == MedicineSession && len(b.Clients) == 1 && b.Clients[0].CourseID != "" {
			var err error
			if out.Moved, err = Holder(ctx, tx, a.PracticeID, b.Clients[0].CourseID, b.Clients[0].SessionNumber); err != nil {
				return err
			}
		}
		var err error
		out.Appointment, out.Warnings, err = Book(ctx, tx, a.PracticeID, b, who(a), d.now())
		if forTheDesk(a) {
			out.Warnings, err = deskWarnings(out.Warnings), deskProblems(err)
		}
		return err
	})
	return out, err
}

// Changed is an appointment after a change, with the warnings a move
// drew.
type Changed struct {
	Appointment *Appointment
	Warnings    []dosing.Warning
}

// change runs one change of appointment id under AppointmentManage.
func (d *Door) change(ctx context.Context, a access.Actor, id string, unread Unread, fn func(tx *store.Tx, by By, now time.Time) (*Appointment, []dosing.Warning, error)) (Changed, error) {
	var out Changed
	err := d.appointment(ctx, a, id, access.AppointmentManage, func(tx *store.Tx) error {
		if err := unread.err(); err != nil {
			return err
		}
		var err error
		out.Appointment, out.Warnings, err = fn(tx, who(a), d.now())
		if forTheDesk(a) {
			out.Warnings, err = deskWarnings(out.Warnings), deskProblems(err)
		}
		return err
	})
	return out, err
}

// Move moves an appointment; a medicine session passes the dosing gate
// again at its new time.
func (d *Door) Move(ctx context.Context, a access.Actor, id string, m Change, unread Unread) (Changed, error) {
	return d.change(ctx, a, id, unread, func(tx *store.Tx, by By, now time.Time) (*Appointment, []dosing.Warning, error) {
		return Move(ctx, tx, a.PracticeID, id, m, by, now)
	})
}

// Cancel cancels an appointment with its reason.
func (d *Door) Cancel(ctx context.Context, a access.Actor, id, reason string, unread Unread) (Changed, error) {
	return d.change(ctx, a, id, unread, func(tx *store.Tx, by By, now time.Time) (*Appointment, []dosing.Warning, error) {
		ap, err := Cancel(ctx, tx, a.PracticeID, id, reason, by, now)
		return ap, nil, err
	})
}

// Mark records how an appointment went (attended, no-show …).
func (d *Door) Mark(ctx context.Context, a access.Actor, id string, st Status, unread Unread) (Changed, error) {
	return d.change(ctx, a, id, unread, func(tx *store.Tx, by By, now time.Time) (*Appointment, []dosing.Warning, error) {
		ap, err := Mark(ctx, tx, a.PracticeID, id, st, by, now)
		return ap, nil, err
	})
}

func (u Unread) err() error {
	if u.Body != nil {
		return u.Body
	}
	return u.Fields
}

// AppointmentView is one appointment as the viewer may see it (names of
// clients outside their care team hidden), its history, the rooms it may
// move to, and whether the viewer may change it.
type AppointmentView struct {
	Appointment *Appointment
	History     []HistoryEntry
	Rooms       []Room
	CanManage   bool
}

// Appointment reads one appointment, decided for each of its clients
// (ScheduleRead).
func (d *Door) Appointment(ctx context.Context, a access.Actor, id string) (AppointmentView, error) {
	var out AppointmentView
	err := d.appointment(ctx, a, id, access.ScheduleRead, func(tx *store.Tx) error {
		var err error
		if out.Appointment, err = Load(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(ctx, tx, a.StaffID)
		if err != nil {
			return err
		}
		ap := out.Appointment
		ap.Redact(a.SeesEveryClient(), team)
		out.CanManage = a.SeesEveryClient() || (a.Has(access.Prescriber, access.Therapist) && allVisible(ap)) || (len(ap.Clients) == 0 && ap.HasStaff(a.StaffID))
		if out.History, err = History(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		out.Rooms, err = Rooms(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}

func allVisible(a *Appointment) bool {
	for _, c := range a.Clients {
		if c.Hidden {
			return false
		}
	}
	return true
}

// CalendarView is the appointments of a span of the calendar as the
// viewer may see them, with the staff and rooms to filter by.
type CalendarView struct {
	Appointments []Appointment
	Staff        []clinic.StaffMember
	Rooms        []Room
}

// Calendar lists the practice's appointments that f asks for
// (ScheduleRead); client names show only for the viewer's own clients, or
// to administrators. unread is the face's refusal of a filter it could
// not read, given once access is decided.
func (d *Door) Calendar(ctx context.Context, a access.Actor, f Filter, unread error) (CalendarView, error) {
	var out CalendarView
	f.PracticeID = a.PracticeID
	err := d.Access.Do(ctx, a, access.ScheduleRead, access.Ref{Type: "calendar"}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		var err error
		if out.Staff, err = clinic.Staff(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if out.Rooms, err = Rooms(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		list, err := List(ctx, tx, f)
		if err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(ctx, tx, a.StaffID)
		if err != nil {
			return err
		}
		out.Appointments = []Appointment{}
		for _, ap := range list {
			ap.Redact(a.SeesEveryClient(), team)
			out.Appointments = append(out.Appointments, ap)
		}
		return nil
	})
	return out, err
}

// ClientAppointments lists one client's appointments, cancelled ones too,
// under ClientRead; others in a group are not this client's record.
func (d *Door) ClientAppointments(ctx context.Context, a access.Actor, clientID string) ([]Appointment, error) {
	out := []Appointment{}
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "appointment_list", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		got, err := List(ctx, tx, Filter{PracticeID: a.PracticeID, ClientID: clientID, IncludeCancelled: true})
		if err != nil {
			return err
		}
		team, err := clinic.CareTeamClients(ctx, tx, a.StaffID)
		for _, ap := range got {
			ap.Redact(false, map[string]bool{clientID: a.IsAdmin() || team[clientID]})
			out = append(out, ap)
		}
		return err
	})
	return out, err
}

// Portal is a client's own appointments, upcoming (soonest first) and
// past (latest first), each showing only the client's own place in a
// group, and the instructions for the next medicine session.
type Portal struct {
	Upcoming []Appointment
	Past     []Appointment
	// NextMedicine is when the next medicine session starts; HasMedicine
	// says there is one.
	NextMedicine time.Time
	HasMedicine  bool
	// Instructions are for that session, as plain text; FromReminder
	// says they are the practice's reminder email (see
	// reminder.SessionInstructions).
	Instructions string
	FromReminder bool
	// Now is the moment the list was split at.
	Now time.Time
}

// Portal reads the client's own appointments (PortalUse); zone is the
// practice's, which the instructions write times in.
func (d *Door) Portal(ctx context.Context, a access.Actor, zone *time.Location) (Portal, error) {
	now := d.now()
	out := Portal{Now: now}
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "appointment_list", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		list, err := List(ctx, tx, Filter{PracticeID: a.PracticeID, ClientID: a.ClientID, IncludeCancelled: true})
		if err != nil {
			return err
		}
		var next *Attendee
		for _, ap := range list {
			// Only the client's own place in a group is theirs to see.
			own := ap.Clients[:0:0]
			for _, c := range ap.Clients {
				if c.ClientID == a.ClientID {
					own = append(own, c)
				}
			}
			ap.Clients = own
			if ap.End.After(now) && ap.Status == Booked {
				out.Upcoming = append(out.Upcoming, ap)
				// The instructions are for the next session still to
				// come; one under way is the next only when none follows.
				if len(own) > 0 && own[0].CourseID != "" && (next == nil || !out.NextMedicine.After(now)) {
					out.HasMedicine, out.NextMedicine, next = true, ap.Start, &own[0]
				}
			} else {
				out.Past = append([]Appointment{ap}, out.Past...)
			}
		}
		if next == nil {
			return nil
		}
		out.Instructions, out.FromReminder, err = reminder.SessionInstructions(ctx, tx, a.PracticeID, a.ClientID, next.SessionNumber, out.NextMedicine, zone)
		return err
	})
	return out, err
}
