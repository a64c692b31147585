package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		ctx := context.Background()
		var sam, cedar string
		err := db.Write(ctx, func(tx *store.Tx) error {
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
