package web

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/store"
)

// The JSON API of treatment courses, under the same access as the pages.
func (s *Server) routesCoursesAPI() {
	s.handle(GateAPI, "GET /api/v1/clients/{id}/courses", s.api(s.apiCourses))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses", s.api(s.apiCreateCourse))
	s.handle(GateAPI, "GET /api/v1/clients/{id}/courses/{courseID}", s.api(s.apiCourse))
	s.handle(GateAPI, "POST /api/v1/clients/{id}/courses/{courseID}/doses", s.api(s.apiChangeDose))
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
		var err error
		list, err = course.List(r.Context(), tx, id, s.now(), dosing.DefaultSettings().Course)
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
		var err error
		c, err = course.Load(r.Context(), tx, id, courseID, s.now(), dosing.DefaultSettings().Course)
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
	bad := decodeBody(w, r, &in)
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
	bad := decodeBody(w, r, &in)
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
