package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/fault"
	"holdspace/internal/safety"
)

type safetySettingsPage struct {
	Days       []sfDayRow
	LineRows   []int
	Zone       string
	Severities []sfOption
	// OnCall is the named on-call clinician's choice; Rota the rota's
	// lines, filled and blank.
	OnCall    Field
	Rota      []sfRotaRow
	Channel   Field
	SecretSet string
	// Bounds for the hints, from the safety package.
	HighMin, HighMax, MaxMinutes, MaxDay int
}

// sfRotaRow is one line of the on-call rota on the form.
type sfRotaRow struct {
	N                               int
	Day, Clinician                  Field
	From, Until, Phone              string
	FromErr, ClinicianErr, PhoneErr string
}

const sfRotaBlankRows = 2
const sfRotaMaxRows = 40

type sfDayRow struct {
	Day  int
	Name string
}

const sfCrisisBlankRows = 2

func (s *Server) renderSafetySettings(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	v, err := s.safetyDoor().Settings(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	st, clinicians, secretAt := v.Settings, v.Clinicians, v.SecretSetAt
	if form == nil {
		form = NewForm(nil)
		sfFillSettings(form, st)
	}
	d := safetySettingsPage{Zone: st.Zone.String(),
		Severities: []sfOption{{string(safety.SeverityModerate), "Moderate (the default)"}, {string(safety.SeverityHigh), "High"}},
		HighMin:    safety.MinHighSeverityWindow, HighMax: safety.MaxHighSeverityWindow, MaxMinutes: safety.MaxEscalationMinutes, MaxDay: safety.MaxCheckInDay}
	who := []string{"", "Nobody named"}
	for _, m := range clinicians {
		who = append(who, m.ID, m.Name)
	}
	d.OnCall = form.Select("on_call_clinician", "On-call clinician", who...)
	d.Channel = form.Select("gateway_channel", "How the gateway reaches them", alert.ChannelSMS, "Text message", alert.ChannelVoice, "Voice call")
	if !secretAt.IsZero() {
		d.SecretSet = secretAt.In(st.Zone).Format("2 Jan 2006 15:04 MST")
	}
	rows := 0
	for i := 0; i < sfRotaMaxRows; i++ {
		if form.Values.Has(fmt.Sprintf("rota.%d.clinician", i)) {
			rows = i + 1
		}
	}
	days := []string{}
	for _, day := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		days = append(days, strconv.Itoa(int(day)), day.String())
	}
	for i := 0; i < min(rows+sfRotaBlankRows, sfRotaMaxRows); i++ {
		k := fmt.Sprintf("rota.%d.", i)
		row := sfRotaRow{N: i, Day: form.Select(k+"day", "Day", days...), Clinician: form.Select(k+"clinician", "Who", who...),
			From: form.Get(k + "from"), Until: form.Get(k + "until"), Phone: form.Get(k + "phone"),
			FromErr: form.Errors[k+"from"] + form.Errors[k+"day"], ClinicianErr: form.Errors[k+"clinician"], PhoneErr: form.Errors[k+"phone"]}
		d.Rota = append(d.Rota, row)
	}
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
	o := e.OnCall
	f.Set("on_call_clinician", o.Clinician)
	f.Set("on_call_phone", o.Phone)
	for i, sl := range o.Rota {
		k := fmt.Sprintf("rota.%d.", i)
		f.Set(k+"day", strconv.Itoa(int(sl.Day)))
		f.Set(k+"from", sl.From.String())
		f.Set(k+"until", sl.Until.String())
		f.Set(k+"clinician", sl.Clinician)
		f.Set(k+"phone", sl.Phone)
	}
	f.Set("gateway_url", st.Gateway.URL)
	f.Set("gateway_channel", st.Gateway.Channel)
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

// sfSettingsFromForm reads the form, failing each field that does not
// parse; the door then judges the whole against the safety rules.
func sfSettingsFromForm(f *Form) alert.SettingsChange {
	num := func(name, msg string) int {
		n, err := strconv.Atoi(f.Get(name))
		if err != nil {
			f.Fail(name, msg)
		}
		return n
	}
	var c alert.SettingsChange
	c.AckWindowMinutes = num("ack_window_minutes", "Give the minutes of business hours before the first escalation, such as 60.")
	c.RepeatMinutes = num("repeat_minutes", "Give the minutes between further escalations, such as 60.")
	c.HighSeverityWindowMinutes = num("high_severity_window_minutes", fmt.Sprintf("Give minutes from %d to %d, such as 15.", safety.MinHighSeverityWindow, safety.MaxHighSeverityWindow))
	for d := 0; d < 7; d++ {
		k := fmt.Sprintf("hours.%d", d)
		if f.Get(k+".open") == "" {
			continue
		}
		o, ok1 := sfParseClock(f.Get(k + ".opens"))
		cl, ok2 := sfParseClock(f.Get(k + ".closes"))
		if !ok1 || !ok2 {
			f.Fail(k+".opens", fmt.Sprintf("Give %s's hours as times such as 09:00 and 17:00.", time.Weekday(d)))
			continue
		}
		c.Hours = append(c.Hours, safety.OpenHours{Day: time.Weekday(d), Opens: o, Closes: cl})
	}
	for _, part := range strings.FieldsFunc(f.Get("days_after"), func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			f.Fail("days_after", "List whole days after a session, separated by commas, such as 1, 3.")
			break
		}
		c.DaysAfter = append(c.DaysAfter, n)
	}
	if g, err := strconv.ParseFloat(f.Get("grace_hours"), 64); err != nil {
		f.Fail("grace_hours", "Give the grace period in hours, such as 12.")
	} else {
		c.GraceMinutes = int(g * 60)
	}
	c.SelfHarmSeverity = safety.Severity(f.Get("self_harm_severity"))
	c.Crisis = safety.CrisisResources{Region: f.Get("region"), Emergency: f.Get("emergency")}
	for i := 0; i < 20; i++ {
		k := fmt.Sprintf("line.%d.", i)
		l := safety.CrisisLine{Name: f.Get(k + "name"), Call: f.Get(k + "call"), Text: f.Get(k + "text"), Chat: f.Get(k + "chat"), For: f.Get(k + "for")}
		if l != (safety.CrisisLine{}) {
			c.Crisis.Lines = append(c.Crisis.Lines, l)
		}
	}
	c.Contact = f.Get("contact")
	c.OnCall = safety.OnCall{Clinician: f.Get("on_call_clinician"), Phone: f.Get("on_call_phone")}
	for i := 0; i < sfRotaMaxRows; i++ {
		k := fmt.Sprintf("rota.%d.", i)
		who, from, until := f.Get(k+"clinician"), f.Get(k+"from"), f.Get(k+"until")
		if who == "" && from == "" && until == "" {
			continue // a blank line
		}
		day, err := strconv.Atoi(f.Get(k + "day"))
		fr, ok1 := sfParseClock(from)
		un, ok2 := sfParseClock(until)
		if err != nil || !ok1 || !ok2 {
			f.Fail(k+"from", fmt.Sprintf("Give rota line %d a day and times such as 17:00 and 24:00.", i+1))
			continue
		}
		c.OnCall.Rota = append(c.OnCall.Rota, safety.OnCallSlot{Day: time.Weekday(day), From: fr, Until: un, Clinician: who, Phone: f.Get(k + "phone")})
	}
	c.Gateway = alert.Gateway{URL: f.Get("gateway_url"), Channel: f.Get("gateway_channel")}
	c.GatewaySecret = f.Get("gateway_secret")
	return c
}

