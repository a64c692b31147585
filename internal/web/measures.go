package web

import (
	"strconv"
	"strings"

	"holdspace/internal/fault"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
)

// routesMeasures registers the pages and API of questionnaires: schedules,
// responses, scores, charts and the outcomes dashboard. Clients fill in
// their own under PortalUse; the care team reads under ClientRead and
// administers or corrects under ClientUpdate; the practice schedule is
// SettingsManage and the dashboard OutcomesRead.
func (s *Server) routesMeasures() {
	s.handle(GateClient, "GET /portal/measures", s.portalMeasures)
	s.handle(GateClient, "POST /portal/measures/start", s.portalMeasureStart)
	s.handle(GateClient, "GET /portal/measures/{responseID}", s.portalMeasure)
	s.handle(GateClient, "POST /portal/measures/{responseID}", s.portalMeasurePost)

	s.handle(GateStaff, "GET /clients/{id}/measures", s.clientMeasures)
	s.handle(GateStaff, "POST /clients/{id}/measures/administer", s.administerMeasure)
	s.handle(GateStaff, "POST /clients/{id}/measures/overrides", s.saveMeasureOverrides)
	s.handle(GateStaff, "GET /clients/{id}/measures/{responseID}", s.staffMeasure)
	s.handle(GateStaff, "POST /clients/{id}/measures/{responseID}", s.staffMeasurePost)
	s.handle(GateStaff, "POST /clients/{id}/measures/{responseID}/correct", s.correctMeasure)

	s.handle(GateStaff, "GET /admin/measure-settings", s.measureSettings)
	s.handle(GateStaff, "POST /admin/measure-settings", s.saveMeasureSettings)

	s.handle(GateStaff, "GET /outcomes", s.outcomes)
	s.handle(GateStaff, "GET /outcomes.csv", s.outcomesCSV)
}

// msrQuestion is one item as the form shows it: one fieldset, its
// options as radio buttons.
type msrQuestion struct {
	ID, Number, Text, Help string
	Options                []msrOption
	Error                  string
	// Hidden items wait for an earlier answer (C-SSRS Q3-5 after a yes to
	// Q2); the server shows them once that answer is saved, the optional
	// script as soon as it is chosen.
	Hidden          bool
	ShowIf          string
	ShowAt          int
	Answered        bool
	AnswerLabel     string
	Critical        bool
	CriticalMessage string
	NotScored       bool
	Optional        bool
}

type msrOption struct {
	Value   int
	Label   string
	Checked bool
}

// msrForm is a questionnaire being filled in or read back.
type msrForm struct {
	Def       *instrument.Definition
	Response  *measure.Response
	Occasion  string
	Questions []msrQuestion
	// Adaptive forms have a "Continue" step for browsers without script.
	Adaptive bool
	// Missing lists the questions shown but not answered, for the review.
	Missing []msrQuestion
	Action  string
	Total   string
	// Instructions are the form's own, shown unless they are addressed to
	// the clinician who asks the questions and the client fills the form
	// in alone ("If NO to 2, go directly to question 6").
	Instructions string
}

// buildForm lays out def's items with the answers so far and any errors
// from scoring keyed by item id.
func buildForm(def *instrument.Definition, r *measure.Response, action string, errs map[string]string) msrForm {
	f := msrForm{Def: def, Response: r, Occasion: measure.OccasionLabel(r.Occasion), Action: action, Instructions: def.Instructions}
	if def.CompletedBy == instrument.CompletedByClinician && strings.HasPrefix(action, "/portal/") {
		f.Instructions = ""
	}
	answers := r.Answers
	critical := map[string]instrument.CriticalItem{}
	for _, c := range def.CriticalItems {
		critical[c.Item] = c
	}
	for _, it := range def.Items {
		q := msrQuestion{ID: it.ID, Number: it.Number, Text: it.Text, Help: it.Help, Error: errs[it.ID], NotScored: it.NotScored, Optional: it.Optional}
		v, answered := answers[it.ID]
		q.Answered = answered
		for _, o := range it.Options {
			q.Options = append(q.Options, msrOption{Value: o.Value, Label: o.Label, Checked: answered && v == o.Value})
			if answered && v == o.Value {
				q.AnswerLabel = o.Label
			}
		}
		if it.ShowIf != nil {
			f.Adaptive = true
			q.ShowIf, q.ShowAt = it.ShowIf.Item, it.ShowIf.AtLeast
			c, ok := answers[it.ShowIf.Item]
			q.Hidden = !ok || c < it.ShowIf.AtLeast
		}
		if c, ok := critical[it.ID]; ok && answered && v >= c.AtLeast {
			q.Critical, q.CriticalMessage = true, c.Message
		}
		if !q.Hidden && !answered && !it.Optional {
			f.Missing = append(f.Missing, q)
		}
		f.Questions = append(f.Questions, q)
	}
	if def.TotalOnly {
		if v, ok := answers[instrument.TotalKey]; ok {
			f.Total = strconv.Itoa(v)
		}
	}
	return f
}

// crisisBlock is one paragraph of the crisis message, or a list of lines.
type crisisBlock struct {
	Text  string
	Items []string
}

// crisisBlocks lays safety.PositiveAnswerMessage out as paragraphs and a
// list, keeping its words exactly.
func crisisBlocks(c safety.CrisisResources, practice string) []crisisBlock {
	var out []crisisBlock
	for _, para := range strings.Split(safety.PositiveAnswerMessage(c, practice), "\n\n") {
		var b crisisBlock
		for _, line := range strings.Split(para, "\n") {
			if item, ok := strings.CutPrefix(line, "- "); ok {
				b.Items = append(b.Items, item)
			} else if strings.TrimSpace(line) != "" {
				b.Text = strings.TrimSpace(b.Text + " " + line)
			}
		}
		out = append(out, b)
	}
	return out
}

// measureDoor is the front door of measurement-based care, on the
// server's clock.
func (s *Server) measureDoor() *measure.Door {
	return s.doors.Measures
}

// measures is measureDoor under the name the portal's pages still call.
func (s *Server) measures() *measure.Door { return s.measureDoor() }

// typedAnswers are a questionnaire form's answers, by item id.
func typedAnswers(form *Form) map[string]string {
	out := map[string]string{}
	for k, v := range form.Values {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// answerErrs are the messages to show beside each question, from a
// refusal of the answers; nil when the refusal is not about them.
func answerErrs(err error) map[string]string {
	f := fault.Of(err)
	if f == nil || f.Code != fault.Invalid || len(f.Fields) == 0 {
		return nil
	}
	return f.FieldMap()
}
