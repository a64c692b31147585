package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/reminder"
	"holdspace/internal/schedule"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
)

// The calendar: ScheduleRead for all staff; booking and changing under
// AppointmentManage per client (an appointment id the table cannot know
// is "hidden"); rooms and durations for administrators; the feed is public
// behind its secret token.
func init() {
	staffAll := []string{signin, deny, deny, allow, allow, allow, allow, allow, allow, allow}
	admin := []string{signin, deny, deny, allow, deny, deny, deny, deny, allow, deny}
	unknown := []string{signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden}
	addRoutes(map[string][]string{
		// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
		"GET /calendar":                         staffAll,
		"GET /appointments/new":                 staffAll,
		"POST /appointments/new":                staffAll,
		"GET /appointments/{id}":                unknown,
		"POST /appointments/{id}/move":          unknown,
		"POST /appointments/{id}/cancel":        unknown,
		"POST /appointments/{id}/mark":          unknown,
		"GET /portal/appointments":              {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /admin/rooms":                      admin,
		"POST /admin/rooms":                     admin,
		"POST /admin/rooms/{id}":                {signin, deny, deny, hidden, deny, deny, deny, deny, hidden, deny},
		"GET /admin/schedule-settings":          admin,
		"POST /admin/schedule-settings":         admin,
		"GET /calendar/availability":            staffAll,
		"POST /calendar/availability":           staffAll,
		"GET /calendar/feed":                    staffAll,
		"POST /calendar/feed":                   staffAll,
		"POST /calendar/feed/revoke":            staffAll,
		"GET /ics/{token}":                      {hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /api/v1/appointments":              {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"POST /api/v1/appointments":             {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/appointments/{id}":         {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/appointments/{id}/move":   {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/appointments/{id}/cancel": {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/appointments/{id}/mark":   {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /api/v1/rooms":                     {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/clients/{id}/appointments": {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
	})
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

// Booking from the form: a refusal keeps what was typed; a booked
// appointment shows on the calendar; the clinician's feed lists it without
// the client's name.
func TestBookingFromTheCalendar(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		var sam, cedar string
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = 'therapist@stillwater.example'`).Scan(&sam); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM staff_availability WHERE staff_id = ?`, sam); err != nil {
				return err
			}
			for d := 1; d <= 5; d++ {
				if _, err := tx.Exec(ctx, `INSERT INTO staff_availability (id, practice_id, staff_id, weekday, start_minute, end_minute)
					SELECT ?, practice_id, id, ?, 480, 1080 FROM staff WHERE id = ?`, store.NewID(), d, sam); err != nil {
					return err
				}
			}
			cedar = store.NewID()
			_, err := tx.Exec(ctx, `INSERT INTO room (id, practice_id, name, active, created_at) SELECT ?, practice_id, 'Test room', ?, created_at FROM staff WHERE id = ?`, cedar, true, sam)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := s.client(t, "therapist-on-team")
		// A Sunday at 22:00 is outside anyone's hours: refused, everything kept.
		when := time.Now().AddDate(0, 0, 60)
		for when.Weekday() != time.Sunday {
			when = when.AddDate(0, 0, 1)
		}
		start := when.Format("2006-01-02") + "T22:00"
		form := url.Values{"kind": {"integration"}, "title": {"Kept title"}, "start": {start}, "room": {cedar}, "staff": {sam}, "clients.0": {s.alexID}}
		res, err := postForm(c, s.url+"/appointments/new", form)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "outside working hours") || !strings.Contains(body, "Kept title") {
			t.Fatalf("status %d; want 422 naming the hours and keeping the title", res.StatusCode)
		}
		form.Set("start", when.AddDate(0, 0, 1).Format("2006-01-02")+"T10:00")
		res, err = postForm(c, s.url+"/appointments/new", form)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, res)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/appointments/") {
			t.Fatalf("status %d to %q; want a redirect to the appointment", res.StatusCode, loc)
		}
		res, _ = c.Get(s.url + "/calendar?date=" + when.AddDate(0, 0, 1).Format("2006-01-02") + "&staff=" + sam)
		if body := readBody(t, res); !strings.Contains(body, "Integration session: Kept title") || !strings.Contains(body, "Test room") {
			t.Fatalf("the calendar does not show the booking")
		}
		// The same time again clashes, naming Sam.
		res, _ = postForm(c, s.url+"/appointments/new", form)
		if body := readBody(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Sam Okafor is with another client") {
			t.Fatalf("double booking: status %d", res.StatusCode)
		}
		// Elena, off Alex's team, sees the block without Alex's name.
		elena := s.client(t, "therapist-off-team")
		res, _ = elena.Get(s.url + "/calendar?date=" + when.AddDate(0, 0, 1).Format("2006-01-02") + "&staff=" + sam)
		if body := readBody(t, res); !strings.Contains(body, "Client (not on your care team)") || strings.Contains(body, "Alex Rivera") {
			t.Fatalf("the calendar shows a name outside the care team")
		}
		// The feed: made on /calendar/feed, read without a session.
		res, _ = postForm(c, s.url+"/calendar/feed", url.Values{})
		body = readBody(t, res)
		i := strings.Index(body, "/ics/")
		if i < 0 {
			t.Fatalf("no feed address shown (status %d)", res.StatusCode)
		}
		token := body[i+5 : i+5+strings.IndexAny(body[i+5:], "<\" ")]
		res, err = http.Get(s.url + "/ics/" + token)
		if err != nil {
			t.Fatal(err)
		}
		ics := readBody(t, res)
		if res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" || !strings.Contains(ics, "SUMMARY:Client appointment\r\n") || strings.Contains(ics, "Alex") {
			t.Fatalf("feed %q", ics)
		}
		postForm(c, s.url+"/calendar/feed/revoke", url.Values{})
		res, _ = http.Get(s.url + "/ics/" + token)
		if readBody(t, res); res.StatusCode != http.StatusNotFound {
			t.Fatalf("a revoked feed answers %d", res.StatusCode)
		}
	})
}

