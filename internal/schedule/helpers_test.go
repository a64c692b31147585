package schedule_test

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/demo"
	"holdspace/internal/demo/demotest"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// practice is the demo practice with its ids, cleared of any appointment
// and booked course session, so each test books on an empty calendar.
type practice struct {
	db                            *store.DB
	id                            string
	zone                          *time.Location
	now                           time.Time
	owner, rx, sam, elena, jordan string
	alex, jamie, robert, maya     string
	alexCourse                    string
	cedar, willow                 string
}

// testNow is a Monday afternoon in New York.
var testNow = time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)

func newPractice(t *testing.T, db *store.DB) *practice {
	t.Helper()
	ctx := context.Background()
	demotest.LoadAt(t, db, testNow)
	p := &practice{db: db, now: testNow}
	p.zone, _ = time.LoadLocation("America/New_York")
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT id FROM practice WHERE slug = ?`, demo.PracticeSlug).Scan(&p.id); err != nil {
			return err
		}
		for email, dst := range map[string]*string{"owner@stillwater.example": &p.owner, "prescriber@stillwater.example": &p.rx,
			"therapist@stillwater.example": &p.sam, "therapist2@stillwater.example": &p.elena, "monitor@stillwater.example": &p.jordan} {
			if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, email).Scan(dst); err != nil {
				return err
			}
		}
		for email, dst := range map[string]*string{"alex@client.example": &p.alex, "jamie@client.example": &p.jamie,
			"rob@client.example": &p.robert, "maya@client.example": &p.maya} {
			if err := tx.QueryRow(ctx, `SELECT id FROM client WHERE email = ?`, email).Scan(dst); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, p.alex).Scan(&p.alexCourse); err != nil {
			return err
		}
		// Whatever the demo booked, the tests start from an empty calendar.
		for _, q := range []string{`UPDATE appointment SET status = 'cancelled'`, `UPDATE course_session SET status = 'cancelled' WHERE status = 'booked'`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		cedar, err := schedule.AddRoom(ctx, tx, p.id, "Cedar room (test)", testNow)
		if err != nil {
			return err
		}
		willow, err := schedule.AddRoom(ctx, tx, p.id, "Willow room (test)", testNow)
		if err != nil {
			return err
		}
		p.cedar, p.willow = cedar.ID, willow.ID
		week := func() []schedule.Span {
			var out []schedule.Span
			for d := time.Sunday; d <= time.Saturday; d++ {
				out = append(out, schedule.Span{Weekday: d, Start: 8 * 60, End: 18 * 60})
			}
			return out
		}
		for _, s := range []string{p.rx, p.sam, p.elena, p.jordan} {
			if err := schedule.SetAvailability(ctx, tx, p.id, s, week(), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// at is a wall-clock time in the practice's zone.
func (p *practice) at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, p.zone)
}

// book books in its own transaction as the given staff member.
func (p *practice) book(t *testing.T, b schedule.Booking, by schedule.By) (*schedule.Appointment, error) {
	t.Helper()
	var a *schedule.Appointment
	err := p.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		a, _, err = schedule.Book(context.Background(), tx, p.id, b, by, p.now)
		return err
	})
	return a, err
}

func (p *practice) admin() schedule.By { return schedule.By{StaffID: p.owner, Admin: true} }
func (p *practice) asSam() schedule.By { return schedule.By{StaffID: p.sam} }
