package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// Room is one of the practice's rooms.
type Room struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// Rooms lists the practice's rooms, active ones first, by name.
func Rooms(ctx context.Context, tx *store.Tx, practiceID string) ([]Room, error) {
	out, err := store.All(ctx, tx, func(r store.Scanner) (room Room, err error) {
		err = r.Scan(&room.ID, &room.Name, &room.Active)
		return room, err
	}, `SELECT id, name, active FROM room WHERE practice_id = ? ORDER BY name, id`, practiceID)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Active && !out[j].Active })
	return out, err
}

// AddRoom adds a room; the name must be new in the practice.
func AddRoom(ctx context.Context, tx *store.Tx, practiceID, name string, now time.Time) (Room, error) {
	name = strings.TrimSpace(name)
	if err := roomName(ctx, tx, practiceID, "", name); err != nil {
		return Room{}, err
	}
	r := Room{ID: store.NewID(), Name: name, Active: true}
	return r, exec(ctx, tx, `INSERT INTO room (id, practice_id, name, active, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, practiceID, r.Name, true, now.UTC())
}

// RenameRoom gives a room a new name.
func RenameRoom(ctx context.Context, tx *store.Tx, practiceID, id, name string) error {
	name = strings.TrimSpace(name)
	if _, err := loadRoom(ctx, tx, practiceID, id); err != nil {
		return err
	}
	if err := roomName(ctx, tx, practiceID, id, name); err != nil {
		return err
	}
	return exec(ctx, tx, `UPDATE room SET name = ? WHERE id = ?`, name, id)
}

// SetRoomActive retires a room (or brings it back). A retired room keeps
// its appointments; booked ones still in the future are named so that
// someone moves them.
func SetRoomActive(ctx context.Context, tx *store.Tx, practiceID, id string, active bool, now time.Time) (stillBooked int, err error) {
	if _, err := loadRoom(ctx, tx, practiceID, id); err != nil {
		return 0, err
	}
	if err := exec(ctx, tx, `UPDATE room SET active = ? WHERE id = ?`, active, id); err != nil {
		return 0, err
	}
	if active {
		return 0, nil
	}
	err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM appointment WHERE room_id = ? AND status = ? AND ends_at > ?`,
		id, string(Booked), now.UTC()).Scan(&stillBooked)
	return stillBooked, err
}

// LoadRoom reads one room of the practice.
func LoadRoom(ctx context.Context, tx *store.Tx, practiceID, id string) (Room, error) {
	return loadRoom(ctx, tx, practiceID, id)
}

func loadRoom(ctx context.Context, tx *store.Tx, practiceID, id string) (Room, error) {
	var r Room
	err := tx.QueryRow(ctx, `SELECT id, name, active FROM room WHERE id = ? AND practice_id = ?`, id, practiceID).Scan(&r.ID, &r.Name, &r.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return r, clinic.ErrNotFound
	}
	return r, err
}

func roomName(ctx context.Context, tx *store.Tx, practiceID, id, name string) error {
	var ps clinic.Problems
	switch {
	case name == "":
		ps.Add("name", "Give the room a name, such as Cedar room.")
	case len(name) > 80:
		ps.Add("name", "Keep the room's name under 80 characters.")
	default:
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM room WHERE practice_id = ? AND LOWER(name) = LOWER(?) AND id <> ?`,
			practiceID, name, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			ps.Add("name", "There is already a room called %s; choose another name.", name)
		}
	}
	return ps.Err()
}

// Span is one stretch of working hours on a weekday, in minutes after
// midnight in the practice's zone.
type Span struct {
	Weekday time.Weekday `json:"weekday"`
	Start   int          `json:"start_minute"`
	End     int          `json:"end_minute"`
}

// String reads "09:00–17:00".
func (s Span) String() string { return clock(s.Start) + "–" + clock(s.End) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseClock reads "09:30" as minutes after midnight; "24:00" is the end of
// the day.
func ParseClock(v string) (int, bool) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d:%d", &h, &m); err != nil {
		return 0, false
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Availability lists a staff member's weekly hours by weekday and time.
func Availability(ctx context.Context, tx *store.Tx, practiceID, staffID string) ([]Span, error) {
	return store.All(ctx, tx, func(r store.Scanner) (s Span, err error) {
		var wd int
		err = r.Scan(&wd, &s.Start, &s.End)
		s.Weekday = time.Weekday(wd)
		return s, err
	}, `SELECT weekday, start_minute, end_minute FROM staff_availability
		WHERE practice_id = ? AND staff_id = ? ORDER BY weekday, start_minute`, practiceID, staffID)
}

// SpanField names the form field of a span: "day.1.0" is the first span
// of Monday.
func SpanField(d time.Weekday, i int) string { return fmt.Sprintf("day.%d.%d", d, i) }

// SetAvailability replaces a staff member's weekly hours. Spans of one day
// must not overlap; each problem is on the span's field.
func SetAvailability(ctx context.Context, tx *store.Tx, practiceID, staffID string, spans []Span, fields []string) error {
	var ps clinic.Problems
	field := func(i int) string {
		if i < len(fields) {
			return fields[i]
		}
		return SpanField(spans[i].Weekday, i)
	}
	for i, s := range spans {
		if s.Weekday < time.Sunday || s.Weekday > time.Saturday || s.Start < 0 || s.End > 24*60 || s.Start >= s.End {
			ps.Add(field(i), "A span of working hours starts before it ends, within one day, such as 09:00 to 17:00.")
			continue
		}
		for j := range i {
			o := spans[j]
			if o.Weekday == s.Weekday && s.Start < o.End && o.Start < s.End {
				ps.Add(field(i), "%s overlaps %s on %s; make them one span or move one.", s, o, s.Weekday)
			}
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff WHERE id = ? AND practice_id = ?`, staffID, practiceID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return clinic.ErrNotFound
	}
	if err := ps.Err(); err != nil {
		return err
	}
	if err := exec(ctx, tx, `DELETE FROM staff_availability WHERE staff_id = ? AND practice_id = ?`, staffID, practiceID); err != nil {
		return err
	}
	for _, s := range spans {
		if err := exec(ctx, tx, `INSERT INTO staff_availability (id, practice_id, staff_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?, ?, ?)`,
			store.NewID(), practiceID, staffID, int(s.Weekday), s.Start, s.End); err != nil {
			return err
		}
	}
	return nil
}

// within reports whether [from, to) lies inside one of the spans, read in
// zone. An appointment that crosses midnight never does.
func within(spans []Span, from, to time.Time, zone *time.Location) bool {
	f, t := from.In(zone), to.In(zone)
	if f.Year() != t.Year() || f.YearDay() != t.YearDay() {
		if !(t.Hour() == 0 && t.Minute() == 0 && t.Sub(f) <= 24*time.Hour) {
			return false
		}
	}
	// Wall-clock minutes, so that hours still read right on the day the
	// clocks change.
	start := f.Hour()*60 + f.Minute()
	end := t.Hour()*60 + t.Minute()
	if end <= start {
		end = 24 * 60
	}
	for _, s := range spans {
		if s.Weekday == f.Weekday() && s.Start <= start && end <= s.End {
			return true
		}
	}
	return false
}

// hoursOn writes a staff member's hours of one weekday for a refusal.
func hoursOn(spans []Span, d time.Weekday) string {
	var parts []string
	for _, s := range spans {
		if s.Weekday == d {
			parts = append(parts, s.String())
		}
	}
	if len(parts) == 0 {
		return "no hours on " + d.String() + "s"
	}
	return strings.Join(parts, " and ") + " on " + d.String() + "s"
}
