package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// The JSON API of treatment courses, under the same access as the pages.
func (s *Server) routesCoursesAPI() {
	s.handle(GateAPI, "GET /api/v1/clients/{id}/courses", s.api(s.apiCourses))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses", s.api(s.apiCreateCourse))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/courses/{courseID}", s.api(s.apiCourse))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/doses", s.api(s.apiChangeDose))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/activate", s.api(s.apiCourseChange(access.EvaluationWrite, false,
		func(c apiCourseCtx) (*course.Course, []string, error) {
			k, err := course.Activate(c.ctx, c.tx, c.client, c.course, c.a.StaffID, c.now)
			return k, nil, err
		})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/stop", s.api(s.apiCourseChange(access.EvaluationWrite, true,
		func(c apiCourseCtx) (*course.Course, []string, error) {
			k, err := course.Stop(c.ctx, c.tx, c.client, c.course, c.in.Reason, c.a.StaffID, c.now)
			return k, nil, renameField(err, "stop_reason", "reason")
		})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/complete", s.api(s.apiCourseChange(access.EvaluationWrite, false,
		func(c apiCourseCtx) (*course.Course, []string, error) {
			k, err := course.Complete(c.ctx, c.tx, c.client, c.course, c.a.StaffID, c.now)
			return k, nil, err
		})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/touch-ups", s.api(s.apiCourseChange(access.EvaluationWrite, true,
		func(c apiCourseCtx) (*course.Course, []string, error) {
			k, warnings, err := course.AddTouchUp(c.ctx, c.tx, c.a.PracticeID, c.client, c.course, c.in.DoseMg, c.a.StaffID, c.now)
			return k, warnings, renameField(err, "touch_up_mg", "dose_mg")
		})))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/sessions", s.api(s.apiCourseChange(access.ClientUpdate, true,
		func(c apiCourseCtx) (*course.Course, []string, error) {
			k, warnings, err := course.RecordSession(c.ctx, c.tx, c.a.PracticeID, c.client, c.course, c.in.SessionNumber, course.SessionAction(c.in.Action), c.in.ScheduledAt, c.a.StaffID, c.now)
			return k, warningTexts(warnings), err
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

// apiCourseCtx is what one API change of a course works with.
type apiCourseCtx struct {
	ctx            context.Context
	tx             *store.Tx
	a              access.Actor
	client, course string
	in             apiCourseInput
	now            time.Time
}

// apiCourseChange runs one change of a course under act and answers the
// course as it stands after it, or problem+json with field errors.
// withBody says whether the action reads a JSON body; those without one
// accept an empty body or an empty object, and nothing else.
func (s *Server) apiCourseChange(act access.Action, withBody bool, apply func(apiCourseCtx) (*course.Course, []string, error)) func(http.ResponseWriter, *http.Request, access.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id, courseID := r.PathValue("id"), r.PathValue("courseID")
		var in apiCourseInput
		var bad error
		if withBody {
			bad = decodeJSON(r, &in)
		} else {
			bad = decodeOptionalJSON(r, &struct{}{})
		}
		zone, err := s.practiceZone(r, a.PracticeID)
		if err != nil {
			s.apiError(w, r, a, err)
			return
		}
		res := apiCourseResult{Warnings: []string{}}
		err = s.access.Do(r.Context(), a, act, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
			if bad != nil {
				return bad
			}
			if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
				return err
			}
			c, warnings, err := apply(apiCourseCtx{ctx: r.Context(), tx: tx, a: a, client: id, course: courseID, in: in, now: s.now().In(zone)})
			res.Course = c
			res.Warnings = append(res.Warnings, warnings...)
			return err
		})
		if err != nil {
			s.apiError(w, r, a, chartProblems(err, ""))
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
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
	id := r.PathValue("id")
	var list []course.Course
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "course", ID: id, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		ms, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		list, err = course.List(r.Context(), tx, id, s.now(), ms.Course)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	if list == nil {
		list = []course.Course{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) apiCourse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, courseID := r.PathValue("id"), r.PathValue("courseID")
	var c *course.Course
	err := s.access.Do(r.Context(), a, access.ClientRead, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		ms, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		c, err = course.Load(r.Context(), tx, id, courseID, s.now(), ms.Course)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiCreateCourse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	var in course.Plan
	bad := decodeJSON(r, &in)
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	res := apiCourseResult{Warnings: []string{}}
	courseID := store.NewID()
	err = s.access.Do(r.Context(), a, access.EvaluationWrite, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		if _, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, id); err != nil {
			return err
		}
		c, warnings, err := course.Create(r.Context(), tx, a.PracticeID, id, courseID, in, a.StaffID, s.now().In(zone))
		res.Course = c
		res.Warnings = append(res.Warnings, warnings...)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, chartProblems(err, ""))
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) apiChangeDose(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, courseID := r.PathValue("id"), r.PathValue("courseID")
	var in struct {
		SessionNumber int     `json:"session_number"`
		NewMg         float64 `json:"new_mg"`
		Reason        string  `json:"reason"`
	}
	bad := decodeJSON(r, &in)
	zone, err := s.practiceZone(r, a.PracticeID)
	if err != nil {
		s.apiError(w, r, a, err)
		return
	}
	res := apiCourseResult{Warnings: []string{}}
	err = s.access.Do(r.Context(), a, access.EvaluationWrite, access.Ref{Type: "course", ID: courseID, ClientID: id}, func(tx *store.Tx, _ access.Decision) error {
		if bad != nil {
			return bad
		}
		c, warnings, err := course.ChangeDose(r.Context(), tx, a.PracticeID, id, courseID, in.SessionNumber, in.NewMg, in.Reason, a.StaffID, s.now().In(zone))
		res.Course = c
		res.Warnings = append(res.Warnings, warnings...)
		return err
	})
	if err != nil {
		s.apiError(w, r, a, chartProblems(err, ""))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// warningTexts are the gate's warnings as the course API reports them.
func warningTexts(ws []dosing.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Message)
	}
	return out
}
