package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

type safetySettingsPage struct {
	Days       []sfDayRow
	LineRows   []int
	Zone       string
	Severities []sfOption
}

type sfDayRow struct {
	Day  int
	Name string
}

const sfCrisisBlankRows = 2

func (s *Server) renderSafetySettings(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	var st alert.Settings
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "safety"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		st, err = alert.LoadSettings(r.Context(), tx, a.PracticeID)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if form == nil {
		form = NewForm(nil)
		sfFillSettings(form, st)
	}
	d := safetySettingsPage{Zone: st.Zone.String(),
		Severities: []sfOption{{string(safety.SeverityModerate), "Moderate (the default)"}, {string(safety.SeverityHigh), "High"}}}
	for _, day := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		d.Days = append(d.Days, sfDayRow{int(day), day.String()})
	}
	n := 0
	for i := 0; i < 20; i++ {
		if form.Values.Has(fmt.Sprintf("line.%d.name", i)) {
			n = i + 1
		}
	}
	for i := 0; i < n+sfCrisisBlankRows; i++ {
		d.LineRows = append(d.LineRows, i)
	}
	p := s.page(w, r, "Safety settings", d)
	p.Form = form
	s.render(w, r, status, "safety_settings", p)
}

func sfFillSettings(f *Form, st alert.Settings) {
	e := st.Escalation
	f.Set("ack_window_minutes", strconv.Itoa(e.AckWindowMinutes))
	f.Set("repeat_minutes", strconv.Itoa(e.RepeatMinutes))
	f.Set("high_severity_window_minutes", strconv.Itoa(e.HighSeverityWindowMinutes))
	for _, o := range e.Hours.Open {
		k := fmt.Sprintf("hours.%d", int(o.Day))
		if f.Values.Has(k + ".open") {
			continue // one span a day on this form
		}
		f.Set(k+".open", "yes")
		f.Set(k+".opens", o.Opens.String())
		f.Set(k+".closes", o.Closes.String())
	}
	days := make([]string, 0, len(st.CheckIns.DaysAfter))
	for _, d := range st.CheckIns.DaysAfter {
		days = append(days, strconv.Itoa(d))
	}
	f.Set("days_after", strings.Join(days, ", "))
	f.Set("grace_hours", strconv.FormatFloat(float64(st.CheckIns.GraceMinutes)/60, 'f', -1, 64))
	sev := string(st.CheckIns.SelfHarmSeverity)
	if sev == "" {
		sev = string(safety.SeverityModerate)
	}
	f.Set("self_harm_severity", sev)
	f.Set("region", st.Crisis.Region)
	f.Set("emergency", st.Crisis.Emergency)
	for i, l := range st.Crisis.Lines {
		k := fmt.Sprintf("line.%d.", i)
		f.Set(k+"name", l.Name)
		f.Set(k+"call", l.Call)
		f.Set(k+"text", l.Text)
		f.Set(k+"chat", l.Chat)
		f.Set(k+"for", l.For)
	}
	f.Set("contact", st.Contact)
}

