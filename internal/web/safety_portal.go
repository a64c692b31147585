package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

type portalCheckInsPage struct {
	Open, Later, Done []alert.CheckIn
}

// portalCheckIns lists the client's check-ins: those open now first.
func (s *Server) portalCheckIns(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	l, err := s.safetyDoor().MyCheckIns(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	d := portalCheckInsPage{Open: l.Open, Later: l.Later, Done: l.Done}
	s.render(w, r, http.StatusOK, "safety_portal_checkins", s.page(w, r, "Check-ins", d))
}

type portalCheckInPage struct {
	CheckIn   alert.CheckIn
	Questions []safety.CheckInQuestion
	Sleep     []sfOption
	Moods     []int
	Open      bool
	// Message is shown at once after a yes to self-harm, paragraph by
	// paragraph (safety.PositiveAnswerMessage).
	Message []string
	Crisis  alert.CrisisView
}

func sfSleepOptions() []sfOption {
	var out []sfOption
	for _, q := range safety.SleepQualities() {
		out = append(out, sfOption{string(q), q.Label()})
	}
	return out
}

func (s *Server) renderPortalCheckIn(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	k, err := s.safetyDoor().MyCheckIn(r.Context(), sess.Actor, r.PathValue("id"))
	if s.denied(w, r, err) {
		return
	}
	if s.pageFailed(w, r, err, false, "There is no such check-in.") {
		return
	}
	d := portalCheckInPage{CheckIn: k.CheckIn, Open: k.Open, Crisis: k.Crisis,
		Questions: safety.CheckInQuestions(), Sleep: sfSleepOptions(), Moods: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	if d.CheckIn.AlertID != "" {
		d.Message = strings.Split(safety.PositiveAnswerMessage(d.Crisis.Resources, d.Crisis.Practice), "\n\n")
	}
	if form == nil {
		form = NewForm(nil)
	}
	p := s.page(w, r, "Check-in", d)
	p.Form = form
	s.render(w, r, status, "safety_portal_checkin", p)
}

// submitPortalCheckIn stores the answers. A yes to self-harm raises an
// alert in the same transaction and the page that follows shows the
// crisis lines at once (safety.PositiveAnswerMessage).
func (s *Server) submitPortalCheckIn(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	ans := sfAnswersFromForm(form)
	if form.HasErrors() {
		s.renderPortalCheckIn(w, r, form, http.StatusUnprocessableEntity)
		return
	}
	_, alertID, err := s.safetyDoor().SubmitCheckIn(r.Context(), a, "", id, ans, nil)
	if s.denied(w, r, err) {
		return
	}
	if errors.Is(err, alert.ErrNotFound) {
		s.notFoundMsg(w, r, "There is no such check-in.")
		return
	}
	var se *safety.Error
	if errors.As(err, &se) {
		form.Fail("mood", reasonSentence(se.Message))
		s.renderPortalCheckIn(w, r, form, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if alertID != "" {
		// The page itself carries the message; no flash competes with it.
		http.Redirect(w, r, "/portal/checkins/"+id, http.StatusSeeOther)
		return
	}
	s.redirect(w, r, "/portal/checkins", "ok", "Thank you. Your care team will read your check-in.")
}

// sfAnswersFromForm reads the check-in form, failing each missing answer
// beside its question in words a client can act on.
func sfAnswersFromForm(f *Form) alert.Answers {
	var ans alert.Answers
	if v := f.Get("mood"); v == "" {
		f.Fail("mood", "Please choose a number from 0 to 10.")
	} else if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 10 {
		f.Fail("mood", "Please choose a number from 0 to 10.")
	} else {
		ans.Mood = &n
	}
	ans.Sleep = safety.SleepQuality(f.Get("sleep"))
	if ans.Sleep == "" {
		f.Fail("sleep", "Please choose how you slept.")
	}
	switch f.Get("self_harm_thoughts") {
	case "yes":
		yes := true
		ans.SelfHarm = &yes
	case "no":
		no := false
		ans.SelfHarm = &no
	default:
		f.Fail("self_harm_thoughts", "Please answer yes or no. Either answer is all right to give.")
	}
	ans.ForCareTeam = strings.TrimSpace(f.Values.Get("for_care_team"))
	return ans
}

// portalCrisis is always reachable from the portal: the crisis lines, the
// emergency number and the practice's own contact.
func (s *Server) portalCrisis(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	d, err := s.safetyDoor().Crisis(r.Context(), sess.Actor)
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		// Never leave a person in crisis with an error page: the door
		// gives the national lines even if the practice's settings cannot
		// be read.
		s.log.Error("crisis page settings", "err", err)
	}
	s.render(w, r, http.StatusOK, "safety_portal_crisis", s.page(w, r, "Help right now", d))
}

type portalPlanPage struct {
	Plan   *alert.PlanVersion
	Steps  []sfPlanStep
	Crisis alert.CrisisView
}

func (s *Server) portalSafetyPlan(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	p, err := s.safetyDoor().MyPlan(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	d := portalPlanPage{Plan: p.Plan, Crisis: p.Crisis}
	if p.Plan != nil {
		d.Steps = sfPlanSteps(p.Plan.Plan)
	}
	s.render(w, r, http.StatusOK, "safety_portal_plan", s.page(w, r, "My safety plan", d))
}
