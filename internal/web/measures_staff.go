package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/scorechart"
)

// The care team's view of a client's questionnaires: the schedule of each
// course, every response with its answers, score, band and critical items,
// a chart per instrument, administering one in the clinic, corrections,
// and this client's changes to the practice schedule.

type clientMeasuresPage struct {
	Nav         chartNav
	Courses     []msrCourse
	Responses   []msrResponse
	Charts      []msrChart
	CanUpdate   bool
	Instruments []Option
	Open        []msrDue
	Grid        []msrGridRow
	Overridden  bool
}

type msrCourse struct {
	Course course.Course
	Items  []msrDue
}

type msrDue struct {
	measure.Due
	Name  string
	Value string
}

type msrResponse struct {
	Response *measure.Response
	Name     string
	Occasion string
	Critical []instrument.Finding
}

type msrChart struct {
	Name   string
	SVG    template.HTML
	Change string
}

// msrGridRow is one instrument's occasions in the schedule form.
type msrGridRow struct {
	Code, Name                                string
	Baseline, PreSession, CourseEnd, FollowUp bool
}

func (s *Server) clientMeasures(w http.ResponseWriter, r *http.Request) {
	s.renderClientMeasures(w, r, http.StatusOK)
}

func (s *Server) renderClientMeasures(w http.ResponseWriter, r *http.Request, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	cat := s.instruments
	d := clientMeasuresPage{Nav: chartNav{Current: "measures"}}
	v, err := s.measures().ClientView(r.Context(), a, id)
	if s.chartFailed(w, r, err) {
		return
	}
	d.Nav.Client = v.Client
	sched, history, plans := v.Schedule, v.History, v.Plans
	d.Overridden = v.Overridden
	d.CanUpdate = access.Decide(a, access.ClientUpdate, access.Record{PracticeID: a.PracticeID, ClientID: id, OnCareTeam: true}).Allow
	var sessions []time.Time
	for _, cs := range sched {
		row := msrCourse{Course: cs.Course}
		for _, due := range cs.Items {
			md := msrDue{Due: due, Name: instrumentShort(cat, due.Instrument), Value: due.CourseID + "|" + due.Occasion + "|" + due.Instrument}
			row.Items = append(row.Items, md)
			if due.Status != safety.StatusCompleted && due.Status != safety.StatusUpcoming {
				d.Open = append(d.Open, md)
			}
		}
		d.Courses = append(d.Courses, row)
		for _, ss := range cs.Course.Sessions {
			if ss.Status == dosing.SessionHeld && ss.ScheduledAt != nil {
				sessions = append(sessions, *ss.ScheduledAt)
			}
		}
	}
	for i := len(history) - 1; i >= 0; i-- {
		h := &history[i]
		v := msrResponse{Response: h, Name: instrumentShort(cat, h.Instrument), Occasion: measure.OccasionLabel(h.Occasion)}
		if h.Result != nil {
			v.Critical = h.Result.Critical
		}
		d.Responses = append(d.Responses, v)
	}
	d.Charts = msrCharts(cat, history, sessions, sess.Zone)
	for _, def := range cat.All() {
		d.Instruments = append(d.Instruments, Option{Value: def.Code, Label: def.Name})
	}
	d.Grid = msrGrid(cat, plans)
	s.render(w, r, status, "measures_client", s.page(w, r, "Questionnaires · "+d.Nav.Client.Name(), d))
}

func instrumentShort(cat *instrument.Catalog, code string) string {
	if def, ok := cat.Get(code); ok {
		return def.ShortName
	}
	return code
}

// msrCharts draws one chart per instrument with totals, from the current
// submitted responses, with held medicine sessions marked; the change
// from the first to the latest result is said in words (instrument.Compare).
func msrCharts(cat *instrument.Catalog, history []measure.Response, sessions []time.Time, zone *time.Location) []msrChart {
	var out []msrChart
	for _, def := range cat.All() {
		if def.Total == nil {
			continue
		}
		var pts []scorechart.Point
		var results []instrument.Result
		for _, h := range history {
			if h.Instrument != def.Code || !h.Current() || h.Result == nil || !h.Result.HasTotal {
				continue
			}
			pts = append(pts, scorechart.Point{At: *h.SubmittedAt, Value: h.Result.Total})
			results = append(results, *h.Result)
		}
		if len(pts) == 0 {
			continue
		}
		c := scorechart.Chart{Title: def.ShortName + " over time", Min: def.Total.Min, Max: def.Total.Max, Points: pts, Zone: zone}
		for _, b := range def.Bands {
			c.Bands = append(c.Bands, scorechart.Band{Min: b.Min, Max: b.Max, Label: b.Label})
		}
		sorted := slices.Clone(sessions)
		slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
		for i, at := range sorted {
			c.Markers = append(c.Markers, scorechart.Marker{At: at, Label: "S" + itoaShort(i+1)})
		}
		ch := msrChart{Name: def.ShortName}
		if len(results) > 1 {
			ch.Change = instrument.Compare(def, results[0], results[len(results)-1]).Description
		} else {
			ch.Change = def.ShortName + " has one result so far (" + itoaShort(results[0].Total) + ")."
		}
		c.Description = ch.Change
		ch.SVG = msrChartHTML(scorechart.SVG(c))
		out = append(out, ch)
	}
	return out
}

