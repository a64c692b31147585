package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
)

// The practice's measurement settings (SettingsManage) and the outcomes
// dashboard (OutcomesRead), aggregated over the practice's courses: no
// client is named on it.

type measureSettingsPage struct {
	Grid      []msrGridRow
	FollowUps []int
}

// followUpRows is how many follow-up rows the settings form offers.
const followUpRows = 6

func (s *Server) measureSettings(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	set, err := s.measures().Settings(r.Context(), sess.Actor)
	if s.chartFailed(w, r, err) {
		return
	}
	s.renderMeasureSettings(w, r, settingsForm(set), http.StatusOK)
}

func (s *Server) renderMeasureSettings(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	cat := s.instruments
	d := measureSettingsPage{Grid: msrGrid(cat, plansFromForm(cat, form))}
	for i := 1; i <= followUpRows; i++ {
		d.FollowUps = append(d.FollowUps, i)
	}
	p := s.page(w, r, "Questionnaire settings", d)
	p.Form = form
	s.render(w, r, status, "measures_settings", p)
}

var settingsNumbers = []struct {
	field string
	get   func(*safety.Schedule) *int
}{
	{"baseline_opens_days_before", func(s *safety.Schedule) *int { return &s.BaselineOpensDaysBefore }},
	{"baseline_closes_days_after", func(s *safety.Schedule) *int { return &s.BaselineClosesDaysAfter }},
	{"pre_session_opens_days_before", func(s *safety.Schedule) *int { return &s.PreSessionOpensDaysBefore }},
	{"course_end_days_after", func(s *safety.Schedule) *int { return &s.CourseEndDaysAfter }},
	{"course_end_closes_days_after", func(s *safety.Schedule) *int { return &s.CourseEndClosesDaysAfter }},
}

func settingsForm(set measure.Settings) *Form {
	f := NewForm(nil)
	for _, p := range set.Schedule.Instruments {
		for o, on := range map[string]bool{"baseline": p.Baseline, "pre_session": p.PreSession, "course_end": p.CourseEnd, "follow_up": p.FollowUp} {
			if on {
				f.Set("plan."+p.Code+"."+o, "1")
			}
		}
	}
	if set.ClientsSeeScores {
		f.Set("clients_see_scores", "1")
	}
	if set.EmailWhenDue {
		f.Set("email_when_due", "1")
	}
	for _, n := range settingsNumbers {
		f.Set(n.field, strconv.Itoa(*n.get(&set.Schedule)))
	}
	for i, fu := range set.Schedule.FollowUps {
		k := "fu." + strconv.Itoa(i+1) + "."
		f.Set(k+"label", fu.Label)
		f.Set(k+"days", strconv.Itoa(fu.Days))
		f.Set(k+"months", strconv.Itoa(fu.Months))
		f.Set(k+"opens", strconv.Itoa(fu.OpensDaysBefore))
		f.Set(k+"closes", strconv.Itoa(fu.ClosesDaysAfter))
	}
	return f
}

func (s *Server) saveMeasureSettings(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	cat := s.instruments
	num := func(field string) int {
		v := form.Get(field)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			form.Fail(field, "Give a whole number of days, 0 or more.")
		}
		return n
	}
	set := measure.Settings{ClientsSeeScores: form.Get("clients_see_scores") != "", EmailWhenDue: form.Get("email_when_due") != ""}
	set.Schedule.Instruments = plansFromForm(cat, form)
	for _, n := range settingsNumbers {
		*n.get(&set.Schedule) = num(n.field)
	}
	set.Schedule.FollowUps = []safety.FollowUp{}
	for i := 1; i <= followUpRows; i++ {
		k := "fu." + strconv.Itoa(i) + "."
		if form.Get(k+"label") == "" {
			continue
		}
		set.Schedule.FollowUps = append(set.Schedule.FollowUps, safety.FollowUp{Label: form.Get(k + "label"), Days: num(k + "days"), Months: num(k + "months"),
			OpensDaysBefore: num(k + "opens"), ClosesDaysAfter: num(k + "closes")})
	}
	err := s.measures().SaveSettings(r.Context(), a, set, formProblems(form))
	if err == nil {
		s.redirect(w, r, "/admin/measure-settings", "ok", "The questionnaire settings are saved; schedules follow them from now on.")
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderMeasureSettings(w, r, form, http.StatusUnprocessableEntity)
}