func sfParseClock(v string) (safety.TimeOfDay, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok {
		return safety.TimeOfDay{}, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	t := safety.TimeOfDay{Hour: hh, Minute: mm}
	return t, err1 == nil && err2 == nil && hh >= 0 && mm >= 0 && mm < 60 && (hh < 24 || hh == 24 && mm == 0)
}

// sfSettingsFromForm reads the form over st, failing each field that does
// not parse; the safety package's Validate functions then judge the whole.
func sfSettingsFromForm(f *Form, st alert.Settings) alert.Settings {
	num := func(name, msg string) int {
		n, err := strconv.Atoi(f.Get(name))
		if err != nil {
			f.Fail(name, msg)
		}
		return n
	}
	e := &st.Escalation
	e.AckWindowMinutes = num("ack_window_minutes", "Give the minutes of business hours before the first escalation, such as 60.")
	e.RepeatMinutes = num("repeat_minutes", "Give the minutes between further escalations, such as 60.")
	e.HighSeverityWindowMinutes = num("high_severity_window_minutes", "Give minutes, such as 30, or 0 to keep high-severity alerts on business hours.")
	e.Hours.Open = nil
	for d := 0; d < 7; d++ {
		k := fmt.Sprintf("hours.%d", d)
		if f.Get(k+".open") == "" {
			continue
		}
		o, ok1 := sfParseClock(f.Get(k + ".opens"))
		c, ok2 := sfParseClock(f.Get(k + ".closes"))
		if !ok1 || !ok2 {
			f.Fail(k+".opens", fmt.Sprintf("Give %s's hours as times such as 09:00 and 17:00.", time.Weekday(d)))
			continue
		}
		e.Hours.Open = append(e.Hours.Open, safety.OpenHours{Day: time.Weekday(d), Opens: o, Closes: c})
	}
	st.CheckIns.DaysAfter = nil
	for _, part := range strings.FieldsFunc(f.Get("days_after"), func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			f.Fail("days_after", "List whole days after a session, separated by commas, such as 1, 3.")
			break
		}
		st.CheckIns.DaysAfter = append(st.CheckIns.DaysAfter, n)
	}
	if g, err := strconv.ParseFloat(f.Get("grace_hours"), 64); err != nil {
		f.Fail("grace_hours", "Give the grace period in hours, such as 12.")
	} else {
		st.CheckIns.GraceMinutes = int(g * 60)
	}
	st.CheckIns.SelfHarmSeverity = safety.Severity(f.Get("self_harm_severity"))
	st.Crisis = safety.CrisisResources{Region: f.Get("region"), Emergency: f.Get("emergency")}
	for i := 0; i < 20; i++ {
		k := fmt.Sprintf("line.%d.", i)
		l := safety.CrisisLine{Name: f.Get(k + "name"), Call: f.Get(k + "call"), Text: f.Get(k + "text"), Chat: f.Get(k + "chat"), For: f.Get(k + "for")}
		if l != (safety.CrisisLine{}) {
			st.Crisis.Lines = append(st.Crisis.Lines, l)
		}
	}
	st.Contact = f.Get("contact")
	return st
}

// sfSettingsField puts a Validate refusal beside the field it is about.
func sfSettingsField(part, msg string) string {
	switch {
	case part == "crisis" && strings.Contains(msg, "emergency"):
		return "emergency"
	case part == "crisis":
		return "line.0.name"
	case part == "checkins" && strings.Contains(msg, "grace"):
		return "grace_hours"
	case part == "checkins" && strings.Contains(msg, "severity"):
		return "self_harm_severity"
	case part == "checkins":
		return "days_after"
	case strings.Contains(msg, "acknowledgement window"):
		return "ack_window_minutes"
	case strings.Contains(msg, "repeat"):
		return "repeat_minutes"
	case strings.Contains(msg, "high-severity"):
		return "high_severity_window_minutes"
	}
	return "hours"
}

func (s *Server) saveSafetySettings(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	err := s.access.Do(r.Context(), a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "safety"}, func(tx *store.Tx, _ access.Decision) error {
		st, err := alert.LoadSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		st = sfSettingsFromForm(form, st)
		for part, check := range map[string]func() error{"escalation": st.Escalation.Validate, "checkins": st.CheckIns.Validate, "crisis": st.Crisis.Validate} {
			var se *safety.Error
			if err := check(); errors.As(err, &se) {
				form.Fail(sfSettingsField(part, se.Message), reasonSentence(se.Message))
			} else if err != nil {
				return err
			}
		}
		if form.HasErrors() {
			return errFormInvalid
		}
		return alert.SaveSettings(r.Context(), tx, a.PracticeID, st, a.StaffID, s.now())
	})
	if err == nil {
		s.redirect(w, r, "/admin/safety-settings", "ok", "The safety settings are saved. Alerts raised from now on use them.")
		return
	}
	if s.denied(w, r, err) {
		return
	}
	if !errors.Is(err, errFormInvalid) {
		s.serverError(w, r, err)
		return
	}
	s.renderSafetySettings(w, r, form, http.StatusUnprocessableEntity)
}
