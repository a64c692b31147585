package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/instrument"
	"holdspace/internal/measure"
)

// The portal's questionnaires: what is due, filling one in (saved as a
// draft as the client goes), the review of missing answers, and the thanks
// page, which shows the crisis resources at once when an answer raised a
// safety alert.

type portalMeasuresPage struct {
	Due       []portalDue
	Drafts    []portalDone
	Done      []portalDone
	SeeScores bool
	Charts    []msrChart
}

type portalDue struct {
	measure.Due
	Name string
}

type portalDone struct {
	Response *measure.Response
	Name     string
	Occasion string
	Words    string
}

func (s *Server) portalMeasures(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	cat := s.instruments
	q, err := s.measures().MyQuestionnaires(r.Context(), sess.Actor)
	if s.chartFailed(w, r, err) {
		return
	}
	history := q.History
	d := portalMeasuresPage{SeeScores: q.SeeScores}
	for _, due := range q.Due {
		if due.Response != nil && due.Response.Status == measure.StatusDraft {
			continue // listed with the drafts below
		}
		d.Due = append(d.Due, portalDue{Due: due, Name: instrumentName(cat, due.Instrument)})
	}
	for i := len(history) - 1; i >= 0; i-- {
		h := &history[i]
		def, ok := cat.Get(h.Instrument)
		if !ok || h.FilledBy != measure.FilledByClient && h.Status == measure.StatusDraft {
			continue
		}
		item := portalDone{Response: h, Name: def.Name, Occasion: measure.OccasionLabel(h.Occasion)}
		switch {
		case h.Status == measure.StatusDraft && h.Supersedes == "":
			d.Drafts = append(d.Drafts, item)
		case h.Current():
			if d.SeeScores {
				item.Words = scoreWords(def, h.Result)
			}
			d.Done = append(d.Done, item)
		}
	}
	if d.SeeScores {
		d.Charts = msrCharts(cat, history, nil, sess.Zone)
	}
	s.render(w, r, http.StatusOK, "measures_portal", s.page(w, r, "Questionnaires", d))
}

func instrumentName(cat *instrument.Catalog, code string) string {
	if def, ok := cat.Get(code); ok {
		return def.Name
	}
	return code
}

// scoreWords says a total in plain words for the client, naming the band
// as the instrument does; no advice.
func scoreWords(def *instrument.Definition, res *instrument.Result) string {
	if res == nil || !res.HasTotal {
		return ""
	}
	return "Your total was " + strconv.Itoa(res.Total) + " out of " + strconv.Itoa(res.Max) + ", in the range the questionnaire calls “" + strings.ToLower(res.Band) + "”."
}

func (s *Server) portalMeasureStart(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	slot := measure.Slot{CourseID: form.Get("course_id"), Instrument: form.Get("instrument"), Occasion: form.Get("occasion")}
	resp, err := s.measures().StartMine(r.Context(), a, slot)
	if err == nil {
		http.Redirect(w, r, "/portal/measures/"+resp.ID, http.StatusSeeOther)
		return
	}
	if s.chartFailed(w, r, err) {
		return
	}
	s.redirect(w, r, "/portal/measures", "warn", strings.TrimSpace(err.Error()))
}

type portalFillPage struct {
	Form msrForm
	// Review shows the answers back before submitting.
	Review bool
}

type portalDonePage struct {
	Name      string
	Occasion  string
	Words     string
	Alerted   bool
	Crisis    []crisisBlock
	Emergency string
	// Contact is how to reach the practice itself, beside the crisis lines.
	Contact, Practice string
}

func (s *Server) portalMeasure(w http.ResponseWriter, r *http.Request) {
	s.renderPortalMeasure(w, r, nil, false, http.StatusOK)
}

// renderPortalMeasure shows a draft to fill in (or its review), or the
// thanks page of a submitted one.
func (s *Server) renderPortalMeasure(w http.ResponseWriter, r *http.Request, errs map[string]string, review bool, status int) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("responseID")
	m, err := s.measures().MyResponse(r.Context(), sess.Actor, id)
	if s.chartFailed(w, r, err) {
		return
	}
	def, resp := m.Definition, m.Response
	if def == nil {
		s.notFound(w, r)
		return
	}
	if resp.Status == measure.StatusSubmitted {
		d := portalDonePage{Name: def.Name, Occasion: measure.OccasionLabel(resp.Occasion)}
		if m.SeeScores {
			d.Words = scoreWords(def, resp.Result)
		}
		if m.Alerted {
			d.Alerted, d.Crisis, d.Emergency = true, crisisBlocks(m.Crisis.Resources, sess.PracticeName), m.Crisis.Resources.Emergency
			d.Contact, d.Practice = m.Crisis.Contact, m.Crisis.Practice
		}
		s.render(w, r, status, "measures_portal_done", s.page(w, r, "Thank you", d))
		return
	}
	p := s.page(w, r, def.Name, portalFillPage{Form: buildForm(def, resp, "/portal/measures/"+id, errs), Review: review})
	for id, msg := range errs {
		p.Form.Fail(id, msg)
	}
	s.render(w, r, status, "measures_portal_fill", p)
}

// portalMeasurePost saves the answers given so far, then acts on the
// button pressed: save and leave, continue (the adaptive step without
// script), review, or submit.
func (s *Server) portalMeasurePost(w http.ResponseWriter, r *http.Request) {
	a, form := postedForm(r)
	id := r.PathValue("responseID")
	action := form.Get("action")
	_, err := s.measures().Answer(r.Context(), a, a.ClientID, id, typedAnswers(form), action == "submit")
	errs := answerErrs(err)
	switch {
	case err == nil && action == "save":
		s.redirect(w, r, "/portal/measures", "ok", "Your answers are saved. You can come back and finish any time.")
	case err == nil && action == "review":
		s.renderPortalMeasure(w, r, nil, true, http.StatusOK)
	case err == nil:
		// Submitted (the thanks page) or continued (the next questions).
		http.Redirect(w, r, "/portal/measures/"+id, http.StatusSeeOther)
	case errs != nil:
		s.renderPortalMeasure(w, r, errs, false, http.StatusUnprocessableEntity)
	default:
		if !s.chartFailed(w, r, err) {
			s.serverError(w, r, err)
		}
	}
}

// msrChartHTML marks SVG drawn by internal/scorechart, which escapes every
// text it holds, as safe to place in a page.
func msrChartHTML(svg string) template.HTML { return template.HTML(svg) } // #nosec G203 -- scorechart escapes its text