// alexSession finds the demo's booked appointment of one of Alex's
// medicine sessions.
func alexSession(t *testing.T, s *routeSite, n int) (courseID string, a *schedule.Appointment) {
	t.Helper()
	ctx := context.Background()
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var practiceID string
		if err := tx.QueryRow(ctx, `SELECT id, practice_id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID).Scan(&courseID, &practiceID); err != nil {
			return err
		}
		var err error
		a, err = schedule.Holder(ctx, tx, practiceID, courseID, n)
		return err
	})
	if err != nil || a == nil {
		t.Fatalf("the demo has no appointment for Alex's session %d: %v", n, err)
	}
	return courseID, a
}

// The course page sends staff to the booking form: "Move" for a booked
// session, nothing for a held one. The form says the session is booked and
// that saving moves it; saving moves that appointment, never adding a
// second one for the same course session.
func TestMovingABookedSessionFromTheCoursePage(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		course, held := alexSession(t, s, 5)
		c := s.client(t, "therapist-on-team")
		res, _ := c.Get(s.url + "/clients/" + s.alexID + "/courses/" + course)
		body := readBody(t, res)
		// Sessions 1-3 held, 4-6 booked in the demo.
		if got := strings.Count(body, "Move on the calendar"); got != 3 {
			t.Errorf("%d \"Move on the calendar\" links; want 3 (sessions 4-6)", got)
		}
		if strings.Contains(body, "Book on the calendar") {
			t.Errorf("a held session still offers booking")
		}
		link := "/appointments/new?kind=medicine_session&client=" + s.alexID + "&course=" + course + "&session=5"
		res, _ = c.Get(s.url + link)
		body = readBody(t, res)
		want := "Session 5 is booked for " + held.Start.In(nyc(t)).Format("Mon 2 Jan 15:04")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, "saving moves that appointment") || !strings.Contains(body, "Move the session") {
			t.Fatalf("status %d; the form does not say %q and that saving moves it", res.StatusCode, want)
		}
		// Saved half an hour later by the owner (who may book outside hours with a reason).
		owner := s.client(t, "owner")
		start := held.Start.Add(30 * time.Minute).In(nyc(t)).Format("2006-01-02T15:04")
		form := url.Values{"kind": {"medicine_session"}, "start": {start}, "room": {held.RoomID}, "clients.0": {s.alexID},
			"clients.0.course": {course}, "clients.0.session": {"5"}, "override_reason": {"Agreed with the client."}}
		for _, p := range held.Staff {
			form.Add("staff", p.ID)
		}
		res, err := postForm(owner, s.url+"/appointments/new", form)
		if err != nil {
			t.Fatal(err)
		}
		body = readBody(t, res)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/appointments/"+held.ID {
			t.Fatalf("status %d to %q; want the same appointment moved: %s", res.StatusCode, res.Header.Get("Location"), firstError(body))
		}
		if n := s.count(t, `SELECT COUNT(*) FROM appointment_client x JOIN appointment a ON a.id = x.appointment_id
				WHERE x.course_id = ? AND x.session_number = 5 AND a.status = 'booked'`, course); n != 1 {
			t.Errorf("%d booked appointments for session 5; want 1", n)
		}
		res, _ = owner.Get(s.url + "/appointments/" + held.ID)
		if body := readBody(t, res); !strings.Contains(body, "booked again from the booking form") {
			t.Errorf("the appointment's history does not show the move")
		}
	})
}

func firstError(body string) string {
	if m := regexp.MustCompile(`class="error"[^>]*>([^<]+)<`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func nyc(t *testing.T) *time.Location {
	z, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// The portal's instructions for a medicine session are the practice's own
// reminder text, filled in the way the email is: one source, so the email
// and the portal cannot disagree.
func TestThePortalInstructionsAreThePracticesReminderText(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		var fast string
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			rs, err := reminder.Load(ctx, tx, practiceID)
			if err != nil {
				return err
			}
			rs.Before.Body = "Dear {{client_first_name}},\n\nOur own words\n- Nothing to eat for {{food_fast}} before you come.\n- Bring your escort's phone number.\n"
			med, err := settings.MedicineSettings(ctx, tx, practiceID)
			if err != nil {
				return err
			}
			fast = reminder.Duration(med.Checklist.FoodFastMinutes)
			return reminder.Save(ctx, tx, practiceID, rs, "", time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		c := s.client(t, "client")
		res, _ := c.Get(s.url + "/portal/appointments")
		body := readBody(t, res)
		for _, want := range []string{"<h3>Our own words</h3>", "<li>Nothing to eat for " + fast + " before you come.</li>", "same words your practice emails you"} {
			if !strings.Contains(body, want) {
				t.Errorf("the portal does not show %q", want)
			}
		}
		if strings.Contains(body, "Before each medicine session") {
			t.Errorf("the portal shows the preparation text beside the practice's own")
		}
	})
}

// The administration tabs reach the scheduling, medicine and reminder
// settings, and mark the page open.
func TestTheAdminTabsListTheMedicinePhaseSettings(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := s.client(t, "owner")
		res, _ := c.Get(s.url + "/admin/rooms")
		body := readBody(t, res)
		for _, want := range []string{`<a href="/admin/rooms" aria-current="page">Rooms</a>`, `<a href="/admin/schedule-settings">Scheduling</a>`,
			`<a href="/admin/medicine-settings">Medicine settings</a>`, `<a href="/admin/reminders">Reminders</a>`, `<a href="/admin/staff">Staff</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the tab bar lacks %s", want)
			}
		}
	})
}

