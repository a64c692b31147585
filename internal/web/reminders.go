package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/reminder"
)

// routesReminders registers the pages and API of reminder emails before and after medicine sessions, their practice-edited texts, and clinicians' ICS feeds.
// The reminders page is the practice administrators' (SettingsManage); the medicine settings
// are clinical (ClinicalSettingsRead to see, ClinicalSettingsChange to save).
func (s *Server) routesReminders() {
	s.handle(GateStaff, "GET /admin/reminders", s.remindersPage)
	s.handle(GateStaff, "POST /admin/reminders", s.saveReminders)
	s.handle(GateStaff, "GET /admin/medicine-settings", s.medicineSettingsPage)
	s.handle(GateStaff, "POST /admin/medicine-settings", s.saveMedicineSettings)
	// The medicine settings are clinical: prescribers and clinical leads change them, through
	// the same door as the page.
}

// errFormInvalid rolls back a change whose form already holds its errors.
var errFormInvalid = errors.New("the form has errors")

// reminderDoor is the reminder emails' and medicine settings' front
// door, on the server's clock.
func (s *Server) reminderDoor() *reminder.Door {
	return s.doors.Reminders
}

// reminderPreview is one email as a client would read it, with sample values.
type reminderPreview struct {
	Kind          reminder.Kind
	Subject, Body string
}

type remindersPage struct {
	adminTabs
	Placeholders []reminder.Placeholder
	Previews     []reminderPreview
	Kinds        []reminder.Kind
	// Restored names the kind whose default text was just put back.
	Restored string
}

func reminderForm(rs reminder.Settings) *Form {
	f := NewForm(nil)
	f.Set("hours_before", strconv.Itoa(rs.HoursBefore))
	f.Set("phone", rs.Phone)
	f.Set("crisis_line", rs.CrisisLine)
	f.Set("place", rs.Place)
	for _, k := range reminder.Kinds() {
		t := rs.Text(k)
		f.Set(string(k)+".subject", t.Subject)
		f.Set(string(k)+".body", t.Body)
	}
	return f
}

// reminderFromForm reads the form; bodies keep their spacing as typed.
func reminderFromForm(f *Form) reminder.Settings {
	rs := reminder.DefaultSettings()
	rs.HoursBefore, _ = strconv.Atoi(f.Get("hours_before"))
	rs.Phone, rs.CrisisLine, rs.Place = f.Get("phone"), f.Get("crisis_line"), f.Get("place")
	body := func(k string) string { return strings.ReplaceAll(f.Values.Get(k), "\r\n", "\n") }
	rs.Before = reminder.Text{Subject: f.Get("before.subject"), Body: body("before.body")}
	rs.After = reminder.Text{Subject: f.Get("after.subject"), Body: body("after.body")}
	return rs
}

func (s *Server) remindersPage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	v, err := s.reminderDoor().Reminders(r.Context(), a)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	s.renderReminders(w, r, reminderForm(v.Settings), v.Medicine, "", http.StatusOK)
}

func (s *Server) renderReminders(w http.ResponseWriter, r *http.Request, form *Form, ms dosing.Settings, restored string, status int) {
	d := remindersPage{adminTabs: tabsFor(r.URL.Path), Placeholders: reminder.Placeholders(), Kinds: reminder.Kinds(), Restored: restored}
	p := s.page(w, r, "Reminder emails", d)
	rs := reminderFromForm(form)
	// The preview uses this practice's numbers and details, a sample
	// client, and a session two days from now at 10:00.
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	day := s.now().In(zone).AddDate(0, 0, 2)
	at := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, zone)
	v := reminder.ValuesFor(rs, ms, reminder.Session{Number: 4, At: at, ClientLegal: "Alex Rivera", PracticeName: p.PracticeName, Zone: zone})
	for _, k := range reminder.Kinds() {
		t := rs.Text(k)
		d.Previews = append(d.Previews, reminderPreview{Kind: k, Subject: reminder.Render(t.Subject, v), Body: reminder.Render(t.Body, v)})
	}
	p.Data = d
	p.Form = form
	s.render(w, r, status, "reminders_settings", p)
}

// saveReminders saves, previews what was typed, or puts a default text
// back into the form (saved only with the next Save, so nothing typed is
// lost by a stray click).
func (s *Server) saveReminders(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	do := form.Get("do")
	var ms dosing.Settings
	var err error
	if do == "save" {
		ms, err = s.reminderDoor().SaveReminders(r.Context(), a, reminderFromForm(form))
	} else {
		ms, err = s.reminderDoor().PreviewValues(r.Context(), a)
	}
	if err == nil && do == "save" {
		s.redirect(w, r, "/admin/reminders", "ok", "The reminder emails are saved. Reminders queued from now on use them.")
		return
	}
	if err != nil && s.chartFailed(w, r, err) {
		return
	}
	if err != nil {
		if s.failed(w, r, chartProblems(err, ""), form) {
			return
		}
		s.renderReminders(w, r, form, ms, "", http.StatusUnprocessableEntity)
		return
	}
	restored := ""
	for _, k := range reminder.Kinds() {
		if do == "restore-"+string(k) {
			t := reminder.DefaultText(k)
			form.Set(string(k)+".subject", t.Subject)
			form.Set(string(k)+".body", t.Body)
			restored = string(k)
		}
	}
	s.renderReminders(w, r, form, ms, restored, http.StatusOK)
}
