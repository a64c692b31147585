package schedule

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// Booking is a new appointment as entered. End zero takes the type's
// default length; for a retreat it is the last day's end.
type Booking struct {
	Kind     Kind       `json:"kind"`
	Title    string     `json:"title,omitempty"`
	Start    time.Time  `json:"start"`
	End      time.Time  `json:"end,omitzero"`
	RoomID   string     `json:"room_id,omitempty"`
	StaffIDs []string   `json:"staff_ids"`
	Clients  []Attendee `json:"clients"`
	// Override is an administrator's reason to book outside a clinician's
	// working hours.
	Override string `json:"override_reason,omitempty"`
}

// By is who books, for the rules that depend on it and the trail.
type By struct {
	StaffID string
	Admin   bool
	// Kind is the actor kind for the trail (staff, api).
	Kind access.ActorKind
}

// MaxLength bounds an appointment: a retreat may last two weeks, anything
// else one day.
func MaxLength(k Kind) time.Duration {
	if k == GroupSession {
		return 14 * 24 * time.Hour
	}
	return 12 * time.Hour
}

// Book checks and writes a new appointment. Everything that stops it comes
// back as clinic.Problems: bad input beside its field, a clash naming who
// or what is taken ("staff", "clients", "room"), hours on "start", and each
// dosing-gate refusal on its own "gate.N.rule" field. A medicine session
// books its course session in the same transaction; when that session is
// already booked by another medicine-session appointment, that appointment
// is moved to this booking instead (see Holder), and returned.
func Book(ctx context.Context, tx *store.Tx, practiceID string, b Booking, by By, now time.Time) (*Appointment, []dosing.Warning, error) {
	if err := lockPractice(ctx, tx, practiceID); err != nil {
		return nil, nil, err
	}
	set, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	zone, err := Zone(ctx, tx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	b.Title, b.Override = strings.TrimSpace(b.Title), strings.TrimSpace(b.Override)
	var ps clinic.Problems
	if !b.Kind.Valid() {
		ps.Add("kind", "Choose the type of appointment.")
	}
	if b.Start.IsZero() {
		ps.Add("start", "Give the date and time it starts.")
	}
	if b.End.IsZero() && !b.Start.IsZero() && b.Kind.Valid() {
		b.End = b.Start.Add(set.Duration(b.Kind))
	}
	if !b.Start.IsZero() && !b.End.After(b.Start) {
		ps.Add("end", "The end must come after the start.")
	} else if !b.Start.IsZero() && b.End.Sub(b.Start) > MaxLength(b.Kind) {
		ps.Add("end", "An appointment of this type lasts at most %s; check the end.", hours(MaxLength(b.Kind)))
	}
	b.StaffIDs = unique(b.StaffIDs)
	if len(b.StaffIDs) == 0 {
		ps.Add("staff", "Choose at least one clinician.")
	}
	if b.Kind.NeedsRoom() && b.RoomID == "" {
		ps.Add("room", "A %s is held in one of the practice's rooms; choose one.", strings.ToLower(b.Kind.Label()))
	}
	switch {
	case b.Kind == MedicineSession && len(b.Clients) != 1:
		ps.Add("clients", "A medicine session is for one client; for several, book a group session.")
	case b.Kind == GroupSession && len(b.Clients) < 1:
		ps.Add("clients", "Name the clients of the group.")
	case b.Kind.Valid() && b.Kind != GroupSession && len(b.Clients) > 1:
		ps.Add("clients", "Only a group session has several clients.")
	}
	seen := map[string]bool{}
	for i, c := range b.Clients {
		if seen[c.ClientID] {
			ps.Add(clientField(i), "This client is named twice.")
		}
		seen[c.ClientID] = true
		medicine := b.Kind == MedicineSession || (b.Kind == GroupSession && c.CourseID != "")
		if medicine && (c.CourseID == "" || c.SessionNumber < 1) {
			ps.Add(clientField(i)+".course", "Choose the course and the number of the medicine session this books.")
		}
		if !medicine {
			b.Clients[i].CourseID, b.Clients[i].SessionNumber = "", 0
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	staff, err := staffNames(ctx, tx, practiceID, b.StaffIDs)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range b.StaffIDs {
		if _, ok := staff[id]; !ok {
			ps.Add("staff", "One of the clinicians chosen is not on the practice's active staff.")
		}
	}
	names := map[string]string{}
	for i, c := range b.Clients {
		cl, err := clinic.LoadClient(ctx, tx, practiceID, c.ClientID)
		if err != nil {
			if err == clinic.ErrNotFound {
				ps.Add(clientField(i), "There is no such client in this practice.")
				continue
			}
			return nil, nil, err
		}
		names[c.ClientID] = cl.Name()
	}
	var room Room
	if b.RoomID != "" {
		if room, err = loadRoom(ctx, tx, practiceID, b.RoomID); err == clinic.ErrNotFound || (err == nil && !room.Active) {
			ps.Add("room", "That room is not one of the practice's rooms in use.")
		} else if err != nil {
			return nil, nil, err
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	moving, err := holders(ctx, tx, practiceID, b, zone, &ps)
	if err != nil {
		return nil, nil, err
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	self := ""
	if moving != nil {
		self = moving.ID
	}
	c := check{tx: tx, practiceID: practiceID, zone: zone, staff: staff, clientNames: names, by: by, set: set}
	if err := c.all(ctx, self, b.Kind, b.Start, b.End, b.RoomID, room.Name, b.StaffIDs, b.Clients, b.Override, now, &ps); err != nil {
		return nil, nil, err
	}
	if len(ps) > 0 {
		return nil, c.warnings, ps
	}
	override := ""
	if c.outsideHours {
		override = b.Override
	}
	if moving != nil {
		a, err := rebook(ctx, tx, practiceID, moving, b, override, by, now, zone, room.Name, &ps)
		if err == nil && len(ps) > 0 {
			return nil, c.warnings, ps
		}
		return a, c.warnings, err
	}
	id := store.NewID()
	stamp := now.UTC()
	var roomID any
	if b.RoomID != "" {
		roomID = b.RoomID
	}
	if err := exec(ctx, tx, `INSERT INTO appointment (id, practice_id, kind, title, starts_at, ends_at, room_id, status, override_reason,
		created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, practiceID, string(b.Kind), b.Title, b.Start.UTC(), b.End.UTC(), roomID, string(Booked), override, by.StaffID, stamp, by.StaffID, stamp); err != nil {
		return nil, nil, err
	}
	for _, s := range b.StaffIDs {
		if err := exec(ctx, tx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, id, practiceID, s); err != nil {
			return nil, nil, err
		}
	}
	for i, cl := range b.Clients {
		var courseID, number, sessionID any
		if cl.CourseID != "" {
			sid, err := bookCourseSession(ctx, tx, practiceID, cl, b.Start, by.StaffID, now, i, &ps)
			if err != nil {
				return nil, nil, err
			}
			courseID, number, sessionID = cl.CourseID, cl.SessionNumber, sid
		}
		if err := exec(ctx, tx, `INSERT INTO appointment_client (appointment_id, practice_id, client_id, course_id, session_number, course_session_id)
			VALUES (?, ?, ?, ?, ?, ?)`, id, practiceID, cl.ClientID, courseID, number, sessionID); err != nil {
			return nil, nil, err
		}
	}
	if len(ps) > 0 {
		return nil, c.warnings, ps
	}
	reason := "booked " + span(b.Start, b.End, zone) + where(room.Name)
	if override != "" {
		reason += "; outside working hours: " + override
	}
	if err := trail(ctx, tx, practiceID, id, firstClient(b.Clients), "appointment.book", reason, by, now); err != nil {
		return nil, nil, err
	}
	a, err := Load(ctx, tx, practiceID, id)
	return a, c.warnings, err
}

// bookCourseSession books (or moves) the course session through the
// course's own rules and returns its row.
func bookCourseSession(ctx context.Context, tx *store.Tx, practiceID string, cl Attendee, at time.Time, by string, now time.Time, i int, ps *clinic.Problems) (string, error) {
	// The calendar has asked the gate already (check.all); RecordSession
	// asks it again in the same transaction, so no path books without it.
	_, _, err := course.RecordSession(ctx, tx, practiceID, cl.ClientID, cl.CourseID, cl.SessionNumber, course.Book, &at, by, now)
	if cp, ok := err.(clinic.Problems); ok {
		for _, p := range cp {
			*ps = append(*ps, clinic.FieldProblem{Field: clientField(i) + ".course", Message: p.Message})
		}
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return course.CurrentSessionID(ctx, tx, cl.CourseID, cl.SessionNumber)
}

// Change is a move of an appointment: a new start, and optionally a new
// end and room. End zero keeps the length.
type Change struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end,omitzero"`
	RoomID   string    `json:"room_id,omitempty"`
	Override string    `json:"override_reason,omitempty"`
}

// Move gives a booked appointment a new time (and room), checked like a
// new booking; a medicine session's course session moves with it. The old
// and new times go to the audit trail.
func Move(ctx context.Context, tx *store.Tx, practiceID, id string, m Change, by By, now time.Time) (*Appointment, []dosing.Warning, error) {
	if err := lockPractice(ctx, tx, practiceID); err != nil {
		return nil, nil, err
	}
	a, err := Load(ctx, tx, practiceID, id)
	if err != nil {
		return nil, nil, err
	}
	set, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	zone, err := Zone(ctx, tx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	var ps clinic.Problems
	if a.Status != Booked {
		ps.Add("status", "Only a booked appointment can be moved; this one is %s.", a.Status)
		return nil, nil, ps
	}
	if m.Start.IsZero() {
		ps.Add("start", "Give the new date and time.")
		return nil, nil, ps
	}
	if m.End.IsZero() {
		m.End = m.Start.Add(a.End.Sub(a.Start))
	}
	if !m.End.After(m.Start) {
		ps.Add("end", "The end must come after the start.")
		return nil, nil, ps
	}
	if m.End.Sub(m.Start) > MaxLength(a.Kind) {
		ps.Add("end", "An appointment of this type lasts at most %s; check the end.", hours(MaxLength(a.Kind)))
		return nil, nil, ps
	}
	if m.RoomID == "" {
		m.RoomID = a.RoomID
	}
	room := Room{ID: a.RoomID, Name: a.RoomName}
	if m.RoomID != a.RoomID {
		if room, err = loadRoom(ctx, tx, practiceID, m.RoomID); err == clinic.ErrNotFound || (err == nil && !room.Active) {
			ps.Add("room", "That room is not one of the practice's rooms in use.")
			return nil, nil, ps
		} else if err != nil {
			return nil, nil, err
		}
	}
	staffIDs := make([]string, len(a.Staff))
	staff := map[string]string{}
	for i, p := range a.Staff {
		staffIDs[i], staff[p.ID] = p.ID, p.Name
	}
	names := map[string]string{}
	for _, cl := range a.Clients {
		names[cl.ClientID] = cl.Name
	}
	c := check{tx: tx, practiceID: practiceID, zone: zone, staff: staff, clientNames: names, by: by, set: set}
	if err := c.all(ctx, a.ID, a.Kind, m.Start, m.End, m.RoomID, room.Name, staffIDs, a.Clients, strings.TrimSpace(m.Override), now, &ps); err != nil {
		return nil, nil, err
	}
	if len(ps) > 0 {
		return nil, c.warnings, ps
	}
	override := a.OverrideReason
	if c.outsideHours {
		override = strings.TrimSpace(m.Override)
	}
	var roomID any
	if m.RoomID != "" {
		roomID = m.RoomID
	}
	if err := exec(ctx, tx, `UPDATE appointment SET starts_at = ?, ends_at = ?, room_id = ?, override_reason = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		m.Start.UTC(), m.End.UTC(), roomID, override, by.StaffID, now.UTC(), a.ID); err != nil {
		return nil, nil, err
	}
	for i, cl := range a.Clients {
		if cl.CourseID == "" {
			continue
		}
		sid, err := bookCourseSession(ctx, tx, practiceID, cl, m.Start, by.StaffID, now, i, &ps)
		if err != nil {
			return nil, nil, err
		}
		if sid != "" && sid != cl.CourseSessionID {
			if err := exec(ctx, tx, `UPDATE appointment_client SET course_session_id = ? WHERE appointment_id = ? AND client_id = ?`, sid, a.ID, cl.ClientID); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(ps) > 0 {
		return nil, c.warnings, ps
	}
	reason := "moved from " + span(a.Start, a.End, zone) + where(a.RoomName) + " to " + span(m.Start, m.End, zone) + where(room.Name)
	if c.outsideHours {
		reason += "; outside working hours: " + override
	}
	if err := trail(ctx, tx, practiceID, a.ID, firstClient(a.Clients), "appointment.move", reason, by, now); err != nil {
		return nil, nil, err
	}
	a, err = Load(ctx, tx, practiceID, id)
	return a, c.warnings, err
}

// Cancel cancels a booked appointment with a reason; a medicine session's
// course session is marked cancelled with it.
func Cancel(ctx context.Context, tx *store.Tx, practiceID, id, reason string, by By, now time.Time) (*Appointment, error) {
	reason = strings.TrimSpace(reason)
	if _, err := Load(ctx, tx, practiceID, id); err != nil {
		return nil, err
	}
	var ps clinic.Problems
	if reason == "" {
		ps.Add("reason", "Say why the appointment is cancelled (for instance: the client asked to rebook, or is unwell).")
		return nil, ps
	}
	return setStatus(ctx, tx, practiceID, id, Cancelled, reason, by, now)
}

// Mark records a booked appointment as held or missed once its time has
// come; a medicine session's course session is marked the same.
func Mark(ctx context.Context, tx *store.Tx, practiceID, id string, st Status, by By, now time.Time) (*Appointment, error) {
	if _, err := Load(ctx, tx, practiceID, id); err != nil {
		return nil, err
	}
	if st != Held && st != Missed {
		return nil, clinic.Problems{{Field: "status", Message: "Mark the appointment held or missed."}}
	}
	return setStatus(ctx, tx, practiceID, id, st, "", by, now)
}

func setStatus(ctx context.Context, tx *store.Tx, practiceID, id string, st Status, reason string, by By, now time.Time) (*Appointment, error) {
	a, err := Load(ctx, tx, practiceID, id)
	if err != nil {
		return nil, err
	}
	var ps clinic.Problems
	if a.Status != Booked {
		ps.Add("status", "This appointment is already %s.", a.Status)
		return nil, ps
	}
	if (st == Held || st == Missed) && a.Start.After(now) {
		ps.Add("status", "This appointment is still to come; it can be marked %s once it has started.", st)
		return nil, ps
	}
	if err := exec(ctx, tx, `UPDATE appointment SET status = ?, cancel_reason = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		string(st), reason, by.StaffID, now.UTC(), a.ID); err != nil {
		return nil, err
	}
	for _, cl := range a.Clients {
		if cl.CourseSessionID == "" {
			continue
		}
		if _, err := course.SetSessionStatus(ctx, tx, cl.CourseSessionID, dosing.SessionStatus(st), by.StaffID, now); err != nil {
			return nil, err
		}
	}
	note := "marked " + string(st)
	if st == Cancelled {
		note = "cancelled: " + reason
	}
	if err := trail(ctx, tx, practiceID, a.ID, firstClient(a.Clients), "appointment."+string(st), note, by, now); err != nil {
		return nil, err
	}
	return Load(ctx, tx, practiceID, id)
}

// HistoryEntry is one change of an appointment as the trail recorded it.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	What   string    `json:"what"`
}

// History lists an appointment's bookings, moves, cancellation and marks
// from the audit trail, oldest first.
func History(ctx context.Context, tx *store.Tx, practiceID, id string) ([]HistoryEntry, error) {
	return store.All(ctx, tx, func(r store.Scanner) (h HistoryEntry, err error) {
		err = r.Scan(&h.At, &h.By, &h.Action, &h.What)
		return h, err
	}, `SELECT e.at, COALESCE(s.full_name, ''), e.action, e.reason FROM audit_event e LEFT JOIN staff s ON s.id = e.actor_id
		WHERE e.chain = ? AND e.record_type = 'appointment' AND e.record_id = ? AND e.action LIKE 'appointment.%' AND e.action <> 'appointment.manage'
		ORDER BY e.seq`, practiceID, id)
}

// lockPractice serialises bookings of one practice, so that two bookings
// racing for the same person or room cannot both pass the clash check.
// SQLite's single writer does this already; PostgreSQL locks the row.
func lockPractice(ctx context.Context, tx *store.Tx, practiceID string) error {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM practice WHERE id = ?`+tx.Dialect().LockForUpdate(), practiceID).Scan(&id)
	if err != nil {
		return fmt.Errorf("schedule: lock practice: %w", err)
	}
	return nil
}

func trail(ctx context.Context, tx *store.Tx, practiceID, id, clientID, action, reason string, by By, now time.Time) error {
	m := access.MetaFrom(ctx)
	kind := by.Kind
	if kind == "" {
		kind = access.StaffActor
	}
	_, err := audit.Append(ctx, tx, audit.Entry{Chain: practiceID, At: now, ActorKind: string(kind), ActorID: by.StaffID, Action: action,
		RecordType: "appointment", RecordID: id, ClientID: clientID, Outcome: audit.Allowed, Reason: reason,
		Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID})
	return err
}

func staffNames(ctx context.Context, tx *store.Tx, practiceID string, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		var name string
		var active bool
		err := tx.QueryRow(ctx, `SELECT full_name, active FROM staff WHERE id = ? AND practice_id = ?`, id, practiceID).Scan(&name, &active)
		if err == nil && active {
			out[id] = name
		} else if err != nil && !isNoRows(err) {
			return nil, err
		}
	}
	return out, nil
}

func clientField(i int) string { return "clients." + strconv.Itoa(i) }

func firstClient(cs []Attendee) string {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].ClientID
}

func where(room string) string {
	if room == "" {
		return ""
	}
	return " in " + room
}

func unique(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func hours(d time.Duration) string {
	if d >= 48*time.Hour {
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	}
	return strconv.Itoa(int(d/time.Hour)) + " hours"
}
