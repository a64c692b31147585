package schedule

import (
	"context"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// One course session is booked by at most one appointment. Booking a
// medicine session whose session is already booked on the calendar moves
// that appointment (its time, room, clinicians and title) instead of
// adding a second one; a group cannot take over a session another
// appointment holds, and is refused naming it.

// Holder is the booked appointment that holds session n of a course, nil
// when the session is not booked on the calendar (not booked at all, held,
// or booked from the course page with a bare time).
func Holder(ctx context.Context, tx *store.Tx, practiceID, courseID string, n int) (*Appointment, error) {
	sid, err := course.CurrentSessionID(ctx, tx, courseID, n)
	if err != nil || sid == "" {
		return nil, err
	}
	var id string
	err = tx.QueryRow(ctx, `SELECT a.id FROM appointment_client x JOIN appointment a ON a.id = x.appointment_id
		JOIN course_session cs ON cs.id = x.course_session_id
		WHERE x.course_session_id = ? AND a.practice_id = ? AND a.status = ? AND cs.status = ?
		ORDER BY a.created_at DESC, a.id LIMIT 1`, sid, practiceID, string(Booked), string(dosing.SessionBooked)).Scan(&id)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Load(ctx, tx, practiceID, id)
}

// holders finds, for each medicine client of a booking, the appointment
// already holding their session. A medicine session of one client may
// move its holder (returned); anything else is a problem naming it.
func holders(ctx context.Context, tx *store.Tx, practiceID string, b Booking, zone *time.Location, ps *clinic.Problems) (*Appointment, error) {
	var moving *Appointment
	for i, cl := range b.Clients {
		if cl.CourseID == "" {
			continue
		}
		h, err := Holder(ctx, tx, practiceID, cl.CourseID, cl.SessionNumber)
		if err != nil {
			return nil, err
		}
		if h == nil {
			continue
		}
		if b.Kind == MedicineSession && h.Kind == MedicineSession {
			moving = h
			continue
		}
		ps.Add(clientField(i)+".course", "Session %d of this course is already booked in %s, %s%s; move or cancel that appointment first.",
			cl.SessionNumber, h.Label(), span(h.Start, h.End, zone), where(h.RoomName))
	}
	return moving, nil
}

// rebook moves appointment a to the booking b, already checked with a as
// self: new time, room, clinicians and title, the course session with it.
// The old and new times go to the trail as a move.
func rebook(ctx context.Context, tx *store.Tx, practiceID string, a *Appointment, b Booking, override string, by By, now time.Time, zone *time.Location, roomName string, ps *clinic.Problems) (*Appointment, error) {
	var roomID any
	if b.RoomID != "" {
		roomID = b.RoomID
	}
	title := b.Title
	if err := exec(ctx, tx, `UPDATE appointment SET title = ?, starts_at = ?, ends_at = ?, room_id = ?, override_reason = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		title, b.Start.UTC(), b.End.UTC(), roomID, override, by.StaffID, now.UTC(), a.ID); err != nil {
		return nil, err
	}
	if err := exec(ctx, tx, `DELETE FROM appointment_staff WHERE appointment_id = ?`, a.ID); err != nil {
		return nil, err
	}
	for _, s := range b.StaffIDs {
		if err := exec(ctx, tx, `INSERT INTO appointment_staff (appointment_id, practice_id, staff_id) VALUES (?, ?, ?)`, a.ID, practiceID, s); err != nil {
			return nil, err
		}
	}
	cl := b.Clients[0]
	sid, err := bookCourseSession(ctx, tx, practiceID, cl, b.Start, by.StaffID, now, 0, ps)
	if err != nil || len(*ps) > 0 {
		return nil, err
	}
	if err := exec(ctx, tx, `UPDATE appointment_client SET course_session_id = ? WHERE appointment_id = ? AND client_id = ?`, sid, a.ID, cl.ClientID); err != nil {
		return nil, err
	}
	reason := "moved from " + span(a.Start, a.End, zone) + where(a.RoomName) + " to " + span(b.Start, b.End, zone) + where(roomName) +
		" (booked again from the booking form)"
	if override != "" {
		reason += "; outside working hours: " + override
	}
	if err := trail(ctx, tx, practiceID, a.ID, cl.ClientID, "appointment.move", reason, by, now); err != nil {
		return nil, err
	}
	return Load(ctx, tx, practiceID, a.ID)
}
