package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/reminder"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// sfCrisisView is what a client is shown of the practice's crisis resources.
type sfCrisisView struct {
	Resources safety.CrisisResources
	Contact   string
	Practice  string
}

func sfLoadCrisisView(r *http.Request, tx *store.Tx, practiceID string) (sfCrisisView, error) {
	st, err := alert.LoadSettings(r.Context(), tx, practiceID)
	if err != nil {
		return sfCrisisView{Resources: safety.USCrisisResources()}, err
	}
	v := sfCrisisView{Resources: safety.ResourcesFor(&st.Crisis), Contact: st.Contact, Practice: st.PracticeName}
	if v.Contact == "" {
		// A practice that has set only the phone its reminder emails give
		// is reached on that number here too.
		rs, err := reminder.Load(r.Context(), tx, practiceID)
		if err != nil {
			return v, err
		}
		if rs.Phone != "" {
			v.Contact = "call " + rs.Phone
		}
	}
	return v, nil
}

type portalCheckInsPage struct {
	Open, Later, Done []alert.CheckIn
}

// portalCheckIns lists the client's check-ins: those open now first.
func (s *Server) portalCheckIns(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	now := s.now()
	var d portalCheckInsPage
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "check_in", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		// Planning here as well as in the worker means a check-in is
		// there the moment the client looks, even if the worker is late.
		if _, err := alert.PlanCheckIns(s.baseCtx(r), tx, a.PracticeID, a.ClientID, now); err != nil {
			return err
		}
		list, err := alert.CheckIns(r.Context(), tx, a.PracticeID, a.ClientID)
		for _, k := range list {
			switch {
			case k.Answered():
				d.Done = append(d.Done, k)
			case k.Open(now):
				d.Open = append(d.Open, k)
			default:
				d.Later = append(d.Later, k)
			}
		}
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
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
	Crisis  sfCrisisView
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
	a := sess.Actor
	id := r.PathValue("id")
	d := portalCheckInPage{Questions: safety.CheckInQuestions(), Sleep: sfSleepOptions(), Moods: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "check_in", ID: id, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.CheckIn, err = alert.GetCheckIn(r.Context(), tx, a.PracticeID, a.ClientID, id); err != nil {
			return err
		}
		d.Crisis, err = sfLoadCrisisView(r, tx, a.PracticeID)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if errors.Is(err, alert.ErrNotFound) {
		s.notFoundMsg(w, r, "There is no such check-in.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Open = d.CheckIn.Open(s.now())
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
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("id")
	r.ParseForm()
	form := NewForm(r.PostForm)
	ans := sfAnswersFromForm(form)
	if form.HasErrors() {
		s.renderPortalCheckIn(w, r, form, http.StatusUnprocessableEntity)
		return
	}
	var alertID string
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "check_in", ID: id, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		_, alertID, err = alert.Submit(s.baseCtx(r), tx, a.PracticeID, a.ClientID, id, ans, s.now())
		return err
	})
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
	a := sess.Actor
	var d sfCrisisView
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "crisis_resources", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		d, err = sfLoadCrisisView(r, tx, a.PracticeID)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		// Never leave a person in crisis with an error page: show the
		// national lines even if the practice's settings cannot be read.
		s.log.Error("crisis page settings", "err", err)
		d = sfCrisisView{Resources: safety.USCrisisResources()}
	}
	s.render(w, r, http.StatusOK, "safety_portal_crisis", s.page(w, r, "Help right now", d))
}

type portalPlanPage struct {
	Plan   *alert.PlanVersion
	Steps  []sfPlanStep
	Crisis sfCrisisView
}

func (s *Server) portalSafetyPlan(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	var d portalPlanPage
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "safety_plan", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		v, err := alert.Plan(r.Context(), tx, a.PracticeID, a.ClientID, 0)
		if err == nil {
			d.Plan = &v
			d.Steps = sfPlanSteps(v.Plan)
		} else if !errors.Is(err, alert.ErrNotFound) {
			return err
		}
		d.Crisis, err = sfLoadCrisisView(r, tx, a.PracticeID)
		return err
	})
	if s.denied(w, r, err) {
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "safety_portal_plan", s.page(w, r, "My safety plan", d))
}
