package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// check runs the rules a booking or a move must pass, inside the locked
// transaction: no clash for a clinician, a client or the room; within each
// clinician's hours; enough clinicians for a group; and the dosing gate
// for each medicine session.
type check struct {
	tx          *store.Tx
	practiceID  string
	zone        *time.Location
	staff       map[string]string // id → name
	clientNames map[string]string
	by          By
	set         Settings

	warnings     []dosing.Warning
	outsideHours bool
}

func (c *check) all(ctx context.Context, self string, kind Kind, start, end time.Time, roomID, roomName string, staffIDs []string, clients []Attendee, override string, now time.Time, ps *clinic.Problems) error {
	for _, id := range staffIDs {
		msg, err := c.clash(ctx, `EXISTS (SELECT 1 FROM appointment_staff x WHERE x.appointment_id = a.id AND x.staff_id = ?)`, id, self, start, end)
		if err != nil {
			return err
		}
		if msg != nil {
			ps.Add("staff", "%s %s.", c.staff[id], msg.forStaff())
		}
	}
	for i, cl := range clients {
		msg, err := c.clash(ctx, `EXISTS (SELECT 1 FROM appointment_client x WHERE x.appointment_id = a.id AND x.client_id = ?)`, cl.ClientID, self, start, end)
		if err != nil {
			return err
		}
		if msg != nil {
			ps.Add(clientField(i), "%s already has an appointment %s.", c.clientNames[cl.ClientID], msg.when())
		}
	}
	if roomID != "" {
		msg, err := c.clash(ctx, `a.room_id = ?`, roomID, self, start, end)
		if err != nil {
			return err
		}
		if msg != nil {
			ps.Add("room", "%s is in use %s (%s).", roomName, msg.span, msg.kind.Label())
		}
	}
	if err := c.hours(ctx, staffIDs, start, end, override, ps); err != nil {
		return err
	}
	if kind == GroupSession {
		if need := needed(len(clients), c.set.ClientsPerClinician); len(staffIDs) < need {
			ps.Add("staff", "A group of %d clients needs at least %d clinicians present (the practice's setting: at most %d clients per clinician); %d %s booked.",
				len(clients), need, c.set.ClientsPerClinician, len(staffIDs), plural(len(staffIDs), "is", "are"))
		}
	}
	if err := c.careTeams(ctx, staffIDs, clients, ps); err != nil {
		return err
	}
	for i, cl := range clients {
		if cl.CourseID == "" {
			continue
		}
		res, err := MedicineGate(ctx, c.tx, c.practiceID, cl.ClientID, cl.CourseID, cl.SessionNumber, start, now)
		if errors.Is(err, clinic.ErrNotFound) {
			ps.Add(clientField(i)+".course", "There is no such course for this client.")
			continue
		}
		if err != nil {
			return err
		}
		for _, r := range res.Refusals {
			msg := r.Message
			if kind == GroupSession {
				msg = c.clientNames[cl.ClientID] + ": " + msg
			}
			*ps = append(*ps, clinic.FieldProblem{Field: "gate." + strconv.Itoa(i) + "." + string(r.Rule), Message: msg})
		}
		for _, w := range res.Warnings {
			if kind == GroupSession {
				w.Message = c.clientNames[cl.ClientID] + ": " + w.Message
			}
			c.warnings = append(c.warnings, w)
		}
	}
	return nil
}

// clashInfo is the other appointment in the way.
type clashInfo struct {
	kind    Kind
	span    string
	room    string
	clients int
}

func (m *clashInfo) when() string { return m.span + where(m.room) }

func (m *clashInfo) forStaff() string {
	switch {
	case m.clients == 0:
		return fmt.Sprintf("is booked %s (%s, no client)", m.when(), m.kind.Label())
	case m.kind == GroupSession:
		return "is in a group session " + m.when()
	}
	return "is with another client " + m.when()
}

// clash finds a booked or held appointment other than self that overlaps
// [start, end) and matches cond (with its one argument).
func (c *check) clash(ctx context.Context, cond, arg, self string, start, end time.Time) (*clashInfo, error) {
	var kind, room string
	var from, to time.Time
	var n int
	err := c.tx.QueryRow(ctx, `SELECT a.kind, a.starts_at, a.ends_at, COALESCE(r.name, ''),
		(SELECT COUNT(*) FROM appointment_client y WHERE y.appointment_id = a.id)
		FROM appointment a LEFT JOIN room r ON r.id = a.room_id
		WHERE a.practice_id = ? AND a.status IN (?, ?) AND a.starts_at < ? AND a.ends_at > ? AND a.id <> ? AND `+cond+`
		ORDER BY a.starts_at LIMIT 1`,
		c.practiceID, string(Booked), string(Held), end.UTC(), start.UTC(), self, arg).Scan(&kind, &from, &to, &room, &n)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &clashInfo{kind: Kind(kind), span: span(from, to, c.zone), room: room, clients: n}, nil
}

// hours refuses a booking outside a clinician's weekly hours, showing
// them; an administrator may book anyway with a reason. A retreat over
// several days is not held to daily hours.
func (c *check) hours(ctx context.Context, staffIDs []string, start, end time.Time, override string, ps *clinic.Problems) error {
	if end.Sub(start) > 24*time.Hour {
		return nil
	}
	var outside []string
	for _, id := range staffIDs {
		spans, err := Availability(ctx, c.tx, c.practiceID, id)
		if err != nil {
			return err
		}
		if within(spans, start, end, c.zone) {
			continue
		}
		day := start.In(c.zone).Weekday()
		if len(spans) == 0 {
			outside = append(outside, c.staff[id]+" has no working hours recorded")
		} else {
			outside = append(outside, fmt.Sprintf("%s works %s", c.staff[id], hoursOn(spans, day)))
		}
	}
	if len(outside) == 0 {
		return nil
	}
	c.outsideHours = true
	if c.by.Admin && override != "" {
		return nil
	}
	msg := fmt.Sprintf("%s is outside working hours: %s.", span(start, end, c.zone), joinAnd(outside))
	if c.by.Admin {
		msg += " As an administrator you may book it anyway: give the reason under “Reason to book outside working hours”."
	} else {
		msg += " Choose another time, or ask a practice administrator, who may book outside working hours with a reason."
	}
	ps.Add("start", "%s", msg)
	return nil
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := ""
	for i, x := range s[:len(s)-1] {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out + "; and " + s[len(s)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// careTeams refuses a clinician booked on a medicine session who is not on
// the client's care team: they could not open the session record they are
// booked to keep (found: a clinician booked on a session was refused its
// record). The refusal says who can put them on the team.
func (c *check) careTeams(ctx context.Context, staffIDs []string, clients []Attendee, ps *clinic.Problems) error {
	for i, cl := range clients {
		if cl.CourseID == "" {
			continue
		}
		for _, id := range staffIDs {
			var on int
			if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND staff_id = ?`, cl.ClientID, id).Scan(&on); err != nil {
				return err
			}
			if on == 0 {
				ps.Add(clientField(i)+".care_team", "%s is not on %s's care team, so could not open the session record. An owner or administrator adds them on the chart (Care team) first, or choose a clinician on the team.",
					c.staff[id], c.clientNames[cl.ClientID])
			}
		}
	}
	return nil
}
