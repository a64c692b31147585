package web_test

import (
	"context"
	"encoding/json"
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
)

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
