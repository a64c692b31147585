package schedule

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// Person is a staff member named on an appointment.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Attendee is a client of an appointment. For a medicine session it names
// the course and session number it books, and the course_session row.
type Attendee struct {
	ClientID        string `json:"client_id"`
	Name            string `json:"name,omitempty"`
	CourseID        string `json:"course_id,omitempty"`
	SessionNumber   int    `json:"session_number,omitempty"`
	CourseSessionID string `json:"course_session_id,omitempty"`
	// Hidden: the viewer is not on this client's care team, so the name
	// (and the link) are withheld.
	Hidden bool `json:"hidden,omitempty"`
}

// Appointment is one booking on the calendar.
type Appointment struct {
	ID             string     `json:"id"`
	Kind           Kind       `json:"kind"`
	Title          string     `json:"title,omitempty"`
	Start          time.Time  `json:"start"`
	End            time.Time  `json:"end"`
	RoomID         string     `json:"room_id,omitempty"`
	RoomName       string     `json:"room_name,omitempty"`
	Status         Status     `json:"status"`
	CancelReason   string     `json:"cancel_reason,omitempty"`
	OverrideReason string     `json:"override_reason,omitempty"`
	Staff          []Person   `json:"staff"`
	Clients        []Attendee `json:"clients"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Label is what the appointment is, in words.
func (a Appointment) Label() string {
	if a.Title != "" {
		return a.Kind.Label() + ": " + a.Title
	}
	return a.Kind.Label()
}

// StaffNames lists the clinicians, comma-separated.
func (a Appointment) StaffNames() string {
	names := make([]string, len(a.Staff))
	for i, p := range a.Staff {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// HasStaff reports whether staffID is one of the clinicians.
func (a Appointment) HasStaff(staffID string) bool {
	for _, p := range a.Staff {
		if p.ID == staffID {
			return true
		}
	}
	return false
}

// ClientIDs lists the clients' ids.
func (a Appointment) ClientIDs() []string {
	out := make([]string, len(a.Clients))
	for i, c := range a.Clients {
		out[i] = c.ClientID
	}
	return out
}

// Redact withholds the names of clients the viewer may not see: only an
// administrator or a member of the client's care team sees a name.
func (a *Appointment) Redact(admin bool, team map[string]bool) {
	if admin {
		return
	}
	for i := range a.Clients {
		if !team[a.Clients[i].ClientID] {
			a.Clients[i].Name, a.Clients[i].Hidden = "", true
			a.Clients[i].CourseID, a.Clients[i].CourseSessionID, a.Clients[i].SessionNumber = "", "", 0
		}
	}
}

// Filter chooses appointments for the calendar, the API and the portal.
// Appointments overlapping [From, To) are listed; zero times leave that
// end open.
type Filter struct {
	PracticeID       string
	From, To         time.Time
	StaffID          string
	RoomID           string
	ClientID         string
	IncludeCancelled bool
}

const appointmentColumns = `a.id, a.kind, a.title, a.starts_at, a.ends_at, COALESCE(a.room_id, ''), COALESCE(r.name, ''), a.status,
	a.cancel_reason, a.override_reason, COALESCE(s.full_name, ''), a.created_at, a.updated_at`

func scanAppointment(row interface{ Scan(...any) error }) (Appointment, error) {
	var a Appointment
	var kind, status string
	err := row.Scan(&a.ID, &kind, &a.Title, &a.Start, &a.End, &a.RoomID, &a.RoomName, &status, &a.CancelReason, &a.OverrideReason,
		&a.CreatedBy, &a.CreatedAt, &a.UpdatedAt)
	a.Kind, a.Status = Kind(kind), Status(status)
	return a, err
}

// List lists appointments by start time, with their clinicians and clients.
func List(ctx context.Context, tx *store.Tx, f Filter) ([]Appointment, error) {
	q := `SELECT ` + appointmentColumns + ` FROM appointment a LEFT JOIN room r ON r.id = a.room_id LEFT JOIN staff s ON s.id = a.created_by
		WHERE a.practice_id = ?`
	args := []any{f.PracticeID}
	if !f.From.IsZero() {
		q += ` AND a.ends_at > ?`
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += ` AND a.starts_at < ?`
		args = append(args, f.To.UTC())
	}
	if f.StaffID != "" {
		q += ` AND EXISTS (SELECT 1 FROM appointment_staff x WHERE x.appointment_id = a.id AND x.staff_id = ?)`
		args = append(args, f.StaffID)
	}
	if f.ClientID != "" {
		q += ` AND EXISTS (SELECT 1 FROM appointment_client x WHERE x.appointment_id = a.id AND x.client_id = ?)`
		args = append(args, f.ClientID)
	}
	if f.RoomID != "" {
		q += ` AND a.room_id = ?`
		args = append(args, f.RoomID)
	}
	if !f.IncludeCancelled {
		q += ` AND a.status <> ?`
		args = append(args, string(Cancelled))
	}
	out, err := store.All(ctx, tx, scanAppointment, q+` ORDER BY a.starts_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	return out, fillAll(ctx, tx, out)
}