// sfRotaLine turns a refusal about rota line n of the saved rota into the
// form line it was typed on, since blank lines are left out.
func sfRotaLine(f *Form, field string) string {
	var n int
	var rest string
	if _, err := fmt.Sscanf(field, "rota.%d.%s", &n, &rest); err != nil {
		return field
	}
	seen := 0
	for i := 0; i < sfRotaMaxRows; i++ {
		k := fmt.Sprintf("rota.%d.", i)
		if f.Get(k+"clinician") == "" && f.Get(k+"from") == "" && f.Get(k+"until") == "" {
			continue
		}
		if seen == n {
			return k + rest
		}
		seen++
	}
	return field
}

func (s *Server) saveSafetySettings(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	in := sfSettingsFromForm(form)
	// What could not be read is refused by the door with what the rules
	// refuse, once access is decided; it is already on the form.
	var unread error
	skip := 0
	if form.HasErrors() {
		f := &fault.Error{Code: fault.Invalid, Message: "Some settings could not be read."}
		for _, name := range form.order {
			f.Fields = append(f.Fields, fault.Field{Name: name, Message: form.Errors[name]})
		}
		unread, skip = f, len(f.Fields)
	}
	err := s.safetyDoor().SaveSettings(r.Context(), a, in, unread)
	if err == nil {
		s.redirect(w, r, "/admin/safety-settings", "ok", "The safety settings are saved. Alerts raised from now on use them.")
		return
	}
	if s.pageFailed(w, r, err, true, "") {
		return
	}
	fields := fault.Of(err).Fields
	if len(fields) >= skip {
		fields = fields[skip:]
	}
	for _, f := range fields {
		form.Fail(sfRotaLine(form, f.Name), reasonSentence(f.Message))
	}
	s.renderSafetySettings(w, r, form, http.StatusUnprocessableEntity)
}
