package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

// sfPlanStep is one step of a plan as drawn: its number, title, key and
// entries (the closing line has Text only).
type sfPlanStep struct {
	Number  int
	Key     string
	Title   string
	Entries []safety.PlanEntry
	Text    string
	Closing bool
}

func sfPlanSteps(p safety.SafetyPlan) []sfPlanStep {
	entries := [][]safety.PlanEntry{p.WarningSigns, p.InternalCoping, p.SocialDistraction, p.PeopleToAsk, p.Professionals, p.SafeEnvironment}
	var out []sfPlanStep
	for i, e := range entries {
		st := safety.PlanStep(i + 1)
		out = append(out, sfPlanStep{Number: i + 1, Key: st.Key(), Title: st.Title(), Entries: e})
	}
	out = append(out, sfPlanStep{Key: safety.StepWorthLivingFor.Key(), Title: safety.StepWorthLivingFor.Title(), Text: p.WorthLivingFor, Closing: true})
	return out
}

// planRows is how many lines each step offers: what is there plus two
// blank ones, so the form works without script.
const sfPlanBlankRows = 2

type sfPlanFormStep struct {
	sfPlanStep
	Rows []int
}

type safetyPlanPage struct {
	Nav      chartNav
	Current  *alert.PlanVersion
	Shown    *alert.PlanVersion
	History  []alert.PlanVersion
	Steps    []sfPlanStep
	Form     []sfPlanFormStep
	Changes  []safety.PlanChange
	CanWrite bool
}

func (s *Server) renderSafetyPlan(w http.ResponseWriter, r *http.Request, form *Form, status int) {
	sess, _ := sessionFrom(r.Context())
	want, _ := strconv.Atoi(r.URL.Query().Get("version"))
	plans, err := s.safetyDoor().Plans(r.Context(), sess.Actor, r.PathValue("id"))
	if s.chartFailed(w, r, err) {
		return
	}
	d := safetyPlanPage{Nav: chartNav{Current: "safety-plan", Client: plans.Client}, History: plans.History, CanWrite: plans.MayWrite}
	if len(d.History) > 0 {
		d.Current = &d.History[0]
		d.Shown = d.Current
		for i := range d.History {
			if d.History[i].Version == want {
				d.Shown = &d.History[i]
				if i+1 < len(d.History) {
					d.Changes = safety.Diff(d.History[i+1].Plan, d.History[i].Plan)
				}
			}
		}
		d.Steps = sfPlanSteps(d.Shown.Plan)
	}
	if form == nil {
		form = NewForm(nil)
		if d.Current != nil {
			sfFillPlanForm(form, d.Current.Plan)
		}
	}
	d.Form = sfPlanForm(form)
	p := s.page(w, r, "Safety plan · "+d.Nav.Client.Name(), d)
	p.Form = form
	s.render(w, r, status, "safety_plan", p)
}

func sfFillPlanForm(f *Form, p safety.SafetyPlan) {
	for _, st := range sfPlanSteps(p) {
		if st.Closing {
			f.Set(st.Key, st.Text)
			continue
		}
		for i, e := range st.Entries {
			f.Set(fmt.Sprintf("%s.%d.text", st.Key, i), e.Text)
			f.Set(fmt.Sprintf("%s.%d.phone", st.Key, i), e.Phone)
		}
	}
}

// sfPlanForm lays out the rows of each step: as many as were typed (or
// stored), plus blank ones.
func sfPlanForm(f *Form) []sfPlanFormStep {
	var out []sfPlanFormStep
	for _, st := range sfPlanSteps(safety.SafetyPlan{}) {
		fs := sfPlanFormStep{sfPlanStep: st}
		if !st.Closing {
			n := 0
			for i := 0; i < 50; i++ {
				if f.Values.Has(fmt.Sprintf("%s.%d.text", st.Key, i)) {
					n = i + 1
				}
			}
			for i := 0; i < n+sfPlanBlankRows; i++ {
				fs.Rows = append(fs.Rows, i)
			}
		}
		out = append(out, fs)
	}
	return out
}

func sfPlanFromForm(f *Form) safety.SafetyPlan {
	read := func(key string) []safety.PlanEntry {
		var es []safety.PlanEntry
		for i := 0; i < 50; i++ {
			t, p := f.Get(fmt.Sprintf("%s.%d.text", key, i)), f.Get(fmt.Sprintf("%s.%d.phone", key, i))
			if t != "" || p != "" {
				es = append(es, safety.PlanEntry{Text: t, Phone: p})
			}
		}
		return es
	}
	return safety.SafetyPlan{
		WarningSigns: read(safety.StepWarningSigns.Key()), InternalCoping: read(safety.StepInternalCoping.Key()),
		SocialDistraction: read(safety.StepSocialDistraction.Key()), PeopleToAsk: read(safety.StepPeopleToAsk.Key()),
		Professionals: read(safety.StepProfessionals.Key()), SafeEnvironment: read(safety.StepSafeEnvironment.Key()),
		WorthLivingFor: f.Get(safety.StepWorthLivingFor.Key()),
	}
}

// sfPlanFieldFor puts a plan refusal beside the step it names ("step 4
// (...)"), or the first step.
func sfPlanFieldFor(msg string) string {
	for st := safety.StepWarningSigns; st <= safety.StepSafeEnvironment; st++ {
		if strings.Contains(msg, fmt.Sprintf("step %d ", st)) {
			return st.Key() + ".0.text"
		}
	}
	return safety.StepWarningSigns.Key() + ".0.text"
}

func (s *Server) saveSafetyPlan(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("id")
	v, err := s.safetyDoor().SavePlan(r.Context(), a, id, sfPlanFromForm(form), nil)
	if err == nil {
		s.redirect(w, r, "/clients/"+id+"/safety-plan", "ok", fmt.Sprintf("Version %d of the safety plan is saved; the client can read it in the portal.", v.Version))
		return
	}
	var se *safety.Error
	if !errors.As(err, &se) {
		s.chartFailed(w, r, err)
		return
	}
	// Each missing step gets its own message beside it.
	p := sfPlanFromForm(form).Tidy()
	for st, es := range map[safety.PlanStep][]safety.PlanEntry{safety.StepWarningSigns: p.WarningSigns, safety.StepInternalCoping: p.InternalCoping,
		safety.StepPeopleToAsk: p.PeopleToAsk, safety.StepProfessionals: p.Professionals} {
		if len(es) == 0 {
			form.Fail(st.Key()+".0.text", fmt.Sprintf("Add at least one entry to step %d (%s).", st, st.Title()))
		}
	}
	if !form.HasErrors() {
		form.Fail(sfPlanFieldFor(se.Message), reasonSentence(se.Message))
	}
	s.renderSafetyPlan(w, r, form, http.StatusUnprocessableEntity)
}

type clientCheckInsPage struct {
	Nav      chartNav
	CheckIns []alert.CheckIn
	Now      time.Time
}

// clientCheckIns is the care team's view of a client's check-ins, with
// missed ones marked (the chart's lower-level notice).
func (s *Server) clientCheckIns(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	c, err := s.safetyDoor().CheckIns(r.Context(), sess.Actor, r.PathValue("id"))
	if s.chartFailed(w, r, err) {
		return
	}
	d := clientCheckInsPage{Nav: chartNav{Current: "check-ins", Client: c.Client}, CheckIns: c.CheckIns, Now: s.now()}
	s.render(w, r, http.StatusOK, "safety_checkins", s.page(w, r, "Check-ins · "+d.Nav.Client.Name(), d))
}
