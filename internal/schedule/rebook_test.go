package schedule_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// Booking a medicine session whose session is already booked on the
// calendar moves that appointment: one course session, one appointment.
// A group cannot take the session over; it is refused naming the holder.
func TestBookingABookedSessionMovesItsAppointment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		alex4 := []schedule.Attendee{{ClientID: p.alex, CourseID: p.alexCourse, SessionNumber: 4}}
		first, err := p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 25, 9, 30), RoomID: p.cedar,
			StaffIDs: []string{p.sam}, Clients: alex4}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		var holder *schedule.Appointment
		db.Read(ctx, func(tx *store.Tx) error {
			holder, err = schedule.Holder(ctx, tx, p.id, p.alexCourse, 4)
			return err
		})
		if err != nil || holder == nil || holder.ID != first.ID {
			t.Fatalf("Holder = %v, %v; want %s", holder, err, first.ID)
		}
		second, err := p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 26, 10, 0), RoomID: p.willow,
			StaffIDs: []string{p.sam, p.jordan}, Clients: alex4}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID {
			t.Fatalf("a second appointment %s was made; want %s moved", second.ID, first.ID)
		}
		if !second.Start.Equal(p.at(2026, 11, 26, 10, 0)) || second.RoomID != p.willow || len(second.Staff) != 2 {
			t.Errorf("moved appointment %+v", second)
		}
		var pointing, booked int
		db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment_client x JOIN appointment a ON a.id = x.appointment_id
				WHERE x.course_id = ? AND x.session_number = 4 AND a.status = 'booked'`, p.alexCourse).Scan(&pointing); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM course_session WHERE course_id = ? AND session_number = 4 AND status = 'booked'`, p.alexCourse).Scan(&booked)
		})
		if pointing != 1 || booked != 1 {
			t.Errorf("%d booked appointments and %d booked rows for session 4; want 1 and 1", pointing, booked)
		}
		var hist []schedule.HistoryEntry
		db.Read(ctx, func(tx *store.Tx) error {
			hist, err = schedule.History(ctx, tx, p.id, first.ID)
			return err
		})
		if len(hist) != 2 || !strings.Contains(hist[1].What, "moved from Wed 25 Nov 09:30–12:00 in Cedar room (test) to Thu 26 Nov 10:00–12:30 in Willow room (test)") {
			t.Errorf("history %+v", hist)
		}
		// The moved appointment does not clash with its own old time.
		if _, err := p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 26, 11, 0), RoomID: p.willow,
			StaffIDs: []string{p.sam}, Clients: alex4}, p.asSam()); err != nil {
			t.Errorf("moving by half an hour clashed with itself: %v", err)
		}
		// A group naming the same session is refused, naming the appointment.
		_, err = p.book(t, schedule.Booking{Kind: schedule.GroupSession, Title: "Medicine circle", Start: p.at(2026, 12, 1, 9, 0), RoomID: p.cedar,
			StaffIDs: []string{p.sam, p.elena}, Clients: alex4}, p.admin())
		if !has(problems(t, err), "clients.0.course", "Session 4 of this course is already booked in Medicine session, Thu 26 Nov 11:00–13:30 in Willow room (test)") {
			t.Errorf("group over a booked session: %v", err)
		}
		// Once cancelled, the session books a new appointment again.
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := schedule.Cancel(ctx, tx, p.id, first.ID, "Rebooking.", p.asSam(), p.now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		third, err := p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: p.at(2026, 11, 27, 10, 0), RoomID: p.cedar,
			StaffIDs: []string{p.sam}, Clients: alex4}, p.asSam())
		if err != nil {
			t.Fatal(err)
		}
		if third.ID == first.ID {
			t.Errorf("a cancelled appointment was brought back; want a new one")
		}
	})
}

// KAP.md §1 Session and course: "touch-up sessions may follow months
// later" after a completed course. The gate lets a touch-up of a completed
// course through and still refuses its ordinary sessions.
func TestTheGateForTouchUps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		complete := `UPDATE course SET status = 'completed', completed_at = starts_on WHERE id = ?`
		touchUp := `INSERT INTO course_dose (id, practice_id, client_id, course_id, session_number, planned_mg, touch_up, created_by, created_at)
			SELECT '` + store.NewID() + `', practice_id, client_id, id, 7, 100, ?, created_by, created_at FROM course WHERE id = ?`
		later := p.at(2027, 3, 2, 10, 0) // months after the course
		cases := []struct {
			name     string
			complete bool
			touchUp  bool
			n        int
			at       string
			rules    []dosing.Rule
			says     string
		}{
			{name: "completed course, touch-up session: passes", complete: true, touchUp: true, n: 7},
			{name: "completed course, ordinary session: refused", complete: true, touchUp: true, n: 4,
				rules: []dosing.Rule{dosing.RuleCourseNotActive}, says: "The course is completed"},
			{name: "completed course, no touch-up planned: refused", complete: true, n: 7,
				rules: []dosing.Rule{dosing.RuleSessionCount}, says: "a prescriber can plan a touch-up"},
			{name: "active course, ordinary session: passes", n: 4},
			{name: "touch-up too close to a held session: spacing still holds", complete: true, touchUp: true, n: 7, at: "close",
				rules: []dosing.Rule{dosing.RuleSpacing}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := p.gate(t, func(tx *store.Tx) error {
					if c.complete {
						if _, err := tx.Exec(ctx, complete, p.alexCourse); err != nil {
							return err
						}
					}
					if c.touchUp {
						if _, err := tx.Exec(ctx, touchUp, true, p.alexCourse); err != nil {
							return err
						}
					}
					if c.at == "close" {
						var last string
						if err := tx.QueryRow(ctx, `SELECT id FROM course_session WHERE course_id = ? AND status = 'held' ORDER BY scheduled_at DESC LIMIT 1`, p.alexCourse).Scan(&last); err != nil {
							return err
						}
						if _, err := tx.Exec(ctx, `UPDATE course_session SET scheduled_at = ? WHERE id = ?`, later.Add(-2*time.Hour), last); err != nil {
							return err
						}
					}
					return nil
				}, p.alex, p.alexCourse, c.n, later)
				wantRefusals(t, res, c.rules, c.says)
				for _, w := range res.Warnings {
					if c.touchUp && c.n == 7 && w.Rule == dosing.RuleOutsideCourseWindow {
						t.Errorf("a touch-up is warned about the course window: %s", w.Message)
					}
				}
			})
		}
		// Booked end to end: the touch-up books its course session; an
		// ordinary session of the completed course is refused.
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, complete, p.alexCourse); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, touchUp, true, p.alexCourse)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a, err := p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: later, RoomID: p.cedar, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex, CourseID: p.alexCourse, SessionNumber: 7}}}, p.asSam())
		if err != nil {
			t.Fatalf("booking the touch-up: %v", err)
		}
		if a.Clients[0].CourseSessionID == "" {
			t.Errorf("the touch-up booked no course session")
		}
		_, err = p.book(t, schedule.Booking{Kind: schedule.MedicineSession, Start: later.AddDate(0, 0, 7), RoomID: p.cedar, StaffIDs: []string{p.sam},
			Clients: []schedule.Attendee{{ClientID: p.alex, CourseID: p.alexCourse, SessionNumber: 5}}}, p.asSam())
		if !has(problems(t, err), "gate.0.course_not_active", "The course is completed") {
			t.Errorf("an ordinary session of a completed course: %v", err)
		}
	})
}