type outcomesPage struct {
	Outcomes measure.Outcomes
	Routes   []Option
	Query    string
}

// outcomeFilter reads the GET form; dates are days in the practice zone.
func outcomeFilter(q url.Values, form *Form) measure.OutcomeFilter {
	var f measure.OutcomeFilter
	for _, k := range []string{"from", "to"} {
		v := q.Get(k)
		form.Set(k, v)
		if v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			form.Fail(k, "Give a date such as 2026-01-31.")
			continue
		}
		if k == "from" {
			f.From = t
		} else {
			f.To = t
		}
	}
	f.Indication = q.Get("indication")
	form.Set("indication", f.Indication)
	if route := dosing.Route(q.Get("route")); route.Valid() {
		f.Route = route
		form.Set("route", string(route))
	}
	return f
}

func (s *Server) loadOutcomes(r *http.Request, form *Form) (measure.Outcomes, error) {
	sess, _ := sessionFrom(r.Context())
	f := outcomeFilter(r.URL.Query(), form)
	o, err := s.measures().Outcomes(r.Context(), sess.Actor, f)
	return o, err
}

func (s *Server) outcomes(w http.ResponseWriter, r *http.Request) {
	form := NewForm(nil)
	o, err := s.loadOutcomes(r, form)
	if s.chartFailed(w, r, err) {
		return
	}
	d := outcomesPage{Outcomes: o, Routes: []Option{{Value: "", Label: "Any route"}}, Query: r.URL.RawQuery}
	for _, rt := range dosing.Routes() {
		d.Routes = append(d.Routes, Option{Value: string(rt), Label: rt.Label()})
	}
	p := s.page(w, r, "Outcomes", d)
	p.Form = form
	status := http.StatusOK
	if form.HasErrors() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "measures_outcomes", p)
}

// outcomesCSV exports the dashboard's rows, every cell defused against
// spreadsheet formulas.
func (s *Server) outcomesCSV(w http.ResponseWriter, r *http.Request) {
	o, err := s.loadOutcomes(r, NewForm(nil))
	if s.chartFailed(w, r, err) {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="outcomes.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	rate := func(r *measure.Rate) []string {
		if r == nil {
			return []string{"", "", ""}
		}
		return []string{strconv.Itoa(r.Num), strconv.Itoa(r.Den), r.Percent()}
	}
	cw.Write([]string{"section", "group", "instrument", "occasion", "n", "responders", "of", "response_rate", "remitters", "of", "remission_rate", "improved", "of", "improved_rate"})
	cw.Write(spreadsheetSafe("courses", "All courses", "", "started", strconv.Itoa(o.Started), "", "", "", "", "", "", "", "", ""))
	cw.Write(spreadsheetSafe("courses", "All courses", "", "completed", strconv.Itoa(o.Completed), "", "", "", "", "", "", "", "", ""))
	cw.Write(spreadsheetSafe("courses", "All courses", "", "stopped", strconv.Itoa(o.Stopped), "", "", "", "", "", "", "", "", ""))
	cw.Write(spreadsheetSafe("courses", "All courses", "", "completion (completed of completed+stopped)", strconv.Itoa(o.Completion.Num), "", strconv.Itoa(o.Completion.Den), o.Completion.Percent(), "", "", "", "", "", ""))
	for _, st := range o.Stops {
		cw.Write(spreadsheetSafe("stopped", "after "+strconv.Itoa(st.AfterSessions)+" sessions held", "", "", strconv.Itoa(st.Courses), "", "", "", "", "", "", "", "", ""))
	}
	for _, row := range o.Rows {
		cells := append([]string{"outcome", row.Group, row.ShortName, row.Label, strconv.Itoa(row.N)}, rate(row.Response)...)
		cells = append(cells, rate(row.Remission)...)
		cells = append(cells, rate(row.Improved)...)
		cw.Write(spreadsheetSafe(cells...))
	}
	cw.Flush()
}