// With PAGES_DUMP set to a folder, the schedule pages are written there as
// HTML to look at in a browser (staff pages as the therapist or the owner,
// the portal as Alex).
// Every schedule page opens for the people who use it; with PAGES_DUMP set
// to a folder, the pages are written there to be looked at.
func TestEverySchedulePageOpens(t *testing.T) {
	dir := os.Getenv("PAGES_DUMP")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if !strings.HasSuffix(t.Name(), "sqlite") {
			dir = ""
		}
		s, _ := buildSite(t, db)
		course, held := alexSession(t, s, 5)
		sam, owner, client := s.client(t, "therapist-on-team"), s.client(t, "owner"), s.client(t, "client")
		monday := time.Now().In(nyc(t))
		pages := []struct {
			name string
			c    *http.Client
			path string
		}{
			{"calendar-week", sam, "/calendar"},
			{"calendar-day", sam, "/calendar?view=day"},
			{"calendar-empty-day", sam, "/calendar?view=day&date=" + monday.AddDate(0, 0, 400).Format("2006-01-02")},
			{"calendar-owner-week", owner, "/calendar?date=" + monday.AddDate(0, 0, 7).Format("2006-01-02")},
			{"booking-new", sam, "/appointments/new"},
			{"booking-move", sam, "/appointments/new?kind=medicine_session&client=" + s.alexID + "&course=" + course + "&session=5"},
			{"appointment", sam, "/appointments/" + held.ID},
			{"availability", sam, "/calendar/availability"},
			{"feed", sam, "/calendar/feed"},
			{"rooms", owner, "/admin/rooms"},
			{"schedule-settings", owner, "/admin/schedule-settings"},
			{"course", sam, "/clients/" + s.alexID + "/courses/" + course},
			{"portal", client, "/portal/appointments"},
		}
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range pages {
			res, err := p.c.Get(s.url + p.path)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, res)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", p.path, res.StatusCode)
			}
			if dir == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, p.name+".html"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Through the API, booking a medicine session that is already booked moves
