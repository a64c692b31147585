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
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/activate", s.courseChange("The course is active: medicine sessions can be booked.",
		func(c courseCtx) (course.Changed, error) {
			return c.door.Activate(c.ctx(), c.a, c.client, c.course, nil)
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/stop", s.courseChange("The course is stopped; the reason is on record.",
		func(c courseCtx) (course.Changed, error) {
			return c.door.Stop(c.ctx(), c.a, c.client, c.course, c.form.Values.Get("stop_reason"), nil)
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/complete", s.courseChange("The course is completed. Touch-up sessions can be planned below.",
		func(c courseCtx) (course.Changed, error) {
			return c.door.Complete(c.ctx(), c.a, c.client, c.course, nil)
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/doses", s.courseChange("The planned dose is changed; the change and its reason are on record.",
		func(c courseCtx) (course.Changed, error) {
			n, _ := strconv.Atoi(c.form.Get("session_number"))
			return c.door.ChangeDose(c.ctx(), c.a, c.client, c.course, n, formMg(c.form, "new_mg"), c.form.Values.Get("reason"), nil)
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/touch-ups", s.courseChange("The touch-up session is planned.",
		func(c courseCtx) (course.Changed, error) {
			return c.door.AddTouchUp(c.ctx(), c.a, c.client, c.course, formMg(c.form, "touch_up_mg"), nil)
		}))
	s.handle(GateStaff, "POST /clients/{id}/courses/{courseID}/sessions", s.courseChange("The session is recorded.",
		func(c courseCtx) (course.Changed, error) {
			n, _ := strconv.Atoi(c.form.Get("session_number"))
			var at *time.Time
			var unread error
			if v := c.form.Get("scheduled_at"); v != "" {
				t, err := time.ParseInLocation("2006-01-02T15:04", v, c.zone)
				if err != nil {
					c.form.Fail("scheduled_at", "Give the date and time, such as 2026-12-01 10:00.")
					unread = formProblems(c.form)
				}
				at = &t
			}
			return c.door.RecordSession(c.ctx(), c.a, c.client, c.course, n, course.SessionAction(c.form.Get("action")), at, unread)
		}))
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

// courseDoor is the door the course pages and API go through.
func (s *Server) courseDoor() *course.Door {
	return s.doors.Courses
}

func (s *Server) coursesOverview(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	d := coursesOverviewPage{Admin: a.IsAdmin(), Status: r.URL.Query().Get("status"), Statuses: []string{"active", "planned", "completed", "stopped"}}
	switch d.Status {
	case "", "active", "planned", "completed", "stopped":
	default:
		d.Status = ""
	}
	var err error
	d.Courses, err = s.courseDoor().Overview(r.Context(), a, dosing.CourseStatus(d.Status), sess.Zone)
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
	d := clientCoursesPage{Nav: chartNav{Current: "courses"}, CanPlan: a.Has(access.Prescriber)}
	list, err := s.courseDoor().List(r.Context(), a, r.PathValue("id"), sess.Zone)
	if s.chartFailed(w, r, err) {
		return
	}
	d.Nav.Client, d.Courses = list.Client, list.Courses
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
	pl, err := s.courseDoor().Planning(r.Context(), sess.Actor, r.PathValue("id"), sess.Zone)
	if s.chartFailed(w, r, err) {
		return
	}
	d := courseNewPage{Nav: chartNav{Client: pl.Client, Current: "courses"}, Routes: dosing.Routes(), Warnings: warnings,
		Current: pl.Current, Weight: pl.Weight, Diagnoses: pl.Diagnoses, Defaults: pl.Defaults, NotReady: pl.NotReady}
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
// chart (indication) gives code and words; "other" takes them as typed.
func planFromForm(f *Form) course.NewPlan {
	atoi := func(k string) int { n, _ := strconv.Atoi(f.Get(k)); return n }
	p := course.Plan{Route: dosing.Route(f.Get("route")), PlannedSessions: atoi("planned_sessions"), WindowDays: atoi("window_days"),
		MinGapHours: atoi("min_gap_hours"), IndicationCode: f.Get("indication_code"), IndicationText: f.Get("indication_text")}
	for i := 1; i <= p.PlannedSessions && i <= course.MaxSessions; i++ {
		p.Doses = append(p.Doses, formMg(f, course.DoseField(i)))
	}
	return course.NewPlan{Plan: p, Indication: f.Get("indication")}
}

func (s *Server) createCourse(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	res, err := s.courseDoor().Create(r.Context(), a, id, planFromForm(form), nil)
	if err == nil {
		msg := "The course is planned. Make it active when the client is ready to begin."
		if len(res.Warnings) > 0 {
			msg += " Note: " + strings.Join(res.Warnings, " ")
		}
		s.redirect(w, r, "/clients/"+id+"/courses/"+res.Course.ID, "ok", msg)
		return
	}
	if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
		return
	}
	s.renderCourseNew(w, r, form, res.Warnings, http.StatusUnprocessableEntity)
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
	v, err := s.courseDoor().View(r.Context(), a, r.PathValue("id"), r.PathValue("courseID"), sess.Zone)
	if s.chartFailed(w, r, err) {
		return
	}
	d := coursePage{Nav: chartNav{Client: v.Client, Current: "courses"}, Course: v.Course, Limit: v.Limit, CanPlan: a.Has(access.Prescriber), CanBook: true, Warnings: warnings}
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
	door           *course.Door
	a              access.Actor
	client, course string
	form           *Form
	// zone is the reader's, in which typed times are read.
	zone *time.Location
}

func (c courseCtx) ctx() context.Context { return c.r.Context() }

// courseChange runs one change of a course and answers it: back to the
// course on success, the page again with 422 when refused.
func (s *Server) courseChange(done string, apply func(courseCtx) (course.Changed, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _ := sessionFrom(r.Context())
		id, courseID := r.PathValue("id"), r.PathValue("courseID")
		r.ParseForm()
		form := NewForm(r.PostForm)
		res, err := apply(courseCtx{r: r, door: s.courseDoor(), a: sess.Actor, client: id, course: courseID, form: form, zone: sess.Zone})
		if err == nil {
			msg := done
			if len(res.Warnings) > 0 {
				msg += " Note: " + strings.Join(res.Warnings, " ")
			}
			s.redirect(w, r, "/clients/"+id+"/courses/"+courseID, "ok", msg)
			return
		}
		if s.chartFailed(w, r, err) || s.failed(w, r, chartProblems(err, ""), form) {
			return
		}
		s.renderCourse(w, r, form, res.Warnings, http.StatusUnprocessableEntity)
	}
}