// fillAll reads the clinicians and clients of a list in two queries (a
// week of the calendar would otherwise cost two per appointment), in
// batches that stay under every database's limit on parameters.
func fillAll(ctx context.Context, tx *store.Tx, list []Appointment) error {
	const batch = 200
	index := map[string]*Appointment{}
	for i := range list {
		list[i].Staff, list[i].Clients = []Person{}, []Attendee{}
		index[list[i].ID] = &list[i]
	}
	for from := 0; from < len(list); from += batch {
		part := list[from:min(from+batch, len(list))]
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		args := make([]any, len(part))
		for i, a := range part {
			args[i] = a.ID
		}
		rows, err := tx.Query(ctx, `SELECT x.appointment_id, s.id, s.full_name FROM appointment_staff x JOIN staff s ON s.id = x.staff_id
			WHERE x.appointment_id IN (`+marks+`) ORDER BY s.full_name, s.id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var p Person
			if err := rows.Scan(&id, &p.ID, &p.Name); err != nil {
				rows.Close()
				return err
			}
			index[id].Staff = append(index[id].Staff, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT x.appointment_id, x.client_id, c.legal_name, c.preferred_name, COALESCE(x.course_id, ''), COALESCE(x.session_number, 0),
			COALESCE(x.course_session_id, '') FROM appointment_client x JOIN client c ON c.id = x.client_id
			WHERE x.appointment_id IN (`+marks+`) ORDER BY c.legal_name, c.id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, legal, preferred string
			var at Attendee
			if err := rows.Scan(&id, &at.ClientID, &legal, &preferred, &at.CourseID, &at.SessionNumber, &at.CourseSessionID); err != nil {
				rows.Close()
				return err
			}
			at.Name = clinic.Client{LegalName: legal, PreferredName: preferred}.Name()
			index[id].Clients = append(index[id].Clients, at)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Load reads one appointment of the practice.
func Load(ctx context.Context, tx *store.Tx, practiceID, id string) (*Appointment, error) {
	row := tx.QueryRow(ctx, `SELECT `+appointmentColumns+` FROM appointment a LEFT JOIN room r ON r.id = a.room_id
		LEFT JOIN staff s ON s.id = a.created_by WHERE a.id = ? AND a.practice_id = ?`, id, practiceID)
	a, err := scanAppointment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, clinic.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &a, a.fill(ctx, tx)
}

// ClientsOf lists the client ids of an appointment of the practice, for
// the access decision before the appointment itself is read.
func ClientsOf(ctx context.Context, tx *store.Tx, practiceID, id string) ([]string, error) {
	return tx.Strings(ctx, `SELECT c.client_id FROM appointment_client c JOIN appointment a ON a.id = c.appointment_id
		WHERE a.id = ? AND a.practice_id = ? ORDER BY c.client_id`, id, practiceID)
}

func (a *Appointment) fill(ctx context.Context, tx *store.Tx) error {
	staff, err := store.All(ctx, tx, func(r store.Scanner) (p Person, err error) {
		err = r.Scan(&p.ID, &p.Name)
		return p, err
	}, `SELECT s.id, s.full_name FROM appointment_staff x JOIN staff s ON s.id = x.staff_id
		WHERE x.appointment_id = ? ORDER BY s.full_name, s.id`, a.ID)
	if err != nil {
		return err
	}
	a.Staff = append([]Person{}, staff...)
	clients, err := store.All(ctx, tx, func(r store.Scanner) (at Attendee, err error) {
		var legal, preferred string
		err = r.Scan(&at.ClientID, &legal, &preferred, &at.CourseID, &at.SessionNumber, &at.CourseSessionID)
		at.Name = clinic.Client{LegalName: legal, PreferredName: preferred}.Name()
		return at, err
	}, `SELECT x.client_id, c.legal_name, c.preferred_name, COALESCE(x.course_id, ''), COALESCE(x.session_number, 0),
		COALESCE(x.course_session_id, '') FROM appointment_client x JOIN client c ON c.id = x.client_id
		WHERE x.appointment_id = ? ORDER BY c.legal_name, c.id`, a.ID)
	a.Clients = append([]Attendee{}, clients...)
	return err
}

// ForCourseSession finds the appointment that booked a course session, nil
// when it was booked from the course page.
func ForCourseSession(ctx context.Context, tx *store.Tx, courseSessionID string) (*Appointment, error) {
	var id, practiceID string
	err := tx.QueryRow(ctx, `SELECT a.id, a.practice_id FROM appointment_client x JOIN appointment a ON a.id = x.appointment_id
		WHERE x.course_session_id = ? ORDER BY a.created_at DESC LIMIT 1`, courseSessionID).Scan(&id, &practiceID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Load(ctx, tx, practiceID, id)
}

// ClinicianMinimum says, for the appointment that booked a course session,
// how many clients it has (booked), how many clinicians are booked on it,
// and how many clinicians must be present under the practice's setting of
// clients per clinician. A medicine session on its own needs one. The
// live session record checks who is present at start against need.
func ClinicianMinimum(ctx context.Context, tx *store.Tx, courseSessionID string) (clients, clinicians, need int, err error) {
	a, err := ForCourseSession(ctx, tx, courseSessionID)
	if err != nil || a == nil {
		return 1, 0, 1, err
	}
	var practiceID string
	if err := tx.QueryRow(ctx, `SELECT practice_id FROM appointment WHERE id = ?`, a.ID).Scan(&practiceID); err != nil {
		return 0, 0, 0, err
	}
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return 0, 0, 0, err
	}
	clients, clinicians = len(a.Clients), len(a.Staff)
	return clients, clinicians, needed(clients, s.ClientsPerClinician), nil
}

// needed is how many clinicians a group of n clients needs present.
func needed(n, perClinician int) int {
	if n <= 0 {
		return 1
	}
	if perClinician < 1 {
		perClinician = 1
	}
	return (n + perClinician - 1) / perClinician
}

// CourseOption is an active course a medicine session may book, for the
// booking form.
type CourseOption struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Label    string `json:"label"`
}

// ActiveCourses lists the practice's courses of the given clients that
// medicine sessions may book: the active ones, and completed ones with a
// touch-up planned (KAP.md §1: touch-ups may follow months later).
func ActiveCourses(ctx context.Context, tx *store.Tx, practiceID string, clients map[string]string) ([]CourseOption, error) {
	rows, err := tx.Query(ctx, `SELECT c.id, c.client_id, c.indication_code, c.planned_sessions, c.status FROM course c WHERE c.practice_id = ? AND (c.status = 'active'
		OR (c.status = 'completed' AND EXISTS (SELECT 1 FROM course_dose d WHERE d.course_id = c.id AND d.touch_up = ?)))
		ORDER BY c.created_at, c.id`, practiceID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CourseOption
	for rows.Next() {
		var o CourseOption
		var code, status string
		var n int
		if err := rows.Scan(&o.ID, &o.ClientID, &code, &n, &status); err != nil {
			return nil, err
		}
		name, ok := clients[o.ClientID]
		if !ok {
			continue
		}
		o.Label = name + ": course for " + code + ", " + strconv.Itoa(n) + " sessions"
		if status == "completed" {
			o.Label = name + ": completed course for " + code + ", touch-ups"
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