// its appointment and answers 200 with the same id; no second appointment
// points at the course session.
func TestTheAPIMovesABookedSessionRatherThanAddingOne(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		course, held := alexSession(t, s, 5)
		var staff []string
		for _, p := range held.Staff {
			staff = append(staff, p.ID)
		}
		body, _ := json.Marshal(map[string]any{
			"kind": "medicine_session", "start": held.Start.Add(4 * time.Hour).Format(time.RFC3339), "room_id": held.RoomID, "staff_ids": staff,
			"clients": []map[string]any{{"client_id": s.alexID, "course_id": course, "session_number": 5}},
		})
		res, out := apiDo(t, s, "prescriber", http.MethodPost, "/api/v1/appointments", string(body))
		if res.StatusCode != http.StatusOK || out["id"] != held.ID {
			t.Fatalf("booking session 5 again: %d %v; want 200 and appointment %s moved", res.StatusCode, out, held.ID)
		}
		_, moved := alexSession(t, s, 5)
		if !moved.Start.Equal(held.Start.Add(4 * time.Hour)) {
			t.Errorf("session 5 is at %v; want %v", moved.Start, held.Start.Add(4*time.Hour))
		}
		if n := s.count(t, `SELECT COUNT(*) FROM appointment_client ac JOIN appointment a ON a.id = ac.appointment_id
				WHERE ac.course_id = ? AND ac.session_number = 5 AND a.status = 'booked'`, course); n != 1 {
			t.Errorf("%d booked appointments for session 5; want 1", n)
		}
	})
}

// bookingRoute sends one request that books, moves or rebooks Alex's
// medicine session 5 an hour later than it is booked, as the owner.
type bookingRoute func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response

