package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
)

// The JSON API of treatment courses, under the same access as the pages.
func (s *Server) routesCoursesAPI() {
	s.handle("GET /api/v1/clients/{id}/courses", s.api(s.apiCourses))
	s.handle("POST /api/v1/clients/{id}/courses", s.api(s.apiCreateCourse))
	s.handle("GET /api/v1/clients/{id}/courses/{courseID}", s.api(s.apiCourse))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/doses", s.api(s.apiChangeDose))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/activate", s.api(s.apiCourseChange(false,
		func(c apiCourseCtx) (course.Changed, error) {
			return c.door.Activate(c.ctx, c.a, c.client, c.course, c.bad)
		})))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/stop", s.api(s.apiCourseChange(true,
		func(c apiCourseCtx) (course.Changed, error) {
			res, err := c.door.Stop(c.ctx, c.a, c.client, c.course, c.in.Reason, c.bad)
			return res, renameField(err, "stop_reason", "reason")
		})))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/complete", s.api(s.apiCourseChange(false,
		func(c apiCourseCtx) (course.Changed, error) {
			return c.door.Complete(c.ctx, c.a, c.client, c.course, c.bad)
		})))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/touch-ups", s.api(s.apiCourseChange(true,
		func(c apiCourseCtx) (course.Changed, error) {
			res, err := c.door.AddTouchUp(c.ctx, c.a, c.client, c.course, c.in.DoseMg, c.bad)
			return res, renameField(err, "touch_up_mg", "dose_mg")
		})))
	s.handle("POST /api/v1/clients/{id}/courses/{courseID}/sessions", s.api(s.apiCourseChange(true,
		func(c apiCourseCtx) (course.Changed, error) {
			return c.door.RecordSession(c.ctx, c.a, c.client, c.course, c.in.SessionNumber, course.SessionAction(c.in.Action), c.in.ScheduledAt, c.bad)
		})))
}

// apiCourseInput is the body of the course actions; each action reads
// the fields it needs (the OpenAPI document names them per action).
type apiCourseInput struct {
	Reason        string     `json:"reason"`
	DoseMg        float64    `json:"dose_mg"`
	SessionNumber int        `json:"session_number"`
	Action        string     `json:"action"`
	ScheduledAt   *time.Time `json:"scheduled_at"`
}

// apiCourseCtx is what one API change of a course works with; bad is the
// body's refusal, which the door gives once access is decided.
type apiCourseCtx struct {
	ctx            context.Context
	door           *course.Door
	a              access.Actor
	client, course string
	in             apiCourseInput
	bad            error
}

// apiCourseChange runs one change of a course and answers the course as
// it stands after it, or problem+json with field errors. withBody says
// whether the action reads a JSON body; those without one accept an empty
// body or an empty object, and nothing else.
func (s *Server) apiCourseChange(withBody bool, apply func(apiCourseCtx) (course.Changed, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		c := apiCourseCtx{ctx: r.Context(), door: s.doors.Courses, a: a, client: r.PathValue("id"), course: r.PathValue("courseID")}
		if withBody {
			c.bad = Decode(r, &c.in)
		} else {
			c.bad = DecodeOptional(r, &struct{}{})
		}
		res, err := apply(c)
		s.apiCourseAnswer(w, r, a, http.StatusOK, res, err)
	}
}

// apiCourseAnswer answers a change of a course: the course with the
// warnings the change drew, or the refusal.
func (s *Server) apiCourseAnswer(w http.ResponseWriter, r *http.Request, a access.Actor, status int, res course.Changed, err error) {
	s.reply(w, r, err, status, apiCourseResult{Course: res.Course, Warnings: append([]string{}, res.Warnings...)})
}

// renameField moves problems from a form field to its API name.
func renameField(err error, from, to string) error {
	var ps clinic.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(clinic.Problems, len(ps))
	for i, p := range ps {
		if p.Field == from {
			p.Field = to
		}
		out[i] = p
	}
	return out
}

// apiCourseResult is a course with the dose warnings the change drew.
type apiCourseResult struct {
	*course.Course
	Warnings []string `json:"warnings"`
}

func (s *Server) apiCourses(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Courses.List(r.Context(), a, r.PathValue("id"), nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if list.Courses == nil {
		list.Courses = []course.Course{}
	}
	WriteJSON(w, http.StatusOK, list.Courses)
}

func (s *Server) apiCourse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	v, err := s.doors.Courses.View(r.Context(), a, r.PathValue("id"), r.PathValue("courseID"), nil)
	s.reply(w, r, err, http.StatusOK, v.Course)
}

func (s *Server) apiCreateCourse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in course.Plan
	bad := Decode(r, &in)
	res, err := s.doors.Courses.Create(r.Context(), a, r.PathValue("id"), course.NewPlan{Plan: in}, bad)
	s.apiCourseAnswer(w, r, a, http.StatusCreated, res, err)
}

func (s *Server) apiChangeDose(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in struct {
		SessionNumber int     `json:"session_number"`
		NewMg         float64 `json:"new_mg"`
		Reason        string  `json:"reason"`
	}
	bad := Decode(r, &in)
	res, err := s.doors.Courses.ChangeDose(r.Context(), a, r.PathValue("id"), r.PathValue("courseID"), in.SessionNumber, in.NewMg, in.Reason, bad)
	s.apiCourseAnswer(w, r, a, http.StatusOK, res, err)
}
