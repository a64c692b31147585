package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Treatment courses: read by the care team (ClientRead); planned, started,
// ended and their doses changed by a prescriber on the care team
// (EvaluationWrite), within their own limits; sessions booked and marked by
// the care team (ClientUpdate) until scheduling takes that over.
func (s *Server) routesCourses() {
	s.handle(GateStaff, "GET /courses", s.coursesOverview)
	s.handle(GateStaff, "GET /clients/{id}/courses", s.clientCourses)
	s.handle(GateStaff, "GET /clients/{id}/courses/new", func(w http.ResponseWriter, r *http.Request) { s.renderCourseNew(w, r, nil, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /clients/{id}/courses/new", s.createCourse)
	s.handle(GateStaff, "GET /clients/{id}/courses/{courseID}", func(w http.ResponseWriter, r *http.Request) { s.renderCourse(w, r, nil, nil, http.StatusOK) })
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/activate", s.courseChange(access.EvaluationWrite, "The course is active: medicine sessions can be booked.",
		func(c courseCtx) error {
			_, err := course.Activate(c.ctx(), c.tx, c.client, c.course, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/stop", s.courseChange(access.EvaluationWrite, "The course is stopped; the reason is on record.",
		func(c courseCtx) error {
			_, err := course.Stop(c.ctx(), c.tx, c.client, c.course, c.form.Values.Get("stop_reason"), c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/complete", s.courseChange(access.EvaluationWrite, "The course is completed. Touch-up sessions can be planned below.",
		func(c courseCtx) error {
			_, err := course.Complete(c.ctx(), c.tx, c.client, c.course, c.a.StaffID, c.now)
			return err
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/doses", s.courseChange(access.EvaluationWrite, "The planned dose is changed; the change and its reason are on record.",
		func(c courseCtx) error {
			n, _ := strconv.Atoi(c.form.Get("session_number"))
			mg := formMg(c.form, "new_mg")
			_, warnings, err := course.ChangeDose(c.ctx(), c.tx, c.a.PracticeID, c.client, c.course, n, mg, c.form.Values.Get("reason"), c.a.StaffID, c.now)
			*c.warnings = warnings
			return err
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/touch-ups", s.courseChange(access.EvaluationWrite, "The touch-up session is planned.",
		func(c courseCtx) error {
			_, warnings, err := course.AddTouchUp(c.ctx(), c.tx, c.a.PracticeID, c.client, c.course, formMg(c.form, "touch_up_mg"), c.a.StaffID, c.now)
			*c.warnings = warnings
			return err
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/sessions", s.courseChange(access.ClientUpdate, "The session is recorded.",
		func(c courseCtx) error {
			n, _ := strconv.Atoi(c.form.Get("session_number"))
			var at *time.Time
			if v := c.form.Get("scheduled_at"); v != "" {
				t, err := time.ParseInLocation("2006-01-02T15:04", v, c.now.Location())
				if err != nil {
					c.form.Fail("scheduled_at", "Give the date and time, such as 2026-12-01 10:00.")
					return formProblems(c.form)
				}
				at = &t
			}
			_, warnings, err := course.RecordSession(c.ctx(), c.tx, c.a.PracticeID, c.client, c.course, n, course.SessionAction(c.form.Get("action")), at, c.a.StaffID, c.now)
			for _, w := range warnings {
				*c.warnings = append(*c.warnings, w.Message)
			}
			return err
		}))
	s.routesCoursesAPI()
}

// formMg reads a dose in mg; anything that is not a number reads as 0,
// which the course rules refuse with their own message.
func formMg(f *Form, field string) float64 {
	v, err := strconv.ParseFloat(f.Get(field), 64)
	if err != nil {
		return 0
	}
	return v
}

type coursesOverviewPage struct {
	Admin    bool
	Courses  []course.Summary
	Status   string
	Statuses []string
	Stalled  int
}

func (s *Server) coursesOverview(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := coursesOverviewPage{Admin: a.IsAdmin(), Status: r.URL.Query().Get("status"), Statuses: []string{"active", "planned", "completed", "stopped"}}
	f := course.OverviewFilter{PracticeID: a.PracticeID, Status: dosing.CourseStatus(d.Status)}
	switch d.Status {
	case "", "active", "planned", "completed", "stopped":
	default:
		d.Status, f.Status = "", ""
	}
	if !a.IsAdmin() {
		f.StaffID = a.StaffID
	}
	err := s.access.Do(r.Context(), a, access.ClientList, access.Ref{Type: "course_list"}, func(tx *store.Tx, _ access.Decision) error {
		ms, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		d.Courses, err = course.Overview(r.Context(), tx, f, s.now().In(sess.Zone), ms.Course)
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	for _, c := range d.Courses {
		if c.Stalled {
			d.Stalled++
		}
	}
	s.render(w, r, http.StatusOK, "courses_overview", s.page(w, r, "Courses", d))
}

type clientCoursesPage struct {
	Nav      chartNav
	Courses  []course.Course
	CanPlan  bool
	Readable bool
}

func (s *Server) clientCourses(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	d := clientCoursesPage{Nav: chartNav{Current: "courses"}, CanPlan: a.Has(access.Prescriber)}
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "course", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Nav.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		ms, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		d.Courses, err = course.List(r.Context(), tx, id, s.now().In(sess.Zone), ms.Course)
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "courses_client", s.page(w, r, "Courses · "+d.Nav.Client.Name(), d))
}

type courseNewPage struct {
	Nav        chartNav
	Current    *prescribing.Evaluation
	Limit      *dosing.Limit
	Weight     *dosing.Weight
	Diagnoses  []clinic.Diagnosis
	Routes     []dosing.Route
	Defaults   dosing.Settings
	Sessions   []int
	NotReady   []string
	Warnings   []string
	DoseFields []string
}

func (s *Server) renderCourseNew(w http.ResponseWriter, r *http.Request, form *Form, warnings []string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	d := courseNewPage{Nav: chartNav{Current: "courses"}, Routes: dosing.Routes(), Warnings: warnings}
	err := s.access.Do(r.Context(), a, access.EvaluationWrite, access.Ref{Type: "course", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Nav.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		m, err := clinic.LoadMedical(r.Context(), tx, id)
		if err != nil {
			return err
		}
		d.Diagnoses = m.Diagnoses
		if d.Defaults, err = settings.MedicineSettings(r.Context(), tx, a.PracticeID); err != nil {
			return err
		}
		if d.Weight, err = clinic.LatestWeight(r.Context(), tx, id, s.now().In(sess.Zone)); err != nil {
			return err
		}
		ev, ps, err := course.Ready(r.Context(), tx, id)
		d.Current = ev
		for _, p := range ps {
			d.NotReady = append(d.NotReady, p.Message)
		}
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	if form == nil {
		form = NewForm(nil)
		p := course.DefaultPlan(d.Defaults.Course)
		form.Set("planned_sessions", strconv.Itoa(p.PlannedSessions))
		form.Set("window_days", strconv.Itoa(p.WindowDays))
		form.Set("min_gap_hours", strconv.Itoa(p.MinGapHours))
		if d.Current != nil && len(d.Current.Limits) > 0 {
			form.Set("route", string(d.Current.Limits[0].Route))
		}
		if len(d.Diagnoses) > 0 {
			form.Set("indication", d.Diagnoses[0].Code)
		}
	}
	if d.Current != nil {
		if l, ok := d.Current.Limit(dosing.Route(form.Get("route"))); ok {
			d.Limit = &l
		}
	}
	n, _ := strconv.Atoi(form.Get("planned_sessions"))
	if n < 1 || n > course.MaxSessions {
		n = d.Defaults.Course.PlannedSessions
	}
	for i := 1; i <= n; i++ {
		d.Sessions = append(d.Sessions, i)
		d.DoseFields = append(d.DoseFields, course.DoseField(i))
	}
	p := s.page(w, r, "New course · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "courses_new", p)
}

// planFromForm reads the new-course form. A diagnosis chosen from the
// chart gives code and words; "other" takes them as typed.
func planFromForm(f *Form, dx []clinic.Diagnosis) course.Plan {
	atoi := func(k string) int { n, _ := strconv.Atoi(f.Get(k)); return n }
	p := course.Plan{Route: dosing.Route(f.Get("route")), PlannedSessions: atoi("planned_sessions"), WindowDays: atoi("window_days"),
		MinGapHours: atoi("min_gap_hours"), IndicationCode: f.Get("indication_code"), IndicationText: f.Get("indication_text")}
	if pick := f.Get("indication"); pick != "" && pick != "other" {
		for _, d := range dx {
			if d.Code == pick {
				p.IndicationCode, p.IndicationText = d.Code, d.Description
			}
		}
	}
	for i := 1; i <= p.PlannedSessions && i <= course.MaxSessions; i++ {
		p.Doses = append(p.Doses, formMg(f, course.DoseField(i)))
	}
	return p
}

func (s *Server) createCourse(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	courseID := store.NewID()
	var warnings []string
	err := s.access.Do(r.Context(), a, access.EvaluationWrite, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		m, err := clinic.LoadMedical(r.Context(), tx, id)
		if err != nil {
			return err
		}
		_, warnings, err = course.Create(r.Context(), tx, a.PracticeID, id, courseID, planFromForm(form, m.Diagnoses), a.StaffID, s.now().In(sess.Zone))
		return err
	})
	if err == nil {
		msg := "The course is planned. Make it active when the client is ready to begin."
		if len(warnings) > 0 {
			msg += " Note: " + strings.Join(warnings, " ")
		}
		s.redirect(w, r, "/clients/"+id+"/courses/"+courseID, "ok", msg)
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderCourseNew(w, r, form, warnings, http.StatusUnprocessableEntity)
}

type coursePage struct {
	Nav      chartNav
	Course   *course.Course
	Limit    *dosing.Limit
	CanPlan  bool
	CanBook  bool
	Warnings []string
	Numbers  []int
}

func (s *Server) renderCourse(w http.ResponseWriter, r *http.Request, form *Form, warnings []string, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id, courseID := r.PathValue("id"), r.PathValue("courseID")
	d := coursePage{Nav: chartNav{Current: "courses"}, CanPlan: a.Has(access.Prescriber), CanBook: true, Warnings: warnings}
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Nav.Client, err = clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		ms, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		if d.Course, err = course.Load(r.Context(), tx, id, courseID, s.now().In(sess.Zone), ms.Course); err != nil {
			return err
		}
		ev, err := prescribing.Current(r.Context(), tx, id)
		if l, ok := ev.Limit(d.Course.Route); ok {
			d.Limit = &l
		}
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	for _, dz := range d.Course.Doses {
		d.Numbers = append(d.Numbers, dz.Number)
	}
	if form == nil {
		form = NewForm(nil)
	}
	p := s.page(w, r, "Course · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "courses_detail", p)
}

// courseCtx is what one change from the course page works with.
type courseCtx struct {
	r              *http.Request
	tx             *store.Tx
	a              access.Actor
	client, course string
	form           *Form
	now            time.Time
	warnings       *[]string
}

func (c courseCtx) ctx() context.Context { return c.r.Context() }

// courseChange runs one change of a course under act and answers it:
// back to the course on success, the page again with 422 when refused.
func (s *Server) courseChange(act access.Action, done string, apply func(courseCtx) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		a := sess.Actor
		id, courseID := r.PathValue("id"), r.PathValue("courseID")
		r.ParseForm()
		form := NewForm(r.PostForm)
		var warnings []string
		err := s.access.Do(r.Context(), a, act, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
			if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
				return err
			}
			return apply(courseCtx{r: r, tx: tx, a: a, client: id, course: courseID, form: form, now: s.now().In(sess.Zone), warnings: &warnings})
		})
		if err == nil {
			msg := done
			if len(warnings) > 0 {
				msg += " Note: " + strings.Join(warnings, " ")
			}
			s.redirect(w, r, "/clients/"+id+"/courses/"+courseID, "ok", msg)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
			return
		}
		s.renderCourse(w, r, form, warnings, http.StatusUnprocessableEntity)
	}
}