// bookingRoutes are every route that books, moves or rebooks a medicine
// session. Each must ask the one dosing gate (course.MedicineGate).
var bookingRoutes = map[string]bookingRoute{
	"POST /clients/{id}/courses/{courseID}/sessions": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		return s.ownerForm(t, "/clients/"+s.alexID+"/courses/"+course+"/sessions", url.Values{"session_number": {"5"}, "action": {"book"},
			"scheduled_at": {later(t, held)}})
	},
	"POST /api/v1/clients/{id}/courses/{courseID}/sessions": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		return s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/courses/"+course+"/sessions", map[string]any{"session_number": 5, "action": "book",
			"scheduled_at": held.Start.Add(time.Hour).UTC().Format(time.RFC3339)})
	},
	"POST /appointments/new": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		form := url.Values{"kind": {"medicine_session"}, "start": {later(t, held)}, "room": {held.RoomID}, "clients.0": {s.alexID},
			"clients.0.course": {course}, "clients.0.session": {"5"}, "override_reason": {"Agreed with the client."}}
		for _, p := range held.Staff {
			form.Add("staff", p.ID)
		}
		return s.ownerForm(t, "/appointments/new", form)
	},
	"POST /api/v1/appointments": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		var staff []string
		for _, p := range held.Staff {
			staff = append(staff, p.ID)
		}
		return s.ownerJSON(t, "/api/v1/appointments", map[string]any{"kind": "medicine_session", "start": held.Start.Add(time.Hour).UTC().Format(time.RFC3339),
			"room_id": held.RoomID, "staff_ids": staff, "override_reason": "Agreed with the client.",
			"clients": []map[string]any{{"client_id": s.alexID, "course_id": course, "session_number": 5}}})
	},
	"POST /appointments/{id}/move": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		return s.ownerForm(t, "/appointments/"+held.ID+"/move", url.Values{"start": {later(t, held)}, "room": {held.RoomID}, "override_reason": {"Agreed with the client."}})
	},
	"POST /api/v1/appointments/{id}/move": func(t *testing.T, s *routeSite, course string, held *schedule.Appointment) *http.Response {
		return s.ownerJSON(t, "/api/v1/appointments/"+held.ID+"/move", map[string]any{"start": held.Start.Add(time.Hour).UTC().Format(time.RFC3339),
			"room_id": held.RoomID, "override_reason": "Agreed with the client."})
	},
}

// notBooking are the routes near booking that do not book, move or
// rebook a medicine session, each with why.
var notBooking = map[string]string{
	"POST /appointments/{id}/cancel":                 "cancels",
	"POST /appointments/{id}/mark":                   "marks held or missed",
	"POST /api/v1/appointments/{id}/cancel":          "cancels",
	"POST /api/v1/appointments/{id}/mark":            "marks held or missed",
	"POST /clients/{id}/preparation-sessions":        "records a preparation session, not medicine",
	"POST /api/v1/clients/{id}/preparation-sessions": "records a preparation session, not medicine",
}