func itoaShort(n int) string {
	if n < 0 {
		return "-" + itoaShort(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoaShort(n/10) + string(rune('0'+n%10))
}

// msrGrid lists every instrument a form can give with the occasions plans
// give it on.
func msrGrid(cat *instrument.Catalog, plans []safety.InstrumentPlan) []msrGridRow {
	var out []msrGridRow
	for _, def := range cat.All() {
		if def.TotalOnly {
			continue
		}
		row := msrGridRow{Code: def.Code, Name: def.Name}
		for _, p := range plans {
			if p.Code == def.Code {
				row.Baseline, row.PreSession, row.CourseEnd, row.FollowUp = p.Baseline, p.PreSession, p.CourseEnd, p.FollowUp
			}
		}
		out = append(out, row)
	}
	return out
}

// plansFromForm reads the schedule grid: fields plan.CODE.OCCASION.
func plansFromForm(cat *instrument.Catalog, f *Form) []safety.InstrumentPlan {
	var out []safety.InstrumentPlan
	for _, def := range cat.All() {
		on := func(o string) bool { return f.Get("plan."+def.Code+"."+o) != "" }
		p := safety.InstrumentPlan{Code: def.Code, Baseline: on("baseline"), PreSession: on("pre_session"), CourseEnd: on("course_end"), FollowUp: on("follow_up")}
		if p.Baseline || p.PreSession || p.CourseEnd || p.FollowUp {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) saveMeasureOverrides(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	err := s.measures().SetPlans(r.Context(), a, id, plansFromForm(s.instruments, form))
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/measures#schedule", "ok", "This client's questionnaire schedule is saved.")
		return
	}
	if s.chartFailed(w, r, err) {
		return
	}
	s.redirect(w, r, "/clients/"+id+"/measures#schedule", "error", err.Error())
}

// administerMeasure opens a questionnaire for staff to give in the
// clinic: a scheduled one (course|occasion|instrument) or any ad hoc.
func (s *Server) administerMeasure(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	slot := measure.Slot{Instrument: form.Get("instrument"), Occasion: measure.OccasionAdHoc}
	if v := form.Get("slot"); v != "" {
		parts := append(strings.SplitN(v, "|", 3), "", "")
		slot = measure.Slot{CourseID: parts[0], Occasion: parts[1], Instrument: parts[2]}
	}
	resp, err := s.measures().Start(r.Context(), a, id, slot)
	if err == nil {
		http.Redirect(w, r, "/clients/"+id+"/measures/"+resp.ID, http.StatusSeeOther)
		return
	}
	if s.chartFailed(w, r, err) {
		return
	}
	s.redirect(w, r, "/clients/"+id+"/measures", "error", err.Error())
}

type staffMeasurePage struct {
	Nav      chartNav
	Form     msrForm
	Response msrResponse
	Alerted  bool
}

func (s *Server) staffMeasure(w http.ResponseWriter, r *http.Request) {
	s.renderStaffMeasure(w, r, nil, http.StatusOK)
}

func (s *Server) renderStaffMeasure(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id, rid := r.PathValue("id"), r.PathValue("responseID")
	cat := s.instruments
	d := staffMeasurePage{Nav: chartNav{Current: "measures"}}
	var resp *measure.Response
	v, err := s.measures().ResponseView(r.Context(), a, id, rid)
	d.Nav.Client, resp = v.Client, v.Response
	if s.chartFailed(w, r, err) {
		return
	}
	def, ok := cat.Get(resp.Instrument)
	if !ok {
		s.notFound(w, r)
		return
	}
	d.Form = buildForm(def, resp, "/clients/"+id+"/measures/"+rid, errs)
	d.Response = msrResponse{Response: resp, Name: def.Name, Occasion: measure.OccasionLabel(resp.Occasion)}
	if resp.Result != nil {
		d.Response.Critical = resp.Result.Critical
		d.Alerted = v.Alerted
	}
	p := s.page(w, r, def.ShortName+" · "+d.Nav.Client.Name(), d)
	for f, msg := range errs {
		p.Form.Fail(f, msg)
	}
	s.render(w, r, status, "measures_response", p)
}

func (s *Server) staffMeasurePost(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id, rid := r.PathValue("id"), r.PathValue("responseID")
	action := form.Get("action")
	done, err := s.measures().Answer(r.Context(), a, id, rid, typedAnswers(form), action == "submit")
	errs := answerErrs(err)
	switch {
	case err == nil && action == "submit" && done.AlertID != "":
		s.redirect(w, r, "/clients/"+id+"/measures/"+rid, "error", "Submitted and scored. The answers raised a safety alert; the care team has been told.")
	case err == nil && action == "submit":
		s.redirect(w, r, "/clients/"+id+"/measures/"+rid, "ok", "Submitted and scored.")
	case err == nil:
		s.redirect(w, r, "/clients/"+id+"/measures/"+rid, "ok", "The answers so far are saved.")
	case errs != nil:
		s.renderStaffMeasure(w, r, errs, http.StatusUnprocessableEntity)
	default:
		if !s.chartFailed(w, r, err) {
			s.serverError(w, r, err)
		}
	}
}

func (s *Server) correctMeasure(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id, rid := r.PathValue("id"), r.PathValue("responseID")
	fix, err := s.measures().Correct(r.Context(), a, id, rid, form.Get("reason"))
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/measures/"+fix.ID, "ok", "A correction is open with the original answers; change what was wrong and submit it. The original stays on record.")
		return
	}
	if s.chartFailed(w, r, err) {
		return
	}
	if errs := answerErrs(err); errs != nil {
		s.renderStaffMeasure(w, r, errs, http.StatusUnprocessableEntity)
		return
	}
	s.serverError(w, r, err)
}