// bookUnready strikes off Alex's preparation sessions, so that the gate
// must refuse his medicine session 5, and sends one booking route for it.
// It answers the course, the session as it was, the route's answer and
// its body.
func (s *routeSite) bookUnready(t *testing.T, send bookingRoute) (string, *schedule.Appointment, *http.Response, string) {
	t.Helper()
	course, held := alexSession(t, s, 5)
	ctx := context.Background()
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM preparation_session WHERE client_id = ?`, s.alexID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res := send(t, s, course, held)
	return course, held, res, readBody(t, res)
}

func later(t *testing.T, held *schedule.Appointment) string {
	return held.Start.Add(time.Hour).In(nyc(t)).Format("2006-01-02T15:04")
}

// booker is who the booking routes send as: the owner unless a test says
// otherwise.
func (s *routeSite) booker() string {
	if s.bookAs != "" {
		return s.bookAs
	}
	return "owner"
}

func (s *routeSite) ownerForm(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	res, err := postForm(s.client(t, s.booker()), s.url+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (s *routeSite) ownerJSON(t *testing.T, path string, body any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+s.tokens[s.booker()])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEveryBookingRouteAsksTheDosingGate: with Alex no longer ready (his
// preparation session struck off), every route that books or moves his
// medicine session 5 is refused with the gate's own words, and the session
// stays where it was. Once found: the course page's "book" action booked
// medicine sessions the calendar refused.
func TestEveryBookingRouteAsksTheDosingGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		for _, r := range srv.Routes() {
			p := r.Pattern
			near := strings.Contains(p, "appointment") || strings.Contains(p, "/sessions") || strings.Contains(p, "course-sessions")
			if !near || !(strings.HasPrefix(p, "POST ") || strings.HasPrefix(p, "PUT ")) || r.Gate == web.GatePublic {
				continue
			}
			if strings.HasSuffix(p, "/record") || strings.Contains(p, "/session-records/") || strings.Contains(p, "/sessions/{sessionID}/") {
				continue // starting and recording a session: the start gate's own test
			}
			if _, ok := bookingRoutes[p]; !ok {
				if _, ok := notBooking[p]; !ok {
					t.Errorf("%s: say whether it books, moves or rebooks a medicine session (bookingRoutes) or not (notBooking)", p)
				}
			}
		}
		for pattern, send := range bookingRoutes {
			course, held, res, body := s.bookUnready(t, send)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "preparation session") {
				t.Errorf("%s for a client with no preparation session: %d %s; want 422 naming it", pattern, res.StatusCode, firstError(body))
			}
			_, after := alexSession(t, s, 5)
			if !after.Start.Equal(held.Start) {
				t.Errorf("%s moved the session to %s though the gate refuses it", pattern, after.Start)
			}
			var at time.Time
			storetest.Scan(t, db, `SELECT scheduled_at FROM course_session WHERE course_id = ? AND session_number = 5 AND status = 'booked'`, []any{course}, &at)
			if !at.Equal(held.Start) {
				t.Errorf("%s moved the course session to %s though the gate refuses it", pattern, at)
			}
		}
	})
}

// TestAClinicianBookedOnAMedicineSessionIsOnTheCareTeam: once found, a
// clinician booked on a medicine session was then refused its record with
// a 403. Booking now refuses a clinician off the client's care team, and
// says who can add them.
func TestAClinicianBookedOnAMedicineSessionIsOnTheCareTeam(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		course, held := alexSession(t, s, 5)
		res := s.ownerJSON(t, "/api/v1/appointments", map[string]any{"kind": "medicine_session", "start": held.Start.Add(time.Hour).UTC().Format(time.RFC3339),
			"room_id": held.RoomID, "staff_ids": []string{s.elenaStaff}, "override_reason": "Agreed with the client.",
			"clients": []map[string]any{{"client_id": s.alexID, "course_id": course, "session_number": 5}}})
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is not on Alex") || !strings.Contains(body, "owner or administrator adds them") {
			t.Fatalf("%d %s; want 422 saying Elena is off the care team and who can add her", res.StatusCode, body)
		}
		if _, after := alexSession(t, s, 5); !after.Start.Equal(held.Start) {
			t.Fatal("the session moved")
		}
	})
}

// TestEveryBookingRouteSaysTheSpacingOnceInThePracticesZone: moving
// Alex's session 5 to an hour after session 4 is refused on every booking
// route with one spacing sentence whose times are the practice's (New
// York), never UTC. Once found: the refusal mixed UTC and local times and
// printed twice.
func TestEveryBookingRouteSaysTheSpacingOnceInThePracticesZone(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		for pattern, send := range bookingRoutes {
			course, fifth := alexSession(t, s, 5)
			_, fourth := alexSession(t, s, 4)
			tooSoon := *fifth
			tooSoon.Start = fourth.Start // each route sends an hour after held.Start
			body := readBody(t, send(t, s, course, &tooSoon))
			local := fourth.Start.In(nyc(t)).Format("Mon 2 Jan 2006 15:04")
			asked := fourth.Start.Add(time.Hour).In(nyc(t)).Format("Mon 2 Jan 2006 15:04")
			utc := fourth.Start.UTC().Format("15:04")
			// A page may list an error in its summary, as a link to the field,
			// and again beside the field; that pair is one refusal.
			said := map[string]int{}
			for _, m := range regexp.MustCompile(`A medicine session at [^;<]+; the practice minimum between medicine sessions`).FindAllString(body, -1) {
				said[m]++
			}
			if len(said) != 1 || maxCount(said) > 2 {
				t.Errorf("%s: want one spacing refusal, got %v: %s", pattern, said, spacingContext(body))
			}
			if !strings.Contains(body, "at "+asked+" would be 1 h after the medicine session at "+local) {
				t.Errorf("%s: want the times in New York (%s, then %s): %s", pattern, asked, local, body[:min(len(body), 600)])
			}
			if strings.Contains(body, utc) && utc != fourth.Start.In(nyc(t)).Format("15:04") {
				t.Errorf("%s: the refusal shows the UTC time %s", pattern, utc)
			}
		}
	})
}

func spacingContext(body string) string {
	found := regexp.MustCompile(`.{0,200}the practice minimum between medicine sessions`).FindAllString(body, -1)
	return strings.Join(found, "\n---\n")
}

func maxCount(m map[string]int) int {
	n := 0
	for _, v := range m {
		n = max(n, v)
	}
	return n
}
